"""Tests of dvdl_helpers.plots.images, the figures of image preparation (notebook 02): pictures of any
mode and size, before and after."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display in tests

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from dvdl_helpers import plots

pytestmark = pytest.mark.usefixtures("close_figures")


def test_image_comparison_shows_every_mode_with_captions() -> None:
    rgba = Image.new("RGBA", (30, 20), (255, 0, 0, 0))
    palette = Image.new("P", (16, 16), 0)
    palette.info["transparency"] = 0
    deep = Image.fromarray(np.arange(0, 65536, 64, dtype=np.uint16).reshape(32, 32))
    items = [
        rgba,
        palette,
        deep,
        Image.new("CMYK", (10, 10)),
        Image.new("1", (8, 8), 1),
        Image.new("RGB", (2000, 1000)),
    ]
    fig = plots.image_comparison(
        {"before": items, "after": [np.zeros((28, 28), np.uint8), None]},
        names=["rgba", "palette", "deep", "cmyk", "bits", "big"],
        title="Before and after",
    )
    top = [ax.get_title() for ax in fig.axes[:6]]
    assert top[0] == "rgba\nRGBA, 30×20" and top[2] == "deep\nI;16, 32×32" and top[3] == "cmyk\nCMYK, 10×10"
    assert fig.axes[6].get_title() == "uint8, 28×28", "arrays are captioned with dtype and size"
    assert fig.axes[0].get_ylabel() == "before" and fig.axes[6].get_ylabel() == "after"
    assert fig._suptitle.get_text() == "Before and after"
    assert fig.axes[0].images[0].get_array().shape == (20, 30, 3), "transparency drawn over a backdrop"
    assert max(fig.axes[5].images[0].get_array().shape) <= 400, "large pictures shrunk for drawing"
    assert not fig.axes[7].images, "None leaves the cell empty"
    plt.close(fig)
