"""Tests of dvdl_helpers.handwriting (synthetic phone photos), the mnist preset on them, and their figure."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display in tests

import numpy as np
import pytest
from PIL import ExifTags, Image, ImageDraw, ImageOps

from dvdl_helpers import handwriting
from dvdl_helpers.imageprep import convert2mnist, mnist_preset

SMALL = (240, 320)  # width, height: fast, still far larger than 28×28


def ring_digit() -> np.ndarray:
    """A 28×28 MNIST-style '0': a bright ring on black, centred in a 20×20 box."""
    image = Image.new("L", (28, 28))
    ImageDraw.Draw(image).ellipse([8, 4, 20, 24], outline=255, width=3)
    return np.asarray(image)


def seven_digit() -> np.ndarray:
    """A 28×28 MNIST-style '7'."""
    image = Image.new("L", (28, 28))
    ImageDraw.Draw(image).line([(7, 5), (21, 5), (12, 24)], fill=255, width=3)
    return np.asarray(image)


def correlation(a: np.ndarray | Image.Image, b: np.ndarray | Image.Image) -> float:
    return float(np.corrcoef(np.asarray(a, float).ravel(), np.asarray(b, float).ravel())[0, 1])


# ----------------------------------------------------------------------------------------- phone_photo


def test_photo_has_the_requested_size_and_is_reproducible() -> None:
    photo = handwriting.phone_photo(ring_digit(), rng=np.random.default_rng(3), size=SMALL)
    again = handwriting.phone_photo(ring_digit(), rng=np.random.default_rng(3), size=SMALL)
    other = handwriting.phone_photo(ring_digit(), rng=np.random.default_rng(4), size=SMALL)
    assert (photo.mode, photo.size) == ("RGB", SMALL)
    assert np.array_equal(np.asarray(photo), np.asarray(again)), "same seed, same photo"
    assert not np.array_equal(np.asarray(photo), np.asarray(other)), "another seed, another photo"


def test_default_size_is_a_large_portrait_photo() -> None:
    photo = handwriting.phone_photo(seven_digit(), rng=np.random.default_rng(0))
    assert photo.size == (1200, 1600)


def test_ink_is_dark_on_paper_of_the_chosen_colour() -> None:
    photo = handwriting.phone_photo(
        ring_digit(),
        rng=np.random.default_rng(0),
        size=SMALL,
        paper="sticky yellow",
        ink="black marker",
        unevenness=0.0,
        shadow=False,
        noise=0.0,
        tilt=0.0,
        digit_height=0.5,
    )
    pixels = np.asarray(photo, dtype=float)
    paper = np.median(pixels.reshape(-1, 3), axis=0)
    assert np.allclose(paper, handwriting.PAPERS["sticky yellow"], atol=12), paper
    gray = pixels.mean(axis=2)
    dark = gray < 80
    assert 0.01 < dark.mean() < 0.25, "some ink, mostly paper"
    rows, cols = np.nonzero(dark)
    assert 0.35 * SMALL[1] < rows.max() - rows.min() < 0.65 * SMALL[1], "the digit is about half as tall"
    assert 0.3 * SMALL[0] < cols.mean() < 0.7 * SMALL[0], "near the middle"


def test_uneven_light_and_shadow_darken_part_of_the_paper() -> None:
    even = handwriting.phone_photo(
        ring_digit(), rng=np.random.default_rng(1), size=SMALL, paper="white", unevenness=0.0, shadow=False
    )
    uneven = handwriting.phone_photo(
        ring_digit(), rng=np.random.default_rng(1), size=SMALL, paper="white", unevenness=0.5, shadow=True
    )

    def paper_spread(photo: Image.Image) -> float:
        gray = np.asarray(photo.convert("L"), dtype=float)
        return float(np.percentile(gray, 95) - np.percentile(gray, 30))

    assert paper_spread(even) < 25
    assert paper_spread(uneven) > 45


def test_rgb_colours_and_bad_options() -> None:
    rng = np.random.default_rng(0)
    photo = handwriting.phone_photo(ring_digit(), rng=rng, size=SMALL, paper=(10, 200, 30), noise=0)
    assert np.asarray(photo)[..., 1].mean() > np.asarray(photo)[..., 0].mean() + 80
    for bad in (
        {"size": (40, 40)},
        {"paper": "tartan"},
        {"ink": (0, 0, 300)},
        {"stroke": 1.2},
        {"unevenness": 1.0},
        {"digit_height": 0.0},
    ):
        with pytest.raises(ValueError):
            handwriting.phone_photo(ring_digit(), rng=rng, **{"size": SMALL, **bad})
    with pytest.raises(ValueError, match="empty"):
        handwriting.phone_photo(np.zeros((28, 28), np.uint8), rng=rng, size=SMALL)


def test_a_small_digit_leaves_the_paper_around_it_clean() -> None:
    photo = handwriting.phone_photo(
        seven_digit(), rng=np.random.default_rng(2), size=SMALL, digit_height=0.05, noise=0, shadow=False
    )
    gray = np.asarray(photo.convert("L"), dtype=float)
    assert (gray < gray.max() - 60).mean() < 0.01, "only the tiny digit is dark, no gray box around it"


# ------------------------------------------------------------------------------------------- save_jpeg


@pytest.mark.parametrize("orientation", range(1, 9))
def test_jpeg_with_exif_orientation_comes_back_upright(tmp_path: Path, orientation: int) -> None:
    photo = handwriting.phone_photo(seven_digit(), rng=np.random.default_rng(0), size=SMALL)
    path = handwriting.save_jpeg(photo, tmp_path / "p.jpg", quality=90, exif_orientation=orientation)
    with Image.open(path) as stored:
        assert stored.format == "JPEG"
        assert stored.getexif()[ExifTags.Base.Orientation] == orientation
        assert stored.size == (SMALL[::-1] if orientation >= 5 else SMALL), "6 and 8 are stored sideways"
        upright = ImageOps.exif_transpose(stored)
    difference = np.abs(np.asarray(upright, float) - np.asarray(photo, float)).mean()
    assert difference < 3, f"orientation {orientation}: not the same picture after turning ({difference:.1f})"


def test_jpeg_rejects_a_bad_orientation(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        handwriting.save_jpeg(Image.new("RGB", (8, 8)), tmp_path / "p.jpg", exif_orientation=9)


# -------------------------------------------------------------------------------------- write_phone_photos


def test_write_phone_photos_names_orients_and_repeats(tmp_path: Path) -> None:
    digits = np.stack([ring_digit(), seven_digit()] * 3)
    paths = handwriting.write_phone_photos(digits, tmp_path / "photos", seed=5, size=SMALL)
    assert [p.name for p in paths] == [f"photo_{i:02d}.jpg" for i in range(6)]
    orientations = [Image.open(p).getexif().get(ExifTags.Base.Orientation) for p in paths]
    assert orientations == [1, 1, 6, 1, 1, 6], "every third photo stored sideways"
    again = handwriting.write_phone_photos(digits, tmp_path / "again", seed=5, size=SMALL)
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again], "same seed, same files"
    none_sideways = handwriting.write_phone_photos(digits[:3], tmp_path / "up", size=SMALL, sideways_every=0)
    assert {Image.open(p).getexif().get(ExifTags.Base.Orientation) for p in none_sideways} == {1}


# -------------------------------------------------------------------------- the mnist preset on the photos


def test_mnist_preset_recovers_the_digits_from_phone_photos(tmp_path: Path) -> None:
    def clean(digit: np.ndarray) -> Image.Image:  # the preset on a clean scan: black on white, upright
        return mnist_preset(Image.fromarray(255 - digit).resize((280, 280), Image.Resampling.BICUBIC))

    digits = np.stack([ring_digit(), seven_digit()] * 3)
    handwriting.write_phone_photos(digits, tmp_path / "photos", seed=7, size=(600, 800))
    report = convert2mnist("png", tmp_path / "photos", tmp_path / "mnist", progress=False, jobs=1)
    assert report.ok and len(report.outputs) == len(digits)
    references = [clean(ring_digit()), clean(seven_digit())] * 3
    others = [clean(seven_digit()), clean(ring_digit())] * 3
    for reference, other, output in zip(references, others, report.outputs, strict=True):
        prepared = np.asarray(Image.open(output))
        assert prepared.shape == (28, 28) and prepared.max() > 200
        # the right digit despite paper, light, shadow, tilt, noise and JPEG: like its clean scan
        assert correlation(prepared, reference) > 0.6, output.name
        assert correlation(prepared, reference) > correlation(prepared, other) + 0.3, output.name


def test_mnist_preset_ignores_a_shadow_edge() -> None:
    """A soft shadow's edge next to the digit must not count as ink (a max-filter paper estimate did that)."""

    def photo(shadow_starts_at: int | None) -> Image.Image:
        width, height = 600, 800
        image = Image.new("L", (width, height), 190)  # pencil on darker paper: little contrast
        ImageDraw.Draw(image).ellipse([150, 250, 310, 550], outline=90, width=28)
        light = np.ones((height, width))
        if shadow_starts_at is not None:
            ramp = np.clip((np.arange(width) - shadow_starts_at) / 60, 0, 1)
            light = light * (1 - 0.4 * ramp)[None, :]
        return Image.fromarray((np.asarray(image) * light).astype(np.uint8))

    reference = mnist_preset(photo(None))
    for start in (340, 380, 420, 460, 500):
        assert correlation(mnist_preset(photo(start)), reference) > 0.95, f"shadow from x={start}"
