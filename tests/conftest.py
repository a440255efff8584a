"""Fixtures shared by the unit tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def artifacts(tmp_path, monkeypatch):
    """Point ``DVDL_ARTIFACTS`` at a fresh temporary folder for one test."""
    folder = tmp_path / "artifacts"
    monkeypatch.setenv("DVDL_ARTIFACTS", str(folder))
    return folder
