"""Figures for looking inside a network (notebooks 04, 05): filters, feature maps, saliency / Grad-CAM,
chart grids, top-activating images, embedding maps."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Colormap
from matplotlib.figure import Figure

from dvdl_helpers.data import square_images
from dvdl_helpers.plots.basics import image_cells
from dvdl_helpers.plots.images import PictureFigure

__all__ = [
    "chart_grid",
    "class_image_rows",
    "embedding_maps",
    "explanation_grid",
    "feature_map_grid",
    "filter_grid",
    "padding_comparison",
    "top_activation_grid",
]


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
    A :class:`PictureFigure`: a notebook shows it as a JPEG where that is much smaller (smooth heatmaps).
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
        FigureClass=PictureFigure,
    )
    for ax in axes.flat:
        ax.axis("off")
    colours = plt.get_cmap(cmap)
    for index, digit in enumerate(images):
        block, row = divmod(index, per_block)
        first = block * (width + 1)
        true, pred = int(labels[index]), int(predictions[index])
        _image_with_verdict(
            axes[row, first], digit, label_text(true), label_text(pred), wrong=true != pred, cmap=image_cmap
        )
        for offset, name in enumerate(names, start=1):
            ax = axes[row, first + offset]
            _heatmap_over(ax, digit, maps[name][index], colours, alpha, image_cmap)
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


def _image_with_verdict(
    ax: Axes, image: np.ndarray, true: str, predicted: str, *, wrong: bool, cmap: str
) -> None:
    """The image, titled with its label, or ``label→prediction`` in red when the network is wrong."""
    ax.imshow(image, cmap=cmap)
    ax.set_title(f"{true}→{predicted}" if wrong else true, color="crimson" if wrong else "black", fontsize=10)


def _heatmap_over(
    ax: Axes, image: np.ndarray, heat: np.ndarray, colours: Colormap, alpha: float, cmap: str
) -> None:
    """A heatmap scaled to [0, 1] over a faded ``image``, more opaque where it is stronger."""
    heat = np.asarray(heat, dtype=np.float32)
    peak = float(heat.max())
    heat = np.clip(heat / peak if peak > 0 else heat, 0.0, 1.0)
    ax.imshow(image, cmap=cmap, alpha=0.6)
    ax.imshow(heat, cmap=colours, vmin=0, vmax=1, alpha=alpha * heat)


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
    ``empty_text`` (e.g. "no mistakes") instead of failing. A :class:`PictureFigure`: a notebook shows it
    as a JPEG where that is much smaller (photographed and scanned charts), else as a PNG.
    """
    images = np.asarray(images)
    names = (lambda c: str(class_names[c])) if class_names is not None else str
    nrows = nrows or max(1, int(np.ceil(len(images) / ncols)))
    images = images[: nrows * ncols]
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(ncols * cell_size, nrows * cell_size * 1.12 + 0.5),
        squeeze=False,
        FigureClass=PictureFigure,
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
        images = square_images(np.asarray(rows[name], dtype=np.float32))
        if name in symmetric:
            limit = float(np.abs(images).max()) or 1.0
            vmin, vmax, cmap = -limit, limit, cmaps.get(name, "RdBu")
        else:
            vmin, vmax, cmap = float(images.min()), float(images.max()), cmaps.get(name, "gray_r")
        image = None
        for col, ax in image_cells(axes[row], len(images)):
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
        for col, ax in image_cells(axes[row], len(indices)):
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


def padding_comparison(
    padded: np.ndarray,
    pad: int,
    maps: dict[str, np.ndarray],
    *,
    title: str = "Zero padding and the border of a feature map",
    input_label: str = "input as the layer sees it",
    cell_size: float = 2.3,
) -> Figure:
    """Show a padded input (H+2p × W+2p) with its original area outlined, next to feature maps (H×W).

    The input uses ``"gray_r"`` (high values dark), so padding that differs from the paper shows as a
    frame around the outlined image; the maps (``{"panel title": H×W}``) share one ``"magma"`` scale
    from 0, like :func:`feature_map_grid`.
    """
    from matplotlib.patches import Rectangle

    padded = np.asarray(padded, dtype=np.float32)
    if padded.ndim != 2 or min(padded.shape) <= 2 * pad:
        raise ValueError(f"Expected one padded H×W image larger than 2×pad={2 * pad}, got {padded.shape}.")
    fig, axes = plt.subplots(
        1,
        1 + len(maps),
        figsize=((1 + len(maps)) * cell_size + 1.6, cell_size + 1.0),
        squeeze=False,
        layout="constrained",
    )
    axes = axes[0]
    shown = axes[0].imshow(padded, cmap="gray_r")
    axes[0].add_patch(
        Rectangle(
            (pad - 0.5, pad - 0.5),
            padded.shape[1] - 2 * pad,
            padded.shape[0] - 2 * pad,
            fill=False,
            edgecolor="tab:blue",
            linewidth=1.5,
            linestyle="--",
        )
    )
    axes[0].set_title(f"{input_label}\n(dashed: the image, outside: padding)", fontsize=9)
    _colorbar(fig, shown, axes[0], "value")
    vmax = max(float(np.max(image)) for image in maps.values()) or 1.0
    image = None
    for ax, (name, feature_map) in zip(axes[1:], maps.items(), strict=True):
        image = ax.imshow(np.asarray(feature_map), cmap="magma", vmin=0, vmax=vmax)
        ax.set_title(name, fontsize=9)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    if image is not None:
        _colorbar(fig, image, axes[1:], "activation")
    fig.suptitle(title)
    return fig
