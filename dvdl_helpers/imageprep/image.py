"""One picture → network input: decode (shrunk while decoding), flatten to L or RGB, fit; MNIST preset."""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from PIL import ExifTags, Image, ImageColor, ImageFilter, ImageOps

__all__ = ["FITS", "UsageError", "mnist_preset", "prepare_image"]

Fit = Literal["stretch", "contain", "cover"]
Color = str | tuple[int, int, int]
PathLike = str | os.PathLike[str]

FITS: tuple[str, ...] = ("stretch", "contain", "cover")
LANCZOS = Image.Resampling.LANCZOS
_TMP_PREFIX = ".imageprep-"  # temporary outputs: hidden, removed if a run is interrupted
_DEEP_MODES = {"I", "I;16", "I;16B", "I;16L", "I;16N", "F"}  # 16/32-bit integer and float
_MNIST_WORK = 512  # a digit photo is analysed at most this large


class UsageError(ValueError):
    """A request that cannot be carried out as asked; raised before anything is written."""


@dataclass(frozen=True)
class _Options:
    size: tuple[int, int] | None = None
    gray: bool = False
    fit: str = "stretch"
    background: tuple[int, int, int] = (255, 255, 255)
    preset: str | None = None


# --------------------------------------------------------------------------------------------------------
# One image
# --------------------------------------------------------------------------------------------------------


def prepare_image(
    image: PathLike | Image.Image,
    *,
    size: tuple[int, int] | None = None,
    gray: bool = False,
    fit: Fit = "stretch",
    background: Color = "white",
    preset: Literal["mnist"] | None = None,
) -> Image.Image:
    """Return one picture as network input: upright, first frame, mode ``L`` or ``RGB``, fitted to ``size``.

    ``size`` is (width, height); ``None`` keeps the size. Transparent parts are composited on
    ``background``; 16-bit images are mapped by the 16-bit range (v/257), 32-bit integer and
    float images by their actual range. ``preset="mnist"``: see
    :func:`mnist_preset`. A file that is not a readable image raises Pillow's error (e.g.
    ``PIL.UnidentifiedImageError``, ``PIL.Image.DecompressionBombError``); a PIL image passed in is left
    unchanged.
    """
    opts = _options(size=size, gray=gray, fit=fit, background=background, preset=preset)
    return _prepare(image, opts)[0]


def mnist_preset(image: PathLike | Image.Image) -> Image.Image:
    """Turn a photo of a handwritten digit (dark ink on light paper) into a 28×28 MNIST-style image.

    As in MNIST: grayscale, inverted (white ink on black), the digit's bounding box scaled into 20×20
    (aspect ratio kept) and placed so that its centre of mass is at the centre of the 28×28 field. The
    paper's brightness is estimated region by region, so shadows and coloured paper do not count as ink;
    thin pen strokes are thickened to MNIST's. ``np.asarray(img) / 255`` is the network's input.
    """
    return prepare_image(image, preset="mnist")


def _options(
    size: Sequence[int] | None, gray: bool, fit: str, background: Color, preset: str | None
) -> _Options:
    """Check the single-image options; raise :class:`UsageError` on a bad one."""
    if fit not in FITS:
        raise UsageError(f"fit must be one of {', '.join(FITS)}, not {fit!r}")
    if preset not in (None, "mnist"):
        raise UsageError(f"unknown preset {preset!r} (known: 'mnist')")
    if size is not None:
        if len(size) != 2 or min(int(s) for s in size) < 1:
            raise UsageError(f"size must be two positive integers (width, height), not {size!r}")
        size = (int(size[0]), int(size[1]))
    try:
        rgb = ImageColor.getrgb(background) if isinstance(background, str) else tuple(background)
    except ValueError:
        raise UsageError(f"unknown background colour {background!r}") from None
    return _Options(size, gray or preset is not None, fit, tuple(int(c) for c in rgb[:3]), preset)


def _prepare(source: PathLike | Image.Image, opts: _Options) -> tuple[Image.Image, list[str]]:
    """Decode, flatten and fit one picture; return it with notes worth telling (e.g. 'animated')."""
    if isinstance(source, Image.Image):
        notes = ["animated: current frame used"] if getattr(source, "n_frames", 1) > 1 else []
        image = ImageOps.exif_transpose(source)  # a copy: the caller's image stays as it is
    else:
        with warnings.catch_warnings():  # Pillow only warns between 1× and 2× its pixel limit
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as file_image:
                image, notes = _decode(file_image, opts)
    image = _flatten(image, opts.gray, opts.background)
    if opts.preset == "mnist":
        image, more = _mnist(image)
        return image, notes + more
    if opts.size is not None:
        image = _fit(image, opts.size, opts.fit, opts.background)
    return image, notes


def _decode(image: Any, opts: _Options) -> tuple[Image.Image, list[str]]:
    """Load the first frame of an opened file, upright; a JPEG is shrunk while decoding when it can be."""
    frames = getattr(image, "n_frames", 1)
    notes = [f"animated ({frames} frames): first frame used"] if frames > 1 else []
    if image.format == "JPEG" and (opts.size or opts.preset):
        image.draft("L" if opts.gray else "RGB", _draft_request(image, opts))
    image.load()
    ImageOps.exif_transpose(image, in_place=True)  # the decoded copy in memory, never the file
    return image, notes


def _draft_request(image: Image.Image, opts: _Options) -> tuple[int, int]:
    """The smallest decoded size that still leaves 2× the final resolution (JPEG scales by 1/2, 1/4, 1/8)."""
    width, height = image.size
    turned = image.getexif().get(ExifTags.Base.Orientation, 1) in (5, 6, 7, 8)  # stored sideways
    if turned:
        width, height = height, width
    if opts.preset == "mnist":
        want = _scaled_size((width, height), (_MNIST_WORK, _MNIST_WORK), "contain")
    else:
        want = tuple(2 * s for s in _scaled_size((width, height), opts.size, opts.fit))
    return (want[1], want[0]) if turned else (want[0], want[1])


def _scaled_size(size: tuple[int, int], target: tuple[int, int], fit: str) -> tuple[int, int]:
    """The size the whole picture is scaled to before padding (contain) or cropping (cover)."""
    if fit == "stretch":
        return target
    scale = (min if fit == "contain" else max)(target[0] / size[0], target[1] / size[1])
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _flatten(image: Image.Image, gray: bool, background: tuple[int, int, int]) -> Image.Image:
    """Return ``image`` as ``L`` or ``RGB``: deep modes scaled to 8 bits, transparency on ``background``."""
    if image.mode in _DEEP_MODES:
        image = _to_8bit(image)
    if image.mode == "La":  # premultiplied alpha
        image = image.convert("LA")
    if image.mode in ("RGBa", "PA") or "transparency" in image.info:  # incl. a palette's transparent colour
        image = image.convert("RGBA")
    if image.mode in ("LA", "RGBA"):
        alpha = image.getchannel("A")
        if alpha.getextrema()[0] == 255:  # opaque after all, as most saved charts are: nothing to composite
            image = image.convert(image.mode[:-1])
        else:
            flat = Image.new("RGB", image.size, background)
            flat.paste(image.convert("RGBA"), mask=alpha)  # alpha 0 shows the background, never black
            image = flat
    if image.mode not in ("1", "L", "RGB"):  # palette, CMYK, LAB, YCbCr, HSV, RGBX, ...
        image = image.convert("RGB")
    target = "L" if gray else "RGB"
    return image if image.mode == target else image.convert(target)


def _to_8bit(image: Image.Image) -> Image.Image:
    """Map a 16-bit image by the 16-bit range (v / 257), a 32-bit integer or float one by its actual range.

    16-bit values mean the same brightness in every file (0 black, 65535 white), as ImageMagick and
    scikit-image read them: a dark scan stays dark. 32-bit integers and floats have no agreed range, so
    their minimum becomes 0 and their maximum 255.
    """
    values = np.asarray(image, dtype=np.float64)
    if image.mode.startswith("I;16"):
        return Image.fromarray(np.round(values / 257).astype(np.uint8))
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return Image.new("L", image.size)
    low, high = finite.min(), finite.max()
    values = np.nan_to_num(values, nan=low, posinf=high, neginf=low)
    scaled = (values - low) * (255 / (high - low)) if high > low else np.clip(values, 0, 255)
    return Image.fromarray(np.round(scaled).astype(np.uint8))


def _fit(
    image: Image.Image, size: tuple[int, int], fit: str, background: tuple[int, int, int]
) -> Image.Image:
    """Resize to ``size``: stretch, contain (pad with ``background``) or cover (centre-crop)."""
    # reducing_gap: shrink by an integer factor with Image.reduce first (fast), then LANCZOS the rest
    width, height = size
    if fit == "stretch":
        return image.resize(size, LANCZOS, reducing_gap=3.0)
    inner = _scaled_size(image.size, size, fit)
    if fit == "cover":
        scale = inner[0] / image.size[0]
        crop_w, crop_h = width / scale, height / scale
        left, top = (image.size[0] - crop_w) / 2, (image.size[1] - crop_h) / 2
        return image.resize(size, LANCZOS, box=(left, top, left + crop_w, top + crop_h), reducing_gap=3.0)
    fill = (
        background
        if image.mode == "RGB"
        else Image.new("RGB", (1, 1), background).convert("L").getpixel((0, 0))
    )
    canvas = Image.new(image.mode, size, fill)
    canvas.paste(
        image.resize(inner, LANCZOS, reducing_gap=3.0), ((width - inner[0]) // 2, (height - inner[1]) // 2)
    )
    return canvas


def _mnist(gray: Image.Image) -> tuple[Image.Image, list[str]]:
    """The MNIST recipe on a grayscale photo: ink map, bounding box → 20×20, centre of mass → (14, 14)."""
    gray = gray.copy()
    gray.thumbnail((_MNIST_WORK, _MNIST_WORK), LANCZOS)
    # The paper: a closing (max filter wider than a pen stroke, then a min filter as wide), smoothed. The
    # max filter alone would take the lit side's brightness into a shadow's edge, which then counts as ink.
    small = gray.resize((64, 64), Image.Resampling.BOX).filter(ImageFilter.MaxFilter(15))
    small = small.filter(ImageFilter.MinFilter(15))
    paper = np.asarray(small.filter(ImageFilter.GaussianBlur(4)).resize(gray.size, Image.Resampling.BILINEAR))
    darkness = np.clip(paper.astype(np.float32) - np.asarray(gray, dtype=np.float32), 0, None)
    contrast = np.percentile(darkness, 99.9)
    if contrast < 32:
        return Image.new("L", (28, 28)), ["no dark ink found: blank output"]
    ink = np.clip(darkness / contrast, 0, 1)
    ink[ink < 0.3] = 0  # paper texture and faint shadows
    rows, cols = np.nonzero(ink >= 0.5)
    ink = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    # Into a 40-pixel box first: there a stroke thinner than MNIST's (4-7 px at that scale) is thickened.
    scale = 40 / max(ink.shape)
    box = (max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale)))
    big = Image.fromarray((ink * 255).astype(np.uint8)).resize(box, LANCZOS)
    mask = np.pad(np.asarray(big) >= 128, 1)
    edge = mask & ~(np.roll(mask, 1, 0) & np.roll(mask, -1, 0) & np.roll(mask, 1, 1) & np.roll(mask, -1, 1))
    stroke = 2 * mask.sum() / max(1, edge.sum())  # ≈ width of a long thin shape: area / (perimeter / 2)
    if stroke < 4.5:  # MNIST's strokes are 4-7 px wide at this scale
        big = big.filter(ImageFilter.MaxFilter(3 if stroke >= 2.5 else 5))
    digit = np.asarray(big.resize(((box[0] + 1) // 2, (box[1] + 1) // 2), LANCZOS), dtype=np.float64)
    digit = np.clip(digit * (255 / max(digit.max(), 1)), 0, 255)
    # Place the 20×20 box so that the centre of mass lands on (14, 14), keeping all of it in the field.
    ys, xs = np.indices(digit.shape)
    total = digit.sum()
    top = int(np.clip(round(14 - (ys * digit).sum() / total), 0, 28 - digit.shape[0]))
    left = int(np.clip(round(14 - (xs * digit).sum() / total), 0, 28 - digit.shape[1]))
    field_ = np.zeros((28, 28), np.uint8)
    field_[top : top + digit.shape[0], left : left + digit.shape[1]] = np.round(digit).astype(np.uint8)
    return Image.fromarray(field_), []
