"""Pictures for TensorBoard's Images dashboard: figures and weights as images, a per-epoch image logger."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import keras
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from dvdl_helpers import plots
from dvdl_helpers.data import image_batch

__all__ = ["figure_to_image", "image_logging_callback", "weights_to_image"]


def figure_to_image(fig: Figure, *, dpi: float | None = None, close: bool = True) -> np.ndarray:
    """Render a matplotlib figure as a 1×H×W×3 ``uint8`` array, ready for ``tf.summary.image``.

    ``close=True`` closes the figure afterwards, so it is not also shown in the notebook. Transparent
    parts come out white. The pixels are read straight from the drawing (no PNG round trip), which
    matters when a callback draws two figures every epoch.
    """
    if isinstance(fig.canvas, FigureCanvasAgg):
        original_dpi = fig.dpi
        fig.set_dpi(dpi or original_dpi)
        fig.canvas.draw()
        rgba = np.asarray(fig.canvas.buffer_rgba(), dtype=np.float32)
        fig.set_dpi(original_dpi)
    else:  # a backend that does not draw into pixels (pdf, svg): go through PNG
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi or fig.dpi)
        buffer.seek(0)
        with Image.open(buffer) as image:
            rgba = np.asarray(image.convert("RGBA"), dtype=np.float32)
    if close:
        plt.close(fig)
    alpha = rgba[..., 3:] / 255.0
    rgb = rgba[..., :3] * alpha + 255.0 * (1.0 - alpha)  # over a white background
    return np.round(rgb).astype(np.uint8)[None]


def weights_to_image(
    weights: np.ndarray,
    *,
    shape: tuple[int, int] = (28, 28),
    ncols: int = 5,
    scale: int = 4,
    cmap: str = "RdBu",
    pad: int = 1,
) -> np.ndarray:
    """Colour a dense layer's weights (inputs × classes, e.g. 784×10) as one tiled 1×H×W×3 ``uint8`` image.

    Each class's column becomes one ``shape`` tile (class 0 top left, row by row), in a diverging colormap
    centred at zero on the symmetric scale ``±max|W|``: with ``"RdBu"`` zero is white, positive weights
    blue and negative red, as in :func:`dvdl_helpers.plots.weight_images`. Tiles are enlarged ``scale``
    times (nearest neighbour) and separated by ``pad`` gray pixels. Log it with ``tf.summary.image``.
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim != 2 or w.shape[0] != shape[0] * shape[1]:
        raise ValueError(f"expected weights of shape ({shape[0] * shape[1]}, classes), got {w.shape}")
    limit = float(np.abs(w).max()) or 1.0
    colours = matplotlib.colormaps[cmap]((w.T / limit + 1) / 2)[..., :3]  # classes × inputs × 3
    tiles = colours.reshape(-1, *shape, 3)
    n = len(tiles)
    nrows = -(-n // ncols)
    height, width = shape
    grid = np.full(
        (nrows * (height + pad) + pad, ncols * (width + pad) + pad, 3), 0.6, dtype=float
    )  # gray separators
    for index, tile in enumerate(tiles):
        row, col = divmod(index, ncols)
        top, left = pad + row * (height + pad), pad + col * (width + pad)
        grid[top : top + height, left : left + width] = tile
    grid = np.repeat(np.repeat(grid, scale, axis=0), scale, axis=1)
    return np.round(grid * 255).astype(np.uint8)[None]


def image_logging_callback(
    log_dir: Path | str,
    images: np.ndarray,
    labels: np.ndarray,
    *,
    run: str = "images",
    max_errors: int = 30,
    every_n_epochs: int = 1,
    class_names: Sequence[str] | None = None,
    batch_size: int = 500,
) -> keras.callbacks.Callback:
    """Return a Keras callback that logs, per epoch, the confusion matrix and the misclassified images.

    After every ``every_n_epochs``-th epoch it predicts ``images`` (N×28×28 ``uint8``, or N×28×28×1 floats
    in [0, 1] as the model takes them), draws :func:`dvdl_helpers.plots.confusion_matrix` and a
    :func:`dvdl_helpers.plots.digit_mosaic` of up to ``max_errors`` misclassified images (``true→predicted``)
    and writes both with ``tf.summary.image`` (tags ``confusion_matrix`` and ``misclassified``, step = epoch
    as Keras' TensorBoard callback counts it) into the run folder ``log_dir/run``. The TensorBoard
    **Images** dashboard then shows them, with a slider over the epochs.
    """
    labels = np.asarray(labels, dtype=np.int64)
    return _ImageLogger(
        Path(log_dir) / run,
        np.asarray(images),
        labels,
        num_classes=len(class_names) if class_names is not None else int(max(labels.max() + 1, 10)),
        class_names=class_names,
        max_errors=max_errors,
        every_n_epochs=every_n_epochs,
        batch_size=batch_size,
    )


class _ImageLogger(keras.callbacks.Callback):
    """Logs the confusion matrix and the misclassified images to TensorBoard after each epoch."""

    def __init__(
        self,
        run_dir: Path,
        images: np.ndarray,
        labels: np.ndarray,
        *,
        num_classes: int,
        class_names: Sequence[str] | None,
        max_errors: int,
        every_n_epochs: int,
        batch_size: int,
    ) -> None:
        super().__init__()
        self.run_dir, self.images, self.inputs, self.labels = run_dir, images, image_batch(images), labels
        self.num_classes, self.class_names = num_classes, class_names
        self.max_errors, self.every_n_epochs, self.batch_size = max_errors, every_n_epochs, batch_size
        self.writer = None
        self.last_errors = -1  # misclassified images at the last logged epoch

    def on_train_begin(self, logs=None):
        self.writer = tf.summary.create_file_writer(str(self.run_dir))

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        logits = self.model.predict(self.inputs, batch_size=self.batch_size, verbose=0)
        predictions = np.asarray(logits).argmax(axis=-1)
        matrix, grid = self._figures(predictions, epoch + 1)
        with self.writer.as_default():
            tf.summary.image("confusion_matrix", figure_to_image(matrix), step=epoch)
            tf.summary.image("misclassified", figure_to_image(grid), step=epoch)
        self.writer.flush()

    def on_train_end(self, logs=None):
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def _figures(self, predictions: np.ndarray, epochs_done: int) -> tuple[Figure, Figure]:
        """The confusion matrix and the mosaic of misclassified images after ``epochs_done`` epochs."""
        labels = self.labels
        wrong = np.flatnonzero(predictions != labels)
        self.last_errors = len(wrong)
        matrix = plots.confusion_matrix(
            plots.confusion_counts(labels, predictions, self.num_classes),
            class_names=self.class_names,
            title=f"Confusion matrix after epoch {epochs_done}",
        )
        shown = wrong[: self.max_errors]
        grid = plots.digit_mosaic(
            self.images[shown] if len(shown) else np.zeros((1, 28, 28)),
            labels[shown] if len(shown) else None,
            predictions[shown] if len(shown) else None,
            title=f"Misclassified after epoch {epochs_done}: {len(wrong)} of {len(labels)} (true→predicted)",
        )
        return matrix, grid
