"""Tests of charts.labels: a Label lands where matplotlib's Text would, and goes with its chart."""

from __future__ import annotations

import numpy as np
import pytest

from dvdl_helpers.charts import drawing
from dvdl_helpers.charts.labels import Label

PLACES = [
    dict(ha="center", va="top"),
    dict(ha="right", va="center"),
    dict(ha="left", va="baseline"),
    dict(ha="left", va="bottom"),
    dict(ha="left", va="center", rotation=90),
    dict(ha="right", va="top", rotation=45, rotation_mode="anchor"),
    dict(ha="right", va="center", rotation=90, rotation_mode="anchor"),
]


def _ink(fig, draw, dark: int = 128) -> tuple[int, int, int, int]:
    """Bounding box (left, top, right, bottom) of the pixels darker than ``dark`` after ``draw(fig)``."""
    drawing.empty_figure(fig)
    fig.axes[0].set_axis_off()
    draw(fig)
    rows, cols = np.nonzero(drawing.render(fig).min(axis=2) < dark)
    return cols.min(), rows.min(), cols.max(), rows.max()


@pytest.mark.parametrize("place", PLACES, ids=lambda p: "-".join(map(str, p.values())))
def test_label_lands_where_matplotlib_text_would(place):
    fig = drawing.empty_figure(None)
    fig.set(size_inches=(3, 2), dpi=100, facecolor="white")
    text = dict(color="black", family="DejaVu Sans", fontsize=14)
    mpl = _ink(fig, lambda f: f.text(0.5, 0.5, "Sales 2024", **text, **place))
    ours = _ink(fig, lambda f: f.add_artist(Label(0.5, 0.5, "Sales 2024", **text, **place)))
    assert np.abs(np.subtract(mpl, ours)).max() <= 2, (mpl, ours)


def test_label_colour_alpha_and_clearing():
    fig = drawing.empty_figure(None)
    fig.set(size_inches=(1, 1), dpi=100, facecolor="white")
    ax = fig.axes[0]
    ax.set_axis_off()
    place = dict(fontsize=30, ha="center", va="center")
    label = ax.add_artist(Label(0.5, 0.5, "WWW", color="#ff0000", alpha=0.5, **place))
    assert label.get_text() == "WWW" and label.get_color() == "#ff0000"
    picture = drawing.render(fig).astype(int)
    reddest = picture.reshape(-1, 3)[np.argmin(picture[..., 1])]
    assert reddest[0] == 255 and abs(reddest[1] - 128) <= 2, "half-transparent red on white"
    drawing.empty_figure(fig)
    assert not ax.artists and (drawing.render(fig) == 255).all(), "emptying the figure removes labels"


@pytest.mark.parametrize("pixels", [2.5, 3.5, 6.0])
def test_thumbnail_text_keeps_the_fonts_width(pixels):
    fig = drawing.empty_figure(None)
    fig.set(size_inches=(2, 1), dpi=72, facecolor="white")  # 1 point = 1 pixel
    label = dict(fontsize=pixels, ha="left", va="center", transform=fig.transFigure)
    left, _, right, _ = _ink(
        fig, lambda f: f.add_artist(Label(0.05, 0.5, "Revenue 1250 Revenue", **label)), 240
    )
    big = drawing.empty_figure(None)
    big.set(size_inches=(20, 10), dpi=72, facecolor="white")
    wide = _ink(
        big, lambda f: f.add_artist(Label(0.05, 0.5, "Revenue 1250 Revenue", **label | {"fontsize": 100}))
    )
    assert abs((right - left) / ((wide[2] - wide[0]) * pixels / 100) - 1) < 0.1, (
        "as wide as the font makes it"
    )
