"""Figures the notebooks share: digit grids, label counts, predictions, confusion matrices, weights, curves.

Every function draws with pyplot and returns the :class:`~matplotlib.figure.Figure`, titled and with
labelled axes. In a notebook, assign the result (``fig = plots.digit_grid(...)``) so it shows once.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


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
    images = np.asarray(images)
    side = round(np.sqrt(images[0].size))
    images = images.reshape(len(images), side, side)
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
    ax.legend()
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
        image = np.asarray(image)
        side = round(np.sqrt(image.size))
        ax_image.imshow(image.reshape(side, side), cmap="gray_r")
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


# --- Looking inside a network (notebook 04): filters, feature maps, saliency / Grad-CAM, embeddings ---


def _colorbar(fig: Figure, image: object, axes: object, label: str) -> None:
    """Add one colourbar for ``axes`` (an array of axes or one axis), labelled ``label``."""
    colorbar = fig.colorbar(image, ax=axes, fraction=0.03, pad=0.02)
    colorbar.set_label(label)


def filter_grid(
    kernel: np.ndarray, *, ncols: int = 8, title: str = "First-layer filters", cell_size: float = 1.1
) -> Figure:
    """Show the filters of a first convolution layer (kernel h×w×1×F, Keras layout) as images.

    One shared colour scale centred at 0, in ``"RdBu"`` like :func:`weight_images`: blue weights
    respond to ink under them, red ones to its absence.
    """
    kernel = np.asarray(kernel)
    if kernel.ndim != 4 or kernel.shape[2] != 1:
        raise ValueError(f"Expected a first-layer kernel h×w×1×F, got shape {kernel.shape}.")
    filters = np.moveaxis(kernel[:, :, 0, :], -1, 0)
    limit = float(np.abs(filters).max()) or 1.0
    nrows = int(np.ceil(len(filters) / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(ncols * cell_size + 1.2, nrows * cell_size * 1.1 + 0.6), squeeze=False
    )
    image = None
    for index, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if index >= len(filters):
            ax.axis("off")
            continue
        image = ax.imshow(filters[index], cmap="RdBu", vmin=-limit, vmax=limit)
        ax.set_title(f"filter {index}", fontsize=8)
    _colorbar(fig, image, axes, "weight")
    fig.suptitle(title)
    return fig


def feature_map_grid(
    images: np.ndarray,
    activations: np.ndarray,
    *,
    max_maps: int = 16,
    labels: Sequence[int] | None = None,
    title: str = "Feature maps",
    cell_size: float = 1.0,
) -> Figure:
    """Show each image (a row) next to its first ``max_maps`` feature maps (N×h×w×F activations).

    Columns are filters, so one column compares what the same filter sees in different digits; all
    maps share one colour scale (0 = the filter is silent there).
    """
    images = np.asarray(images).reshape(len(images), *np.asarray(images).shape[1:3])
    activations = np.asarray(activations)
    count = min(max_maps, activations.shape[-1])
    fig, axes = plt.subplots(
        len(images),
        count + 1,
        figsize=((count + 1) * cell_size + 1.2, len(images) * cell_size * 1.1 + 0.7),
        squeeze=False,
    )
    vmax = float(activations[..., :count].max()) or 1.0
    image = None
    for row, (digit, maps) in enumerate(zip(images, activations, strict=True)):
        axes[row, 0].imshow(digit, cmap="gray_r")
        axes[row, 0].set_ylabel(f"label {labels[row]}" if labels is not None else f"image {row}", fontsize=8)
        for col in range(count):
            image = axes[row, col + 1].imshow(maps[..., col], cmap="magma", vmin=0, vmax=vmax)
            if row == 0:
                axes[row, col + 1].set_title(f"map {col}", fontsize=8)
        for ax in axes[row]:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_title("input", fontsize=8)
    _colorbar(fig, image, axes, "activation")
    fig.suptitle(title)
    return fig


def explanation_grid(
    images: np.ndarray,
    maps: dict[str, np.ndarray],
    labels: Sequence[int],
    predictions: Sequence[int],
    *,
    blocks: int = 1,
    block_titles: Sequence[str] | None = None,
    title: str = "Where does the network look?",
    alpha: float = 0.8,
    cmap: str = "jet",
    cell_size: float = 1.3,
    class_names: Sequence[str] | None = None,
    image_cmap: str = "gray_r",
) -> Figure:
    """Show each image next to its explanation heatmaps (``{"saliency": N×H×W, ...}``) laid over it.

    Each heatmap is scaled to [0, 1] per image and drawn more opaque where it is stronger, so the
    digit shows through where the network does not look. The N images are split into ``blocks``
    groups of rows placed side by side (e.g. correct predictions left, wrong ones right, named by
    ``block_titles``). The digit's title reads ``label→prediction``, in red when wrong, with
    ``class_names`` instead of numbers when given. ``image_cmap``: ``"gray_r"`` shows ink (high values)
    dark, as for digits; ``"gray"`` shows gray pictures such as charts as they are (255 = white).
    """
    images = np.asarray(images)
    images = images.reshape(len(images), *images.shape[1:3])
    label_text = (lambda c: str(class_names[c])) if class_names is not None else str
    names = list(maps)
    per_block = int(np.ceil(len(images) / blocks))
    width = 1 + len(names)
    ratios = ([1.0] * width + [0.3]) * blocks
    fig, axes = plt.subplots(
        per_block,
        len(ratios) - 1,
        figsize=((sum(ratios) - 0.3) * cell_size + 1.0, per_block * cell_size * 1.2 + 1.0),
        gridspec_kw={"width_ratios": ratios[:-1]},
        squeeze=False,
    )
    for ax in axes.flat:
        ax.axis("off")
    colours = plt.get_cmap(cmap)
    for index, digit in enumerate(images):
        block, row = divmod(index, per_block)
        first = block * (width + 1)
        true, pred = int(labels[index]), int(predictions[index])
        wrong = true != pred
        axes[row, first].imshow(digit, cmap=image_cmap)
        axes[row, first].set_title(
            f"{label_text(true)}→{label_text(pred)}" if wrong else label_text(true),
            color="crimson" if wrong else "black",
            fontsize=10,
        )
        for offset, name in enumerate(names, start=1):
            heat = np.asarray(maps[name][index], dtype=np.float32)
            peak = float(heat.max())
            heat = np.clip(heat / peak if peak > 0 else heat, 0.0, 1.0)
            ax = axes[row, first + offset]
            ax.imshow(digit, cmap=image_cmap, alpha=0.6)
            ax.imshow(heat, cmap=colours, vmin=0, vmax=1, alpha=alpha * heat)
            if row == 0:
                ax.set_title(name, fontsize=10)
    for block in range(blocks if block_titles is not None else 0):
        axes[0, block * (width + 1)].annotate(
            block_titles[block], xy=(0, 1.5), xycoords="axes fraction", fontsize=11, fontweight="bold"
        )
    scale = plt.cm.ScalarMappable(cmap=colours, norm=plt.Normalize(0, 1))
    _colorbar(fig, scale, axes, "importance (scaled per image)")
    fig.suptitle(title, y=1.0)
    return fig


def chart_grid(
    images: np.ndarray,
    labels: Sequence[int] | None = None,
    predictions: Sequence[int] | None = None,
    *,
    class_names: Sequence[str] | None = None,
    ncols: int = 7,
    nrows: int | None = None,
    title: str = "Charts",
    cell_size: float = 1.5,
    empty_text: str = "nothing to show",
) -> Figure:
    """Show chart images (N×H×W gray or N×H×W×3 colour, ``uint8``) in a grid, titled with their class.

    Unlike :func:`digit_grid`, pictures appear as on screen (gray 255 is white) at any size, and titles
    use ``class_names``; a wrong prediction reads ``true→predicted`` in red. ``nrows`` fixes the grid's
    size (extra images are left out, empty cells stay blank), so a figure of a varying number of
    images, such as the mistakes, always has the same size. With no images, the figure says
    ``empty_text`` (e.g. "no mistakes") instead of failing.
    """
    images = np.asarray(images)
    names = (lambda c: str(class_names[c])) if class_names is not None else str
    nrows = nrows or max(1, int(np.ceil(len(images) / ncols)))
    images = images[: nrows * ncols]
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(ncols * cell_size, nrows * cell_size * 1.12 + 0.5), squeeze=False
    )
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= len(images):
            continue
        ax.imshow(images[index], cmap="gray", vmin=0, vmax=255, interpolation="antialiased")
        if labels is None:
            continue
        true = int(labels[index])
        pred = true if predictions is None else int(predictions[index])
        ax.set_title(
            f"{names(true)}→{names(pred)}" if true != pred else names(true),
            color="crimson" if true != pred else "black",
            fontsize=9,
        )
    if not len(images):
        axes[0, 0].text(0, 0.5, empty_text, fontsize=11, transform=axes[0, 0].transAxes)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def class_image_rows(
    rows: dict[str, np.ndarray],
    *,
    cmaps: dict[str, str] | None = None,
    symmetric: Sequence[str] = (),
    column_titles: Sequence[str] | None = None,
    colorbar_labels: dict[str, str] | None = None,
    title: str = "One image per class",
    cell_size: float = 1.1,
) -> Figure:
    """Show rows of per-class images (``{"row name": 10×28×28 or 10×784}``), each row with its colourbar.

    Rows named in ``symmetric`` use a diverging scale centred on 0 (weights, ``"RdBu"`` like
    :func:`weight_images`: blue positive); others run from their minimum to their maximum.
    ``colorbar_labels`` names each row's colourbar (default "weight" or "value").
    """
    cmaps = cmaps or {}
    names = list(rows)
    ncols = max(len(images) for images in rows.values())
    fig, axes = plt.subplots(
        len(names),
        ncols,
        figsize=(ncols * cell_size + 1.6, len(names) * cell_size * 1.1 + 0.7),
        squeeze=False,
        layout="constrained",
    )
    for row, name in enumerate(names):
        images = np.asarray(rows[name], dtype=np.float32)
        side = round(np.sqrt(images[0].size))
        images = images.reshape(len(images), side, side)
        if name in symmetric:
            limit = float(np.abs(images).max()) or 1.0
            vmin, vmax, cmap = -limit, limit, cmaps.get(name, "RdBu")
        else:
            vmin, vmax, cmap = float(images.min()), float(images.max()), cmaps.get(name, "gray_r")
        image = None
        for col, ax in enumerate(axes[row]):
            ax.set_xticks([])
            ax.set_yticks([])
            if col >= len(images):
                ax.axis("off")
                continue
            image = ax.imshow(images[col], cmap=cmap, vmin=vmin, vmax=vmax)
            if column_titles is not None and row == 0:
                ax.set_title(column_titles[col], fontsize=9)
        axes[row, 0].set_ylabel(name, fontsize=9)
        default = "weight" if name in symmetric else "value"
        _colorbar(fig, image, axes[row], (colorbar_labels or {}).get(name, default))
    fig.suptitle(title)
    return fig


def top_activation_grid(
    images: np.ndarray,
    top: dict[int, np.ndarray],
    labels: Sequence[int] | None = None,
    *,
    layer: str = "conv2",
    title: str | None = None,
    cell_size: float = 1.0,
) -> Figure:
    """Show, one row per filter, the images that activate it most (``{filter: indices}``, strongest first)."""
    images = np.asarray(images)
    images = images.reshape(len(images), *images.shape[1:3])
    ncols = max(len(indices) for indices in top.values())
    fig, axes = plt.subplots(
        len(top), ncols, figsize=(ncols * cell_size + 0.8, len(top) * cell_size * 1.15 + 0.6), squeeze=False
    )
    for row, (filter_index, indices) in enumerate(top.items()):
        for col, ax in enumerate(axes[row]):
            ax.set_xticks([])
            ax.set_yticks([])
            if col >= len(indices):
                ax.axis("off")
                continue
            ax.imshow(images[indices[col]], cmap="gray_r")
            if labels is not None:
                ax.set_title(str(int(labels[indices[col]])), fontsize=8)
        axes[row, 0].set_ylabel(f"{layer}\nfilter {filter_index}", fontsize=8)
    fig.suptitle(title or f"Test images that activate {layer} filters most (strongest left)")
    fig.tight_layout()
    return fig


def embedding_maps(
    maps: dict[str, np.ndarray],
    labels: Sequence[int],
    *,
    ncols: int = 2,
    axis_labels: dict[str, tuple[str, str]] | None = None,
    title: str = "2-D maps coloured by label",
    point_size: float = 6.0,
    panel_size: float = 4.2,
) -> Figure:
    """Scatter 2-D maps of the same points (``{"panel title": N×2}``), coloured by label (0–9).

    Each class's digit is written at the median of its points, so clusters can be read without the
    legend. ``axis_labels`` gives ``(x, y)`` names per panel (default "dimension 1/2").
    """
    import matplotlib.patheffects as path_effects

    labels = np.asarray(labels)
    classes = np.unique(labels)
    colours = plt.get_cmap("tab10")
    nrows = int(np.ceil(len(maps) / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(ncols * panel_size + 1.2, nrows * panel_size), squeeze=False
    )
    for ax, (name, points) in zip(axes.flat, maps.items(), strict=False):
        points = np.asarray(points)
        for label in classes:
            members = points[labels == label]
            ax.scatter(
                members[:, 0], members[:, 1], s=point_size, color=colours(int(label) % 10), label=str(label)
            )
            x, y = np.median(members, axis=0)
            text = ax.text(x, y, str(label), fontsize=13, fontweight="bold", ha="center", va="center")
            text.set_path_effects([path_effects.withStroke(linewidth=3, foreground="white")])
        xlabel, ylabel = (axis_labels or {}).get(name, ("dimension 1", "dimension 2"))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(name)
    for ax in axes.flat[len(maps) :]:
        ax.axis("off")
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, names, title="digit", loc="center right", markerscale=2.5, frameon=False)
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0, 1 - 0.9 / (ncols * panel_size + 1.2), 1))
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
    images = np.asarray(images, dtype=float)
    side = round(np.sqrt(images[0].size)) if len(images) else 28
    images = images.reshape(len(images), side, side)
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


# --- Image preparation (notebook 02): pictures of any mode and size, before and after ---


def _checkerboard(height: int, width: int, square: int = 8) -> np.ndarray:
    """A light gray checkerboard (H×W×3 floats in [0, 1]), the usual backdrop that shows transparency."""
    ys, xs = np.indices((height, width)) // square
    return np.where((ys + xs)[..., None] % 2 == 0, 0.95, 0.8) * np.ones(3)


def _viewable(image: object, max_pixels: int) -> tuple[np.ndarray, dict[str, object], str]:
    """Return (array for imshow, imshow options, caption 'mode, W×H') for a PIL image or an array.

    As a viewer shows it: transparency over a checkerboard, 16/32-bit and float images scaled by their
    range, palette and CMYK converted for display only; large pictures shrunk for drawing.
    """
    from PIL import Image

    if not isinstance(image, Image.Image):
        array = np.asarray(image)
        caption = f"{array.dtype}, {array.shape[1]}×{array.shape[0]}"
        if array.ndim == 2 and array.dtype == np.uint8:
            return array, {"cmap": "gray", "vmin": 0, "vmax": 255}, caption
        return array, {"cmap": "gray"} if array.ndim == 2 else {}, caption
    caption = f"{image.mode}, {image.size[0]}×{image.size[1]}"
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        array = np.asarray(image, dtype=np.float64)
        step = max(1, int(np.ceil(max(array.shape) / max_pixels)))
        return array[::step, ::step], {"cmap": "gray"}, caption
    if image.mode == "1":
        image = image.convert("L")
    elif image.mode in ("P", "PA", "LA", "La", "RGBa") or "transparency" in image.info:
        image = image.convert("RGBA")
    elif image.mode not in ("L", "RGB", "RGBA"):
        image = image.convert("RGB")  # CMYK, YCbCr, LAB, HSV, ...: converted for the screen
    if max(image.size) > max_pixels:
        image = image.copy()
        image.thumbnail((max_pixels, max_pixels))
    array = np.asarray(image)
    if image.mode == "L":
        return array, {"cmap": "gray", "vmin": 0, "vmax": 255}, caption
    if image.mode == "RGBA":
        alpha = array[..., 3:] / 255.0
        backdrop = _checkerboard(*array.shape[:2], square=max(2, max(array.shape[:2]) // 16))
        array = array[..., :3] / 255.0 * alpha + backdrop * (1 - alpha)
    return array, {}, caption


def image_comparison(
    rows: dict[str, Sequence[object]],
    *,
    names: Sequence[str] | None = None,
    title: str = "Before and after",
    cell_size: float = 1.9,
    max_pixels: int = 400,
) -> Figure:
    """Show pictures in a table: one row per stage (``{"before": [...], "after": [...]}``), one column each.

    Items are PIL images (any mode) or arrays; each is captioned with its mode and size (``RGBA,
    128×128``), and the first row also with its name from ``names``. Pictures are drawn as a viewer shows
    them: transparency over a checkerboard, 16-bit and float images scaled by their range, CMYK converted
    for the screen only; every cell keeps its picture's aspect ratio. ``None`` leaves a cell empty.
    """
    stages = list(rows)
    ncols = max(len(items) for items in rows.values())
    fig, axes = plt.subplots(
        len(stages),
        ncols,
        figsize=(ncols * cell_size + 0.6, len(stages) * (cell_size + 0.45) + 0.5),
        squeeze=False,
    )
    for row, stage in enumerate(stages):
        for col, ax in enumerate(axes[row]):
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
            item = rows[stage][col] if col < len(rows[stage]) else None
            if item is None:
                ax.text(0.5, 0.5, "—", ha="center", va="center", color="gray", transform=ax.transAxes)
            else:
                array, options, caption = _viewable(item, max_pixels)
                ax.imshow(array, interpolation="antialiased", **options)
                name = names[col] if names is not None and row == 0 and col < len(names) else None
                ax.set_title(f"{name}\n{caption}" if name else caption, fontsize=8)
            if col == 0:
                ax.set_ylabel(stage, fontsize=10)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


# --- Autoencoders of chart images (notebook 06): reconstructions, latent maps, probe paths ---


def _as_images(images: object) -> np.ndarray:
    """N×H×W floats from N×H×W, N×H×W×1 or N×(H·W) (square) images."""
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim == 2:
        side = round(np.sqrt(images.shape[1]))
        images = images.reshape(len(images), side, side)
    return images


def reconstruction_rows(
    rows: dict[str, np.ndarray],
    *,
    column_titles: Sequence[str] | None = None,
    title: str = "Inputs and their reconstructions",
    cmap: str = "gray_r",
    vmin: float = 0.0,
    vmax: float = 1.0,
    cell_size: float = 1.05,
) -> Figure:
    """Show rows of images on one fixed scale (``{"input": N×H×W, "autoencoder": N×H×W, ...}``).

    Unlike a per-row stretched scale, ``vmin``–``vmax`` is the same for every row, so a faint, blurred
    reconstruction looks faint. The default shows ink (1) dark on white paper (0).
    """
    names = list(rows)
    ncols = max(len(images) for images in rows.values())
    fig, axes = plt.subplots(
        len(names), ncols, figsize=(ncols * cell_size + 0.9, len(names) * cell_size + 0.7), squeeze=False
    )
    for row, name in enumerate(names):
        images = _as_images(rows[name])
        for col, ax in enumerate(axes[row]):
            ax.set_xticks([])
            ax.set_yticks([])
            if col >= len(images):
                ax.axis("off")
                continue
            ax.imshow(images[col], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
            if column_titles is not None and row == 0 and col < len(column_titles):
                ax.set_title(column_titles[col], fontsize=8)
        axes[row, 0].set_ylabel(name, fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _spread_out(points: np.ndarray, count: int, seed: int = 0) -> np.ndarray:
    """Indices of up to ``count`` points, picked in random order, none closer than the others allow."""
    span = np.ptp(points, axis=0)
    scaled = (points - points.min(axis=0)) / np.where(span > 0, span, 1.0)
    order = np.random.default_rng(seed).permutation(len(points))
    radius = 0.6 / np.sqrt(max(count, 1))  # thumbnails of this size would tile the map about once
    for _ in range(8):  # shrink the spacing until enough points qualify
        chosen: list[int] = []
        for index in order:
            if all(np.abs(scaled[index] - scaled[other]).max() >= radius for other in chosen):
                chosen.append(int(index))
                if len(chosen) == count:
                    return np.array(chosen)
        radius *= 0.8
    return np.array(chosen)


def _class_colours(labels: Sequence[int] | None, n: int) -> tuple[np.ndarray, list[int]]:
    labels_array = np.zeros(n, dtype=int) if labels is None else np.asarray(labels, dtype=int)
    return labels_array, sorted(set(labels_array.tolist()))


def thumbnail_map(
    points: np.ndarray,
    images: np.ndarray,
    labels: Sequence[int] | None = None,
    class_names: Sequence[str] | None = None,
    *,
    n_thumbnails: int = 60,
    zoom: float = 0.55,
    axis_labels: tuple[str, str] = ("code unit 1", "code unit 2"),
    title: str = "2-D map of the images, drawn with thumbnails",
    cmap: str = "gray_r",
    seed: int = 0,
    figsize: tuple[float, float] = (9.0, 7.5),
) -> Figure:
    """Scatter 2-D points coloured by class and draw the images of a well spread subset at their points.

    ``images`` (N×H×W, values in [0, 1] shown with ``cmap``) belong to the points; up to
    ``n_thumbnails`` of them are drawn, picked so that they do not cover each other, framed in their
    class's colour. The map then shows *what* lies where, not only which class.
    """
    from matplotlib.offsetbox import AnnotationBbox, OffsetImage

    points = np.asarray(points, dtype=float)
    images = _as_images(images)
    labels_array, classes = _class_colours(labels, len(points))
    colours = plt.get_cmap("tab10")
    fig, ax = plt.subplots(figsize=figsize)
    for label in classes:
        members = points[labels_array == label]
        name = class_names[label] if class_names is not None else str(label)
        ax.scatter(members[:, 0], members[:, 1], s=9, color=colours(label % 10), alpha=0.6, label=name)
    for index in _spread_out(points, n_thumbnails, seed):
        thumb = OffsetImage(images[index], cmap=cmap, norm=plt.Normalize(0, 1), zoom=zoom)
        box = AnnotationBbox(
            thumb,
            points[index],
            frameon=True,
            pad=0.1,
            bboxprops={"edgecolor": colours(labels_array[index] % 10), "linewidth": 1.5},
        )
        ax.add_artist(box)
    ax.set_xlabel(axis_labels[0])
    ax.set_ylabel(axis_labels[1])
    ax.set_title(title)
    if labels is not None:
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), markerscale=2.5, frameon=False, title="type")
    fig.tight_layout()
    return fig


def latent_paths(
    maps: dict[str, np.ndarray],
    paths: dict[str, dict[str, np.ndarray]],
    labels: Sequence[int] | None = None,
    class_names: Sequence[str] | None = None,
    *,
    path_images: dict[str, np.ndarray] | None = None,
    axis_labels: dict[str, tuple[str, str]] | None = None,
    focus: bool = False,
    title: str = "Where controlled charts go in the map",
    cmap: str = "gray_r",
    panel_size: float = 4.8,
) -> Figure:
    """Draw probe paths over 2-D maps: one panel per map (``{"autoencoder": N×2, "PCA": N×2}``).

    ``paths[map][probe]`` holds the probe's M×2 points in that map, in the order of the controlled
    quantity; each path is a line with dots from light (first) to dark (last) and an arrow at its end.
    ``path_images[probe]`` (M×H×W) adds thumbnails of the first and the last probe image at the ends.
    The map's points are drawn faintly behind, coloured by class. ``focus=True`` adds a second row that
    zooms in on the paths (the thumbnails go there), with a rectangle marking that area in the first row.
    """
    from matplotlib.offsetbox import AnnotationBbox, OffsetImage
    from matplotlib.patches import Rectangle

    names = list(maps)
    labels_array, classes = _class_colours(labels, len(next(iter(maps.values()))))
    colours, path_cmaps = plt.get_cmap("tab10"), ["Reds", "Blues", "Greens", "Purples", "Oranges"]
    nrows = 2 if focus else 1
    width = len(names) * panel_size + 1.8
    fig, axes = plt.subplots(nrows, len(names), figsize=(width, nrows * panel_size), squeeze=False)
    for col, name in enumerate(names):
        points = np.asarray(maps[name], dtype=float)
        all_path_points = np.concatenate([np.asarray(p, dtype=float) for p in paths[name].values()])
        for row in range(nrows):
            ax, zoomed = axes[row, col], row == 1
            for label in classes:
                members = points[labels_array == label]
                cname = class_names[label] if class_names is not None else str(label)
                (size, alpha), colour = (14, 0.45) if zoomed else (5, 0.25), colours(label % 10)
                ax.scatter(members[:, 0], members[:, 1], s=size, color=colour, alpha=alpha, label=cname)
            for number, (probe, path) in enumerate(paths[name].items()):
                path = np.asarray(path, dtype=float)
                cmap_name = path_cmaps[number % len(path_cmaps)]
                shades = plt.get_cmap(cmap_name)(np.linspace(0.35, 1.0, len(path)))
                ax.plot(path[:, 0], path[:, 1], color=shades[-1], lw=1.5, label=probe)
                dots = {"s": 22, "c": shades, "edgecolors": "black", "linewidths": 0.4, "zorder": 3}
                ax.scatter(path[:, 0], path[:, 1], **dots)
                if len(path) > 1:
                    arrow = {"arrowstyle": "-|>", "color": shades[-1], "lw": 1.5}
                    ax.annotate("", xy=path[-1], xytext=path[-2], arrowprops=arrow)
                if path_images is None or probe not in path_images or (focus and not zoomed):
                    continue
                thumbs = _as_images(path_images[probe])
                up = 34 if number % 2 == 0 else -34  # probes alternate above and below their path
                for end, offset in ((0, (-34, up)), (-1, (34, up))):
                    box = AnnotationBbox(
                        OffsetImage(thumbs[end], cmap=cmap, norm=plt.Normalize(0, 1), zoom=0.55),
                        path[end],
                        xybox=offset,
                        boxcoords="offset points",
                        pad=0.1,
                        bboxprops={"edgecolor": shades[-1]},
                        arrowprops={"arrowstyle": "-", "color": shades[-1], "lw": 0.8},
                    )
                    ax.add_artist(box)
            low, high = all_path_points.min(axis=0), all_path_points.max(axis=0)
            margin = np.maximum(0.6 * (high - low), 0.12 * np.ptp(points, axis=0))
            if zoomed:
                ax.set_xlim(low[0] - margin[0], high[0] + margin[0])
                ax.set_ylim(low[1] - margin[1], high[1] + margin[1])
            elif focus:
                corner, size = low - margin, high - low + 2 * margin
                ax.add_patch(Rectangle(corner, *size, fill=False, edgecolor="black", lw=0.8, ls="--"))
            xlabel, ylabel = (axis_labels or {}).get(name, ("dimension 1", "dimension 2"))
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
            ax.set_title(f"{name}: zoomed in on the paths" if zoomed else name)
    handles, texts = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, texts, loc="center right", frameon=False, markerscale=2)
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0, 1 - 1.6 / width, 1))
    return fig


def probe_curves(
    values: dict[str, np.ndarray],
    codes: dict[str, dict[str, np.ndarray]],
    *,
    correlations: dict[str, dict[str, Sequence[float]]] | None = None,
    ylabel: str = "unit value (in data spreads)",
    title: str = "How each unit responds to the controlled quantity",
    panel_size: tuple[float, float] = (4.2, 2.9),
) -> Figure:
    """Plot each code unit against a controlled quantity: rows = probes, columns = models.

    ``values[probe]`` is the quantity (M numbers, e.g. a bar's height); ``codes[probe][model]`` the M×k
    codes the model gives the probe's images. ``correlations[probe][model]`` (k numbers) are written in
    the legend (``unit 1 (ρ = 0.98)``). A unit that tracks the quantity draws a steady rising or falling
    line.
    """
    probes = list(values)
    models = list(codes[probes[0]])
    fig, axes = plt.subplots(
        len(probes),
        len(models),
        figsize=(len(models) * panel_size[0], len(probes) * panel_size[1] + 0.6),
        squeeze=False,
    )
    for row, probe in enumerate(probes):
        x = np.asarray(values[probe], dtype=float)
        for col, model in enumerate(models):
            ax = axes[row, col]
            code = np.asarray(codes[probe][model], dtype=float)
            rhos = (correlations or {}).get(probe, {}).get(model)
            for unit in range(code.shape[1]):
                label = f"unit {unit + 1}" + (f" (ρ = {rhos[unit]:+.2f})" if rhos is not None else "")
                ax.plot(x, code[:, unit], marker="o", ms=3, lw=1.2, label=label)
            ax.set_xlabel(probe)
            ax.set_ylabel(ylabel)
            ax.set_title(model, fontsize=10)
            ax.legend(fontsize=7, loc="best")
    fig.suptitle(title)
    fig.tight_layout()
    return fig
