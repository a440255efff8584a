"""Fixtures shared by the unit tests."""

from __future__ import annotations

import os
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import numpy as np
import pytest


@pytest.fixture
def artifacts(tmp_path, monkeypatch):
    """Point ``DVDL_ARTIFACTS`` at a fresh temporary folder for one test."""
    folder = tmp_path / "artifacts"
    monkeypatch.setenv("DVDL_ARTIFACTS", str(folder))
    return folder


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
