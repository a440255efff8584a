"""An experiment: charts drawn by an office suite (LibreOffice Calc, from Excel workbooks), to test with.

Spreadsheet and office-suite charts are the charts people meet most, and the course draws them only in
imitation, with matplotlib. This tool writes each chart as an Excel workbook (openpyxl: the data on one
sheet, the chart on another), has LibreOffice Calc print the workbooks to PDF, rasterises the pages
(poppler's ``pdftoppm``) and crops each page to its chart. The looks are the office suite's own: Excel's
chart styles as Calc reads them, gridlines, markers, data labels, trend lines with their equation, 3-D
and exploded pies, doughnuts, 3-D bars and areas. None of this is a dependency of the course: drawing
needs ``pip install openpyxl~=3.1`` and ``apt install libreoffice-calc-nogui poppler-utils``; testing
needs the course's environment and no office suite.

    python tools/office_renderer.py render OUT_DIR --per-type 60 --seed 2   # OUT_DIR/<type>/*.png
    python tools/office_renderer.py render OUT_DIR --in-sheet ...           # each beside its data cells
    python tools/office_renderer.py screenshot OUT_DIR --per-type 60 --seed 4  # Calc's window, grabbed
    python tools/second_renderer.py test OUT_DIR --model MODEL.keras \
        --source "tools/office_renderer.py render --per-type 60 --seed 2 (LibreOffice 7.4.7)"

``test`` records ``--source`` as it is given; notebook 08 reads the sets by that command.

``screenshot`` opens each workbook in Calc on a virtual screen (``apt install libreoffice-calc xvfb
imagemagick xdotool``), grabs the screen once Calc has drawn it, and crops around the chart with margins
drawn per chart: cells, row and column headings and toolbars where a margin reaches them, as a screenshot
that someone took of the program.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from second_renderer import TYPES  # the classifier's seven types (this file's folder is on the path)

WORDS = ("Sales", "Revenue", "Costs", "Visitors", "Budget", "Growth", "Orders", "Share", "Exports")
PALETTES = (  # None: the workbook's theme colours, as most people leave them
    None,
    None,
    ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47"),  # Office 2013-2022
    ("4F81BD", "C0504D", "9BBB59", "8064A2", "4BACC6", "F79646"),  # Office 2007-2010
    ("004586", "FF420E", "FFD320", "579D1C", "7E0021", "83CAFF"),  # LibreOffice's default
    ("404040", "808080", "A6A6A6", "D9D9D9", "262626", "BFBFBF"),  # printed in gray
)
LEGEND_SIDES = ("r", "r", "b", "t", "l", None)
RASTERISE = ["pdftoppm", "-r", "96", "-png", "-singlefile", "-f", "1"]  # a PDF's first page, 96 dpi
SCREEN = (1920, 1080)  # wide enough that a chart beside eight columns of data is on screen whole
CELL_A1, CELL_SIZE = (37, 124), (84, 20)  # Calc 7.4 at 100 % on SCREEN: cell A1's corner, a default cell, px
PIXELS_PER_CM = 96 / 2.54


def _fill(shape, colour: str | None) -> None:
    """A solid fill and a matching outline, where a palette names a colour."""
    if colour:
        shape.graphicalProperties.solidFill = colour
        shape.graphicalProperties.line.solidFill = colour


def _look(chart, rng: np.random.Generator, axes: bool = True) -> None:
    """What every chart takes: size, title, legend, a built-in style, gridlines and axis titles."""
    from openpyxl.chart.axis import ChartLines

    chart.width, chart.height = float(rng.uniform(10, 17)), float(rng.uniform(7, 12))  # cm: one printed page
    if rng.random() < 0.6:
        chart.title = f"{WORDS[int(rng.integers(len(WORDS)))]} {int(rng.integers(2015, 2026))}"
    side = LEGEND_SIDES[int(rng.integers(len(LEGEND_SIDES)))]
    if side is None:
        chart.legend = None
    else:
        chart.legend.position = side
    chart.style = int(rng.integers(1, 49))
    if axes:
        for axis in (chart.x_axis, chart.y_axis):
            axis.delete = False  # newer Excel hides axes that do not say otherwise
        if rng.random() < 0.25:
            chart.y_axis.majorGridlines = None
        if rng.random() < 0.2:
            chart.y_axis.minorGridlines = ChartLines()
        if rng.random() < 0.25:
            chart.x_axis.majorGridlines = ChartLines()
        if rng.random() < 0.3:
            chart.x_axis.title, chart.y_axis.title = "Year", WORDS[int(rng.integers(len(WORDS)))]
        if rng.random() < 0.2:  # a shaded plot area, as Excel 2003's gray one
            chart.plot_area.graphicalProperties = _shade(rng)


def _shade(rng: np.random.Generator):
    """A light plot-area fill."""
    from openpyxl.chart.shapes import GraphicalProperties

    return GraphicalProperties(solidFill=("C0C0C0", "F2F2F2", "DDEBF7", "FFF2CC")[int(rng.integers(4))])


def _labels(kind, value: bool = False, percent: bool = False, name: bool = False):
    """Data labels that say only what they are asked to (Calc shows every field left unsaid)."""
    return kind(showVal=value, showPercent=percent, showCatName=name, showSerName=False, showLegendKey=False)


def _walks(rng: np.random.Generator, k: int, m: int) -> np.ndarray:
    """``k`` positive random walks of ``m`` values, rounded as a spreadsheet shows them."""
    start = rng.uniform(20, 80, size=(k, 1))
    return np.round(np.abs(np.cumsum(rng.normal(0, rng.uniform(2, 10), size=(k, m)), axis=1) + start), 1)


def _table(sheet, header: list[str], rows: list[list]) -> None:
    """The chart's data, on its own sheet."""
    sheet.append(header)
    for row in rows:
        sheet.append(row)


def _category_chart(kind: str, rng: np.random.Generator, data):
    """A bar, hbar, histogram, line or area chart over categories."""
    from openpyxl.chart import AreaChart, AreaChart3D, BarChart, BarChart3D, LineChart, Reference
    from openpyxl.chart.label import DataLabelList

    if kind == "histogram":
        sample = rng.gamma(rng.uniform(1.5, 8), rng.uniform(1, 10), int(rng.integers(100, 3000)))
        counts, edges = np.histogram(sample, bins=int(rng.integers(6, 25)))
        names = [f"{a:.0f}-{b:.0f}" for a, b in itertools.pairwise(edges)]
        values, k = counts[None, :].astype(float), 1
    else:
        k = int(rng.integers(1, 4)) if kind != "line" or rng.random() < 0.8 else int(rng.integers(5, 10))
        m = int(rng.integers(3, 12)) if kind in ("bar", "hbar") else int(rng.integers(6, 30))
        values = _walks(rng, k, m)
        first = int(rng.integers(1990, 2015))
        names = (
            [str(first + j) for j in range(m)] if rng.random() < 0.6 else [f"Item {j + 1}" for j in range(m)]
        )
    _table(data, ["Category", *WORDS[:k]], [[n, *map(float, values[:, j])] for j, n in enumerate(names)])
    deep = rng.random() < 0.2  # a 3-D chart
    if kind in ("bar", "hbar", "histogram"):
        chart = (BarChart3D if deep else BarChart)()
        chart.type = "bar" if kind == "hbar" else "col"
        if kind == "histogram":
            chart.gapWidth = int(rng.integers(0, 8))
        else:
            chart.gapWidth = int(rng.integers(30, 250))
            if k > 1 and rng.random() < 0.35:
                chart.grouping, chart.overlap = "stacked", 100
    elif kind == "line":
        chart = LineChart()
    else:
        chart = (AreaChart3D if deep else AreaChart)()
        if k > 1:  # stacking one series would fill the whole plot
            chart.grouping = ("standard", "stacked", "stacked", "percentStacked")[int(rng.integers(4))]
    chart.add_data(
        Reference(data, min_col=2, max_col=k + 1, min_row=1, max_row=len(names) + 1), titles_from_data=True
    )
    chart.set_categories(Reference(data, min_col=1, min_row=2, max_row=len(names) + 1))
    palette = PALETTES[int(rng.integers(len(PALETTES)))]
    markers = kind == "line" and rng.random() < 0.5
    for j, series in enumerate(chart.series):
        colour = palette[j % len(palette)] if palette else None
        if kind == "line":
            series.graphicalProperties.line.width = int(rng.integers(9525, 50000))  # EMU: 0.75 to 4 pt
            if colour:
                series.graphicalProperties.line.solidFill = colour
            series.smooth = bool(rng.random() < 0.2)
            series.marker.symbol = ("circle", "square", "triangle", "diamond")[j % 4] if markers else "none"
            if markers and colour:
                _fill(series.marker, colour)
        else:
            _fill(series, colour)
    if rng.random() < 0.2 and kind != "area":
        chart.dataLabels = _labels(DataLabelList, value=True)
    _look(chart, rng)
    if kind == "histogram" and rng.random() < 0.7:
        chart.legend = None
    return chart


def _pie(rng: np.random.Generator, data):
    """A pie, 3-D pie or doughnut, sometimes exploded, with labels or a legend."""
    from openpyxl.chart import DoughnutChart, PieChart, PieChart3D, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.marker import DataPoint

    n = int(rng.integers(2, 8))
    shares = np.round(rng.dirichlet(np.ones(n) * rng.uniform(0.8, 3)) * 100, 1)
    _table(data, ["Part", "Share"], [[f"Part {j + 1}", float(s)] for j, s in enumerate(shares)])
    chart = (PieChart, PieChart, PieChart3D, DoughnutChart)[int(rng.integers(4))]()
    chart.varyColors = True  # a colour per slice, as office suites draw pies
    if isinstance(chart, DoughnutChart):
        chart.holeSize = int(rng.integers(20, 75))
    chart.add_data(Reference(data, min_col=2, min_row=1, max_row=n + 1), titles_from_data=True)
    chart.set_categories(Reference(data, min_col=1, min_row=2, max_row=n + 1))
    palette = PALETTES[int(rng.integers(len(PALETTES)))]
    series = chart.series[0]
    for j in range(n):
        point = DataPoint(idx=j)
        if rng.random() < 0.25:
            point.explosion = int(rng.integers(5, 25))
        if palette:
            point.graphicalProperties.solidFill = palette[j % len(palette)]
        series.dPt.append(point)
    if rng.random() < 0.5:
        chart.dataLabels = _labels(DataLabelList, percent=True, name=bool(rng.random() < 0.5))
    _look(chart, rng, axes=False)
    return chart


def _scatter(rng: np.random.Generator, data):
    """Points, in one to three groups, sometimes with a fitted trend line and its equation."""
    from openpyxl.chart import Reference, ScatterChart, Series
    from openpyxl.chart.trendline import Trendline

    k, n = int(rng.integers(1, 4)), int(rng.integers(12, 120))
    columns = []
    for _ in range(k):
        x = rng.uniform(0, 100, n)
        columns += [x, x * rng.normal(0.8, 0.5) + rng.normal(0, rng.uniform(5, 30), n) + 50]
    _table(
        data,
        [h for j in range(k) for h in (f"x{j + 1}", f"Group {j + 1}")],
        np.round(np.array(columns).T, 2).tolist(),
    )
    chart = ScatterChart()
    palette = PALETTES[int(rng.integers(len(PALETTES)))] or PALETTES[2]
    for j in range(k):
        ys = Reference(data, min_col=2 * j + 2, min_row=1, max_row=n + 1)
        xs = Reference(data, min_col=2 * j + 1, min_row=2, max_row=n + 1)
        series = Series(ys, xs, title_from_data=True)
        series.marker.symbol = ("circle", "square", "triangle", "diamond", "x")[int(rng.integers(5))]
        series.marker.size = int(rng.integers(3, 9))
        _fill(series.marker, palette[j % len(palette)])
        series.graphicalProperties.line.noFill = True  # points only: Excel joins them otherwise
        if rng.random() < 0.3:
            series.trendline = Trendline(
                trendlineType="linear", dispEq=bool(rng.random() < 0.7), dispRSqr=bool(rng.random() < 0.5)
            )
        chart.series.append(series)
    _look(chart, rng)
    return chart


def workbook(kind: str, rng: np.random.Generator, in_sheet: bool = False):
    """An Excel workbook whose first sheet holds one chart of ``kind``: alone, or beside its data cells.

    ``in_sheet`` prints the cells too, with their grid and the row and column headings, as a chart pasted
    into a spreadsheet looks.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    shown = book.active
    shown.title = "Chart"
    data = shown if in_sheet else book.create_sheet("Data")
    if kind == "pie":
        chart = _pie(rng, data)
    elif kind == "scatter":
        chart = _scatter(rng, data)
    elif kind in TYPES:
        chart = _category_chart(kind, rng, data)
    else:
        raise ValueError(f"unknown chart type {kind!r}")
    if not in_sheet:
        shown.add_chart(chart, "A1")
        return book
    anchor = data.max_column + 2  # a free column between the data and the chart
    shown.add_chart(chart, f"{get_column_letter(anchor)}{int(rng.integers(1, 4))}")
    shown.print_options.gridLines = shown.print_options.headings = True
    last = get_column_letter(anchor + int(chart.width / 2.26) + int(rng.integers(1, 4)))  # 2.26 cm a column
    shown.print_area = f"A1:{last}{int(chart.height / 0.45) + int(rng.integers(3, 8))}"  # 0.45 cm a row
    shown.sheet_properties.pageSetUpPr.fitToPage = True  # the print area on one page
    shown.page_setup.fitToWidth = shown.page_setup.fitToHeight = 1
    return book


def _crop(page: Path, out: Path) -> None:
    """The chart on a printed page: the page cropped to what is not paper-white, with a small margin."""
    from PIL import Image, ImageChops

    with Image.open(page) as opened:
        image = opened.convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    if box is None:
        raise RuntimeError(f"{page}: a blank page, no chart was printed")
    left, top, right, bottom = box
    image.crop((max(0, left - 4), max(0, top - 4), right + 4, bottom + 4)).save(out)


def render(out: Path, per_type: int, seed: int, in_sheet: bool = False) -> None:
    """Draw ``per_type`` charts of each type into ``out/<type>/`` as PNGs (``in_sheet``: by their cells)."""
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: apt install libreoffice-calc-nogui poppler-utils")
    with tempfile.TemporaryDirectory() as scratch:
        books = Path(scratch)
        for t, kind in enumerate(TYPES):
            for j in range(per_type):
                workbook(kind, np.random.default_rng([seed, t, j]), in_sheet).save(
                    books / f"{kind}_{j:04d}.xlsx"
                )
        pdfs = _print_to_pdf(sorted(books.glob("*.xlsx")), books)
        for pdf in pdfs:
            kind = pdf.stem.split("_")[0]
            subprocess.run([*RASTERISE, str(pdf), str(pdf.with_suffix(""))], check=True)
            (out / kind).mkdir(parents=True, exist_ok=True)
            _crop(pdf.with_suffix(".png"), out / kind / f"{pdf.stem}.png")
    print(f"drew {len(pdfs)} charts into {out}")


def _chart_box(book) -> tuple[int, int, int, int]:
    """Where Calc draws the workbook's chart on SCREEN: left, top, right, bottom in pixels."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    chart = book.active._charts[0]
    column, row = coordinate_from_string(chart.anchor)
    left = CELL_A1[0] + CELL_SIZE[0] * (column_index_from_string(column) - 1)
    top = CELL_A1[1] + CELL_SIZE[1] * (row - 1)
    return left, top, left + round(chart.width * PIXELS_PER_CM), top + round(chart.height * PIXELS_PER_CM)


def screenshot(out: Path, per_type: int, seed: int) -> None:
    """Open ``per_type`` workbooks of each type in Calc on a virtual screen; save each chart as grabbed."""
    for tool in ("soffice", "Xvfb", "xdotool", "import"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: apt install libreoffice-calc xvfb xdotool imagemagick")
    display = ":97"
    screen = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24"])
    try:
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            for t, kind in enumerate(TYPES):
                (out / kind).mkdir(parents=True, exist_ok=True)
                for j in range(per_type):
                    book = workbook(kind, np.random.default_rng([seed, t, j]), in_sheet=True)
                    path = folder / f"{kind}_{j:04d}.xlsx"
                    book.save(path)
                    for _ in range(3):  # on a busy machine Calc now and then quits as it starts
                        try:
                            grabbed = _grab(path, display, folder)
                            break
                        except (RuntimeError, subprocess.TimeoutExpired) as error:
                            print(f"{error}: trying again", flush=True)
                    else:
                        raise RuntimeError(f"{path.name}: no screenshot in three tries")
                    crop = _around(_chart_box(book), np.random.default_rng([seed, t, j, 1]))
                    grabbed.crop(crop).save(out / kind / f"{path.stem}.png")
                print(f"{kind}: {per_type} screenshots", flush=True)
    finally:
        screen.terminate()
    print(f"grabbed {per_type * len(TYPES)} charts into {out}")


def _around(box: tuple[int, int, int, int], rng: np.random.Generator) -> tuple[int, int, int, int]:
    """A screenshot's frame around the chart: 5-60 % of its size more on each side, within the screen."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    more = rng.uniform(0.05, 0.6, size=4) * (width, height, width, height)
    return (
        max(0, int(left - more[0])),
        max(0, int(top - more[1])),
        min(SCREEN[0], int(right + more[2])),
        min(SCREEN[1], int(bottom + more[3])),
    )


def _grab(book: Path, display: str, folder: Path):
    """The screen once Calc shows ``book`` and has stopped drawing (two grabs in a row are the same)."""
    from PIL import Image, ImageChops

    env = {**os.environ, "DISPLAY": display}
    profile = _profile(folder)
    calc = subprocess.Popen(
        ["soffice", f"-env:{profile}", "--norestore", "--nologo", "--calc", str(book)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):  # Calc's window, named after the file, within two minutes
            window = ["xdotool", "search", "--name", f"^{book.name}"]
            if subprocess.run(window, env=env, capture_output=True).returncode == 0:
                break
            if calc.poll() is not None:
                raise RuntimeError(f"{book.name}: Calc quit without showing it")
            time.sleep(0.2)
        else:
            raise RuntimeError(f"{book.name}: Calc showed no window within two minutes")
        previous = None
        for _ in range(30):
            time.sleep(0.7)
            grab = folder / "screen.png"
            subprocess.run(["import", "-display", display, "-window", "root", str(grab)], check=True)
            with Image.open(grab) as opened:
                image = opened.convert("RGB")
            if previous is not None and ImageChops.difference(image, previous).getbbox() is None:
                return image
            previous = image
        raise RuntimeError(f"{book.name}: Calc was still drawing after 20 s")
    finally:
        # Killed at once and waited for: a Calc still closing would be handed the next file and quit with it.
        subprocess.run(["pkill", "-9", "-f", profile], check=False)
        calc.wait(timeout=60)
        for _ in range(600):
            if subprocess.run(["pgrep", "-f", profile], capture_output=True).returncode:
                break
            time.sleep(0.1)


def _profile(folder: Path) -> str:
    """Calc's settings folder inside ``folder``, never the user's own: ``soffice -env:<this>``."""
    return f"UserInstallation=file://{folder / 'profile'}"


def _print_to_pdf(books: list[Path], folder: Path, chunk: int = 30) -> list[Path]:
    """Calc prints each workbook to ``folder``; a batch that Calc left unfinished is retried file by file."""
    command = ["soffice", f"-env:{_profile(folder)}", "--headless", "--convert-to", "pdf"]
    command += ["--outdir", str(folder)]
    for start in range(0, len(books), chunk):  # Calc sometimes stops partway through a long batch, quietly
        subprocess.run([*command, *map(str, books[start : start + chunk])], capture_output=True, timeout=600)
    for book in books:
        if not book.with_suffix(".pdf").exists():
            subprocess.run([*command, str(book)], capture_output=True, timeout=120)
    missing = [book.name for book in books if not book.with_suffix(".pdf").exists()]
    if missing:
        raise RuntimeError(f"Calc printed no PDF for {len(missing)} workbooks: {', '.join(missing[:5])} ...")
    return [book.with_suffix(".pdf") for book in books]


def main(argv: list[str] | None = None) -> int:
    """The command line (see the module's docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = ap.add_subparsers(dest="command", required=True)
    drawing = commands.add_parser("render")
    drawing.add_argument("out", type=Path)
    drawing.add_argument("--per-type", type=int, default=60)
    drawing.add_argument("--seed", type=int, default=2)
    drawing.add_argument("--in-sheet", action="store_true", help="each chart beside its data cells")
    grabbing = commands.add_parser("screenshot", help="each chart as Calc shows it on screen, grabbed")
    grabbing.add_argument("out", type=Path)
    grabbing.add_argument("--per-type", type=int, default=60)
    grabbing.add_argument("--seed", type=int, default=4)
    args = ap.parse_args(argv)
    if args.command == "screenshot":
        screenshot(args.out, args.per_type, args.seed)
    else:
        render(args.out, args.per_type, args.seed, args.in_sheet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
