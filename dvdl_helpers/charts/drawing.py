"""Drawing helpers shared by both chart generators (the clean look, :mod:`.clean_look`, and the varied
looks, :mod:`.layout`).

The fast way of drawing a chart: one Agg figure (no pyplot) emptied and reused (:func:`empty_figure`),
tick positions chosen beforehand so that their labels fit (:func:`nice_ticks`), tick marks, labels and
grid lines drawn as two line collections and a few texts instead of matplotlib's ``Axis`` machinery
(:func:`draw_ticks`), then the canvas read as an array (:func:`render`). :func:`four_digits` rounds the
numbers a chart shows, so that the CSV records exactly what is drawn. :class:`DrawnMarks` is what a chart
type's drawer of the varied looks tells the layout about the marks it drew.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

__all__ = ["render"]

#: One axis's ticks: positions (data units) and their labels.
Ticks = tuple[Sequence[float], Sequence[str]]
#: A chart's data, as a type's sampler draws it for its drawer (:data:`.chart_kinds.KINDS`): ``"values"``
#: and ``"x"`` (lists of series), ``"variant"`` and a few options per type.
Data = dict


@dataclasses.dataclass(frozen=True)
class DrawnMarks:
    """What a chart type's drawer tells the layout (:func:`.layout.draw_varied`) about the marks it drew."""

    x_limits: tuple[float, float]  # the axes' limits, in data units
    y_limits: tuple[float, float]
    legend_key: str  # a legend entry's key: "patch", "line" or "point"; "wedge": a pie's slices, named
    has_axes: bool = True  # False: no axes, ticks or spines (a pie)
    integer_x: bool = False  # x ticks on whole numbers only (years, indices)
    categories: Ticks | None = None  # the categories' positions and names, on one axis
    category_axis: int = 0  # the axis the categories are on: 0 = x, 1 = y (horizontal bars)
    turn_names: float = 0  # degrees to turn the x categories' names when they do not fit side by side
    slice_names: Sequence[str] = ()  # a pie's slices, named in its legend


def four_digits(a) -> list[float]:
    """The numbers of ``a`` (any shape), flattened and rounded to 4 significant digits."""
    return [float(f"{v:.4g}") for v in np.ravel(a)]


def nice_ticks(
    lo: float, hi: float, room: float, size: Callable[[str], float], integer: bool
) -> tuple[list[float], list[str]]:
    """Nice tick positions in ``[lo, hi]`` and their labels: as many as fit in ``room`` pixels.

    ``size(label)`` is the room one label takes (its width on an x axis, its height on a y axis).
    """
    eps = 1e-9 * (hi - lo)
    for nbins in (5, 4, 3, 2, 1):
        locs = MaxNLocator(nbins, integer=integer).tick_values(lo, hi)
        locs = [float(t) for t in locs if lo - eps <= t <= hi + eps]
        labels = [f"{t:g}".replace("-", "\N{MINUS SIGN}") for t in locs]
        if sum(size(s) for s in labels) <= room:
            break
    return locs, labels


def draw_ticks(
    ax: Axes,
    ticks: Sequence[Ticks],
    *,
    size: tuple[float, float],
    text: dict,
    tick: float,
    gap: float,
    lw: float,
    marks: bool = True,
    grid: str = "",
    grid_color: str = "#cccccc",
    grid_ls: str = "-",
    rotate: float = 0,
    labels: Callable[..., Artist] | None = None,
) -> None:
    """Tick marks, tick labels and grid lines of the x and y ``ticks``, without matplotlib's ``Axis``.

    ``size``: the plot area's width and height in pixels; ``tick``: the tick length and ``gap``: the
    space between tick and label (pixels); ``text``: the labels' colour, family and font size (the marks
    take the colour); ``marks``: draw tick marks; ``grid``: the axes that get grid lines (``"x"``,
    ``"y"``, ``"xy"`` or ``""``); ``rotate``: the x labels' angle in degrees (turned labels end under
    their tick); ``labels``: the labels' artist class, added to the figure (default: ``ax.text``).
    """
    aw, ah = size
    for i, (locs, names) in enumerate(ticks):  # i = 0: x axis, 1: y axis; across the axis in axes units
        trans = ax.get_xaxis_transform() if i == 0 else ax.get_yaxis_transform()
        off = tick / (ah if i == 0 else aw)
        seg = (lambda t, a, b: ((t, a), (t, b))) if i == 0 else (lambda t, a, b: ((a, t), (b, t)))
        if marks:
            lines = LineCollection([seg(t, 0, -off) for t in locs], colors=text["color"], lw=lw)
            ax.add_collection(lines, autolim=False).set(transform=trans, clip_on=False)
        if "xy"[i] in grid:
            lines = LineCollection([seg(t, 0, 1) for t in locs], colors=grid_color, lw=lw)
            ax.add_collection(lines, autolim=False).set(transform=trans, linestyle=grid_ls, zorder=0.5)
        align = dict(ha="center", va="top") if i == 0 else dict(ha="right", va="center")
        if i == 0 and rotate:
            align = dict(
                ha="right", va="top" if rotate < 90 else "center", rotation=rotate, rotation_mode="anchor"
            )
        for t, s in zip(locs, names, strict=True):
            xy = (t, -off - gap / ah) if i == 0 else (-off - gap / aw, t)
            if labels is None:
                ax.text(*xy, s, transform=trans, **align, **text, clip_on=False)
            else:
                ax.figure.add_artist(labels(*xy, s, transform=trans, **align, **text))


def empty_figure(fig: Figure | None) -> Figure:
    """A figure with one bare axes: new, or ``fig`` emptied of an earlier chart and of what ax.pie changed."""
    if fig is None:
        fig = Figure()
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.xaxis.set_visible(False)
        ax.yaxis.set_visible(False)
        return fig
    ax = fig.axes[0]
    for artist in [
        *ax.patches,
        *ax.lines,
        *ax.artists,
        *ax.collections,
        *ax.texts,
        *fig.texts,
        *fig.artists,
        *fig.lines,
        ax.legend_,
    ]:
        if artist is not None:
            artist.remove()
    ax.containers.clear()
    ax.set(aspect="auto", frame_on=True)
    return fig


def render(fig: Figure) -> np.ndarray:
    """Render a chart's figure to an ``H×W×3`` uint8 RGB array."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
