"""Synthetic "phone photos" of handwritten digits, for trying the ``mnist`` preset offline.

The course runs without network access and no photo of handwriting ships with its packages, so notebook 02
makes its own: a real MNIST digit, upscaled smoothly into pen strokes, written in dark ink on coloured paper
and photographed badly — uneven light, a soft shadow, a slight tilt, sensor noise, JPEG compression and,
like a phone held upright, pixels stored sideways with an EXIF orientation tag.

>>> rng = np.random.default_rng(0)
>>> photo = phone_photo(x_test[0], rng=rng)           # PIL RGB, 1200×1600 (width × height)
>>> save_jpeg(photo, "digit.jpg", exif_orientation=6)  # stored sideways, shown upright by viewers
>>> paths = write_phone_photos(x_test[:20], "photos", seed=0)  # a folder of them, varied

The photos' strokes are MNIST's own digits: they test image preparation against paper, light and
orientation, not how a model reads other people's handwriting. For that, the course ships 300 digits drawn
by people: :func:`dvdl_helpers.data.load_real_digits`.

This module never imports TensorFlow.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

__all__ = ["INKS", "PAPERS", "phone_photo", "save_jpeg", "write_phone_photos"]

PathLike = str | os.PathLike[str]
RGB = tuple[int, int, int]

#: Paper colours (RGB) a photo is drawn on when none is given.
PAPERS: dict[str, RGB] = {
    "white": (242, 240, 234),
    "cream": (243, 232, 200),
    "sticky yellow": (250, 232, 120),
    "light blue": (198, 222, 242),
    "pink": (244, 206, 218),
    "mint": (206, 236, 208),
    "kraft": (206, 176, 136),
}

#: Ink colours (RGB) a digit is written in when none is given.
INKS: dict[str, RGB] = {
    "black marker": (28, 28, 32),
    "blue ballpoint": (25, 40, 120),
    "pencil": (70, 70, 76),
    "dark red": (110, 20, 30),
}

#: For EXIF orientation tag values: the transpose that turns the upright picture into the stored pixels
#: (the inverse of what :func:`PIL.ImageOps.exif_transpose` applies when it reads the file).
_STORE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}
_ORIENTATION_TAG = 0x0112


def _rgb(colour: str | Sequence[int] | None, choices: dict[str, RGB], rng: np.random.Generator) -> np.ndarray:
    """A colour by name (from ``choices``), as RGB numbers, or a random one of ``choices`` when ``None``."""
    if colour is None:
        colour = list(choices)[int(rng.integers(len(choices)))]
    if isinstance(colour, str):
        if colour not in choices:
            raise ValueError(f"unknown colour {colour!r}: choose one of {', '.join(choices)} or give RGB")
        colour = choices[colour]
    values = np.asarray(colour, dtype=np.float32)
    if values.shape != (3,) or values.min() < 0 or values.max() > 255:
        raise ValueError(f"a colour is three numbers in 0..255, not {colour!r}")
    return values


def _smooth_field(rng: np.random.Generator, size: tuple[int, int], cells: int = 6) -> np.ndarray:
    """Low-frequency noise in about [-1, 1] over ``size`` (width, height): blotchy light, paper texture."""
    coarse = rng.uniform(-1, 1, (cells, cells)).astype(np.float32)
    return np.asarray(Image.fromarray(coarse).resize(size, Image.Resampling.BICUBIC))


def _gaussian_blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Blur a small 2-D array with a Gaussian of ``sigma`` pixels (zero outside the array)."""
    offsets = np.arange(-int(3 * sigma + 0.5), int(3 * sigma + 0.5) + 1)
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2).astype(np.float32)
    kernel /= kernel.sum()
    rows = np.stack([np.convolve(row, kernel, mode="same") for row in image])
    return np.stack([np.convolve(column, kernel, mode="same") for column in rows.T]).T


def _ink_layer(
    digit: np.ndarray,
    size: tuple[int, int],
    rng: np.random.Generator,
    height: float,
    tilt: float,
    stroke: float,
) -> np.ndarray:
    """The ink's coverage (0 paper … 1 ink) over the whole photo: the digit upscaled, tilted and placed."""
    width, full_height = size
    digit = np.asarray(digit, dtype=np.float32).reshape(28, 28)
    if digit.max() <= 0:
        raise ValueError("the digit image is empty (no ink)")
    # Smooth upscaling: 4× bicubic, then a blur that hides the 28-pixel grid, then up to the final size.
    fine = np.asarray(Image.fromarray(digit / digit.max()).resize((112, 112), Image.Resampling.BICUBIC))
    fine = _gaussian_blur(np.pad(fine, 8), sigma=2.0)
    fine /= fine.max()
    side = max(28, round(height * full_height * 128 / 80))  # MNIST's digit fills 20 of 28 pixels
    big = Image.fromarray(fine).resize((side, side), Image.Resampling.BICUBIC)
    big = big.rotate(float(rng.uniform(-tilt, tilt)), Image.Resampling.BILINEAR, expand=True)
    # A pen: ink where the smooth digit exceeds `stroke`, with an edge a few pixels soft (anti-aliased).
    soft = min(1.5 * stroke, max(0.02, 1.5 * 128 / side))  # ≈ 1.5 px, and paper stays paper
    ink = np.clip((np.asarray(big) - stroke) / soft + 0.5, 0, 1)
    ink = ink * ink * (3 - 2 * ink)  # smoothstep
    layer = np.zeros((full_height, width), np.float32)
    h, w = ink.shape
    # Somewhere near the middle, but not exactly: people do not centre what they write.
    top = round((full_height - h) / 2 + rng.uniform(-0.1, 0.1) * full_height)
    left = round((width - w) / 2 + rng.uniform(-0.1, 0.1) * width)
    y0, x0 = max(top, 0), max(left, 0)
    y1, x1 = min(top + h, full_height), min(left + w, width)
    layer[y0:y1, x0:x1] = ink[y0 - top : y1 - top, x0 - left : x1 - left]
    return layer


def _lighting(rng: np.random.Generator, size: tuple[int, int], unevenness: float, shadow: bool) -> np.ndarray:
    """How much light reaches each point (≈0.4…1): a gradient, a vignette, blotches and a soft shadow."""
    width, height = size
    small = (max(8, width // 4), max(8, height // 4))  # light changes slowly: computed at ¼ size
    ys, xs = np.mgrid[0 : small[1], 0 : small[0]].astype(np.float32)
    u, v = xs / small[0] - 0.5, ys / small[1] - 0.5
    direction = rng.uniform(0, 2 * np.pi)
    gradient = u * np.cos(direction) + v * np.sin(direction)  # about -0.7 … 0.7 across the photo
    light = 1 - unevenness * (gradient + 0.7) / 1.4  # brightest on one side, `unevenness` darker opposite
    light *= 1 - 0.25 * unevenness * (u * u + v * v) / 0.5  # vignette: corners darker
    light *= 1 + 0.03 * _smooth_field(rng, small)  # blotchy light
    light *= 1 + 0.012 * _smooth_field(rng, small, cells=48)  # paper texture
    if shadow:  # the phone's (or the hand's) shadow: a soft dark band across one edge
        side = rng.uniform(0, 2 * np.pi)
        reach = u * np.cos(side) + v * np.sin(side)  # distance towards that edge
        start = rng.uniform(0.2, 0.4)
        light *= 1 - 0.3 * np.clip((reach - start) / 0.15, 0, 1)
    full = Image.fromarray(light.astype(np.float32)).resize(size, Image.Resampling.BILINEAR)
    return np.asarray(full)


def phone_photo(
    digit: np.ndarray,
    *,
    rng: np.random.Generator,
    size: tuple[int, int] = (1200, 1600),
    paper: str | Sequence[int] | None = None,
    ink: str | Sequence[int] | None = None,
    digit_height: float | None = None,
    tilt: float = 8.0,
    stroke: float | None = None,
    unevenness: float | None = None,
    shadow: bool | None = None,
    noise: float = 4.0,
) -> Image.Image:
    """Render one MNIST digit (28×28, ink bright) as an RGB phone photo of handwriting on paper.

    ``size`` is (width, height); ``paper`` and ``ink`` are names from :data:`PAPERS` and :data:`INKS` or RGB
    triples. The digit is about ``digit_height`` × the photo's height tall, tilted up to ``tilt`` degrees
    either way; ``stroke`` (0…1) sets the pen: higher gives thinner strokes. The light falls off by
    ``unevenness`` (0 even … 0.6 harsh) across the sheet, a soft shadow covers one edge, and sensor
    ``noise`` is the standard deviation in gray levels. Every option left ``None`` is drawn with ``rng``:
    any paper and ink, height 0.3–0.55, stroke 0.35–0.6 (marker to felt-tip), unevenness 0.2–0.5, a
    shadow in one photo of two. Save it with :func:`save_jpeg` for the compression artefacts.
    """
    width, height = (int(s) for s in size)
    if min(width, height) < 56:
        raise ValueError(f"a photo is at least 56×56 pixels, not {size!r}")
    stroke = float(rng.uniform(0.35, 0.6)) if stroke is None else float(stroke)
    unevenness = float(rng.uniform(0.2, 0.5)) if unevenness is None else float(unevenness)
    if not 0 < stroke < 1:
        raise ValueError(f"stroke must lie in (0, 1), not {stroke}")
    if not 0 <= unevenness < 1:
        raise ValueError(f"unevenness must lie in [0, 1), not {unevenness}")
    paper_rgb = _rgb(paper, PAPERS, rng)
    ink_rgb = _rgb(ink, INKS, rng)
    tall = float(rng.uniform(0.3, 0.55)) if digit_height is None else float(digit_height)
    if not 0 < tall <= 0.9:
        raise ValueError(f"digit_height must lie in (0, 0.9], not {digit_height}")
    coverage = _ink_layer(digit, (width, height), rng, tall, tilt, stroke)
    coverage *= np.float32(rng.uniform(0.85, 1.0))  # ink is never perfectly opaque
    if shadow is None:
        shadow = bool(rng.integers(2))
    light = _lighting(rng, (width, height), unevenness, shadow)
    pixels = coverage[..., None] * (ink_rgb - paper_rgb) + paper_rgb  # ink on paper, H×W×3
    pixels *= light[..., None]
    if noise > 0:  # sensor noise, in grains of 2×2 pixels as a phone's demosaicing leaves it
        grains = rng.standard_normal(((height + 1) // 2, (width + 1) // 2, 3), dtype=np.float32)
        grains *= np.float32(noise)
        if height % 2 == 0 and width % 2 == 0:  # the fast way: each grain added to a 2×2 block in place
            pixels.reshape(height // 2, 2, width // 2, 2, 3)[...] += grains[:, None, :, None, :]
        else:
            pixels += grains.repeat(2, axis=0)[:height].repeat(2, axis=1)[:, :width]
    np.clip(pixels, 0, 255, out=pixels)
    return Image.fromarray(np.rint(pixels).astype(np.uint8))  # H×W×3 uint8: RGB


def save_jpeg(image: Image.Image, path: PathLike, *, quality: int = 85, exif_orientation: int = 1) -> Path:
    """Save ``image`` as a JPEG like a camera: with ``exif_orientation`` 2…8 the pixels are stored turned.

    Viewers (and :func:`PIL.ImageOps.exif_transpose`) read the tag and show the picture upright again;
    a program that ignores the tag sees it sideways (6, 8) or upside down (3). Returns the path.
    """
    if exif_orientation not in range(1, 9):
        raise ValueError(f"EXIF orientation is 1…8, not {exif_orientation}")
    path = Path(path)
    stored = image.transpose(_STORE[exif_orientation]) if exif_orientation != 1 else image
    exif = Image.Exif()
    exif[_ORIENTATION_TAG] = exif_orientation
    stored.convert("RGB").save(path, "JPEG", quality=int(quality), exif=exif.tobytes())
    return path


def write_phone_photos(
    digits: np.ndarray,
    folder: PathLike,
    *,
    seed: int = 0,
    size: tuple[int, int] = (1200, 1600),
    sideways_every: int = 3,
    quality: int = 85,
    **options: object,
) -> list[Path]:
    """Write one varied phone photo per digit as ``folder/photo_NN.jpg``; return the paths in order.

    Paper, ink, size, tilt and light vary from photo to photo (drawn from ``seed``); every
    ``sideways_every``-th photo is stored sideways with EXIF orientation 6, as a phone held upright does
    (0: none). ``options`` go to :func:`phone_photo`. The folder is created; existing photos are replaced.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for index, digit in enumerate(np.asarray(digits)):
        photo = phone_photo(digit, rng=rng, size=size, **options)  # type: ignore[arg-type]
        sideways = sideways_every > 0 and index % sideways_every == sideways_every - 1
        paths.append(
            save_jpeg(
                photo,
                folder / f"photo_{index:02d}.jpg",
                quality=quality,
                exif_orientation=6 if sideways else 1,
            )
        )
    return paths
