"""The NumPy parts of image preparation: deep (16/32-bit, float) images to 8 bits, the MNIST recipe.

:mod:`.image` imports this module only when a picture needs it: importing NumPy is two thirds of the
``imageprep`` command's start-up (≈ 0.1 of 0.15 CPU-seconds), which a folder of ordinary photos never needs.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

# Nothing here is on the imageprep face: image.py calls these only when a picture needs NumPy.
__all__: list[str] = []

LANCZOS = Image.Resampling.LANCZOS


def to_8bit(image: Image.Image) -> Image.Image:
    """Map a 16-bit image by the 16-bit range (v / 257), a 32-bit integer or float one by its actual range.

    16-bit values mean the same brightness in every file (0 black, 65535 white), as ImageMagick and
    scikit-image read them: a dark scan stays dark. 32-bit integers and floats have no agreed range, so
    their minimum becomes 0 and their maximum 255.
    """
    # In place, without copies of the finite values: a picture at Pillow's pixel limit (89 MP) needs at
    # most 13 bytes a pixel here, not 33 (1.2 GB, not 3 GB, in each worker of a folder run).
    if image.mode.startswith("I;16"):
        values = np.asarray(image).astype(np.uint32)
        values *= 2
        values += 257
        values //= 514  # round(v / 257): never a tie (257 is odd)
        return Image.fromarray(values.astype(np.uint8))
    values = np.asarray(image, dtype=np.float64)
    finite = np.isfinite(values)
    if not finite.any():
        return Image.new("L", image.size)
    low = values.min(where=finite, initial=np.inf)
    high = values.max(where=finite, initial=-np.inf)
    del finite
    np.nan_to_num(values, copy=False, nan=low, posinf=high, neginf=low)
    if high > low:
        values -= low
        values *= 255 / (high - low)
    else:
        np.clip(values, 0, 255, out=values)
    return Image.fromarray(np.round(values, out=values).astype(np.uint8))


def mnist(gray: Image.Image, work: int) -> tuple[Image.Image, list[str]]:
    """The MNIST recipe on a grayscale photo: ink map, bounding box → 20×20, centre of mass → (14, 14)."""
    gray = gray.copy()
    gray.thumbnail((work, work), LANCZOS)  # analysed at most this large
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
