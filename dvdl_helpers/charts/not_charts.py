"""Pictures that are none of the seven chart types, for teaching the classifier to be unsure.

A classifier trained on seven types answers one of them for *any* picture: a map, a table, a photo.
*Outlier exposure* (Hendrycks et al., 2019) adds pictures of none of the types to training, with the
target "every type equally likely" (1/7 each): the network learns to spread its probability on what it
never learned, so the "unsure" threshold can catch it. :data:`DRAWINGS` are the pictures drawn here: pages
of text, tables, heatmaps, maps, networks, box-and-arrow diagrams and photo-like scenes, some in a
context (:mod:`.context`) as charts are. Box plots and violin plots are never drawn: the gallery's box
plots test "none of these", and a look-alike here would turn that test into a training example.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .. import paths
from .context import place_in_context, sample_context
from .drawing import render
from .real import INPUT_SIZE, prepare_chart

__all__ = ["DRAWINGS", "VERSION", "draw_not_chart", "draw_not_charts", "load_not_charts"]

#: bump when the drawings change: cached sets of an older version are drawn again
VERSION = 1
WORDS = (
    "data",
    "table",
    "value",
    "total",
    "report",
    "page",
    "note",
    "figure",
    "see",
    "the",
    "of",
    "and",
    "in",
)


def _text(ax: Axes, rng: np.random.Generator) -> None:
    """A page of text: lines of words, sometimes a heading."""
    ax.axis("off")
    lines = int(rng.integers(6, 16))
    for i in range(lines):
        words = rng.choice(WORDS, int(rng.integers(3, 9)))
        size = 11 if i == 0 and rng.random() < 0.5 else 7
        ax.text(
            0.02, 1 - (i + 0.5) / lines, " ".join(words), fontsize=size, va="center", transform=ax.transAxes
        )


def _table(ax: Axes, rng: np.random.Generator) -> None:
    """A table of numbers, with a header row."""
    ax.axis("off")
    rows, cols = int(rng.integers(4, 12)), int(rng.integers(2, 6))
    cells = [[f"{rng.integers(0, 1000)}" for _ in range(cols)] for _ in range(rows)]
    table = ax.table(cellText=cells, colLabels=list(rng.choice(WORDS, cols)), loc="center")
    table.scale(1, 1 + rng.random())
    if rng.random() < 0.5:  # a spreadsheet's look: lines only
        for cell in table.get_celld().values():
            cell.set_edgecolor("#999999")


def _heatmap(ax: Axes, rng: np.random.Generator) -> None:
    """A heatmap or matrix picture, often with a colour bar."""
    side = int(rng.integers(4, 30))
    image = ax.imshow(
        rng.random((side, side)), cmap=rng.choice(["viridis", "magma", "Blues", "RdBu", "gray"])
    )
    if rng.random() < 0.6:
        ax.figure.colorbar(image, ax=ax)


def _map(ax: Axes, rng: np.random.Generator) -> None:
    """A map: irregular filled regions with borders."""
    ax.axis("off")
    angles = np.linspace(0, 2 * np.pi, 40)
    for _ in range(int(rng.integers(3, 12))):
        centre, radius = rng.random(2), 0.08 + 0.2 * rng.random()
        wobble = radius * (1 + 0.4 * np.convolve(rng.standard_normal(46), np.ones(7) / 7, "valid"))
        ax.fill(
            centre[0] + wobble * np.cos(angles),
            centre[1] + wobble * np.sin(angles),
            color=rng.random(3) * 0.6 + 0.4,
            ec="k",
            lw=0.8,
        )


def _network(ax: Axes, rng: np.random.Generator) -> None:
    """A network: nodes joined by edges."""
    ax.axis("off")
    nodes = rng.random((int(rng.integers(5, 20)), 2))
    for _ in range(int(rng.integers(len(nodes), 3 * len(nodes)))):
        a, b = rng.integers(0, len(nodes), 2)
        ax.plot(*nodes[[a, b]].T, color="#555555", lw=1, zorder=1)
    ax.scatter(*nodes.T, s=float(rng.integers(40, 300)), c=[rng.random(3)], ec="k", zorder=2)


def _diagram(ax: Axes, rng: np.random.Generator) -> None:
    """A flow diagram: labelled boxes joined by arrows."""
    ax.axis("off")
    boxes = rng.random((int(rng.integers(3, 8)), 2)) * 0.8 + 0.1
    for (x0, y0), (x1, y1) in itertools.pairwise(boxes):
        ax.annotate("", (x1, y1), (x0, y0), arrowprops=dict(arrowstyle="->", lw=1))
    for x, y in boxes:
        ax.text(
            x,
            y,
            str(rng.choice(WORDS)),
            ha="center",
            va="center",
            fontsize=8,
            bbox=dict(boxstyle=rng.choice(["square", "round"]), fc=rng.random(3) * 0.4 + 0.6),
        )


def _photo(ax: Axes, rng: np.random.Generator) -> None:
    """A photo-like scene: smooth light and dark areas with a few soft shapes."""
    ax.axis("off")
    ax.imshow(np.kron(rng.random((4, 4, 3)), np.ones((16, 16, 1))), interpolation="bicubic")
    for _ in range(int(rng.integers(1, 5))):
        ax.add_patch(_blob(rng))


def _blob(rng: np.random.Generator):
    """A soft ellipse somewhere on the 64×64 scene of :func:`_photo`."""
    from matplotlib.patches import Ellipse

    return Ellipse(
        rng.random(2) * 64,
        *(rng.random(2) * 30 + 5),
        angle=float(rng.random() * 180),
        color=rng.random(3),
        alpha=0.7,
    )


#: name -> drawing on empty axes, with its own random choices
DRAWINGS: dict[str, Callable[[Axes, np.random.Generator], None]] = {
    "text": _text,
    "table": _table,
    "heatmap": _heatmap,
    "map": _map,
    "network": _network,
    "diagram": _diagram,
    "photo": _photo,
}


def draw_not_chart(kind: str, rng: np.random.Generator, size_px: int = 128) -> Image.Image:
    """One picture of ``kind`` (a key of :data:`DRAWINGS`), sometimes in a context, as an RGB image."""
    if kind not in DRAWINGS:
        raise ValueError(f"unknown kind {kind!r}: choose one of {', '.join(DRAWINGS)}")
    width = float(rng.uniform(0.8, 1.4))  # aspect ratios of charts
    fig = Figure(figsize=(width * size_px / 100, size_px / 100), dpi=100)
    FigureCanvasAgg(fig)
    DRAWINGS[kind](fig.add_subplot(), rng)
    return place_in_context(Image.fromarray(render(fig)), sample_context(rng), rng)


def draw_not_charts(count: int, size: int = INPUT_SIZE, seed: int = 0) -> np.ndarray:
    """``count`` prepared pictures (N×size×size uint8), the kinds in turn, each from its own seed."""
    kinds = list(DRAWINGS)
    return np.stack(
        [
            prepare_chart(draw_not_chart(kinds[i % len(kinds)], np.random.default_rng([seed, i])), size)
            for i in range(count)
        ]
    )


def load_not_charts(
    count: int, size: int = INPUT_SIZE, seed: int = 0, root: Path | str | None = None
) -> np.ndarray:
    """:func:`draw_not_charts`, kept in ``<root>/not_charts_v<VERSION>_<size>_<count>_s<seed>.npy`` (default
    root: ``artifacts/data/charts``) and read from there when drawn before."""
    root = Path(root) if root is not None else paths.data_dir() / "charts"
    cached = root / f"not_charts_v{VERSION}_{size}_{count}_s{seed}.npy"
    if cached.exists():
        return np.load(cached)
    pictures = draw_not_charts(count, size, seed)
    root.mkdir(parents=True, exist_ok=True)
    np.save(cached, pictures)
    return pictures
