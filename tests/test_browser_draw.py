"""Draw a digit in notebook 02, in a real browser: the canvas, the models' readings, the Clear button.

Notebook 02 runs (*Run All*) in JupyterLab under headless Chromium, offline; then strokes are drawn on
its drawing canvas with the mouse (``page.mouse``: down, moves, up, as a learner's hand), and the
prediction the notebook displays must follow: a vertical stroke is a 1, a bar and a diagonal a 7.
The Clear button must empty the canvas and the readings. Screenshots go to
``test-artifacts/screenshots/draw_*.png``. JupyterLab, Chromium and their settings are those of
``test_browser.py`` (the fixtures ``browser``, ``context`` and ``lab`` of ``conftest.py``).
"""

from __future__ import annotations

import time

import pytest
from helpers import (
    CLOSE_ALL,
    NOTEBOOK_DIR,
    assert_no_error_dialog,
    open_lab,
    screenshot,
    screenshot_on_failure,
)

pytestmark = [pytest.mark.browser, pytest.mark.after_notebooks]

NOTEBOOK = NOTEBOOK_DIR / "02_image_preparation.ipynb"
RUN_ALL_TIMEOUT_MS = 420_000  # the whole notebook, on a busy 2-core machine
ONE = [[(140, 40), (140, 240)]]  # canvas pixels (the canvas is 280×280)
SEVEN = [[(70, 60), (210, 60), (120, 240)]]

#: JavaScript: open a notebook, wait for its kernel, start Run All (without waiting for it).
OPEN_AND_RUN_ALL = """async (path) => {
    const app = window.jupyterapp;
    const panel = await app.commands.execute('docmanager:open', {path});
    await panel.context.ready;
    await panel.sessionContext.ready;
    app.commands.execute('notebook:run-all-cells');
}"""

#: JavaScript: whether every code cell of the open notebook has run and its kernel is idle.
ALL_CELLS_RUN = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.content || !panel.sessionContext.session) return false;
    const kernel = panel.sessionContext.session.kernel;
    const cells = panel.content.widgets.filter((cell) => cell.model.type === 'code');
    for (const cell of cells) {  // Run All stops at an error: say which cell, do not wait for the timeout
        const error = cell.model.outputs.toJSON().find((output) => output.output_type === 'error');
        if (error) throw new Error(`a cell failed: ${error.ename}: ${error.evalue}`);
    }
    const ran = (cell) => cell.model.sharedModel.source.trim() === '' || cell.model.executionCount !== null;
    return kernel && kernel.status === 'idle' && cells.every(ran);
}"""

#: JavaScript: whether every pixel of a canvas is white.
CANVAS_IS_BLANK = """(canvas) => canvas.getContext('2d')
    .getImageData(0, 0, canvas.width, canvas.height).data.every((value) => value === 255)"""


@pytest.fixture(scope="module")
def notebook_page(context, lab):
    """Notebook 02 opened in JupyterLab and run to the end (Run All); the page, at its drawing canvas."""
    from playwright.sync_api import expect

    stored, blocked = NOTEBOOK.read_bytes(), len(context.blocked)
    page = context.new_page()
    try:
        open_lab(page, lab)
        with screenshot_on_failure(page, "draw_run_all"):
            page.evaluate(OPEN_AND_RUN_ALL, NOTEBOOK.name)
            page.wait_for_function(ALL_CELLS_RUN, timeout=RUN_ALL_TIMEOUT_MS, polling=1000)
            assert_no_error_dialog(page)
            # The prepared drawing (a 7) is on the canvas, and the models' readings beside it.
            expect(canvas(page)).to_be_visible()
            expect(prediction(page, "CNN")).to_have_attribute("data-prediction", "7")
        yield page
    finally:
        page.evaluate(CLOSE_ALL)
        page.close()
        lab.shutdown_kernels()
    assert NOTEBOOK.read_bytes() == stored, "running the notebook in JupyterLab changed the file"
    # The widgets' JavaScript is inline: nothing was fetched from another host (a CDN, say).
    assert context.blocked[blocked:] == [], f"requests to other hosts: {context.blocked[blocked:]}"


def canvas(page):
    """The drawing canvas of notebook 02 (its first, the live one)."""
    return page.locator(".dvdl-draw-canvas").first


def prediction(page, model: str):
    """The predicted class the panel shows for ``model`` (its text reads like ``7 (98 %)``)."""
    return page.locator(f'.dvdl-reading[data-title="{model}"] .dvdl-prediction').first


def clear(page) -> None:
    """Press the canvas' Clear button; wait until the canvas is white and the readings are gone."""
    from playwright.sync_api import expect

    page.locator(".dvdl-draw-clear").first.click()
    expect(page.locator(".dvdl-readings .dvdl-empty").first).to_be_visible()
    expect(page.locator(".dvdl-readings .dvdl-reading")).to_have_count(0)
    assert canvas(page).evaluate(CANVAS_IS_BLANK), "the canvas still shows ink after Clear"


def draw_strokes(page, strokes) -> None:
    """Draw ``strokes`` (canvas pixels) with the mouse: press, move in small steps, release."""
    element = canvas(page)
    element.evaluate("node => node.scrollIntoView({block: 'center'})")  # readings in view too
    box = element.bounding_box()
    size = int(element.get_attribute("width"))

    def to_page(x: float, y: float) -> tuple[float, float]:
        return box["x"] + x * box["width"] / size, box["y"] + y * box["height"] / size

    for stroke in strokes:
        page.mouse.move(*to_page(*stroke[0]))
        page.mouse.down()
        for point in stroke[1:]:
            page.mouse.move(*to_page(*point), steps=12)
        page.mouse.up()


def draw_and_read(page, strokes, expected: str, name: str) -> float:
    """Clear, draw ``strokes``, wait until the CNN's displayed prediction is ``expected``; screenshot."""
    from playwright.sync_api import expect

    with screenshot_on_failure(page, name):
        clear(page)
        start = time.perf_counter()
        draw_strokes(page, strokes)
        expect(prediction(page, "CNN")).to_have_attribute("data-prediction", expected)
        seconds = time.perf_counter() - start
        expect(page.locator(".dvdl-reading")).to_have_count(2)  # softmax regression and the CNN
        expect(page.locator(".dvdl-readings .dvdl-status").first).to_contain_text("updated in")
        assert not canvas(page).evaluate(CANVAS_IS_BLANK), "the strokes are not on the canvas"
        assert_no_error_dialog(page)
        screenshot(page, name)
    return seconds


def test_draw_a_vertical_stroke_and_the_notebook_reads_a_one(notebook_page):
    seconds = draw_and_read(notebook_page, ONE, "1", "draw_one")
    print(f"first mouse press to the CNN's '1' shown, Playwright's mouse moves included: {seconds:.2f} s")


def test_draw_a_seven_and_the_notebook_reads_a_seven(notebook_page):
    seconds = draw_and_read(notebook_page, SEVEN, "7", "draw_seven")
    print(f"first mouse press to the CNN's '7' shown, Playwright's mouse moves included: {seconds:.2f} s")


def test_draw_then_clear_empties_the_canvas_and_the_readings(notebook_page):
    from playwright.sync_api import expect

    draw_and_read(notebook_page, ONE, "1", "draw_before_clear")
    with screenshot_on_failure(notebook_page, "draw_cleared"):
        clear(notebook_page)
        expect(notebook_page.locator(".dvdl-readings .dvdl-empty").first).to_contain_text("Draw a digit")
        screenshot(notebook_page, "draw_cleared")
