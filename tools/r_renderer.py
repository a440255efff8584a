"""An experiment: charts drawn by R's base graphics, the look of many textbook figures, to test with.

Statistics textbooks, lecture notes and teaching sites draw their figures with R more than with any
other tool, and mostly with its base graphics: ``barplot``, ``hist``, ``pie``, ``plot`` with ``lines``,
``polygon``, ``abline`` and ``legend``. Their look is R's own and the course never imitates it: white
histogram bars outlined in black under "Histogram of x", pies with R's pastel colours and labels outside,
open circles, hatching, "Index" on the x axis, printed in gray. This tool writes one R script per chart
type with random data and looks, and R draws every chart to a PNG (``png(type = "cairo")``). R is not a
dependency of the course: drawing needs ``apt install r-base-core``; testing needs the course's
environment and no R.

    python tools/r_renderer.py render OUT_DIR --per-type 60 --seed 7    # OUT_DIR/<type>/*.png
    python tools/second_renderer.py test OUT_DIR --model MODEL.keras \
        --source "tools/r_renderer.py render --per-type 60 --seed 7 (R 4.2.2)"
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
from second_renderer import TYPES  # the classifier's seven types (this file's folder is on the path)

WORDS = ("Income", "Age", "Height", "Weight", "Score", "Time", "Count", "Price", "Rainfall", "Yield")
GROUPS = ("A", "B", "C", "Control", "Treatment", "Male", "Female", "North", "South", "2019", "2020")
#: colours, as R code for ``n`` colours: the function's own default (``NULL``: gray bars, R's pastel pie
#: slices, black points and lines, as most people leave it), R's palettes, or one colour for every mark
PALETTES = (
    "NULL",
    "NULL",
    "gray.colors(n)",
    "rainbow(n)",
    "heat.colors(n)",
    "terrain.colors(n)",
    'hcl.colors(n, "viridis")',
    "palette.colors(n + 1)[-1]",
    "2:(n + 1)",
)
ONE_COLOUR = tuple(
    f'rep("{name}", n)' for name in ("gray", "steelblue", "skyblue", "darkblue", "tomato", "darkgreen")
)


def _colours(rng: np.random.Generator, distinct: bool) -> str:
    """R code for the marks' colours; ``distinct``: one colour per slice or series, as the marks need."""
    return pick(rng, PALETTES if distinct else PALETTES + ONE_COLOUR)


SYMBOLS = ("1", "1", "16", "19", "20", "4", "21", "3")  # pch: open circles most, as R's default
BORDERS = ('par("fg")', 'par("fg")', "NA", '"white"', '"gray40"')
NAMES = (
    GROUPS,
    tuple(str(year) for year in range(2010, 2024)),
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    tuple("ABCDEFGHIJKL"),
)
PIE_DEFAULT = '"white", "lightblue", "mistyrose", "lightcyan", "lavender", "cornsilk"'  # pie()'s own colours


T = TypeVar("T")


def r_vector(values) -> str:
    """R's ``c(...)`` of numbers or words."""
    if all(isinstance(v, str) for v in values):
        return "c(" + ", ".join(f'"{v}"' for v in values) + ")"
    return "c(" + ", ".join(f"{float(v):.4g}" for v in values) + ")"


def pick(rng: np.random.Generator, seq: Sequence[T]) -> T:
    """One of ``seq``, drawn with ``rng``."""
    return seq[int(rng.integers(len(seq)))]


def _device(rng: np.random.Generator, file: Path) -> str:
    """Open a PNG of a figure's usual sizes and set the margins, text size, font and box R draws with."""
    width, height = int(rng.integers(380, 900)), int(rng.integers(300, 700))
    res = int(rng.choice([72, 72, 96, 110]))  # the text's size in pixels follows the resolution
    family = pick(rng, ("sans", "sans", "sans", "serif"))
    box = pick(rng, ("o", "o", "o", "l", "n"))
    orientation = int(rng.choice([0, 0, 1]))  # las: axis numbers parallel to the axis, or all horizontal
    margins = f"c({rng.uniform(3.5, 5.5):.1f}, {rng.uniform(3.5, 5):.1f}, {rng.uniform(1, 4.5):.1f}, 1.5)"
    return (
        f'png("{file}", width = {width}, height = {height}, res = {res}, type = "cairo")\n'
        f'par(mar = {margins}, family = "{family}", bty = "{box}", las = {orientation}, '
        f"cex = {rng.uniform(0.8, 1.2):.2f})\n"
    )


def _words(rng: np.random.Generator, default_title: str = "") -> str:
    """``main``, ``xlab`` and ``ylab`` arguments: a title half the time, axis words most of the time."""
    title = pick(rng, (default_title, f"{pick(rng, WORDS)} by {pick(rng, GROUPS).lower()}", ""))
    xlab, ylab = pick(rng, (*WORDS, "", "x")), pick(rng, (*WORDS, "", "y", "Frequency"))
    return f'main = "{title}", xlab = "{xlab}", ylab = "{ylab}"'


def random_walks(rng: np.random.Generator, k: int, m: int, positive: bool) -> np.ndarray:
    """``k`` random walks of ``m`` values (shifted above zero where a chart needs it)."""
    walks = np.cumsum(rng.normal(0, rng.uniform(1, 6), size=(k, m)), axis=1) + rng.uniform(10, 60, (k, 1))
    return walks - min(0.0, walks.min()) + rng.uniform(1, 5) if positive else walks


def bar_heights(rng: np.random.Generator, single: float) -> tuple[int, int, np.ndarray, list[str]]:
    """A bar chart's data: ``(series, bars, heights, names)``, one series with probability ``single``."""
    k = 1 if rng.random() < single else int(rng.integers(2, 4))
    m = int(rng.integers(3, 11)) if k == 1 else int(rng.integers(3, 7))
    values = np.round(random_walks(rng, k, m, positive=True), 1)
    return k, m, values, list(pick(rng, NAMES)[:m])


def sample(rng: np.random.Generator) -> np.ndarray:
    """A histogram's values: 60 to 1,500 of a normal, skewed, uniform or two-peaked sample."""
    n = int(rng.integers(60, 1500))
    shape = pick(rng, ("normal", "gamma", "uniform", "bimodal"))
    return {
        "normal": lambda: rng.normal(rng.uniform(-50, 100), rng.uniform(1, 20), n),
        "gamma": lambda: rng.gamma(rng.uniform(1.2, 6), rng.uniform(1, 10), n),
        "uniform": lambda: rng.uniform(0, rng.uniform(5, 100), n),
        "bimodal": lambda: np.concatenate([rng.normal(0, 1, n // 2), rng.normal(3, 1, n - n // 2)]),
    }[shape]()


def cloud(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A scatter's points: 1 to 3 groups (rows) of 15 to 400 points along a line, tight or loose."""
    k, n = int(rng.choice([1, 1, 1, 2, 3])), int(rng.integers(15, 400))
    slope, spread = rng.normal(0, 1.2), rng.uniform(0.2, 2)
    x = rng.uniform(0, 10, (k, n)) if rng.random() < 0.5 else rng.normal(5, 2, (k, n))
    return x, slope * x + rng.normal(0, spread, (k, n)) + rng.uniform(-5, 5, (k, 1))


def _legend(rng: np.random.Generator, k: int, how: str) -> str:
    """A legend for ``k`` series (``how``: ``fill = cols`` or ``col = cols, lty = 1`` ...), on most charts."""
    if k < 2 or rng.random() < 0.25:
        return ""
    where = pick(rng, ("topright", "topleft", "bottomright", "top", "right"))
    frame = pick(rng, ("o", "o", "n"))
    return f'legend("{where}", legend = {r_vector(list(GROUPS[:k]))}, {how}, bty = "{frame}", cex = 0.8)\n'


def _bars(kind: str, rng: np.random.Generator) -> str:
    k, m, values, names = bar_heights(rng, single=0.65)
    horizontal = kind == "hbar"
    options = dict(
        col="cols",
        beside=pick(rng, ("TRUE", "TRUE", "FALSE")),
        horiz="TRUE" if horizontal else "FALSE",
        space=pick(rng, ("NULL", "0.2", "0.5", "1")),
        border=pick(rng, BORDERS),
    )
    if rng.random() < 0.15:  # hatching instead of a fill, as in printed books
        options["density"] = str(int(rng.integers(8, 25)))
    arguments = ", ".join(f"{name} = {value}" for name, value in options.items())
    code = (
        f"n <- {k if k > 1 else m}\nheights <- matrix({r_vector(values.ravel())}, nrow = {k}, byrow = TRUE)\n"
        f"cols <- {_colours(rng, distinct=k > 1)}\n"
        f"mids <- barplot({'heights' if k > 1 else 'heights[1, ]'}, names.arg = {r_vector(names)}, "
        f"{arguments}, {_words(rng)})\n"
    )
    if k == 1 and rng.random() < 0.2:  # the values written at the bars' ends
        where = "y = mids, x = heights[1, ], pos = 4" if horizontal else "x = mids, y = heights[1, ], pos = 3"
        code += f"text({where}, labels = round(heights[1, ]), cex = 0.8, xpd = TRUE)\n"
    if rng.random() < 0.2:
        code += "box()\n"
    if rng.random() < 0.15:  # grid lines across the values' axis only
        code += "grid(nx = NULL, ny = NA)\n" if horizontal else "grid(nx = NA, ny = NULL)\n"
    return code + _legend(rng, k, "fill = if (is.null(cols)) gray.colors(n) else cols")


def _histogram(rng: np.random.Generator) -> str:
    data = sample(rng)
    density = rng.random() < 0.25  # a density curve over the bars, as textbooks often draw
    fill = pick(rng, ('rep("white", n)', _colours(rng, distinct=False)))  # white: R's default until 4.0
    outline = 'par("fg")' if "white" in fill else pick(rng, BORDERS[:2] + BORDERS[3:])  # bars stay seen
    breaks = pick(rng, ('"Sturges"', '"Sturges"', str(int(rng.integers(5, 40))), '"FD"'))
    code = (
        f"x <- {r_vector(np.round(data, 2))}\nn <- 1\n"
        f"hist(x, breaks = {breaks}, col = {fill}, freq = {'FALSE' if density else 'TRUE'}, "
        f"border = {outline}, {_words(rng, default_title='Histogram of x')})\n"
    )
    if density:
        code += f"lines(density(x), lwd = {rng.uniform(1, 3):.1f}, col = {pick(rng, ('1', '2', '4'))})\n"
    if rng.random() < 0.15:
        code += "rug(x)\n"
    if rng.random() < 0.1:
        code += "box()\n"
    return code


def _lines(kind: str, rng: np.random.Generator) -> str:
    k, m = int(rng.choice([1, 1, 1, 2, 3, 4])), int(rng.integers(8, 80))
    values = np.round(random_walks(rng, k, m, positive=kind == "area"), 2)
    x = f"{int(rng.integers(1950, 2010))} + 0:{m - 1}" if rng.random() < 0.5 else f"1:{m}"
    code = f"n <- {k}\nx <- {x}\ny <- matrix({r_vector(values.ravel())}, nrow = {k}, byrow = TRUE)\n"
    code += (
        f"cols <- {_colours(rng, distinct=kind == 'area' and k > 1)}\nif (is.null(cols)) cols <- rep(1, n)\n"
    )
    if kind == "area":
        stacked = k > 1 and rng.random() < 0.5
        code += "y <- apply(y, 2, cumsum)\n" if stacked else ""
        code += "y <- matrix(y, nrow = n)\n"
        code += f'plot(x, y[n, ], type = "n", ylim = c(0, max(y)), {_words(rng)})\n'
        if rng.random() < 0.2:
            code += "grid()\n"
        code += (
            "for (i in n:1) polygon(c(x[1], x, x[length(x)]), c(0, y[i, ], 0), "
            f"col = adjustcolor(cols[i], {rng.uniform(0.4, 1):.2f}), border = "
            f"{pick(rng, ('cols[i]', 'NA', '1'))})\n"
        )
        return code + _legend(rng, k, "fill = cols")
    style = pick(rng, ("l", "l", "l", "b", "o", "s"))  # lines, with points, or steps
    dashes, points = pick(rng, ("1", "1:n")), pick(rng, ("1", "16", "1:n"))
    code += f'matplot(x, t(y), type = "{style}", lty = {dashes}, pch = {points}, '
    code += f"lwd = {rng.uniform(1, 3):.1f}, col = cols, {_words(rng)})\n"
    if rng.random() < 0.25:
        code += "grid()\n"
    if rng.random() < 0.1:
        code += "abline(h = mean(y), lty = 2)\n"
    return code + _legend(rng, k, "col = cols, lty = 1")


def _pie(rng: np.random.Generator) -> str:
    m = int(rng.integers(2, 9))
    shares = np.round(rng.dirichlet(np.ones(m) * rng.uniform(0.7, 3)) * 100, 1)
    names = [pick(rng, (GROUPS[j], f"Group {j + 1}", f"{GROUPS[j]} ({shares[j]:.0f}%)")) for j in range(m)]
    labelled = rng.random() < 0.85  # else a legend names the slices
    title = pick(rng, ("", "", f"Share by {pick(rng, GROUPS).lower()}"))
    border = pick(rng, ("NULL", "NULL", '"white"'))
    blank = 'rep("", n)'
    code = (
        f"n <- {m}\nshares <- {r_vector(shares)}\ncols <- {_colours(rng, distinct=True)}\n"
        f"if (is.null(cols)) cols <- rep_len(c({PIE_DEFAULT}), n)\n"
        f"pie(shares, labels = {r_vector(names) if labelled else blank}, col = cols, "
        f"clockwise = {pick(rng, ('TRUE', 'FALSE'))}, "
        f"{pick(rng, ('', 'init.angle = 90, ', 'init.angle = 0, '))}"
        f'radius = {rng.uniform(0.7, 1):.2f}, border = {border}, main = "{title}")\n'
    )
    if not labelled:
        frame = pick(rng, ("o", "n"))
        code += f'legend("topright", legend = {r_vector(names)}, fill = cols, bty = "{frame}", cex = 0.8)\n'
    return code


def _scatter(rng: np.random.Generator) -> str:
    x, y = cloud(rng)
    k = len(x)
    code = (
        f"n <- {k}\nx <- matrix({r_vector(np.round(x.ravel(), 3))}, nrow = n)\n"
        f"y <- matrix({r_vector(np.round(y.ravel(), 3))}, nrow = n)\n"
        f"cols <- {_colours(rng, distinct=False)}\nif (is.null(cols)) cols <- rep(1, n)\n"
        f"plot(x[1, ], y[1, ], xlim = range(x), ylim = range(y), pch = {pick(rng, SYMBOLS)}, "
        f"col = cols[1], cex = {rng.uniform(0.7, 1.4):.2f}, {_words(rng)})\n"
        "if (n > 1) for (i in 2:n) points(x[i, ], y[i, ], pch = i, col = cols[i])\n"
    )
    if rng.random() < 0.2:
        code += "grid()\n"
    if rng.random() < 0.3:  # a fitted line, sometimes with its equation: still a scatter
        code += "fit <- lm(y[1, ] ~ x[1, ])\nabline(fit, col = 2, lwd = 2)\n"
        if rng.random() < 0.4:
            code += (
                'legend("topleft", legend = sprintf("y = %.2f x + %.2f", coef(fit)[2], coef(fit)[1]), '
                'bty = "n")\n'
            )
    elif rng.random() < 0.1:
        code += "lines(lowess(x[1, ], y[1, ]), col = 4, lwd = 2)\n"
    return code + _legend(rng, k, "col = cols, pch = 1:n")


def writers(bars: Callable, histogram: Callable, lines: Callable, pie: Callable, scatter: Callable) -> dict:
    """Chart type -> the function of ``rng`` that writes its code (bars and lines also get the type)."""
    return {
        "area": partial(lines, "area"),
        "bar": partial(bars, "bar"),
        "hbar": partial(bars, "hbar"),
        "histogram": histogram,
        "line": partial(lines, "line"),
        "pie": pie,
        "scatter": scatter,
    }


WRITERS = writers(_bars, _histogram, _lines, _pie, _scatter)  # base graphics


def chart_script(kind: str, rng: np.random.Generator, file: Path) -> str:
    """The R code that draws one chart of ``kind`` with random data and look into ``file``."""
    device = _device(rng, file)
    return f"local({{\n{device}{body(kind, rng, WRITERS)}invisible(dev.off())\n}})\n"


def body(kind: str, rng: np.random.Generator, writers: dict[str, Callable]) -> str:
    """The code of one chart: ``writers[kind](rng)``, or a clear error for a type the tools do not draw."""
    if kind not in writers:
        raise ValueError(f"unknown chart type {kind!r}")
    return writers[kind](rng)


#: how R runs a script, and what to install where it is missing
R = dict(program=("Rscript", "--vanilla"), install="apt install r-base-core", header="set.seed({seed})\n")


def render(out: Path, per_type: int, seed: int, script: Callable = chart_script, how: dict = R) -> None:
    """Draw ``per_type`` charts of each type into ``out/<type>/`` as PNGs, one program run per type.

    ``script(kind, rng, file)`` writes each chart's code (:func:`chart_script`: R's base graphics);
    ``how`` names the program that runs it (:data:`R`; gnuplot_renderer passes gnuplot's), the lines
    before every chart's (``header``) and, where the program needs them, after (``footer``).
    """
    program, name = how["program"], how["program"][0]
    if shutil.which(name) is None:
        sys.exit(f"{name} not found: {how['install']}")
    drawn = 0
    for t, kind in enumerate(TYPES):
        folder = out / kind
        folder.mkdir(parents=True, exist_ok=True)
        files = [(folder / f"{kind}_{j:04d}.png").resolve() for j in range(per_type)]
        scripts = [script(kind, np.random.default_rng([seed, t, j]), f) for j, f in enumerate(files)]
        with tempfile.TemporaryDirectory() as scratch:
            commands = Path(scratch) / f"{kind}.script"
            commands.write_text(how["header"].format(seed=seed) + "".join(scripts) + how.get("footer", ""))
            run = subprocess.run([*program, str(commands)], capture_output=True, text=True)
        if run.returncode:
            raise RuntimeError(f"{name} failed drawing the {kind} charts:\n{run.stderr[-2000:]}")
        missing = [f.name for f in files if not f.exists()]
        if missing:
            raise RuntimeError(f"{name} drew no {', '.join(missing[:5])}")
        drawn += len(files)
    print(f"drew {drawn} charts into {out}")


def main(
    argv: list[str] | None = None,
    script: Callable = chart_script,
    seed: int = 7,
    doc: str = __doc__,
    how: dict = R,
) -> int:
    """The command line (see the module's docstring): ``render OUT_DIR [--per-type N] [--seed N]``.

    ggplot_renderer's and gnuplot_renderer's too: they name their own ``script``, default ``seed``,
    ``doc`` and (gnuplot) ``how`` it runs.
    """
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    commands = ap.add_subparsers(dest="command", required=True)
    drawing = commands.add_parser("render")
    drawing.add_argument("out", type=Path)
    drawing.add_argument("--per-type", type=int, default=60)
    drawing.add_argument("--seed", type=int, default=seed)
    args = ap.parse_args(argv)
    render(args.out, args.per_type, args.seed, script=script, how=how)
    return 0


if __name__ == "__main__":
    sys.exit(main())
