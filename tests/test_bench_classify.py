"""Tests of benchmarks/bench_classify.py's pure parts: the ratios, the table, ``make bench``'s headline."""

from __future__ import annotations

import pytest
from helpers import BENCHMARKS, load_script


@pytest.fixture
def bench():
    return load_script(BENCHMARKS / "bench_classify.py")


def row(mode: str, files: int, per_s: float, extra: float) -> dict:
    return dict(
        mode=mode, files=files, seconds=files / per_s, pictures_per_s=per_s, pictures_per_cpu_s=per_s / 2,
        extra_mib=extra,
    )  # fmt: skip


ROWS = [
    row("streamed", 1000, 100.0, 9.0),
    row("all at once", 1000, 110.0, 40.0),
    row("streamed", 2000, 105.0, 10.0),
    row("all at once", 2000, 100.0, 80.0),
]


def test_summary_compares_the_two_ways_on_all_the_charts(bench):
    summary = bench.summarise(ROWS)
    assert summary["speed_ratio"] == pytest.approx(1.05) and summary["cpu_speed_ratio"] == pytest.approx(1.05)
    assert summary["extra_mib"] == {"streamed": [9.0, 10.0], "all at once": [40.0, 80.0]}
    assert summary["memory_ratio"] == 8.0


def test_table_and_headline(bench):
    record = dict(
        charts=2000, batch_size=256, model=bench.UNTRAINED, results=ROWS, summary=bench.summarise(ROWS),
        device={"cpu": "Xeon", "load_avg_1min": 1.0},
    )  # fmt: skip
    lines = bench.table(record)
    assert lines[0].startswith("classify on 2,000 generated charts") and "untrained" in lines[0]
    assert lines[4] == "| streamed | 1,000 | 10.00 | 100 | 50 | 9.0 |"
    assert "**1.05×** the speed" in lines[-1] and "9 → 10 MiB streamed vs 40 → 80 MiB" in lines[-1]
    run_all = load_script(BENCHMARKS / "run_all.py")
    (headline,) = run_all.headlines({"classify": record})
    assert "105 pictures/s" in headline and "**10 MiB**" in headline and "80 MiB all at once" in headline


def test_best_runs_keep_the_fastest_time_and_the_largest_peak(bench):
    runs = [row("streamed", 10, 5.0, 3.0), row("streamed", 10, 8.0, 1.0), row("all at once", 10, 4.0, 9.0)]
    rows = bench.best_runs(runs)
    assert [(r["mode"], r["pictures_per_s"], r["extra_mib"], r["runs"]) for r in rows] == [
        ("streamed", 8.0, 3.0, 2),
        ("all at once", 4.0, 9.0, 1),
    ]
