"""Lay out and render a chart of generator v2: margins, ticks, grid, title, labels, legend, notes, context.

Like :func:`.clean.draw_figure`, it computes limits, ticks and margins itself (no layout pass, no
matplotlib tick machinery), with the same helpers (:mod:`.drawing`); every text is a
:class:`.labels.Label` (5× cheaper than matplotlib's ``Text``). The figure is set up so that one point
is one pixel of the look's drawing size (``dpi = 72 × scale``): a 640×480 look stored at 128 px is drawn
directly at 128×96.
"""

from __future__ import annotations

import io
import math

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from PIL import Image

from .context import place_in_context
from .drawing import draw_ticks, empty_figure, nice_ticks, render
from .labels import Label
from .looks import Look
from .varied import KINDS, Data


def _thin(locs: list, names: list, room: float, width) -> tuple[list, list]:
    """Every k-th category tick, so that the labels fit in ``room`` pixels."""
    step = 1
    while step < len(names) and sum(width(s) for s in names[::step]) > room:
        step += 1
    return list(locs[::step]), list(names[::step])


def _legend(ax, spec: dict, look: Look, n_series: int) -> None:
    """A legend for several series (or a pie's slices): colour keys and names, placed by hand (fast)."""
    colors = look.colors
    if spec.get("legend") == "wedge":
        names = list(spec["names"])
    elif n_series > 1:
        names = [f"Series {i + 1}" for i in range(n_series)]
    else:
        return
    fig, fs = ax.figure, 0.8 * look.fontsize
    w, h = fig.get_size_inches() * 72  # drawing pixels
    box = ax.get_position()
    line, key = 1.3 * fs / h, 0.9 * fs / w  # one entry's height, a key's width (figure fractions)
    widths = [(len(name) * 0.6 * fs + 1.6 * fs) / w for name in names]
    if look.legend in ("top", "bottom"):
        y = box.y1 + 0.3 * line if look.legend == "top" else 0.6 * line + 6 / h
        x = box.x0 + (box.width - sum(widths)) / 2
        spots = [(x + sum(widths[:i]), y) for i in range(len(names))]
    else:
        x = box.x1 + 6 / w if look.legend == "right" else box.x1 - max(widths) - 4 / w
        y = box.y0 + box.height / 2 + line * len(names) / 2 if look.legend == "right" else box.y1 - line
        spots = [(x, y - i * line) for i in range(len(names))]
    kind = spec.get("legend")
    if look.legend_box:  # a frame around the entries, as office suites draw legends
        x0, y_top = min(x for x, _ in spots), max(y for _, y in spots) + line
        x1 = max(x + wid for (x, _), wid in zip(spots, widths, strict=True))
        y0 = min(y for _, y in spots) - 0.2 * line
        box = Rectangle((x0 - 3 / w, y0), x1 - x0 + 3 / w, y_top - y0, facecolor=look.paper)
        box.set(edgecolor=look.grid_color, linewidth=0.8)
        fig.add_artist(box)
    for i, ((x, y), name) in enumerate(zip(spots, names, strict=True)):
        color = colors[i % len(colors)]
        if kind == "line":
            fig.add_artist(Line2D([x, x + key], [y + line / 3] * 2, color=color, lw=look.linewidth))
        elif kind == "point":
            fig.add_artist(Line2D([x + key / 2], [y + line / 3], color=color, marker="o", ms=0.5 * fs))
        else:
            fig.add_artist(Rectangle((x, y), key, line * 0.6, color=color))
        fig.add_artist(Label(x + key * 1.4, y, name, color=look.text, family=look.font, fontsize=fs))


def draw_varied(
    kind: str, look: Look, data: Data, *, size_px: int = 128, fig: Figure | None = None
) -> Figure:
    """Draw one v2 chart on an Agg figure whose longest side is ``size_px``; return it, not yet rendered."""
    scale = size_px / max(look.width, look.height)
    w, h = look.width, look.height  # drawing pixels = points
    fig = empty_figure(fig)
    fig.set(size_inches=(w / 72, h / 72), dpi=72 * scale, facecolor=look.paper)
    ax = fig.axes[0]
    spec = KINDS[kind].draw(ax, data, look, 1.0)
    axis, fs = spec.get("axis", True), look.fontsize
    cw, tick, pad = 0.6 * fs, 4.0, 6.0  # character width, tick length, margin (pixels)
    ticks = [([], []), ([], [])]
    if axis and look.ticks:
        (x0, x1), (y0, y1) = spec["lims"]
        horizontal = spec.get("cat_axis") == 1
        ticks = [
            nice_ticks(
                x0, x1, 0.7 * w, lambda s: (len(s) + 2.5) * cw, spec.get("integer_x", False) or horizontal
            ),
            nice_ticks(y0, y1, 0.6 * h, lambda s: 2.5 * fs, False),
        ]
        if spec.get("cats"):
            i = spec["cat_axis"]
            room, width = (0.85 * h, lambda s: 1.3 * fs) if i else (0.8 * w, lambda s: (len(s) + 1.5) * cw)
            if not i and spec.get("rotate") and sum(map(width, spec["cats"][1])) > room:
                width = lambda s: 1.3 * fs  # noqa: E731  turned names take one line's height each
            else:
                spec["rotate"] = 0
            ticks[i] = _thin(*spec["cats"], room, width)
    ychars = max((len(s) for s in ticks[1][1]), default=0)
    n_series = len(data["values"])
    many = spec.get("legend") == "wedge" or n_series > 1
    legend_room = max((len(s) for s in spec.get("names", ["Series 1"])), default=6) * cw + 2.5 * fs
    left = pad + (1.5 * fs if look.ylabel and axis else 0) + (tick + 3 + cw * ychars if ticks[1][0] else 0)
    turn = math.radians(spec.get("rotate", 0))  # turned x names need more room below the plot
    names_height = max((len(s) for s in ticks[0][1]), default=0) * cw * math.sin(turn) + fs * math.cos(turn)
    bottom = pad + (1.5 * fs if look.xlabel and axis else 0) + (tick + 3 + names_height if ticks[0][0] else 0)
    top = pad + (1.8 * fs if look.title else 0) + 0.5 * fs
    right = pad + (0.5 * cw * len(ticks[0][1][-1]) if ticks[0][1] else 0)
    if many and look.legend in ("right", "top", "bottom"):
        extra = {"right": legend_room, "top": 1.6 * fs, "bottom": 1.6 * fs}[look.legend]
        right, top = right + extra * (look.legend == "right"), top + extra * (look.legend == "top")
        bottom += extra * (look.legend == "bottom")
    pl, pb, pr, pt = look.pads
    left, bottom, right, top = left + pl * w, bottom + pb * h, right + pr * w, top + pt * h
    aw, ah = max(w - left - right, 0.25 * w), max(h - bottom - top, 0.25 * h)
    ax.set(position=(left / w, bottom / h, aw / w, ah / h), facecolor=look.plot_bg)
    ax.set_xlim(*spec["lims"][0])
    ax.set_ylim(*spec["lims"][1])
    text = dict(color=look.text, family=look.font, fontsize=fs)
    if look.title:
        x, align = (left / w, "left") if look.title_left else ((left + aw / 2) / w, "center")
        title = text | {"fontsize": 1.15 * fs}
        fig.add_artist(Label(x, 1 - pad / h, look.title, ha=align, va="top", **title))
    if many and look.legend != "none":
        _legend(ax, spec, look, n_series)
    if not axis:
        ax.set_frame_on(False)
        return fig
    for name, spine in ax.spines.items():
        shown = {"box": True, "open": name in ("left", "bottom"), "bottom": name == "bottom"}.get(
            look.spines, False
        )
        spine.set_visible(shown)
        spine.set(color=look.text if look.theme != "spreadsheet" else look.grid_color, linewidth=0.8)
    draw_ticks(
        ax,
        ticks,
        size=(aw, ah),
        text=text | {"fontsize": 0.9 * fs},
        tick=tick,
        gap=3,
        lw=0.8,
        marks=look.spines != "none",
        grid={"both": "xy", "x": "x", "y": "y"}.get(look.grid, ""),
        grid_color=look.grid_color,
        rotate=spec.get("rotate", 0),
        labels=Label,
    )
    if look.minor_grid and look.grid != "none":
        _minor_grid(ax, ticks, look)
    if look.frame:  # office suites frame the whole chart
        frame = Rectangle((0.004, 0.004), 0.992, 0.992, fill=False, transform=fig.transFigure)
        frame.set(edgecolor=look.grid_color, linewidth=1.0)
        fig.add_artist(frame)
    if look.xlabel:
        fig.add_artist(Label((left + aw / 2) / w, pad / h, look.xlabel, ha="center", va="bottom", **text))
    if look.ylabel:
        place = dict(ha="left", va="center", rotation=90)
        fig.add_artist(Label(pad / w, (bottom + ah / 2) / h, look.ylabel, **place, **text))
    if look.annotate:
        (x0, x1), (y0, y1) = spec["lims"]
        if spec.get("cat_axis") == 1:
            ax.axvline(x0 + 0.6 * (x1 - x0), color=look.text, lw=1, ls="--")
        else:
            ax.axhline(y0 + 0.6 * (y1 - y0), color=look.text, lw=1, ls="--")
        note = text | {"fontsize": 0.8 * fs}
        ax.add_artist(Label(x0 + 0.05 * (x1 - x0), y0 + 0.9 * (y1 - y0), "Note", **note))
    return fig


def _minor_grid(ax, ticks, look: Look) -> None:
    """Lighter, thinner grid lines halfway between the major ones, on the axes that have a grid."""
    for i, (locs, _) in enumerate(ticks):
        if len(locs) < 2 or "xy"[i] not in {"both": "xy", "x": "x", "y": "y"}.get(look.grid, ""):
            continue
        middles = (np.asarray(locs[:-1]) + np.asarray(locs[1:])) / 2
        trans = ax.get_xaxis_transform() if i == 0 else ax.get_yaxis_transform()
        segments = [((t, 0), (t, 1)) if i == 0 else ((0, t), (1, t)) for t in middles]
        lines = LineCollection(segments, colors=look.grid_color, lw=0.4, alpha=0.6)
        ax.add_collection(lines, autolim=False).set(transform=trans, zorder=0.4)


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
