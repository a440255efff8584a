"""``dvdl-charts`` / ``python -m dvdl_helpers.charts``: draw chart data sets, classify your charts, train.

python -m dvdl_helpers.charts generate OUTPUT_DIR --per-type 1000 [--style varied] [--size 128 128]
python -m dvdl_helpers.charts classify IMAGE_OR_FOLDER... [--model PATH] [--format text|csv|jsonl]
    [--unsure-below P]
python -m dvdl_helpers.charts train [--per-type 1500] [--epochs 16] [--model PATH]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import itertools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from .. import paths
from ..charts import dataset, real

FORMATS = ("text", "csv", "jsonl")
CLASSIFY_EPILOG = """\
model: the one that ships with the course, unless --model names another; its answers below its 'unsure'
threshold (from its model card; --unsure-below sets another, 0 for none) read 'unsure (bar?)': the best
guess, not trusted. A higher threshold doubts more pictures that are no chart, and more real charts too.

output: text prints 'type  probability  file' per picture on stdout and 'skipped: file: reason' on
stderr; csv and jsonl print one row per file on stdout, skipped ones included (their 'problem' column
says why; 'unsure' and 'model' say how sure and which model). Results appear batch by batch, so an
interrupted run keeps what it printed.

exit status: 0 every file classified; 1 some skipped (unreadable, or blank: one colour; each named with
its reason); 2 nothing classified (no pictures found, none readable, no model) or a usage error; 130
interrupted (Ctrl-C)."""


def _generate(arguments: argparse.Namespace) -> int:
    summary = dataset.generate_dataset(
        arguments.output_dir,
        arguments.per_type,
        progress=not arguments.quiet,
        seed=arguments.seed,
        size_px=tuple(arguments.size),
        style=arguments.style,
        types=arguments.types,
        jobs=arguments.jobs,
        force=arguments.force,
    )
    state = (
        "up to date"
        if summary.skipped
        else f"{summary.seconds:.1f} s, {summary.charts_per_s:.0f} charts/s, {summary.jobs} jobs"
    )
    print(f"{summary.n_charts} charts in {summary.output_dir} ({state}); data: {summary.csv_path.name}")
    return 0


def _classify(arguments: argparse.Namespace) -> int:
    unlisted: list[tuple[Path, str]] = []
    files = real.expand_inputs(arguments.inputs, unlisted=unlisted)
    if not files and all(reason == real.NO_PICTURES for _, reason in unlisted):
        folders = " ".join(map(paths.shown_name, arguments.inputs))
        print(
            f"no pictures found in {folders}: a folder's pictures are the files named .png, .jpg, .gif, "
            ".webp, .tif, .bmp, .pdf, .svg and the like (name a file on its own to have it read whatever "
            "its name)",
            file=sys.stderr,
        )
        return 2
    try:
        classifier = real.open_classifier(arguments.model)
        if arguments.unsure_below is not None:
            classifier = dataclasses.replace(classifier, threshold=arguments.unsure_below)
        answers = real.iter_classify(files, classifier, batch_size=arguments.batch_size)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2
    except Exception as error:  # a model file Keras cannot read: one line, no traceback
        print(f"cannot load the chart classifier: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    folders = (real.ChartAnswer(folder, problem=reason) for folder, reason in unlisted)
    for stream in (sys.stdout, sys.stderr):  # a name Python cannot encode is escaped, never a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    if (
        arguments.format == "text" and not arguments.quiet
    ):  # which model answers, on stderr: stdout stays one line per file
        unsure = f", 'unsure' below {classifier.threshold:.0%}" if classifier.threshold else ""
        print(f"answers of the {classifier.name} model{unsure}", file=sys.stderr)
    header, line = _formatter(arguments.format, classifier.name, can_be_unsure=classifier.threshold > 0)
    if header is not None:
        print(header, flush=True)
    counts = {"classified": 0, "skipped": 0}
    show_bar = not arguments.quiet and sys.stderr.isatty()
    bar = tqdm(total=len(files) + len(unlisted), file=sys.stderr, disable=not show_bar, unit="file")
    try:
        for answer in itertools.chain(folders, answers):
            text, stream = line(answer)
            tqdm.write(text, file=stream)  # above the bar, which stays at the bottom of the terminal
            stream.flush()  # printed is kept: a pipe sees each answer at once, Ctrl-C loses none
            counts["skipped" if answer.problem else "classified"] += 1
            bar.update()
    except KeyboardInterrupt:
        bar.close()
        done = counts["classified"] + counts["skipped"]
        print(f"interrupted after {done} of {len(files) + len(unlisted)} inputs", file=sys.stderr)
        return 130
    finally:
        bar.close()
    if arguments.format == "text" and counts["skipped"]:
        # "skipped" counts folders that cannot be listed too: each was named above with its reason
        print(
            f"{counts['skipped']} skipped (named above), {counts['classified']} classified", file=sys.stderr
        )
    return 2 if not counts["classified"] else 1 if counts["skipped"] else 0


def _formatter(
    form: str, model: str = "", can_be_unsure: bool = True
) -> tuple[str | None, Callable[[real.ChartAnswer], tuple[str, TextIO]]]:
    """The header line (csv) and, per answer, its line and stream; csv/jsonl columns are its fields and
    the ``model`` that answered. In text, the answers' column is as wide as the longest answer can be."""
    if form == "text":
        names = [f"unsure ({kind}?)" if can_be_unsure else kind for kind in real.CHART_TYPES]
        width = max(map(len, names))

        def text(answer: real.ChartAnswer) -> tuple[str, TextIO]:
            if answer.problem is None:
                kind = f"unsure ({answer.type}?)" if answer.unsure else answer.type
                line = f"{kind:<{width}}  {answer.probability:6.1%}  {paths.shown_name(answer.file)}"
                return line, sys.stdout
            return f"skipped: {paths.shown_name(answer.file)}: {answer.problem}", sys.stderr

        return None, text
    columns = [field.name for field in dataclasses.fields(real.ChartAnswer)]

    def cells(answer: real.ChartAnswer) -> dict:
        values = {name: getattr(answer, name) for name in columns} | {"model": model}
        return {
            name: paths.shown_name(value) if isinstance(value, Path) else value
            for name, value in values.items()
        }

    if form == "jsonl":
        return None, lambda answer: (json.dumps(cells(answer)), sys.stdout)  # ASCII: safe in any pipe
    return _csv_line([*columns, "model"]), lambda answer: (_csv_line(cells(answer).values()), sys.stdout)


def _csv_line(values: Iterable[object]) -> str:
    """One CSV line (quoted where needed; None as an empty cell), without the line end."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue()


def _positive(text: str) -> int:
    """An argument that must be a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {text!r}")
    return int(text)


def _probability(text: str) -> float:
    """An argument that must be a probability, from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"a probability from 0 to 1, not {text!r}")
    return value


def _train(arguments: argparse.Namespace) -> int:
    from .. import env

    env.quiet_tensorflow()  # TensorFlow's C++ start-up lines, silenced
    from ..charts import shipped, training  # late: TensorFlow

    result = training.train_classifier(
        per_type=arguments.per_type,
        epochs=arguments.epochs,
        model_path=arguments.model,
        jobs=arguments.jobs,
        progress=True,
        seed=arguments.seed,
        final=True,
        ship=arguments.ship,
    )
    for line in result.report():
        print(line)
    if not arguments.ship and shipped.facts():  # does this run reproduce the shipped model?
        print("compared with the shipped model's card (95 % intervals):")
        for line in shipped.compare_with_card(result.scores):
            print("  " + line)
    return 0


def _generate_options(generate: argparse.ArgumentParser) -> None:
    """The arguments of ``generate``."""
    generate.add_argument("output_dir", type=Path)
    generate.add_argument("--per-type", type=int, default=100, help="charts per type (default 100)")
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument("--size", type=int, nargs=2, default=(128, 128), metavar=("W", "H"), help="pixels")
    generate.add_argument("--style", choices=dataset.STYLES, default="train")
    generate.add_argument("--types", nargs="+", choices=dataset.CHART_TYPES, default=None)
    generate.add_argument("--jobs", type=int, default=None, help="processes (default: all cores)")
    generate.add_argument("--force", action="store_true", help="redraw even if the folder is up to date")
    generate.add_argument("--quiet", action="store_true", help="no progress bar")


def _classify_options(classify: argparse.ArgumentParser) -> None:
    """The arguments of ``classify``."""
    classify.add_argument("inputs", nargs="+", type=Path, metavar="IMAGE_OR_FOLDER")
    classify.add_argument(
        "--model",
        type=Path,
        default=None,
        help="a saved classifier, e.g. yours from notebook 05 or 'train' "
        f"({paths.display_path(real.default_model_path())}); default: the model that ships with the course",
    )
    classify.add_argument("--format", choices=FORMATS, default="text", help="output (default: text)")
    classify.add_argument(
        "--batch-size",
        type=_positive,
        default=real.CLASSIFY_BATCH,
        help=f"pictures read and classified at a time; memory grows with it (default {real.CLASSIFY_BATCH})",
    )
    classify.add_argument(
        "--unsure-below",
        type=_probability,
        default=None,
        metavar="P",
        help="answer 'unsure' below this calibrated probability (default: the model's own threshold)",
    )
    classify.add_argument(
        "--quiet", action="store_true", help="no progress bar (none when stderr is no terminal)"
    )


def _train_options(train: argparse.ArgumentParser) -> None:
    """The arguments of ``train``."""
    train.add_argument(
        "--per-type", type=int, default=None, help="generated charts per type (default: full setting)"
    )
    train.add_argument("--epochs", type=int, default=None, help="epochs (default: full setting)")
    train.add_argument(
        "--model", type=Path, default=None, help="where to save (default: the course's model file)"
    )
    train.add_argument("--jobs", type=int, default=None, help="processes drawing charts (default: all cores)")
    train.add_argument("--seed", type=int, default=0, help="training start (default 0, as the shipped model)")
    train.add_argument(
        "--ship", action="store_true", help="save as the course's shipped model, with its model card"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of the chart tools (see the module's docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m dvdl_helpers.charts", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _generate_options(
        commands.add_parser("generate", help="draw a chart data set (a folder per type and charts.csv)")
    )
    _classify_options(
        commands.add_parser(
            "classify",
            help="print the chart type of pictures (files or folders)",
            description="Print the chart type of pictures: files, or folders searched recursively.",
            epilog=CLASSIFY_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
    )
    _train_options(
        commands.add_parser("train", help="train the classifier in notebook 05's full setting and save it")
    )
    arguments = parser.parse_args(argv)
    run = {"generate": _generate, "classify": _classify, "train": _train}[arguments.command]
    return run(arguments)


if __name__ == "__main__":
    raise SystemExit(main())
