"""An experiment: charts drawn by gnuplot, the look of many science course notes, to test with.

gnuplot has drawn lecture notes' and lab reports' figures for decades, in a look of its own: a box round
the plot with ticks on all four sides, its purple, green and blue line colours, a key with line samples,
outlined boxes for histograms. The generator never imitates it. This tool writes a gnuplot script for each
chart type with random data and looks (``histograms`` for bars, ``boxxyerror`` for horizontal bars,
``boxes``, ``lines`` and ``linespoints``, ``filledcurves``, ``points`` with a fitted line, and pies as
``circles`` arcs), and gnuplot draws each to a PNG (``pngcairo``). gnuplot is not a dependency of the
course: drawing needs ``apt install gnuplot-nox``; testing needs the course's environment only.

    python tools/gnuplot_renderer.py render OUT_DIR --per-type 60 --seed 12    # OUT_DIR/<type>/*.png
    python tools/second_renderer.py test OUT_DIR --model MODEL.keras \
        --source "tools/gnuplot_renderer.py render --per-type 60 --seed 12 (gnuplot 5.4)"
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

# r_renderer: this file's folder is on the path
import r_renderer
from r_renderer import GROUPS, WORDS, bar_heights, body, cloud, pick, random_walks, sample, writers

#: colour sets: gnuplot's own line colours (most people keep them), a gray one for print, a few others
COLOURS = (
    None,
    None,
    ("#9400d3", "#009e73", "#56b4e9", "#e69f00", "#f0e442", "#0072b2", "#e51e10"),  # gnuplot 5's default
    ("#000000", "#555555", "#999999", "#cccccc", "#333333", "#777777"),
    ("#ff0000", "#00c000", "#0080ff", "#c000ff", "#00eeee", "#c04000"),  # gnuplot 4's
)


def _data(name: str, columns: list[list]) -> str:
    """A gnuplot datablock ``$name``: one row per item, the columns side by side (words quoted)."""
    rows = zip(*columns, strict=True)
    lines = [" ".join(f'"{v}"' if isinstance(v, str) else f"{float(v):.4g}" for v in row) for row in rows]
    return f"${name} << EOD\n" + "\n".join(lines) + "\nEOD\n"


def _look(rng: np.random.Generator, key: bool) -> str:
    """Words, key, grid, tics and colours: what every chart but the pie sets."""
    title = pick(rng, ("", "", f"{pick(rng, WORDS)} by {pick(rng, GROUPS).lower()}"))
    xlabel, ylabel = pick(rng, (*WORDS, "x", "")), pick(rng, (*WORDS, "y", "f(x)", ""))
    where = pick(rng, ("top right", "top left", "bottom right", "outside right", "below"))
    code = f'set title "{title}"\nset xlabel "{xlabel}"\nset ylabel "{ylabel}"\n'
    code += f"set key {where}{' box' if rng.random() < 0.3 else ''}\n" if key else "unset key\n"
    code += "set grid\n" if rng.random() < 0.35 else ""
    code += pick(rng, ("", "", "set border 3\nset tics nomirror\n", "set tics out\n"))
    colours = pick(rng, COLOURS)
    if colours:
        code += "".join(f'set linetype {i + 1} lc rgb "{c}"\n' for i, c in enumerate(colours))
    return code


def _bars(kind: str, rng: np.random.Generator) -> str:
    k, m, values, names = bar_heights(rng, single=0.6)
    fill = pick(rng, ("solid 0.8 border -1", "solid 1.0 noborder", "empty border -1", "pattern border -1"))
    code = _data("bars", [names, *values]) + _look(rng, key=k > 1) + f"set style fill {fill}\n"
    code += "set yrange [0:*]\n" if kind == "bar" else "set xrange [0:*]\n"
    if kind == "bar":
        layout = pick(rng, ("clustered gap 1", "clustered gap 2", "rowstacked"))
        code += f"set style data histograms\nset style histogram {layout}\n"
        code += f"set boxwidth {rng.uniform(0.6, 0.95):.2f}\n"
        series = [f'$bars using {s + 2}{":xtic(1)" if s == 0 else ""} title "{GROUPS[s]}"' for s in range(k)]
        return code + "plot " + ", ".join(series) + "\n"
    # horizontal bars: boxes from 0 to the value, one row per name (of the first series only)
    height = rng.uniform(0.25, 0.45)
    code += "set yrange [-0.6:*]\n"
    return (
        code
        + f'plot $bars using ($2/2):0:($2/2):({height:.2f}):ytic(1) with boxxyerror title "{GROUPS[0]}"\n'
    )


def _histogram(rng: np.random.Generator) -> str:
    values = sample(rng)
    counts, edges = np.histogram(values, bins=int(rng.integers(8, 40)))
    centres = (edges[:-1] + edges[1:]) / 2
    fill = pick(rng, ("empty border -1", "empty border -1", "solid 0.5 border -1", "solid 1.0 noborder"))
    code = _data("bins", [list(centres), list(counts)]) + _look(rng, key=False)
    code += f"set style fill {fill}\nset boxwidth {np.diff(edges)[0]:.4g}\nset yrange [0:*]\n"
    return code + "plot $bins using 1:2 with boxes lt 1\n"


def _lines(kind: str, rng: np.random.Generator) -> str:
    k, m = int(rng.choice([1, 1, 2, 3, 4])), int(rng.integers(8, 80))
    values = np.round(random_walks(rng, k, m, positive=kind == "area"), 2)
    x = list(int(rng.integers(1950, 2010)) + np.arange(m))
    code = _data("series", [x, *values]) + _look(rng, key=k > 1)
    if kind == "area":
        code += f"set style fill transparent solid {rng.uniform(0.35, 0.9):.2f}\nset yrange [0:*]\n"
        series = [f'$series using 1:{s + 2} with filledcurves x1 title "{GROUPS[s]}"' for s in range(k)]
        return code + "plot " + ", ".join(series) + "\n"
    style = pick(rng, ("lines", "lines", "linespoints", "steps"))
    width = rng.uniform(1, 3)
    series = [f'$series using 1:{s + 2} with {style} lw {width:.1f} title "{GROUPS[s]}"' for s in range(k)]
    return code + "plot " + ", ".join(series) + "\n"


def _pie(rng: np.random.Generator) -> str:
    m = int(rng.integers(2, 9))
    shares = rng.dirichlet(np.ones(m) * rng.uniform(0.7, 3))
    ends = np.cumsum(shares) * 360
    starts = np.r_[0, ends[:-1]]
    names = [GROUPS[j] for j in range(m)]
    code = _data("slices", [names, list(starts), list(ends), list(range(1, m + 1))])
    colours = pick(rng, COLOURS[:3] + COLOURS[4:]) or COLOURS[2]
    code += "".join(f'set linetype {i + 1} lc rgb "{c}"\n' for i, c in enumerate(colours))
    code += "unset border\nunset tics\nset size ratio -1\nset xrange [-1.5:1.5]\nset yrange [-1.25:1.25]\n"
    edge = pick(rng, ("-1", 'rgb "white"'))
    code += f"set style fill solid 1.0 border {edge}\n"
    title = pick(rng, ("", f"Share by {pick(rng, GROUPS).lower()}"))
    code += f'set title "{title}"\nset key {pick(rng, ("outside right", "off"))}\n'
    labels = ""
    if rng.random() < 0.6:  # names beside the slices
        labels = (
            ", $slices using (1.15*cos(($2+$3)/2*pi/180)):(1.15*sin(($2+$3)/2*pi/180)):1 with labels notitle"
        )
    return code + f'plot $slices using (0):(0):(1):2:3:4 with circles lc variable title ""{labels}\n'


def _scatter(rng: np.random.Generator) -> str:
    x, y = cloud(rng)
    k = len(x)
    code = _data("points", [list(x.ravel()), list(y.ravel()), list(np.repeat(np.arange(k), x.shape[1]))])
    code += _look(rng, key=k > 1)
    point = int(pick(rng, (7, 7, 6, 1, 2, 5)))  # filled and open circles, crosses, squares
    size = rng.uniform(0.4, 1.2)
    series = [
        f'$points using 1:($3 == {g} ? $2 : NaN) with points pt {point} ps {size:.2f} title "{GROUPS[g]}"'
        for g in range(k)
    ]
    if rng.random() < 0.35:  # the least-squares line over the points: still a scatter
        slope, intercept = np.polyfit(x[0], y[0], 1)
        series.append(f'{slope:.4g}*x + {intercept:.4g} with lines lw 2 title "fit"')
    return code + "plot " + ", ".join(series) + "\n"


WRITERS = writers(_bars, _histogram, _lines, _pie, _scatter)  # gnuplot


def chart_script(kind: str, rng: np.random.Generator, file: Path) -> str:
    """The gnuplot commands that draw one chart of ``kind`` with random data and look into ``file``."""
    width, height = int(rng.integers(380, 900)), int(rng.integers(300, 700))
    font = f"{pick(rng, ('Sans', 'Sans', 'Serif'))},{int(rng.integers(8, 14))}"
    device = f'reset\nset terminal pngcairo size {width},{height} font "{font}"\nset output "{file}"\n'
    return f"{device}{body(kind, rng, WRITERS)}unset output\n"


#: how gnuplot runs a script, and what to install where it is missing
GNUPLOT = dict(program=("gnuplot",), install="apt install gnuplot-nox", header="")


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module's docstring), as r_renderer's."""
    return r_renderer.main(argv, script=chart_script, seed=12, doc=__doc__, how=GNUPLOT)


if __name__ == "__main__":
    sys.exit(main())
