"""``dvdl-charts`` / ``python -m dvdl_helpers.charts``: draw chart data sets, classify your charts, train.

    python -m dvdl_helpers.charts generate OUTPUT_DIR --per-type 1000 [--style varied] [--size 128 128]
    python -m dvdl_helpers.charts classify IMAGE_OR_FOLDER... [--model PATH]
    python -m dvdl_helpers.charts train [--per-type 1500] [--epochs 16] [--model PATH]

``generate`` is also the default (``python -m dvdl_helpers.charts OUTPUT_DIR ...``, as before).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import paths
from ..charts import dataset, real

COMMANDS = ("generate", "classify", "train")


def _generate(a: argparse.Namespace) -> int:
    opts = dict(seed=a.seed, size_px=tuple(a.size), style=a.style, types=a.types, jobs=a.jobs, force=a.force)
    s = dataset.generate_dataset(a.output_dir, a.per_type, progress=not a.quiet, **opts)
    state = "up to date" if s.skipped else f"{s.seconds:.1f} s, {s.charts_per_s:.0f} charts/s, {s.jobs} jobs"
    print(f"{s.n_charts} charts in {s.output_dir} ({state}); data: {s.csv_path.name}")
    return 0


def _classify(a: argparse.Namespace) -> int:
    files, problems = real.expand_inputs(a.inputs), []
    if not files:
        print("no pictures found in", " ".join(map(str, a.inputs)), file=sys.stderr)
        return 2
    try:
        results = real.classify(files, a.model, problems=problems)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2
    for file, result in zip(files, results, strict=True):
        if result is not None:
            print(f"{result[0]:>9}  {result[1]:6.1%}  {file}")
    for problem in problems:
        print("skipped:", problem, file=sys.stderr)
    return 1 if problems else 0


def _train(a: argparse.Namespace) -> int:
    from .. import env

    env.quiet_tensorflow()  # TensorFlow's C++ start-up lines, silenced
    from ..charts import shipped, training  # late: TensorFlow

    result = training.train_classifier(
        per_type=a.per_type,
        epochs=a.epochs,
        model_path=a.model,
        jobs=a.jobs,
        progress=True,
        seed=a.seed,
        final=True,
        ship=a.ship,
    )
    for line in result.report():
        print(line)
    if not a.ship and shipped.facts():  # does this run reproduce the shipped model?
        print("compared with the shipped model's card (95 % intervals):")
        for line in shipped.compare_with_card(result.scores):
            print("  " + line)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of the chart tools (see the module's docstring)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in (*COMMANDS, "-h", "--help"):
        argv = ["generate", *argv]  # the first edition's form: OUTPUT_DIR --per-type N ...
    ap = argparse.ArgumentParser(prog="python -m dvdl_helpers.charts", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="draw a chart data set (a folder per type and charts.csv)")
    gen.add_argument("output_dir", type=Path)
    gen.add_argument("--per-type", type=int, default=100, help="charts per type (default 100)")
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--size", type=int, nargs=2, default=(128, 128), metavar=("W", "H"), help="pixels")
    gen.add_argument("--style", choices=dataset.STYLES, default="train")
    gen.add_argument("--types", nargs="+", choices=dataset.CHART_TYPES, default=None)
    gen.add_argument("--jobs", type=int, default=None, help="processes (default: all cores)")
    gen.add_argument("--force", action="store_true", help="redraw even if the folder is up to date")
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    cls = sub.add_parser("classify", help="print the chart type of pictures (files or folders)")
    cls.add_argument("inputs", nargs="+", type=Path, metavar="IMAGE_OR_FOLDER")
    cls.add_argument(
        "--model",
        type=Path,
        default=None,
        help=f"a saved classifier (default: {paths.display_path(real.default_model_path())})",
    )
    tr = sub.add_parser("train", help="train the classifier in notebook 05's full setting and save it")
    tr.add_argument(
        "--per-type", type=int, default=None, help="generated charts per type (default: full setting)"
    )
    tr.add_argument("--epochs", type=int, default=None, help="epochs (default: full setting)")
    tr.add_argument(
        "--model", type=Path, default=None, help="where to save (default: the course's model file)"
    )
    tr.add_argument("--jobs", type=int, default=None, help="processes drawing charts (default: all cores)")
    tr.add_argument("--seed", type=int, default=0, help="training start (default 0, as the shipped model)")
    tr.add_argument(
        "--ship", action="store_true", help="save as the course's shipped model, with its model card"
    )
    a = ap.parse_args(argv)
    return {"generate": _generate, "classify": _classify, "train": _train}[a.command](a)


if __name__ == "__main__":
    raise SystemExit(main())
