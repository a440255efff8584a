"""Tests of benchmarks/run_all.py (``make bench``): the notebook table with quick and long-run times."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from dvdl_helpers import paths

BENCHMARKS = paths.REPO_ROOT / "benchmarks"


@pytest.fixture
def run_all(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # run_all imports its neighbour _common, as when run
    spec = importlib.util.spec_from_file_location("run_all", BENCHMARKS / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("_common", None)


QUICK = [
    {"notebook": "00_setup.ipynb", "seconds": 20.4, "within_60_s": True},
    {"notebook": "03_convolutional_network.ipynb", "seconds": 61.0, "within_60_s": False},
]


def test_long_runs_as_last_measured_sit_beside_the_quick_times(run_all):
    long_runs = {
        "date": "2026-11-27T16:00:00+00:00",
        "notebooks": [{"notebook": "00_setup.ipynb", "seconds": 20}],
    }
    table = run_all.notebook_table(QUICK, long_runs)
    assert "2026-11-27" in table[2] and "FULL_RUN" in table[2]
    assert table[4] == "| 00_setup.ipynb | 20.4 | yes | 20 |"
    assert table[5] == "| 03_convolutional_network.ipynb | 61.0 | NO | - |"
    assert table[6] == "| **all** | **81** | | **20** |"


def test_without_a_long_run_record_the_column_says_so(run_all):
    table = run_all.notebook_table(QUICK, None)
    assert table[-2] == "| **all** | **81** | | - |"
    assert "make bench FULL=1" not in table[2]


def test_a_failed_notebook_is_named_in_the_table(run_all):
    failed = [*QUICK, {"notebook": "05_charts_classifier.ipynb", "seconds": None, "within_60_s": False}]
    long_runs = {"date": "2026-11-27", "notebooks": [{"notebook": "00_setup.ipynb", "seconds": None}]}
    table = run_all.notebook_table(failed, long_runs)
    assert table[4] == "| 00_setup.ipynb | 20.4 | yes | failed |"
    assert table[6] == "| 05_charts_classifier.ipynb | failed | NO | - |"
