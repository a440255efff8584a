"""Figures for autoencoders of chart images (notebook 06): reconstructions, latent maps, probe paths."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from dvdl_helpers.data import square_images
from dvdl_helpers.plots.basics import image_cells

__all__ = ["latent_paths", "latent_size_sweep", "probe_curves", "reconstruction_rows", "thumbnail_map"]


def _as_images(images: object) -> np.ndarray:
    """N×H×W floats from N×H×W, N×H×W×1 or N×(H·W) (square) images."""
    images = np.asarray(images, dtype=np.float32)
    return square_images(images) if images.ndim in (2, 4) else images


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
        for col, ax in image_cells(axes[row], len(images)):
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
    names = list(maps)
    labels_array, classes = _class_colours(labels, len(next(iter(maps.values()))))
    nrows = 2 if focus else 1
    width = len(names) * panel_size + 1.8
    fig, axes = plt.subplots(nrows, len(names), figsize=(width, nrows * panel_size), squeeze=False)
    for col, name in enumerate(names):
        points = np.asarray(maps[name], dtype=float)
        for row in range(nrows):
            ax, zoomed = axes[row, col], row == 1
            _class_points(ax, points, labels_array, classes, class_names, zoomed=zoomed)
            for number, (probe, path) in enumerate(paths[name].items()):
                thumbs_shown = path_images is not None and probe in path_images and (zoomed or not focus)
                thumbs = _as_images(path_images[probe]) if thumbs_shown else None
                _probe_path(ax, np.asarray(path, dtype=float), probe, number, thumbs, cmap)
            _frame_the_paths(ax, points, paths[name].values(), zoomed=zoomed, mark=focus and not zoomed)
            xlabel, ylabel = (axis_labels or {}).get(name, ("dimension 1", "dimension 2"))
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
            ax.set_title(f"{name}: zoomed in on the paths" if zoomed else name)
    handles, texts = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, texts, loc="center right", frameon=False, markerscale=2)
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0, 1 - 1.6 / width, 1))
    return fig


def _class_points(
    ax: Axes,
    points: np.ndarray,
    labels: np.ndarray,
    classes: Sequence[int],
    class_names: Sequence[str] | None,
    *,
    zoomed: bool,
) -> None:
    """The map's points, faintly, coloured by class (larger where the panel zooms in)."""
    colours = plt.get_cmap("tab10")
    for label in classes:
        members = points[labels == label]
        name = class_names[label] if class_names is not None else str(label)
        size, alpha = (14, 0.45) if zoomed else (5, 0.25)
        ax.scatter(members[:, 0], members[:, 1], s=size, color=colours(label % 10), alpha=alpha, label=name)


_PATH_CMAPS = ("Reds", "Blues", "Greens", "Purples", "Oranges")


def _probe_path(
    ax: Axes, path: np.ndarray, probe: str, number: int, thumbs: np.ndarray | None, cmap: str
) -> None:
    """One probe's path: a line, dots from light (first) to dark (last), an arrow, thumbnails at the ends."""
    from matplotlib.offsetbox import AnnotationBbox, OffsetImage

    shades = plt.get_cmap(_PATH_CMAPS[number % len(_PATH_CMAPS)])(np.linspace(0.35, 1.0, len(path)))
    ax.plot(path[:, 0], path[:, 1], color=shades[-1], lw=1.5, label=probe)
    dots = {"s": 22, "c": shades, "edgecolors": "black", "linewidths": 0.4, "zorder": 3}
    ax.scatter(path[:, 0], path[:, 1], **dots)
    if len(path) > 1:
        arrow = {"arrowstyle": "-|>", "color": shades[-1], "lw": 1.5}
        ax.annotate("", xy=path[-1], xytext=path[-2], arrowprops=arrow)
    if thumbs is None:
        return
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


def _frame_the_paths(
    ax: Axes, points: np.ndarray, paths: Iterable[np.ndarray], *, zoomed: bool, mark: bool
) -> None:
    """Zoom in on the paths (``zoomed``), or mark with a dashed rectangle the area a zoomed panel shows."""
    from matplotlib.patches import Rectangle

    all_path_points = np.concatenate([np.asarray(path, dtype=float) for path in paths])
    low, high = all_path_points.min(axis=0), all_path_points.max(axis=0)
    margin = np.maximum(0.6 * (high - low), 0.12 * np.ptp(points, axis=0))
    if zoomed:
        ax.set_xlim(low[0] - margin[0], high[0] + margin[0])
        ax.set_ylim(low[1] - margin[1], high[1] + margin[1])
    elif mark:
        corner, size = low - margin, high - low + 2 * margin
        ax.add_patch(Rectangle(corner, *size, fill=False, edgecolor="black", lw=0.8, ls="--"))


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


def latent_size_sweep(
    sizes: Sequence[int],
    errors: dict[str, Sequence[float]],
    *,
    baseline: float | None = None,
    baseline_label: str = "average chart",
    ylabel: str = "validation error (MSE per pixel)",
    title: str = "Reconstruction error against the size of the code",
) -> Figure:
    """Plot reconstruction error against code size, one line per method (``errors[m][j]`` at ``sizes[j]``).

    The size axis is logarithmic (base 2) with a tick at every size; ``baseline`` (the error of a code of
    zero numbers: the average image) is drawn as a dashed horizontal line. A NaN error leaves that size out
    of its method's line.
    """
    sizes = [int(s) for s in sizes]
    for method, values in errors.items():
        if len(values) != len(sizes):
            raise ValueError(f"{method}: {len(values)} errors for {len(sizes)} sizes")
    fig, ax = plt.subplots(figsize=(6.2, 4.0))
    markers = "osD^v<>"
    for j, (method, values) in enumerate(errors.items()):
        values = np.asarray(values, dtype=float)
        measured = np.isfinite(values)  # NaN: a size this method was not run at
        x = np.asarray(sizes)[measured]
        ax.plot(x, values[measured], marker=markers[j % len(markers)], ms=5, lw=1.5, label=method)
    if baseline is not None:
        ax.axhline(baseline, color="0.5", ls="--", lw=1, label=baseline_label)
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(s) for s in sizes])
    ax.minorticks_off()
    ax.set_xlabel("size of the code (neurons / components)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
