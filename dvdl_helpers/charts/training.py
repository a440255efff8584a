"""Train the course's chart classifier in notebook 05's full setting (what ``charts train`` runs).

The recipe (:data:`RECIPE`) is the one chosen on generated validation charts and on the *choose* halves of
both real-chart sources (:mod:`.sources`), each choice over at least two training starts: charts in
the varied looks and charts drawn by four real programs (:func:`load_program_charts`),
:func:`.real.prepare_chart` to 64×64 gray, ``models.chart_convnet`` with look, framing,
blur and perspective augmentation, Adam with a cosine-decaying rate. :func:`train_classifier` draws, trains,
scores and saves; each step is a function of its own, so that experiments can reuse them.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from pathlib import Path

import numpy as np
from tqdm import tqdm  # not tqdm.auto: without ipywidgets it warns on stderr in Jupyter

from .. import paths, stats
from . import calibration, shipped, sources, trials
from .chart_kinds import VARIED_VERSION
from .clean_look import CHART_TYPES
from .dataset import generate_dataset
from .not_charts import load_not_charts
from .real import (
    INPUT_SIZE,
    Classifier,
    load_prepared_charts,
    network_input,
    preparation_of,
    save_classifier,
    type_logits,
    type_probabilities,
)

__all__ = [
    "CHOOSE_SETS",
    "CHOSEN_RECIPE",
    "RECIPE",
    "SETTINGS",
    "TrainingProgress",
    "TrainingResult",
    "accuracy_interval",
    "build_and_compile",
    "calibrate_on_choose_halves",
    "chart_data_dir",
    "fit_classifier",
    "load_program_charts",
    "predicted_types",
    "program_charts_for",
    "proportional_split",
    "score_confirm_halves",
    "score_on_generated_charts",
    "score_on_real_charts",
    "split_by_index",
    "train_classifier",
    "with_training_extra",
]

#: The chosen recipe: input size, network options for ``models.chart_convnet``, batch size, peak learning
#: rate and label smoothing.
RECIPE = dict(
    size=INPUT_SIZE,
    network=dict(
        filters=(24, 48, 96, 192),
        contrast=0.4,
        brightness=0.2,
        zoom=0.1,
        shift=0.08,
        flip=True,
        perspective=0.2,
        blur=0.5,
    ),
    batch_size=32,
    learning_rate=2e-3,
    label_smoothing=0.0,
    program_charts=True,
)
#: The chosen recipe's name in the records (benchmarks/results/): its trial and training starts.
CHOSEN_RECIPE = "v22-programs-30"
#: charts per type (train, validation, test by index), held-out style charts per type, epochs
SETTINGS = {
    "full": dict(split=(800, 100, 100), heldout=100, epochs=30),
    "quick": dict(split=(90, 10, 15), heldout=10, epochs=8),
}
#: The real charts every choice is scored on (never the confirm halves: those are read once, at the end).
CHOOSE_SETS = tuple(f"{source} (choose half)" for source in sources.SOURCES)


def chart_data_dir(
    per_type: int, style: str = "varied", size: int = 128, *, root: Path | str | None = None
) -> Path:
    """The folder of a generated data set: ``<root>/<style>_<size>_<per_type>``.

    ``root`` defaults to ``artifacts/data/charts``; every folder of drawn charts is named here.
    """
    root = Path(root) if root is not None else paths.data_dir() / "charts"
    return root / f"{style}_{size}_{per_type}"


def split_by_index(labels: np.ndarray, split: tuple[int, int, int]) -> dict[str, np.ndarray]:
    """Masks ``train``, ``val``, ``test``: each type's first ``split[0]`` charts (by index) train, etc."""
    index = np.concatenate([np.arange(count) for count in np.bincount(labels)])
    n_train, n_val = split[0], split[0] + split[1]
    return {"train": index < n_train, "val": (index >= n_train) & (index < n_val), "test": index >= n_val}


#: Charts drawn by four real programs, prepared at 64×64 and stored with the course (their README says how)
PROGRAM_CHARTS = paths.REPO_ROOT / "datasets" / "program-charts" / "charts.npz"


def load_program_charts(
    size: int = INPUT_SIZE, per_program_and_type: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The stored charts of R, ggplot2, gnuplot and LibreOffice (2,800, 400 per type) and their labels.

    ``per_program_and_type``: only the first that many of each program's charts of each type (100 stored).
    """
    if not PROGRAM_CHARTS.exists():
        raise FileNotFoundError(f"{PROGRAM_CHARTS} is missing: the course's datasets/ folder is incomplete")
    stored = np.load(PROGRAM_CHARTS)
    if stored["images"].shape[1] != size or list(stored["types"]) != sorted(CHART_TYPES):
        raise ValueError(f"the program charts are stored at {stored['images'].shape[1]} px, not {size}")
    images, labels = stored["images"], stored["labels"]
    if per_program_and_type is None:
        return images, labels
    seen: Counter = Counter()
    keep = []
    for program, label in zip(stored["programs"], labels, strict=True):  # in stored order
        seen[program, label] += 1
        keep.append(seen[program, label] <= per_program_and_type)
    return images[keep], labels[keep]


def program_charts_for(recipe: dict) -> tuple[np.ndarray, np.ndarray] | None:
    """The program charts a recipe trains on: all (``program_charts=True``), a number of each program's
    charts per type, or none (``None``)."""
    wanted = recipe.get("program_charts")
    if not wanted:
        return None
    return load_program_charts(recipe["size"], None if wanted is True else int(wanted))


def with_training_extra(
    images: np.ndarray,
    labels: np.ndarray,
    masks: dict[str, np.ndarray],
    extra: np.ndarray,
    extra_labels: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """``images`` and ``labels`` with ``extra`` charts appended, and ``masks`` that train on them and never
    validate or test on them."""
    masks = {
        name: np.concatenate([mask, np.full(len(extra), name == "train")]) for name, mask in masks.items()
    }
    return np.concatenate([images, extra]), np.concatenate([labels, extra_labels]), masks


def proportional_split(per_type: int) -> tuple[int, int, int]:
    """80 % train, 10 % validation, 10 % test."""
    val = test = max(1, per_type // 10)
    return per_type - val - test, val, test


def build_and_compile(steps: int, recipe: dict | None = None):
    """``models.chart_convnet`` with ``recipe`` (default :data:`RECIPE`), Adam on a cosine decay."""
    import keras

    from .. import models

    recipe = recipe or RECIPE
    size = recipe["size"]
    channels = 3 if recipe.get("color") else 1
    model = models.chart_convnet((size, size, channels), len(CHART_TYPES), **recipe["network"])
    schedule = keras.optimizers.schedules.CosineDecay(recipe["learning_rate"], decay_steps=steps)
    smoothing = recipe.get("label_smoothing", 0.0)
    # Label smoothing and mixup need one-hot targets: the categorical loss, fed one-hot labels by
    # fit_classifier.
    loss = (
        keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=smoothing)
        if _one_hot(recipe)
        else keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss=loss, metrics=["accuracy"])
    return model


def _one_hot(recipe: dict) -> bool:
    """Whether training feeds one-hot targets (label smoothing or mixup blend them; pictures of none of
    the types have the target 1/7 for each)."""
    return bool(recipe.get("label_smoothing") or recipe.get("mixup") or recipe.get("not_charts"))


def _with_not_charts(
    x: np.ndarray, y: np.ndarray, not_charts: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Network inputs and one-hot targets, with the pictures of no type appended at 1/7 for each type."""
    if not_charts is None or not len(not_charts):
        return x, y
    even = np.full((len(not_charts), len(CHART_TYPES)), 1 / len(CHART_TYPES), dtype=y.dtype)
    return np.concatenate([x, network_input(not_charts)]), np.concatenate([y, even])


def _mixed_batches(x: np.ndarray, y: np.ndarray, batch_size: int, alpha: float, seed: int):
    """Shuffled batches of ``x`` and one-hot ``y``, each blended with itself in another order (mixup).

    Keras' ``MixUp`` draws a weight λ per picture from Beta(``alpha``, ``alpha``) and mixes the picture
    and its target with a partner's: ``λ·a + (1 − λ)·b``.
    """
    import keras
    import tensorflow as tf

    mix = keras.layers.MixUp(alpha=alpha, seed=seed)

    def blend(images, labels):
        mixed = mix({"images": images, "labels": labels}, training=True)
        return mixed["images"], mixed["labels"]

    batches = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).batch(batch_size)
    return batches.map(blend, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


class TrainingProgress:
    """A tqdm bar over the training batches, with the loss and validation accuracy after each epoch.

    Keras calls it through :meth:`callback`, a ``LambdaCallback``: this module imports Keras only to train.
    """

    def __init__(self, total: int, enabled: bool = True) -> None:
        """A bar of ``total`` batches (``enabled=False``: the bar is not shown)."""
        self.total, self.enabled = total, enabled
        self.bar: tqdm | None = None

    def callback(self):
        """The Keras callback that moves the bar."""
        import keras

        return keras.callbacks.LambdaCallback(
            on_train_begin=self.begin,
            on_train_batch_end=self.batch_done,
            on_epoch_end=self.epoch_done,
            on_train_end=self.end,
        )

    def begin(self, logs: dict | None = None) -> None:
        """Show the bar."""
        self.bar = tqdm(total=self.total, desc="training", unit="batch", disable=not self.enabled)

    def batch_done(self, batch: int, logs: dict | None = None) -> None:
        """One batch further."""
        self.bar.update(1)

    def epoch_done(self, epoch: int, logs: dict | None = None) -> None:
        """The epoch's loss and validation accuracy beside the bar."""
        self.bar.set_postfix(loss=f"{logs['loss']:.3f}", val_acc=f"{logs.get('val_accuracy', 0):.3f}")

    def end(self, logs: dict | None = None) -> None:
        """Close the bar."""
        self.bar.close()


def fit_classifier(
    images: np.ndarray,
    labels: np.ndarray,
    masks: dict[str, np.ndarray],
    epochs: int,
    *,
    recipe: dict | None = None,
    seed: int = 0,
    progress: bool = True,
    not_charts: np.ndarray | None = None,
):
    """Train a new classifier on ``images[masks["train"]]`` (validated on ``masks["val"]``); return it.

    ``not_charts``: prepared pictures of none of the types (:mod:`.not_charts`), trained with the target
    1/7 for every type (outlier exposure; the recipe's ``not_charts`` asks for them).
    """
    import keras

    from .. import models

    recipe = recipe or RECIPE
    x = network_input(images)
    y = keras.utils.to_categorical(labels, len(CHART_TYPES)) if _one_hot(recipe) else labels
    train, val = masks["train"], masks["val"]
    x_train, y_train = _with_not_charts(x[train], y[train], not_charts)
    batches = int(np.ceil(len(x_train) / recipe["batch_size"]))
    keras.utils.set_random_seed(seed)
    model = build_and_compile(epochs * batches, recipe)
    models.build_for_fit(model, (x_train, y_train))  # fit then traces its step once, not twice
    if recipe.get("mixup"):
        mixed = _mixed_batches(x_train, y_train, recipe["batch_size"], recipe["mixup"], seed)
        data = dict(x=mixed, shuffle=False)  # the batches are shuffled anew each epoch
    else:
        data = dict(x=x_train, y=y_train, batch_size=recipe["batch_size"])
    model.fit(
        **data,
        validation_data=(x[val], y[val]),
        epochs=epochs,
        verbose=0,
        callbacks=[TrainingProgress(epochs * batches, progress).callback()],
    )
    return model


def predicted_types(model, images: np.ndarray) -> np.ndarray:
    """The type names the model gives prepared pictures (asked as in use: the picture and its mirror)."""
    return np.array(sorted(CHART_TYPES))[type_probabilities(model, images).argmax(1)]


def score_on_real_charts(model, size: int, half: str = "choose") -> dict[str, stats.Interval]:
    """Balanced accuracy (with its 95 % interval) on each real-chart source's ``half``."""
    scores = {}
    for source in sources.SOURCES:
        charts = sources.load_source(source, half, size, **preparation_of(model))
        scores[f"{source} ({half} half)"] = sources.score(charts, predicted_types(model, charts.x))
    return scores


def accuracy_interval(model, images: np.ndarray, labels: np.ndarray) -> stats.Interval:
    """Accuracy on generated charts (labels: indices in sorted type order), with Wilson's 95 % interval."""
    right = int((predicted_types(model, images) == np.array(sorted(CHART_TYPES))[labels]).sum())
    return stats.wilson_interval(right, len(labels))


def calibrate_on_choose_halves(model, size: int) -> dict:
    """The temperature and the "unsure" threshold, both chosen on the choose halves of the real charts.

    The temperature is fitted to the real charts of the seven types, not to the generated validation
    charts: there, in the generator's own looks, the network is *under*-confident (it trained with
    augmentation and dropout), and a temperature fitted there would make its answers on real charts more
    over-confident still. Returns ``temperature``, ``threshold`` and, per choose half, the
    :func:`.calibration.reject_score` there ("unsure" right for box plots, wrong for the seven types).
    """
    halves = [
        sources.load_source(source, "choose", size, **preparation_of(model)) for source in sources.SOURCES
    ]
    logits = [type_logits(model, half.x) for half in halves]
    known = np.concatenate([lg[:, half.known] for lg, half in zip(logits, halves, strict=True)], axis=1)
    names = sorted(CHART_TYPES)
    labels = np.concatenate([[names.index(t) for t in half.types[half.known]] for half in halves])
    temperature = calibration.fit_temperature(known, labels)
    sets = [  # calibrated probabilities, true types, and the network's own answers
        (calibration.probabilities(lg, temperature), half.types, calibration.answer_and_confidence(lg)[0])
        for lg, half in zip(logits, halves, strict=True)
    ]
    threshold = calibration.choose_threshold(sets)
    rejects = {
        f"{half.source} (choose half)": calibration.reject_score(
            truth, calibration.answers(probs, threshold, best=best)
        )
        for half, (probs, truth, best) in zip(halves, sets, strict=True)
    }
    return dict(temperature=round(temperature, 3), threshold=threshold, reject_scores=rejects)


def score_confirm_halves(model, size: int, temperature: float, threshold: float) -> tuple[dict, dict]:
    """The final read of the confirm halves: balanced accuracy with its interval per source, and what the
    "unsure" rule does there (its score, how many box plots it flags, how many known charts it doubts)."""
    scores, rejects = {}, {}
    classifier = Classifier(model, "the confirm halves' read", temperature, threshold)
    for source in sources.SOURCES:
        charts = sources.load_source(source, "confirm", size, **preparation_of(model))
        types, _, unsure = classifier.answer(charts.x)  # as dvdl-charts classify answers
        said = np.where(unsure, calibration.UNSURE, types)
        name = f"{source} (confirm half)"
        scores[name] = sources.score(charts, types)
        rejects[name] = dict(
            reject_score=round(calibration.reject_score(charts.types, said), 3),
            unsure_known=f"{int(unsure[charts.known].sum())} of {int(charts.known.sum())}",
            unsure_box=f"{int(unsure[~charts.known].sum())} of {int((~charts.known).sum())}",
        )
    return scores, rejects


@dataclasses.dataclass
class TrainingResult:
    """What :func:`train_classifier` did and measured (``scores``: name → balanced accuracy or accuracy)."""

    model_path: Path
    n_train: int
    epochs: int
    draw_s: float
    train_s: float
    scores: dict[str, stats.Interval]
    facts: dict = dataclasses.field(default_factory=dict)

    def report(self) -> list[str]:
        """Lines for the terminal."""
        facts = self.facts
        programs = facts.get("program_charts", 0)
        drawn_by = f"{self.n_train - programs:,} generated charts" + (
            f" and {programs:,} drawn by real programs" if programs else ""
        )
        lines = [
            f"trained on {drawn_by} for {self.epochs} epochs "
            f"in {self.train_s / 60:.1f} min (drawing them: {self.draw_s / 60:.1f} min)",
            *(
                f"{name}: {'balanced accuracy' if 'half' in name else 'accuracy'} {score}"
                for name, score in self.scores.items()
            ),
        ]
        if "temperature" in facts:
            lines.append(
                f"calibrated: temperature {facts['temperature']}, 'unsure' below {facts['threshold']}"
            )
        for name, rule in facts.get("reject", {}).items():
            counts = [
                f"{what.replace('unsure_', '')} charts unsure: {count}"
                for what, count in rule.items()
                if what.startswith("unsure_")
            ]
            lines.append(
                f"the 'unsure' rule on {name}: score {rule['reject_score']}" + "; ".join(["", *counts])
            )
        return [*lines, f"saved {paths.display_path(self.model_path)}"]


def _machine_and_versions() -> dict:
    """Where and with what a model was trained (for its facts and card)."""
    from .. import device
    from ..env import package_version, usable_cores

    names = (("tensorflow", "tensorflow-cpu"), ("keras",), ("numpy",), ("pillow",), ("matplotlib",))
    return dict(
        machine=f"{device.cpu_name()} ({device.cpu_vector_units()}), {usable_cores()} cores",
        versions={name[0]: package_version(*name) for name in names},
    )


def train_classifier(
    per_type: int | None = None,
    epochs: int | None = None,
    *,
    model_path: Path | str | None = None,
    jobs: int | None = None,
    progress: bool = True,
    seed: int = 0,
    data_seed: int = 0,
    data_dir: Path | str | None = None,
    recipe: dict | None = None,
    final: bool = False,
    ship: bool = False,
    tests: bool = True,
) -> TrainingResult:
    """Draw the charts (reused when drawn before), train with ``recipe``, calibrate, score, save the model.

    ``per_type``: charts per type, split 80/10/10 (default: the full setting's); ``data_dir``: where the
    training charts go (default :func:`chart_data_dir`; the held-out style's go beside them). ``seed``
    starts the training (weights, augmentation, order); ``data_seed`` draws the charts. Scores: generated
    validation and test charts, the held-out style, and the choose half of each real-chart source (balanced
    accuracy over the seven types), each with its 95 % interval. ``final``: also read the confirm halves
    (only once the recipe is chosen); ``ship``: save as the course's shipped model (:mod:`.shipped`, no
    optimizer state, with its card) instead of ``model_path``. Implies ``final``. ``tests=False`` (while
    choosing a recipe): the generated test charts and the held-out style are neither drawn nor scored.
    A recipe with ``program_charts`` also trains on :func:`load_program_charts` (gray, 64×64): all of them
    (``True``) or a number of each program's charts per type.
    """
    recipe = recipe or RECIPE
    size, final = recipe["size"], final or ship
    if final and not tests:
        raise ValueError("a final or shipped model is scored on the test sets: leave tests=True")
    split, epochs, heldout = _split_and_epochs(per_type, epochs)
    folder = Path(data_dir) if data_dir else chart_data_dir(sum(split))
    heldout_dir = chart_data_dir(heldout, style="varied_heldout", root=folder.parent)
    start = time.perf_counter()
    drawn = ((folder, sum(split), "varied"), (heldout_dir, heldout, "varied_heldout"))
    for where, count, style in drawn[: 2 if tests else 1]:
        generate_dataset(where, count, seed=data_seed, style=style, jobs=jobs, progress=progress)
    images, labels, _ = load_prepared_charts(folder, size, color=bool(recipe.get("color")))
    wanted = recipe.get("not_charts")  # pictures of none of the types, drawn once and kept beside the charts
    others = load_not_charts(wanted, size, data_seed, root=folder.parent) if wanted else None
    draw_s = time.perf_counter() - start
    masks = split_by_index(labels, split)
    generated = int(masks["train"].sum())
    if programs := program_charts_for(recipe):  # charts drawn by real programs: training only
        images, labels, masks = with_training_extra(images, labels, masks, *programs)
    start = time.perf_counter()
    model = fit_classifier(
        images, labels, masks, epochs, recipe=recipe, seed=seed, progress=progress, not_charts=others
    )
    train_s = time.perf_counter() - start
    validation = masks["val"]
    if tests:
        scores = score_on_generated_charts(model, images, labels, masks, heldout_dir, size)
    else:
        scores = {"validation": accuracy_interval(model, images[validation], labels[validation])}
    scores |= score_on_real_charts(model, size)
    calibrated = calibrate_on_choose_halves(model, size)
    calibrated["validation_temperature"] = round(
        calibration.fit_temperature(type_logits(model, images[validation]), labels[validation]), 3
    )
    reject = {name: dict(reject_score=round(v, 3)) for name, v in calibrated.pop("reject_scores").items()}
    if final:
        confirmed, confirm_rejects = score_confirm_halves(
            model, size, calibrated["temperature"], calibrated["threshold"]
        )
        scores |= confirmed
        reject |= confirm_rejects
    facts = dict(
        setting=_setting_name(split, epochs),
        trained_by="python -m dvdl_helpers.charts train" + (" --ship" if ship else ""),
        **({"recipe_name": CHOSEN_RECIPE} if recipe is RECIPE else {}),
        types=sorted(CHART_TYPES),
        seed=seed,
        data_seed=data_seed,
        generator_version=VARIED_VERSION,
        recipe=recipe,
        train_charts=generated,
        **({"program_charts": int(masks["train"].sum()) - generated} if recipe.get("program_charts") else {}),
        epochs=epochs,
        train_s=round(train_s, 1),
        **calibrated,
        reject=reject,
        **_machine_and_versions(),
        scores={name: dataclasses.asdict(score) for name, score in scores.items()},
    )
    path = _ship(model, facts) if ship else save_classifier(model, model_path, **facts)
    return TrainingResult(path, int(masks["train"].sum()), epochs, draw_s, train_s, scores, facts)


def _split_and_epochs(per_type: int | None, epochs: int | None) -> tuple[tuple[int, int, int], int, int]:
    """The charts per type (train, validation, test), the epochs, and the held-out style's charts per type.

    Default: the full setting; a number of charts per type is split 80/10/10, with as many held-out
    charts as test charts.
    """
    full = SETTINGS["full"]
    split = proportional_split(per_type) if per_type else full["split"]
    heldout = full["heldout"] if split == full["split"] else split[2]
    return split, epochs or full["epochs"], heldout


def _setting_name(split: tuple[int, int, int], epochs: int) -> str:
    """The name of the setting (``"full"``, ``"quick"``) that trains so, else what it was."""
    named = [name for name, s in SETTINGS.items() if (s["split"], s["epochs"]) == (split, epochs)]
    return named[0] if named else f"{sum(split)} charts per type, {epochs} epochs"


def score_on_generated_charts(
    model,
    images: np.ndarray,
    labels: np.ndarray,
    masks: dict[str, np.ndarray],
    heldout_dir: Path | str,
    size: int,
) -> dict[str, stats.Interval]:
    """Accuracy with its interval on the validation and test charts and on the held-out style's folder."""
    held_x, held_y, _ = load_prepared_charts(heldout_dir, size, **preparation_of(model))
    return {
        "validation": accuracy_interval(model, images[masks["val"]], labels[masks["val"]]),
        "generated test": accuracy_interval(model, images[masks["test"]], labels[masks["test"]]),
        "held-out style": accuracy_interval(model, held_x, held_y),
    }


def _ship(model, facts: dict) -> Path:
    """Save ``model`` as the course's shipped classifier, without optimizer state, with its card."""
    shipped.FOLDER.mkdir(parents=True, exist_ok=True)
    _without_optimizer(model).save(shipped.MODEL)
    shipped.write_card(facts)
    trials.append("shipped_models", facts)  # the cards of the models that shipped, one after the other
    return shipped.MODEL


def _without_optimizer(model):
    """A copy of ``model`` with its weights and no optimizer state (a smaller file, nothing to resume)."""
    # Not keras.models.clone_model: Keras 3 clones the compiled optimizer too, and saves its state.
    copy = type(model).from_config(model.get_config())
    copy.set_weights(model.get_weights())
    return copy
