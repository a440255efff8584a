"""The clean look, the course's first chart generator (styles ``"train"`` and ``"heldout"``): notebook 06.

Seven chart types (:data:`CHART_TYPES`, the types of every chart in the package), random but seeded data
and :class:`Style`, drawn with matplotlib from data you control. :func:`draw_chart` draws one chart from
numbers you give; :func:`chart_spec` is the recipe of a data set's chart ``(seed, type, index, style)``,
which :mod:`.dataset` draws into a folder per type with ``charts.csv`` (``dvdl-charts generate OUTPUT_DIR
--style train``). ``style="heldout"`` is a look never used for training (dark background, neon palette,
monospace font), for a generalisation test. :func:`bar_series_height` and :func:`bar_series_count` are
notebook 06's probes: bar charts in which one number changes.

Speed: matplotlib spends its time in Python (creating axes and ticks, laying out text). Here charts are
drawn on the Agg canvas (no pyplot) with limits, ticks and margins computed beforehand (no layout pass,
no Axis tick objects: the helpers of :mod:`.drawing`, shared with the varied looks), and one figure per
chunk of charts is emptied and reused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from PIL import Image

from .drawing import draw_ticks, empty_figure, four_digits, nice_ticks, render

__all__ = [
    "CHART_TYPES",
    "CLEAN_STYLES",
    "GENERATOR_VERSION",
    "Style",
    "bar_series_count",
    "bar_series_height",
    "chart_spec",
    "draw_chart",
    "draw_figure",
    "sample_data",
    "sample_style",
]

CHART_TYPES = ("bar", "hbar", "line", "scatter", "pie", "histogram", "area")
CLEAN_STYLES = ("train", "heldout")
#: Bump when the drawing changes, so that cached data sets are regenerated.
GENERATOR_VERSION = 1

_PALETTES = {
    "tab10": ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"),
    "set1": ("#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#999999"),
    "set2": ("#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494", "#b3b3b3"),
    "dark2": ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"),
    "blues": ("#08306b", "#08519c", "#2171b5", "#4292c6", "#6baed6", "#3182bd", "#1c4f8a", "#5a8fc8"),
    "earth": ("#8c510a", "#bf812d", "#35978f", "#01665e", "#543005", "#80cdc1", "#dfc27d", "#003c30"),
    # held out: never drawn in training
    "neon": ("#ff2bd6", "#00f0ff", "#39ff14", "#fff01f", "#ff8c00", "#b026ff", "#ff3860", "#7df9ff"),
    "candy": ("#f72585", "#4cc9f0", "#b5179e", "#80ffdb", "#fee440", "#f15bb5", "#00bbf9", "#9b5de5"),
}
_LOOKS = {  # backgrounds (figure, axes), palettes, fonts, text colour, grid colours
    "train": dict(
        bg=("#ffffff", "#ffffff", "#f7f7f7", "#fdf6e3", "#eef3f8", "#fffaf0"),
        axes_bg=(None, None, "#eaeaf2", "#e5e5e5"),
        palettes=("tab10", "set1", "set2", "dark2", "blues", "earth"),
        fonts=("DejaVu Sans", "DejaVu Serif"),
        text=("#000000", "#222222", "#444444"),
        grid=("#b0b0b0", "#cccccc", "#ffffff"),
    ),
    "heldout": dict(
        bg=("#0d1117", "#1a1a2e", "#111111", "#202533"),
        axes_bg=(None, None, "#2a2f3d"),
        palettes=("neon", "candy"),
        fonts=("DejaVu Sans Mono",),
        text=("#e6e6e6", "#c8d3f5"),
        grid=("#444b5a", "#5c6370"),
    ),
}
_TITLES = (  # noqa: SIM905 - a list of words
    "Sales|Revenue by region|Monthly users|Temperature|Survey results|Growth|Market share|Distribution|"
    "Response time|Budget 2024|Population|Scores|Visitors per day|Energy use"
).split("|")
_XLABELS = "Year|Month|Region|Category|Time (s)|Group|Value|Day|Age".split("|")  # noqa: SIM905
_YLABELS = "Count|Revenue ($k)|Percent|Units|Frequency|Score|Value|Mean".split("|")  # noqa: SIM905
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug")
# bar labels; None: 1, 2, 3, ...
_CATEGORIES = (None, tuple("ABCDEFGHIJKL"), MONTHS, ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6"), tuple("NESW"))


@dataclasses.dataclass(frozen=True)
class Style:
    """Everything about a chart that is not its data (the defaults: a plain look for probes)."""

    name: str = "train"
    background: str = "#ffffff"
    axes_bg: str = "#ffffff"
    palette: str = "tab10"
    font: str = "DejaVu Sans"
    text_color: str = "#222222"
    fontsize: float = 8.0  # points; pixels = fontsize * dpi / 72
    dpi: float = 64.0  # for a 128 px high image, scaled with the height
    grid: bool = False
    grid_color: str = "#cccccc"
    grid_ls: str = "-"
    spines: str = "open"  # "open" (left + bottom), "box" or "none"
    title: str = ""
    xlabel: str = ""
    ylabel: str = ""
    legend: bool = False
    categories: int = 0  # bar labels: index into _CATEGORIES (0: numbers)
    alt: bool = False  # the other form: per-bar colours, donut, outline histogram, markers, ...
    edge: bool = False  # outlines, bin separators, pie labels
    width: float = 0.7  # bar width; also scales lines and markers
    pads: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0)  # extra margins left, bottom, right, top (fraction)

    @property
    def colors(self) -> tuple[str, ...]:
        """The palette's colours."""
        return _PALETTES[self.palette]


def sample_style(rng: np.random.Generator, style: str = "train") -> Style:
    """Draw a random :class:`Style` from the ``"train"`` or the ``"heldout"`` look."""
    look = _LOOKS[style]

    def pick(seq: Sequence, p: float = 1.0):  # an element, or "" with probability 1 - p
        return seq[int(rng.integers(len(seq)))] if rng.random() < p else ""

    bg = pick(look["bg"])
    return Style(
        name=style,
        background=bg,
        axes_bg=pick(look["axes_bg"]) or bg,
        palette=pick(look["palettes"]),
        font=pick(look["fonts"]),
        text_color=pick(look["text"]),
        fontsize=float(rng.choice([7.5, 8, 9, 10])),
        dpi=float(rng.choice([56, 62, 68])),
        grid=bool(rng.random() < 0.5),
        grid_color=pick(look["grid"]),
        grid_ls=pick(("-", "--", ":")),
        spines=pick(("open", "open", "box", "none")),
        title=pick(_TITLES, 0.7),
        xlabel=pick(_XLABELS, 0.5),
        ylabel=pick(_YLABELS, 0.5),
        legend=bool(rng.random() < 0.4),
        categories=int(rng.integers(len(_CATEGORIES))),
        alt=bool(rng.random() < 0.35),
        edge=bool(rng.random() < 0.3),
        width=float(rng.uniform(0.5, 0.9)),
        pads=tuple(float(v) for v in rng.uniform(0, 0.12, 4) * (rng.random(4) < 0.5)),
    )


def sample_data(kind: str, rng: np.random.Generator) -> tuple[list[list[float]], list[list[float]]]:
    """Draw random data for one chart: ``(values, x)``, one list per series (``x`` empty when implicit).

    Numbers are rounded to 4 significant digits (:func:`.drawing.four_digits`), so that the CSV records
    exactly what is drawn.
    """

    scale = float(rng.choice([1, 10, 100, 1000]))
    if kind in ("bar", "hbar"):
        return [four_digits(scale * rng.uniform(0.15, 1, rng.integers(3, 13)))], []
    if kind == "pie":
        return [four_digits(100 * rng.uniform(0.15, 1, rng.integers(2, 9)))], []
    if kind == "histogram":
        n, shape = int(rng.integers(200, 3000)), int(rng.integers(3))
        sample = [rng.normal(size=n), rng.gamma(2.0, size=n), rng.normal(2, 1, n) * rng.choice([-1, 1], n)]
        counts, edges = np.histogram(sample[shape] * scale / 4, bins=int(rng.integers(6, 31)))
        return [four_digits(counts)], [four_digits(edges)]
    series = int(rng.integers(1, 4))
    if kind == "scatter":
        xs = [rng.normal(rng.normal(0, 2), 1, rng.integers(15, 100)) for _ in range(series)]
        ys = [scale * (rng.normal() * x + rng.normal(5, rng.uniform(0.2, 1.5), len(x))) for x in xs]
        return [four_digits(y) for y in ys], [four_digits(x) for x in xs]
    n = int(rng.integers(8, 50 if kind == "line" else 30))
    x = four_digits(np.arange(n) + (0 if rng.random() < 0.5 else int(rng.integers(1990, 2010))))
    walks = np.cumsum(rng.normal(rng.normal(0, 0.3, (series, 1)), 1, (series, n)), axis=1)
    if kind == "area":
        walks = np.abs(walks) + rng.uniform(1, 4, (series, 1))
    return [four_digits(scale * w) for w in walks], [x] * series


def _pad(lo: float, hi: float, frac: float = 0.06) -> tuple[float, float]:
    span = (hi - lo) or abs(hi) or 1.0
    return lo - frac * span, hi + frac * span


def _plot_data(ax: Axes, kind: str, values: list[np.ndarray], xs: list[np.ndarray], style: Style, k: float):
    """Draw the data of one chart on ``ax``; return the pie's wedges (else None)."""
    colors, n, wedges = style.colors, len(values[0]), None
    edge, lw, labels = style.background if style.edge else "none", 1.8 * style.width * k, ["A", "B", "C"]
    if kind in ("bar", "hbar"):
        cols = [colors[i % len(colors)] for i in range(n)] if style.alt else colors[0]
        bar = ax.bar if kind == "bar" else ax.barh
        bar(np.arange(1, n + 1), values[0], style.width, color=cols, edgecolor=edge, lw=0.6 * k)
    elif kind == "histogram":
        ax.stairs(values[0], xs[0], fill=not style.alt, color=colors[0], lw=lw)
        if style.edge and not style.alt:  # bin separators
            ax.vlines(xs[0][1:-1], 0, np.minimum(values[0][:-1], values[0][1:]), color=edge, lw=0.6 * k)
    elif kind == "line":
        for i, (xv, yv) in enumerate(zip(xs, values, strict=True)):
            mark = "o" if style.alt else ""
            ax.plot(xv, yv, color=colors[i], lw=lw, marker=mark, ms=1.5 * lw, label=labels[i])
    elif kind == "scatter":
        for i, (xv, yv) in enumerate(zip(xs, values, strict=True)):
            kw = dict(
                marker="os^"[i] if style.alt else "o", edgecolors=style.text_color if style.edge else "none"
            )
            ax.scatter(xv, yv, (2.5 * lw) ** 2, colors[i], lw=0.4 * k, label=labels[i], **kw)
    elif kind == "area":
        alpha, line = 0.55 if style.alt else 0.9, style.text_color if style.edge else "none"
        ax.stackplot(xs[0], *values, colors=colors, labels=labels, alpha=alpha, edgecolor=line, lw=0.5 * k)
    else:
        names = list(_CATEGORIES[1][:n]) if style.edge and not style.legend else None
        wprops = dict(width=0.45 if style.alt else 1, edgecolor=style.background, lw=0.5 * k)
        tprops = dict(color=style.text_color, family=style.font, fontsize=0.8 * style.fontsize)
        wedges, _ = ax.pie(
            values[0], labels=names, colors=colors, startangle=90, wedgeprops=wprops, textprops=tprops
        )
    return wedges


def draw_figure(
    kind: str,
    values: Sequence[Sequence[float]],
    x: Sequence[Sequence[float]] = (),
    *,
    style: Style,
    size_px: tuple[int, int] = (128, 128),
    ylim: tuple[float, float] | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Draw one chart on an Agg figure (no pyplot) and return it, not yet rendered.

    ``values`` and ``x`` hold one sequence per series, as :func:`sample_data` makes them.
    ``fig``: a figure returned by an earlier call, emptied and drawn on again (3× cheaper than a new
    ``Axes``, same pixels). Limits, ticks and margins are computed here in pixels, so matplotlib needs
    no layout pass and no tick machinery (ticks are a line collection and a few texts).
    """
    if kind not in CHART_TYPES:
        raise ValueError(f"unknown chart type {kind!r}; choose from {CHART_TYPES}")
    (w, h), k = size_px, size_px[1] / 128  # k: pixel scale of lines, pads and fonts
    dpi, pt, tc = style.dpi * k, style.fontsize, style.text_color
    fig = empty_figure(fig)
    ax = fig.axes[0]
    fig.set(size_inches=(w / dpi, h / dpi), dpi=dpi, facecolor=style.background)
    fs, pad, tl, cw = pt * dpi / 72, 3 * k, 3 * k, 0.62 * pt * dpi / 72  # font, pad, tick, char (pixels)
    text = dict(color=tc, family=style.font, fontsize=pt)
    values, xs, n = [np.asarray(v, float) for v in values], [np.asarray(v, float) for v in x], len(values[0])
    cats = _CATEGORIES[style.categories] if kind in ("bar", "hbar") else None
    cats = cats[:n] if cats and len(cats) >= n else None
    # limits (x axis, value axis), ticks that fit (x labels by width, y by height), margins
    axis, ticks = kind != "pie", [([], []), ([], [])]
    if kind in ("bar", "hbar"):
        lims = [(0.4, n + 0.6), ylim or (0.0, 1.08 * values[0].max())]
    elif kind == "histogram":
        lims = [(xs[0][0], xs[0][-1]), ylim or (0.0, 1.08 * values[0].max())]
    elif axis:
        allx, ally = np.concatenate(xs), np.sum(values, 0) if kind == "area" else np.concatenate(values)
        xlim = _pad(allx.min(), allx.max()) if kind == "scatter" else (allx.min(), allx.max())
        lims = [xlim, ylim or _pad(0.0 if kind == "area" else ally.min(), ally.max())]
    if axis:
        lims = lims[::-1] if kind == "hbar" else lims
        ticks = [
            nice_ticks(*lims[0], 0.7 * w, lambda s: (len(s) + 2.5) * cw, kind in ("bar", "line", "area")),
            nice_ticks(*lims[1], 0.6 * h, lambda s: 2.2 * fs, kind == "hbar"),
        ]
        if cats and (kind == "hbar" or sum(len(c) + 1.5 for c in cats) * cw < 0.8 * w):
            ticks[kind == "hbar"] = (list(range(1, n + 1)), list(cats))
    ychars = max((len(s) for s in ticks[1][1]), default=0)
    left = pad + axis * ((1.3 * fs if style.ylabel else 0) + tl + 2 * k + cw * ychars)
    bottom = pad + axis * ((1.3 * fs if style.xlabel else 0) + tl + 2 * k + fs)
    top = pad + (1.5 * fs if style.title else 0) + axis * 0.5 * fs
    right = pad + (0.5 * cw * len(ticks[0][1][-1]) if axis and ticks[0][1] else 0)
    right += 2.5 * fs if kind == "pie" and style.legend else 0
    el, eb, er, et = style.pads  # extra margins: a different aspect of the plot area
    left, bottom, right, top = left + el * w, bottom + eb * h, right + er * w, top + et * h
    aw, ah = max(w - left - right, 8), max(h - bottom - top, 8)
    ax.set(position=(left / w, bottom / h, aw / w, ah / h), facecolor=style.axes_bg)
    wedges = _plot_data(ax, kind, values, xs, style, k)
    # decorations
    if style.title:
        tpt = min(1.12 * pt, 0.95 * w / (cw / pt * len(style.title)))  # shrunk when too long
        ttext = text | {"fontsize": tpt}
        fig.text((left + aw / 2) / w, 1 - pad / h, style.title, ha="center", va="top", **ttext)
    legend = dict(frameon=style.edge, labelcolor=tc, facecolor=style.axes_bg, handlelength=1.0)
    legend["prop"] = dict(family=style.font, size=0.75 * pt)
    if style.legend and kind == "pie":
        ax.legend(wedges, _CATEGORIES[1][:n], loc="center left", bbox_to_anchor=(1, 0.5), **legend)
    elif style.legend and len(values) > 1:
        ax.legend(loc="upper left", borderpad=0.3, **legend)
    if not axis:
        return fig
    ax.set_xlim(*lims[0])
    ax.set_ylim(*lims[1])
    for name, spine in ax.spines.items():
        spine.set_visible(style.spines == "box" or (style.spines == "open" and name in ("left", "bottom")))
        spine.set(color=tc, linewidth=0.6 * k)
    draw_ticks(
        ax,
        ticks,
        size=(ax.bbox.width, ax.bbox.height),
        text=text,
        tick=3 * k,
        gap=2 * k,
        lw=0.6 * k,
        marks=style.spines != "none",
        grid=("x", "y")[kind == "hbar"] if style.grid else "",
        grid_color=style.grid_color,
        grid_ls=style.grid_ls,
    )
    if style.xlabel:
        fig.text((left + aw / 2) / w, pad / h, style.xlabel, ha="center", va="bottom", **text)
    if style.ylabel:
        fig.text(pad / w, (bottom + ah / 2) / h, style.ylabel, ha="left", va="center", rotation=90, **text)
    return fig


def _series(data: Sequence) -> list[list[float]]:
    """One flat series or a list of series -> a list of series."""
    return (
        [[float(v) for v in data]]
        if len(data) and np.ndim(data[0]) == 0
        else [list(map(float, s)) for s in data]
    )


def draw_chart(
    kind: str,
    values: Sequence,
    x: Sequence = (),
    *,
    style: Style | str = "train",
    seed: int = 0,
    size_px: tuple[int, int] = (128, 128),
    ylim: tuple[float, float] | None = None,
) -> Image.Image:
    """Draw one chart from explicit data and return it as an RGB image.

    ``values`` is one series (bar heights, pie slices, histogram counts, ...) or a list of series, ``x``
    the x values (histogram: the bin edges; default ``0, 1, 2, ...``). ``style`` is a :class:`Style`,
    or ``"train"``/``"heldout"`` for a random look drawn from ``seed`` alone (the same seed gives the
    same look whatever the data). ``ylim`` fixes the value axis.
    """
    values = _series(values)
    if isinstance(style, str):
        style = _as_drawn(
            sample_style(np.random.default_rng([seed, CLEAN_STYLES.index(style)]), style), kind, len(values)
        )
    if kind == "histogram":
        x = _series(x) if len(x) else [list(range(len(values[0]) + 1))]
    elif kind in ("line", "scatter", "area"):
        x = _series(x) if len(x) else [list(range(len(v))) for v in values]
        x = x * len(values) if len(x) == 1 else x
    return Image.fromarray(render(draw_figure(kind, values, x, style=style, size_px=size_px, ylim=ylim)))


def _probe_heights(n: int) -> list[float]:
    return [round(0.35 + 0.6 * ((i * 0.618) % 1), 3) for i in range(n)]


def bar_series_height(
    heights: Sequence[float],
    *,
    n_bars: int = 5,
    index: int = 2,
    style: Style | None = None,
    size_px: tuple[int, int] = (128, 128),
) -> list[Image.Image]:
    """Bar charts in which only bar ``index`` changes height (one chart per height); all else stays fixed."""
    base = _probe_heights(n_bars)
    ylim = (0.0, 1.08 * max(*base, *heights))
    series = [[*base[:index], float(v), *base[index + 1 :]] for v in heights]
    return [draw_chart("bar", s, style=style or Style(), size_px=size_px, ylim=ylim) for s in series]


def bar_series_count(
    counts: Sequence[int], *, style: Style | None = None, size_px: tuple[int, int] = (128, 128)
) -> list[Image.Image]:
    """Bar charts with ``counts[j]`` bars (the first bars keep their heights, value axis fixed)."""
    series = [_probe_heights(int(n)) for n in counts]
    return [draw_chart("bar", s, style=style or Style(), size_px=size_px, ylim=(0, 1.08)) for s in series]


def chart_spec(seed: int, kind: str, index: int, style: str = "train") -> tuple[Style, list, list]:
    """Return ``(style, values, x)`` of chart ``index`` of type ``kind`` in the data set of ``seed``."""
    rng = np.random.default_rng([seed, CLEAN_STYLES.index(style), CHART_TYPES.index(kind), index])
    look, (values, x) = sample_style(rng, style), sample_data(kind, rng)
    return _as_drawn(look, kind, len(values)), values, x


def _as_drawn(style: Style, kind: str, n_series: int) -> Style:
    """``style`` without the decorations that a chart of this kind does not draw (so the CSV is true)."""
    axis, legend = kind != "pie", style.legend and (kind == "pie" or n_series > 1)
    return dataclasses.replace(
        style, grid=style.grid and axis, xlabel=style.xlabel * axis, ylabel=style.ylabel * axis, legend=legend
    )
