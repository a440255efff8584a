"""The looks of common charting tools: their themes, and a random :class:`Look` per chart of the varied looks.

A theme is what a tool draws by default (matplotlib, its ``ggplot``/``seaborn``/``fivethirtyeight``/
``bmh``/grayscale styles, office suites old and new, a web dashboard, a textbook, dark dashboards); a look
adds what a chart's author picks: size and aspect ratio, font size, title, axis labels, legend (boxed or
not), minor grid lines, a frame around the chart, margins, JPEG compression, sometimes nothing but the
marks (a bare chart: no axes, ticks or words, as in sparklines and minimal web charts), and the *context* the
picture is seen in (pasted into a spreadsheet or a slide, photographed, scanned: :mod:`.context`).
The ``"neon"`` theme is held out: training never draws it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from .clean_look import MONTHS as FIRST_MONTHS

__all__ = ["HELDOUT_THEMES", "OFFICE_THEMES", "PALETTES", "THEMES", "TRAIN_THEMES", "Look", "sample_look"]

PALETTES = {
    "tab10": ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"),
    "ggplot": ("#E24A33", "#348ABD", "#988ED5", "#777777", "#FBC15E", "#8EBA42", "#FFB5B8"),
    "seaborn": ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C"),
    "fivethirtyeight": ("#008fd5", "#fc4f30", "#e5ae38", "#6d904f", "#8b8b8b", "#810f7c"),
    "bmh": ("#348ABD", "#A60628", "#7A68A6", "#467821", "#D55E00", "#CC79A7", "#56B4E9", "#009E73"),
    "gray": ("#333333", "#777777", "#aaaaaa", "#555555", "#999999", "#cccccc"),
    "office": ("#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47", "#264478", "#9E480E"),
    "plotly": ("#636EFA", "#EF553B", "#00CC96", "#AB63FA", "#FFA15A", "#19D3F3", "#FF6692", "#B6E880"),
    "tableau": ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"),
    "pastel": ("#a1c9f4", "#ffb482", "#8de5a1", "#ff9f9b", "#d0bbff", "#debb9b", "#fab0e4", "#cfcfcf"),
    "blues": ("#08519c", "#3182bd", "#6baed6", "#9ecae1", "#2171b5", "#4292c6"),
    "news": ("#c0392b", "#2c3e50", "#7f8c8d", "#e67e22", "#16a085", "#8e44ad"),
    "classic": ("#9999ff", "#993366", "#ffffcc", "#ccffff", "#660066", "#ff8080", "#0066cc", "#ccccff"),
    "libre": ("#004586", "#ff420e", "#ffd320", "#579d1c", "#7e0021", "#83caff", "#314004", "#aecf00"),
    "sheets": ("#4285f4", "#db4437", "#f4b400", "#0f9d58", "#ab47bc", "#00acc1", "#ff7043"),
    "bright": ("#00b4ff", "#ff6e54", "#ffd32a", "#7bed9f", "#ff6b81", "#a29bfe", "#eccc68"),
    # held out: never drawn in training
    "neon": ("#ff2bd6", "#00f0ff", "#39ff14", "#fff01f", "#ff8c00", "#b026ff", "#ff3860"),
}
FONTS = ("DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono")

#: name -> paper, plot area, text, grid colour, grid axes, spines, palettes, fonts
THEMES = {
    "matplotlib": ("#ffffff", "#ffffff", "#000000", "#b0b0b0", ("none", "none", "y"), "box", ("tab10",)),
    "ggplot": ("#ffffff", "#e5e5e5", "#555555", "#ffffff", ("both",), "none", ("ggplot",)),
    "seaborn": ("#ffffff", "#eaeaf2", "#262626", "#ffffff", ("both", "y"), "none", ("seaborn", "pastel")),
    "seaborn-white": (
        "#ffffff",
        "#ffffff",
        "#262626",
        "#dddddd",
        ("both", "y"),
        "open",
        ("seaborn", "tab10"),
    ),
    "fivethirtyeight": (
        "#f0f0f0",
        "#f0f0f0",
        "#333333",
        "#cbcbcb",
        ("both", "y"),
        "none",
        ("fivethirtyeight",),
    ),
    "bmh": ("#ffffff", "#eeeeee", "#333333", "#b2b2b2", ("both",), "box", ("bmh",)),
    "grayscale": ("#ffffff", "#ffffff", "#000000", "#bbbbbb", ("none", "y"), "box", ("gray",)),
    "spreadsheet": ("#ffffff", "#ffffff", "#595959", "#d9d9d9", ("y",), "bottom", ("office",)),
    "office": ("#ffffff", "#ffffff", "#595959", "#d9d9d9", ("y", "both"), "none", ("office", "blues")),
    "office-classic": ("#ffffff", "#c0c0c0", "#000000", "#000000", ("y",), "box", ("classic", "office")),
    "libreoffice": ("#ffffff", "#ffffff", "#000000", "#b3b3b3", ("y", "both"), "box", ("libre",)),
    "sheets": ("#ffffff", "#ffffff", "#444444", "#cccccc", ("y",), "bottom", ("sheets",)),
    "textbook": ("#ffffff", "#ffffff", "#000000", "#999999", ("both", "none", "y"), "box", ("gray", "blues")),
    "dashboard": ("#ffffff", "#ffffff", "#666666", "#e6e6e6", ("y", "none"), "none", ("tableau", "plotly")),
    "plotly": ("#ffffff", "#e5ecf6", "#2a3f5f", "#ffffff", ("both",), "none", ("plotly",)),
    "news": ("#fdfaf3", "#fdfaf3", "#333333", "#d0ccc0", ("y",), "bottom", ("news", "blues")),
    "paper": ("#ffffff", "#ffffff", "#000000", "#cccccc", ("none",), "open", ("blues", "gray", "tab10")),
    "dark": ("#222222", "#222222", "#dddddd", "#444444", ("y", "both"), "open", ("bright", "plotly")),
    "dark-dashboard": ("#1e1e2a", "#2a2a3a", "#c8c8c8", "#3c3c4c", ("y",), "none", ("bright", "tableau")),
    # held out
    "neon": ("#0d1117", "#0d1117", "#c8d3f5", "#30363d", ("y", "none"), "open", ("neon",)),
}
TRAIN_THEMES = tuple(name for name in THEMES if name != "neon")
#: themes of office suites: their charts more often have a frame, a boxed legend and markers
OFFICE_THEMES = ("spreadsheet", "office", "office-classic", "libreoffice", "sheets")
HELDOUT_THEMES = ("neon",)

TITLES = [
    "Sales",
    "Revenue by region",
    "Monthly active users",
    "Temperature",
    "Survey results",
    "Growth rate",
    "Market share",
    "Distribution of income",
    "Response time",
    "Budget 2024",
    "Population",
    "Test scores",
    "Visitors per day",
    "Energy use",
    "Quarterly earnings",
    "Share of votes",
    "Rainfall (mm)",
    "Top products",
    "Website traffic",
    "Age of respondents",
]
XLABELS = [
    "Year",
    "Month",
    "Region",
    "Category",
    "Time (s)",
    "Group",
    "Value",
    "Day",
    "Age",
    "Date",
    "Country",
    "Price",
]
YLABELS = [
    "Count",
    "Revenue ($k)",
    "Percent",
    "Units",
    "Frequency",
    "Score",
    "Value",
    "Mean",
    "Share (%)",
    "Density",
]
WORDS = [
    "North",
    "South",
    "East",
    "West",
    "Apples",
    "Pears",
    "Plums",
    "Other",
    "Alpha",
    "Beta",
    "Gamma",
    "Delta",
    "Online",
    "Retail",
    "Mobile",
    "Desktop",
    "Europe",
    "Asia",
    "Africa",
    "Americas",
    "Oceania",
    "Cars",
    "Bikes",
    "Trains",
    "Yes",
    "No",
    "Maybe",
    "Red",
    "Green",
    "Blue",
]
MONTHS = (*FIRST_MONTHS, "Sep", "Oct", "Nov", "Dec")  # the clean look names the first eight


def category_names(rng: np.random.Generator, n: int) -> list[str]:
    """Category names: letters, months, words or numbers."""
    choice = int(rng.integers(4))
    if choice == 0 and n <= 12:
        return list(MONTHS[:n])
    if choice == 1 and n <= len(WORDS):
        start = int(rng.integers(len(WORDS) - n + 1))
        return WORDS[start : start + n]
    if choice == 2:
        return [chr(65 + i % 26) * (1 + i // 26) for i in range(n)]
    return [str(int(rng.integers(1990, 2000)) + i) for i in range(n)]


def ordered_names(rng: np.random.Generator, n: int) -> list[str]:
    """Names of ordered groups: ages or years in steps, or months round several years."""
    if rng.random() < 0.3:
        return [MONTHS[i % 12] for i in range(n)]
    start, step = int(rng.choice([0, 1950, 1990, 2000])), int(rng.choice([1, 5, 10]))
    return [str(start + step * i) for i in range(n)]


@dataclasses.dataclass(frozen=True)
class Look:
    """Everything about a chart of the varied looks that is not its data (sizes in pixels of the drawing)."""

    theme: str = "matplotlib"
    paper: str = "#ffffff"
    plot_bg: str = "#ffffff"
    text: str = "#000000"
    grid_color: str = "#b0b0b0"
    grid: str = "none"  # "none", "x", "y" or "both"
    spines: str = "box"  # "box", "open" (left + bottom), "bottom" or "none"
    palette: str = "tab10"
    font: str = "DejaVu Sans"
    width: int = 640  # the drawing's size before it is shrunk (fonts and lines scale with it)
    height: int = 480
    fontsize: float = 11.0  # pixels of the drawing
    linewidth: float = 1.5
    title: str = ""
    title_left: bool = False
    xlabel: str = ""
    ylabel: str = ""
    legend: str = "none"  # "none", "inside", "right", "top", "bottom"
    ticks: bool = True  # tick labels drawn
    pads: tuple[float, ...] = (0.02, 0.02, 0.02, 0.02)  # extra margins left, bottom, right, top (fraction)
    annotate: bool = False  # a reference line or a note with an arrow
    jpeg: int = 0  # JPEG quality of the stored picture (0: lossless PNG only)
    minor_grid: bool = False  # lighter grid lines halfway between the major ones
    legend_box: bool = False  # a frame around the legend
    frame: bool = False  # a frame around the whole chart, as office suites draw it
    context: str = "none"  # where the picture is seen: a name of context.CONTEXTS, or "none"

    @property
    def colors(self) -> tuple[str, ...]:
        """The palette's colours."""
        return PALETTES[self.palette]


def sample_look(rng: np.random.Generator, themes: Sequence[str] = TRAIN_THEMES) -> Look:
    """Draw a random :class:`Look`: one of ``themes``, then size, fonts and decorations."""

    def pick(seq: Sequence, p: float = 1.0):
        return seq[int(rng.integers(len(seq)))] if rng.random() < p else ""

    theme = pick(themes)
    paper, plot_bg, text, grid_color, grids, spines, palettes = THEMES[theme]
    aspect = float(np.exp(rng.uniform(np.log(0.65), np.log(2.2))))  # width / height
    longest = float(rng.uniform(260, 900))
    width, height = (longest, longest / aspect) if aspect >= 1 else (longest * aspect, longest)
    look = Look(
        theme=theme,
        paper=paper,
        plot_bg=plot_bg if rng.random() < 0.85 else paper,
        text=text,
        grid_color=grid_color,
        grid=pick(grids),
        spines=spines if rng.random() < 0.8 else pick(("box", "open", "bottom", "none")),
        palette=pick(palettes),
        font=pick(FONTS[:2]) if rng.random() < 0.9 else FONTS[2],
        width=round(width),
        height=round(height),
        fontsize=float(rng.uniform(9, 15)),
        linewidth=float(rng.choice([0.8, 1.2, 1.5, 2.0, 2.5, 3.5])),
        title=pick(TITLES, 0.6),
        title_left=bool(rng.random() < 0.3),
        xlabel=pick(XLABELS, 0.5),
        ylabel=pick(YLABELS, 0.5),
        legend=pick(("inside", "right", "top", "bottom")),
        ticks=bool(rng.random() < 0.93),
        pads=tuple(float(v) for v in rng.uniform(0, 0.12, 4) * (rng.random(4) < 0.4) + 0.015),
        annotate=bool(rng.random() < 0.12),
        jpeg=int(rng.choice([0, 0, 0, 40, 60, 80, 92])),
        **_office_touches(rng, theme in OFFICE_THEMES),
    )
    if rng.random() < 0.1:  # bare: marks only, as in sparklines, dashboards' tiles and minimal web charts
        look = dataclasses.replace(
            look, ticks=False, grid="none", spines="none", xlabel="", ylabel="", title=""
        )
    return look


def _office_touches(rng: np.random.Generator, office: bool) -> dict:
    """Minor grid, boxed legend, chart frame and context: drawn last, so earlier draws keep their meaning."""
    from .context import sample_context  # the context module knows its own names and shares

    return dict(
        minor_grid=bool(rng.random() < 0.15),
        legend_box=bool(rng.random() < (0.6 if office else 0.2)),
        frame=bool(rng.random() < (0.5 if office else 0.1)),
        context=sample_context(rng, p_none=0.75),
    )
