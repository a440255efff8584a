"""A chart inside a bigger picture: find it, so that the preparation sees the chart alone.

:func:`~.real.prepare_chart` turns a picture into its negative when the picture's *border* is dark, so a
dark chart on its own reaches the network as a light one. A dark chart inside a light screenshot (one of
a spreadsheet's dark chart styles beside its cells, a dark dashboard tile in a web page) keeps a light
border and reaches the network dark, a look it rarely trained on. :func:`dark_panel` finds such a panel
and :func:`~.real.prepare_to_classify` crops the picture to it before preparing it, for
:func:`~.real.iter_classify` (and so ``charts.classify`` and ``dvdl-charts classify``); the generated
training charts are not cropped. Measured in ``benchmarks/results/dark_panel.jsonl``.

A chart pasted over a spreadsheet's cells (a screenshot of the program, a sheet exported as a picture)
hides the sheet's regular grid lines over its rectangle: :func:`sheet_chart` finds that rectangle, where the
lines of an evenly spaced lattice that reaches the picture's edges stop and start again, and
:func:`~.real.prepare_to_classify` crops to it too. A chart's own grid lines do not reach the picture's
edges, and a filled shape (a bar, an area) is not a chart's white rectangle. Measured by
``tools/classify_crops.py`` in ``benchmarks/results/sheet_crop.jsonl``.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy import ndimage

__all__ = ["DARK", "SHEET_CHART_VERSION", "border_level", "dark_panel", "sheet_chart"]

DARK = 100  # gray level below which a pixel counts as dark

#: :func:`sheet_chart`'s version, recorded with every measurement of classify: 1, 40 % paper inside the box;
#: 2, paper inside three of its edges; 3, the paper's gray also one or two pixels in (a grid line as border);
#: 4, a shrunk sheet (rows under 12 px apart) searched again at twice its size, for lines half as dark
SHEET_CHART_VERSION = 4
SHRUNK_CONTRAST = 15  # gray levels below the paper: a sheet's line after shrinking, half as dark as before


def border_level(levels: np.ndarray) -> float:
    """The median gray level of a picture's outermost pixels (2-D gray levels): its paper's."""
    return float(np.median(np.concatenate([levels[0], levels[-1], levels[:, 0], levels[:, -1]])))


def dark_panel(levels: np.ndarray) -> tuple[int, int, int, int] | None:
    """``(top, bottom, left, right)`` of a dark chart panel in a light picture (2-D gray levels), or ``None``.

    The panel is the largest connected dark region's bounding box, kept only if it looks like a chart's
    panel: 12-95 % of the picture, at least 30 % of its height and of its width (not a title band or a
    toolbar), at least 35 % dark inside, not one flat shape (a dark bar or pie slice), and dark all round
    its outline (a rectangle, not an area under a curve or a pie).
    """
    height, width = levels.shape
    if border_level(levels) < 128:  # a dark picture already: the preparation takes its negative
        return None
    dark = levels < DARK
    regions, count = ndimage.label(dark)
    if count == 0:
        return None
    largest = int(np.argmax(ndimage.sum_labels(dark, regions, index=np.arange(1, count + 1)))) + 1
    rows, cols = ndimage.find_objects((regions == largest).astype(np.int32))[0]
    top, bottom, left, right = rows.start, rows.stop, cols.start, cols.stop
    if not 0.12 * height * width <= (bottom - top) * (right - left) <= 0.95 * height * width:
        return None
    if bottom - top < 0.3 * height or right - left < 0.3 * width:
        return None
    inside = levels[top:bottom, left:right]
    if (inside < DARK).mean() < 0.35 or inside.std() < 10:
        return None
    outline = np.concatenate([inside[0], inside[-1], inside[:, 0], inside[:, -1]])
    if (outline < DARK).mean() < 0.9:
        return None
    return top, bottom, left, right


def sheet_chart(levels: np.ndarray) -> tuple[int, int, int, int] | None:
    """``(top, bottom, left, right)`` of a chart pasted over a sheet's cells (2-D gray levels), or ``None``.

    A sheet shrunk so that its rows are under 12 pixels apart (a screenshot scaled down for a page) is
    searched again at twice its size, each pixel repeated, for lines half as dark (shrinking blends a thin
    line with the paper around it), and the box found halved: see :func:`_sheet_chart` for the search.
    """
    box = _sheet_chart(levels)
    if box is None and _shrunk_sheet(levels):
        twice = _sheet_chart(np.repeat(np.repeat(levels, 2, axis=0), 2, axis=1), contrast=SHRUNK_CONTRAST)
        if twice is not None:
            top, bottom, left, right = twice
            box = top // 2, (bottom + 1) // 2, left // 2, (right + 1) // 2
    return box


def _paper(levels: np.ndarray) -> float:
    """The paper's gray: the border's, or one or two pixels in where lighter (a grid line as the border)."""
    height, width = levels.shape
    return max(border_level(levels[depth : height - depth, depth : width - depth]) for depth in range(3))


def _shrunk_sheet(levels: np.ndarray) -> bool:
    """Whether faint thin lines reaching the picture's edge are evenly spaced under 12 pixels apart."""
    height, width = levels.shape
    if min(height, width) < 16 or (paper := _paper(levels)) < 128:
        return False
    rows = _edge_rows(_thin_lines(levels < paper - SHRUNK_CONTRAST, clear=2), width)
    spacing = _spacing(rows, shortest=4)
    return spacing is not None and spacing < 12


def _edge_rows(across: np.ndarray, width: int) -> np.ndarray:
    """The centres of the thin horizontal lines that reach the left or right edge and run a fifth across."""
    edge = max(8, width // 12)
    reach = np.maximum(across[:, :edge].mean(axis=1), across[:, -edge:].mean(axis=1))
    return _centres(np.flatnonzero((reach >= 0.8) & (across.mean(axis=1) >= 0.2)))


def _sheet_chart(levels: np.ndarray, contrast: int = 30) -> tuple[int, int, int, int] | None:
    """The chart over a sheet's cells at the picture's own size (:func:`sheet_chart`), or ``None``.

    The sheet's rows are thin lines reaching the picture's left or right edge, evenly spaced. Along each
    of them (and along the lines the chart hides, between two found ones), the chart is the long stretch
    where the line is missing; at least three lines must miss it with the same right edge and about the
    same left edge. The top and bottom are where the sheet's thin vertical lines over those columns stop.
    Kept only if it looks like a chart's white rectangle: 12 % of the picture or more, 20 % of its height,
    not flat, and mostly paper just inside at least three of its edges (a chart's margins; a bar or an
    area that hides the lines reaches the edges of its box). The paper is the border's gray, or the gray
    one or two pixels in where that is lighter: a picture cut at a cell boundary has a grid line as its
    border. A line is ``contrast`` gray levels darker than the paper, or more.
    """
    height, width = levels.shape
    if min(height, width) < 16:  # too small to hold a sheet's cells and a chart (and a strip 1-4 px thin)
        return None
    paper = _paper(levels)
    if paper < 128:  # a dark picture: no sheet
        return None
    line = levels < paper - contrast
    across, down = _thin_lines(line), _thin_lines(line.T).T
    rows = _edge_rows(across, width)
    spacing = _spacing(rows)
    if spacing is None:
        return None
    gaps = [(y, *_longest_gap(across[max(0, y - 1) : y + 2].any(axis=0))) for y in _lattice(rows, spacing)]
    gaps = [(y, x0, x1) for y, x0, x1 in gaps if x1 - x0 >= 0.25 * width]
    if len(gaps) < 3:
        return None
    right = _most_common([x1 for _, _, x1 in gaps])
    left = _most_common([x0 for _, x0, _ in gaps])
    lines = [
        y for y, x0, x1 in gaps if abs(x1 - right) <= 4 and left - 4 <= x0 <= left + 0.15 * (right - left)
    ]
    chain = _longest_chain(lines, 3.5 * spacing)  # a chart's own line may hide a gap or two
    if len(chain) < 3:
        return None
    crossings = down[:, left:right].sum(axis=1)  # the sheet's vertical lines over the chart's columns
    above = crossings[max(0, int(chain[0] - 2 * spacing)) : max(1, int(chain[0] - spacing))]
    few = float(np.median(above)) / 3 if len(above) else 0.0
    top = max(0, int(chain[0] - spacing))
    top = next((y for y in range(top, chain[0]) if crossings[y] <= few), top)
    bottom = min(height, int(chain[-1] + spacing))
    bottom = next((y + 1 for y in range(bottom - 1, chain[-1], -1) if crossings[y] <= few), bottom)
    if (bottom - top) * (right - left) < 0.12 * height * width or bottom - top < 0.2 * height:
        return None
    inside = levels[top:bottom, left:right].astype(np.int16)
    if inside.std() < 10 or _paper_sides(np.abs(inside - paper) <= 30) < 3:
        return None  # a filled shape reaches its box's edges; a chart keeps margins of paper
    return top, bottom, left, right


def _paper_sides(paper: np.ndarray) -> int:
    """On how many of its four sides a box (a mask of paper pixels) is mostly paper just inside its edge."""
    depth = max(2, round(0.04 * min(paper.shape)))
    strips = (paper[:depth], paper[-depth:], paper[:, :depth], paper[:, -depth:])
    return sum(strip.mean() >= 0.6 for strip in strips)


def _thin_lines(line: np.ndarray, clear: int = 4) -> np.ndarray:
    """The pixels of thin horizontal lines in a mask of dark pixels (not of filled marks), long runs only.

    A pixel counts when ``clear`` pixels above and below it are not dark; breaks of a few pixels (a
    crossing line, a letter) are closed, then runs under 24 pixels dropped: the sheet's lines run long,
    the marks of a chart cross a line briefly.
    """
    padded = np.pad(line, ((clear, clear), (0, 0)))
    thin = ndimage.binary_closing(line & ~padded[: -2 * clear] & ~padded[2 * clear :], np.ones((1, 7), bool))
    runs, count = ndimage.label(thin, np.array([[0, 0, 0], [1, 1, 1], [0, 0, 0]]))
    lengths = ndimage.sum_labels(thin, runs, index=np.arange(1, count + 1))
    return np.isin(runs, 1 + np.flatnonzero(lengths >= 24))


def _centres(indices: np.ndarray) -> np.ndarray:
    """The centre of each run of adjacent indices (a line 1-3 pixels thick is one line)."""
    if len(indices) == 0:
        return indices
    breaks = np.flatnonzero(np.diff(indices) > 1)
    return (np.r_[indices[0], indices[breaks + 1]] + np.r_[indices[breaks], indices[-1]]) // 2


def _spacing(rows: np.ndarray, least: int = 5, shortest: int = 8) -> float | None:
    """The most common gap between lines (``shortest`` px or more), if at least ``least`` lines keep it."""
    gaps = np.diff(rows)
    gaps = gaps[gaps >= shortest]
    if len(gaps) < least - 1:
        return None
    alike = np.array([(np.abs(gaps - gap) <= 1).sum() for gap in gaps])
    spacing = float(np.median(gaps[np.abs(gaps - gaps[np.argmax(alike)]) <= 1]))
    return spacing if alike.max() >= least - 1 else None


def _lattice(rows: np.ndarray, spacing: float) -> list[int]:
    """The lines found, and evenly spaced ones between two of them where whole lines are hidden."""
    lattice = []
    for above, below in itertools.pairwise(rows):
        count = max(1, round((below - above) / spacing))
        if abs(below - above - count * spacing) > 2 + 0.05 * count * spacing:
            count = 1  # not a whole number of rows: keep the line found, guess none between
        lattice += list(np.linspace(above, below, count + 1)[:-1].round().astype(int))
    return [*lattice, int(rows[-1])]


def _longest_gap(present: np.ndarray) -> tuple[int, int]:
    """``(start, stop)`` of the longest stretch where a line is missing (``present`` is False), or (0, 0)."""
    edges = np.flatnonzero(np.diff(np.r_[True, present, True].astype(np.int8)))
    if len(edges) == 0:
        return 0, 0
    starts, stops = edges[::2], edges[1::2]
    longest = int(np.argmax(stops - starts))
    return int(starts[longest]), int(stops[longest])


def _most_common(values: list[int], tolerance: int = 4) -> int:
    """The value with the most others within ``tolerance`` of it."""
    array = np.asarray(values)
    return int(max(array, key=lambda value: int((np.abs(array - value) <= tolerance).sum())))


def _longest_chain(lines: list[int], step: float) -> list[int]:
    """The longest run of lines (sorted) each within ``step`` of the one before."""
    best: list[int] = []
    chain: list[int] = []
    for y in lines:
        chain = [*chain, y] if chain and y - chain[-1] <= step else [y]
        best = chain if len(chain) > len(best) else best
    return best
