"""A dark chart on a light page: find its panel, so that the preparation sees the chart alone.

:func:`~.real.prepare_chart` turns a picture into its negative when the picture's *border* is dark, so a
dark chart on its own reaches the network as a light one. A dark chart inside a light screenshot (one of
a spreadsheet's dark chart styles beside its cells, a dark dashboard tile in a web page) keeps a light
border and reaches the network dark, a look it rarely trained on. :func:`dark_panel` finds such a panel
and :func:`~.real.prepare_to_classify` crops the picture to it before preparing it, for
:func:`~.real.iter_classify` (and so ``charts.classify`` and ``dvdl-charts classify``); the generated
training charts are not cropped. Measured in ``benchmarks/results/dark_panel.jsonl``.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

__all__ = ["DARK", "dark_panel"]

DARK = 100  # gray level below which a pixel counts as dark


def dark_panel(levels: np.ndarray) -> tuple[int, int, int, int] | None:
    """``(top, bottom, left, right)`` of a dark chart panel in a light picture (2-D gray levels), or ``None``.

    The panel is the largest connected dark region's bounding box, kept only if it looks like a chart's
    panel: 12-95 % of the picture, at least 30 % of its height and of its width (not a title band or a
    toolbar), at least 35 % dark inside, not one flat shape (a dark bar or pie slice), and dark all round
    its outline (a rectangle, not an area under a curve or a pie).
    """
    height, width = levels.shape
    border = np.concatenate([levels[0], levels[-1], levels[:, 0], levels[:, -1]])
    if np.median(border) < 128:  # a dark picture already: the preparation takes its negative
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
