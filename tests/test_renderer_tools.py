"""The chart-drawing tools (pygal, office, R, ggplot2, gnuplot, Plotly); each draws where its program is."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from helpers import TOOLS, load_script

second = load_script(TOOLS / "second_renderer.py")
office = load_script(TOOLS / "office_renderer.py")


def test_a_folder_missing_a_type_is_refused_before_any_model_is_asked(tmp_path):
    (tmp_path / "bar").mkdir()
    (tmp_path / "bar" / "bar_0000.png").write_bytes(b"not read")
    with pytest.raises(SystemExit, match="has no charts of area, hbar, histogram, line, pie, scatter"):
        second.test(tmp_path, model=None)


def test_training_with_drawn_charts_takes_as_many_steps_as_the_shipped_recipe():
    assert second.steps_matched_epochs(5600, 0) == 30
    assert second.steps_matched_epochs(5600, 1400) == 24, "v11-pygal's 24 epochs"
    assert second.steps_matched_epochs(5600, 2800) == 20


def test_a_screenshot_frames_the_whole_chart_within_the_screen():
    box = (457, 144, 1057, 544)  # a 600 x 400 px chart
    for seed in range(50):
        left, top, right, bottom = office._around(box, np.random.default_rng(seed))
        assert 0 <= left <= box[0] - 30 and 0 <= top <= box[1] - 20, "5 % of the chart's size at least"
        assert box[2] + 30 <= right <= office.SCREEN[0] and box[3] + 20 <= bottom <= office.SCREEN[1]
        assert right - box[2] <= 0.6 * 600 + 1 and bottom - box[3] <= 0.6 * 400 + 1, "60 % at most"
    near_corner = office._around((10, 10, 610, 410), np.random.default_rng(0))
    assert near_corner[:2] == (0, 0), "the frame stops at the screen's edge"


def test_the_chart_box_follows_its_anchor_cell_and_size():
    openpyxl = pytest.importorskip("openpyxl")  # not a course dependency: the tool's own
    book = openpyxl.Workbook()
    chart = openpyxl.chart.LineChart()
    chart.width, chart.height = 10.0, 7.0  # cm
    book.active.add_chart(chart, "F3")
    left, top, right, bottom = office._chart_box(book)
    (x, y), (width, height) = office.CELL_A1, office.CELL_SIZE
    assert (left, top) == (x + 5 * width, y + 2 * height), "column F, row 3"
    assert (right - left, bottom - top) == (round(10 * 96 / 2.54), round(7 * 96 / 2.54))


def test_the_same_seed_writes_the_same_workbook_and_each_type_its_chart():
    pytest.importorskip("openpyxl")
    for kind in second.TYPES:
        first, again = (office.workbook(kind, np.random.default_rng([4, 0, 1]), True) for _ in range(2))
        charts = first.active._charts
        assert len(charts) == 1 and charts[0].anchor == again.active._charts[0].anchor
        assert [tuple(row) for row in first.active.values] == [tuple(row) for row in again.active.values]
    with pytest.raises(ValueError, match="unknown chart type"):
        office.workbook("box", np.random.default_rng(0))


r_tool = load_script(TOOLS / "r_renderer.py")
ggplot_tool = load_script(TOOLS / "ggplot_renderer.py")
gnuplot_tool = load_script(TOOLS / "gnuplot_renderer.py")
plotly_tool = load_script(TOOLS / "plotly_renderer.py")
#: each script-writing tool, and the lines that open and close one picture in its script
SCRIPTS = {
    "R": (r_tool, "png(", "dev.off()"),
    "ggplot2": (ggplot_tool, "print(p)", "dev.off()"),
    "gnuplot": (gnuplot_tool, 'set output "', "unset output"),
    "Plotly": (plotly_tool, "fig = ", "draw(fig, "),
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_same_seed_writes_the_same_script_and_each_type_draws_one_picture(tmp_path, name):
    tool, opened, closed = SCRIPTS[name]
    for kind in second.TYPES:
        first, again = (
            tool.chart_script(kind, np.random.default_rng([7, 0, 1]), tmp_path / "c.png") for _ in range(2)
        )
        assert first == again, f"{name}, {kind}: a seed draws one chart"
        assert first.count(opened) == first.count(closed) == 1, "one picture, opened and closed"
    with pytest.raises(ValueError, match="unknown chart type"):
        tool.chart_script("box", np.random.default_rng(0), tmp_path / "c.png")


#: Plotly draws through Kaleido and a browser: both must be there
PLOTLY_DRAWS = "import plotly.io as pio; pio.to_image(dict(data=[]), format='png')"


def _runs(*command: str) -> bool:
    """Whether ``command`` runs and succeeds here (the drawing programs are not course dependencies)."""
    return (
        shutil.which(command[0]) is not None and not subprocess.run(command, capture_output=True).returncode
    )


@pytest.mark.parametrize(
    "name, needs",
    [
        ("R", ("Rscript", "-e", "1")),
        ("ggplot2", ("Rscript", "-e", "library(ggplot2)")),
        ("gnuplot", ("gnuplot", "-e", "print 1")),
        ("Plotly", (os.environ.get("PLOTLY_PYTHON", sys.executable), "-c", PLOTLY_DRAWS)),
    ],
)
def test_each_program_draws_every_type(tmp_path, name, needs):
    if not _runs(*needs):
        pytest.skip(f"{name} is not installed (not a course dependency: see the tool's docstring)")
    SCRIPTS[name][0].main(["render", str(tmp_path), "--per-type", "2"])
    drawn = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.glob("*/*.png"))
    assert drawn == [f"{kind}/{kind}_{j:04d}.png" for kind in second.TYPES for j in range(2)]
