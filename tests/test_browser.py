"""The course in a real browser: every notebook renders in JupyterLab, and TensorBoard shows the runs.

Headless Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright for Python; never a downloaded
browser) against a JupyterLab on loopback with a token, under a JupyterHub-like base URL
(``/user/learner/``). Requests to any other host are blocked: the course works offline.

- every ``notebooks/NN_*.ipynb`` opens: title, all stored outputs and images shown, kernel idle, no
  error dialog;
- TensorBoard's scalars dashboard lists the course's runs (``artifacts/logs``, or a sample log when
  the notebooks have not run yet);
- ``%tensorboard`` in JupyterLab shows a TensorBoard frame that loads, directly and through
  jupyter-server-proxy (``TENSORBOARD_PROXY_URL``, the JupyterHub set-up).

Screenshots go to ``test-artifacts/screenshots/``. Without Chromium or Playwright the tests skip and
say how to install them (``tools/install_browser.sh``; ``pip install 'playwright~=1.65'``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_tensorboard_http import (
    SAMPLE_RUNS,
    course_logdir,
    free_port,
    get_json,
    private_tensorboard_registry,
    running_tensorboard,
    sample_logdir,
    stop_process_group,
    wait_for,
)

from dvdl_helpers import paths, tboard

pytestmark = [pytest.mark.browser, pytest.mark.after_notebooks]

NOTEBOOK_DIR = paths.REPO_ROOT / "notebooks"
NOTEBOOKS = paths.course_notebooks()
SCREENSHOTS = paths.REPO_ROOT / "test-artifacts" / "screenshots"
# One Chromium and one set of flags for every headless browser of the course: those of
# tools/run_all_in_lab.py (the learner's path in a browser), which keep Chromium off the network.
_spec = importlib.util.spec_from_file_location(
    "run_all_in_lab", paths.REPO_ROOT / "tools" / "run_all_in_lab.py"
)
_run_all_in_lab = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_run_all_in_lab)
CHROMIUM, CHROMIUM_ARGS = _run_all_in_lab.CHROMIUM, _run_all_in_lab.CHROMIUM_ARGS
#: JupyterLab runs under the base URL a JupyterHub single-user server gets.
HUB_PREFIX = "/user/learner/"
VIEWPORT = {"width": 1280, "height": 1600}
TIMEOUT_MS = 90_000  # generous: the machine running the tests may be busy


def missing_browser() -> str | None:
    """Return why the browser tests cannot run here (and how to fix it), or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return (
            "Playwright for Python is not installed: `pip install 'playwright~=1.65'` (make test does; "
            "never `playwright install`: the tests drive Debian's chromium)"
        )
    if not os.access(CHROMIUM, os.X_OK):
        return (
            f"Chromium not found at {CHROMIUM}: run `tools/install_browser.sh` "
            "(or `sudo apt-get install chromium`), or set DVDL_CHROMIUM to a Chromium binary"
        )
    return None


def notebook_title(notebook: Path) -> str:
    """Return the text of the notebook's first ``# `` heading (its title)."""
    for cell in json.loads(notebook.read_text())["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise AssertionError(f"{notebook.name} has no '# ' title")


def stored_outputs(notebook: Path) -> tuple[int, int]:
    """Return how many code cells of ``notebook`` have stored outputs, and how many PNG images."""
    cells = [cell for cell in json.loads(notebook.read_text())["cells"] if cell["cell_type"] == "code"]
    with_outputs = sum(1 for cell in cells if cell.get("outputs"))
    images = sum(1 for cell in cells for out in cell.get("outputs", []) if "image/png" in out.get("data", {}))
    return with_outputs, images


@dataclasses.dataclass
class Lab:
    """A running JupyterLab: its base URL (ends with ``/``), token, and its kernels' temporary folder."""

    url: str
    token: str
    tmp: Path  # TMPDIR of the server and its kernels: holds their own TensorBoard registry

    def tensorboard_port(self, log_dir: Path) -> int:
        """Return the port of the TensorBoard that ``%tensorboard`` here started on ``log_dir``."""
        from tensorboard import manager

        with private_tensorboard_registry(self.tmp):
            infos = [info for info in manager.get_all() if Path(info.logdir) == log_dir]
        assert infos, f"no TensorBoard registered for {log_dir}"
        return max(infos, key=lambda info: info.start_time).port

    def api(self, path: str, method: str = "GET") -> object:
        """Call the Jupyter server's REST API (``path`` like ``api/sessions``); return the decoded JSON."""
        request = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Shut down every kernel session (each opened notebook starts one)."""
        for session in self.api("api/sessions"):
            self.api(f"api/sessions/{session['id']}", method="DELETE")


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium, driven by Playwright (skips with the reason when unavailable)."""
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def context(browser):
    """A browser context (shared cache: JupyterLab's code loads once) that only reaches this machine."""
    blocked: list[str] = []

    def block(route):
        blocked.append(route.request.url)
        route.abort()

    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])"), block)
    context.blocked = blocked
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A fresh page; fails the test if it tried to reach another host."""
    before = len(context.blocked)
    page = context.new_page()
    yield page
    page.close()
    assert context.blocked[before:] == [], "the page tried to reach the network"


@pytest.fixture(scope="module")
def sample_logs(tmp_path_factory) -> Path:
    """The sample TensorBoard log folder (see ``test_tensorboard_http.py``)."""
    return sample_logdir(tmp_path_factory)


@pytest.fixture(scope="module")
def lab(browser, sample_logs) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 with a random token, its settings in a temporary folder; stopped after.

    The TensorBoard processes that ``%tensorboard`` starts in it are stopped too.
    """
    home = Path(tempfile.mkdtemp(prefix="dvdl-lab-"))
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # No "Would you like to receive official Jupyter news?" notification, no update checks.
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    # Never write the course's notebooks (JupyterLab autosaves open documents every two minutes).
    docmanager = home / "settings" / "@jupyterlab" / "docmanager-extension"
    docmanager.mkdir(parents=True)
    (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    port, token = free_port(), secrets.token_hex(24)
    environment = {
        key: value
        for key, value in os.environ.items()
        if key != "TENSORBOARD_PROXY_URL" and not key.startswith("JUPYTERHUB_")
    }
    environment.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),  # none of the user's configuration
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_DATA_DIR=str(home / "data"),  # the notebook-signing key goes here, not to ~/.local
        # %tensorboard's registry of instances (<temp>/.tensorboard-info): the kernels' own.
        TMPDIR=str(home / "tmp"),
        PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
    )
    command = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.base_url={HUB_PREFIX}",
        f"--ServerApp.root_dir={NOTEBOOK_DIR}",
        f"--IdentityProvider.token={token}",
        "--ServerApp.allow_root=True",  # containers and CI often run as root
        f"--LabApp.user_settings_dir={home / 'settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",  # no PyPI queries
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, to open a console
    ]
    log = home / "jupyterlab.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            command, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    (home / "tmp").mkdir()
    lab = Lab(url=f"http://127.0.0.1:{port}{HUB_PREFIX}", token=token, tmp=home / "tmp")
    try:

        def ready() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited ({process.returncode}):\n{log.read_text()[-3000:]}")
            return bool(lab.api("api/status"))

        wait_for(ready, 90, "JupyterLab answering")
        yield lab
    finally:
        with contextlib.suppress(OSError):
            lab.shutdown_kernels()
        stop_process_group(process, timeout=20)
        with private_tensorboard_registry(lab.tmp):
            tboard.stop_tensorboards()  # those that %tensorboard started in this JupyterLab
        shutil.rmtree(home, ignore_errors=True)


@contextlib.contextmanager
def screenshot_on_failure(page, name: str) -> Iterator[None]:
    """Save ``<name>-failed.png`` when the block fails, to see what the browser showed."""
    try:
        yield
    except Exception:
        with contextlib.suppress(Exception):
            screenshot(page, f"{name}-failed")
        raise


def screenshot(page, name: str) -> Path:
    """Save a screenshot of ``page`` as ``test-artifacts/screenshots/<name>.png``; return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    (SCREENSHOTS / f"{name}-failed.png").unlink(missing_ok=True)  # from an earlier, failed run
    return path


def open_lab(page, lab: Lab, tree_path: str = "") -> None:
    """Open JupyterLab (a fresh workspace) at ``tree_path`` and wait until it is restored."""
    target = f"{lab.url}lab/tree/{tree_path}" if tree_path else f"{lab.url}lab"
    page.goto(f"{target}?reset&token={lab.token}")
    page.wait_for_function("() => window.jupyterapp !== undefined")
    page.evaluate("async () => { await window.jupyterapp.restored; }")
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")  # more room for the notebook


def assert_no_error_dialog(page) -> None:
    """Fail when JupyterLab shows a dialog (kernel or file errors open one)."""
    dialogs = page.locator(".jp-Dialog")
    if dialogs.count():
        raise AssertionError(f"JupyterLab shows a dialog: {dialogs.first.inner_text()[:500]}")


@pytest.fixture(scope="module")
def lab_page(context, lab):
    """One JupyterLab page for all notebooks (JupyterLab starts once in the browser)."""
    page = context.new_page()
    open_lab(page, lab)
    yield page
    page.close()


#: JavaScript: close every document in JupyterLab's main area without saving.
CLOSE_ALL = "() => { for (const w of Array.from(window.jupyterapp.shell.widgets('main'))) w.dispose(); }"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[notebook.stem for notebook in NOTEBOOKS])
def test_notebook_renders_in_jupyterlab(lab, lab_page, context, notebook):
    stored, blocked = notebook.read_bytes(), len(context.blocked)
    try:
        with screenshot_on_failure(lab_page, notebook.stem):
            check_notebook(lab_page, notebook)
    finally:
        lab_page.evaluate(CLOSE_ALL)
        lab.shutdown_kernels()  # one kernel per opened notebook: free its memory
    assert context.blocked[blocked:] == [], "JupyterLab tried to reach the network"
    assert notebook.read_bytes() == stored, "opening the notebook in JupyterLab changed the file"


def check_notebook(page, notebook: Path) -> None:
    """Open ``notebook`` in JupyterLab (as a double click does), check that it renders, screenshot it."""
    from playwright.sync_api import expect

    page.evaluate(
        "async (path) => { await window.jupyterapp.commands.execute('docmanager:open', {path}); }",
        notebook.name,
    )
    panel = page.locator(".jp-NotebookPanel")
    expect(panel).to_have_count(1)
    expect(panel.locator(".jp-RenderedMarkdown h1").first).to_contain_text(notebook_title(notebook))
    cells_with_outputs, images = stored_outputs(notebook)
    assert cells_with_outputs, f"{notebook.name} is stored without outputs: run `make outputs NB={notebook}`"
    output_cells = panel.locator(".jp-CodeCell").filter(has=page.locator(".jp-OutputArea-output"))
    expect(output_cells).to_have_count(cells_with_outputs)
    expect(panel.locator(".jp-OutputArea-output").first).to_be_visible()
    if images:
        image = panel.locator(".jp-RenderedImage img").first
        image.scroll_into_view_if_needed()
        wait_for(lambda: image.evaluate("img => img.complete && img.naturalWidth > 0"), 30, "a plot shown")
        panel.locator(".jp-RenderedMarkdown h1").first.scroll_into_view_if_needed()
    # The kernel (the course's Python) starts: the notebook's kernel indicator turns idle.
    expect(panel.locator(".jp-Notebook-ExecutionIndicator").first).to_have_attribute("data-status", "idle")
    assert_no_error_dialog(page)
    screenshot(page, notebook.stem)


#: JavaScript: whether some scalar chart (``vz-line-chart2``, inside nested shadow roots) drew a line.
CHART_LINES_DRAWN = """() => {
    const found = [];
    const walk = (root) => {
        for (const element of root.querySelectorAll('*')) {
            if (element.tagName === 'VZ-LINE-CHART2') found.push(element);
            if (element.shadowRoot) walk(element.shadowRoot);
        }
    };
    walk(document);
    return found.some((chart) => [...(chart.shadowRoot || chart).querySelectorAll('path.line')]
        .some((line) => (line.getAttribute('d') || '').length > 10));
}"""


def test_tensorboard_scalars_dashboard_shows_the_course_runs(page, sample_logs):
    from playwright.sync_api import expect

    root = course_logdir() or sample_logs  # before the notebooks have run: the sample logs
    runs = set(tboard.read_scalars(root))
    assert runs, f"no scalars under {paths.display_path(root)}"
    with running_tensorboard(root, runs) as url:
        page.goto(f"{url}/#scalars&_smoothingWeight=0")
        selector = page.locator("tf-runs-selector")
        for run in sorted(runs):
            expect(selector.get_by_text(run, exact=True)).to_be_visible()
        # Past 40 runs (the whole course's logs) TensorBoard starts with every run unticked.
        if selector.locator("paper-checkbox[checked]").count() == 0:
            selector.get_by_text("Toggle all runs").click()
        page.get_by_text("Ignore outliers in chart scaling").click()  # show whole curves
        wait_for(lambda: page.evaluate(CHART_LINES_DRAWN), 60, "a scalar chart drawn")
        assert_no_tensorboard_error(page)
        screenshot(page, "tensorboard_scalars")


def assert_no_tensorboard_error(frame) -> None:
    """Fail when TensorBoard says "No dashboards are active" (it found no data)."""
    text = frame.locator("body").text_content() or ""
    assert "No dashboards are active" not in text, "TensorBoard found no data"


def run_in_console(page, code: str):
    """Open a Python console in JupyterLab and run ``code`` there; return the console's locator."""
    page.evaluate(
        """async (code) => {
            const panel = await window.jupyterapp.commands.execute(
                'console:create', {kernelPreference: {name: 'python3'}});
            await panel.sessionContext.ready;
            panel.console.promptCell.model.sharedModel.setSource(code);
            panel.console.execute(true);  // what Shift+Enter does
        }""",
        code,
    )
    return page.locator(".jp-CodeConsole").last


def check_inline_tensorboard(page, lab: Lab, sample_logs: Path, code: str, name: str) -> str:
    """Run ``code`` (ending in ``%tensorboard``) in a console; check that the frame shows the runs."""
    page.evaluate(CLOSE_ALL)
    with screenshot_on_failure(page, name):
        return _check_inline_tensorboard(page, lab, sample_logs, code, name)


def _check_inline_tensorboard(page, lab: Lab, sample_logs: Path, code: str, name: str) -> str:
    """The body of :func:`check_inline_tensorboard`; returns the frame's address."""
    from playwright.sync_api import expect

    console = run_in_console(page, code)
    frame_element = console.locator("iframe[id^='tensorboard-frame-']").last
    expect(frame_element).to_be_attached()
    src = frame_element.evaluate("frame => frame.src")
    frame = page.frame_locator("iframe[id^='tensorboard-frame-']").last
    expect(frame.locator("tb-webapp")).to_be_attached()  # TensorBoard's page: the frame is not blank
    port = lab.tensorboard_port(sample_logs)
    wait_for(lambda: set(get_json(f"http://127.0.0.1:{port}/data/runs")) >= SAMPLE_RUNS, 60, "runs served")
    first_run = frame.get_by_text(sorted(SAMPLE_RUNS)[0], exact=True).first
    try:
        expect(first_run).to_be_visible(timeout=10_000)
    except AssertionError:
        # The page loaded before TensorBoard had read the logs (a busy machine): it shows "No dashboards
        # are active" until reloaded. A learner clicks TensorBoard's reload button (docs/troubleshooting.md).
        frame.locator("app-header-reload button").click()
    for run in sorted(SAMPLE_RUNS):
        expect(frame.get_by_text(run, exact=True).first).to_be_visible()
    expect(frame.get_by_text("epoch_loss").first).to_be_visible()
    assert_no_error_dialog(page)
    frame_element.scroll_into_view_if_needed()
    screenshot(page, name)
    return src


def test_inline_tensorboard_frame_loads_in_jupyterlab(
    lab, lab_page, context, sample_logs, monkeypatch, frame_url
):
    page, blocked = lab_page, len(context.blocked)
    code = f"%load_ext tensorboard\n%tensorboard --logdir {sample_logs}"
    src = check_inline_tensorboard(page, lab, sample_logs, code, "tensorboard_inline")
    assert context.blocked[blocked:] == [], "JupyterLab or TensorBoard tried to reach the network"
    monkeypatch.delenv("TENSORBOARD_PROXY_URL", raising=False)
    assert src == frame_url(lab.tensorboard_port(sample_logs), page.url)


def test_inline_tensorboard_frame_loads_through_jupyter_server_proxy(
    lab, lab_page, context, sample_logs, monkeypatch, frame_url
):
    if importlib.util.find_spec("jupyter_server_proxy") is None:
        pytest.skip("jupyter-server-proxy is not installed: `pip install -e '.[proxy]'`")
    page, blocked = lab_page, len(context.blocked)
    # What a learner on JupyterHub runs (JupyterHub sets JUPYTERHUB_SERVICE_PREFIX itself).
    code = (
        f"import os\nos.environ['JUPYTERHUB_SERVICE_PREFIX'] = '{HUB_PREFIX}'\n"
        "from dvdl_helpers import tboard\nprint('TENSORBOARD_PROXY_URL =', tboard.use_proxy())\n"
        f"%load_ext tensorboard\n%tensorboard --logdir {sample_logs}"
    )
    src = check_inline_tensorboard(page, lab, sample_logs, code, "tensorboard_inline_proxy")
    assert context.blocked[blocked:] == [], "JupyterLab or TensorBoard tried to reach the network"
    port = lab.tensorboard_port(sample_logs)
    assert src == f"{lab.url}proxy/{port}/", "the frame should load TensorBoard through the proxy"
    monkeypatch.setenv("TENSORBOARD_PROXY_URL", tboard.proxy_url_template(HUB_PREFIX))
    assert src == frame_url(port, page.url)
