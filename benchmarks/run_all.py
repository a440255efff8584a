"""``make bench``: every benchmark and every notebook's run time, then the measurements page.

Runs ``bench_cnn.py``, ``bench_imageprep.py``, ``bench_charts.py``,
``bench_classify.py``, ``bench_tensorboard.py`` and ``bench_classroom.py`` (each in its
own process, each comparing against its own baseline in the same run and appending a JSON record to
``benchmarks/results/<name>.jsonl``), then executes every notebook in its quick setting (a fresh kernel each,
outputs not stored, in an empty temporary artifacts folder; recorded in ``notebooks_quick.json``), writes
the run's summary to ``latest.json`` and the course's one measurements page, ``docs/measurements.md``,
from the records (``measurements_page.py``).

Usage: ``python benchmarks/run_all.py [--quick] [--full]`` (``--quick``: small benchmark settings, for a smoke
test; ``--full``: also time every notebook's long run, ``make bench FULL=1``, about 10 minutes on 2 cores).
``--isa AVX2`` (``make bench ISA=AVX2``) only times the notebooks' quick settings with TensorFlow's oneDNN
kernels capped at AVX2, hence in float32: what a laptop without AVX-512 or bfloat16 units gets, roughly (a
newer CPU capped is still faster per core than an old one). ``--notebooks-only`` only times the notebooks'
quick settings (after a notebook changed). ``--page-only`` measures nothing: it rewrites the page from the
committed records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import RESULTS_DIR, machine
from measurements_page import (
    CAPPED_RECORD,
    FULL_RUN_RECORD,
    PAGE_NAME,
    QUICK_RECORD,
    stale_headers,
    write_page,
)

from dvdl_helpers import device, env, paths

BENCHES = ("cnn", "imageprep", "charts", "classify", "tensorboard", "classroom")
PAGE = paths.REPO_ROOT / PAGE_NAME


def _run_notebook_function():
    """``run_notebook`` of ``tools/run_notebooks.py`` (a script, loaded from its file)."""
    spec = importlib.util.spec_from_file_location(
        "run_notebooks", paths.REPO_ROOT / "tools" / "run_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.run_notebook


def last_record(name: str) -> dict:
    """The newest JSON record of ``benchmarks/results/<name>.jsonl``."""
    lines = (RESULTS_DIR / f"{name}.jsonl").read_text().strip().splitlines()
    return json.loads(lines[-1])


def run_bench(name: str, quick: bool) -> str:
    """Run one benchmark script in its own process (it appends its record); return what it printed."""
    command = [sys.executable, str(paths.REPO_ROOT / "benchmarks" / f"bench_{name}.py")]
    if quick:
        command.append("--quick")
    print(f"== bench_{name}.py {'--quick' if quick else ''}", flush=True)
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=paths.REPO_ROOT)
    print(result.stdout, flush=True)
    if result.returncode != 0:
        raise SystemExit(f"bench_{name}.py failed:\n{result.stderr[-3000:]}")
    return result.stdout


def headlines(records: dict[str, dict]) -> list[str]:
    """One line per benchmark: its main ratio against its same-run baseline."""
    lines = []
    cnn = records.get("cnn")
    if cnn:
        lines.append(
            f"CNN training ({cnn['device']}): course setting {cnn['fast']['images_per_s']:,.0f} images/s vs "
            f"plain `model.fit` {cnn['plain']['images_per_s']:,.0f} images/s = "
            f"**{cnn['fast']['images_per_s'] / cnn['plain']['images_per_s']:.2f}×**; batch 64: "
            f"{cnn['fast']['ms_per_step_b64']:.1f} vs {cnn['plain']['ms_per_step_b64']:.1f} ms/step"
        )
    prep = records.get("imageprep")
    if prep:
        rows = {row["method"]: row for row in prep["results"]}
        best = max(prep["results"], key=lambda row: row["images_per_s"])
        text = (
            f"imageprep `resize2gray` to 28×28 ({best['method']}): {best['images_per_s']:.0f} images/s = "
            f"**{best['x_naive']:.2f}× the naive PIL loop**"
        )
        if "ImageMagick mogrify" in rows:
            text += f", **{best['x_mogrify']:.2f}× `mogrify`**"
        lines.append(text)
    charts = records.get("charts")
    if charts:
        best = max(charts["results"], key=lambda row: row["charts_per_s"])
        lines.append(
            f"chart generator: **{best['charts_per_s']:.0f} charts/s** at {best['size']}×{best['size']} "
            f"with {best['jobs']} job(s) ({best['speedup']:.2f}× one job)"
        )
        score = charts.get("real_charts")
        if score:
            lines.append(
                "chart classifier on the real development set: balanced accuracy "
                f"**{score['balanced_accuracy']}** (the saved model, trained in the "
                f"{score.get('setting', 'unknown')} setting)"
            )
    classify = records.get("classify")
    if classify:
        summary, memory = classify["summary"], classify["summary"]["extra_mib"]
        streamed = next(
            row
            for row in classify["results"]
            if row["mode"] == "streamed" and row["files"] == classify["charts"]
        )
        lines.append(
            f"`classify` on {classify['charts']:,} charts, streamed in batches of {classify['batch_size']}: "
            f"{streamed['pictures_per_s']:.0f} pictures/s ({summary['speed_ratio']:.2f}× all at once); peak "
            f"memory above the model **{memory['streamed'][1]:.0f} MiB** (half the charts: "
            f"{memory['streamed'][0]:.0f}) vs {memory['all at once'][1]:.0f} MiB all at once "
            f"({memory['all at once'][0]:.0f})"
        )
    board = records.get("tensorboard")
    if board:
        usual, course = board["median_s"].values()
        lines.append(
            f"`%tensorboard` ready: {course:.1f} s with the course's TensorFlow-free `dvdl-tensorboard` vs "
            f"{usual:.1f} s with `tensorboard` = **{board['speedup']:.1f}× sooner**"
        )
    room = records.get("classroom")
    if room:
        largest = room["rooms"][-1]
        lines.append(
            f"a room on this machine: {largest['learners']} learners running notebooks 00 + 01 at once take "
            f"**{largest['total_s_median']:.0f} s** each (median; {largest['x_alone']}× a learner alone), "
            f"peak memory {largest['peak_mib_median']:.0f} MiB per learner's kernels"
        )
    return lines


def time_notebooks(*, full_run: bool = False, isa: str | None = None) -> list[dict]:
    """Execute every notebook in a fresh kernel, without storing outputs; return one row per notebook.

    The quick setting (what the stored outputs show), or the long run (``full_run``: ``DVDL_TEST_MODE=0``,
    as a learner's ``FULL_RUN = True``). They run in order into an empty, temporary artifacts folder
    (``DVDL_ARTIFACTS``), as on a first run or in CI: nothing drawn or trained earlier (the charts of
    notebooks 05-06, notebook 03's model) is reused.
    """
    run_notebook = _run_notebook_function()
    saved = dict(os.environ)
    env.use_test_environment()
    if full_run:
        os.environ["DVDL_TEST_MODE"] = "0"
    if isa:  # inherited by every notebook's kernel, which starts TensorFlow afresh
        device.limit_cpu_isa(isa)
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="dvdl-bench-") as artifacts:
            os.environ["DVDL_ARTIFACTS"] = artifacts
            for path in paths.course_notebooks():
                setting = "long run" if full_run else "quick"
                try:
                    seconds = run_notebook(path, write=False)
                except Exception as error:  # a failing notebook is named; the others are still timed
                    reason = (str(error).strip().splitlines() or [type(error).__name__])[-1][:200]
                    print(f"== {path.name} ({setting}): FAILED: {reason}", flush=True)
                    rows.append(
                        {"notebook": path.name, "seconds": None, "within_60_s": False, "error": reason}
                    )
                    continue
                print(f"== {path.name} ({setting}): {seconds:.1f} s", flush=True)
                rows.append(
                    {"notebook": path.name, "seconds": round(seconds, 1), "within_60_s": seconds <= 60}
                )
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return rows


def record_notebook_times(name: str, started: dt.datetime, rows: list[dict], **facts: object) -> None:
    """Write one kind of notebook timing (``notebooks_quick.json``, ...) with its date and machine."""
    record = {"date": started.isoformat(timespec="seconds"), **facts, "machine": machine(), "notebooks": rows}
    (RESULTS_DIR / name).write_text(json.dumps(record, indent=2) + "\n")


def write_measurements_page() -> Path:
    """Rewrite ``docs/measurements.md`` from the records in ``benchmarks/results/``; name each notebook
    whose header states other times than the records (headers are edited by hand)."""
    page = write_page(RESULTS_DIR, paths.course_notebooks(), PAGE)
    for line in stale_headers(RESULTS_DIR, paths.course_notebooks()):
        print(f"header to update: {line}")
    return page


def main(argv: list[str] | None = None) -> int:
    """Run everything, record it, rewrite the measurements page (``--page-only``: only the page)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small settings (smoke test)")
    parser.add_argument("--no-notebooks", action="store_true", help="skip timing the notebooks")
    parser.add_argument(
        "--isa", default=None, help="only time the notebooks' quick settings with oneDNN capped at ISA (AVX2)"
    )
    parser.add_argument(
        "--full", action="store_true", help="also time every notebook's long run (FULL_RUN; about 10 minutes)"
    )
    parser.add_argument(
        "--page-only", action="store_true", help="measure nothing: rewrite the page from the records"
    )
    parser.add_argument(
        "--notebooks-only", action="store_true", help="only time the notebooks' quick settings, then the page"
    )
    args = parser.parse_args(argv)

    started = dt.datetime.now(dt.UTC)
    if args.page_only:
        print(f"written: {paths.display_path(write_measurements_page())}")
        return 0
    if args.notebooks_only:  # after a notebook is added or changed: its Run All time, without the benchmarks
        rows = time_notebooks()
        record_notebook_times(QUICK_RECORD, started, rows)
        print(f"{sum(row['seconds'] or 0 for row in rows):.0f} s in all; written: {QUICK_RECORD}")
        print(f"written: {paths.display_path(write_measurements_page())}")
        return 0
    if args.isa:
        rows = time_notebooks(isa=args.isa)
        record_notebook_times(CAPPED_RECORD, started, rows, isa=args.isa.upper())
        print(f"{sum(row['seconds'] or 0 for row in rows):.0f} s in all; written: {CAPPED_RECORD}")
        print(f"written: {paths.display_path(write_measurements_page())}")
        return 0
    load = machine()["load_avg_1min"]  # before the benchmarks load the machine
    for name in BENCHES:
        run_bench(name, args.quick)
    records = {name: last_record(name) for name in BENCHES}
    notebooks = [] if args.no_notebooks else time_notebooks()
    if notebooks and not args.quick:  # a smoke test's times are not the course's
        record_notebook_times(QUICK_RECORD, started, notebooks)
    if args.full:
        record_notebook_times(FULL_RUN_RECORD, started, time_notebooks(full_run=True))
    facts = machine("tensorflow", "keras", "tensorboard", "pillow", "matplotlib")
    computer = {
        "cpu": facts["cpu"],
        "cpu_units": facts["cpu_units"],
        "cores": facts["cores"],
        "gpu": records["cnn"].get("gpu"),
        "load_avg_1min_at_start": load,
        "platform": facts["platform"],
    }
    versions = {
        name: facts[name] for name in ("python", "tensorflow", "keras", "tensorboard", "pillow", "matplotlib")
    }
    summary = {
        "date": started.isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": computer,
        "versions": versions,
        "headlines": headlines(records),
        "benchmarks": records,
        "notebooks": notebooks,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "latest.json").write_text(json.dumps(summary, indent=2) + "\n")
    print("\n".join(f"- {line}" for line in summary["headlines"]))
    page = write_measurements_page()
    print(f"written: benchmarks/results/latest.json and {paths.display_path(page)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
