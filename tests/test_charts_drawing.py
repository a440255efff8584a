"""Tests of dvdl_helpers.charts.drawing, the helpers both looks draw with (the clean and the varied looks'
pictures are fixed by the other chart tests and by notebooks 05 and 06)."""

from __future__ import annotations

import random

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_hex

from dvdl_helpers import charts
from dvdl_helpers.charts import drawing

SIZE = (64, 64)


def test_reused_figure_draws_the_same_pixels():
    specs = [
        (k, *charts.chart_spec(1, k, i, s))
        for k in charts.CHART_TYPES
        for i in range(2)
        for s in ("train", "heldout")  # the clean look's styles
    ]
    random.Random(0).shuffle(specs)
    fig = None
    for kind, style, values, x in specs:
        fig = charts.draw_figure(kind, values, x, style=style, size_px=SIZE, fig=fig)
        fresh = charts.draw_figure(kind, values, x, style=style, size_px=SIZE)
        assert np.array_equal(charts.render(fig), charts.render(fresh)), kind


def test_four_digits_rounds_to_four_significant_digits_and_flattens():
    values = np.array([[1234.567, 0.000123456], [-98765.4, 2.0]])
    assert drawing.four_digits(values) == [1235.0, 0.0001235, -98770.0, 2.0]


def test_nice_ticks_fit_the_room_and_stay_in_the_range():
    def width(label: str) -> float:
        return 10.0 * len(label)

    wide = drawing.nice_ticks(0.0, 100.0, 1000.0, width, integer=False)
    narrow = drawing.nice_ticks(0.0, 100.0, 40.0, width, integer=False)
    for locs, labels in (wide, narrow):
        assert locs == sorted(locs) and all(0.0 <= t <= 100.0 for t in locs) and len(labels) == len(locs)
    assert len(narrow[0]) < len(wide[0]) and sum(map(width, narrow[1])) <= 40
    assert wide[1] == [f"{t:g}" for t in wide[0]]
    _, signed = drawing.nice_ticks(-2.0, 2.0, 1000.0, len, integer=False)
    assert signed[0].startswith("\N{MINUS SIGN}") and not any("-" in label for label in signed), signed
    assert drawing.nice_ticks(0.0, 3.0, 1000.0, len, integer=True)[0] == [0.0, 1.0, 2.0, 3.0]


def test_draw_ticks_draws_marks_labels_and_the_chosen_grid():
    fig = drawing.empty_figure(None)
    fig.set(size_inches=(2, 2), dpi=50)
    ax = fig.axes[0]
    ticks = [([0.0, 0.5, 1.0], ["0", "0.5", "1"]), ([0.0, 1.0], ["0", "1"])]
    text = dict(color="#123456", family="DejaVu Sans", fontsize=8)
    options = dict(size=(100.0, 100.0), text=text, tick=3.0, gap=2.0, lw=1.0)
    drawing.draw_ticks(ax, ticks, **options, grid="y", grid_color="#abcdef")
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert [len(c.get_segments()) for c in lines] == [3, 2, 2]  # x marks, y marks, y grid
    np.testing.assert_allclose(lines[0].get_segments()[1], [[0.5, 0.0], [0.5, -0.03]])  # 3 px of 100
    np.testing.assert_allclose(lines[2].get_segments()[1], [[0.0, 1.0], [1.0, 1.0]])  # across the plot
    assert to_hex(lines[2].get_colors()[0]) == "#abcdef" and lines[2].get_zorder() == 0.5
    assert [t.get_text() for t in ax.texts] == ["0", "0.5", "1", "0", "1"]
    assert {t.get_color() for t in ax.texts} == {"#123456"}
    assert drawing.render(fig).shape == (100, 100, 3)
    drawing.empty_figure(fig)
    drawing.draw_ticks(ax, ticks, **options, marks=False)
    assert not ax.collections and len(ax.texts) == 5, "labels only: no marks, no grid"
