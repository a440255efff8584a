"""Train the course's chart classifier in notebook 05's full setting (what ``charts train`` runs).

The recipe (:data:`RECIPE`) is the one notebook 05 shows and chose on validation data and the real
development set: generator v2 charts, :func:`.real.prepare_chart` to 64×64 gray, ``models.chart_convnet``
with look and framing augmentation, Adam with a cosine-decaying rate.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np

from .. import paths
from .clean import CHART_TYPES
from .dataset import generate_dataset
from .real import (
    INPUT_SIZE,
    balanced_accuracy,
    load_prepared_charts,
    load_real_charts,
    save_classifier,
    type_probabilities,
)

#: The chosen recipe: network options for ``models.chart_convnet``, batch size and peak learning rate.
RECIPE = dict(
    network=dict(filters=(16, 32, 64, 128), contrast=0.4, brightness=0.2, zoom=0.1, shift=0.08, flip=True),
    batch_size=32,
    learning_rate=2e-3,
)
#: charts per type (train, validation, test by index), held-out style charts per type, epochs
SETTINGS = {
    "full": dict(split=(800, 100, 100), heldout=100, epochs=20),
    "quick": dict(split=(90, 10, 15), heldout=10, epochs=8),
}


def chart_data_dir(per_type: int, style: str = "varied", size: int = 128) -> Path:
    """The folder of a generated data set (``artifacts/data/charts/<style>_<size>_<per_type>``)."""
    return paths.data_dir() / "charts" / f"{style}_{size}_{per_type}"


def split_by_index(labels: np.ndarray, split: tuple[int, int, int]) -> dict[str, np.ndarray]:
    """Masks ``train``, ``val``, ``test``: each type's first ``split[0]`` charts (by index) train, etc."""
    index = np.concatenate([np.arange(count) for count in np.bincount(labels)])
    n_train, n_val = split[0], split[0] + split[1]
    return {"train": index < n_train, "val": (index >= n_train) & (index < n_val), "test": index >= n_val}


def proportional_split(per_type: int) -> tuple[int, int, int]:
    """80 % train, 10 % validation, 10 % test."""
    val = test = max(1, per_type // 10)
    return per_type - val - test, val, test


def build_and_compile(steps: int, size: int = INPUT_SIZE):
    """``models.chart_convnet`` with :data:`RECIPE`, compiled with Adam on a cosine decay over ``steps``."""
    import keras

    from .. import models

    model = models.chart_convnet((size, size, 1), len(CHART_TYPES), **RECIPE["network"])
    schedule = keras.optimizers.schedules.CosineDecay(RECIPE["learning_rate"], decay_steps=steps)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


@dataclasses.dataclass
class TrainingResult:
    """What :func:`train_classifier` did and measured."""

    model_path: Path
    n_train: int
    epochs: int
    draw_s: float
    train_s: float
    val_accuracy: float
    dev_balanced_accuracy: float
    test_accuracy: float = float("nan")
    heldout_accuracy: float = float("nan")

    def report(self) -> list[str]:
        """Lines for the terminal."""
        return [
            f"trained on {self.n_train:,} generated charts for {self.epochs} epochs "
            f"in {self.train_s / 60:.1f} min "
            f"(drawing them: {self.draw_s / 60:.1f} min)",
            f"validation accuracy {self.val_accuracy:.3f}; real charts (development set), balanced accuracy "
            f"{self.dev_balanced_accuracy:.3f}",
            f"generated test charts: accuracy {self.test_accuracy:.3f}; "
            f"held-out style: {self.heldout_accuracy:.3f}",
            f"saved {paths.display_path(self.model_path)}",
        ]


def train_classifier(
    per_type: int | None = None,
    epochs: int | None = None,
    *,
    model_path: Path | str | None = None,
    jobs: int | None = None,
    progress: bool = True,
    seed: int = 0,
    data_dir: Path | str | None = None,
) -> TrainingResult:
    """Draw the charts (reused when drawn before), train with :data:`RECIPE`, score, save the model."""
    import keras
    from tqdm import tqdm

    from .. import models

    split = proportional_split(per_type) if per_type else SETTINGS["full"]["split"]
    per_type, epochs = sum(split), epochs or SETTINGS["full"]["epochs"]
    start = time.perf_counter()
    folder = Path(data_dir) if data_dir else chart_data_dir(per_type)
    generate_dataset(folder, per_type, seed=seed, style="varied", jobs=jobs, progress=progress)
    images, y, _ = load_prepared_charts(folder, INPUT_SIZE)
    draw_s = time.perf_counter() - start
    masks = split_by_index(y, split)
    train, val = masks["train"], masks["val"]
    x = images[..., None].astype("float32") / 255.0
    batches = int(np.ceil(train.sum() / RECIPE["batch_size"]))
    keras.utils.set_random_seed(seed)
    model = build_and_compile(epochs * batches)

    class Bar(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.bar = tqdm(total=epochs * batches, desc="training", unit="batch", disable=not progress)

        def on_train_batch_end(self, batch, logs=None):
            self.bar.update(1)

        def on_epoch_end(self, epoch, logs=None):
            self.bar.set_postfix(loss=f"{logs['loss']:.3f}", val_acc=f"{logs.get('val_accuracy', 0):.3f}")

        def on_train_end(self, logs=None):
            self.bar.close()

    start = time.perf_counter()
    models.build_for_fit(model, (x[train], y[train]))  # fit then traces its step once, not twice
    model.fit(
        x[train],
        y[train],
        validation_data=(x[val], y[val]),
        epochs=epochs,
        batch_size=RECIPE["batch_size"],
        verbose=0,
        callbacks=[Bar()],
    )
    train_s = time.perf_counter() - start

    def accuracy(pictures: np.ndarray, labels: np.ndarray) -> float:  # asked as in use: two looks
        return float((type_probabilities(model, pictures).argmax(1) == labels).mean())

    val_accuracy = accuracy(images[val], y[val])
    test = masks["test"]
    test_accuracy = accuracy(images[test], y[test])
    heldout_split = SETTINGS["full"]["heldout"] if per_type == sum(SETTINGS["full"]["split"]) else split[2]
    heldout_dir = folder.parent / f"varied_heldout_128_{heldout_split}"  # as chart_data_dir names it
    generate_dataset(
        heldout_dir, heldout_split, seed=seed, style="varied_heldout", jobs=jobs, progress=progress
    )
    held_x, held_y, _ = load_prepared_charts(heldout_dir, INPUT_SIZE)
    heldout_accuracy = accuracy(held_x, held_y)
    dev_x, dev_types, _ = load_real_charts(INPUT_SIZE)
    known = dev_types != "box"
    said = np.array(sorted(CHART_TYPES))[type_probabilities(model, dev_x[known]).argmax(1)]
    dev_score = balanced_accuracy(dev_types[known], said)
    named = [
        name for name, setting in SETTINGS.items() if (setting["split"], setting["epochs"]) == (split, epochs)
    ]
    path = save_classifier(
        model,
        model_path,
        setting=named[0] if named else f"{per_type} charts per type, {epochs} epochs",
        trained_by="python -m dvdl_helpers.charts train",
        train_charts=int(train.sum()),
        epochs=epochs,
        train_s=round(train_s, 1),
        dev_balanced_accuracy=round(dev_score, 3),
    )
    return TrainingResult(
        path,
        int(train.sum()),
        epochs,
        draw_s,
        train_s,
        val_accuracy,
        dev_score,
        test_accuracy,
        heldout_accuracy,
    )
