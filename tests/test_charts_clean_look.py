"""Tests of dvdl_helpers.charts.clean_look: charts from explicit data, notebook 06's probes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from dvdl_helpers import charts

SIZE = (64, 64)
PLAIN = charts.Style()  # white background, one tab10 colour, no grid, no title


def bar_count(image: Image.Image) -> int:
    """Count the bars of a chart in the PLAIN style: runs of columns holding the bar colour."""
    rgb = np.asarray(image.convert("RGB")).astype(int)
    blue = np.abs(rgb - [0x1F, 0x77, 0xB4]).sum(axis=2) < 90
    cols = blue.any(axis=0).astype(int)
    return int(np.sum(np.diff(np.r_[0, cols]) == 1))


@pytest.mark.parametrize("size", [(128, 128), (64, 64)])
def test_number_of_bars_seen_in_pixels(size):
    counts = [2, 3, 5, 8, 12]
    images = charts.bar_series_count(counts, style=PLAIN, size_px=size)
    assert [bar_count(im) for im in images] == counts
    assert all(im.size == size for im in images)


def test_height_probe_changes_only_one_bar():
    images = charts.bar_series_height(np.linspace(0.1, 1.0, 4), n_bars=5, index=2, style=PLAIN)
    arrays = [np.asarray(im.convert("L")).astype(int) for im in images]
    changed = np.flatnonzero(np.abs(arrays[0] - arrays[-1]).sum(axis=0))
    assert changed.size and changed.max() - changed.min() < 128 / 5  # within one bar's column
    assert 55 < changed.mean() < 73  # the middle bar (index 2 of 5) of a 128 px wide chart
    assert all(bar_count(im) == 5 for im in images)


def test_draw_chart_from_explicit_data():
    image = charts.draw_chart("bar", [3, 1, 2, 5], style=PLAIN)
    assert image.size == (128, 128) and bar_count(image) == 4
    for kind in charts.CHART_TYPES:
        assert charts.draw_chart(kind, [1.0, 3.0, 2.0], style="heldout", seed=3, size_px=SIZE).size == SIZE
    same_look = [charts.draw_chart("pie", v, seed=5) for v in ([1, 2], [2, 1])]
    assert not np.array_equal(*map(np.asarray, same_look))
    with pytest.raises(ValueError, match="unknown chart type"):
        charts.draw_chart("radar", [1, 2, 3])
