"""Tests of :mod:`dvdl_helpers.charts.context`: charts put into spreadsheets, slides, windows, photos..."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from dvdl_helpers.charts.context import CONTEXTS, place_in_context, sample_context

FRAMING = ("spreadsheet", "slide", "window")  # the chart pasted unchanged
BLUE = (30, 60, 170)


def _solid(size: tuple[int, int] = (128, 96), color: tuple[int, int, int] = BLUE) -> Image.Image:
    return Image.new("RGB", size, color)


def _chart_on_paper(size: tuple[int, int] = (128, 96)) -> Image.Image:
    """White paper with a blue block in its middle (inset by a quarter of each side)."""
    pixels = np.full((size[1], size[0], 3), 255, np.uint8)
    pixels[size[1] // 4 : -size[1] // 4, size[0] // 4 : -size[0] // 4] = BLUE
    return Image.fromarray(pixels)


def test_the_contexts_are_the_six_of_the_brief():
    assert set(CONTEXTS) == {"spreadsheet", "slide", "window", "photo", "scan", "sketch"}


@pytest.mark.parametrize("name", list(CONTEXTS))
@pytest.mark.parametrize("size", [(128, 96), (96, 128), (256, 192)])
def test_every_context_returns_an_rgb_picture_and_leaves_the_input_alone(name, size):
    image = _chart_on_paper(size)
    before = image.tobytes()
    out = place_in_context(image, name, np.random.default_rng(1))
    assert out.mode == "RGB" and out.width >= size[0] // 2 and out.height >= size[1] // 2
    assert out is not image and image.tobytes() == before and image.size == size


@pytest.mark.parametrize("name", list(CONTEXTS))
def test_other_modes_come_in_and_rgb_goes_out(name):
    for mode in ("L", "RGBA", "P"):
        out = place_in_context(_chart_on_paper().convert(mode), name, np.random.default_rng(2))
        assert out.mode == "RGB", mode


@pytest.mark.parametrize("name", list(CONTEXTS))
def test_the_same_rng_state_gives_the_same_picture(name):
    image = _chart_on_paper()
    first = [place_in_context(image, name, np.random.default_rng(seed)).tobytes() for seed in range(4)]
    again = [place_in_context(image, name, np.random.default_rng(seed)).tobytes() for seed in range(4)]
    assert first == again
    assert len(set(first)) == 4, "different seeds should give different pictures"


@pytest.mark.parametrize("name", FRAMING)
def test_a_framing_context_pastes_the_chart_unchanged_over_half_the_picture(name):
    chart = _solid()
    for seed in range(25):
        out = np.asarray(place_in_context(chart, name, np.random.default_rng(seed)))
        exact = np.all(out == BLUE, axis=-1)
        assert exact.sum() == chart.width * chart.height, f"{name}, seed {seed}: the chart lost pixels"
        assert exact.mean() >= 0.5, (
            f"{name}, seed {seed}: the chart is only {exact.mean():.2f} of the picture"
        )


def test_a_photo_keeps_the_chart_most_of_the_picture():
    for seed in range(25):
        out = np.asarray(place_in_context(_solid(), "photo", np.random.default_rng(seed))).astype(int)
        blue = (out[..., 2] - out[..., 0]) > 60  # the chart's blue, under any light, glare or moiré
        assert blue.mean() >= 0.5, f"seed {seed}: the chart is only {blue.mean():.2f} of the photo"


def test_a_scan_keeps_the_chart_most_of_the_page():
    for seed in range(25):
        out = np.asarray(place_in_context(_solid(), "scan", np.random.default_rng(seed)).convert("L"))
        assert (out < 150).mean() >= 0.5, f"seed {seed}: the chart's ink covers {(out < 150).mean():.2f}"


def test_a_sketch_keeps_the_chart_where_it_was():
    image = _chart_on_paper()
    for seed in range(25):
        out = np.asarray(place_in_context(image, "sketch", np.random.default_rng(seed)).convert("L"))
        assert out.shape == (96, 128)
        block, margin = out[30:66, 40:88], np.concatenate([out[:16].ravel(), out[-16:].ravel()])
        assert np.median(block) < 150 < np.median(margin), (
            f"seed {seed}: the block did not stay dark on paper"
        )


def test_none_returns_a_copy():
    image = _chart_on_paper()
    out = place_in_context(image, "none", np.random.default_rng(0))
    assert out is not image and out.tobytes() == image.tobytes()


def test_an_unknown_context_is_refused_with_the_names():
    with pytest.raises(ValueError, match=r"unknown context 'poster'.*none, spreadsheet, slide, window"):
        place_in_context(_solid(), "poster", np.random.default_rng(0))


def test_sample_context_is_mostly_none_and_reaches_every_context():
    rng = np.random.default_rng(5)
    names = [sample_context(rng, p_none=0.5) for _ in range(400)]
    assert 150 <= names.count("none") <= 250
    assert set(names) == {"none", *CONTEXTS}
    assert all(sample_context(rng, p_none=1.0) == "none" for _ in range(20))
    assert all(sample_context(rng, p_none=0.0) in CONTEXTS for _ in range(20))
    with pytest.raises(ValueError, match="p_none"):
        sample_context(rng, p_none=1.5)
