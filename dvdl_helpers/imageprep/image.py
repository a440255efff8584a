"""One picture → network input: decode (shrunk while decoding), flatten to L or RGB, fit; MNIST preset."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from PIL import ExifTags, Image, ImageColor, ImageOps

from dvdl_helpers.imageprep.problems import open_picture

__all__ = ["FITS", "UsageError", "mnist_preset", "prepare_image"]

Fit = Literal["stretch", "contain", "cover"]
Color = str | tuple[int, int, int]
PathLike = str | os.PathLike[str]

FITS: tuple[str, ...] = ("stretch", "contain", "cover")
LANCZOS = Image.Resampling.LANCZOS
_DEEP_MODES = {"I", "I;16", "I;16B", "I;16L", "I;16N", "F"}  # 16/32-bit integer and float
_MNIST_WORK = 512  # a digit photo is analysed at most this large


class UsageError(ValueError):
    """A request that cannot be carried out as asked; raised before anything is written."""


@dataclass(frozen=True)
class Options:
    """The checked options of one preparation (see :func:`checked_options`); what a folder's workers get."""

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
    ``PIL.UnidentifiedImageError``, ``PIL.Image.DecompressionBombError``, ``SyntaxError``: see
    :mod:`.problems`, whose :func:`~.problems.read_each` turns them into named problems); a PIL image
    passed in is left unchanged.
    """
    opts = checked_options(size=size, gray=gray, fit=fit, background=background, preset=preset)
    return prepare_with_notes(image, opts)[0]


def mnist_preset(image: PathLike | Image.Image) -> Image.Image:
    """Turn a photo of a handwritten digit (dark ink on light paper) into a 28×28 MNIST-style image.

    As in MNIST: grayscale, inverted (white ink on black), the digit's bounding box scaled into 20×20
    (aspect ratio kept) and placed so that its centre of mass is at the centre of the 28×28 field. The
    paper's brightness is estimated region by region, so shadows and coloured paper do not count as ink;
    thin pen strokes are thickened to MNIST's. ``np.asarray(img) / 255`` is the network's input.
    """
    return prepare_image(image, preset="mnist")


def checked_options(
    size: Sequence[int] | None, gray: bool, fit: str, background: Color, preset: str | None
) -> Options:
    """Return the options of :func:`prepare_image`, checked; raise :class:`UsageError` on a bad one."""
    if fit not in FITS:
        raise UsageError(f"fit must be one of {', '.join(FITS)}, not {fit!r}")
    if preset not in (None, "mnist"):
        raise UsageError(f"unknown preset {preset!r} (known: 'mnist')")
    if size is not None:
        if len(size) != 2 or min(int(s) for s in size) < 1:
            raise UsageError(f"size must be two positive integers (width, height), not {size!r}")
        size = (int(size[0]), int(size[1]))
        limit = Image.MAX_IMAGE_PIXELS  # the inputs' limit (problems.py) bounds the outputs too
        if limit and size[0] * size[1] > limit:
            raise UsageError(f"size {size[0]}×{size[1]} is over Pillow's limit of {limit:,} pixels")
    try:
        rgb = ImageColor.getrgb(background) if isinstance(background, str) else tuple(background)
    except ValueError:
        raise UsageError(f"unknown background colour {background!r}") from None
    return Options(size, gray or preset is not None, fit, tuple(int(c) for c in rgb[:3]), preset)


def prepare_with_notes(source: PathLike | Image.Image, opts: Options) -> tuple[Image.Image, list[str]]:
    """Decode, flatten and fit one picture; return it with notes worth telling (e.g. 'animated').

    What :func:`prepare_image` does; a folder's workers call it for the notes that go into the report.
    """
    if isinstance(source, Image.Image):
        notes = ["animated: current frame used"] if getattr(source, "n_frames", 1) > 1 else []
        image = ImageOps.exif_transpose(source)  # a copy: the caller's image stays as it is
    else:
        with open_picture(source) as file_image:  # the package's rules: see problems.py
            image, notes = _decode(file_image, opts)
    image = _flatten(image, opts.gray, opts.background)
    if opts.preset == "mnist":
        from dvdl_helpers.imageprep import arrays  # NumPy only when needed: see arrays.py

        image, more = arrays.mnist(image, _MNIST_WORK)
        return image, notes + more
    if opts.size is not None:
        image = _fit(image, opts.size, opts.fit, opts.background)
    return image, notes


def _decode(image: Any, opts: Options) -> tuple[Image.Image, list[str]]:
    """Load the first frame of an opened file, upright; a JPEG is shrunk while decoding when it can be."""
    frames = getattr(image, "n_frames", 1)
    notes = [f"animated ({frames} frames): first frame used"] if frames > 1 else []
    if image.format == "JPEG" and (opts.size or opts.preset):
        image.draft("L" if opts.gray else "RGB", _draft_request(image, opts))
    image.load()
    ImageOps.exif_transpose(image, in_place=True)  # the decoded copy in memory, never the file
    return image, notes


def _draft_request(image: Image.Image, opts: Options) -> tuple[int, int]:
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
        from dvdl_helpers.imageprep import arrays  # NumPy only when needed: see arrays.py

        image = arrays.to_8bit(image)
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
