"""charts.panel: a dark chart on a light page, a chart over sheet cells: cropped to; the rest left alone."""

import numpy as np
import pytest
from PIL import Image

from dvdl_helpers.charts import panel, real

LIGHT, DARK_PAPER, GRID, INK = 245, 20, 80, 230


def _page_with_panel(box=(40, 140, 60, 200), size=(180, 260)) -> np.ndarray:
    """A light page (a sheet's cells) holding a dark chart panel with light marks and gray grid lines."""
    page = np.full(size, LIGHT, np.uint8)
    page[::12, :] = page[:, ::40] = 200  # the sheet's light grid
    top, bottom, left, right = box
    page[top:bottom, left:right] = DARK_PAPER
    page[top + 10 : bottom - 10 : 15, left + 10 : right - 10] = GRID
    for x in range(left + 15, right - 15, 12):  # bars drawn in light ink
        page[top + 30 + (x % 37) : bottom - 12, x : x + 6] = INK
    return page


def test_the_dark_panel_of_a_light_page_is_found():
    assert panel.dark_panel(_page_with_panel()) == (40, 140, 60, 200)


@pytest.mark.parametrize(
    "name",
    ["light chart", "dark picture", "solid dark bar", "dark pie", "title band", "dark area under a curve"],
)
def test_what_is_not_a_dark_panel_is_left_alone(name):
    page = np.full((180, 260), LIGHT, np.uint8)
    rows, cols = np.mgrid[:180, :260]
    if name == "light chart":
        page[100:160, 40:60] = page[60:160, 100:120] = 60  # dark bars on white
    elif name == "dark picture":
        page = 255 - _page_with_panel()  # a dark theme's border: the preparation inverts it
    elif name == "solid dark bar":
        page[30:160, 80:180] = DARK_PAPER  # one flat shape, nothing inside
    elif name == "dark pie":
        page[(rows - 90) ** 2 + (cols - 130) ** 2 < 70**2] = 40
        page[(rows - 90) ** 2 + (cols - 130) ** 2 < 40**2] = 90
    elif name == "title band":
        page[:30, :] = DARK_PAPER
        page[10:20, 20:120] = INK  # the title's text
    else:  # an area filled dark under a wavy line
        page[rows > 100 - 30 * np.sin(cols / 20)] = DARK_PAPER
        page[150:155, :] = INK
    assert panel.dark_panel(page) is None, name


def test_a_picture_is_cropped_to_its_panel_at_full_size():
    small = Image.fromarray(_page_with_panel())
    big = small.resize((small.width * 4, small.height * 4), Image.Resampling.NEAREST)  # looked for shrunk
    cropped = real._crop_to_dark_panel(big, size=64)
    assert cropped.size == (140 * 4, 100 * 4)
    assert np.asarray(cropped)[0, 0] == DARK_PAPER, "the crop starts at the panel's corner"
    light = Image.fromarray(np.full((100, 100), LIGHT, np.uint8))
    assert real._crop_to_dark_panel(light, size=64) is light, "no panel: the picture itself"


def test_classify_prepares_a_picture_with_no_dark_panel_exactly_as_before(tmp_path):
    file = tmp_path / "chart.png"
    page = np.full((120, 200), LIGHT, np.uint8)
    page[60:110, 30:60] = page[30:110, 90:120] = 60
    Image.fromarray(page).save(file)
    assert np.array_equal(real.prepare_to_classify(file, 64), real.prepare_chart(file, 64))


def test_classify_reads_a_dark_panel_as_the_chart_alone(tmp_path):
    file, alone = tmp_path / "screenshot.png", tmp_path / "alone.png"
    page = _page_with_panel()
    Image.fromarray(page).save(file)
    Image.fromarray(page[40:140, 60:200]).save(alone)
    assert np.array_equal(real.prepare_to_classify(file, 64), real.prepare_chart(alone, 64))


PAPER, SHEET_LINE, MARK = 255, 200, 60


def _sheet_with_chart(box=(62, 222, 120, 360), size=(300, 420)) -> np.ndarray:
    """A sheet's cells (thin gray lines every 16 and 70 pixels), a white chart pasted over some of them."""
    page = np.full(size, PAPER, np.uint8)
    page[6::16, :] = page[:, 10::70] = SHEET_LINE
    page[9::16, 20:60] = page[9::16, 90:120] = 120  # numbers in the cells
    top, bottom, left, right = box
    page[top:bottom, left:right] = PAPER
    page[bottom - 20, left + 20 : right - 10] = page[top + 20 : bottom - 20, left + 20] = MARK  # the axes
    for x in range(left + 30, right - 20, 25):  # the bars
        page[top + 40 + (x % 50) : bottom - 20, x : x + 12] = MARK
    return page


def test_a_chart_pasted_over_a_sheet_is_found():
    top, bottom, left, right = panel.sheet_chart(_sheet_with_chart())
    assert abs(left - 120) <= 1 and abs(right - 360) <= 1, (left, right)
    assert abs(top - 62) <= 3 and abs(bottom - 222) <= 3, (top, bottom)


def test_a_chart_is_found_when_grid_lines_run_along_the_picture_s_edges():
    page = _sheet_with_chart()[6:, 10:]  # cut at a cell boundary: the top row and left column are grid lines
    top, bottom, left, right = panel.sheet_chart(page)
    assert abs(left - 110) <= 1 and abs(right - 350) <= 1 and abs(top - 56) <= 3 and abs(bottom - 216) <= 3


def test_a_chart_whose_area_fills_most_of_its_box_is_found():
    page = _sheet_with_chart()
    page[62 + 12 : 222 - 12, 120 + 12 : 360 - 12] = MARK  # an area over most of the chart: margins stay paper
    top, bottom, left, right = panel.sheet_chart(page)
    assert abs(left - 120) <= 1 and abs(right - 360) <= 1 and abs(top - 62) <= 3 and abs(bottom - 222) <= 3


@pytest.mark.parametrize(
    "name", ["sheet alone", "chart with grid lines", "bars over full-width lines", "dark"]
)
def test_what_is_not_a_chart_over_a_sheet_is_left_alone(name):
    page = _sheet_with_chart()
    if name == "sheet alone":
        page = _sheet_with_chart(box=(0, 0, 0, 0))
    elif name == "chart with grid lines":  # its own lines stop short of the picture's edges
        page = np.full((300, 420), PAPER, np.uint8)
        page[40:260:16, 50:380] = SHEET_LINE
        page[120:260, 100:140] = page[80:260, 200:240] = MARK
    elif name == "bars over edge-to-edge lines":  # lines edge to edge, hidden behind filled bars
        page = np.full((300, 420), PAPER, np.uint8)
        page[6::16, :] = SHEET_LINE
        page[60:280, 60:200] = page[100:280, 240:380] = MARK
    else:
        page = 255 - page
    assert panel.sheet_chart(page) is None, name


def test_a_large_screenshot_is_cropped_to_the_chart_at_full_size():
    small = Image.fromarray(_sheet_with_chart())
    big = small.resize((small.width * 6, small.height * 6), Image.Resampling.NEAREST)  # over SHEET_SIDE
    cropped = real._crop_to_sheet_chart(big)
    assert abs(cropped.width - 240 * 6) <= 12 and abs(cropped.height - 160 * 6) <= 24, cropped.size
    plain = Image.fromarray(np.full((100, 100), PAPER, np.uint8))
    assert real._crop_to_sheet_chart(plain) is plain, "no sheet: the picture itself"


def test_classify_reads_a_chart_over_a_sheet_as_the_chart_alone(tmp_path):
    file, alone = tmp_path / "screenshot.png", tmp_path / "alone.png"
    page = _sheet_with_chart()
    Image.fromarray(page).save(file)
    top, bottom, left, right = panel.sheet_chart(page)
    Image.fromarray(page[top:bottom, left:right]).save(alone)
    assert np.array_equal(real.prepare_to_classify(file, 64), real.prepare_chart(alone, 64))


def test_each_crop_can_be_turned_off():
    sheet = Image.fromarray(_sheet_with_chart())
    assert real.crop_to_chart(sheet, sheet=False) is sheet, "a light sheet has no dark panel"
    assert real.crop_to_chart(sheet, dark=False).size == real.crop_to_chart(sheet).size != sheet.size
    dark = Image.fromarray(_page_with_panel())
    assert real.crop_to_chart(dark, dark=False) is dark and real.crop_to_chart(dark).size == (140, 100)


@pytest.mark.parametrize("shape", [(1, 1), (2, 2), (10, 5000), (5000, 3), (15, 400)])
def test_a_tiny_or_thin_picture_is_read_whole(tmp_path, shape):
    """Too small for a sheet's cells: no crop (a sheet crop that looked 2 px in failed on these)."""
    levels = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    assert panel.sheet_chart(levels) is None and panel.dark_panel(levels) is None
    file = tmp_path / "thin.png"
    Image.fromarray(levels).save(file)
    assert real.prepare_to_classify(file, 64).shape == (64, 64)


@pytest.mark.parametrize("scale", [0.5, 0.4])
def test_a_shrunk_screenshot_s_chart_is_found_at_twice_its_size(scale):
    """Shrunk, the sheet's rows are under 8 px apart and its lines fade: the first search finds nothing."""
    page = Image.fromarray(_sheet_with_chart(size=(300, 840), box=(62, 222, 240, 720)))
    small = np.asarray(page.resize((round(840 * scale), round(300 * scale)), Image.Resampling.LANCZOS))
    assert panel._sheet_chart(small) is None, "the third version's search alone"
    top, bottom, left, right = panel.sheet_chart(small)
    assert abs(left - 240 * scale) <= 2 and abs(right - 720 * scale) <= 2, (left, right)
    assert abs(top - 62 * scale) <= 4 and abs(bottom - 222 * scale) <= 4, (top, bottom)


def test_a_shrunk_sheet_alone_is_left_alone():
    page = Image.fromarray(_sheet_with_chart(box=(0, 0, 0, 0), size=(300, 840)))
    assert panel.sheet_chart(np.asarray(page.resize((420, 150), Image.Resampling.LANCZOS))) is None
