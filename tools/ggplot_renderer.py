"""An experiment: charts drawn by R's ggplot2, the look of many recent textbooks, to test with.

ggplot2's look is the best known of any charting library's: a gray panel with white grid lines, its own
hue palette, a legend on the right, and its themes (``theme_bw``, ``theme_minimal``, ``theme_classic``...).
The generator imitates it with matplotlib (its ``ggplot`` theme); this tool asks whether the imitation
carries over to ggplot2 itself. It writes a few lines of ggplot2 for each chart, with random data and looks
(``geom_col``, ``geom_histogram``, ``geom_line``, ``geom_area``, ``geom_point`` with ``geom_smooth``, and
pies as ``coord_polar``), and R draws each to a PNG. R and ggplot2 are not dependencies of the course:
drawing needs ``apt install r-base-core r-cran-ggplot2``; testing needs the course's environment only.

    python tools/ggplot_renderer.py render OUT_DIR --per-type 60 --seed 9    # OUT_DIR/<type>/*.png
    python tools/second_renderer.py test OUT_DIR --model MODEL.keras \
        --source "tools/ggplot_renderer.py render --per-type 60 --seed 9 (ggplot2 3.4.1)"
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

# r_renderer: this file's folder is on the path
import r_renderer
from r_renderer import GROUPS, WORDS, bar_heights, body, cloud, pick, r_vector, random_walks, sample, writers

THEMES = (
    "theme_gray",
    "theme_gray",
    "theme_gray",
    "theme_bw",
    "theme_minimal",
    "theme_classic",
    "theme_light",
)
#: colour scales: ggplot2's own hue palette (most people keep it), ColorBrewer, viridis, gray
SCALES = (
    "",
    "",
    "",
    'scale_{aes}_brewer(palette = "Set1")',
    'scale_{aes}_brewer(palette = "Dark2")',
    'scale_{aes}_brewer(palette = "Pastel1")',
    "scale_{aes}_viridis_d()",
    "scale_{aes}_grey()",
)
ONE_COLOUR = ('"gray35"', '"steelblue"', '"#F8766D"', '"darkgreen"', '"tomato"', '"skyblue"', '"black"')


def _look(rng: np.random.Generator, aes: str, groups: int) -> str:
    """The ``+ ...`` that every chart takes: theme and text size, words, legend, and the colour scale."""
    theme = pick(rng, THEMES)
    title = pick(rng, ("", "", f"{pick(rng, WORDS)} by {pick(rng, GROUPS).lower()}"))
    xlab, ylab = pick(rng, (*WORDS, "x", "")), pick(rng, (*WORDS, "y", "count", ""))
    legend = pick(rng, ("right", "right", "bottom", "top", "none"))
    scale = pick(rng, SCALES).format(aes=aes) if groups > 1 else ""
    return (
        f" + {theme}(base_size = {rng.uniform(9, 16):.1f})"
        f' + labs(title = "{title}", x = "{xlab}", y = "{ylab}")'
        f' + theme(legend.position = "{legend}")' + (f" + {scale}" if scale else "") + "\n"
    )


def _bars(kind: str, rng: np.random.Generator) -> str:
    k, m, values, names = bar_heights(rng, single=0.6)
    code = (
        f"df <- data.frame(name = factor(rep({r_vector(names)}, {k}), levels = {r_vector(names)}), "
        f"group = rep({r_vector(list(GROUPS[:k]))}, each = {m}), value = {r_vector(values.ravel())})\n"
    )
    position = pick(rng, ('"dodge"', '"stack"'))
    fill = "aes(fill = group), " if k > 1 else f"fill = {pick(rng, ONE_COLOUR)}, "
    outline = pick(rng, ("", "", 'colour = "black", '))
    width = f"{rng.uniform(0.5, 0.95):.2f}"
    flip = " + coord_flip()" if kind == "hbar" else ""
    code += (
        f"p <- ggplot(df, aes(name, value)) + geom_col({fill}{outline}position = {position}, width = {width})"
    )
    if k == 1 and rng.random() < 0.2:  # the values written at the bars' ends
        code += (
            f" + geom_text(aes(label = round(value)), {'hjust = -0.2' if flip else 'vjust = -0.4'}, size = 3)"
        )
    return code + flip + _look(rng, "fill", k)


def _histogram(rng: np.random.Generator) -> str:
    data = sample(rng)
    fill, outline = pick(
        rng,
        (
            ("", ""),
            ('fill = "white", ', 'colour = "black", '),
            ('fill = "steelblue", ', 'colour = "white", '),
            ('fill = "gray70", ', 'colour = "black", '),
            ('fill = "#F8766D", ', ""),
            ('fill = "skyblue", ', 'colour = "gray30", '),
        ),
    )
    density = rng.random() < 0.2  # a density curve over the bars, on the density scale
    code = f"df <- data.frame(x = {r_vector(np.round(data, 2))})\n"
    code += (
        f"p <- ggplot(df, aes(x{', y = after_stat(density)' if density else ''})) + "
        f"geom_histogram({fill}{outline}bins = {int(rng.integers(8, 45))})"
    )
    if density:
        curve = pick(rng, ('"black"', '"red"', '"blue"'))
        code += f" + geom_density(colour = {curve}, linewidth = 0.8)"
    return code + _look(rng, "fill", 1)


def _lines(kind: str, rng: np.random.Generator) -> str:
    k, m = int(rng.choice([1, 1, 2, 3, 4])), int(rng.integers(8, 80))
    values = np.round(random_walks(rng, k, m, positive=kind == "area"), 2)
    start = int(rng.integers(1950, 2010))
    code = (
        f"df <- data.frame(x = rep({start} + 0:{m - 1}, {k}), "
        f"group = rep({r_vector(list(GROUPS[:k]))}, each = {m}), "
        f"y = {r_vector(values.ravel())})\n"
    )
    if kind == "area":
        alpha = f"{rng.uniform(0.5, 1):.2f}"
        position = pick(rng, ('"stack"', '"stack"', '"identity"'))
        fill = "aes(fill = group), " if k > 1 else f"fill = {pick(rng, ONE_COLOUR)}, "
        code += f"p <- ggplot(df, aes(x, y)) + geom_area({fill}alpha = {alpha}, position = {position})"
        return code + _look(rng, "fill", k)
    colour = "aes(colour = group), " if k > 1 else f"colour = {pick(rng, ONE_COLOUR)}, "
    code += f"p <- ggplot(df, aes(x, y)) + geom_line({colour}linewidth = {rng.uniform(0.4, 1.5):.2f})"
    if rng.random() < 0.3:  # markers on the points
        code += f" + geom_point({colour}size = 1.5)"
    if rng.random() < 0.1:
        code += " + geom_step(" + colour + "linewidth = 0.8)"
    return code + _look(rng, "colour", k)


def _pie(rng: np.random.Generator) -> str:
    m = int(rng.integers(2, 9))
    shares = np.round(rng.dirichlet(np.ones(m) * rng.uniform(0.7, 3)) * 100, 1)
    names = [pick(rng, (GROUPS[j], f"Group {j + 1}")) for j in range(m)]
    names = [f"{name} {j}" if names.count(name) > 1 else name for j, name in enumerate(names)]
    donut = rng.random() < 0.25
    parts = r_vector(names)
    code = f"df <- data.frame(part = factor({parts}, levels = {parts}), share = {r_vector(shares)})\n"
    middle, edge = ("2" if donut else '""'), pick(rng, ("NA", '"white"', '"black"'))
    code += (
        f"p <- ggplot(df, aes(x = {middle}, y = share, fill = part)) + "
        f'geom_col(width = 1, colour = {edge}) + coord_polar("y")'
    )
    if donut:
        code += " + xlim(0.5, 2.5)"
    if rng.random() < 0.3:  # the shares written on the slices
        code += ' + geom_text(aes(label = paste0(round(share), "%")), size = 3, '
        code += "position = position_stack(vjust = 0.5))"
    look = _look(rng, "fill", m)
    if rng.random() < 0.5:  # most pies are drawn without axes: theme_void
        look = look.replace(look.split("(base_size")[0], " + theme_void", 1)
    return code + look


def _scatter(rng: np.random.Generator) -> str:
    x, y = cloud(rng)
    k, n = x.shape
    code = (
        f"df <- data.frame(x = {r_vector(np.round(x.ravel(), 3))}, y = {r_vector(np.round(y.ravel(), 3))}, "
        f"group = rep({r_vector(list(GROUPS[:k]))}, each = {n}))\n"
    )
    colour = "aes(colour = group), " if k > 1 else f"colour = {pick(rng, ONE_COLOUR)}, "
    shape = pick(rng, ("16", "16", "1", "19", "17"))
    code += (
        f"p <- ggplot(df, aes(x, y)) + geom_point({colour}shape = {shape}, size = {rng.uniform(1, 3):.1f}, "
        f"alpha = {pick(rng, ('1', '1', '0.6', '0.3'))})"
    )
    if rng.random() < 0.35:  # a fitted line with its gray confidence band, as textbooks draw it
        method = pick(rng, ('"lm"', '"lm"', '"loess"'))
        band = pick(rng, ("TRUE", "TRUE", "FALSE"))
        code += f" + geom_smooth(method = {method}, formula = y ~ x, se = {band})"
    return code + _look(rng, "colour", k)


WRITERS = writers(_bars, _histogram, _lines, _pie, _scatter)  # ggplot2


def chart_script(kind: str, rng: np.random.Generator, file: Path) -> str:
    """The R code that draws one ggplot2 chart of ``kind`` with random data and look into ``file``."""
    width, height = int(rng.integers(380, 900)), int(rng.integers(300, 700))
    res = int(rng.choice([72, 96, 110]))
    device = f'png("{file}", width = {width}, height = {height}, res = {res}, type = "cairo")\n'
    return f"local({{\n{device}{body(kind, rng, WRITERS)}print(p)\ninvisible(dev.off())\n}})\n"


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module's docstring), as r_renderer's."""
    return r_renderer.main(argv, script=_with_library, seed=9, doc=__doc__)


def _with_library(kind: str, rng: np.random.Generator, file: Path) -> str:
    """:func:`chart_script`, with ggplot2 loaded (quietly) first."""
    return "suppressMessages(library(ggplot2))\n" + chart_script(kind, rng, file)


if __name__ == "__main__":
    sys.exit(main())
