"""Tests of dvdl_helpers.plots.inside, the figures of a network's insides (notebooks 04, 05):
each returns a titled Figure with labelled axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display in tests

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

from dvdl_helpers import plots

pytestmark = pytest.mark.usefixtures("close_figures")


def test_padding_comparison_outlines_the_image_and_shares_one_scale():
    rng = np.random.default_rng(0)
    padded = np.pad(rng.random((28, 28)) - 0.5, 2)  # a centred image, zero padded by 2
    maps = {"zero padding": rng.random((28, 28)), "paper padding": 2 * rng.random((28, 28))}
    fig = plots.padding_comparison(padded, 2, maps, title="padding")
    assert fig._suptitle.get_text() == "padding"
    titles = [ax.get_title() for ax in fig.axes]
    assert "zero padding" in titles and "paper padding" in titles
    assert len(fig.axes[0].patches) == 1, "the image's area is outlined"
    rectangle = fig.axes[0].patches[0]
    assert (rectangle.get_width(), rectangle.get_height()) == (28, 28)
    limits = {fig.axes[index].images[0].get_clim() for index in (1, 2)}
    assert len(limits) == 1 and max(limits.pop()) == pytest.approx(maps["paper padding"].max())
    assert {"value", "activation"} <= {ax.get_ylabel() for ax in fig.axes}
    with pytest.raises(ValueError, match="padded"):
        plots.padding_comparison(np.zeros((4, 4)), 2, maps)


def test_chart_grid_titles_and_empty():
    gray = np.full((3, 32, 32), 255, np.uint8)
    fig = plots.chart_grid(gray, [0, 1, 2], [0, 2, 2], class_names=["bar", "line", "pie"], ncols=2, title="t")
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["bar", "line→pie", "pie"]
    wrong = next(ax for ax in fig.axes if ax.get_title() == "line→pie")
    assert to_hex(wrong.title.get_color()) == to_hex("crimson")
    assert fig._suptitle.get_text() == "t"
    assert isinstance(fig, plots.PictureFigure), "a notebook may show charts as a JPEG where much smaller"
    plt.close(fig)
    colour = np.zeros((2, 20, 30, 3), np.uint8)
    fig = plots.chart_grid(colour, ncols=4)
    assert len(fig.axes) == 4 and fig.axes[0].images[0].get_array().shape == (20, 30, 3)
    plt.close(fig)
    fig = plots.chart_grid(np.zeros((5, 8, 8), np.uint8), [0] * 5, [0] * 5, ncols=2, nrows=2)
    assert len(fig.axes) == 4 and sum(bool(ax.images) for ax in fig.axes) == 4  # fixed size, extras left out
    plt.close(fig)
    fig = plots.chart_grid(np.zeros((0, 8, 8), np.uint8), [], [], empty_text="no mistakes")
    assert any(text.get_text() == "no mistakes" for text in fig.axes[0].texts)
    plt.close(fig)


def test_explanation_grid_with_class_names_and_gray_pictures():
    images = np.full((2, 16, 16), 255, np.uint8)
    maps = {"saliency": np.random.default_rng(0).random((2, 16, 16))}
    fig = plots.explanation_grid(images, maps, [0, 1], [0, 0], class_names=["bar", "pie"], image_cmap="gray")
    titles = {ax.get_title() for ax in fig.axes}
    assert {"bar", "pie→bar", "saliency"} <= titles
    assert fig.axes[0].images[0].get_cmap().name == "gray"
    assert isinstance(fig, plots.PictureFigure), "smooth heatmaps: a JPEG where it is much smaller"
    plt.close(fig)
