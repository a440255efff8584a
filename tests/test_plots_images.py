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


def _noisy_photo(seed: int) -> Image.Image:
    """A photo-like RGB picture: smooth light with grain, which PNG compresses badly and JPEG well."""
    rng = np.random.default_rng(seed)
    light = np.linspace(90, 200, 300)[None, :, None] * np.array([1.0, 0.9, 0.6])
    grain = rng.normal(0, 12, (400, 300, 3))
    return Image.fromarray(np.clip(light + grain, 0, 255).astype(np.uint8))


def test_a_figure_of_photos_is_shown_as_jpeg_with_the_usual_text() -> None:
    import base64
    import io

    fig = plots.image_comparison({"photo": [_noisy_photo(seed) for seed in range(4)]}, title="Photos")
    shown = fig.display_data()
    assert set(shown) == {"image/jpeg", "text/plain"}, "photos: JPEG only, so the notebook stores one image"
    assert shown["text/plain"] == f"<Figure size {fig.bbox.width:g}x{fig.bbox.height:g} with 4 Axes>"
    png = io.BytesIO()
    fig.savefig(png, format="png", bbox_inches="tight")
    jpeg = base64.b64decode(shown["image/jpeg"])
    assert len(jpeg) <= 0.5 * png.tell(), "JPEG only where it takes at most half the PNG's bytes"
    with Image.open(io.BytesIO(jpeg)) as picture, Image.open(png) as reference:
        assert picture.format == "JPEG" and picture.size == reference.size, "same pixels size as the PNG"
    assert isinstance(fig, plots.PictureFigure) and isinstance(fig, matplotlib.figure.Figure)


def test_a_figure_of_flat_pictures_stays_png() -> None:
    import base64

    digits = [np.kron(np.eye(4, dtype=np.uint8) * 255, np.ones((7, 7), np.uint8)) for _ in range(3)]
    shown = plots.image_comparison({"digit": digits}, title="Digits").display_data()
    assert set(shown) == {"image/png", "text/plain"}, "flat pictures and sharp edges: JPEG would blur them"
    assert base64.b64decode(shown["image/png"]).startswith(b"\x89PNG")


def test_a_notebook_displays_the_chosen_image(monkeypatch: pytest.MonkeyPatch) -> None:
    import IPython.display

    published = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: published.append((objs, kw)))
    fig = plots.image_comparison({"photo": [_noisy_photo(0)]}, title="One photo")
    fig._ipython_display_()  # what IPython (and so the inline backend's show) calls for this figure
    [(objs, options)] = published
    assert options == {"raw": True} and "image/jpeg" in objs[0] and "image/png" not in objs[0]
