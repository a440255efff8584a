"""Figures for image preparation (notebook 02): pictures of any mode and size, before and after."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

__all__ = ["PictureFigure", "image_comparison"]

# A notebook shows a figure of pictures as a JPEG at this quality when the JPEG takes at most this share of
# the PNG's bytes: figures of photos shrink to about a third and look alike; flat pictures stay PNG.
_JPEG_QUALITY = 85
_JPEG_AT_MOST = 0.5


class PictureFigure(Figure):
    """A figure of pictures that a notebook shows as a JPEG where that is much smaller than the PNG.

    A notebook stores every figure it shows. Photos (paper grain, noise, soft light) make PNGs of 300-500
    KB, which a JPEG at quality 85 draws alike in a third of the bytes; pictures made of flat areas and
    sharp edges (digits, logos, drawings) compress well as PNG and stay PNG, where a JPEG would blur their
    edges. Only the notebook's display changes (both ways at the figure's dpi, cropped to its contents as
    the inline backend does); ``savefig`` writes whatever format it is asked for.
    """

    def __repr__(self) -> str:
        """The text a notebook stores beside the image, as for any figure: ``<Figure size 780x275 ...>``."""
        return super().__repr__().replace(type(self).__name__, "Figure", 1)

    def display_data(self) -> dict[str, str]:
        """Return what a notebook shows: ``{"image/jpeg" (or "image/png"): base64, "text/plain": repr}``."""
        from PIL import Image

        png = io.BytesIO()
        self.savefig(png, format="png", dpi=self.dpi, bbox_inches="tight", facecolor=self.get_facecolor())
        with Image.open(png) as picture:
            # JPEG has no transparency: blend on white, as matplotlib's own JPEG writer does.
            rgba = picture.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, "white")
        flat.alpha_composite(rgba)
        jpeg = io.BytesIO()
        flat.convert("RGB").save(jpeg, format="JPEG", quality=_JPEG_QUALITY, optimize=True)
        smaller = len(jpeg.getvalue()) <= _JPEG_AT_MOST * len(png.getvalue())
        mime, data = ("image/jpeg", jpeg) if smaller else ("image/png", png)
        return {mime: base64.b64encode(data.getvalue()).decode("ascii"), "text/plain": repr(self)}

    def _ipython_display_(self) -> None:
        """Show the figure in a notebook as :meth:`display_data` says (IPython calls this for a figure)."""
        from IPython.display import display

        display(self.display_data(), raw=True)


def _checkerboard(height: int, width: int, square: int = 8) -> np.ndarray:
    """A light gray checkerboard (H×W×3 floats in [0, 1]), the usual backdrop that shows transparency."""
    ys, xs = np.indices((height, width)) // square
    return np.where((ys + xs)[..., None] % 2 == 0, 0.95, 0.8) * np.ones(3)


def _viewable(image: object, max_pixels: int) -> tuple[np.ndarray, dict[str, object], str]:
    """Return (array for imshow, imshow options, caption 'mode, W×H') for a PIL image or an array.

    As a viewer shows it: transparency over a checkerboard, 16/32-bit and float images scaled by their
    range, palette and CMYK converted for display only; large pictures shrunk for drawing.
    """
    from PIL import Image

    if not isinstance(image, Image.Image):
        array = np.asarray(image)
        caption = f"{array.dtype}, {array.shape[1]}×{array.shape[0]}"
        if array.ndim == 2 and array.dtype == np.uint8:
            return array, {"cmap": "gray", "vmin": 0, "vmax": 255}, caption
        return array, {"cmap": "gray"} if array.ndim == 2 else {}, caption
    caption = f"{image.mode}, {image.size[0]}×{image.size[1]}"
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        array = np.asarray(image, dtype=np.float64)
        step = max(1, int(np.ceil(max(array.shape) / max_pixels)))
        return array[::step, ::step], {"cmap": "gray"}, caption
    if image.mode == "1":
        image = image.convert("L")
    elif image.mode in ("P", "PA", "LA", "La", "RGBa") or "transparency" in image.info:
        image = image.convert("RGBA")
    elif image.mode not in ("L", "RGB", "RGBA"):
        image = image.convert("RGB")  # CMYK, YCbCr, LAB, HSV, ...: converted for the screen
    if max(image.size) > max_pixels:
        image = image.copy()
        image.thumbnail((max_pixels, max_pixels))
    array = np.asarray(image)
    if image.mode == "L":
        return array, {"cmap": "gray", "vmin": 0, "vmax": 255}, caption
    if image.mode == "RGBA":
        alpha = array[..., 3:] / 255.0
        backdrop = _checkerboard(*array.shape[:2], square=max(2, max(array.shape[:2]) // 16))
        array = array[..., :3] / 255.0 * alpha + backdrop * (1 - alpha)
    return array, {}, caption


def image_comparison(
    rows: dict[str, Sequence[object]],
    *,
    names: Sequence[str] | None = None,
    title: str = "Before and after",
    cell_size: float = 1.9,
    max_pixels: int = 400,
) -> Figure:
    """Show pictures in a table: one row per stage (``{"before": [...], "after": [...]}``), one column each.

    Items are PIL images (any mode) or arrays; each is captioned with its mode and size (``RGBA,
    128×128``), and the first row also with its name from ``names``. Pictures are drawn as a viewer shows
    them: transparency over a checkerboard, 16-bit and float images scaled by their range, CMYK converted
    for the screen only; every cell keeps its picture's aspect ratio. ``None`` leaves a cell empty.
    The figure is a :class:`PictureFigure`: a notebook shows it as a JPEG where that is much smaller.
    """
    stages = list(rows)
    ncols = max(len(items) for items in rows.values())
    fig, axes = plt.subplots(
        len(stages),
        ncols,
        figsize=(ncols * cell_size + 0.6, len(stages) * (cell_size + 0.45) + 0.5),
        squeeze=False,
        FigureClass=PictureFigure,
    )
    for row, stage in enumerate(stages):
        for col, ax in enumerate(axes[row]):
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
            item = rows[stage][col] if col < len(rows[stage]) else None
            if item is None:
                ax.text(0.5, 0.5, "—", ha="center", va="center", color="gray", transform=ax.transAxes)
            else:
                array, options, caption = _viewable(item, max_pixels)
                ax.imshow(array, interpolation="antialiased", **options)
                name = names[col] if names is not None and row == 0 and col < len(names) else None
                ax.set_title(f"{name}\n{caption}" if name else caption, fontsize=8)
            if col == 0:
                ax.set_ylabel(stage, fontsize=10)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
