"""Draw a digit in notebook 02, and choose a chart for notebook 05's reader, in a real browser.

Notebook 02 runs (*Run All*) in JupyterLab under headless Chromium, offline; then strokes are drawn on
its drawing canvas with the mouse (``page.mouse``: down, moves, up, as a learner's hand), and the
prediction the notebook displays must follow: a vertical stroke is a 1, a bar and a diagonal a 7.
The Clear button must empty the canvas and the readings.

Notebook 05's ``draw.PictureReader`` (an upload button, a path box, a Read button, the readings panel)
runs in a small throwaway notebook (notebook 05 itself trains a model first: too slow here) whose ``read``
is notebook 05's ``read_chart``, taken from the committed notebook: the shipped chart classifier and its
Grad-CAM. A gallery bar chart's path typed and Enter pressed shows ``bar``; a file that is not a picture
gets the one-line message and the panel keeps its chart; a chart uploaded through Chromium's file chooser
is read, and the path and the upload can be used again after each other; a chart saved anew under the same
name is read again with the Read button.

Screenshots go to ``test-artifacts/screenshots/draw_*.png`` and ``reader_*.png``. JupyterLab, Chromium
and their settings are those of ``test_browser.py`` (the fixtures ``browser``, ``context`` and ``lab``
of ``conftest.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from helpers import (
    CLOSE_ALL,
    NOTEBOOK_DIR,
    assert_no_error_dialog,
    open_lab,
    screenshot,
    screenshot_on_failure,
    wait_for,
)

from dvdl_helpers import charts, paths

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


# --- notebook 05's PictureReader: a chart you choose ---

READER_RUN_TIMEOUT_MS = 240_000  # TensorFlow's import and the shipped model's load, on a busy machine
BAR_CHART = charts.REAL_CHARTS_DIR / "bar" / "bar_filter_calc.png"  # notebook 05's stand-in: read as bar
HBAR_CHART = charts.REAL_CHARTS_DIR / "hbar" / "bar_grouped_horizontal.png"  # read as hbar
NOT_A_PICTURE = paths.REPO_ROOT / "README.md"
#: JavaScript: whether an element shows all its text (no "..." where it is cut).
LABEL_FITS = "(element) => element.scrollWidth <= element.clientWidth"


def notebook_05_read_chart() -> str:
    """Notebook 05's ``read_chart`` cell, as committed: the reader runs what the course runs."""
    notebook = json.loads((NOTEBOOK_DIR / "05_charts_classifier.ipynb").read_text())
    sources = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    [cell] = [source for source in sources if source.startswith("def read_chart(")]
    return cell


#: The throwaway notebook's cells: notebook 05's shipped model, its ``read_chart``, a PictureReader.
READER_CELLS = [
    """from dvdl_helpers import env

env.quiet_tensorflow()
import keras

from dvdl_helpers import charts, draw, explain

SIZE = charts.INPUT_SIZE
class_names = sorted(charts.CHART_TYPES)
shipped_model = keras.models.load_model(charts.shipped.model_path(), compile=False)
card = charts.shipped.facts()
temperature, threshold = card["temperature"], card["threshold"]""",
    notebook_05_read_chart(),
    """reader = draw.PictureReader(read_chart)
reader""",
]


def reader_notebook(folder: Path) -> Path:
    """Write the throwaway notebook (no outputs) into ``folder``; return its path."""
    cells = [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": f"cell{index}",
            "metadata": {},
            "outputs": [],
            "source": source,
        }
        for index, source in enumerate(READER_CELLS)
    ]
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = folder / "chart_reader.ipynb"
    path.write_text(json.dumps(notebook, indent=1))
    return path


@pytest.fixture(scope="module")
def reader_page(context, lab):
    """The throwaway PictureReader notebook run in JupyterLab; the page and the notebook's folder.

    JupyterLab serves ``notebooks/`` only, so the notebook lives in a temporary folder there (removed
    afterwards); paths typed in its path box are relative to that folder, as in notebook 05.
    """
    folder = Path(tempfile.mkdtemp(prefix="tmp-reader-", dir=NOTEBOOK_DIR))  # not hidden: JupyterLab opens it
    blocked = len(context.blocked)
    try:
        with opened_page(context, lab) as page:
            run_reader_notebook(page, reader_notebook(folder))
            yield page, folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert context.blocked[blocked:] == [], f"requests to other hosts: {context.blocked[blocked:]}"


@contextlib.contextmanager
def opened_page(context, lab):
    """A page with JupyterLab open in a workspace of its own (notebook 02's page may be open too)."""
    page = context.new_page()
    try:
        open_lab(page, lab, workspace="chart-reader")
        yield page
    finally:
        with contextlib.suppress(Exception):  # a failure here must not hide the test's own
            page.evaluate(CLOSE_ALL)
        page.close()
        lab.shutdown_kernels()


def run_reader_notebook(page, notebook: Path) -> None:
    """Open ``notebook`` and run it (Run All); wait until every cell ran and the reader shows."""
    from playwright.sync_api import expect

    with screenshot_on_failure(page, "reader_run_all"):
        page.evaluate(OPEN_AND_RUN_ALL, notebook.relative_to(NOTEBOOK_DIR).as_posix())
        page.wait_for_function(ALL_CELLS_RUN, timeout=READER_RUN_TIMEOUT_MS, polling=1000)
        assert_no_error_dialog(page)
        expect(upload_button(page)).to_be_visible()
        expect(page.locator(".dvdl-readings .dvdl-empty").first).to_contain_text("Upload a picture")


def upload_button(page):
    """The reader's upload button (ipywidgets' FileUpload: a button that opens the file chooser)."""
    return page.locator(".widget-upload").first


def reader_status(page):
    """The line under the reader's readings (what was read, or why a file cannot be)."""
    return page.locator(".dvdl-readings .dvdl-status").first


def reader_prediction(page):
    """The shipped classifier's prediction as the panel shows it."""
    return prediction(page, "shipped classifier")


def path_box(page):
    """The reader's path box (ipywidgets' Text: an <input>)."""
    return page.locator(".widget-text input").first


def type_path(page, folder: Path, file: Path) -> str:
    """Type ``file``'s path (relative to the notebook's folder, as a learner would) and press Enter."""
    typed = os.path.relpath(file, folder)
    box = path_box(page)
    box.click()
    box.fill("")
    box.press_sequentially(typed)
    box.press("Enter")
    return typed


def upload(page, file: Path) -> None:
    """Click the upload button and choose ``file`` in Chromium's file chooser."""
    with page.expect_file_chooser() as chooser:
        upload_button(page).click()
    chooser.value.set_files(str(file))


def expect_chart_read(page, file: Path, kind: str) -> None:
    """Wait until the panel shows ``file`` read as ``kind``, with its Grad-CAM picture."""
    from playwright.sync_api import expect

    expect(reader_status(page)).to_contain_text(f"{file.name}: read in")
    expect(reader_prediction(page)).to_have_attribute("data-prediction", kind)
    expect(page.locator(".dvdl-readings .dvdl-reading")).to_have_count(1)
    picture = page.locator(".dvdl-readings .dvdl-picture").first
    expect(picture).to_have_attribute("alt", f"Grad-CAM (relu3) of {kind}")
    wait_for(lambda: picture.evaluate("img => img.complete && img.naturalWidth > 0"), 30, "Grad-CAM shown")


def test_reader_reads_a_typed_path_when_enter_is_pressed(reader_page):
    page, folder = reader_page
    with screenshot_on_failure(page, "reader_path"):
        type_path(page, folder, BAR_CHART)
        expect_chart_read(page, BAR_CHART, "bar")
        assert_no_error_dialog(page)
        screenshot(page, "reader_path")


def test_reader_names_a_file_that_is_not_a_picture_and_keeps_its_chart(reader_page):
    from playwright.sync_api import expect

    page, folder = reader_page
    with screenshot_on_failure(page, "reader_not_a_picture"):
        type_path(page, folder, BAR_CHART)
        expect_chart_read(page, BAR_CHART, "bar")
        typed = type_path(page, folder, NOT_A_PICTURE)
        status = reader_status(page)
        expect(status).to_contain_text(f"Cannot read {typed}: not an image")
        expect(status).to_contain_text(f"Still showing {BAR_CHART.name}.")
        assert "\n" not in status.inner_text().strip(), "the message is one line"
        expect(reader_prediction(page)).to_have_attribute("data-prediction", "bar")
        expect(page.locator(".dvdl-readings .dvdl-reading")).to_have_count(1)
        assert_no_error_dialog(page)
        screenshot(page, "reader_not_a_picture")


def test_reader_reads_an_upload_and_the_path_and_upload_again_after_each_other(reader_page):
    from playwright.sync_api import expect

    page, folder = reader_page
    with screenshot_on_failure(page, "reader_upload"):
        expect(upload_button(page)).to_contain_text("Upload a picture")
        type_path(page, folder, BAR_CHART)
        expect_chart_read(page, BAR_CHART, "bar")
        upload(page, HBAR_CHART)
        expect_chart_read(page, HBAR_CHART, "hbar")
        expect(upload_button(page)).to_have_text("Upload a picture (1)")
        assert upload_button(page).evaluate(LABEL_FITS), "the upload button's label is cut"
        expect(path_box(page)).to_have_value("")  # it shows no path: the panel shows the upload
        screenshot(page, "reader_upload")
        # Back to the typed chart, then the same upload again: each is read anew.
        type_path(page, folder, BAR_CHART)
        expect_chart_read(page, BAR_CHART, "bar")
        expect(upload_button(page)).to_have_text("Upload a picture (0)")
        upload(page, HBAR_CHART)
        expect_chart_read(page, HBAR_CHART, "hbar")
        assert_no_error_dialog(page)


def test_reader_reads_a_chart_saved_anew_under_the_same_name_with_its_button(reader_page):
    """Enter on an unchanged path changes nothing in the box: the Read button reads the file again."""
    from playwright.sync_api import expect

    page, folder = reader_page
    mine = folder / "mine.png"
    with screenshot_on_failure(page, "reader_read_again"):
        shutil.copyfile(BAR_CHART, mine)
        type_path(page, folder, mine)
        expect_chart_read(page, mine, "bar")
        shutil.copyfile(HBAR_CHART, mine)  # the learner saves another chart under the same name
        page.get_by_role("button", name="Read", exact=True).click()
        expect(reader_prediction(page)).to_have_attribute("data-prediction", "hbar")
        expect_chart_read(page, mine, "hbar")
        assert_no_error_dialog(page)
        screenshot(page, "reader_read_again")
