"""The chart kinds of the varied looks: what each type's variants draw, one table entry per type.

:data:`KINDS` maps a chart type to its data *sampler* (random numbers and a variant: grouped or stacked
bars, donut or exploded pie, dense time series, bubbles, stacked areas, histograms with gaps or a
density curve, ...) and its *drawer* (matplotlib calls on an ``Axes``, which say what they drew in a
:class:`~.drawing.DrawnMarks`). Adding a type or a variant is one entry or one branch; the types drawn
with bars (bars, horizontal bars, histograms) live in :mod:`.bar_kinds`. :func:`varied_spec` is the
recipe of a data set's chart: its :class:`~.tool_looks.Look` and its data. :func:`.layout.draw_varied`
lays any chart out the fast way of :mod:`.drawing` (ticks and margins computed beforehand, no layout
pass), at the look's drawing size, then the picture is shrunk to the stored size (fonts and lines shrink
with it, as on a thumbnail).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PatchCollection, PathCollection, PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Ellipse, Polygon, Wedge
from matplotlib.transforms import Affine2D, IdentityTransform

from .bar_kinds import (
    draw_bars,
    draw_hbars,
    draw_histogram,
    sample_bars,
    sample_hbars,
    sample_histogram,
    shade,
)
from .drawing import Data, DrawnMarks, four_digits
from .labels import Label
from .tool_looks import HELDOUT_THEMES, TRAIN_THEMES, Look, category_names, sample_look

__all__ = ["KINDS", "VARIED_STYLES", "VARIED_VERSION", "ChartKind", "context_rng", "varied_spec"]


def sample_lines(rng: np.random.Generator) -> Data:
    """Lines: random walks, seasonal curves, trends or steps; one to five series, or many thin ones; dense or
    sparse; markers, value labels or not."""
    variant = str(rng.choice(["walk", "walk", "seasonal", "trend", "dense", "step", "many"]))
    series = int(rng.integers(1, 6)) if rng.random() < 0.5 else 1
    series = int(rng.integers(6, 16)) if variant == "many" else series
    n = int(rng.integers(150, 500)) if variant == "dense" else int(rng.integers(5, 60))
    t = np.arange(n, dtype=float)
    drift = rng.normal(0, 0.3, (series, 1))
    if variant == "seasonal":
        period = rng.uniform(0.15, 0.6) * n
        ys = np.sin(2 * np.pi * t / period + rng.uniform(0, 6, (series, 1))) + rng.normal(
            0, 0.15, (series, n)
        )
    elif variant == "trend":
        ys = drift * t + rng.normal(0, rng.uniform(0.1, 2), (series, n))
    else:
        ys = np.cumsum(rng.normal(drift, 1, (series, n)), axis=1)
    ys = ys * float(rng.choice([1, 10, 100, 1000])) + float(rng.choice([0, 0, 50, 1000]))
    x0 = 0 if rng.random() < 0.5 else int(rng.integers(1950, 2010))
    return dict(
        values=[four_digits(y) for y in ys],
        x=[four_digits(t + x0)],
        variant=variant,
        markers=bool(n <= 40 and rng.random() < 0.35),
        marker=str(rng.choice(list("os^D"))),
        dashed=bool(series > 1 and rng.random() < 0.2),
        value_labels=bool(n <= 14 and series <= 2 and rng.random() < 0.3),
        more_markers=bool(n <= 40 and rng.random() < 0.2),  # office suites mark every point by default
        marker_scale=float(rng.choice([1.0, 1.0, 1.6, 2.4])),  # big markers on thin lines, as in web charts
    )


def draw_lines(ax: Axes, data: Data, look: Look, k: float) -> DrawnMarks:
    """Lines, with markers or dashes in some variants."""
    x, colors, variant = np.asarray(data["x"][0]), look.colors, data["variant"]
    lw = look.linewidth * k * (0.6 if variant == "dense" else 0.5 if variant == "many" else 1)
    text = dict(color=look.text, family=look.font, fontsize=0.75 * look.fontsize, ha="center", va="bottom")
    for s, y in enumerate(data["values"]):
        marked = data["markers"] or data.get("more_markers", False)
        style = (
            dict(marker=data["marker"], ms=(2.5 * lw + 2 * k) * data.get("marker_scale", 1.0))
            if marked
            else {}
        )
        ls = ("-", "--", ":", "-.")[s % 4] if data["dashed"] else "-"
        steps = dict(drawstyle="steps-post") if variant == "step" else {}
        ax.plot(x, y, color=colors[s % len(colors)], lw=lw, ls=ls, label=f"Series {s + 1}", **style, **steps)
        if data.get("value_labels"):
            for px, py in zip(x, y, strict=True):
                ax.add_artist(Label(px, py, f"{py:.3g}", **text))
    ys = np.concatenate(data["values"])
    return DrawnMarks((x.min(), x.max()), _pad(ys.min(), ys.max()), "line", integer_x=True)


def sample_scatter(rng: np.random.Generator) -> Data:
    """Scatters: clouds with a trend, clusters or none; a handful to many points; bubbles; hollow markers;
    values on a grid (counts, ratings: points in rows and columns, some on top of each other)."""
    variant = str(rng.choice(["trend", "trend", "clusters", "cloud", "bubbles", "curve"]))
    groups = int(rng.integers(2, 5)) if variant == "clusters" or rng.random() < 0.2 else 1
    n = int(np.exp(rng.uniform(np.log(5), np.log(900))))
    xs, ys = [], []
    bend = float(rng.choice([-1.0, 1.0])) * rng.uniform(0.15, 0.5)  # curve: rising or falling
    slope, noise = rng.normal(0, 1), rng.uniform(0.1, 1.5)
    for g in range(groups):
        m = max(4, n // groups)
        if variant == "clusters":
            center = rng.normal(0, 3, 2)
            xs.append(rng.normal(center[0], rng.uniform(0.3, 1.2), m))
            ys.append(rng.normal(center[1], rng.uniform(0.3, 1.2), m))
            continue
        x = rng.uniform(0, 10, m) if rng.random() < 0.5 else rng.normal(5, 2, m)
        y = slope * x + rng.normal(g * 2, noise * 3, m)
        y = np.exp(bend * x) * (1 + rng.normal(0, noise / 2, m)) if variant == "curve" else y
        xs.append(x)
        ys.append(y if variant != "cloud" else rng.normal(0, 1, m))
    if rng.random() < 0.2:  # on a grid: each axis rounded to a few levels
        levels = rng.integers(3, 12, 2)
        xs, ys = _on_grid(xs, levels[0]), _on_grid(ys, levels[1])
    scale = float(rng.choice([1, 10, 100, 1000]))
    return dict(
        values=[four_digits(scale * y) for y in ys],
        x=[four_digits(x) for x in xs],
        variant=variant,
        sizes=four_digits(rng.uniform(0.3, 4, sum(map(len, xs)))) if variant == "bubbles" else [],
        diameter=float(rng.uniform(0.008, 0.022)),  # marker size, a share of the picture's longest side
        hollow=bool(rng.random() < 0.35),
        alpha=float(rng.choice([1.0, 0.7, 0.5])),
        marker=str(rng.choice(list("oooos^D"))),
        **_scatter_overlays(rng, variant),
    )


def _on_grid(groups: list[np.ndarray], levels: int) -> list[np.ndarray]:
    """Each group's values rounded to one of ``levels`` whole numbers spanning all groups' range."""
    low, high = min(g.min() for g in groups), max(g.max() for g in groups)
    return [np.round((g - low) / (high - low + 1e-9) * (levels - 1)) for g in groups]


def _scatter_overlays(rng: np.random.Generator, variant: str) -> dict:
    """What is drawn over some scatters: a fitted trend line (with its equation), or an ellipse."""
    fit = variant in ("trend", "curve", "cloud") and rng.random() < 0.35
    return dict(
        fit=bool(fit),
        equation=bool(fit and rng.random() < 0.6),
        ellipse=bool(not fit and rng.random() < 0.1),
        fit_dashed=bool(rng.random() < 0.4),
    )


def draw_scatter(ax: Axes, data: Data, look: Look, k: float) -> DrawnMarks:
    """Points, one colour per group; bubbles scale each point's area (``ax.scatter``'s collection, built
    directly: 2× faster)."""
    colors, sizes, start = look.colors, np.asarray(data["sizes"]), 0
    base = (data["diameter"] * max(look.width, look.height) * k) ** 2
    marker = MarkerStyle(data["marker"])
    path = marker.get_path().transformed(marker.get_transform())
    for g, (x, y) in enumerate(zip(data["x"], data["values"], strict=True)):
        area = base * (sizes[start : start + len(x)] ** 2 * 3 if len(sizes) else np.ones(1))
        start += len(x)
        color = colors[g % len(colors)]
        points = PathCollection(
            (path,),
            area,
            offsets=np.column_stack([x, y]),
            offset_transform=ax.transData,
            alpha=data["alpha"],
            linewidths=(1.6 if data["hollow"] else 0.8) * k,
            facecolors="none" if data["hollow"] else color,
            edgecolors=color if data["hollow"] else "none",
        )
        points.set_transform(IdentityTransform())
        ax.add_collection(points, autolim=False)
    xs, ys = np.concatenate(data["x"]), np.concatenate(data["values"])
    if data.get("fit"):
        _trend_line(ax, xs, ys, data, look, k)
    if data.get("ellipse"):
        _ellipse(ax, xs, ys, look.colors[0], k)
    return DrawnMarks(_pad(xs.min(), xs.max()), _pad(ys.min(), ys.max()), "point")


def _trend_line(ax: Axes, xs: np.ndarray, ys: np.ndarray, data: Data, look: Look, k: float) -> None:
    """The least-squares line through the points, as spreadsheets add it, and perhaps its equation."""
    slope, intercept = np.polyfit(xs, ys, 1)
    ends = np.array([xs.min(), xs.max()])
    color = look.colors[1 % len(look.colors)] if len(data["x"]) == 1 else look.text
    ax.plot(
        ends,
        slope * ends + intercept,
        color=color,
        lw=1.2 * look.linewidth * k,
        ls="--" if data["fit_dashed"] else "-",
    )
    if data["equation"]:
        r2 = np.corrcoef(xs, ys)[0, 1] ** 2
        sign = "−" if intercept < 0 else "+"
        where = (xs.min() + 0.05 * np.ptp(xs), ys.max() - 0.02 * np.ptp(ys))
        text = dict(color=look.text, family=look.font, fontsize=0.8 * look.fontsize, va="top")
        ax.add_artist(Label(*where, f"y = {slope:.3g}x {sign} {abs(intercept):.3g}   R² = {r2:.2f}", **text))


def _ellipse(ax: Axes, xs: np.ndarray, ys: np.ndarray, color: str, k: float) -> None:
    """The two-standard-deviation ellipse of the points, drawn over them."""
    cov = np.cov(xs, ys)
    values, vectors = np.linalg.eigh(cov)
    angle = float(np.degrees(np.arctan2(vectors[1, -1], vectors[0, -1])))
    width, height = 4 * np.sqrt(np.maximum(values[::-1], 1e-12))
    ax.add_patch(
        Ellipse((xs.mean(), ys.mean()), width, height, angle=angle, fill=False, color=color, lw=1.5 * k)
    )


def sample_pie(rng: np.random.Generator) -> Data:
    """Pies: plain, donut, exploded or tilted (3-D); 2 to 9 slices; names (with leader lines) or percentages
    on the slices, or neither; sometimes a glossy shading."""
    n = int(rng.integers(2, 10))
    return dict(
        values=[four_digits(100 * rng.uniform(0.1, 1, n))],
        x=[],
        variant=str(rng.choice(["pie", "pie", "donut", "exploded"])),
        labels=category_names(rng, n),
        text=str(rng.choice(["none", "none", "names", "percent"])),
        start=float(rng.choice([0, 90, rng.uniform(0, 360)])),
        edge=bool(rng.random() < 0.6),
        **_pie_touches(rng),
    )


def _pie_touches(rng: np.random.Generator) -> dict:
    """Office suites' pies: tilted into an ellipse with a visible side (3-D), leader lines, a glossy shade;
    doughnuts of several series as concentric rings; slices drawn as outlines only."""
    tilted = rng.random() < 0.3
    rings = int(rng.integers(2, 4)) if rng.random() < 0.15 else 1
    return dict(
        tilt=float(rng.uniform(0.4, 0.75)) if tilted else 1.0,
        depth=float(rng.uniform(0.08, 0.2)) if tilted and rng.random() < 0.8 else 0.0,
        leaders=bool(rng.random() < 0.5),
        gloss=bool(rng.random() < 0.15),
        rings=rings,
        ring_shares=[four_digits(rng.uniform(0.1, 1, 9)) for _ in range(rings - 1)],
        outline=bool(rng.random() < 0.12),
        outline_colored=bool(rng.random() < 0.5),
    )


def draw_pie(ax: Axes, data: Data, look: Look, k: float) -> DrawnMarks:
    """A pie, donut or exploded pie: wedges as one collection, names outside or percentages inside.

    The geometry of matplotlib's ``ax.pie`` (counter-clockwise from ``start``, names at 1.1 radius on
    the outer side, percentages at ``pctdistance``), drawn 5× faster than ``ax.pie``'s patches and texts.
    """
    values, variant = np.asarray(data["values"][0]), data["variant"]
    fracs = values / values.sum()
    angles = data["start"] + 360 * np.concatenate([[0.0], np.cumsum(fracs)])
    middle = np.radians((angles[:-1] + angles[1:]) / 2)
    rays = np.stack([np.cos(middle), np.sin(middle)], axis=1)  # unit vectors to each slice's middle
    centers = rays * (0.08 if variant == "exploded" else 0.0)
    rings = data.get("rings", 1)
    width = 0.45 if variant == "donut" else None
    width = 0.7 / rings if rings > 1 else width  # several series: concentric rings, the first outside
    wedges = [
        Wedge(tuple(c), 1, a, b, width=width) for c, a, b in zip(centers, angles, angles[1:], strict=False)
    ]
    colors = [look.colors[i % len(look.colors)] for i in range(len(values))]
    for ring, shares in enumerate(data.get("ring_shares", []), start=1):
        inner = np.asarray(shares[: len(values)])
        edges = data["start"] + 360 * np.concatenate([[0.0], np.cumsum(inner / inner.sum())])
        radius = 1 - ring * width
        wedges += [Wedge((0, 0), radius, a, b, width=width) for a, b in itertools.pairwise(edges)]
        colors += colors[: len(inner)]
    lw = (1.5 * k) * data["edge"]
    if data.get("outline"):  # slices drawn as outlines only, as some tools' default doughnuts are
        outline_colors = colors if data.get("outline_colored") else [look.text] * len(colors)
        colors, lw = [look.paper] * len(colors), 1.8 * k * look.linewidth / 1.5
    tilt, depth = data.get("tilt", 1.0), data.get("depth", 0.0)
    flatten = Affine2D().scale(1, tilt)  # a tilted pie is the flat one squeezed into an ellipse
    for step in np.linspace(depth, 0, 6)[:-1] if depth else ():  # its side: darker copies, lower down
        side = PatchCollection(wedges, facecolors=[shade(c, 0.7) for c in colors], edgecolors="none")
        ax.add_collection(side, autolim=False).set_transform(
            flatten + Affine2D().translate(0, -step) + ax.transData
        )
    edgecolors = outline_colors if data.get("outline") else look.paper
    top = PatchCollection(wedges, facecolors=colors, edgecolors=edgecolors, linewidths=lw)
    ax.add_collection(top, autolim=False).set_transform(flatten + ax.transData)
    if data.get("gloss"):
        ax.add_patch(Ellipse((-0.25, 0.3 * tilt), 1.1, 0.8 * tilt, color="white", alpha=0.25, lw=0))
    text = dict(color=look.text, family=look.font, fontsize=0.85 * look.fontsize)
    squeeze = np.array([1.0, tilt])
    if data["text"] == "names":
        reach = 1.25 if data.get("leaders") else 1.1
        for (x, y), ray, name in zip(centers + reach * rays, rays, data["labels"], strict=True):
            if data.get("leaders"):
                inner, outer = (0.95 * ray) * squeeze, (1.18 * ray) * squeeze
                ax.plot([inner[0], outer[0]], [inner[1], outer[1]], color=look.text, lw=0.8 * k)
            ax.add_artist(Label(x, y * tilt, name, ha="left" if x > 0 else "right", va="center", **text))
    elif data["text"] == "percent":
        inner = 0.78 if variant == "donut" else 0.6
        for (x, y), frac in zip(centers + inner * rays, fracs, strict=True):
            ax.add_artist(Label(x, y * tilt, f"{100 * frac:.0f}%", ha="center", va="center", **text))
    ax.set_aspect("equal")
    low = -1.3 * tilt - depth
    return DrawnMarks((-1.3, 1.3), (low, 1.3 * tilt), "wedge", has_axes=False, slice_names=data["labels"])


def sample_area(rng: np.random.Generator) -> Data:
    """Areas: one filled series, stacked layers (from zero, to 100 % or around the middle: a streamgraph),
    overlapping translucent series, smooth densities, or a band between a low and a high curve."""
    variant = str(
        rng.choice(
            [
                "single",
                "single",
                "stacked",
                "stacked",
                "overlap",
                "smooth",
                "stream",
                "percent",
                "band",
                "step",
            ]
        )
    )
    series = 1 if variant in ("single", "band") else int(rng.integers(2, 7))
    series = int(rng.integers(1, 3)) if variant == "step" else series
    series = int(rng.integers(1, 4)) if variant == "smooth" else series
    n = int(rng.integers(6, 40)) if rng.random() < 0.6 else int(rng.integers(40, 300))
    walks = np.cumsum(rng.normal(0, 1, (series, n)), axis=1)
    walks = np.abs(walks) + rng.uniform(1, 6, (series, 1))
    if variant == "smooth":  # densities, bumps and S-curves, as in density plots and cumulative areas
        t = np.linspace(-3, 3, n)[None]
        bumps = np.exp(
            -0.5 * ((t - rng.uniform(-2, 2, (series, 1))) / rng.uniform(0.4, 1.5, (series, 1))) ** 2
        )
        walks = bumps if rng.random() < 0.7 else 1 / (1 + np.exp(-2 * t)) + 0 * bumps
    if rng.random() < 0.3:
        walks += np.sin(np.linspace(0, rng.uniform(3, 12), n))[None] * rng.uniform(1, 3)
    x0 = 0 if rng.random() < 0.5 else int(rng.integers(1950, 2010))
    scale = float(rng.choice([1, 10, 100, 1000]))
    return dict(
        values=[four_digits(scale * np.maximum(w, 0.0 if variant == "smooth" else 0.1)) for w in walks],
        x=[four_digits(np.arange(n) + x0)],
        variant=variant,
        outline=bool(rng.random() < 0.5),
        gradient=bool(variant in ("single", "overlap") and rng.random() < 0.3),  # fading towards the axis
    )


def _fill(ax: Axes, x: np.ndarray, lows, highs, colors, **style) -> None:
    """Areas between each ``lows[i]`` and ``highs[i]`` over ``x``, as one collection (what ``fill_between``
    and ``stackplot`` draw, 4× faster)."""
    back = x[::-1]
    polygons = [
        np.column_stack([np.concatenate([x, back]), np.concatenate([high, low[::-1]])])
        for low, high in zip(lows, highs, strict=True)
    ]
    ax.add_collection(PolyCollection(polygons, facecolors=colors, **style), autolim=False)


def _faded_fill(ax: Axes, x: np.ndarray, y: np.ndarray, color, strength: float) -> None:
    """The area under ``y`` filled with ``color`` fading from ``strength`` (opacity) at the top towards
    transparent at zero: a vertical gradient, clipped to the area."""
    area = Polygon(np.column_stack([np.r_[x, x[::-1]], np.r_[y, np.zeros_like(y)]]), fill=False, lw=0)
    ax.add_patch(area)
    fade = np.zeros((32, 1, 4))
    fade[..., :3] = to_rgb(color)
    fade[..., 3] = strength * np.linspace(0.05, 1, 32)[:, None]
    image = ax.imshow(fade, extent=(x.min(), x.max(), 0, y.max()), origin="lower", aspect="auto")
    image.set_clip_path(area)


def draw_area(ax: Axes, data: Data, look: Look, k: float) -> DrawnMarks:
    """Filled areas: down to zero, stacked (to 100 %, or around the middle), overlapping with transparency,
    or a band; with or without an edge line."""
    x, values, colors = np.asarray(data["x"][0]), np.asarray(data["values"]), look.colors
    lw = look.linewidth * k * data["outline"]
    variant, palette = data["variant"], [colors[s % len(colors)] for s in range(len(values))]
    if variant == "band":  # low and high curve around the series, as in ranges and confidence bands
        middle = values[0]
        spread = 0.15 * (middle.max() - middle.min() + 1e-9) * (1 + np.abs(np.sin(np.linspace(0, 5, len(x)))))
        _fill(ax, x, [middle - spread], [middle + spread], colors[0], alpha=0.7, linewidths=0)
        if lw:
            ax.plot(x, middle, color=colors[0], lw=lw)
        low, high = (middle - spread).min(), (middle + spread).max()
        return DrawnMarks((x.min(), x.max()), _pad(low, high), "patch", integer_x=True)
    if data.get("gradient"):  # web charts' fill that fades from the line down to the axis
        for s, y in enumerate(values):
            _faded_fill(ax, x, y, palette[s], 0.45 if variant == "overlap" else 0.8)
            ax.plot(x, y, color=palette[s], lw=max(lw, look.linewidth * k))
        return DrawnMarks((x.min(), x.max()), (0, 1.05 * values.max()), "patch", integer_x=True)
    if variant == "overlap":
        for s, y in enumerate(values):
            _fill(ax, x, [np.zeros_like(y)], [y], palette[s], alpha=0.45, linewidths=0)
            if lw:
                ax.plot(x, y, color=palette[s], lw=lw)
        return DrawnMarks((x.min(), x.max()), (0, 1.05 * values.max()), "patch", integer_x=True)
    if variant == "step":  # stepped areas: each value held until the next, translucent where two overlap
        x_steps = np.repeat(x, 2)[1:]
        for s, y in enumerate(values):
            y_steps = np.repeat(y, 2)[:-1]
            _fill(ax, x_steps, [np.zeros_like(y_steps)], [y_steps], palette[s], alpha=0.6, linewidths=0)
            if lw:
                ax.plot(x_steps, y_steps, color=palette[s], lw=lw)
        return DrawnMarks((x.min(), x.max()), (0, 1.05 * values.max()), "patch", integer_x=True)
    layers = values / values.sum(axis=0) * 100 if variant == "percent" else values
    base = -layers.sum(axis=0) / 2 if variant == "stream" else np.zeros(len(x))  # stream: around the middle
    tops = base + np.cumsum(layers, axis=0)
    edge = look.paper if len(values) > 1 or variant in ("stream", "percent") else colors[0]
    _fill(ax, x, [base, *tops[:-1]], tops, palette, edgecolors=edge, linewidths=lw)
    if variant == "percent":
        return DrawnMarks((x.min(), x.max()), (0, 100), "patch", integer_x=True)
    if variant == "stream":
        half = layers.sum(axis=0).max() / 2
        return DrawnMarks((x.min(), x.max()), _pad(-half, half), "patch", integer_x=True)
    return DrawnMarks((x.min(), x.max()), (0, 1.05 * tops[-1].max()), "patch", integer_x=True)


@dataclasses.dataclass(frozen=True)
class ChartKind:
    """One chart type of the varied looks: how to draw random data for it, and how to draw it."""

    sample: Callable[[np.random.Generator], Data]
    draw: Callable[[Axes, Data, Look, float], DrawnMarks]


KINDS = {
    "bar": ChartKind(sample_bars, draw_bars),
    "hbar": ChartKind(sample_hbars, draw_hbars),
    "line": ChartKind(sample_lines, draw_lines),
    "scatter": ChartKind(sample_scatter, draw_scatter),
    "pie": ChartKind(sample_pie, draw_pie),
    "histogram": ChartKind(sample_histogram, draw_histogram),
    "area": ChartKind(sample_area, draw_area),
}
VARIED_STYLES = {"varied": TRAIN_THEMES, "varied_heldout": HELDOUT_THEMES}
#: Bump when the varied looks' drawing changes, so that cached data sets are regenerated.
VARIED_VERSION = 11


def _pad(lo: float, hi: float, frac: float = 0.06) -> tuple[float, float]:
    span = (hi - lo) or abs(hi) or 1.0
    return lo - frac * span, hi + frac * span


def _chart_key(seed: int, kind: str, index: int, style: str) -> list[int]:
    return [seed, 2 + list(VARIED_STYLES).index(style), list(KINDS).index(kind), index]


def varied_spec(seed: int, kind: str, index: int, style: str = "varied") -> tuple[Look, Data]:
    """Return ``(look, data)`` of chart ``index`` of type ``kind`` in the varied data set of ``seed``."""
    rng = np.random.default_rng(_chart_key(seed, kind, index, style))
    return sample_look(rng, VARIED_STYLES[style]), KINDS[kind].sample(rng)


def context_rng(seed: int, kind: str, index: int, style: str = "varied") -> np.random.Generator:
    """The random numbers that place chart ``index`` in its look's context (a stream of its own)."""
    return np.random.default_rng([*_chart_key(seed, kind, index, style), 1])
