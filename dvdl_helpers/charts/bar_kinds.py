"""The chart kinds drawn with bars: bars, horizontal bars and histograms.

Their samplers and drawers, for :data:`.chart_kinds.KINDS`, and :func:`bars`, which draws any set of
rectangles as one collection (fast).
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb

from .drawing import Data, DrawnMarks, four_digits
from .labels import Label
from .tool_looks import Look, category_names, ordered_names


def bars(ax: Axes, positions, heights, width, bottom=0.0, *, horizontal: bool = False, **style) -> None:
    """Rectangles as one ``PolyCollection`` (much faster than ``ax.bar``'s one patch per bar)."""
    positions, heights = np.asarray(positions, float), np.asarray(heights, float)
    bottom = np.broadcast_to(np.asarray(bottom, float), positions.shape)
    widths = np.broadcast_to(np.asarray(width, float), positions.shape)
    lo, hi = positions - widths / 2, positions + widths / 2
    boxes = np.stack(
        [
            np.stack([lo, bottom], 1),
            np.stack([lo, bottom + heights], 1),
            np.stack([hi, bottom + heights], 1),
            np.stack([hi, bottom], 1),
        ],
        axis=1,
    )
    if horizontal:
        boxes = boxes[..., ::-1]
    color = style.pop("color")
    ax.add_collection(PolyCollection(boxes, facecolors=color, **style), autolim=False)


def shade(color, factor: float) -> tuple[float, float, float]:
    """``color`` darkened (``factor`` < 1) or mixed towards white (``factor`` > 1, up to 2 = white)."""
    rgb = np.asarray(to_rgb(color))
    return tuple(rgb * factor if factor <= 1 else rgb + (1 - rgb) * (factor - 1))


def _solid_bars(
    ax, positions, heights, width, bottom, color, *, horizontal, depth, gradient, **style
) -> None:
    """Bars with office suites' touches: a 3-D top and side (``depth``: a share of the bar width), or a
    fill that fades towards white along the bar (``gradient``)."""
    if gradient:
        heights, slices = np.asarray(heights, float), 6
        for j in range(slices):  # bands from the base to the top, each a little lighter
            band = heights / slices
            bars(
                ax,
                positions,
                band,
                width,
                np.asarray(bottom) + j * band,
                horizontal=horizontal,
                color=shade(color, 1 + 0.55 * j / slices) if isinstance(color, str) else color,
                **style,
            )
        return
    bars(ax, positions, heights, width, bottom, horizontal=horizontal, color=color, **style)
    if not depth:
        return
    positions, heights = np.asarray(positions, float), np.asarray(heights, float)
    tops = np.broadcast_to(np.asarray(bottom, float), positions.shape) + heights
    dx, dy = depth * width, depth * width * np.ptp(np.r_[0, tops]) / max(len(positions), 1) * 0.6
    right = positions + width / 2
    side = [
        [(r, b), (r + dx, b + dy), (r + dx, t + dy), (r, t)]
        for r, b, t in zip(right, tops - heights, tops, strict=True)
    ]
    top = [
        [(r - width, t), (r - width + dx, t + dy), (r + dx, t + dy), (r, t)]
        for r, t in zip(right, tops, strict=True)
    ]
    polygons = np.asarray(side + top)
    if horizontal:
        polygons = polygons[..., ::-1]
    base = color if isinstance(color, str) else "#808080"
    colors = [shade(base, 0.65)] * len(side) + [shade(base, 1.3)] * len(top)
    if not isinstance(color, str):  # one colour per bar
        colors = [shade(c, 0.65) for c in color] + [shade(c, 1.3) for c in color]
    ax.add_collection(PolyCollection(polygons, facecolors=colors, edgecolors="none"), autolim=False)


def sample_bars(rng: np.random.Generator) -> Data:
    """Bars: one series, grouped or stacked series; few wide or many thin; value labels on few."""
    variant = str(rng.choice(["single", "single", "single", "grouped", "stacked", "colored"]))
    many = rng.random() < 0.2 and variant in ("single", "colored")
    n = int(rng.integers(13, 41)) if many else int(rng.integers(2, 13 if variant == "single" else 9))
    series = int(rng.integers(2, 5)) if variant in ("grouped", "stacked") else 1
    scale = float(rng.choice([1, 10, 100, 1000, 1e5]))
    base = rng.uniform(0.1, 1, (series, n))
    if rng.random() < 0.3:  # sorted, as in a ranking
        base = -np.sort(-base, axis=1)
    negative = variant == "single" and rng.random() < 0.08
    values = scale * (base - 0.45 if negative else base)
    return dict(
        values=[four_digits(v) for v in values],
        x=[],
        variant=variant,
        labels=category_names(rng, n),
        width=float(rng.uniform(0.3, 0.95)),
        value_labels=bool(n <= 10 and rng.random() < 0.25),
        edge=bool(rng.random() < 0.25),
        rotate=int(rng.choice([0, 45, 90])),  # category names that do not fit: thinned, or turned
        **_office_bars(rng, variant),
    ) | _ordered_groups(rng, variant, series)


def _ordered_groups(rng: np.random.Generator, variant: str, series: int) -> Data:
    """Bars over many ordered groups (months, years, ages) for a fifth of single, coloured and stacked bars.

    Smooth, seasonal or trending heights on nearly touching bars: the bar charts that look most like a
    histogram. Drawn last, as :func:`_office_bars`; ``{}`` for the charts that stay as they were.
    """
    if variant not in ("single", "colored", "stacked") or rng.random() >= 0.2:
        return {}
    n, scale = int(rng.integers(13, 61)), float(rng.choice([1, 10, 100, 1000, 1e5]))
    # Charting tools' default padding leaves a tenth of the band between bars.
    width = rng.uniform(0.75, 0.95) if rng.random() < 0.7 else rng.uniform(0.3, 0.75)
    return dict(
        values=[four_digits(v) for v in scale * ordered_profile(rng, min(series, 3), n)],
        labels=ordered_names(rng, n),
        width=float(width),
        value_labels=False,
        ordered=True,
    )


def ordered_profile(rng: np.random.Generator, series: int, n: int) -> np.ndarray:
    """Heights in (0, 1] of ``series`` rows over ``n`` ordered groups: seasonal, a bump, a trend or a walk."""
    t = np.linspace(0, 1, n)
    shape = int(rng.integers(4))
    if shape == 0:  # months over several years
        profile = 0.55 + 0.4 * np.sin(2 * np.pi * (rng.uniform(1, 5) * t + rng.uniform()))
    elif shape == 1:  # a population by age, a peak season
        profile = 0.15 + np.exp(-0.5 * ((t - rng.uniform(0.2, 0.8)) / rng.uniform(0.15, 0.4)) ** 2)
    elif shape == 2:  # a trend with a little wander
        profile = 0.5 + rng.uniform(-0.4, 0.4) * (t - 0.5) + 0.1 * np.cumsum(rng.normal(0, 0.15, n)) / n**0.5
    else:  # a random walk
        profile = np.cumsum(rng.normal(0, 1, n))
    rows = profile * rng.uniform(0.4, 1.0, (series, 1)) + rng.normal(0, 0.04, (series, n))
    rows = rows - rows.min() + rng.uniform(0.05, 0.5) * np.ptp(rows)
    return rows / rows.max()


def _office_bars(rng: np.random.Generator, variant: str) -> dict:
    """Touching bars, 3-D bars, gradient fills, labels inside the bars: drawn last, so that the
    earlier draws (and the charts they describe) keep their meaning."""
    touching, style = rng.random() < 0.12, rng.random()
    return dict(
        touching=bool(touching),
        depth=float(rng.uniform(0.15, 0.4)) if style < 0.12 and variant != "stacked" else 0.0,
        gradient=bool(0.12 <= style < 0.22 and variant != "stacked"),
        labels_inside=bool(rng.random() < 0.4),
    )


def draw_bars(ax: Axes, data: Data, look: Look, k: float, horizontal: bool = False) -> DrawnMarks:
    """Vertical (``bar``) or horizontal (``hbar``) bars; return the axes' limits and category ticks."""
    values, colors, variant = np.asarray(data["values"]), look.colors, data["variant"]
    series, n = values.shape
    width, positions = (1.0 if data.get("touching") else data["width"]), np.arange(n, dtype=float)
    edge = dict(edgecolors=look.paper, lw=0.8 * k) if data["edge"] else dict(edgecolors="none")
    office = dict(horizontal=horizontal, depth=data.get("depth", 0.0), gradient=data.get("gradient", False))
    bottom = np.zeros(n)
    for s in range(series):
        color = (
            [colors[i % len(colors)] for i in range(n)] if variant == "colored" else colors[s % len(colors)]
        )
        if variant == "grouped":
            offset = (s - (series - 1) / 2) * width / series
            _solid_bars(ax, positions + offset, values[s], width / series, 0, color, **office, **edge)
        else:
            base = bottom if variant == "stacked" else 0
            _solid_bars(ax, positions, values[s], width, base, color, **office, **edge)
        bottom = bottom + values[s]
    top = bottom if variant == "stacked" else values.max(axis=0)
    if data["value_labels"]:
        inside = data.get("labels_inside", False) and variant != "grouped"
        text = dict(color=look.paper if inside else look.text, fontsize=0.8 * look.fontsize, family=look.font)
        for p, v in zip(positions, top, strict=True):
            if horizontal:
                xy, align = (v, p), dict(ha="right" if inside else "left", va="center")
            else:
                xy, align = (p, v), dict(ha="center", va="top" if inside else "bottom")
            ax.add_artist(Label(*xy, f" {v:.3g} " if inside else f" {v:.3g}", **text, **align))
    low, high = min(0.0, values.min() * 1.08), max(0.0, top.max() * (1.15 if data["value_labels"] else 1.05))
    limits = [(-0.6, n - 0.4), (low, high)]
    x_limits, y_limits = limits[::-1] if horizontal else limits
    return DrawnMarks(
        x_limits,
        y_limits,
        "patch",
        categories=(list(positions), data["labels"]),
        category_axis=int(horizontal),
        turn_names=0 if horizontal else data.get("rotate", 0),
    )


def sample_hbars(rng: np.random.Generator) -> Data:
    """Horizontal bars: the same variants as vertical ones, longer names on the category axis."""
    return sample_bars(rng)


def draw_hbars(ax: Axes, data: Data, look: Look, k: float) -> DrawnMarks:
    """Horizontal bars."""
    return draw_bars(ax, data, look, k, horizontal=True)


def sample_histogram(rng: np.random.Generator) -> Data:
    """Histograms of skewed, normal or two-peaked samples: filled, gaps, outline, density curve, overlap."""
    n, shape = int(rng.integers(100, 5000)), int(rng.integers(4))
    draws = [
        rng.normal(size=n),
        rng.gamma(rng.uniform(1.5, 5), size=n),
        rng.lognormal(0, 0.5, n),
        np.concatenate([rng.normal(0, 1, n // 2), rng.normal(rng.uniform(2, 4), 1, n - n // 2)]),
    ]
    sample = draws[shape] * float(rng.choice([1, 10, 100])) + float(rng.choice([0, 50]))
    counts, edges = np.histogram(sample, bins=int(rng.integers(6, 50)))
    variant = str(rng.choice(["filled", "filled", "filled", "gaps", "outline", "density", "overlap"]))
    second = np.histogram(sample + rng.normal(np.std(sample), np.std(sample) / 2, n), bins=edges)[0]
    values = [counts, second] if variant == "overlap" else [counts]
    return dict(
        values=[four_digits(v) for v in values],
        x=[four_digits(edges)],
        variant=variant,
        edge=bool(rng.random() < 0.5),
    )


def draw_histogram(ax: Axes, data: Data, look: Look, k: float) -> DrawnMarks:
    """Adjacent bins (or with small gaps); an outline, a density curve or two overlapping samples."""
    edges, colors, variant = np.asarray(data["x"][0]), look.colors, data["variant"]
    widths, centers = np.diff(edges), (edges[:-1] + edges[1:]) / 2
    for s, counts in enumerate(data["values"]):
        color = colors[s % len(colors)]
        if variant == "outline":
            ax.stairs(counts, edges, color=color, lw=look.linewidth * k)
            continue
        shrink = 0.85 if variant == "gaps" else 1.0
        edge = dict(edgecolors=look.paper if data["edge"] and s == 0 else "none", lw=0.8 * k)
        bars(
            ax,
            centers,
            counts,
            widths * shrink,
            color=color,
            alpha=0.6 if variant == "overlap" else 1,
            **edge,
        )
    if variant == "density":
        counts = np.asarray(data["values"][0])
        smooth = np.convolve(counts, np.hanning(7)[1:-1] / np.hanning(7).sum(), mode="same")  # 5 taps
        ax.plot(
            centers, smooth, color=look.text if len(colors) < 2 else colors[1], lw=1.5 * look.linewidth * k
        )
    top = max(max(v) for v in data["values"])
    return DrawnMarks((edges[0] - widths[0] * 0.6, edges[-1] + widths[0] * 0.6), (0, 1.06 * top), "patch")
