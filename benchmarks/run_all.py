"""``make bench``: every benchmark and every notebook's run time, in one table.

Runs ``bench_cnn.py``, ``bench_imageprep.py`` and ``bench_charts.py`` (each in its own process, each
comparing against its own baseline in the same run and appending a JSON record to
``benchmarks/results/<name>.jsonl``), then executes every notebook in its quick setting (a fresh kernel each,
outputs not stored, in an empty temporary artifacts folder) and writes ``benchmarks/results/latest.md``
and ``latest.json``.

Usage: ``python benchmarks/run_all.py [--quick] [--full]`` (``--quick``: small benchmark settings, for a smoke
test; ``--full``: also time every notebook's long run, ``make bench FULL=1``, about an hour on 2 cores).
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

from _common import RESULTS, machine

from dvdl_helpers import env, paths
from dvdl_helpers.env import package_version

REPO_ROOT = paths.REPO_ROOT
BENCHES = ("cnn", "imageprep", "charts")
#: The long-run times, written by ``--full`` (``make bench FULL=1``) and shown in every later table.
FULL_RUN_RECORD = RESULTS / "notebooks_full.json"


def _run_notebook_function():
    """``run_notebook`` of ``tools/run_notebooks.py`` (a script, loaded from its file)."""
    spec = importlib.util.spec_from_file_location("run_notebooks", REPO_ROOT / "tools" / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.run_notebook


def last_record(name: str) -> dict:
    """The newest JSON record of ``benchmarks/results/<name>.jsonl``."""
    lines = (RESULTS / f"{name}.jsonl").read_text().strip().splitlines()
    return json.loads(lines[-1])


def run_bench(name: str, quick: bool) -> str:
    """Run one benchmark script in its own process; return the markdown it printed."""
    command = [sys.executable, str(REPO_ROOT / "benchmarks" / f"bench_{name}.py")]
    if quick:
        command.append("--quick")
    print(f"== bench_{name}.py {'--quick' if quick else ''}", flush=True)
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO_ROOT)
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
    return lines


def time_notebooks(*, full_run: bool = False) -> list[dict]:
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


def notebook_table(quick: list[dict], long_runs: dict | None) -> list[str]:
    """The markdown table of notebook times: the quick setting now, the long run as last measured."""
    long_seconds = {row["notebook"]: row["seconds"] for row in (long_runs or {}).get("notebooks", [])}
    when = f" ({long_runs['date'][:10]}, `make bench FULL=1`)" if long_runs else ""
    lines = [
        "## Notebooks, each in a fresh kernel, in order, from an empty artifacts folder",
        "",
        f"| notebook | quick setting, s | ≤ 60 s | long run (`FULL_RUN = True`), s{when} |",
        "|---|---:|:---:|---:|",
    ]

    def cell(seconds: float | None, digits: int) -> str:
        return "failed" if seconds is None else f"{seconds:.{digits}f}"

    for row in quick:
        full = cell(long_seconds[row["notebook"]], 0) if row["notebook"] in long_seconds else "-"
        ok = "yes" if row["within_60_s"] else "NO"
        lines.append(f"| {row['notebook']} | {cell(row['seconds'], 1)} | {ok} | {full} |")
    total_full = f"**{sum(s for s in long_seconds.values() if s):.0f}**" if long_seconds else "-"
    lines.append(f"| **all** | **{sum(row['seconds'] or 0 for row in quick):.0f}** | | {total_full} |")
    return [*lines, ""]


def main(argv: list[str] | None = None) -> int:
    """Run everything, write latest.md and latest.json, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small settings (smoke test)")
    parser.add_argument("--no-notebooks", action="store_true", help="skip timing the notebooks")
    parser.add_argument(
        "--full", action="store_true", help="also time every notebook's long run (FULL_RUN; about an hour)"
    )
    args = parser.parse_args(argv)

    started = dt.datetime.now(dt.UTC)
    load = machine()["load_avg_1min"]  # before the benchmarks load the machine
    tables = {name: run_bench(name, args.quick) for name in BENCHES}
    records = {name: last_record(name) for name in BENCHES}
    notebooks = [] if args.no_notebooks else time_notebooks()
    if args.full:
        FULL_RUN_RECORD.write_text(
            json.dumps(
                {
                    "date": started.isoformat(timespec="seconds"),
                    "machine": machine(),
                    "notebooks": time_notebooks(full_run=True),
                },
                indent=2,
            )
            + "\n"
        )
    long_runs = json.loads(FULL_RUN_RECORD.read_text()) if FULL_RUN_RECORD.exists() else None
    facts = machine()
    computer = {
        "cpu": facts["cpu"],
        "cores": facts["cores"],
        "gpu": records["cnn"].get("gpu"),
        "load_avg_1min_at_start": load,
        "platform": facts["platform"],
    }
    versions = {"python": facts["python"], "tensorflow": package_version("tensorflow", "tensorflow-cpu")}
    versions.update(
        {name: package_version(name) for name in ("keras", "tensorboard", "pillow", "matplotlib")}
    )
    summary = {
        "date": started.isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": computer,
        "versions": versions,
        "headlines": headlines(records),
        "benchmarks": records,
        "notebooks": notebooks,
    }
    lines = [
        "# Benchmarks — latest run",
        "",
        f"{started:%Y-%m-%d %H:%M} UTC · {computer['cpu']}, {computer['cores']} cores"
        + (f" · GPU: {computer['gpu']}" if computer["gpu"] else " · no GPU")
        + f" · load average at start {computer['load_avg_1min_at_start']}"
        + (" · **quick settings**" if args.quick else ""),
        "",
        " · ".join(f"{name} {version}" for name, version in versions.items()),
        "",
        "## Headlines (ratios against a baseline measured in the same run)",
        "",
        *[f"- {line}" for line in summary["headlines"]],
        "",
    ]
    if notebooks:
        lines += notebook_table(notebooks, long_runs)
    for name in BENCHES:
        lines += [f"## bench_{name}.py", "", tables[name].strip(), ""]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text("\n".join(lines))
    (RESULTS / "latest.json").write_text(json.dumps(summary, indent=2) + "\n")
    print("\n".join(lines))
    print("Written: benchmarks/results/latest.md and latest.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
