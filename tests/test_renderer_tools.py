"""The chart-drawing tools (second, office and R renderers): the parts that need no other program."""

import shutil
import subprocess

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


def test_the_same_seed_writes_the_same_r_script_and_each_type_draws_one_chart(tmp_path):
    for kind in second.TYPES:
        first, again = (
            r_tool.chart_script(kind, np.random.default_rng([7, 0, 1]), tmp_path / "c.png") for _ in range(2)
        )
        assert first == again, f"{kind}: a seed draws one chart"
        assert first.count("png(") == 1 and first.count("dev.off()") == 1, "one picture, opened and closed"
    with pytest.raises(ValueError, match="unknown chart type"):
        r_tool.chart_script("box", np.random.default_rng(0), tmp_path / "c.png")


def test_r_draws_every_type(tmp_path):
    if shutil.which("Rscript") is None:
        pytest.skip("R is not a course dependency: apt install r-base-core to run the tool")
    r_tool.render(tmp_path, per_type=2, seed=7)
    drawn = sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.glob("*/*.png"))
    assert drawn == [f"{kind}/{kind}_{j:04d}.png" for kind in second.TYPES for j in range(2)]


ggplot_tool = load_script(TOOLS / "ggplot_renderer.py")


def test_the_same_seed_writes_the_same_ggplot_script_and_each_type_prints_one_plot(tmp_path):
    for kind in second.TYPES:
        first, again = (
            ggplot_tool.chart_script(kind, np.random.default_rng([9, 0, 1]), tmp_path / "c.png")
            for _ in range(2)
        )
        assert first == again, f"{kind}: a seed draws one chart"
        assert first.count("png(") == first.count("print(p)") == first.count("dev.off()") == 1
    with pytest.raises(ValueError, match="unknown chart type"):
        ggplot_tool.chart_script("box", np.random.default_rng(0), tmp_path / "c.png")


def test_ggplot2_draws_every_type(tmp_path):
    has_ggplot2 = (
        shutil.which("Rscript")
        and not subprocess.run(["Rscript", "-e", "library(ggplot2)"], capture_output=True).returncode
    )
    if not has_ggplot2:
        pytest.skip("R and ggplot2 are not course dependencies: apt install r-base-core r-cran-ggplot2")
    ggplot_tool.main(["render", str(tmp_path), "--per-type", "1"])
    assert sorted(path.name for path in tmp_path.glob("*/*.png")) == [
        f"{kind}_0000.png" for kind in second.TYPES
    ]
