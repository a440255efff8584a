"""Plain functions and constants that several test modules share (their fixtures are in ``conftest.py``).

- scripts: load a benchmark or tool (``benchmarks/*.py``, ``tools/*.py``) as a module, as when it runs;
- TensorBoard over HTTP: a sample log folder, a TensorBoard on a free loopback port, waiting, requests;
- the browser: Debian's Chromium and its flags (those of ``tools/run_all_in_lab.py``), a JupyterLab's
  address and API, screenshots, JupyterLab's dialogs.

Test modules import this module (``from helpers import ...``), never each other.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from dvdl_helpers import paths, workers
from dvdl_helpers.tboard.processes import LIGHT_PROGRAM, find_program

T = TypeVar("T")

BENCHMARKS = paths.REPO_ROOT / "benchmarks"
TOOLS = paths.REPO_ROOT / "tools"


# --- scripts ---


def load_script(path: Path) -> ModuleType:
    """Load the script at ``path`` as a module; its folder is on ``sys.path`` meanwhile, as when it runs.

    The benchmarks import their neighbour ``_common`` (and ``run_all`` imports ``measurements_page``) by
    name: ``python benchmarks/bench_x.py`` puts ``benchmarks/`` first on ``sys.path``. The module is
    registered in ``sys.modules`` under its name, as an import would: dataclasses look their module up there.
    """
    folder = str(path.parent)
    sys.path.insert(0, folder)
    try:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(folder)
    return module


# --- TensorBoard over HTTP ---

#: The runs that :func:`write_sample_logs` writes.
SAMPLE_RUNS = {"train", "validation", "digits"}
#: The image tag of the ``digits`` run.
SAMPLE_IMAGE_TAG = "first digits"
SAMPLE_EPOCHS = 3


def write_sample_logs(log_dir: Path) -> Path:
    """Write a small real TensorBoard log: a 3-epoch Keras fit (scalars, histograms, images) + digits."""
    from dvdl_helpers import data, env

    env.quiet_tensorflow()
    import keras
    import tensorflow as tf

    (x_train, y_train), (x_val, y_val), _, _ = data.load_mnist("bundled", verbose=False)
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.005), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    callback = keras.callbacks.TensorBoard(str(log_dir), histogram_freq=1, write_images=True)
    model.fit(
        x_train[:512] / 255.0,
        y_train[:512],
        validation_data=(x_val[:128] / 255.0, y_val[:128]),
        epochs=SAMPLE_EPOCHS,
        batch_size=64,
        verbose=0,
        callbacks=[callback],
    )
    with tf.summary.create_file_writer(str(log_dir / "digits")).as_default():
        tf.summary.image(SAMPLE_IMAGE_TAG, x_train[:4, :, :, None], step=0, max_outputs=4)
    return log_dir


def course_logdir() -> Path | None:
    """Return ``artifacts/logs`` when the notebooks have written TensorBoard logs there, else None."""
    root = paths.artifacts_dir() / "logs"
    return root if any(root.rglob("events.out.tfevents.*")) else None


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    return workers.free_ports(1)[0]


def wait_for(check: Callable[[], T], timeout: float, what: str, interval: float = 0.3) -> T:
    """Call ``check`` until it returns a true value (and return it) or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
        except (OSError, ValueError) as error:  # connection refused, HTTP errors, half-written JSON
            last_error, result = error, None
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout:.0f} s (last error: {last_error})")


def get_json(url: str) -> object:
    """GET ``url`` and decode its JSON body."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def get_bytes(url: str) -> bytes:
    """GET ``url`` and return its body."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def request(url: str, body: dict | None = None) -> object:
    """GET ``url`` (or POST ``body`` as JSON) and decode the JSON answer (TensorBoard may gzip it)."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if body is not None else {}
    with urllib.request.urlopen(
        urllib.request.Request(url, data=data, headers=headers), timeout=60
    ) as answer:
        raw = answer.read()
        if answer.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
    return json.loads(raw)


def query(url: str, **params: str) -> str:
    """Return ``url`` with ``params`` as its query string."""
    return f"{url}?{urllib.parse.urlencode(params)}"


def stop_process_group(process: subprocess.Popen, timeout: float = 10) -> None:
    """Stop ``process`` and everything it started in its process group: SIGTERM, then SIGKILL."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout)
    # The group may outlive its leader (TensorBoard's data server): make sure it is gone.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def private_tensorboard_registry(folder: Path) -> Iterator[Path]:
    """Point TensorBoard's registry of running instances (``<temp>/.tensorboard-info``) at ``folder``.

    Inside the block, ``tensorboard.manager.get_all()`` and :mod:`dvdl_helpers.tboard` read the
    registry of processes started with ``TMPDIR=folder``: the tests' TensorBoards never meet the
    user's own (no "Reusing TensorBoard"), nor are stopped by other test sessions' clean-up.
    """
    saved = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = saved


@contextlib.contextmanager
def running_tensorboard(
    log_dir: Path, runs: set[str], timeout: float = 90, program: str = LIGHT_PROGRAM
) -> Iterator[str]:
    """Run ``program --logdir log_dir`` on a free loopback port until ``runs`` are loaded; yield its URL.

    ``program``: the course's TensorFlow-free TensorBoard by default (what ``%tensorboard`` starts in the
    notebooks), or ``"tensorboard"``. The process (and its data server) runs in its own process group,
    which is stopped afterwards. It registers itself in a temporary folder's TensorBoard registry, deleted
    afterwards, so it leaves no stale entry and no other session's clean-up of "its" TensorBoards stops it.
    """
    port = free_port()
    command = [str(find_program(program) or program), "--logdir", str(log_dir)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="dvdl-tb-") as private, tempfile.TemporaryFile("w+") as output:
        environment = {**os.environ, "TMPDIR": private}
        process = subprocess.Popen(
            command, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:

            def loaded() -> bool:
                if process.poll() is not None:
                    output.seek(0)
                    detail = output.read()[-2000:]
                    raise RuntimeError(f"tensorboard exited with code {process.returncode}:\n{detail}")
                return runs <= set(get_json(f"{url}/data/runs"))

            wait_for(loaded, timeout, f"TensorBoard listing the runs {sorted(runs)}")
            yield url
        finally:
            stop_process_group(process)


# --- the browser ---

# One Chromium, one set of flags and one way to close JupyterLab's documents for every headless browser of
# the course: those of tools/run_all_in_lab.py (the learner's path in a browser).
_LAB_TOOL = load_script(TOOLS / "run_all_in_lab.py")
CHROMIUM: Path = _LAB_TOOL.CHROMIUM
CHROMIUM_ARGS: list[str] = _LAB_TOOL.CHROMIUM_ARGS
#: JavaScript: close every document in JupyterLab's main area without saving.
CLOSE_ALL: str = _LAB_TOOL.CLOSE_ALL

NOTEBOOK_DIR = paths.REPO_ROOT / "notebooks"
SCREENSHOTS = paths.REPO_ROOT / "test-artifacts" / "screenshots"
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


def open_lab(page, lab: Lab, tree_path: str = "", workspace: str = "") -> None:
    """Open JupyterLab (a fresh workspace) at ``tree_path`` and wait until it is restored.

    A second page open at the same time needs its own ``workspace`` (a name): JupyterLab sends a window
    that opens a workspace already open in another to a new one, reloading it (Playwright loses its page).
    """
    base = f"{lab.url}lab/workspaces/{workspace}" if workspace else f"{lab.url}lab"
    target = f"{base}/tree/{tree_path}" if tree_path else base
    page.goto(f"{target}?reset&token={lab.token}")
    page.wait_for_function("() => window.jupyterapp !== undefined")
    page.evaluate("async () => { await window.jupyterapp.restored; }")
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")  # more room for the notebook


def assert_no_error_dialog(page) -> None:
    """Fail when JupyterLab shows a dialog (kernel or file errors open one)."""
    dialogs = page.locator(".jp-Dialog")
    if dialogs.count():
        raise AssertionError(f"JupyterLab shows a dialog: {dialogs.first.inner_text()[:500]}")
