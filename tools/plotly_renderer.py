"""An experiment: charts drawn by Plotly, the look of many web pages and dashboards, to test with.

Plotly draws a large share of the charts on the web: dashboards (Dash, Streamlit), notebooks exported to
HTML, news and company pages. Its look is its own and the generator never imitates it: a pale blue-gray
plot area with white grid lines, its ten-colour palette, touching histogram bars, a legend at the right,
donuts and pulled-out slices, and its other templates (``plotly_white``, ``simple_white``, ``ggplot2``,
``seaborn``, ``presentation``, and ``plotly_dark``'s dark page). This tool writes one figure per chart with
random data and looks (a Plotly figure's own JSON in a small Python script) and Plotly draws every chart to
a PNG through Kaleido and a Chrome or Chromium. Plotly is not a dependency of the course: drawing needs a
Python with ``pip install plotly~=7.1 kaleido~=1.5`` (named by ``PLOTLY_PYTHON``, default this Python) and
a browser (``BROWSER_PATH=/usr/bin/chromium``); testing needs the course's environment only.

    PLOTLY_PYTHON=/path/to/python python tools/plotly_renderer.py render OUT_DIR --per-type 60 --seed 19
    python tools/second_renderer.py test OUT_DIR --model MODEL.keras \
        --source "tools/plotly_renderer.py render --per-type 60 --seed 19 (Plotly 7.1)"
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

# r_renderer: this file's folder is on the path
import r_renderer
from r_renderer import GROUPS, WORDS, bar_heights, body, cloud, pick, random_walks, sample, writers

#: Plotly's templates: its default (most pages keep it) and the others it ships
TEMPLATES = (
    "plotly",
    "plotly",
    "plotly",
    "plotly_white",
    "plotly_white",
    "simple_white",
    "ggplot2",
    "seaborn",
    "presentation",
    "plotly_dark",
)
#: colour sets: the template's own (most pages keep it), and a few of Plotly's named sequences
COLOURS = (
    None,
    None,
    None,
    ("#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a", "#19d3f3"),  # Plotly's default, spelt out
    ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"),  # D3's
    ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b"),  # T10
    ("#2e91e5", "#e15f99", "#1ca71c", "#fb0d0d", "#da16ff", "#222a2a"),  # Dark24's first
)


def _words(rng: np.random.Generator, key: bool) -> dict:
    """The layout every chart but the pie shares: title, axis titles, legend, grid lines, colours."""
    title = pick(rng, ("", f"{pick(rng, WORDS)} by {pick(rng, GROUPS).lower()}", pick(rng, WORDS)))
    layout = dict(
        title=dict(text=title),
        xaxis=dict(title=dict(text=pick(rng, (*WORDS, "", "Date", "Year")))),
        yaxis=dict(title=dict(text=pick(rng, (*WORDS, "", "Value", "Count")))),
        showlegend=key,
    )
    if key and rng.random() < 0.4:  # a legend above or below the plot instead of at the right
        layout["legend"] = dict(orientation="h", y=pick(rng, (1.08, -0.25)), x=0)
    if rng.random() < 0.2:
        layout["xaxis"]["showgrid"] = False
    if rng.random() < 0.15:
        layout["yaxis"]["showgrid"] = False
    colours = pick(rng, COLOURS)
    if colours:
        layout["colorway"] = list(colours)
    return layout


def _bars(kind: str, rng: np.random.Generator) -> dict:
    k, m, values, names = bar_heights(rng, single=0.6)
    horizontal = kind == "hbar"
    labels = k == 1 and rng.random() < 0.25  # values written on the bars, as dashboards often do
    data = []
    for i in range(k):
        trace = dict(type="bar", name=GROUPS[i], orientation="h" if horizontal else "v")
        trace |= dict(x=list(values[i]), y=names) if horizontal else dict(x=names, y=list(values[i]))
        if labels:
            trace |= dict(text=[f"{v:.0f}" for v in values[i]], textposition=pick(rng, ("auto", "outside")))
        data.append(trace)
    layout = _words(rng, key=k > 1) | dict(barmode=pick(rng, ("group", "group", "stack")))
    layout["bargap"] = round(float(rng.uniform(0.1, 0.4)), 2)
    return dict(data=data, layout=layout)


def _histogram(rng: np.random.Generator) -> dict:
    trace = dict(type="histogram", x=list(np.round(sample(rng), 2)))
    if rng.random() < 0.6:
        trace["nbinsx"] = int(rng.integers(8, 50))
    if rng.random() < 0.3:  # outlined bars
        trace["marker"] = dict(line=dict(width=1, color=pick(rng, ("white", "black", "#444"))))
    layout = _words(rng, key=False)
    layout["bargap"] = pick(rng, (0, 0, 0, 0.05, 0.1))  # Plotly's bars touch unless a gap is asked for
    return dict(data=[trace], layout=layout)


def _lines(kind: str, rng: np.random.Generator) -> dict:
    k, m = int(rng.choice([1, 1, 1, 2, 3, 4])), int(rng.integers(8, 80))
    values = np.round(random_walks(rng, k, m, positive=kind == "area"), 2)
    start = int(rng.integers(1950, 2010)) if rng.random() < 0.5 else 0
    x = list(range(start, start + m))
    mode = pick(rng, ("lines", "lines", "lines", "lines+markers"))
    shape = pick(rng, ("linear", "linear", "linear", "spline", "hv"))  # straight, smooth, steps
    data = []
    for i in range(k):
        trace = dict(
            type="scatter", x=x, y=list(values[i]), name=GROUPS[i], mode=mode, line=dict(shape=shape)
        )
        if kind == "area":
            stacked = k > 1 and rng.random() < 0.5
            trace |= dict(stackgroup="one") if stacked else dict(fill="tozeroy" if i == 0 else "tonexty")
            trace["mode"] = "lines"
        data.append(trace)
    return dict(data=data, layout=_words(rng, key=k > 1))


def _pie(rng: np.random.Generator) -> dict:
    m = int(rng.integers(2, 9))
    shares = np.round(rng.dirichlet(np.ones(m) * rng.uniform(0.7, 3)) * 100, 1)
    trace = dict(
        type="pie", labels=[pick(rng, (GROUPS[j], f"Group {j + 1}")) for j in range(m)], values=list(shares)
    )
    trace["hole"] = pick(rng, (0, 0, 0, 0.3, 0.5))  # a donut one time in four
    trace["textinfo"] = pick(rng, ("percent", "percent", "label+percent", "value", "none"))
    if rng.random() < 0.2:  # one slice pulled out
        trace["pull"] = [0.1 if j == 0 else 0 for j in range(m)]
    title = pick(rng, ("", "", f"Share by {pick(rng, GROUPS).lower()}"))
    colours = pick(rng, COLOURS)
    layout = dict(title=dict(text=title), showlegend=bool(rng.random() < 0.8))
    if colours:
        layout["colorway"] = list(colours)
    return dict(data=[trace], layout=layout)


def _scatter(rng: np.random.Generator) -> dict:
    x, y = cloud(rng)
    k = len(x)
    size = float(np.round(rng.uniform(4, 11), 1))
    opacity = pick(rng, (1, 1, 0.7, 0.5))
    data = [
        dict(
            type="scatter",
            mode="markers",
            x=list(np.round(x[g], 3)),
            y=list(np.round(y[g], 3)),
            name=GROUPS[g],
            marker=dict(size=size, opacity=opacity),
        )
        for g in range(k)
    ]
    if rng.random() < 0.3:  # the least-squares line, as plotly.express's trendline="ols" draws it
        slope, intercept = np.polyfit(x[0], y[0], 1)
        ends = np.array([x[0].min(), x[0].max()])
        fit = dict(type="scatter", mode="lines", x=list(ends), y=list(slope * ends + intercept), name="fit")
        data.append(fit)
    return dict(data=data, layout=_words(rng, key=len(data) > 1))


WRITERS = writers(_bars, _histogram, _lines, _pie, _scatter)  # Plotly


def _number(value: object) -> object:
    """A JSON number for numpy's (JSON writes Python's own)."""
    return value.item() if isinstance(value, np.generic) else value


def chart_script(kind: str, rng: np.random.Generator, file: Path) -> str:
    """The Python lines that draw one chart of ``kind`` with random data and look into ``file``."""
    figure = body(kind, rng, WRITERS)
    figure["layout"] |= dict(
        template=pick(rng, TEMPLATES),
        width=int(rng.integers(380, 900)),
        height=int(rng.integers(300, 700)),
        font=dict(size=int(rng.integers(10, 15))),
    )
    spec = json.dumps(figure, default=_number)
    return f"fig = json.loads({spec!r})\ndraw(fig, {str(file)!r})\n"


#: how Plotly runs a script (:func:`main` names the Python), and what to install where it is missing
PLOTLY = dict(
    program=(sys.executable,),
    install="pip install plotly~=7.1 kaleido~=1.5 into a Python named by PLOTLY_PYTHON",
    header=(
        "import json\nimport plotly.graph_objects as go\nimport plotly.io as pio\n"
        "figures, files = [], []\n\n\ndef draw(fig, file):\n"
        "    figures.append(go.Figure(fig))\n    files.append(file)\n\n\n"
    ),
    footer="pio.write_images(figures, files)\n",  # one browser draws them all
)


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module's docstring), as r_renderer's."""
    how = PLOTLY | dict(program=(os.environ.get("PLOTLY_PYTHON", sys.executable),))
    return r_renderer.main(argv, script=chart_script, seed=19, doc=__doc__, how=how)


if __name__ == "__main__":
    sys.exit(main())
