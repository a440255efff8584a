"""Tests of dvdl_helpers.tboard.processes: log folders, the registry of running TensorBoards, and
``%tensorboard`` behind JupyterHub or a remote server (``TENSORBOARD_PROXY_URL`` is honoured).

The proxy tests run the code behind ``%tensorboard`` (``tensorboard.notebook.start``) with a fake,
already-started TensorBoard on a fake port, capture the HTML it would show in the notebook, and work out
the address the browser would load from it — no TensorBoard process, no browser. ``test_browser.py``
checks the same path for real in JupyterLab through jupyter-server-proxy.
"""

from __future__ import annotations

import importlib
import json
import re
import time
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest

from dvdl_helpers import tboard

FAKE_PORT = 6123
HUB_PAGE = "https://hub.example.org/user/ada/lab/tree/00_setup.ipynb"


class _Handle:
    """Stands in for an IPython display handle; remembers what was shown."""

    def __init__(self, shown: list) -> None:
        self.shown = shown

    def update(self, obj) -> None:
        self.shown.append(obj)


def tensorboard_magic_html(monkeypatch: pytest.MonkeyPatch, port: int = FAKE_PORT) -> str:
    """Run what ``%tensorboard --logdir logs`` runs, against a fake TensorBoard; return the HTML shown."""
    import IPython.display
    from tensorboard import manager

    # The module itself: `from tensorboard import notebook` may give a lazy stand-in, not patchable.
    notebook = importlib.import_module("tensorboard.notebook")

    info = manager.TensorBoardInfo(
        version="2.21.0",
        start_time=int(time.time()),
        port=port,
        pid=2**22 + 4321,
        path_prefix="",
        logdir="logs",
        db="",
        cache_key="test",
    )
    shown: list = []

    def display(obj, display_id=None, **kwargs):
        shown.append(obj)
        return _Handle(shown) if display_id else None

    monkeypatch.setattr(notebook, "_get_context", lambda: notebook._CONTEXT_IPYTHON)  # as in a kernel
    monkeypatch.setattr(IPython.display, "display", display)
    monkeypatch.setattr(manager, "start", lambda args: manager.StartLaunched(info=info))
    notebook.start("--logdir logs")
    frames = [obj.data for obj in shown if isinstance(obj, IPython.display.HTML)]
    assert len(frames) == 1, f"expected one HTML frame, got {shown}"
    return frames[0]


def browser_frame_src(html: str, page_url: str) -> str:
    """Return the address the browser gives the frame: what the emitted script computes on ``page_url``."""
    url = json.loads(re.search(r"new URL\((.*?), window\.location\)", html).group(1))
    port = int(re.search(r"const port = (\d+);", html).group(1))
    resolved = urlsplit(urljoin(page_url, url))
    if port:  # the script's `url.port = port`
        resolved = resolved._replace(netloc=f"{resolved.hostname}:{port}")
    return urlunsplit(resolved)


def test_without_proxy_the_frame_points_at_tensorboards_own_port(monkeypatch, frame_url):
    monkeypatch.delenv("TENSORBOARD_PROXY_URL", raising=False)
    html = tensorboard_magic_html(monkeypatch)
    src = browser_frame_src(html, HUB_PAGE)
    # From a remote browser this port is unreachable (or firewalled): the blank frame.
    assert src == f"https://hub.example.org:{FAKE_PORT}/"
    assert src == frame_url(FAKE_PORT, HUB_PAGE)


def test_the_proxied_url_is_used_when_set(monkeypatch, frame_url):
    monkeypatch.setenv("TENSORBOARD_PROXY_URL", "/user/ada/proxy/%PORT%/")
    html = tensorboard_magic_html(monkeypatch)
    assert json.dumps(f"/user/ada/proxy/{FAKE_PORT}/") in html, "the frame should use the proxy path"
    assert "const port = 0;" in html, "with a proxy the frame must not switch to TensorBoard's port"
    src = browser_frame_src(html, HUB_PAGE)
    assert src == f"https://hub.example.org/user/ada/proxy/{FAKE_PORT}/"
    assert src == frame_url(FAKE_PORT, HUB_PAGE)


def test_use_proxy_follows_jupyterhubs_service_prefix(monkeypatch):
    monkeypatch.delenv("TENSORBOARD_PROXY_URL", raising=False)
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ada/")
    assert tboard.use_proxy() == "/user/ada/proxy/%PORT%/"
    html = tensorboard_magic_html(monkeypatch)
    assert browser_frame_src(html, HUB_PAGE) == f"https://hub.example.org/user/ada/proxy/{FAKE_PORT}/"


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (None, "/proxy/%PORT%/"),  # a plain remote Jupyter server at the root
        ("/user/ada/", "/user/ada/proxy/%PORT%/"),
        ("user/ada", "/user/ada/proxy/%PORT%/"),  # slashes added: the trailing one is required
        ("https://example.org/jupyter/", "https://example.org/jupyter/proxy/%PORT%/"),
    ],
)
def test_proxy_url_template(monkeypatch, prefix, expected):
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    assert tboard.proxy_url_template(prefix) == expected


def test_frame_url_on_this_machine(monkeypatch, frame_url):
    monkeypatch.delenv("TENSORBOARD_PROXY_URL", raising=False)
    assert frame_url(6006) == "http://localhost:6006/"
    assert frame_url(6006, "http://[::1]:8888/lab") == "http://[::1]:6006/"
    monkeypatch.setenv("TENSORBOARD_PROXY_URL", "/proxy/%PORT%/")
    assert frame_url(6006, "http://127.0.0.1:8888/lab") == "http://127.0.0.1:8888/proxy/6006/"


# --- log folders and the registry of running TensorBoards ---


def test_notebook_logdir_is_cleared_on_request(artifacts):
    log_dir = tboard.notebook_logdir("00_setup")
    (log_dir / "stale").mkdir()
    assert list(tboard.notebook_logdir("00_setup").iterdir()) == []
    # the printed command is stored in notebook 00: relative, the same on every machine
    assert tboard.tensorboard_command(log_dir) == "tensorboard --logdir artifacts/logs/00_setup"


def test_stale_registry_entries_are_removed(monkeypatch, tmp_path):
    from tensorboard import manager

    monkeypatch.setattr(manager, "_get_info_dir", lambda: str(tmp_path))
    info = manager.TensorBoardInfo(
        version="2.21.0",
        start_time=0,
        port=6006,
        pid=2**22 + 12345,
        path_prefix="",
        logdir="logs",
        db="",
        cache_key="x",
    )
    (tmp_path / f"pid-{info.pid}.info").write_text(manager._info_to_string(info))
    assert tboard.running_tensorboards() == [info.pid]
    assert tboard.clean_stale_tensorboard_info() == 1
    assert tboard.running_tensorboards() == []
