"""Where a chart classifier goes wrong on generated charts that no training, choice or test used.

    python tools/chart_mistakes.py [--model FILE] [--per-type 150] [--seed 77] [--style varied_heldout]

Draws ``--per-type`` charts of each type with a chart seed that training never draws with (the full
setting draws with seed 0) into ``artifacts/experiments/mistakes/<style>_v<version>_s<seed>_<per_type>``,
asks the model (the shipped one unless ``--model`` names another), and prints its accuracy, the most
frequent wrong pairs, and the variants and contexts it gets wrong most often. A sheet of the wrong charts
goes beside the folder (``<folder>.png``). It is for planning the generator's next version without
reading the generated test charts or the held-out style, which stay for the model card.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dvdl_helpers import charts, env, paths, plots

#: Shown per table: the most frequent wrong pairs, variants and contexts.
TOP = 12


@dataclass(frozen=True)
class Answers:
    """A classifier's answers on a drawn folder: per chart its true and answered type, variant, context."""

    images: np.ndarray  # prepared pictures, N×S×S uint8
    truth: list[str]
    answered: list[str]
    variants: list[str]
    contexts: list[str]

    @property
    def wrong(self) -> np.ndarray:
        """The indices of the charts answered wrong."""
        return np.flatnonzero(np.asarray(self.truth) != np.asarray(self.answered))


def drawn_folder(per_type: int, seed: int, style: str) -> Path:
    """Draw the charts (once: a folder already drawn is reused) and return their folder."""
    folder = paths.artifacts_dir() / "experiments" / "mistakes"
    folder = folder / f"{style}_v{charts.VARIED_VERSION}_s{seed}_{per_type}"
    charts.generate_dataset(folder, per_type, seed=seed, style=style, progress=False)
    return folder


def answer(folder: Path, classifier: charts.Classifier) -> Answers:
    """The classifier's answers on every chart of a drawn folder, in the folder's order."""
    size = int(classifier.network.input_shape[1])
    images, labels, names = charts.load_prepared_charts(
        folder, size, **charts.preparation_of(classifier.network)
    )
    rows = {row["file"]: row for row in charts.read_csv(folder / "charts.csv")}
    kinds, files = charts.list_chart_folder(folder)  # the order load_prepared_charts read them in
    drawn = [rows[f"{kind}/{file.name}"] for kind, group in zip(kinds, files, strict=True) for file in group]
    return Answers(
        images,
        [names[label] for label in labels],
        charts.predicted_types(classifier.network, images).tolist(),  # the best guess, as classify gives it
        [row["variant"] for row in drawn],
        [row["context"] for row in drawn],
    )


def report(answers: Answers) -> list[str]:
    """The accuracy, the most frequent wrong pairs, and the share wrong per variant and per context."""
    wrong = set(answers.wrong.tolist())
    lines = [f"accuracy {1 - len(wrong) / len(answers.truth):.3f} on {len(answers.truth):,} charts"]
    pairs = Counter(f"{answers.truth[i]} → {answers.answered[i]}" for i in wrong)
    lines += ["most frequent mistakes: " + ", ".join(f"{pair} ({n})" for pair, n in pairs.most_common(TOP))]
    for name, keys in (
        ("variant", [f"{t} {v}" for t, v in zip(answers.truth, answers.variants, strict=True)]),
        ("context", answers.contexts),
    ):
        total, missed = Counter(keys), Counter(keys[i] for i in wrong)
        worst = sorted(missed, key=lambda key: (-missed[key] / total[key], key))[:TOP]
        lines += [f"wrong most often, by {name}: " + ", ".join(f"{k} {missed[k]}/{total[k]}" for k in worst)]
    return lines


def mistake_sheet(answers: Answers, path: Path, title: str) -> Path:
    """A sheet of the charts answered wrong (true → answered), saved as a PNG."""
    types = sorted(charts.CHART_TYPES)
    wrong = answers.wrong
    figure = plots.chart_grid(
        answers.images[wrong],
        [types.index(answers.truth[i]) for i in wrong],
        [types.index(answers.answered[i]) for i in wrong],
        class_names=types,
        ncols=10,
        nrows=max(1, min(8, int(np.ceil(len(wrong) / 10)))),
        title=title,
        empty_text="no mistakes",
    )
    figure.savefig(path, dpi=80)
    return path


def main(argv: list[str] | None = None) -> int:
    """Draw, answer, print the report and save the sheet; see the module's docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="a .keras file (default: the shipped model)")
    parser.add_argument("--per-type", type=int, default=150)
    parser.add_argument("--seed", type=int, default=77, help="the chart seed (not 0: training's)")
    parser.add_argument("--style", choices=sorted(charts.VARIED_STYLES), default="varied")
    args = parser.parse_args(argv)
    if args.seed == 0:
        parser.error("seed 0 draws the training, validation and test charts: choose another")
    env.quiet_tensorflow()
    folder = drawn_folder(args.per_type, args.seed, args.style)
    classifier = charts.open_classifier(args.model)
    answers = answer(folder, classifier)
    print(f"{classifier.name} model on {paths.display_path(folder)}:")
    print("\n".join(report(answers)))
    title = f"Wrong answers of the {classifier.name} model, {args.style} charts (seed {args.seed})"
    sheet = mistake_sheet(answers, folder.with_suffix(".png"), title)
    print(f"the wrong charts: {paths.display_path(sheet)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
