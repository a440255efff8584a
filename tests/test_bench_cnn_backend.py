"""Tests of benchmarks/bench_cnn_backend.py: its defaults and its table (running it needs JAX or PyTorch)."""

from __future__ import annotations

import json

import pytest
from helpers import BENCHMARKS, load_script


@pytest.fixture
def bench():
    return load_script(BENCHMARKS / "bench_cnn_backend.py")


def test_quick_run_is_small_and_the_default_is_a_long_gpu_epoch(bench):
    quick, default = (
        bench.parse_args(["--quick", "--backend", "jax"]),
        bench.parse_args(["--backend", "torch"]),
    )
    assert (quick.images, quick.epochs, quick.rounds) == (1024, 2, 1)
    assert (default.images, default.epochs, default.rounds, default.backend) == (60000, 4, 2, "torch")


def test_recorded_gpu_run_reads_as_a_table(bench):
    lines = bench.RECORDS.read_text().splitlines()
    records = [json.loads(line) for line in lines]
    gpu = next(record for record in records if record["device"] != "CPU")
    table = bench.table(gpu)
    assert table.startswith("| configuration |") and gpu["device"] in table
    assert f"{gpu['ratio']:.2f}×" in table
    assert gpu["recipe"]["test_accuracy"] > 0.95, "the recorded 40-epoch recipe should have learned MNIST"
