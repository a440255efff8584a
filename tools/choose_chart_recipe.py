"""Measure a chart-classifier recipe over several training starts, on the choose halves of both sources.

    python tools/choose_chart_recipe.py NAME [--seeds 0 1] [--size 96] [--filters 16 32 64 128]
        [--epochs 20] [--per-type 1000] [--label-smoothing 0.1] [--color] [--perspective 0.2] [--blur 0.5]
        [--mixup 0.2]
    python tools/choose_chart_recipe.py NAME --evaluate MODEL.keras [MODEL.keras ...]

Each start trains with ``charts.train_classifier`` (the full setting unless told otherwise) and
saves its model under ``artifacts/experiments/NAME_s<seed>.keras``; ``--evaluate`` scores saved models
instead (several models: also their ensemble, the mean of their probabilities). Every start appends one
record to ``benchmarks/results/chart_choices.jsonl``: the recipe, the generator version, the seed, and the
scores with their 95 % intervals (generated validation charts, and the choose half of each real-chart
source, per source). The confirm halves are never read here.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

from dvdl_helpers import charts, env, paths

RECORDS = paths.REPO_ROOT / "benchmarks" / "results" / "chart_choices.jsonl"
CHOSEN_ON = ("validation", *charts.CHOOSE_SETS)  # what a choice may read


def recipe_from(args: argparse.Namespace) -> dict:
    """The default recipe with the changes asked for on the command line."""
    recipe = copy.deepcopy(charts.RECIPE)
    if args.size:
        recipe["size"] = args.size
    if args.filters:
        recipe["network"]["filters"] = tuple(args.filters)
    if args.label_smoothing is not None:
        recipe["label_smoothing"] = args.label_smoothing
    if args.color:
        recipe["color"] = True
    if args.mixup:
        recipe["mixup"] = args.mixup
    for option in ("perspective", "blur"):
        if getattr(args, option):
            recipe["network"][option] = getattr(args, option)
    return recipe


def record(name: str, seed: int | str, scores: dict, **facts) -> dict:
    """One line of chart_choices.jsonl, printed as it is appended."""
    from dvdl_helpers import device

    line = dict(name=name, seed=seed, generator_version=charts.VARIED_VERSION, **facts)
    line["scores"] = {key: dataclasses.asdict(value) for key, value in scores.items()}
    line["cpu"], line["cpu_units"] = device.cpu_name(), device.cpu_vector_units()
    RECORDS.parent.mkdir(parents=True, exist_ok=True)
    with RECORDS.open("a") as file:
        file.write(json.dumps(line, default=str) + "\n")
    print(f"{name} start {seed}: " + "; ".join(f"{k} {v.value:.3f}" for k, v in scores.items()), flush=True)
    return line


class Ensemble:
    """Several classifiers asked as one: the mean of their probabilities."""

    def __init__(self, models: list) -> None:
        self.models, self.input_shape = models, models[0].input_shape

    def predict(self, x: np.ndarray, **options) -> np.ndarray:
        """Log of the mean probability: softmax of it gives the mean probability back."""
        mean = np.mean(
            [charts.calibration.probabilities(model.predict(x, **options)) for model in self.models], axis=0
        )
        return np.log(mean + 1e-12)


def forget_test_scores(model: Path) -> None:
    """Keep only the choice's scores in a saved experiment's facts: no one reads the test sets by accident."""
    facts = json.loads(model.with_suffix(".json").read_text())
    facts["scores"] = {name: score for name, score in facts["scores"].items() if name in CHOSEN_ON}
    model.with_suffix(".json").write_text(json.dumps(facts, indent=1) + "\n")


def evaluate(name: str, files: list[Path]) -> None:
    """Score saved models (and, for several, their ensemble) on the choose halves."""
    import keras

    models = [keras.models.load_model(file, compile=False) for file in files]
    candidates = [(file.stem, model) for file, model in zip(files, models, strict=True)]
    if len(models) > 1:
        candidates.append(("ensemble", Ensemble(models)))
    for seed, model in candidates:
        size = int(model.input_shape[1])
        record(name, seed, charts.score_on_real_charts(model, size), files=[str(f) for f in files])


def parser() -> argparse.ArgumentParser:
    """The command line: a recipe's name and the changes to the default recipe (see the docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    ap.add_argument("--size", type=int, default=None)
    ap.add_argument("--filters", type=int, nargs="+", default=None)
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--per-type", type=int, default=None)
    ap.add_argument("--label-smoothing", type=float, default=None)
    ap.add_argument("--color", action="store_true", help="colour input (RGB) instead of gray")
    ap.add_argument("--perspective", type=float, default=None, help="models.chart_convnet's perspective")
    ap.add_argument("--blur", type=float, default=None, help="models.chart_convnet's blur")
    ap.add_argument("--mixup", type=float, default=None, help="mixup's alpha (one-hot targets blended)")
    ap.add_argument("--evaluate", type=Path, nargs="+", default=None, metavar="MODEL")
    return ap


def main(argv: list[str] | None = None) -> int:
    """Train (or evaluate) and record; see the module's docstring."""
    args = parser().parse_args(argv)
    env.quiet_tensorflow()
    if args.evaluate:
        evaluate(args.name, args.evaluate)
        return 0
    recipe = recipe_from(args)
    experiments = paths.artifacts_dir() / "experiments"
    # Each generator version draws into its own folder: runs of another version may still read theirs.
    split = charts.proportional_split(args.per_type) if args.per_type else charts.SETTINGS["full"]["split"]
    per_type = sum(split)
    data_dir = charts.chart_data_dir(per_type, root=experiments / f"charts-v{charts.VARIED_VERSION}")
    for seed in args.seeds:
        path = experiments / f"{args.name}_s{seed}.keras"
        result = charts.train_classifier(
            args.per_type,
            args.epochs,
            model_path=path,
            seed=seed,
            recipe=recipe,
            progress=False,
            data_dir=data_dir,
        )
        # A choice reads validation and the choose halves only: the test charts and the held-out style
        # that train_classifier also scores are left out of the record, of what is printed, and of the
        # facts saved beside the model.
        chosen_on = {name: result.scores[name] for name in CHOSEN_ON}
        forget_test_scores(result.model_path)
        facts = dict(recipe=recipe, epochs=result.epochs, train_charts=result.n_train, train_s=result.train_s)
        record(args.name, seed, chosen_on, **facts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
