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


def _backend_record(device: str, date: str = "2026-11-27T18:07:00+00:00") -> dict:
    timing = {"images_per_s": 1000.0, "ms_per_step_b64": 2.0, "precision": "float32"}
    return {
        "date": date,
        "device": device,
        "backend": "jax",
        "machine": {"cpu": "Xeon", "cores": 16},
        "plain": timing,
        "fast": {**timing, "images_per_s": 5000.0, "precision": "mixed_float16"},
        "ratio": 5.0,
        "recipe": {"seconds": 8.5, "train_images": 3500, "batch_size": 128, "test_accuracy": 0.981},
    }


def test_gpu_section_shows_the_newest_gpu_record_and_its_machines_cpu(run_all, tmp_path):
    import json

    path = tmp_path / "cnn_backend.jsonl"
    assert run_all.gpu_lines(path) == []  # no record: no section
    path.write_text(json.dumps(_backend_record("CPU")) + "\n")
    assert run_all.gpu_lines(path) == []  # CPU records alone: no GPU section
    records = [_backend_record("GPU one", "2026-11-01T00:00:00+00:00"), _backend_record("NVIDIA H200")]
    path.write_text("".join(json.dumps(record) + "\n" for record in [*records, _backend_record("CPU")]))
    lines = run_all.gpu_lines(path)
    assert "NVIDIA H200" in lines[0] and "GPU one" not in "\n".join(lines)
    assert any(line.startswith("| the same machine's 16 CPU cores") for line in lines)
    assert any("**5.00×**" in line for line in lines)


def test_avx2_capped_times_are_a_column_of_their_own(run_all):
    capped = {
        "date": "2026-11-27T19:00:00+00:00",
        "notebooks": [{"notebook": "03_convolutional_network.ipynb", "seconds": 120.4}],
    }
    table = run_all.notebook_table(QUICK, None, capped)
    assert "capped at AVX2" in table[2] and table[3] == "|---|---:|:---:|---:|---:|"
    assert table[4].endswith("| - | - |") and table[5].endswith("| - | 120.4 |")
    assert table[6].endswith("| - | **120** |")


def test_tensorboard_headline_gives_both_start_times_and_their_ratio(run_all):
    record = {"median_s": {"tensorboard": 6.0, "dvdl-tensorboard": 1.5}, "speedup": 4.0}
    (line,) = run_all.headlines({"tensorboard": record})
    assert "1.5 s" in line and "6.0 s" in line and "**4.0× sooner**" in line, line
