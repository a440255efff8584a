"""Benchmark of the chart generator (charts/s) and of the saved chart classifier on real charts.

    python benchmarks/bench_charts.py            # 100 charts per type (700 per run), ~2 min on 2 cores
    python benchmarks/bench_charts.py --quick    # 15 per type, a few seconds

Times :func:`dvdl_helpers.charts.generate_dataset` end to end (drawing, PNG writing, CSV; with several
jobs also the start of the 'spawn' pool, measured on its own as ``pool_start_s``) for generator v1
(``train`` look, 128×128 and 64×64) and generator v2 (``varied`` looks, longest side 128), with 1 process
and with all cores. If a saved classifier exists (``artifacts/models/chart_classifier.keras``, from
notebook 05 or ``python -m dvdl_helpers.charts train``), it also records the balanced accuracy on the
shipped real charts (development set, the seven known types). It appends one JSON record (machine,
versions, results) to ``benchmarks/results/charts.jsonl`` and prints a markdown table.
Wall-clock numbers from a busy machine are low: the record keeps the load average, and
the CPU seconds (of this process and its workers) give charts per CPU second, which load hardly changes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from _common import RESULTS_DIR, append_record, cpu_seconds, load_average, machine

from dvdl_helpers import charts, paths

RECORDS = RESULTS_DIR / "charts.jsonl"


def pool_start_seconds(jobs: int) -> float:
    """Seconds to start ``jobs`` 'spawn' workers that have imported the chart module."""
    start = time.perf_counter()
    with ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) as pool:
        for future in [pool.submit(charts.default_jobs) for _ in range(jobs)]:  # imports dvdl_helpers.charts
            future.result()
    return time.perf_counter() - start


def run(folder: Path, per_type: int, size: int, jobs: int, style: str = "train") -> dict:
    """Generate one data set; return wall and CPU seconds."""
    cpu = cpu_seconds()
    summary = charts.generate_dataset(
        folder, per_type, size_px=(size, size), style=style, jobs=jobs, progress=False
    )
    cpu = cpu_seconds() - cpu
    return dict(
        style=style, size=size, jobs=jobs, charts=summary.n_charts, seconds=summary.seconds, cpu_s=cpu
    )


def real_chart_score() -> dict | None:
    """Balanced accuracy of the saved classifier on the shipped real charts (None without a model)."""
    path = charts.default_model_path()
    if not path.exists():
        return None
    from dvdl_helpers import env

    env.quiet_tensorflow()
    import keras
    import numpy as np

    model = keras.models.load_model(path, compile=False)
    size = int(model.input_shape[1])
    x, types, _ = charts.load_real_charts(size)
    known = types != "box"
    said = np.array(sorted(charts.CHART_TYPES))[charts.type_probabilities(model, x[known]).argmax(1)]
    facts = charts.classifier_facts(path)
    return dict(
        model=path.name,
        setting=facts.get("setting", "unknown (saved without facts)"),
        trained_by=facts.get("trained_by"),
        input_size=size,
        charts=int(known.sum()),
        balanced_accuracy=round(charts.balanced_accuracy(types[known], said), 3),
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, append the record, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="15 charts per type instead of 100")
    ap.add_argument("--per-type", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=1, help="runs per setting, the fastest is kept")
    ap.add_argument("--out", type=Path, default=RECORDS, help=f"JSON lines file (default {RECORDS.name})")
    args = ap.parse_args(argv)
    per_type = args.per_type or (15 if args.quick else 100)
    cores = charts.default_jobs()
    charts.draw_chart("bar", [1, 2, 3])  # warm up this process (fonts), as a worker is by its first chart
    facts = machine("numpy", "matplotlib", "pillow")  # before the runs: the load when they started
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for style, size in (("train", 128), ("train", 64), ("varied", 128)):
            for jobs in sorted({1, cores}):
                folder = Path(tmp) / f"{style}_{size}_{jobs}"
                runs = [
                    run(folder.with_suffix(f".{r}"), per_type, size, jobs, style) for r in range(args.repeat)
                ]
                results.append(min(runs, key=lambda r: r["seconds"]))
    for r in results:
        single = next(s for s in results if (s["style"], s["size"], s["jobs"]) == (r["style"], r["size"], 1))
        r["charts_per_s"] = round(r["charts"] / r["seconds"], 1)
        r["charts_per_cpu_s"] = round(r["charts"] / r["cpu_s"], 1)
        r["speedup"] = round(single["seconds"] / r["seconds"], 2)
        r["seconds"], r["cpu_s"] = round(r["seconds"], 2), round(r["cpu_s"], 2)
    record = dict(
        benchmark="charts",
        time=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        quick=args.quick,
        per_type=per_type,
        repeat=args.repeat,
        machine=facts,
        cores=cores,
        load_avg_1min_after=load_average(),
        pool_start_s=round(pool_start_seconds(cores), 2) if cores > 1 else 0.0,
        results=results,
        real_charts=real_chart_score(),
    )
    append_record(args.out, record)
    print(f"Chart generator on {facts['cpu']} ({cores} cores), matplotlib {facts['matplotlib']}")
    load = facts["load_avg_1min"]
    print(f"{per_type} charts per type, 7 types, best of {args.repeat}; load average {load} before")
    print(f"'spawn' pool start with {cores} jobs alone: {record['pool_start_s']} s (included below)\n")
    print("| generator | size | jobs | charts | wall s | charts/s | × 1 job | CPU s | charts per CPU s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        name = "v1 (train)" if r["style"] == "train" else "v2 (varied)"
        cells = [name, f"{r['size']}×{r['size']}" if r["style"] == "train" else f"≤{r['size']}"]
        cells += [r[k] for k in ("jobs", "charts", "seconds", "charts_per_s")]
        cells += [r[k] for k in ("speedup", "cpu_s", "charts_per_cpu_s")]
        print("| " + " | ".join(map(str, cells)) + " |")
    score = record["real_charts"]
    if score is None:
        print("\nno saved chart classifier: run notebook 05 or 'python -m dvdl_helpers.charts train' first")
    else:
        by = f" by {score['trained_by']}" if score["trained_by"] else ""
        print(
            f"\nreal charts (development set, {score['charts']} charts of the 7 types), {score['model']} "
            f"(trained in the {score['setting']} setting{by}): "
            f"balanced accuracy {score['balanced_accuracy']}"
        )
    print(f"appended to {paths.display_path(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
