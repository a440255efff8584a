"""Fixtures shared by the test modules (the plain functions they share are in ``helpers.py``)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import numpy as np
import pytest
from helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    HUB_PREFIX,
    NOTEBOOK_DIR,
    TIMEOUT_MS,
    VIEWPORT,
    Lab,
    free_port,
    missing_browser,
    private_tensorboard_registry,
    stop_process_group,
    wait_for,
    write_sample_logs,
)
from PIL import Image


@pytest.fixture
def artifacts(tmp_path, monkeypatch):
    """Point ``DVDL_ARTIFACTS`` at a fresh temporary folder for one test."""
    folder = tmp_path / "artifacts"
    monkeypatch.setenv("DVDL_ARTIFACTS", str(folder))
    return folder


@pytest.fixture
def close_figures() -> Iterator[None]:
    """Close every pyplot figure after the test (the plots tests draw many)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    """Six fake 'digits': a bright bar on black, at different places, as uint8 images, and labels."""
    images = np.zeros((6, 28, 28), dtype=np.uint8)
    for index in range(6):
        images[index, 4 + 3 * index : 8 + 3 * index, 6:22] = 255
    return images, np.arange(6) % 10


def _frame_url(port: int, page_url: str = "http://localhost:8888/lab") -> str:
    """The address ``%tensorboard``'s frame loads for TensorBoard on ``port``, seen from ``page_url``.

    Mirrors TensorBoard's own rule: ``$TENSORBOARD_PROXY_URL`` (``%PORT%`` replaced) resolved against the
    notebook page's address; without it, the page's host with TensorBoard's port.
    """
    proxy = os.environ.get("TENSORBOARD_PROXY_URL")
    if proxy is not None:
        return urljoin(page_url, proxy.replace("%PORT%", str(port)))
    page = urlsplit(page_url)
    host = f"[{page.hostname}]" if ":" in (page.hostname or "") else page.hostname
    return f"{page.scheme}://{host}:{port}/"


@pytest.fixture
def frame_url() -> Callable[..., str]:
    """The rule by which ``%tensorboard`` picks its frame's address (what the proxy tests compare with)."""
    return _frame_url


def _pngs(folder: Path) -> dict[str, bytes]:
    """Every PNG below ``folder``: its path relative to ``folder`` → its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.png"))}


@pytest.fixture
def pngs() -> Callable[[Path], dict[str, bytes]]:
    """The PNGs of a folder by relative path (compares generated chart data sets byte for byte)."""
    return _pngs


@pytest.fixture(scope="session")
def tiny_chart_model(tmp_path_factory) -> Path:
    """An untrained 32×32 chart classifier saved as ``.keras`` (what ``charts.classify`` loads)."""
    from dvdl_helpers import models

    path = tmp_path_factory.mktemp("model") / "tiny.keras"
    models.chart_convnet((32, 32, 1), 7, filters=(4, 8)).save(path)
    return path


@pytest.fixture
def chart_pictures(tmp_path) -> Path:
    """A folder of pictures to classify: transparent, dark and tall, broken, tiny (and a GIF); each readable
    one has a mark on it (a blank picture is skipped: nothing to classify)."""
    folder = tmp_path / "mine"
    folder.mkdir()
    transparent = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    transparent.paste((200, 30, 30, 255), (40, 30, 80, 110))
    transparent.save(folder / "a_transparent.png")
    dark = Image.new("RGB", (90, 400), (10, 10, 10))
    dark.paste((230, 230, 90), (20, 200, 60, 390))
    dark.save(folder / "b_dark_tall.jpg")
    (folder / "c_broken.png").write_bytes(b"not a picture")
    tiny = Image.new("L", (5, 7), 255)
    tiny.putpixel((2, 3), 0)
    tiny.save(folder / "d_tiny.gif")
    return folder


# --- a tiny hparams sweep and profile, as notebook 07 writes them (tests of hparams, profiling, HTTP) ---

SWEEP_SPACE = {"learning_rate": [0.001, 0.01], "units": [8]}
SWEEP_METRICS = [("validation", "epoch_accuracy")]


class Sweep(NamedTuple):
    """A logged hparams sweep: its folder, the hyperparameter space and the (group, tag) metrics."""

    path: Path
    space: dict
    metrics: list


def _write_sweep(log_dir: Path) -> None:
    """Two runs of a tiny model, logged with the hparams API as notebook 07 does."""
    from dvdl_helpers import data, env, hparams

    env.quiet_tensorflow()
    import keras
    import tensorflow as tf
    from tensorboard.plugins.hparams import api as hp

    (x, y), (x_val, y_val), _, _ = data.load_mnist("bundled", verbose=False)
    with tf.summary.create_file_writer(str(log_dir)).as_default():
        hp.hparams_config(
            hparams=[hp.HParam(name, hp.Discrete(values)) for name, values in SWEEP_SPACE.items()],
            metrics=[hp.Metric(tag, group=group) for group, tag in SWEEP_METRICS],
        )
    for params in hparams.grid(SWEEP_SPACE):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [
                keras.Input((28, 28)),
                keras.layers.Flatten(),
                keras.layers.Dense(params["units"]),
                keras.layers.Dense(10),
            ]
        )
        model.compile(
            optimizer=keras.optimizers.Adam(params["learning_rate"]),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        run_dir = log_dir / hparams.run_name(params)
        model.fit(
            x[:256] / 255.0,
            y[:256],
            validation_data=(x_val[:64] / 255.0, y_val[:64]),
            epochs=2,
            batch_size=64,
            verbose=0,
            callbacks=[keras.callbacks.TensorBoard(str(run_dir)), hp.KerasCallback(str(run_dir), params)],
        )


def _write_profile(run_dir: Path) -> None:
    """Profile steps 2..5 of a tiny fit with step markers."""
    import keras

    from dvdl_helpers import profiling

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3), keras.layers.Flatten(), keras.layers.Dense(10)]
    )
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = np.random.default_rng(0).random((8 * 32, 28, 28, 1), dtype=np.float32)
    y = np.arange(len(x)) % 10
    model.fit(x, y, batch_size=32, epochs=1, verbose=0, callbacks=[profiling.step_profiler(run_dir, 2, 5)])


def _nb07_logs(tmp_path_factory) -> Path:
    """The one folder (per session) that holds the sample sweep (``hparams``) and profile (``profile``)."""
    return tmp_path_factory.getbasetemp() / "nb07_logs"


@pytest.fixture(scope="session")
def sweep(tmp_path_factory) -> Sweep:
    """Two runs of a one-layer model logged with the hparams API (``<nb07 logs>/hparams``)."""
    path = _nb07_logs(tmp_path_factory) / "hparams"
    _write_sweep(path)
    return Sweep(path, SWEEP_SPACE, SWEEP_METRICS)


@pytest.fixture(scope="session")
def profile_logs(tmp_path_factory) -> Path:
    """A profile of training steps 2..5 with step markers (``<nb07 logs>/profile/tiny``)."""
    path = _nb07_logs(tmp_path_factory) / "profile" / "tiny"
    _write_profile(path)
    return path


# --- TensorBoard's sample logs and the browser (tests of TensorBoard over HTTP, browser tests) ---


@pytest.fixture(scope="session")
def sample_logs(tmp_path_factory) -> Path:
    """A small real TensorBoard log folder (:func:`helpers.write_sample_logs`), written once per session."""
    return write_sample_logs(tmp_path_factory.mktemp("tensorboard_sample_logs"))


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


@pytest.fixture(scope="module")
def lab(browser, sample_logs) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 with a random token, its settings in a temporary folder; stopped after.

    The TensorBoard processes that ``%tensorboard`` starts in it are stopped too.
    """
    from dvdl_helpers import tboard

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
