"""Smoke test of ``benchmarks/bench_cnn.py --quick``: it runs both configurations and records them.

Nothing here asserts a speed: timings depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import json

import pytest
from helpers import BENCHMARKS, load_script


@pytest.fixture(scope="module")
def bench():
    return load_script(BENCHMARKS / "bench_cnn.py")


@pytest.mark.slow
def test_quick_run_records_both_configurations(bench, tmp_path, capsys):
    markdown = tmp_path / "table.md"
    assert bench.main(["--quick", "--results-dir", str(tmp_path), "--markdown", str(markdown)]) == 0
    lines = (tmp_path / bench.RECORDS.name).read_text().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["bench"] == "cnn" and record["quick"] is True
    assert record["device_kind"] in {"CPU", "GPU"}
    assert {"cpu", "cores", "tensorflow", "keras", "python"} <= set(record["machine"])
    for name in ("plain", "fast"):
        part = record[name]
        assert part["images_per_s"] > 0 and part["ms_per_step_b64"] > 0 and part["images_per_cpu_s"] > 0
        assert len(part["epoch_s"]) == record["epochs"]
        assert len(part["median_epoch_s_per_round"]) == record["rounds"] == 1
    assert record["plain"]["batch_size"] == 32 and record["plain"]["pipeline"] == "numpy"
    assert record["fast"]["pipeline"] == "tf.data"
    assert record["ratio"] == pytest.approx(
        record["fast"]["images_per_s"] / record["plain"]["images_per_s"], rel=0.01
    )
    # (c) float32 is recorded where the policy is not float32 (a CPU with bfloat16 units)
    third = record.get("fast_float32", record["fast"])
    assert third["images_per_s"] > 0
    assert record["ratio_float32"] == pytest.approx(
        third["images_per_s"] / record["plain"]["images_per_s"], rel=0.01
    )
    table = markdown.read_text()
    assert table.startswith("| configuration |") and "(a) plain" in table and "(b) course's fastest" in table
    assert "(a) plain" in capsys.readouterr().out


def test_arguments(bench):
    args = bench.parse_args(["--quick"])
    assert args.images == 512 and args.epochs == 2 and args.rounds == 1
    assert bench.parse_args(["--isa", "AVX2"]).isa == "AVX2"
    args = bench.parse_args([])
    assert args.images is None and args.epochs >= 3  # decided once the device is known
    assert args.rounds == 2
    assert args.results_dir / bench.RECORDS.name == bench.RECORDS


def test_markdown_table_from_a_record(bench):
    part = {
        "batch_size": 32,
        "precision": "float32",
        "jit": "auto",
        "images_per_s": 1000.0,
        "ms_per_step_b64": 40.0,
        "steps_per_execution": 8,
    }
    record = {
        "plain": part,
        "fast": {**part, "batch_size": 256, "images_per_s": 2500.0},
        "ratio": 2.5,
        "device": "CPU: test",
        "machine": {"python": "3.11.7", "tensorflow": "2.21.0", "keras": "3.15.1", "numpy": "2.4.6"},
        "images": 5000,
        "epochs": 4,
        "load_average": {"before": 0.5, "after": 0.7},
        "cpu_cores": 2,
        "quick": False,
    }
    table = bench.markdown_table(record)
    assert "**2.50×**" in table and "1,000" in table and "2,500" in table
    assert "(c) the same in float32" not in table
    record["fast_float32"] = {**part, "batch_size": 256, "images_per_s": 1400.0}
    record.update(ratio_float32=1.4, ratio_float32_cpu_s=1.3, cpu_isa_cap="AVX2")
    table = bench.markdown_table(record)
    assert "(c) the same in float32" in table and "1,400" in table and "**1.40×**" in table
    assert "capped at AVX2" in table
