"""Lay out and render a chart of the varied looks: margins, ticks, grid, title, labels, legend, context.

A chart type's drawer (:data:`.chart_kinds.KINDS`) draws the marks and says what the layout needs to know
about them in a :class:`~.drawing.DrawnMarks`; :func:`draw_varied` then places the plot area, the ticks and
the words around the marks, in steps: ticks that fit, the margins they and the words need, the title and
legend, the axes. Like :func:`.clean_look.draw_figure`, it computes limits, ticks and margins itself (no
layout pass, no matplotlib tick machinery), with the helpers of :mod:`.drawing`; every text is a
:class:`.labels.Label` (5× cheaper than matplotlib's ``Text``). The figure is set up so that one point
is one pixel of the look's drawing size (``dpi = 72 × scale``): a 640×480 look stored at 128 px is drawn
directly at 128×96.
"""

from __future__ import annotations

import dataclasses
import io
import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from PIL import Image

from .chart_kinds import KINDS
from .context import place_in_context
from .drawing import Data, DrawnMarks, Ticks, draw_ticks, empty_figure, nice_ticks, render
from .labels import Label
from .tool_looks import Look

__all__ = ["draw_varied", "render_varied"]

TICK_LENGTH = 4.0  # pixels of the drawing
TICK_GAP = 3.0  # between a tick mark and its label
EDGE_GAP = 6.0  # between the picture's edge and the outermost words
GRID_AXES = {"both": "xy", "x": "x", "y": "y"}  # a look's grid → the axes that get grid lines


@dataclasses.dataclass(frozen=True)
class PlotArea:
    """Where the plot area lies in the drawing: its margins and its size, in pixels of the drawing."""

    left: float
    bottom: float
    right: float
    top: float
    width: float
    height: float


def draw_varied(
    kind: str, look: Look, data: Data, *, size_px: int = 128, fig: Figure | None = None
) -> Figure:
    """Draw one chart of the varied looks on an Agg figure whose longest side is ``size_px``; return it,
    not yet rendered (``fig``: a figure of an earlier chart, emptied and reused)."""
    fig = _drawing_figure(look, size_px, fig)
    ax = fig.axes[0]
    marks = KINDS[kind].draw(ax, data, look, 1.0)
    ticks, turn_names = _ticks_that_fit(marks, look)
    n_series = len(data["values"])
    has_legend = marks.legend_key == "wedge" or n_series > 1
    area = _plot_area(marks, look, ticks, turn_names, has_legend)
    width, height = look.width, look.height
    ax.set(
        position=(area.left / width, area.bottom / height, area.width / width, area.height / height),
        facecolor=look.plot_bg,
    )
    ax.set_xlim(*marks.x_limits)
    ax.set_ylim(*marks.y_limits)
    text = dict(color=look.text, family=look.font, fontsize=look.fontsize)
    if look.title:
        _title(fig, look, area, text)
    if has_legend and look.legend != "none":
        _legend(ax, marks, look, n_series)
    if not marks.has_axes:
        ax.set_frame_on(False)
        return fig
    _axes_and_ticks(ax, look, ticks, turn_names, area, text)
    if look.frame:  # office suites frame the whole chart
        frame = Rectangle((0.004, 0.004), 0.992, 0.992, fill=False, transform=fig.transFigure)
        frame.set(edgecolor=look.grid_color, linewidth=1.0)
        fig.add_artist(frame)
    _axis_labels(fig, look, area, text)
    if look.annotate:
        _note(ax, marks, look, text)
    return fig


def _drawing_figure(look: Look, size_px: int, fig: Figure | None) -> Figure:
    """An empty figure of the look's drawing size in points, stored at ``size_px`` on its longest side."""
    scale = size_px / max(look.width, look.height)
    fig = empty_figure(fig)
    fig.set(size_inches=(look.width / 72, look.height / 72), dpi=72 * scale, facecolor=look.paper)
    return fig


def _ticks_that_fit(marks: DrawnMarks, look: Look) -> tuple[list[Ticks], float]:
    """The x and y ticks whose labels fit (category names thinned or turned), and the x names' angle."""
    width, height, font_size = look.width, look.height, look.fontsize
    char_width = 0.6 * font_size
    turn_names = marks.turn_names
    if not (marks.has_axes and look.ticks):
        return [([], []), ([], [])], turn_names
    integer_x = marks.integer_x or marks.category_axis == 1
    ticks = [
        nice_ticks(*marks.x_limits, 0.7 * width, lambda s: (len(s) + 2.5) * char_width, integer_x),
        nice_ticks(*marks.y_limits, 0.6 * height, lambda s: 2.5 * font_size, False),
    ]
    if marks.categories:
        axis = marks.category_axis
        if axis:
            room, name_size = 0.85 * height, lambda s: 1.3 * font_size
        else:
            room, name_size = 0.8 * width, lambda s: (len(s) + 1.5) * char_width
        if not axis and turn_names and sum(map(name_size, marks.categories[1])) > room:
            name_size = lambda s: 1.3 * font_size  # noqa: E731  turned names take one line's height each
        else:
            turn_names = 0
        ticks[axis] = _thin(*marks.categories, room, name_size)
    return ticks, turn_names


def _thin(locs: list, names: list, room: float, width) -> tuple[list, list]:
    """Every k-th category tick, so that the labels fit in ``room`` pixels."""
    step = 1
    while step < len(names) and sum(width(s) for s in names[::step]) > room:
        step += 1
    return list(locs[::step]), list(names[::step])


def _plot_area(
    marks: DrawnMarks, look: Look, ticks: list[Ticks], turn_names: float, has_legend: bool
) -> PlotArea:
    """The margins that the tick labels, axis labels, title and legend need, and the plot area left."""
    width, height, font_size = look.width, look.height, look.fontsize
    char_width, axes = 0.6 * font_size, marks.has_axes
    (x_locs, x_names), (y_locs, y_names) = ticks
    y_chars = max((len(s) for s in y_names), default=0)
    legend_names = marks.slice_names or ["Series 1"]
    legend_room = max((len(s) for s in legend_names), default=6) * char_width + 2.5 * font_size
    y_ticks_room = TICK_LENGTH + TICK_GAP + char_width * y_chars if y_locs else 0
    left = EDGE_GAP + (1.5 * font_size if look.ylabel and axes else 0) + y_ticks_room
    turn = math.radians(turn_names)  # turned x names need more room below the plot
    names_height = max((len(s) for s in x_names), default=0) * char_width * math.sin(
        turn
    ) + font_size * math.cos(turn)
    x_ticks_room = TICK_LENGTH + TICK_GAP + names_height if x_locs else 0
    bottom = EDGE_GAP + (1.5 * font_size if look.xlabel and axes else 0) + x_ticks_room
    top = EDGE_GAP + (1.8 * font_size if look.title else 0) + 0.5 * font_size
    right = EDGE_GAP + (0.5 * char_width * len(x_names[-1]) if x_names else 0)
    if has_legend and look.legend in ("right", "top", "bottom"):
        extra = {"right": legend_room, "top": 1.6 * font_size, "bottom": 1.6 * font_size}[look.legend]
        right, top = right + extra * (look.legend == "right"), top + extra * (look.legend == "top")
        bottom += extra * (look.legend == "bottom")
    pad_left, pad_bottom, pad_right, pad_top = look.pads
    left, bottom = left + pad_left * width, bottom + pad_bottom * height
    right, top = right + pad_right * width, top + pad_top * height
    plot_width = max(width - left - right, 0.25 * width)
    plot_height = max(height - bottom - top, 0.25 * height)
    return PlotArea(left, bottom, right, top, plot_width, plot_height)


def _title(fig: Figure, look: Look, area: PlotArea, text: dict) -> None:
    """The title, over the plot area's middle or at its left edge."""
    width, height = look.width, look.height
    if look.title_left:
        x, align = area.left / width, "left"
    else:
        x, align = (area.left + area.width / 2) / width, "center"
    title = text | {"fontsize": 1.15 * look.fontsize}
    fig.add_artist(Label(x, 1 - EDGE_GAP / height, look.title, ha=align, va="top", **title))


def _legend(ax: Axes, marks: DrawnMarks, look: Look, n_series: int) -> None:
    """A legend for several series (or a pie's slices): colour keys and names, placed by hand (fast)."""
    colors = look.colors
    if marks.legend_key == "wedge":
        names = list(marks.slice_names)
    elif n_series > 1:
        names = [f"Series {i + 1}" for i in range(n_series)]
    else:
        return
    fig, font_size = ax.figure, 0.8 * look.fontsize
    width, height = fig.get_size_inches() * 72  # drawing pixels
    plot = ax.get_position()
    # one entry's height, a key's width (figure fractions)
    line, key = 1.3 * font_size / height, 0.9 * font_size / width
    widths = [(len(name) * 0.6 * font_size + 1.6 * font_size) / width for name in names]
    if look.legend in ("top", "bottom"):
        y = plot.y1 + 0.3 * line if look.legend == "top" else 0.6 * line + 6 / height
        x = plot.x0 + (plot.width - sum(widths)) / 2
        spots = [(x + sum(widths[:i]), y) for i in range(len(names))]
    else:
        x = plot.x1 + 6 / width if look.legend == "right" else plot.x1 - max(widths) - 4 / width
        y = plot.y0 + plot.height / 2 + line * len(names) / 2 if look.legend == "right" else plot.y1 - line
        spots = [(x, y - i * line) for i in range(len(names))]
    if look.legend_box:  # a frame around the entries, as office suites draw legends
        x0, y_top = min(x for x, _ in spots), max(y for _, y in spots) + line
        x1 = max(x + entry for (x, _), entry in zip(spots, widths, strict=True))
        y0 = min(y for _, y in spots) - 0.2 * line
        frame = Rectangle((x0 - 3 / width, y0), x1 - x0 + 3 / width, y_top - y0, facecolor=look.paper)
        frame.set(edgecolor=look.grid_color, linewidth=0.8)
        fig.add_artist(frame)
    for i, ((x, y), name) in enumerate(zip(spots, names, strict=True)):
        color = colors[i % len(colors)]
        if marks.legend_key == "line":
            fig.add_artist(Line2D([x, x + key], [y + line / 3] * 2, color=color, lw=look.linewidth))
        elif marks.legend_key == "point":
            fig.add_artist(Line2D([x + key / 2], [y + line / 3], color=color, marker="o", ms=0.5 * font_size))
        else:
            fig.add_artist(Rectangle((x, y), key, line * 0.6, color=color))
        fig.add_artist(Label(x + key * 1.4, y, name, color=look.text, family=look.font, fontsize=font_size))


def _axes_and_ticks(
    ax: Axes, look: Look, ticks: list[Ticks], turn_names: float, area: PlotArea, text: dict
) -> None:
    """The spines the look shows, the tick marks and labels, and the grid lines (major and minor)."""
    for name, spine in ax.spines.items():
        shown = {"box": True, "open": name in ("left", "bottom"), "bottom": name == "bottom"}.get(
            look.spines, False
        )
        spine.set_visible(shown)
        spine.set(color=look.text if look.theme != "spreadsheet" else look.grid_color, linewidth=0.8)
    draw_ticks(
        ax,
        ticks,
        size=(area.width, area.height),
        text=text | {"fontsize": 0.9 * look.fontsize},
        tick=TICK_LENGTH,
        gap=TICK_GAP,
        lw=0.8,
        marks=look.spines != "none",
        grid=GRID_AXES.get(look.grid, ""),
        grid_color=look.grid_color,
        rotate=turn_names,
        labels=Label,
    )
    if look.minor_grid and look.grid != "none":
        _minor_grid(ax, ticks, look)


def _minor_grid(ax: Axes, ticks: list[Ticks], look: Look) -> None:
    """Lighter, thinner grid lines halfway between the major ones, on the axes that have a grid."""
    for i, (locs, _) in enumerate(ticks):
        if len(locs) < 2 or "xy"[i] not in GRID_AXES.get(look.grid, ""):
            continue
        middles = (np.asarray(locs[:-1]) + np.asarray(locs[1:])) / 2
        trans = ax.get_xaxis_transform() if i == 0 else ax.get_yaxis_transform()
        segments = [((t, 0), (t, 1)) if i == 0 else ((0, t), (1, t)) for t in middles]
        lines = LineCollection(segments, colors=look.grid_color, lw=0.4, alpha=0.6)
        ax.add_collection(lines, autolim=False).set(transform=trans, zorder=0.4)


def _axis_labels(fig: Figure, look: Look, area: PlotArea, text: dict) -> None:
    """The x label under the plot area's middle, the y label turned, at the left edge."""
    width, height = look.width, look.height
    if look.xlabel:
        x = (area.left + area.width / 2) / width
        fig.add_artist(Label(x, EDGE_GAP / height, look.xlabel, ha="center", va="bottom", **text))
    if look.ylabel:
        place = dict(ha="left", va="center", rotation=90)
        y = (area.bottom + area.height / 2) / height
        fig.add_artist(Label(EDGE_GAP / width, y, look.ylabel, **place, **text))


def _note(ax: Axes, marks: DrawnMarks, look: Look, text: dict) -> None:
    """A dashed reference line across the values at 60 % of their range, and a note in the corner."""
    (x0, x1), (y0, y1) = marks.x_limits, marks.y_limits
    if marks.category_axis == 1:
        ax.axvline(x0 + 0.6 * (x1 - x0), color=look.text, lw=1, ls="--")
    else:
        ax.axhline(y0 + 0.6 * (y1 - y0), color=look.text, lw=1, ls="--")
    note = text | {"fontsize": 0.8 * look.fontsize}
    ax.add_artist(Label(x0 + 0.05 * (x1 - x0), y0 + 0.9 * (y1 - y0), "Note", **note))


def render_varied(
    fig: Figure, jpeg: int = 0, context: str = "none", rng: np.random.Generator | None = None
) -> Image.Image:
    """Render a figure from :func:`draw_varied` to an RGB image: in its ``context`` (drawn with ``rng``;
    see :mod:`.context`), then through JPEG at quality ``jpeg`` if > 0."""
    image = Image.fromarray(render(fig))
    if context != "none":
        image = place_in_context(image, context, rng if rng is not None else np.random.default_rng(0))
    if jpeg:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=jpeg)
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    return image
