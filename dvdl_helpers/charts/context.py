"""Put a rendered chart into a context: a spreadsheet, a slide, a window, a photo, a scanned page, a sketch.

Real collections show many charts in the program that drew them, photographed on a screen, scanned
from a book or drawn by hand; generated charts are clean. :func:`place_in_context` turns a chart
picture into one of these (:data:`CONTEXTS`), :func:`sample_context` picks one (mostly ``"none"``).
Everything is drawn with Pillow and NumPy at the chart's own scale (one unit = 1/128 of its longest
side), text as short dark blocks (at 128 px real text is only a smudge), in a few milliseconds.
The framing contexts (spreadsheet, slide, window) paste the chart unchanged and keep it at least
half of the picture; the others change the chart's own pixels.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from .labels import font_and_line_box

Box = tuple[int, int, int, int]
Color = tuple[int, int, int]

#: Words of the titles drawn as letters (when they are tall enough to show letters).
# fmt: off
WORDS = (
    "Sales", "Revenue", "Growth", "by", "Region", "Year", "Quarter", "Monthly", "Share", "of", "Users",
    "Total", "Results", "Survey", "Budget", "Data", "Analysis", "Chart", "Figure", "Report", "Summary",
    "Trend", "Market", "Cost", "Income", "Price", "Rate", "Population", "Average", "Q1", "Q2", "2019",
    "2020", "2021", "2022", "2023", "Sheet1", "Book1", "Presentation1", "Untitled", "Overview",
    "Distribution", "Comparison", "Performance",
)
# fmt: on
#: Below this height (pixels) text is drawn as blocks: letters that small are only a smudge.
LETTER_PIXELS = 5


# ----------------------------------------------------------------------------------------- helpers
def _unit(image: Image.Image) -> float:
    """Pixels per unit: the chart's longest side is 128 units."""
    return max(image.size) / 128


def _shade(rng: np.random.Generator, base: Color, spread: int = 12) -> Color:
    """``base`` with a little random variation in each channel."""
    return tuple(int(np.clip(c + rng.integers(-spread, spread + 1), 0, 255)) for c in base)  # type: ignore[return-value]


def _rectangle(draw: ImageDraw.ImageDraw, box, **style) -> None:
    """``draw.rectangle``, except that a box left empty by a very small picture draws nothing."""
    x0, y0, x1, y1 = box
    if x1 >= x0 and y1 >= y0:
        draw.rectangle(box, **style)


def _pick(rng: np.random.Generator, options: list):
    """One of ``options`` (any objects), drawn with ``rng``."""
    return options[int(rng.integers(len(options)))]


def _words(
    draw: ImageDraw.ImageDraw,
    rng: np.random.Generator,
    x0: float,
    y: float,
    x1: float,
    height: float,
    color: Color,
    *,
    word: tuple[float, float] = (3.0, 9.0),
    gap: float = 1.5,
) -> float:
    """A line of fake text from x0 to at most x1: blocks ``height`` tall, words of 1.5-4.5 heights."""
    x, h = x0, max(1.0, height)
    space = max(1.0, gap * h * 0.6)
    while True:
        width = rng.uniform(*word) * h * 0.5
        if x + width > x1:
            break
        _rectangle(draw, (round(x), round(y), round(x + width) - 1, round(y + h) - 1), fill=color)
        x += width + space
    return x


def _title(
    draw: ImageDraw.ImageDraw,
    rng: np.random.Generator,
    x0: float,
    y: float,
    x1: float,
    height: float,
    color: Color,
) -> None:
    """A line of text ``height`` tall from x0 to at most x1: words in letters if tall enough, else blocks."""
    if height < LETTER_PIXELS:
        _words(draw, rng, x0, y, x1, height, color)
        return
    font, top, _ = font_and_line_box("DejaVu Sans", round(1.4 * height))
    text = ""
    for _ in range(8):
        longer = f"{text} {_pick(rng, WORDS)}".strip()
        if draw.textlength(longer, font=font) > x1 - x0:
            break
        text = longer
    draw.text((x0, y - top - 0.1 * height), text or "A", fill=color, font=font, anchor="ls")


def _text_block(
    draw: ImageDraw.ImageDraw,
    rng: np.random.Generator,
    box: Box,
    line_height: float,
    color: Color,
    *,
    spacing: float = 2.0,
    ragged: bool = True,
) -> None:
    """Lines of fake text filling ``box`` (a paragraph: the last line shorter)."""
    x0, y0, x1, y1 = box
    y, pitch = float(y0), line_height * spacing
    while y + line_height <= y1:
        last = y + pitch + line_height > y1
        end = x0 + (x1 - x0) * (rng.uniform(0.3, 0.8) if last or (ragged and rng.random() < 0.15) else 1.0)
        _words(draw, rng, x0, y, end, line_height, color)
        y += pitch


def _digits(
    draw: ImageDraw.ImageDraw,
    rng: np.random.Generator,
    right: float,
    y: float,
    height: float,
    color: Color,
    n: int,
) -> None:
    """A right-aligned number of ``n`` digits ending at ``right``: a smudge when small, else digit blocks."""
    h = max(1.0, height)
    w, gap = 0.6 * h, 0.25 * h
    if gap < 1:  # a few pixels tall: the digits run together
        _rectangle(
            draw, (round(right - n * (w + gap)), round(y), round(right) - 1, round(y + h) - 1), fill=color
        )
        return
    for i in range(n):
        x = right - (i + 1) * (w + gap)
        _rectangle(draw, (round(x), round(y), round(x + w) - 1, round(y + h) - 1), fill=color)


def _paste(canvas: Image.Image, chart: Image.Image, xy: tuple[int, int], border: Color | None) -> None:
    """Paste the chart at ``xy`` with an optional one-pixel frame around it."""
    x, y = xy
    if border is not None:
        ImageDraw.Draw(canvas).rectangle((x - 1, y - 1, x + chart.width, y + chart.height), outline=border)
    canvas.paste(chart, xy)


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    """The image after a round trip through JPEG at ``quality`` (in memory)."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _smooth_field(
    rng: np.random.Generator, size: tuple[int, int], cells: int, low: float, high: float
) -> np.ndarray:
    """A smooth random ``H×W`` float32 field in [low, high]: a ``cells×cells`` noise grid, upscaled."""
    grid = rng.uniform(low, high, (cells, cells)).astype(np.float32)
    field = Image.fromarray(grid, mode="F").resize(size, Image.Resampling.BICUBIC)
    return np.asarray(field)


def _perspective_coefficients(target: np.ndarray, source: np.ndarray) -> tuple[float, ...]:
    """Pillow's PERSPECTIVE data mapping output points ``target`` (4×2) back to input points ``source``."""
    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    return tuple(np.linalg.solve(np.array(rows, float), source.reshape(8).astype(float)))


def _project(coefficients: tuple[float, ...], points: np.ndarray) -> np.ndarray:
    """``points`` (N×2) through Pillow's PERSPECTIVE ``coefficients``."""
    a, b, c, d, e, f, g, h = coefficients
    x, y = points[:, 0], points[:, 1]
    scale = g * x + h * y + 1
    return np.stack([(a * x + b * y + c) / scale, (d * x + e * y + f) / scale], axis=1)


def _area(polygon: np.ndarray) -> float:
    """The area of a simple polygon (N×2 corners in order): the shoelace formula."""
    x, y = polygon[:, 0], polygon[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def _window_buttons(
    draw: ImageDraw.ImageDraw, rng: np.random.Generator, bar: Box, style: str, ink: Color
) -> None:
    """The three buttons of a title bar: macOS's coloured dots on the left or Windows' – □ × on the right."""
    x0, y0, x1, y1 = bar
    h = y1 - y0
    if style == "mac":
        r = max(1.0, 0.22 * h)
        for i, color in enumerate([(237, 106, 94), (245, 191, 79), (98, 197, 84)]):
            cx, cy = x0 + 0.6 * h + i * 2.9 * r, (y0 + y1) / 2
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=color)
        return
    s = max(1.0, 0.28 * h)  # glyph half-size
    cy = (y0 + y1) / 2
    for i in range(3):
        cx = x1 - (i + 0.5) * 1.6 * h
        if i == 0:
            if rng.random() < 0.5:
                _rectangle(draw, (cx - 0.8 * h, y0, cx + 0.8 * h, y1 - 1), fill=(196, 43, 28))
            draw.line((cx - s, cy - s, cx + s, cy + s), fill=ink)
            draw.line((cx - s, cy + s, cx + s, cy - s), fill=ink)
        elif i == 1:
            _rectangle(draw, (cx - s, cy - s, cx + s, cy + s), outline=ink)
        else:
            draw.line((cx - s, cy, cx + s, cy), fill=ink)


# ---------------------------------------------------------------------------------------- contexts
def spreadsheet(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The chart pasted over spreadsheet cells with headers and numbers, maybe a ribbon and a title bar."""
    u, (w, h) = _unit(image), image.size
    cell_h, cell_w = max(4, round(rng.uniform(5, 7.5) * u)), round(rng.uniform(14, 22) * u)
    row_head = round(rng.uniform(6, 9) * u)
    chrome: list[tuple[str, int]] = []  # bands above the sheet, top to bottom
    if rng.random() < 0.6:
        chrome.append(("title", round(rng.uniform(6, 9) * u)))
    if rng.random() < 0.6:
        chrome.append(("ribbon", round(rng.uniform(10, 18) * u)))
    if rng.random() < 0.5:
        chrome.append(("formula", round(rng.uniform(5, 7) * u)))
    # Cells visible around the chart: a column or two left, a few rows above, some right and below.
    left_cells, above_rows = int(rng.integers(0, 3)), int(rng.integers(0, 4))
    x_shift, y_shift = int(rng.integers(0, cell_w // 2 + 1)), int(rng.integers(0, cell_h))
    right, below = round(rng.uniform(0.05, 0.4) * w), round(rng.uniform(0.03, 0.25) * h)
    while True:  # keep the chart dominant: fewer cells around it, then fewer bands above
        x_chart = row_head + left_cells * cell_w + x_shift
        y_chart = sum(height for _, height in chrome) + cell_h + above_rows * cell_h + y_shift
        width, height = x_chart + w + right, y_chart + h + below
        if w * h >= 0.5 * width * height:
            break
        if right > 1 or below > 1:
            right, below = max(1, right // 2), max(1, below // 2)
        elif left_cells or above_rows or x_shift or y_shift:
            left_cells, above_rows, x_shift, y_shift = max(0, left_cells - 1), max(0, above_rows - 1), 0, 0
        elif chrome:
            chrome.pop()
        else:
            break
    paper = _shade(rng, (255, 255, 255), 3)
    canvas = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(canvas)
    grid = _shade(rng, (212, 212, 212), 10)
    header_bg, header_ink = _shade(rng, (238, 238, 238), 6), _shade(rng, (130, 130, 130), 20)
    number_ink = _shade(rng, (110, 110, 110), 25)  # tiny text is gray from afar
    y = 0
    accent = _pick(rng, [(33, 115, 70), (16, 124, 65), (66, 133, 244), (240, 240, 240), (43, 87, 154)])
    for band, band_h in chrome:
        if band == "title":
            bar = _shade(rng, accent if rng.random() < 0.5 else (235, 235, 235), 6)
            _rectangle(draw, (0, y, width, y + band_h - 1), fill=bar)
            ink = (255, 255, 255) if sum(bar) < 400 else (60, 60, 60)
            _title(draw, rng, width * 0.35, y + 0.35 * band_h, width * 0.6, 0.3 * band_h, ink)
            _window_buttons(draw, rng, (0, y, width, y + band_h), _pick(rng, ["mac", "windows"]), ink)
        elif band == "ribbon":  # tabs' names, then groups of small icons (mostly gray) with their captions
            _rectangle(draw, (0, y, width, y + band_h - 1), fill=_shade(rng, (245, 245, 245), 6))
            tab_h = max(1.0, 0.12 * band_h)
            x = 3 * u
            while x < width * 0.7:
                x = (
                    _words(
                        draw,
                        rng,
                        x,
                        y + 0.08 * band_h,
                        x + rng.uniform(4, 8) * u,
                        tab_h,
                        header_ink,
                        word=(4, 8),
                    )
                    + 3 * u
                )
            icon = max(2.0, 0.3 * band_h)
            x, icon_y = 2 * u, y + 0.35 * band_h
            while x + icon < width:
                group = x
                for _ in range(int(rng.integers(2, 5))):
                    color = _pick(
                        rng,
                        [
                            (120, 120, 120),
                            (150, 150, 150),
                            (120, 120, 120),
                            accent,
                            (200, 70, 60),
                            (70, 130, 200),
                        ],
                    )
                    _rectangle(
                        draw,
                        (round(x), round(icon_y), round(x + icon) - 1, round(icon_y + icon) - 1),
                        fill=color,
                    )
                    x += icon + rng.uniform(1.5, 3.5) * u
                _words(
                    draw,
                    rng,
                    group,
                    y + 0.8 * band_h,
                    x,
                    max(1.0, 0.1 * band_h),
                    (160, 160, 160),
                    word=(4, 8),
                )
                draw.line((round(x), y + 2, round(x), y + band_h - 3), fill=grid)
                x += 2 * u
            draw.line((0, y + band_h - 1, width, y + band_h - 1), fill=grid)
        else:  # formula bar: a name box and a long white field
            _rectangle(draw, (0, y, width, y + band_h - 1), fill=(250, 250, 250), outline=grid)
            _rectangle(draw, (1, y + 1, row_head + cell_w, y + band_h - 2), outline=grid)
            _words(
                draw, rng, row_head + cell_w + 4 * u, y + 0.35 * band_h, width * 0.5, 0.3 * band_h, number_ink
            )
        y += band_h
    sheet_top = y
    # Column letters and row numbers.
    _rectangle(draw, (0, sheet_top, width, sheet_top + cell_h - 1), fill=header_bg)
    _rectangle(draw, (0, sheet_top, row_head - 1, height), fill=header_bg)
    text_h = max(1.0, 0.35 * cell_h)
    for x in range(row_head, width, cell_w):
        draw.line((x, sheet_top, x, height), fill=grid)
        cx = x + cell_w / 2
        _rectangle(
            draw,
            (
                round(cx - 0.4 * text_h),
                round(sheet_top + 0.32 * cell_h),
                round(cx + 0.4 * text_h),
                round(sheet_top + 0.32 * cell_h + text_h),
            ),
            fill=header_ink,
        )
    rows = list(range(sheet_top + cell_h, height, cell_h))
    for i, yy in enumerate(rows):
        draw.line((0, yy, width, yy), fill=grid)
        _digits(
            draw, rng, row_head - 1.5 * u, yy + 0.32 * cell_h, text_h, header_ink, 1 + (i + above_rows >= 9)
        )
    # Numbers (as text, right-aligned) in some cells of a few columns: the table the chart was drawn from.
    filled_cols = set(
        rng.choice(np.arange(max(1, (width - row_head) // cell_w + 1)), size=int(rng.integers(1, 4))).tolist()
    )
    n_rows = int(rng.integers(3, len(rows) + 1)) if len(rows) > 3 else len(rows)
    for col in filled_cols:
        x_right = row_head + (col + 1) * cell_w - 1.5 * u
        for yy in rows[:n_rows]:
            if rng.random() < 0.85:
                _digits(draw, rng, x_right, yy + 0.32 * cell_h, text_h, number_ink, int(rng.integers(1, 5)))
    draw.line((row_head - 1, sheet_top, row_head - 1, height), fill=_shade(rng, (180, 180, 180), 10))
    _paste(canvas, image, (x_chart, y_chart), _pick(rng, [None, (160, 160, 160), (120, 120, 120)]))
    return canvas


def slide(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The chart on a presentation slide: a title above, coloured margins or bands, maybe a footer."""
    u, (w, h) = _unit(image), image.size
    side = round(rng.uniform(0.03, 0.14) * w)
    title_h = round(rng.uniform(0.12, 0.22) * h)
    footer_h = round(rng.uniform(0.04, 0.09) * h) if rng.random() < 0.6 else 0
    gap = round(rng.uniform(0.0, 0.04) * h)
    width, height = w + 2 * side, title_h + gap + h + footer_h + round(rng.uniform(0.01, 0.05) * h)
    theme = _pick(rng, ["white", "white", "light", "dark", "band"])
    accent = _pick(
        rng,
        [
            (31, 78, 121),
            (192, 80, 77),
            (79, 129, 189),
            (155, 187, 89),
            (128, 100, 162),
            (247, 150, 70),
            (0, 112, 192),
            (38, 38, 38),
        ],
    )
    accent = _shade(rng, accent, 15)
    background = {
        "white": (255, 255, 255),
        "light": _shade(rng, (238, 240, 244), 10),
        "dark": _shade(rng, (32, 38, 52), 12),
        "band": (255, 255, 255),
    }[theme]
    canvas = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(canvas)
    title_ink = (
        (240, 240, 240)
        if theme == "dark"
        else _shade(rng, accent if rng.random() < 0.5 else (40, 40, 40), 10)
    )
    if theme == "band":  # a coloured title band across the top
        _rectangle(draw, (0, 0, width, title_h - 1), fill=accent)
        title_ink = (255, 255, 255)
    elif rng.random() < 0.5:  # a thin accent rule under the title or a bar at the left edge
        if rng.random() < 0.5:
            _rectangle(draw, (side, title_h - round(1.5 * u), width - side, title_h - 1), fill=accent)
        else:
            _rectangle(draw, (0, 0, round(rng.uniform(1.5, 4) * u), height), fill=accent)
    line_h = max(2.0, rng.uniform(0.25, 0.4) * title_h)
    if rng.random() < 0.4:  # centred title
        span = rng.uniform(0.3, 0.7) * width
        _title(draw, rng, (width - span) / 2, (title_h - line_h) / 2, (width + span) / 2, line_h, title_ink)
    else:
        _title(
            draw,
            rng,
            side + 2 * u,
            (title_h - line_h) / 2,
            side + rng.uniform(0.35, 0.8) * (width - 2 * side),
            line_h,
            title_ink,
        )
    y_chart = title_h + gap
    _paste(canvas, image, (side, y_chart), _pick(rng, [None, None, (190, 190, 190)]))
    if footer_h:
        fy = y_chart + h + (height - y_chart - h - footer_h) // 2
        ink = (200, 200, 200) if theme == "dark" else (130, 130, 130)
        small = max(1.0, 0.35 * footer_h)
        if rng.random() < 0.5:
            draw.line((side, fy, width - side, fy), fill=accent)
        _words(draw, rng, side, fy + 0.35 * footer_h, side + 0.35 * width, small, ink)
        _digits(draw, rng, width - side, fy + 0.35 * footer_h, small, ink, int(rng.integers(1, 3)))
        if rng.random() < 0.4:  # a logo
            _rectangle(
                draw,
                (width // 2 - round(3 * u), fy + 1, width // 2 + round(3 * u), fy + footer_h - 1),
                fill=accent,
            )
    if rng.random() < 0.3:  # a thin frame around the slide (a screenshot of the slide in its editor)
        _rectangle(draw, (0, 0, width - 1, height - 1), outline=(170, 170, 170))
    return canvas


def window(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The chart in an application window: title bar with three buttons, menu, toolbar, scrollbars."""
    return _window(image, rng)[0]


def _window(image: Image.Image, rng: np.random.Generator) -> tuple[Image.Image, tuple[int, int]]:
    """:func:`window`'s picture and the top-left corner of the chart in it."""
    u, (w, h) = _unit(image), image.size
    style = _pick(rng, ["mac", "windows", "windows"])
    dark = rng.random() < 0.25
    title_h = round(rng.uniform(6, 10) * u)
    menu_h = round(rng.uniform(4, 6) * u) if rng.random() < 0.6 else 0
    tool_h = round(rng.uniform(6, 11) * u) if rng.random() < 0.6 else 0
    status_h = round(rng.uniform(4, 6) * u) if rng.random() < 0.4 else 0
    scroll = round(rng.uniform(3, 6) * u) if rng.random() < 0.7 else 0
    hscroll = scroll if scroll and rng.random() < 0.4 else 0
    pad_x, pad_y = round(rng.uniform(0, 0.12) * w), round(rng.uniform(0, 0.1) * h)  # the view's empty room
    border = int(rng.integers(1, 3))
    top = border + title_h + menu_h + tool_h
    width = border * 2 + 2 * pad_x + w + scroll
    height = top + 2 * pad_y + h + hscroll + status_h + border
    while w * h < 0.5 * width * height and (pad_x or pad_y or menu_h or status_h):  # keep the chart dominant
        pad_x, pad_y = pad_x // 2, pad_y // 2
        if not (pad_x or pad_y):
            menu_h = status_h = 0
        top = border + title_h + menu_h + tool_h
        width = border * 2 + 2 * pad_x + w + scroll
        height = top + 2 * pad_y + h + hscroll + status_h + border
    chrome = _shade(rng, (45, 45, 48) if dark else (240, 240, 240), 8)
    view_bg = _pick(rng, [(255, 255, 255), _shade(rng, (128, 128, 128), 40), _shade(rng, (230, 230, 230), 8)])
    ink = (220, 220, 220) if dark else _shade(rng, (50, 50, 50), 15)
    canvas = Image.new("RGB", (width, height), view_bg)
    draw = ImageDraw.Draw(canvas)
    title_bg = _pick(rng, [chrome, chrome, _shade(rng, (0, 120, 215), 20), _shade(rng, (220, 220, 220), 10)])
    title_ink = (255, 255, 255) if sum(title_bg) < 400 else (40, 40, 40)
    _rectangle(draw, (0, 0, width - 1, border + title_h - 1), fill=title_bg)
    _window_buttons(draw, rng, (border, border, width - border, border + title_h), style, title_ink)
    text_h = max(1.0, 0.3 * title_h)
    if style == "mac":
        _title(draw, rng, width * 0.38, border + (title_h - text_h) / 2, width * 0.62, text_h, title_ink)
    else:
        x = border + 2 * u
        if rng.random() < 0.6:  # the program's icon
            _rectangle(
                draw,
                (
                    round(x),
                    border + round(0.25 * title_h),
                    round(x + 0.5 * title_h),
                    border + round(0.75 * title_h),
                ),
                fill=_shade(rng, (60, 130, 200), 40),
            )
            x += 0.5 * title_h + 2 * u
        _title(
            draw,
            rng,
            x,
            border + (title_h - text_h) / 2,
            x + rng.uniform(0.25, 0.45) * width,
            text_h,
            title_ink,
        )
    y = border + title_h
    if menu_h:
        _rectangle(draw, (0, y, width - 1, y + menu_h - 1), fill=chrome)
        x = border + 2 * u
        for _ in range(int(rng.integers(3, 8))):
            x = (
                _words(
                    draw,
                    rng,
                    x,
                    y + 0.3 * menu_h,
                    x + rng.uniform(6, 11) * u,
                    0.35 * menu_h,
                    ink,
                    word=(3, 7),
                )
                + 2.5 * u
            )
        y += menu_h
    if tool_h:
        _rectangle(draw, (0, y, width - 1, y + tool_h - 1), fill=chrome)
        icon, x = 0.55 * tool_h, border + 2 * u
        for _ in range(int(rng.integers(4, 14))):
            if x + icon > width - 2 * u:
                break
            color = _pick(rng, [ink, ink, (70, 130, 200), (220, 150, 40), (80, 160, 80), (200, 70, 60)])
            _rectangle(
                draw,
                (round(x), round(y + 0.22 * tool_h), round(x + icon), round(y + 0.22 * tool_h + icon)),
                fill=color,
            )
            x += icon + rng.uniform(1.5, 4) * u
        draw.line((0, y + tool_h - 1, width, y + tool_h - 1), fill=_shade(rng, (200, 200, 200), 10))
        y += tool_h
    bottom = height - border - status_h
    if scroll:
        x0 = width - border - scroll
        _rectangle(draw, (x0, top, width - border - 1, bottom - 1), fill=_shade(rng, (235, 235, 235), 8))
        thumb0 = top + rng.uniform(0.05, 0.5) * (bottom - top)
        thumb1 = thumb0 + rng.uniform(0.2, 0.45) * (bottom - top)
        _rectangle(
            draw,
            (x0 + 1, round(thumb0), width - border - 2, round(min(thumb1, bottom - 2))),
            fill=_shade(rng, (190, 190, 190), 15),
        )
    if hscroll:
        y0 = bottom - hscroll
        _rectangle(
            draw, (border, y0, width - border - scroll - 1, bottom - 1), fill=_shade(rng, (235, 235, 235), 8)
        )
        t0 = border + rng.uniform(0.05, 0.5) * (width - scroll)
        _rectangle(
            draw,
            (round(t0), y0 + 1, round(t0 + 0.3 * (width - scroll)), bottom - 2),
            fill=_shade(rng, (190, 190, 190), 15),
        )
    if status_h:
        _rectangle(draw, (0, bottom, width - 1, height - 1), fill=chrome)
        _words(draw, rng, border + 2 * u, bottom + 0.3 * status_h, width * 0.4, 0.35 * status_h, ink)
    _paste(canvas, image, (border + pad_x, top + pad_y), None)
    _rectangle(draw, (0, 0, width - 1, height - 1), outline=_shade(rng, (110, 110, 110), 30))
    return canvas, (border + pad_x, top + pad_y)


def photo(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The chart photographed on a screen or paper: perspective, light, glare, moiré, blur, noise, JPEG."""
    u, (w, h) = _unit(image), image.size
    on_screen = rng.random() < 0.65
    source, (x, y) = image, (0, 0)
    if on_screen and rng.random() < 0.35:  # the chart in its program's window, framed close by the camera
        shown, (x, y) = _window(image, rng)
        left, top = x - round(rng.uniform(0, 0.1) * w), y - round(rng.uniform(0, 0.25) * h)
        right, bottom = x + w + round(rng.uniform(0, 0.1) * w), y + h + round(rng.uniform(0, 0.08) * h)
        box = (max(0, left), max(0, top), min(shown.width, right), min(shown.height, bottom))
        source, (x, y) = shown.crop(box), (x - box[0], y - box[1])
    # A margin around the picture: the screen's bezel or the paper's white edge.
    rim = round(rng.uniform(1, 5) * u)
    rim_color = _shade(rng, (25, 25, 28), 15) if on_screen else _shade(rng, (245, 243, 238), 8)
    framed = Image.new("RGB", (source.width + 2 * rim, source.height + 2 * rim), rim_color)
    framed.paste(source, (rim, rim))
    width, height = sw, sh = framed.size
    # The output has the framed chart's size; its corners land on a jittered, tilted quadrilateral inside,
    # less jittered where the chart would cover less than half the photo.
    source_corners = np.array([[0, 0], [sw, 0], [sw, sh], [0, sh]], float)
    chart_corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], float) + np.array([x + rim, y + rim])
    inset = (
        rng.uniform(0.0, 0.08, size=(4, 2)) * (width, height) * np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]])
    )
    angle = np.deg2rad(rng.uniform(-5, 5))
    for _ in range(4):
        target = source_corners + inset
        centre = target.mean(axis=0)
        rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        target = (target - centre) @ rotation.T + centre
        if _area(_project(_perspective_coefficients(source_corners, target), chart_corners)) >= 0.5 * sw * sh:
            break
        inset, angle = inset / 2, angle / 2
    background = _pick(rng, [(30, 30, 32), (80, 70, 60), (150, 130, 110), (200, 200, 205), (60, 60, 70)])
    background = _shade(rng, background, 20)
    warped = framed.transform(
        (width, height),
        Image.Transform.PERSPECTIVE,
        _perspective_coefficients(target, source_corners),
        Image.Resampling.BILINEAR,
        fillcolor=background,
    )
    pixels = np.asarray(warped, dtype=np.float32)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    xn, yn = xx / width - 0.5, yy / height - 0.5
    # Light: a colour cast, an uneven gain (a gradient and a vignette), a glare blob.
    gain = rng.uniform(0.8, 1.05) + rng.uniform(-0.25, 0.25) * xn + rng.uniform(-0.25, 0.25) * yn
    gain = gain - rng.uniform(0.0, 0.5) * (xn**2 + yn**2)
    cast = rng.uniform(0.9, 1.08, 3).astype(np.float32)
    pixels = pixels * gain[..., None] * cast
    if rng.random() < 0.5:
        gx, gy, radius = rng.uniform(-0.4, 0.4), rng.uniform(-0.4, 0.4), rng.uniform(0.08, 0.3)
        pixels += (
            rng.uniform(40, 140) * np.exp(-((xn - gx) ** 2 + (yn - gy) ** 2) / (2 * radius**2))[..., None]
        )
    if on_screen and rng.random() < 0.5:  # moiré: the camera's pixels beating against the screen's
        period, theta = rng.uniform(2.2, 6.0) * max(1.0, u * 0.5), rng.uniform(0, np.pi)
        phase = (np.cos(theta) * xx + np.sin(theta) * yy) * (2 * np.pi / period)
        offsets = np.array([0.0, 2.1, 4.2], np.float32) * rng.uniform(0.0, 1.0)
        pixels += rng.uniform(5, 18) * np.sin(phase[..., None] + offsets)
    pixels += rng.standard_normal(pixels.shape, dtype=np.float32) * rng.uniform(1.5, 7)
    result = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    result = result.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 0.9) * max(1.0, u)))
    return _jpeg(result, int(rng.integers(35, 85)))


def scan(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The chart on a scanned book page: paper tint, faded ink, text lines around, speckle, tilt, JPEG."""
    u, (w, h) = _unit(image), image.size
    paper = np.array(
        _shade(rng, _pick(rng, [(246, 244, 236), (240, 234, 215), (250, 250, 248), (232, 228, 220)]), 6),
        np.float32,
    )
    chart = np.asarray(image, dtype=np.float32)
    if rng.random() < 0.5:  # a black-and-white book
        chart = np.repeat(chart @ np.array([0.299, 0.587, 0.114], np.float32), 3).reshape(chart.shape)
    fade = rng.uniform(0.7, 1.0)  # ink darkness, and white paper takes the page's tint
    chart = paper - (paper - chart * (paper / 255)) * fade
    # The page: margins, a caption below, maybe a column of text beside or lines above.
    margin = round(rng.uniform(2, 8) * u)
    line_h = max(1.0, rng.uniform(1.0, 2.2) * u)
    caption_lines = int(rng.integers(1, 4))
    below = round(caption_lines * 2.2 * line_h + rng.uniform(2, 6) * u)
    above = round(int(rng.integers(0, 4)) * 2.2 * line_h) if rng.random() < 0.5 else 0
    beside = round(rng.uniform(0.15, 0.35) * w) if rng.random() < 0.35 else 0
    width, height = w + 2 * margin + beside, h + margin * 2 + below + above
    while w * h < 0.5 * width * height and (beside or above):  # keep the chart dominant
        beside, above = beside // 2, above // 2
        width, height = w + 2 * margin + beside, h + margin * 2 + below + above
    page = np.empty((height, width, 3), np.float32)
    page[:] = paper
    x_chart = margin + (beside if rng.random() < 0.5 else 0)
    y_chart = margin + above
    page[y_chart : y_chart + h, x_chart : x_chart + w] = chart
    canvas = Image.fromarray(page.astype(np.uint8))
    draw = ImageDraw.Draw(canvas)
    # Small print seen from afar is gray, not black: the strokes of a line of letters and the gaps between.
    ink = tuple(int(c) for c in paper * (1 - fade * rng.uniform(0.45, 0.8)))
    _text_block(
        draw,
        rng,
        (x_chart, y_chart + h + round(2.5 * u), x_chart + w, height - margin),
        line_h,
        ink,
        spacing=2.2,
    )
    if above:
        _text_block(
            draw,
            rng,
            (margin, margin, width - margin, y_chart - round(1 * u)),
            line_h,
            ink,
            spacing=2.2,
            ragged=False,
        )
    if beside:
        x0 = margin if x_chart > margin else x_chart + w + round(3 * u)
        _text_block(
            draw,
            rng,
            (x0, margin, x0 + beside - round(3 * u), height - margin),
            line_h,
            ink,
            spacing=2.2,
            ragged=False,
        )
    # Tilt on the scanner's glass, then paper grain, specks and a shadow at the spine.
    canvas = canvas.rotate(
        rng.uniform(-2.5, 2.5), Image.Resampling.BILINEAR, fillcolor=tuple(int(c) for c in paper)
    )
    pixels = np.asarray(canvas, dtype=np.float32)
    pixels += rng.standard_normal((height, width, 1), dtype=np.float32) * rng.uniform(2, 7)
    specks = rng.random((height, width)) < rng.uniform(0.0005, 0.004)
    pixels[specks] *= rng.uniform(0.2, 0.6)
    if rng.random() < 0.4:
        edge = np.linspace(1, 0, width, dtype=np.float32) ** rng.uniform(6, 20)
        pixels *= 1 - rng.uniform(0.3, 0.7) * (edge if rng.random() < 0.5 else edge[::-1])[None, :, None]
    result = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if rng.random() < 0.6:
        result = result.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7) * max(1.0, u)))
    return _jpeg(result, int(rng.integers(40, 85)))


def sketch(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A hand-drawn feel: the chart's strokes wobbled by a smooth random field, in pencil, on paper."""
    u, (w, h) = _unit(image), image.size
    pixels = np.asarray(image, dtype=np.float32)
    # Wobble: displace every pixel by a smooth random field (a few pixels), once or twice (a double stroke).
    yy, xx = np.mgrid[0:h, 0:w]
    amplitude = rng.uniform(1.0, 3.0) * u
    ink = np.zeros((h, w), np.float32)
    luminance = pixels @ np.array([0.299, 0.587, 0.114], np.float32)
    paper_lum = float(
        np.median(np.concatenate([luminance[0], luminance[-1], luminance[:, 0], luminance[:, -1]]))
    )
    darkness = np.abs(paper_lum - luminance) / 255  # ink against the chart's paper, dark themes included
    color = pixels
    # Strokes at full strength: the chart's darkest marks become the pencil's darkest.
    darkness = np.clip(darkness / max(0.25, float(np.percentile(darkness, 99.5))), 0, 1)
    jitter = rng.uniform(0.3, 1.0) * u
    for _ in range(1 if rng.random() < 0.5 else 2):
        cells = int(rng.integers(3, 6))
        dx = _smooth_field(rng, (w, h), cells, -amplitude, amplitude) + _smooth_field(
            rng, (w, h), 12, -jitter, jitter
        )
        dy = _smooth_field(rng, (w, h), cells, -amplitude, amplitude) + _smooth_field(
            rng, (w, h), 12, -jitter, jitter
        )
        sx = np.clip(np.rint(xx + dx), 0, w - 1).astype(np.intp)
        sy = np.clip(np.rint(yy + dy), 0, h - 1).astype(np.intp)
        ink = np.maximum(ink, darkness[sy, sx])
        color = pixels[sy, sx]
    # Fills drawn lighter than lines (shading), strokes near full strength.
    strength = rng.uniform(0.75, 1.0)
    alpha = np.clip(ink * rng.uniform(1.0, 1.3), 0, 1) ** rng.uniform(0.8, 1.5) * strength
    paper = np.array(
        _shade(rng, _pick(rng, [(250, 250, 246), (245, 242, 232), (255, 255, 255)]), 5), np.float32
    )
    if rng.random() < 0.6:  # graphite
        pencil = np.array(
            _shade(rng, _pick(rng, [(60, 60, 64), (90, 90, 95), (30, 30, 40), (25, 40, 110)]), 10), np.float32
        )
        stroke = np.broadcast_to(pencil, pixels.shape)
    else:  # coloured pencils or markers: the chart's own colours, slightly washed out
        gray = (color @ np.array([0.299, 0.587, 0.114], np.float32))[..., None]
        stroke = gray + (color - gray) * rng.uniform(0.5, 1.0)
        stroke = np.where(ink[..., None] > 0.9, stroke * 0.6, stroke)
    page = np.broadcast_to(paper, pixels.shape).copy()
    if rng.random() < 0.4:  # ruled or squared paper
        step = max(3, round(rng.uniform(6, 12) * u))
        rule = np.array(_pick(rng, [(170, 190, 230), (200, 200, 200), (150, 200, 170)]), np.float32)
        page[int(rng.integers(0, step)) :: step] = rule
        if rng.random() < 0.5:
            page[:, int(rng.integers(0, step)) :: step] = rule
    grain = _smooth_field(rng, (w, h), max(4, w // 4), -1, 1) * rng.uniform(3, 10)
    page = page + grain[..., None]
    out = page * (1 - alpha[..., None]) + stroke * alpha[..., None]
    out += rng.standard_normal((h, w, 1), dtype=np.float32) * rng.uniform(1, 5)
    result = Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))
    return result.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 0.6) * max(1.0, u)))


CONTEXTS: dict[str, Callable[[Image.Image, np.random.Generator], Image.Image]] = {
    "spreadsheet": spreadsheet,
    "slide": slide,
    "window": window,
    "photo": photo,
    "scan": scan,
    "sketch": sketch,
}


def place_in_context(image: Image.Image, name: str, rng: np.random.Generator) -> Image.Image:
    """The chart ``image`` in context ``name`` (a key of :data:`CONTEXTS` or ``"none"``): a new RGB image."""
    if name == "none":
        return image.convert("RGB")
    if name not in CONTEXTS:
        raise ValueError(f"unknown context {name!r}: choose one of {', '.join(['none', *CONTEXTS])}")
    return CONTEXTS[name](image.convert("RGB"), rng)


def sample_context(rng: np.random.Generator, p_none: float = 0.7) -> str:
    """``"none"`` with probability ``p_none``, otherwise one of :data:`CONTEXTS`, all equally likely."""
    if not 0 <= p_none <= 1:
        raise ValueError(f"p_none must be a probability in [0, 1], not {p_none}")
    if rng.random() < p_none:
        return "none"
    return list(CONTEXTS)[int(rng.integers(len(CONTEXTS)))]
