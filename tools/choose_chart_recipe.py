"""Measure a chart-classifier recipe over several training starts, on the choose halves of both sources.

    python tools/choose_chart_recipe.py NAME [--seeds 0 1] [--size 96] [--filters 16 32 64 128]
        [--epochs 20] [--per-type 1000] [--data-seed 1] [--label-smoothing 0.1] [--color] [--perspective 0.2]
        [--blur 0.5] [--erase 0.5] [--zoom 0.2] [--mixup 0.2] [--not-charts 1000] [--no-program-charts]
        [--program-charts-each 50]
    python tools/choose_chart_recipe.py NAME --evaluate MODEL.keras [MODEL.keras ...] [--zoom-looks 1.1 0.9]
        [--in-context] [--unsure] [--by-type]

Each start trains with ``charts.train_classifier`` (the full setting unless told otherwise) and
saves its model under ``artifacts/experiments/NAME_s<seed>.keras``; ``--evaluate`` scores saved models
instead (several models: also their ensemble, the mean of their probabilities; ``--zoom-looks``: each
model asked also at those zooms, a test-time augmentation; ``--in-context``: also on the choose halves
placed in each of the generator's contexts, ``charts.sources.load_in_context``). Every start appends one
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
    if args.not_charts:
        recipe["not_charts"] = args.not_charts
    if args.program_charts is not None:  # the charts four programs drew (datasets/program-charts)
        recipe["program_charts"] = args.program_charts
    if args.program_charts_each:  # fewer of them: that many of each program's charts per type
        recipe["program_charts"] = args.program_charts_each
    for option in ("perspective", "blur", "erase", "zoom"):
        if getattr(args, option):
            recipe["network"][option] = getattr(args, option)
    return recipe


def record(name: str, seed: int | str, scores: dict, **facts) -> dict:
    """One line of chart_choices.jsonl, printed as it is appended."""
    from dvdl_helpers import device

    line = dict(name=name, seed=seed, generator_version=charts.VARIED_VERSION, **facts)
    line["scores"] = {key: dataclasses.asdict(value) for key, value in scores.items()}
    line["cpu"], line["cpu_units"] = device.cpu_name(), device.cpu_vector_units()
    charts.trials.append("chart_choices", line)
    print(f"{name} start {seed}: " + "; ".join(f"{k} {v.value:.3f}" for k, v in scores.items()), flush=True)
    return line


class Ensemble:
    """Several classifiers asked as one: the mean of their probabilities."""

    def __init__(self, models: list) -> None:
        self.models, self.input_shape = models, models[0].input_shape

    def predict(self, x: np.ndarray, **options) -> np.ndarray:
        """Log of the mean probability: softmax of it gives the mean probability back."""
        return log_mean_probability([model.predict(x, **options) for model in self.models])


class ZoomLooks:
    """A classifier asked at several zooms of each picture (1 and ``factors``): the mean of its probabilities.

    A factor above 1 crops the centre (zooms in), below 1 pads with the picture's paper (zooms out); either
    way the picture is resized back to the network's input with the resampling of ``prepare_chart``.
    """

    def __init__(self, model, factors: list[float]) -> None:
        self.model, self.factors, self.input_shape = model, [1.0, *factors], model.input_shape

    def predict(self, x: np.ndarray, **options) -> np.ndarray:
        """Log of the mean probability over the zooms (softmax of it gives the mean probability back)."""
        looks = [x if factor == 1.0 else zoomed(x, factor) for factor in self.factors]
        return log_mean_probability([self.model.predict(look, **options) for look in looks])


def log_mean_probability(logits: list[np.ndarray]) -> np.ndarray:
    """Several answers' logits as one: the log of their mean probability (calibration averages the looks)."""
    return np.log(charts.calibration.probabilities(np.stack(logits)) + 1e-12)


def zoomed(x: np.ndarray, factor: float) -> np.ndarray:
    """Gray network inputs (N×S×S×1 in [0, 1]) zoomed by ``factor`` about their centre, at the same size."""
    from PIL import Image

    side = x.shape[1]
    out = np.empty_like(x)
    for i, image in enumerate(np.round(x[..., 0] * 255).astype(np.uint8)):
        picture = Image.fromarray(image)
        if factor > 1:
            cut = round(side * (1 - 1 / factor) / 2)
            picture = picture.crop((cut, cut, side - cut, side - cut))
        else:
            paper = int(np.median(np.concatenate([image[0], image[-1]])))
            canvas = Image.new("L", (round(side / factor),) * 2, paper)
            canvas.paste(picture, ((canvas.width - side) // 2,) * 2)
            picture = canvas
        out[i, ..., 0] = np.asarray(picture.resize((side, side), Image.Resampling.LANCZOS)) / 255.0
    return out


def validation_is_unseen(model: Path, split: tuple[int, int, int]) -> bool:
    """Whether a saved experiment's facts say it trained on this generator version's charts with ``split``.

    Then the validation charts of ``split`` are charts it never trained on. Another version draws other
    charts (another test); another split trains on other charts, maybe on these validation charts.
    """
    facts = model.with_suffix(".json")
    if not facts.exists():
        return False
    facts, trained = json.loads(facts.read_text()), split[0] * len(charts.CHART_TYPES)
    return facts.get("generator_version") == charts.VARIED_VERSION and facts.get("train_charts") == trained


def in_context_scores(model, size: int) -> tuple[dict, dict]:
    """Per source, the choose half placed in every context (pooled over the contexts, with an interval that
    resamples charts: :func:`charts.sources.pooled_score`), and the score per context."""
    scores, per_context = {}, {}
    for source in charts.sources.SOURCES:
        placed = [charts.sources.load_in_context(source, name, size=size) for name in charts.context.CONTEXTS]
        answers = [charts.predicted_types(model, half.x) for half in placed]
        per_context[source] = {
            name: round(charts.sources.score(half, said).value, 3)
            for name, half, said in zip(charts.context.CONTEXTS, placed, answers, strict=True)
        }
        scores[f"{source} (choose half, in context)"] = charts.sources.pooled_score(placed[0], answers)
    return scores, per_context


def unsure_counts(model, size: int) -> dict:
    """How often the "unsure" rule (temperature and threshold chosen on the choose halves, as for the shipped
    model) answers unsure, asked as ``dvdl-charts classify`` asks: for the gallery's choose-half box plots,
    the choose halves' charts of the seven types, and 300 handwritten digits (real pictures of no chart)."""
    from dvdl_helpers import data

    chosen = charts.calibrate_on_choose_halves(model, size)
    classifier = charts.Classifier(model, "an experiment", chosen["temperature"], chosen["threshold"])

    def unsure(files: list[Path]) -> str:
        answers = list(charts.iter_classify(files, classifier))
        assert not any(answer.problem for answer in answers), [answer.problem for answer in answers]
        return f"{sum(answer.unsure for answer in answers)} of {len(answers)}"

    halves = [charts.sources.load_source(source, "choose", size) for source in charts.sources.SOURCES]
    gallery = halves[0]
    return dict(
        temperature=chosen["temperature"],
        threshold=chosen["threshold"],
        box=unsure([file for file, kind in zip(gallery.files, gallery.types, strict=True) if kind == "box"]),
        known=unsure(
            [file for half in halves for file, known in zip(half.files, half.known, strict=True) if known]
        ),
        digits=unsure(data.load_real_digits().paths),
    )


def right_by_type(model, size: int) -> dict:
    """Per choose half and type, how many of its charts the model names right: ``[right, charts]``.

    Balanced accuracy weighs every type alike, so a type with five charts moves it as much as one with
    thirty: this shows which charts a difference between recipes comes from.
    """
    counts = {}
    for source in charts.sources.SOURCES:
        half = charts.sources.load_source(source, "choose", size)
        said = np.asarray(charts.predicted_types(model, half.x))
        counts[f"{source} (choose half)"] = {
            kind: [int(np.sum(said[half.types == kind] == kind)), int(np.sum(half.types == kind))]
            for kind in charts.CHART_TYPES
            if np.any(half.types == kind)
        }
    return counts


def evaluate(
    name: str,
    files: list[Path],
    *,
    zoom_looks: list[float] | None = None,
    data_dir: Path | None = None,
    in_context: bool = False,
    split: tuple[int, int, int] | None = None,
    unsure: bool = False,
    by_type: bool = False,
    data_seed: int = 0,
) -> None:
    """Score saved models (and, for several, their ensemble) on the choose halves, and on the generated
    validation charts of ``split`` (default: the full setting's) where ``data_dir`` holds them and no model
    trained on them (:func:`validation_is_unseen`; ``data_seed`` drew them, recorded where not 0).
    ``in_context``: also on the choose halves in context (:func:`in_context_scores`); ``unsure``: also what
    the "unsure" rule catches (:func:`unsure_counts`); ``by_type``: also the charts named right per type
    (:func:`right_by_type`)."""
    import keras

    split = split or charts.SETTINGS["full"]["split"]
    validate = (
        data_dir is not None
        and (data_dir / "manifest.json").exists()
        and all(validation_is_unseen(file, split) for file in files)
    )

    models = [keras.models.load_model(file, compile=False) for file in files]
    if zoom_looks:
        models = [ZoomLooks(model, zoom_looks) for model in models]
    candidates = [(file.stem, model) for file, model in zip(files, models, strict=True)]
    if len(models) > 1:
        candidates.append(("ensemble", Ensemble(models)))
    for seed, model in candidates:
        size = int(model.input_shape[1])
        scores = charts.score_on_real_charts(model, size)
        if validate and model.input_shape[-1] == 1:
            images, labels, _ = charts.load_prepared_charts(data_dir, size)
            validation = charts.split_by_index(labels, split)["val"]
            scores = {
                "validation": charts.accuracy_interval(model, images[validation], labels[validation])
            } | scores
        facts = dict(files=[str(f) for f in files]) | (dict(zoom_looks=zoom_looks) if zoom_looks else {})
        if validate and data_seed:
            facts["validation_data_seed"] = data_seed
        if in_context:
            placed, facts["contexts"] = in_context_scores(model, size)
            scores |= placed
        if unsure:
            facts["unsure"] = unsure_counts(model, size)
        if by_type:
            facts["by_type"] = right_by_type(model, size)
        record(name, seed, scores, **facts)


def parser() -> argparse.ArgumentParser:
    """The command line: a recipe's name and the changes to the default recipe (see the docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    ap.add_argument("--size", type=int, default=None)
    ap.add_argument("--filters", type=int, nargs="+", default=None)
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--per-type", type=int, default=None)
    ap.add_argument("--data-seed", type=int, default=0, help="the seed that draws the charts (0, as shipped)")
    ap.add_argument("--label-smoothing", type=float, default=None)
    ap.add_argument("--color", action="store_true", help="colour input (RGB) instead of gray")
    ap.add_argument("--perspective", type=float, default=None, help="models.chart_convnet's perspective")
    ap.add_argument("--blur", type=float, default=None, help="models.chart_convnet's blur")
    ap.add_argument("--erase", type=float, default=None, help="models.chart_convnet's erase")
    ap.add_argument("--zoom", type=float, default=None, help="models.chart_convnet's zoom (default 0.1)")
    ap.add_argument("--mixup", type=float, default=None, help="mixup's alpha (one-hot targets blended)")
    ap.add_argument(
        "--not-charts", type=int, default=None, help="pictures of none of the types, trained as 1/7 each"
    )
    ap.add_argument(
        "--program-charts",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="train on the 2,800 charts four programs drew too (default: as the chosen recipe, which does)",
    )
    ap.add_argument(
        "--program-charts-each",
        type=int,
        default=None,
        metavar="N",
        help="train on only N of each program's charts per type (100 are stored)",
    )
    ap.add_argument("--evaluate", type=Path, nargs="+", default=None, metavar="MODEL")
    ap.add_argument(
        "--zoom-looks", type=float, nargs="+", default=None, help="with --evaluate: also ask at these zooms"
    )
    ap.add_argument(
        "--in-context", action="store_true", help="with --evaluate: also the choose halves in each context"
    )
    ap.add_argument(
        "--unsure", action="store_true", help="with --evaluate: also what the 'unsure' rule catches"
    )
    ap.add_argument(
        "--by-type", action="store_true", help="with --evaluate: also the charts named right per type"
    )
    return ap


def main(argv: list[str] | None = None) -> int:
    """Train (or evaluate) and record; see the module's docstring."""
    args = parser().parse_args(argv)
    env.quiet_tensorflow()
    experiments = paths.artifacts_dir() / "experiments"
    # Each generator version draws into its own folder: runs of another version may still read theirs.
    split = charts.proportional_split(args.per_type) if args.per_type else charts.SETTINGS["full"]["split"]
    per_type = sum(split)
    # Another data seed draws other charts: they go to their own folder, so seed 0's stay for the others.
    drawn = f"charts-v{charts.VARIED_VERSION}" + (f"-data{args.data_seed}" if args.data_seed else "")
    data_dir = charts.chart_data_dir(per_type, root=experiments / drawn)
    if args.evaluate:
        evaluate(
            args.name,
            args.evaluate,
            zoom_looks=args.zoom_looks,
            data_dir=data_dir,
            in_context=args.in_context,
            split=split,
            unsure=args.unsure,
            by_type=args.by_type,
            data_seed=args.data_seed,
        )
        return 0
    recipe = recipe_from(args)
    for seed in args.seeds:
        path = experiments / f"{args.name}_s{seed}.keras"
        result = charts.train_classifier(
            args.per_type,
            args.epochs,
            model_path=path,
            seed=seed,
            data_seed=args.data_seed,
            recipe=recipe,
            progress=False,
            data_dir=data_dir,
            tests=False,  # a choice reads validation and the choose halves only
        )
        assert set(result.scores) == set(CHOSEN_ON), result.scores.keys()
        facts = dict(recipe=recipe, epochs=result.epochs, train_charts=result.n_train, train_s=result.train_s)
        if args.data_seed:
            facts["data_seed"] = args.data_seed
        record(args.name, seed, result.scores, **facts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
