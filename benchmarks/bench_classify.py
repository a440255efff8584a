"""Benchmark of ``classify`` on 2,000 charts: pictures/s and peak memory, streamed in batches vs all at once.

    python benchmarks/bench_classify.py            # 2,000 generated charts (drawn once into artifacts/)
    python benchmarks/bench_classify.py --quick    # 140 charts, for a smoke test

Two ways over the same charts, each in a child process of its own: ``streamed`` is
:func:`dvdl_helpers.charts.iter_classify` (prepare and classify a batch, then the next), ``all at once`` is
the naive way (:func:`~dvdl_helpers.charts.prepare_to_classify` for every file, then
:func:`~dvdl_helpers.charts.type_probabilities` on them all). Memory: the child's peak resident size
(``getrusage`` ``ru_maxrss``) above what it held once TensorFlow, the model and one warm-up batch were in,
measured on half the charts and on all of them: the streamed peak stays put as the folder grows, the
other grows with it. Each child runs ``--repeat`` times, the ways interleaved; the fastest run counts for
speed, the largest peak for memory (wall time on a shared machine varies by 2× from one run to the next).
The model: the saved classifier if there is one, else the course's chart network untrained (the same
layers, so the same arithmetic; the record says which). Appends one JSON record to
``benchmarks/results/classify.jsonl`` and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from _common import RESULTS_DIR, append_record, cpu_seconds, load_average, machine

from dvdl_helpers import charts, paths

try:
    import resource
except ImportError:  # Windows: no peak memory
    resource = None

CHARTS, QUICK_CHARTS = 2000, 140
RECORDS = RESULTS_DIR / "classify.jsonl"
MODES = ("streamed", "all at once")
UNTRAINED = "untrained chart_convnet (the course's layers, random weights)"


def chart_files(count: int) -> list[Path]:
    """``count`` generated charts (generator v2, varied looks), drawn once into ``artifacts/data``."""
    per_type = -(-count // len(charts.CHART_TYPES))
    folder = paths.data_dir() / "bench_classify" / f"varied_{per_type}"
    charts.generate_dataset(folder, per_type, style="varied", progress=False)
    return sorted(folder.glob("*/*.png"))[:count]


def model_file() -> tuple[Path, str]:
    """The classifier to time and what it is: the saved one, else an untrained one saved under artifacts/."""
    saved = charts.default_model_path()
    if saved.exists():
        return saved, f"{saved.name} ({charts.classifier_facts(saved).get('setting', 'unknown')} setting)"
    from dvdl_helpers import env, models

    env.quiet_tensorflow()
    path = paths.models_dir() / "bench_classify_untrained.keras"
    if not path.exists():
        models.chart_convnet((charts.INPUT_SIZE, charts.INPUT_SIZE, 1), 7).save(path)
    return path, UNTRAINED


def peak_mib() -> float:
    """This process's peak resident memory so far, MiB (NaN where the system does not tell)."""
    if resource is None:
        return float("nan")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux


def child(mode: str, files: list[Path], model_path: Path, batch_size: int) -> dict:
    """One timed run in this (fresh) process: classify ``files`` one way; speed and peak memory."""
    model = charts.load_classifier(model_path)
    list(charts.iter_classify(files[:batch_size], model, batch_size=batch_size))  # warm-up batch
    baseline = peak_mib()
    start, cpu = time.perf_counter(), cpu_seconds()
    if mode == "streamed":
        classified = sum(a.problem is None for a in charts.iter_classify(files, model, batch_size=batch_size))
    else:
        size = int(model.input_shape[1])
        x = np.stack([charts.prepare_to_classify(file, size) for file in files])  # as classify reads each
        charts.type_probabilities(model, x)
        classified = len(x)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    peak = peak_mib()
    return dict(
        mode=mode,
        files=len(files),
        classified=classified,
        seconds=round(seconds, 3),
        cpu_s=round(cpu, 2),
        pictures_per_s=round(len(files) / seconds, 1),
        pictures_per_cpu_s=round(len(files) / cpu, 1),
        baseline_mib=round(baseline, 1),
        peak_mib=round(peak, 1),
        extra_mib=round(peak - baseline, 1),
    )


def run_child(mode: str, count: int, model_path: Path, batch_size: int, total: int) -> dict:
    """:func:`child` in a new Python process (its peak memory is its own)."""
    command = [sys.executable, __file__, "--child", mode, "--count", str(count), "--model", str(model_path)]
    command += ["--batch-size", str(batch_size), "--charts", str(total)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"child {mode} ({count} charts) failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def best_runs(runs: list[dict]) -> list[dict]:
    """One row per (way, charts): the fastest run's numbers, with the largest peak memory of any run."""
    rows = []
    for key in dict.fromkeys((run["mode"], run["files"]) for run in runs):
        same = [run for run in runs if (run["mode"], run["files"]) == key]
        fastest = min(same, key=lambda run: run["seconds"])
        rows.append({**fastest, "extra_mib": max(run["extra_mib"] for run in same), "runs": len(same)})
    return rows


def summarise(rows: list[dict]) -> dict:
    """Ratios of a run's rows: speed streamed / all at once on all the charts, memory on half and all."""
    full = max(row["files"] for row in rows)
    at = {(row["mode"], row["files"]): row for row in rows}
    half = min(row["files"] for row in rows)
    streamed, whole = at["streamed", full], at["all at once", full]
    return dict(
        speed_ratio=round(streamed["pictures_per_s"] / whole["pictures_per_s"], 2),
        cpu_speed_ratio=round(streamed["pictures_per_cpu_s"] / whole["pictures_per_cpu_s"], 2),
        extra_mib={mode: [at[mode, half]["extra_mib"], at[mode, full]["extra_mib"]] for mode in MODES},
        memory_ratio=round(whole["extra_mib"] / max(streamed["extra_mib"], 0.1), 1),
    )


def table(record: dict) -> list[str]:
    """The markdown printed (and shown by ``make bench``)."""
    lines = [
        f"classify on {record['charts']:,} generated charts (varied looks), model: {record['model']}, "
        f"batch {record['batch_size']}; {record['device']['cpu']}, load {record['device']['load_avg_1min']}",
        "",
        "| way | charts | seconds | pictures/s | pictures per CPU s | peak MiB above the loaded model |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in record["results"]:
        cells = [row["mode"], f"{row['files']:,}", f"{row['seconds']:.2f}", f"{row['pictures_per_s']:.0f}"]
        cells += [f"{row['pictures_per_cpu_s']:.0f}", f"{row['extra_mib']:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    summary = record["summary"]
    streamed, whole = summary["extra_mib"]["streamed"], summary["extra_mib"]["all at once"]
    lines += [
        "",
        f"streamed / all at once: **{summary['speed_ratio']:.2f}×** the speed "
        f"({summary['cpu_speed_ratio']:.2f}× per CPU second); peak memory above the model "
        f"{streamed[0]:.0f} → {streamed[1]:.0f} MiB streamed vs {whole[0]:.0f} → {whole[1]:.0f} MiB all at "
        "once (half the charts → all of them)",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    """Draw (or reuse) the charts, run each way in its own process, print the table, save the record."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CHARTS} charts instead of {CHARTS}")
    parser.add_argument("--charts", type=int, default=None, help=f"charts (default {CHARTS})")
    parser.add_argument("--batch-size", type=int, default=charts.CLASSIFY_BATCH)
    parser.add_argument("--repeat", type=int, default=None, help="runs of each child (default 2, quick 1)")
    parser.add_argument("--no-save", action="store_true", help=f"do not append to {RECORDS.name}")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    total = args.charts or (QUICK_CHARTS if args.quick else CHARTS)
    if args.child:
        print(json.dumps(child(args.child, chart_files(total)[: args.count], args.model, args.batch_size)))
        return 0
    files = chart_files(total)
    model_path, model_name = model_file()
    device = machine("tensorflow", "keras", "pillow", "numpy")
    repeat = args.repeat or (1 if args.quick else 2)
    runs = [
        run_child(mode, count, model_path, args.batch_size, total)
        for _ in range(repeat)
        for count in (len(files) // 2, len(files))
        for mode in MODES
    ]
    rows = best_runs(runs)
    device["load_avg_1min_end"] = load_average()
    record = dict(
        time=datetime.now(UTC).isoformat(timespec="seconds"),
        benchmark="classify",
        quick=args.quick,
        charts=len(files),
        batch_size=args.batch_size,
        repeat=repeat,
        model=model_name,
        device=device,
        results=rows,
        summary=summarise(rows),
    )
    print("\n".join(table(record)))
    if not args.no_save:
        print(f"\nappended to {append_record(RECORDS, record).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
