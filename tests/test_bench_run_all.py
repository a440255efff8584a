"""Tests of benchmarks/run_all.py (``make bench``) and of the measurements page it writes from the records."""

from __future__ import annotations

import json
import sys

import pytest
from helpers import BENCHMARKS, load_script

from dvdl_helpers import paths


@pytest.fixture
def run_all():
    return load_script(BENCHMARKS / "run_all.py")


@pytest.fixture
def page(run_all):
    """``benchmarks/measurements_page.py``, as run_all imports it."""
    return sys.modules["measurements_page"]


def _notebooks(**seconds: float | None) -> dict:
    return {
        "date": "2026-11-27T16:00:00+00:00",
        "machine": {"cpu": "Test CPU", "cpu_units": "AVX2", "cores": 2},
        "notebooks": [{"notebook": f"{name}.ipynb", "seconds": value} for name, value in seconds.items()],
    }


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (9.5, "about 10 s"),
        (28.4, "about 30 s"),
        (30.8, "about 40 s"),
        (59, "about 1 min"),
        (61, "about 1½ min"),
        (125, "about 2½ min"),
        (231, "about 4 min"),
        (2000, "about 35 min"),
    ],
)
def test_a_measured_time_is_rounded_up_to_a_learners_figure(page, seconds, words):
    assert page.learner_time(seconds) == words


def test_a_time_that_is_not_positive_is_refused(page):
    with pytest.raises(ValueError, match="positive"):
        page.learner_time(0)


def test_the_header_figure_is_the_float32_time_and_the_long_run_is_scaled_like_it(page):
    quick = _notebooks(a=20.0, b=30.0, c=10.0)
    capped = _notebooks(a=40.0, b=30.0)  # c was not timed in float32: its plain time stands in
    long_runs = _notebooks(a=60.0, b=100.0, c=10.0)
    texts = page.header_times(quick, capped, long_runs, {"a.ipynb", "b.ipynb"})
    long_run = "the long run (`FULL_RUN = True`) about 2 min"  # 60 s × 40/20
    assert texts["a.ipynb"] == f"Run All: about 40 s on a 2-core laptop; {long_run}"
    assert texts["b.ipynb"].endswith("about 2 min")  # 100 s × 30/30, rounded up
    assert texts["c.ipynb"] == "Run All: about 10 s on a 2-core laptop"  # no FULL_RUN switch: no long run


def test_the_notebook_table_shows_every_record_and_names_a_failure(page):
    lines = page.notebook_section(
        _notebooks(a=20.4, b=None), _notebooks(a=40.0), None, _notebooks(a=25.0, b=31.0), {"a.ipynb"}
    )
    rows = [line for line in lines if line.startswith("| ")]
    assert rows[1] == "| a | Run All: about 40 s on a 2-core laptop | 20 | 40 | – | 25 |"
    assert rows[2] == "| b | – | failed | – | – | 31 |"
    assert rows[3] == "| **the course** | about 40 s | **20** | **40** | – | **56** |"
    assert any("Test CPU (AVX2), 2 cores, 2026-11-27" in line for line in lines)


def test_without_records_the_table_says_how_to_make_them(page):
    assert "run `make bench`" in "\n".join(page.notebook_section(None, None, None, None, set()))


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


def test_gpu_section_shows_the_newest_gpu_record_and_its_machines_cpu(page):
    assert page.gpu_section([]) == []  # no record: no section
    assert page.gpu_section([_backend_record("CPU")]) == []  # CPU records alone: no GPU section
    records = [_backend_record("GPU one", "2026-11-01T00:00:00+00:00"), _backend_record("NVIDIA H200")]
    lines = page.gpu_section([*records, _backend_record("CPU")])
    assert "GPU one" not in "\n".join(lines)
    assert any(line.startswith("| the same machine's 16 CPU cores") for line in lines)
    assert any("**5.0×**" in line for line in lines)


def test_the_page_is_written_from_a_tiny_record_set_without_measuring(page, tmp_path):
    (tmp_path / page.QUICK_RECORD).write_text(json.dumps(_notebooks(a=20.0)))
    (tmp_path / page.CAPPED_RECORD).write_text(json.dumps(_notebooks(a=28.0)))
    lab = [{**_notebooks(a=99.0), "keras_standin": False}, {**_notebooks(a=1.0), "keras_standin": True}]
    (tmp_path / page.LAB_RECORD).write_text("".join(json.dumps(record) + "\n" for record in lab))
    board = {
        "date": "2026-11-27T21:31:41+00:00",
        "machine": {"cpu": "Test CPU", "cores": 2},
        "rounds": 5,
        "seconds": {"tensorboard": [6.0] * 5, "dvdl-tensorboard": [1.5] * 5},
        "median_s": {"tensorboard": 6.0, "dvdl-tensorboard": 1.5},
        "speedup": 4.0,
    }
    (tmp_path / "tensorboard.jsonl").write_text(json.dumps(board) + "\n")
    (tmp_path / "cnn_backend.jsonl").write_text(json.dumps(_backend_record("NVIDIA H200")) + "\n")
    written = page.write_page(tmp_path, [], tmp_path / "docs" / "measurements.md")
    text = written.read_text()
    assert text.startswith("# Measurements\n")
    assert "| a | Run All: about 30 s on a 2-core laptop | 20 | 28 | – | 99 |" in text  # the offline lab run
    assert "**4.0×** sooner" in text and "NVIDIA H200" in text
    assert "bench_cnn.py" not in text and "imageprep" not in text  # no record, no section


def test_the_committed_page_is_the_one_the_records_give(page):
    """docs/measurements.md is generated: after a new record, `python benchmarks/run_all.py --page-only`."""
    committed = paths.REPO_ROOT / page.PAGE_NAME
    expected = page.measurements_page(BENCHMARKS / "results", paths.course_notebooks())
    assert committed.read_text() == expected, "rewrite it: python benchmarks/run_all.py --page-only"


def test_tensorboard_headline_gives_both_start_times_and_their_ratio(run_all):
    record = {"median_s": {"tensorboard": 6.0, "dvdl-tensorboard": 1.5}, "speedup": 4.0}
    (line,) = run_all.headlines({"tensorboard": record})
    assert "1.5 s" in line and "6.0 s" in line and "**4.0× sooner**" in line, line


def test_the_classifier_section_comes_from_the_model_card(page):
    card = dict(
        trained_by="python -m dvdl_helpers.charts train --ship",
        train_s=420,
        machine="a CPU",
        temperature=1.5,
        threshold=0.4,
        scores={"chartjs (confirm half)": dict(value=0.9, low=0.85, high=0.94, n=120, confidence=0.95)},
    )
    lines = page.classifier_section(card)
    assert "| chartjs (confirm half) | 0.900 | 0.85–0.94 | 120 |" in lines
    assert any("7.0 min on a CPU" in line for line in lines)
    assert page.classifier_section(None) == [] and page.classify_section([]) == []


def test_a_header_whose_times_differ_from_the_records_is_named(page, tmp_path):
    import nbformat

    results = tmp_path / "results"
    results.mkdir()
    (results / page.QUICK_RECORD).write_text(json.dumps(_notebooks(a=20.0, b=30.0)))
    (results / page.FULL_RUN_RECORD).write_text(json.dumps(_notebooks(a=60.0)))
    notebooks = []
    for name, said in (
        ("a", "about 20 s on a 2-core laptop; the long run (`FULL_RUN = True`) about 5 min"),
        ("b", "about 30 s on a 2-core laptop"),
    ):
        header = f"**Estimated time.** Study: 10 min · Run All: {said} ([measurements](m.md)). About 9 s."
        code = "FULL_RUN = False" if name == "a" else "x = 1"
        cells = [nbformat.v4.new_markdown_cell(header), nbformat.v4.new_code_cell(code)]
        nbformat.write(nbformat.v4.new_notebook(cells=cells), tmp_path / f"{name}.ipynb")
        notebooks.append(tmp_path / f"{name}.ipynb")
    lines = page.stale_headers(results, notebooks)
    assert lines == [
        "a.ipynb: the header says about 20 s, about 5 min; the records give about 20 s, about 1 min"
    ]
