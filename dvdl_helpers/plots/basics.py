"""Figures for MNIST and training (notebooks 00, 01, 03): digits, label counts, predictions, confusion
matrices, weight images, training curves, histograms; and labelled points (recipes compared, notebook 08).

Every function draws with pyplot and returns the :class:`~matplotlib.figure.Figure`, titled and with
labelled axes. In a notebook, assign the result (``fig = plots.digit_grid(...)``) so it shows once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from dvdl_helpers.data import square_images

__all__ = [
    "confusion_counts",
    "confusion_matrix",
    "digit_grid",
    "digit_mosaic",
    "histogram",
    "label_counts",
    "labelled_points",
    "probabilities",
    "reliability_diagram",
    "smoothed",
    "training_curves",
    "weight_images",
]


def image_cells(axes_row: Sequence[Axes], count: int) -> Iterator[tuple[int, Axes]]:
    """Yield ``(column, axes)`` for the first ``count`` cells of a row of image axes; blank the others.

    Every cell loses its ticks (pictures have no axes to read); cells past ``count`` are switched off, so
    a shorter row leaves white space instead of empty frames.
    """
    for col, ax in enumerate(axes_row):
        ax.set_xticks([])
        ax.set_yticks([])
        if col >= count:
            ax.axis("off")
        else:
            yield col, ax


def digit_grid(
    images: np.ndarray,
    labels: Sequence[int] | None = None,
    predictions: Sequence[int] | None = None,
    *,
    ncols: int = 10,
    title: str = "MNIST digits",
    cell_size: float = 1.0,
) -> Figure:
    """Show images (N×28×28 or N×784) in a grid, with their label (and prediction) above each.

    A wrong prediction is written in red as ``true→predicted``.
    """
    images = square_images(images)
    nrows = max(1, int(np.ceil(len(images) / ncols)))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(ncols * cell_size, nrows * cell_size * 1.15), squeeze=False
    )
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= len(images):
            continue
        ax.imshow(images[index], cmap="gray_r")
        if labels is not None and predictions is not None:
            true, pred = int(labels[index]), int(predictions[index])
            ax.set_title(
                f"{true}→{pred}" if true != pred else str(true),
                color="crimson" if true != pred else "black",
                fontsize=9,
            )
        elif labels is not None:
            ax.set_title(str(int(labels[index])), fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def label_counts(
    splits: dict[str, np.ndarray], *, num_classes: int = 10, title: str = "Digits per split"
) -> Figure:
    """Bar chart of how many examples of each class every split holds (``{"train": labels, ...}``)."""
    fig, ax = plt.subplots(figsize=(8, 3))
    width = 0.8 / max(1, len(splits))
    classes = np.arange(num_classes)
    for offset, (name, labels) in enumerate(splits.items()):
        counts = np.bincount(np.asarray(labels), minlength=num_classes)
        ax.bar(classes + offset * width - 0.4 + width / 2, counts, width, label=name)
    ax.set_xticks(classes)
    ax.set_xlabel("digit")
    ax.set_ylabel("number of images")
    ax.set_title(title)
    # Outside the axes, right of the bars: inside, it covers the last digits' bars.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def probabilities(
    probs: Sequence[float] | np.ndarray,
    *,
    image: np.ndarray | None = None,
    label: int | None = None,
    class_names: Sequence[str] | None = None,
    title: str = "What the model says about one digit",
) -> Figure:
    """Bar chart of one prediction's class probabilities, with the input image beside it when given.

    The most probable class is drawn in blue (none when all probabilities are equal); when ``label`` (the
    true class) is given and differs, its bar is drawn in red. The axis is fixed to 0–1 so charts compare.
    """
    probs = np.asarray(probs, dtype=float).ravel()
    names = list(class_names) if class_names is not None else [str(i) for i in range(len(probs))]
    if len(names) != len(probs):
        raise ValueError(f"{len(names)} class names for {len(probs)} probabilities")
    if image is not None:
        fig, (ax_image, ax) = plt.subplots(1, 2, figsize=(7.5, 2.8), gridspec_kw={"width_ratios": [1, 2.6]})
        ax_image.imshow(square_images(np.asarray(image)[None])[0], cmap="gray_r")
        ax_image.set_title("input" if label is None else f"input (label {names[int(label)]})", fontsize=10)
        ax_image.axis("off")
    else:
        fig, ax = plt.subplots(figsize=(5.5, 2.8))
    undecided = bool(np.ptp(probs) < 1e-6)
    predicted = None if undecided else int(np.argmax(probs))
    colors = ["#bbbbbb"] * len(probs)
    if predicted is not None:
        colors[predicted] = "#2166ac"
    if label is not None and predicted is not None and int(label) != predicted:
        colors[int(label)] = "#b2182b"
    bars = ax.bar(range(len(probs)), probs, color=colors)
    for bar, value in zip(bars, probs, strict=True):
        if value >= 0.005:
            ax.text(bar.get_x() + bar.get_width() / 2, value + 0.02, f"{value:.2f}", ha="center", fontsize=8)
    ax.set_xticks(range(len(probs)), names)
    ax.set_ylim(0, 1.12)
    ax.set_xlabel("class")
    ax.set_ylabel("probability")
    ax.set_title(
        "no preference (all equal)" if predicted is None else f"predicted: {names[predicted]}", fontsize=10
    )
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def confusion_counts(labels: Sequence[int], predictions: Sequence[int], num_classes: int = 10) -> np.ndarray:
    """Return the ``num_classes``×``num_classes`` confusion matrix: row = true class, column = predicted."""
    labels = np.asarray(labels, dtype=np.int64).ravel()
    predictions = np.asarray(predictions, dtype=np.int64).ravel()
    flat = np.bincount(labels * num_classes + predictions, minlength=num_classes * num_classes)
    return flat.reshape(num_classes, num_classes)


def confusion_matrix(
    matrix: np.ndarray,
    *,
    class_names: Sequence[str] | None = None,
    normalize: bool = False,
    title: str = "Confusion matrix",
) -> Figure:
    """Draw a confusion matrix (rows: true class, columns: predicted class) with every cell annotated.

    ``normalize=True`` divides each row by its total, so a cell reads "share of the true class predicted
    as ...". The diagonal holds the correct predictions; everything else is a mistake.
    """
    counts = np.asarray(matrix, dtype=float)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"a confusion matrix is square, got shape {counts.shape}")
    n = counts.shape[0]
    names = list(class_names) if class_names is not None else [str(i) for i in range(n)]
    values = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1) if normalize else counts
    fig, ax = plt.subplots(figsize=(0.55 * n + 2.2, 0.55 * n + 1.2))
    shown = ax.imshow(values, cmap="Blues")
    colorbar = fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.04)
    colorbar.set_label("share of the true class" if normalize else "number of images")
    limit = values.max() if values.size else 0
    for row in range(n):
        for col in range(n):
            value = values[row, col]
            text = f"{value:.2f}" if normalize else f"{value:.0f}"
            ax.text(
                col,
                row,
                text,
                ha="center",
                va="center",
                fontsize=7 if normalize else 8,
                color="white" if value > 0.6 * limit else "black",
            )
    ax.set_xticks(range(n), names)
    ax.set_yticks(range(n), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def reliability_diagram(
    models: dict[str, tuple[np.ndarray, Sequence[int]]], *, bins: int = 10, title: str = "Reliability"
) -> Figure:
    """How far a classifier's confidence is from its accuracy: one line per entry of ``models``.

    ``models``: name → ``(probabilities N×classes, true labels)``. The answers are grouped by their
    confidence (the highest probability) into ``bins``; each point is a group's mean confidence against
    its accuracy, sized by how many answers it holds. On the diagonal, "80 % sure" is right 80 % of the
    time; below it, the classifier is over-confident.
    """
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    ax.plot([0, 1], [0, 1], color="0.6", ls="--", lw=1, label="calibrated")
    edges = np.linspace(0, 1, bins + 1)
    for name, (probs, labels) in models.items():
        probs = np.asarray(probs)
        confidence, right = probs.max(axis=1), probs.argmax(axis=1) == np.asarray(labels)
        which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
        groups = [b for b in range(bins) if np.any(which == b)]
        x = [confidence[which == b].mean() for b in groups]
        y = [right[which == b].mean() for b in groups]
        sizes = [12 + 200 * np.mean(which == b) for b in groups]
        (line,) = ax.plot(x, y, marker="", lw=1.5, label=f"{name} (n = {len(labels)})")
        ax.scatter(x, y, s=sizes, color=line.get_color(), zorder=3)
    ax.set(xlim=(0, 1.02), ylim=(0, 1.02), xlabel="confidence (highest probability)", ylabel="accuracy")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def weight_images(
    weights: np.ndarray | dict[str, np.ndarray],
    *,
    class_means: np.ndarray | None = None,
    class_names: Sequence[str] | None = None,
    shape: tuple[int, int] = (28, 28),
    cmap: str = "RdBu",
    title: str = "What each output neuron looks for",
) -> Figure:
    """Show the weight vector of each class as an image, in a diverging colormap centred at 0.

    ``weights`` is ``W`` of a dense layer (inputs × classes, e.g. 784×10), or ``{row name: W}`` to compare
    several models row by row. ``class_means`` (classes × 28×28 or classes × 784) adds a first row with
    each class's mean image. Every weight row gets its own symmetric colour scale ``±max|W|`` and
    colorbar. With the default ``"RdBu"``, blue pixels are positive weights (ink there is evidence *for*
    the class), red pixels negative (evidence *against*), white is zero (the pixel does not matter).
    """
    rows = dict(weights) if isinstance(weights, dict) else {"weights": weights}
    rows = {name: np.asarray(w, dtype=float) for name, w in rows.items()}
    n_classes = next(iter(rows.values())).shape[1]
    names = list(class_names) if class_names is not None else [str(i) for i in range(n_classes)]
    n_rows = len(rows) + (class_means is not None)
    fig, axes = plt.subplots(
        n_rows,
        n_classes + 1,
        figsize=(1.25 * n_classes + 1.2, 1.45 * n_rows + 0.6),
        squeeze=False,
        gridspec_kw={"width_ratios": [1] * n_classes + [0.12]},
    )
    row = 0
    if class_means is not None:
        means = np.asarray(class_means, dtype=float).reshape(n_classes, *shape)
        for col in range(n_classes):
            shown = axes[row, col].imshow(means[col], cmap="gray_r", vmin=0)
            axes[row, col].set_title(names[col], fontsize=10)
        colorbar = fig.colorbar(shown, cax=axes[row, -1])
        colorbar.set_label("ink", fontsize=8)
        colorbar.ax.tick_params(labelsize=7)
        axes[row, 0].set_ylabel("class mean", fontsize=9)
        row += 1
    for name, w in rows.items():
        if w.shape[1] != n_classes:
            raise ValueError(f"row {name!r} has {w.shape[1]} classes, expected {n_classes}")
        limit = float(np.abs(w).max()) or 1.0
        for col in range(n_classes):
            shown = axes[row, col].imshow(w[:, col].reshape(shape), cmap=cmap, vmin=-limit, vmax=limit)
            if row == 0:
                axes[row, col].set_title(names[col], fontsize=10)
        colorbar = fig.colorbar(shown, cax=axes[row, -1])
        colorbar.set_label("weight", fontsize=8)
        colorbar.ax.tick_params(labelsize=7)
        axes[row, 0].set_ylabel(name, fontsize=9)
        row += 1
    for ax in axes[:, :-1].flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def smoothed(values: Sequence[float] | np.ndarray, weight: float = 0.6) -> np.ndarray:
    """Smooth a noisy curve like TensorBoard's smoothing slider (debiased exponential moving average)."""
    if not 0 <= weight < 1:
        raise ValueError(f"weight must lie in [0, 1), got {weight}")
    values = np.asarray(values, dtype=float)
    result = np.empty_like(values)
    average = 0.0
    for index, value in enumerate(values):
        average = weight * average + (1 - weight) * value
        result[index] = average / (1 - weight ** (index + 1))
    return result


def training_curves(
    panels: dict[str, dict[str, tuple[Sequence[float], Sequence[float]]]],
    *,
    xlabel: str = "training step",
    title: str = "Training curves",
    marks: dict[str, float] | None = None,
    logy: Sequence[str] = (),
) -> Figure:
    """Compare curves side by side: ``{panel (the y label): {curve label: (x, y)}}``, one axis per panel.

    ``marks`` draws labelled vertical lines (``{label: x}``) on every panel, e.g. a chosen step;
    panels named in ``logy`` use a logarithmic y axis.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 3.4), squeeze=False)
    for ax, (panel, curves) in zip(axes.flat, panels.items(), strict=True):
        for label, (x, y) in curves.items():
            x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
            ax.plot(x, y, label=label, marker="o" if len(x) <= 40 else None, markersize=3)
        for index, (label, position) in enumerate((marks or {}).items()):
            ax.axvline(
                position, color=("black", "dimgray")[index % 2], linestyle="--", linewidth=1, label=label
            )
        if panel in logy:
            ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(panel)
        ax.set_title(panel)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def histogram(
    values: Sequence[float] | np.ndarray,
    *,
    bins: int | Sequence[float] = 30,
    title: str = "Histogram",
    xlabel: str = "value",
    ylabel: str = "count",
    marks: dict[str, float] | None = None,
) -> Figure:
    """Histogram of ``values``, with labelled vertical lines at ``marks`` (``{label: x}``), e.g. the mean."""
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.hist(np.asarray(values, dtype=float), bins=bins, color="#8da0cb", edgecolor="white")
    for index, (label, position) in enumerate((marks or {}).items()):
        ax.axvline(position, color=f"C{index + 1}", linestyle="--", linewidth=1.5, label=label)
    if marks:
        ax.legend(fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def digit_mosaic(
    images: np.ndarray,
    labels: Sequence[int] | None = None,
    predictions: Sequence[int] | None = None,
    *,
    ncols: int = 10,
    title: str = "MNIST digits",
) -> Figure:
    """Like :func:`digit_grid` but drawn as one image on one axes: ~10× faster, for logging every epoch.

    Each digit gets its label above it, or ``true→predicted`` in red when the prediction is wrong.
    """
    images = square_images(np.asarray(images, dtype=float)) if len(images) else np.zeros((0, 28, 28))
    side = images.shape[1]
    if images.size and images.max() > 1:
        images = images / 255.0
    nrows = max(1, int(np.ceil(len(images) / ncols)))
    band, gap = side // 3, 2  # room for the text above each digit, and between digits
    cell_h, cell_w = side + band + gap, side + gap
    canvas = np.zeros((nrows * cell_h, ncols * cell_w))
    fig, ax = plt.subplots(figsize=(0.62 * ncols + 0.4, 0.8 * nrows + 0.7))
    for index, image in enumerate(images):
        row, col = divmod(index, ncols)
        top, left = row * cell_h + band, col * cell_w + gap // 2
        canvas[top : top + side, left : left + side] = image
        if labels is None:
            continue
        true = int(labels[index])
        pred = true if predictions is None else int(predictions[index])
        ax.text(
            left + side / 2,
            top - 1,
            f"{true}→{pred}" if true != pred else str(true),
            ha="center",
            va="bottom",
            fontsize=8,
            color="crimson" if true != pred else "black",
        )
    ax.imshow(canvas, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel(f"{len(images)} images, {ncols} per row")
    ax.set_title(title, fontsize=10)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.12, top=0.9)
    return fig


def labelled_points(
    points: dict[str, Sequence[tuple[float, float]]],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
) -> Figure:
    """One large marker per label at the mean of its points, each point small beside it, the label written
    next to the marker (e.g. recipes: their mean and each draw's)."""
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for index, (label, group) in enumerate(points.items()):
        xy = np.asarray(group, dtype=float).reshape(-1, 2)
        mean = xy.mean(axis=0)
        ax.scatter(xy[:, 0], xy[:, 1], s=18, color=f"C{index}", alpha=0.45, linewidths=0)
        ax.scatter(*mean, s=90, color=f"C{index}", edgecolors="black", linewidths=0.6, zorder=3)
        ax.annotate(label, mean, xytext=(7, 5), textcoords="offset points", fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
