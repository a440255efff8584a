"""The classroom hub (``make classroom``): JupyterHub from ``classroom/jupyterhub_config.py``, used by a room.

A hub on a free loopback port with three learners and a teacher, driven through headless Chromium
(Debian's ``/usr/bin/chromium`` under Playwright, as in ``test_browser.py``):

- three learners log in at the same time, each runs notebook 00 (their student copy) in JupyterLab and sees
  their own TensorBoard frame, served through the hub (jupyter-server-proxy) from their own folder;
- a learner gets 403 on another learner's server; the teacher lists all three and opens a learner's server;
- every learner's server is started with the idle timeouts (kernels: 30 min, the server: 60 min);
- the hub stops with no process left (learners' servers, kernels, TensorBoards, the proxy);
- on a second hub with timeouts of seconds, a learner who walks away with their tab open loses their idle
  kernel and the process it started; once the tab is closed, their server stops and the hub notices.

Without JupyterHub, its proxy (``make classroom-setup``) or a browser (``make browser``) this module is
set aside, with the reason in one line. ``test_classroom_hub.py`` tests ``classroom/hub.py``'s helpers
without a hub.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dvdl_helpers import paths

pytestmark = [pytest.mark.classroom]

CLASSROOM = paths.REPO_ROOT / "classroom"
CONFIG = CLASSROOM / "jupyterhub_config.py"
PROXY = CLASSROOM / "node_modules" / ".bin" / "configurable-http-proxy"
LEARNERS = ["ann", "ben", "cleo"]
TEACHER = "teacher"
SCREENSHOTS = paths.REPO_ROOT / "test-artifacts" / "screenshots"
TIMEOUT_MS = 180_000  # three learners' kernels share a small machine: generous, yet bounded


def _load(name: str, path: Path):
    """Import the Python file ``path`` as module ``name`` (classroom/ and tools/ are not packages)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hub = _load("classroom_hub", CLASSROOM / "hub.py")
_run_all_in_lab = _load("run_all_in_lab", paths.REPO_ROOT / "tools" / "run_all_in_lab.py")
_make_student = _load("make_student", paths.REPO_ROOT / "tools" / "make_student.py")
CHROMIUM, CHROMIUM_ARGS = _run_all_in_lab.CHROMIUM, _run_all_in_lab.CHROMIUM_ARGS
JUPYTERHUB = Path(sys.executable).with_name("jupyterhub")


def missing_parts() -> str | None:
    """Return why the hub tests cannot run here (and how to fix it), or None when they can."""
    if importlib.util.find_spec("jupyterhub") is None or not JUPYTERHUB.exists():
        return "JupyterHub is not installed: `make classroom-setup` installs it"
    if not os.access(PROXY, os.X_OK):
        return f"JupyterHub's proxy is not in {PROXY.relative_to(paths.REPO_ROOT)}: `make classroom-setup`"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (requirements.txt has it)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no browser at {CHROMIUM}: `make browser` (or set DVDL_CHROMIUM)"
    return None


def wait_for(check: Callable[[], object], timeout: float, what: str) -> object:
    """Call ``check`` until it returns a true value (returned) or ``timeout`` seconds pass."""
    deadline, last_error = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            if result := check():
                return result
        except OSError as error:  # not answering yet
            last_error = error
        time.sleep(0.5)
    raise TimeoutError(f"{what}: not within {timeout:.0f} s (last error: {last_error})")


_MISSING = missing_parts()
if _MISSING:
    pytest.skip(_MISSING, allow_module_level=True)  # one line in the summary says why and how


@dataclass
class Hub:
    """A running classroom hub: its address (ends with ``/``), passwords, room folder and process."""

    url: str
    passwords: dict[str, str]
    room: Path
    process: subprocess.Popen
    log: Path

    def processes(self) -> list:
        """Return the hub and every process it started, directly or not (proxy, servers, kernels, ...)."""
        import psutil

        try:
            root = psutil.Process(self.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []


@contextlib.contextmanager
def running_hub(**settings: str) -> Iterator[Hub]:
    """A classroom hub on a free loopback port, its room in a temporary folder, ``settings`` in its
    environment (``CLASSROOM_...``); stopped at the end."""
    room_parent = Path(tempfile.mkdtemp(prefix="dvdl-classroom-"))
    room, class_list = room_parent / "room", room_parent / "class-list.txt"
    class_list.write_text("\n".join(LEARNERS) + "\n")
    port = hub.free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("JUPYTERHUB_") and not key.endswith("_IDLE_MINUTES")
    }
    environment.update(
        CLASSROOM_IP="127.0.0.1",
        CLASSROOM_PORT=str(port),
        CLASSROOM_ROOM=str(room),
        CLASS_LIST=str(class_list),
        CLASSROOM_TEACHER=TEACHER,
        **settings,
    )
    log = room_parent / "jupyterhub.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [str(JUPYTERHUB), "-f", str(CONFIG)],
            env=environment,
            cwd=room_parent,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Hub(f"http://127.0.0.1:{port}/", {}, room, process, log)
    seen: list = []
    try:

        def answering() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"the hub exited ({process.returncode}):\n{log.read_text()[-3000:]}")
            with urllib.request.urlopen(running.url + "hub/api/", timeout=10) as response:
                return "version" in json.load(response)

        wait_for(answering, 90, "the hub answering")
        running.passwords = hub.read_passwords(room / "passwords.txt")
        yield running
    finally:
        seen = running.processes()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(60)
        for leftover in seen:  # only when a test failed before the hub could stop cleanly
            with contextlib.suppress(Exception):
                leftover.kill()
        shutil.rmtree(room_parent, ignore_errors=True)


@pytest.fixture(scope="module")
def classroom() -> Iterator[Hub]:
    """The classroom hub with its default settings, shared by this module's tests."""
    with running_hub() as running:
        yield running


async def screenshot(page, name: str) -> None:
    """Save ``test-artifacts/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(Exception):
        await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


async def log_in(browser, classroom: Hub, name: str):
    """Log ``name`` in through the hub's login page in a fresh browser context; return the page."""
    context = await browser.new_context(viewport={"width": 1280, "height": 1400})
    context.set_default_timeout(TIMEOUT_MS)
    # Only this machine: the course runs offline, the room's hub too.
    await context.route(
        re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])"), lambda route: route.abort()
    )
    page = await context.new_page()
    await page.goto(classroom.url + "hub/login")
    await page.fill("#username_input", name)
    await page.fill("#password_input", classroom.passwords[name])
    await page.click("#login_submit")
    return page


async def in_browser(work) -> object:
    """Run ``await work(browser)`` with a headless Chromium, bounded in time."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            return await asyncio.wait_for(work(browser), timeout=600)
        finally:
            await browser.close()


async def run_notebook_00(browser, classroom: Hub, name: str) -> dict[str, object]:
    """Log ``name`` in, Run All in their notebook 00; return what the page showed."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout
    from playwright.async_api import expect

    page = await log_in(browser, classroom, name)
    try:
        started = time.monotonic()
        await page.wait_for_url(re.compile(rf"/user/{name}/lab"), timeout=TIMEOUT_MS)
        panel = page.locator(".jp-NotebookPanel")
        # The notebook's kernel has started and is connected: the status bar says so.
        await expect(page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle"))).to_be_visible(
            timeout=TIMEOUT_MS
        )
        await page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        await page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        with contextlib.suppress(PlaywrightTimeout):  # a slow start may still ask: a learner clicks Select
            await page.get_by_role("button", name="Select", exact=True).click(timeout=5_000)
        frame_element = panel.locator("iframe[id^='tensorboard-frame-']")
        await expect(frame_element).to_be_attached(timeout=TIMEOUT_MS)
        last_prompt = panel.locator(".jp-CodeCell .jp-InputArea-prompt").last
        await expect(last_prompt).to_have_text(re.compile(r"\[\d+\]"), timeout=TIMEOUT_MS)
        src = await frame_element.evaluate("frame => frame.src")
        frame = page.frame_locator("iframe[id^='tensorboard-frame-']")
        await expect(frame.locator("tb-webapp")).to_be_attached(timeout=TIMEOUT_MS)
        environment = await (await page.request.get(src + "data/environment")).json()
        outputs = await panel.locator(".jp-OutputArea").all_inner_texts()
        elsewhere = await page.request.get(classroom.url + f"user/{LEARNERS[0]}/lab", max_redirects=10)
        await screenshot(page, f"classroom-{name}")
        return {
            "seconds": time.monotonic() - started,
            "src": src,
            "logdir": environment.get("data_location", ""),
            "outputs": "\n".join(outputs),
            "other_learner_status": elsewhere.status,
        }
    except Exception:
        await screenshot(page, f"classroom-{name}-failed")
        raise
    finally:
        await page.context.close()


def test_three_learners_run_notebook_00_with_their_own_tensorboard(classroom):
    async def room(browser):
        return await asyncio.gather(*(run_notebook_00(browser, classroom, name) for name in LEARNERS))

    results = dict(zip(LEARNERS, asyncio.run(in_browser(room)), strict=True))
    for name, seen in results.items():
        folder = classroom.room / "learners" / name
        assert "Traceback" not in seen["outputs"], f"{name}'s notebook 00 raised:\n{seen['outputs'][-2000:]}"
        assert "images shared between splits: 0" in seen["outputs"], (
            f"{name}'s notebook 00 did not run to its end"
        )
        assert re.search(rf"/user/{name}/proxy/\d+/$", seen["src"]), (
            f"{name}'s TensorBoard frame is not served through their own server's proxy: {seen['src']}"
        )
        assert Path(seen["logdir"]).resolve().is_relative_to(folder.resolve()), (
            f"{name}'s TensorBoard shows {seen['logdir']}, not a folder of theirs"
        )
        assert (folder / "artifacts" / "logs" / "00_setup" / "first_run").is_dir()
        student = json.loads((folder / "notebooks" / "00_setup.ipynb").read_text())
        answers = [cell for cell in student["cells"] if _make_student.is_solution(cell)]
        prompts = {_make_student.CODE_PROMPT, _make_student.MARKDOWN_PROMPT}
        assert all("".join(cell["source"]) in prompts for cell in answers), f"{name} got the solutions"
    for name in LEARNERS[1:]:
        assert results[name]["other_learner_status"] == 403, f"{name} could open {LEARNERS[0]}'s server"


def test_a_learner_gets_403_on_another_learners_server(classroom):
    async def visit(browser):
        page = await log_in(browser, classroom, LEARNERS[1])
        await page.wait_for_url(re.compile(rf"/user/{LEARNERS[1]}/"))
        response = await page.goto(classroom.url + f"user/{LEARNERS[2]}/lab")
        await screenshot(page, "classroom-403")
        api = await page.request.get(classroom.url + f"user/{LEARNERS[2]}/api/contents/notebooks")
        return response.status, api.status

    page_status, api_status = asyncio.run(in_browser(visit))
    assert page_status == 403, f"{LEARNERS[1]} opened {LEARNERS[2]}'s JupyterLab (HTTP {page_status})"
    assert api_status == 403, f"{LEARNERS[1]} read {LEARNERS[2]}'s files (HTTP {api_status})"


def test_the_teacher_lists_the_learners_and_opens_their_server(classroom):
    async def teach(browser):
        page = await log_in(browser, classroom, TEACHER)
        await page.wait_for_url(re.compile(r"/(hub|user)/"))
        await page.goto(classroom.url + "hub/admin")
        for name in LEARNERS:
            await page.get_by_text(name, exact=True).first.wait_for()
        await screenshot(page, "classroom-admin")
        users = await (await page.request.get(classroom.url + "hub/api/users")).json()
        response = await page.goto(classroom.url + f"user/{LEARNERS[0]}/lab/tree/notebooks/00_setup.ipynb")
        if await page.get_by_role("button", name="Authorize").count():  # JupyterHub asks once: allow access
            await page.get_by_role("button", name="Authorize").click()
            await page.wait_for_url(re.compile(rf"/user/{LEARNERS[0]}/lab"))
        await page.locator(".jp-NotebookPanel .jp-RenderedMarkdown h1").first.wait_for()
        await screenshot(page, "classroom-teacher-opens-learner")
        return users, response.status

    users, status = asyncio.run(in_browser(teach))
    listed = {user["name"]: user for user in users}
    assert set(LEARNERS) <= set(listed), f"the teacher's list misses learners: {sorted(listed)}"
    assert all(listed[name]["server"] for name in LEARNERS), "every learner's server runs"
    assert listed[TEACHER]["admin"]


def test_every_learners_server_stops_its_idle_kernels_and_itself(classroom):
    servers = [p for p in classroom.processes() if "jupyterhub-singleuser" in " ".join(p.cmdline()[:2])]
    assert len(servers) >= len(LEARNERS), "the learners' servers should be running (the tests above)"
    for server in servers:
        options = server.cmdline()
        for option in [
            "--MappingKernelManager.cull_idle_timeout=1800",  # the defaults: 30 and 60 minutes
            "--MappingKernelManager.cull_connected=True",
            "--ServerApp.shutdown_no_activity_timeout=3600",
        ]:
            assert option in options, f"{server.cwd()}: the server was started without {option}"


def test_the_hub_stops_with_no_process_left(classroom):
    import psutil

    started = classroom.processes()
    assert len(started) > 1 + len(LEARNERS), "the hub, its proxy and the learners' servers should be running"
    classroom.process.send_signal(signal.SIGINT)  # what Ctrl+C in `make classroom` sends
    classroom.process.wait(90)
    _, alive = psutil.wait_procs(started, timeout=30)
    assert not alive, "left running: " + ", ".join(" ".join(p.cmdline()[:3]) for p in alive if p.is_running())
    for process in psutil.process_iter(["cwd"]):
        with contextlib.suppress(psutil.Error):
            cwd = process.info["cwd"]
            assert not (cwd and Path(cwd).is_relative_to(classroom.room)), (
                f"left running in the room: {process}"
            )


#: A notebook whose one cell starts a child process, as ``%tensorboard`` does (found by its command line).
CHILD = ["sleep", "3517"]
IDLE_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "child",
            "metadata": {},
            "outputs": [],
            "source": f"import subprocess\nchild = subprocess.Popen({CHILD!r})",
        }
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def _learners_processes(classroom: Hub, name: str) -> dict[str, list]:
    """Return ``name``'s server, kernels and ``CHILD`` processes under the hub (keys: the three words)."""
    found: dict[str, list] = {"server": [], "kernels": [], "child": []}
    for process in classroom.processes():
        with contextlib.suppress(Exception):  # a process may end while we look
            command = process.cmdline()
            if command == CHILD:
                found["child"].append(process)
            elif not Path(process.cwd()).is_relative_to(classroom.room / "learners" / name):
                continue
            elif "jupyterhub-singleuser" in " ".join(command[:2]):
                found["server"].append(process)
            elif "ipykernel_launcher" in " ".join(command):
                found["kernels"].append(process)
    return found


def _ended(process) -> bool:
    """Return True when ``process`` (psutil) has ended: gone, or a zombie waiting for its parent."""
    import psutil

    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_an_idle_learners_kernel_then_server_stop_by_themselves():
    # 30 s and 15 s instead of 30 and 60 minutes; the server checks its idleness once a minute.
    settings = {"CLASSROOM_KERNEL_IDLE_MINUTES": "0.5", "CLASSROOM_SERVER_IDLE_MINUTES": "0.25"}
    name = LEARNERS[0]

    async def walk_away(browser, classroom: Hub) -> dict[str, float]:
        from playwright.async_api import TimeoutError as PlaywrightTimeout
        from playwright.async_api import expect

        def gone(processes: list) -> Callable[[], bool]:
            return lambda: all(_ended(process) for process in processes)

        page = await log_in(browser, classroom, name)
        await page.wait_for_url(re.compile(rf"/user/{name}/lab"), timeout=TIMEOUT_MS)
        await expect(page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle"))).to_be_visible(
            timeout=TIMEOUT_MS
        )
        await page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        await page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        with contextlib.suppress(PlaywrightTimeout):  # as in run_notebook_00: a slow start may still ask
            await page.get_by_role("button", name="Select", exact=True).click(timeout=5_000)
        prompt = page.locator(".jp-CodeCell .jp-InputArea-prompt").last
        await expect(prompt).to_have_text(re.compile(r"\[1\]"), timeout=TIMEOUT_MS)
        running = _learners_processes(classroom, name)
        assert running["server"] and running["kernels"] and running["child"], f"not started: {running}"
        idle_since = time.monotonic()
        # The tab stays open (a machine left alone): the kernel, and the process it started, stop anyway.
        await asyncio.to_thread(wait_for, gone(running["kernels"]), 120, "the idle kernel stopping")
        # Recorded before: a child left behind would no longer be under the hub, yet still running.
        await asyncio.to_thread(wait_for, gone(running["child"]), 30, "the kernel's child process stopping")
        kernel_stopped = time.monotonic() - idle_since
        await screenshot(page, "classroom-kernel-culled")
        await asyncio.sleep(10)  # JupyterLab, still open, must not start a new kernel by itself
        assert not _learners_processes(classroom, name)["kernels"], "the open tab started a new kernel"
        await page.context.close()  # the learner's tab closes: nothing asks the server anything now
        closed = time.monotonic()
        await asyncio.to_thread(wait_for, gone(running["server"]), 180, "the idle server stopping")
        server_stopped = time.monotonic() - closed
        await asyncio.to_thread(
            wait_for,
            lambda: f"User {name} server stopped" in classroom.log.read_text(),
            90,
            "the hub noticing the stopped server",
        )
        return {"kernel_s": kernel_stopped, "server_s": server_stopped}

    with running_hub(**settings) as classroom:
        notebooks = classroom.room / "learners" / name / "notebooks"
        notebooks.mkdir(parents=True)  # a learner's own notebook 00 is kept: here, the one-cell notebook
        (notebooks / "00_setup.ipynb").write_text(json.dumps(IDLE_NOTEBOOK))
        seconds = asyncio.run(in_browser(lambda browser: walk_away(browser, classroom)))
        log = classroom.log.read_text()
    kernel_s, server_s = seconds["kernel_s"], seconds["server_s"]
    print(
        f"kernel stopped {kernel_s:.0f} s after its cell ran, the server {server_s:.0f} s after the tab shut"
    )
    assert re.search(r"Culling 'idle' kernel .* with [1-9]\d* connections", log), (
        "the server's log should say it stopped the idle kernel while the learner's tab was connected"
    )
    assert "No kernels for" in log and "shutting down" in log
    assert kernel_s >= 25, f"the kernel stopped after {kernel_s:.0f} s, before its 30 s"
