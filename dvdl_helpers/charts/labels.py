"""Chart text drawn with Pillow's FreeType: :class:`Label`, a matplotlib artist 5× cheaper than ``Text``.

matplotlib 3.11 lays out and renders a ``Text`` glyph by glyph (about 1 ms per label on a 2-core machine,
half of the time of a chart in the varied looks). A :class:`Label` is placed like a ``Text`` (a point in any
transform, ``ha``/``va``, rotation, ``rotation_mode``), and drawn as one anti-aliased FreeType bitmap by
Pillow, blitted with ``renderer.draw_image`` (so it works on any backend and keeps its z-order). The
fonts are matplotlib's own (the same DejaVu files); small text is drawn large and shrunk (box filter),
so a thumbnail's text is as wide and as light as on a shrunk screenshot. Used by the varied looks
(:mod:`.layout`); the clean look (:mod:`.clean_look`) keeps ``Text`` (its pictures stay byte for byte
the same).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from matplotlib.artist import Artist
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.transforms import Transform
from PIL import Image, ImageDraw, ImageFont

#: Text is drawn at least this many pixels high (``factor`` times its size), then shrunk ``factor`` times,
#: as on the thumbnail of a larger chart: Pillow's hinted text is 30 % too narrow to 20 % too wide at
#: 2-8 px, within 2 % of the font's widths from 40 px up.
FINE_PIXELS = 40
#: Font sizes (of the large drawing) are rounded to this fraction of a pixel, so charts share fonts.
SIZE_STEP = 1 / 4


@lru_cache(maxsize=8)
def _font_file(family: str) -> str:
    """The font file that matplotlib uses for ``family``."""
    return str(findfont(FontProperties(family=family)))


@lru_cache(maxsize=256)
def font_and_line_box(family: str, pixels: float) -> tuple[ImageFont.FreeTypeFont, float, float]:
    """A Pillow font of ``family`` at ``pixels``, and the top and bottom of "lp" around the baseline."""
    font = ImageFont.truetype(_font_file(family), pixels, layout_engine=ImageFont.Layout.BASIC)
    _, top, _, bottom = font.getbbox("lp", anchor="ls")  # matplotlib's line box: "lp"'s ascent and descent
    return font, float(top), float(bottom)


def _turn(x: float, y: float, angle: float) -> tuple[float, float]:
    """Point ``(x, y)`` in picture coordinates (y down) turned ``angle`` degrees anticlockwise."""
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return x * c + y * s, -x * s + y * c


class Label(Artist):
    """One line of text at ``(x, y)`` in ``transform``, aligned and turned as ``matplotlib.text.Text``."""

    zorder = 3

    def __init__(
        self,
        x: float,
        y: float,
        text: str,
        *,
        color: str = "#000000",
        family: str = "DejaVu Sans",
        fontsize: float = 10.0,
        ha: str = "left",
        va: str = "baseline",
        rotation: float = 0.0,
        rotation_mode: str = "default",
        alpha: float = 1.0,
        transform: Transform | None = None,
    ) -> None:
        super().__init__()
        self.xy, self.text, self.color, self.alpha = (x, y), str(text), color, alpha
        self.family, self.fontsize, self.ha, self.va = family, fontsize, ha, va
        self.rotation, self.rotation_mode = rotation, rotation_mode
        if transform is not None:
            self.set_transform(transform)

    def get_text(self) -> str:
        """The text drawn."""
        return self.text

    def get_color(self) -> str:
        """The text's colour."""
        return self.color

    def bitmap(self, pixels: float, x: float, y: float) -> tuple[np.ndarray, int, int]:
        """The text as an alpha mask at ``pixels`` font size, aligned on picture point ``(x, y)`` (y down),
        and the picture position of the mask's top-left corner."""
        factor = max(1, min(16, math.ceil(FINE_PIXELS / pixels)))
        x, y = x * factor, y * factor  # from here on in pixels of the large drawing
        size = max(SIZE_STEP, round(pixels * factor / SIZE_STEP) * SIZE_STEP)
        font, top, bottom = font_and_line_box(self.family, size)
        width = font.getlength(self.text)
        spot_x = {"left": 0.0, "center": width / 2, "right": width}[self.ha]
        spot_y = {"top": top, "center": (top + bottom) / 2, "bottom": bottom}.get(self.va, 0.0)
        angle = self.rotation % 360
        if angle and self.rotation_mode != "anchor":  # align the turned line box
            corners = [(0.0, top), (width, top), (0.0, bottom), (width, bottom)]
            turned = [_turn(cx, cy, angle) for cx, cy in corners]
            xs, ys = [p[0] for p in turned], [p[1] for p in turned]
            spot_x = {"left": min(xs), "center": (min(xs) + max(xs)) / 2, "right": max(xs)}[self.ha]
            spot_y = {"top": min(ys), "center": (min(ys) + max(ys)) / 2}.get(self.va, max(ys))
        elif angle:
            spot_x, spot_y = _turn(spot_x, spot_y, angle)
        x, y = x - spot_x, y - spot_y  # where the text's origin (left end of the baseline) goes
        left, up, right, down = font.getbbox(self.text, anchor="ls")
        im = Image.new("L", (right - left + 2, down - up + 2))
        fx, fy = (x % 1, y % 1) if not angle else (0.0, 0.0)  # sub-pixel position, unturned text
        ImageDraw.Draw(im).text((fx - left, fy - up), self.text, fill=255, font=font, anchor="ls")
        if not angle:
            corner = (math.floor(x) + left, math.floor(y) + up)
        else:
            middle = _turn(left + im.width / 2, up + im.height / 2, angle)  # the bitmap's middle, turned
            if angle in (90, 180, 270):
                turn = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180}
                im = im.transpose(turn.get(angle, Image.Transpose.ROTATE_270))
            else:
                im = im.rotate(angle, Image.Resampling.BILINEAR, expand=True)
            corner = (round(x + middle[0] - im.width / 2), round(y + middle[1] - im.height / 2))
        if factor == 1:
            return np.asarray(im), *corner
        grid = [c - c % factor for c in corner]  # shrink blocks of factor × factor pixels of the picture
        padded = Image.new("L", (im.width + corner[0] - grid[0], im.height + corner[1] - grid[1]))
        padded.paste(im, (corner[0] - grid[0], corner[1] - grid[1]))
        return np.asarray(padded.reduce(factor)), grid[0] // factor, grid[1] // factor

    def draw(self, renderer) -> None:
        """Blit the text's bitmap, in its colour, onto the renderer's canvas."""
        if not self.get_visible() or not self.text:
            return
        x, y = self.get_transform().transform(self.xy)
        y = renderer.height - y  # picture coordinates, y down
        alpha, left, top = self.bitmap(renderer.points_to_pixels(self.fontsize), x, y)
        if not alpha.size:
            return
        rgba = np.empty((*alpha.shape, 4), np.uint8)  # rows from the bottom up, as draw_image wants them
        color = to_rgba(self.color, self.alpha)
        rgba[..., :3] = np.round(np.multiply(color[:3], 255)).astype(np.uint8)
        rgba[..., 3] = alpha[::-1] if color[3] == 1 else np.round(alpha[::-1] * color[3]).astype(np.uint8)
        gc = renderer.new_gc()
        renderer.draw_image(gc, left, renderer.height - top - alpha.shape[0], rgba)
        gc.restore()
        self.stale = False
