"""Benchmark of how long ``%tensorboard`` waits for its server: the usual program vs ``dvdl-tensorboard``.

    python benchmarks/bench_tensorboard.py            # 5 starts of each program, alternating, ~1 min
    python benchmarks/bench_tensorboard.py --quick    # 2 starts of each

Each start is what the ``%tensorboard`` magic does: ``tensorboard.manager.start`` on a fresh log folder, until
the server has registered itself (it then answers), then the process is stopped. The baseline is the usual
``tensorboard`` (which imports TensorFlow); the course's notebooks start ``dvdl-tensorboard`` (the same
TensorBoard, reading logs without TensorFlow: :func:`dvdl_helpers.tboard.use_light_tensorboard`). Starts
alternate so that a busy moment hits both. Appends one JSON record to
``benchmarks/results/tensorboard.jsonl`` and prints a markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

from _common import RESULTS_DIR, append_record, machine
from tensorboard import manager

from dvdl_helpers import tboard
from dvdl_helpers.tboard.processes import LIGHT_PROGRAM, find_program

RECORDS = RESULTS_DIR / "tensorboard.jsonl"


def program_path(name: str) -> str:
    """The installed program ``name`` (see :func:`dvdl_helpers.tboard.processes.find_program`)."""
    found = find_program(name)
    if found is None:
        raise SystemExit(f"`{name}` is not installed in this environment: run `make setup`.")
    return str(found)


def seconds_to_start(program: str, log_dir: Path) -> float:
    """Start ``program`` as ``%tensorboard`` does, wait until it has registered, stop it; return seconds."""
    os.environ["TENSORBOARD_BINARY"] = program
    start = time.perf_counter()
    result = manager.start(["--logdir", str(log_dir), "--port", "0"])
    seconds = time.perf_counter() - start
    if not isinstance(result, manager.StartLaunched):
        raise SystemExit(f"{program} did not start: {result}")
    tboard.stop_tensorboards([result.info.pid])
    return seconds


def main(argv: list[str] | None = None) -> int:
    """Time both programs, alternating; append the record; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 starts of each program instead of 5")
    args = parser.parse_args(argv)
    rounds = 2 if args.quick else 5
    programs = {"tensorboard (imports TensorFlow)": "tensorboard", f"{LIGHT_PROGRAM} (course)": LIGHT_PROGRAM}
    facts = machine("tensorboard", "tensorflow")
    times: dict[str, list[float]] = {label: [] for label in programs}
    with tempfile.TemporaryDirectory(prefix="dvdl-bench-tb-") as folder:
        for index in range(rounds):
            for label, name in programs.items():
                log_dir = Path(folder, f"{name}-{index}")  # a new folder: no instance to reuse
                log_dir.mkdir()
                times[label].append(seconds_to_start(program_path(name), log_dir))
    median = {label: statistics.median(values) for label, values in times.items()}
    baseline, course = median.values()
    record = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": facts,
        "rounds": rounds,
        "seconds": times,
        "median_s": median,
        "speedup": baseline / course,
    }
    path = append_record(RECORDS, record)
    print(f"bench_tensorboard: {facts['cpu']}, {facts['cores']} cores, load {facts['load_avg_1min']}")
    print(f"{rounds} starts of each program, alternating; seconds until the server has registered\n")
    print("| program | median s | all starts, s |\n|---|---:|---|")
    for label, values in times.items():
        print(f"| {label} | {median[label]:.2f} | {', '.join(f'{value:.1f}' for value in values)} |")
    print(f"\n`%tensorboard` is ready **{record['speedup']:.1f}×** sooner with `{LIGHT_PROGRAM}`")
    print(f"appended to {path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
