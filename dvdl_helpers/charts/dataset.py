"""Write a chart data set (clean or varied looks) to a folder per type with ``charts.csv``, and read it back.

``charts.csv`` has one row per chart: ``file, type, index, seed, style, n_series, n_items`` (bars, slices,
bins, points per line or area, all points of a scatter), ``values`` (numbers drawn; ``;`` between
numbers, ``|`` between series), ``x_values`` (x, bin edges) and the look (clean: palette, font,
background, title, axis labels, grid, legend, alt; varied: theme, palette, font, size, variant, title,
legend, jpeg, context; bars over ordered groups are recorded as ``ordered-single`` and so on). Pictures
of the varied looks keep their look's aspect ratio, with the longest side ``max(size_px)``.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path

import matplotlib as mpl
import numpy as np
from PIL import Image
from tqdm import tqdm  # not tqdm.auto: without ipywidgets it warns on stderr in Jupyter

from dvdl_helpers.env import usable_cores

from .chart_kinds import VARIED_STYLES, VARIED_VERSION, context_rng, varied_spec
from .clean_look import CHART_TYPES, CLEAN_STYLES, GENERATOR_VERSION, chart_spec, draw_figure
from .drawing import render
from .layout import draw_varied, render_varied
from .real import list_chart_folder

__all__ = [
    "STYLES",
    "DatasetSummary",
    "default_jobs",
    "generate_dataset",
    "images_to_array",
    "load_chart_images",
    "read_csv",
]

#: the clean look's styles ("train", "heldout") and the varied looks' ("varied", "varied_heldout")
STYLES = (*CLEAN_STYLES, *VARIED_STYLES)
_CSV_STYLE = ("palette", "font", "background", "title", "xlabel", "ylabel", "grid", "legend", "alt")
_CSV_LOOK = ("theme", "palette", "font", "width", "height", "title", "legend", "jpeg", "context")
#: Raised when charts.csv says something new about the same pictures (2: ordered-* variants), so that a
#: folder drawn before is drawn again rather than read with its old charts.csv.
CSV_VERSION = 2


def _join(series: Sequence[Sequence[float]]) -> str:
    return "|".join(";".join(f"{v:g}" for v in s) for s in series)


def _variant_name(data: dict) -> str:
    """The variant as charts.csv records it: bars over ordered groups are their own (``ordered-single``)."""
    return f"ordered-{data['variant']}" if data.get("ordered") else data["variant"]


def _render_chunk(task: tuple) -> list[dict]:
    """Worker: draw and save a chunk of charts, return their CSV rows (importable, for 'spawn')."""
    out_dir, seed, style, size_px, items = task
    rows, fig = [], None
    for kind, i in items:
        file = f"{kind}/{kind}_{i:05d}.png"
        row = dict(file=file, type=kind, index=i, seed=seed, style=style)
        if style in VARIED_STYLES:
            look, data = varied_spec(seed, kind, i, style)
            fig = draw_varied(kind, look, data, size_px=max(size_px), fig=fig)
            image = render_varied(fig, look.jpeg, look.context, context_rng(seed, kind, i, style))
            if max(image.size) > max(size_px):  # a context adds around the chart: back to the stored size
                image.thumbnail((max(size_px), max(size_px)), Image.Resampling.LANCZOS)
            values, x = data["values"], data["x"]
            described = {f: getattr(look, f) for f in _CSV_LOOK} | {"variant": _variant_name(data)}
        else:
            st, values, x = chart_spec(seed, kind, i, style)
            fig = draw_figure(kind, values, x, style=st, size_px=size_px, fig=fig)  # one figure per chunk
            image, described = Image.fromarray(render(fig)), {f: getattr(st, f) for f in _CSV_STYLE}
        image.save(Path(out_dir) / file, compress_level=1)
        row["n_series"] = len(values)
        row["n_items"] = sum(map(len, values)) if kind == "scatter" else len(values[0])
        rows.append(row | dict(values=_join(values), x_values=_join(x)) | described)
    return rows


@contextmanager
def _fresh_matplotlib() -> Iterator[None]:
    """matplotlib's settings as a new process has them: a notebook's style must not change the pictures."""
    with mpl.rc_context():
        mpl.rc_file_defaults()
        yield


def _render_all(tasks: list[tuple], jobs: int, done: Callable[[list[dict]], object]) -> list[list[dict]]:
    """Run ``_render_chunk`` on every task with ``jobs`` processes: this one and ``jobs - 1`` 'spawn' workers.

    This process, which needs no start-up, draws chunks from the back from the first moment; each worker
    gets chunks from the front once it has started, two at a time (so it never waits). A small data set
    is done before the workers are up, and nobody waits for them. Each chunk draws the same pictures
    wherever it runs. ``done(rows)`` is called per finished chunk.
    """
    results: list[list[dict] | None] = [None] * len(tasks)
    todo = deque(range(len(tasks)))
    with _fresh_matplotlib():
        if jobs == 1:
            for j in todo:
                results[j] = _render_chunk(tasks[j])
                done(results[j])
            return results
        pool = ProcessPoolExecutor(jobs - 1, mp_context=get_context("spawn"))
        started: list[Future] = []
        try:
            started += [pool.submit(os.getpid) for _ in range(jobs - 1)]  # done once a worker is up
            given: dict[int, Future] = {}
            while todo or given:
                for j in [j for j, future in given.items() if future.done()]:
                    results[j] = given.pop(j).result()
                    done(results[j])
                while todo and len(given) < 2 * sum(future.done() for future in started):
                    j = todo.popleft()
                    given[j] = pool.submit(_render_chunk, tasks[j])
                if todo:
                    j = todo.pop()
                    results[j] = _render_chunk(tasks[j])
                    done(results[j])
                elif given:
                    wait(given.values(), return_when=FIRST_COMPLETED)
        finally:  # wait for workers that drew (their CPU time is then counted), not for those still starting
            pool.shutdown(wait=any(future.done() for future in started), cancel_futures=True)
    return results


@dataclasses.dataclass(frozen=True)
class DatasetSummary:
    """What :func:`generate_dataset` made (or found already made)."""

    output_dir: Path
    csv_path: Path
    n_charts: int
    seconds: float
    jobs: int
    skipped: bool

    @property
    def charts_per_s(self) -> float:
        """Charts drawn per second, pool start included (0 when skipped)."""
        return 0.0 if self.skipped or not self.seconds else self.n_charts / self.seconds


def default_jobs() -> int:
    """Number of CPU cores this process may use (the drawing pool's default size)."""
    return usable_cores()


def generate_dataset(
    output_dir: Path | str,
    per_type: int,
    *,
    seed: int = 0,
    size_px: tuple[int, int] = (128, 128),
    style: str = "train",
    types: Sequence[str] | None = None,
    jobs: int | None = None,
    progress: bool = True,
    force: bool = False,
) -> DatasetSummary:
    """Write ``per_type`` charts of each type as ``<output_dir>/<type>/<type>_00000.png`` and ``charts.csv``.

    The same arguments give the same images, whatever ``jobs`` (processes; default: all cores). A
    ``manifest.json`` records the arguments: when it matches and all files exist, nothing is redrawn
    unless ``force``. PNGs of other types or indices left from an earlier call are deleted. With
    ``jobs > 1`` a script must call this under ``if __name__ == "__main__":`` ('spawn' imports it again).
    """
    out, types = Path(output_dir), tuple(types or CHART_TYPES)
    if style not in STYLES or not set(types) <= set(CHART_TYPES):
        raise ValueError(f"style must be one of {STYLES}, types among {CHART_TYPES}")
    manifest = dict(per_type=per_type, seed=seed, size_px=list(size_px), style=style, types=list(types))
    manifest["generator_version"] = VARIED_VERSION if style in VARIED_STYLES else GENERATOR_VERSION
    manifest["csv_version"] = CSV_VERSION
    csv_path, man_path = out / "charts.csv", out / "manifest.json"
    items = [(k, i) for i in range(per_type) for k in types]  # types interleaved: balanced chunks
    jobs = max(1, min(jobs or default_jobs(), len(items)))
    done = man_path.exists() and json.loads(man_path.read_text()) == manifest and csv_path.exists()
    if not force and done and all((out / k / f"{k}_{i:05d}.png").exists() for k, i in items):
        return DatasetSummary(out, csv_path, len(items), 0.0, jobs, skipped=True)
    man_path.unlink(missing_ok=True)
    for kind in CHART_TYPES:  # charts of an earlier, different data set
        for old in (out / kind).glob(f"{kind}_*.png"):
            old.unlink()
    for kind in types:
        (out / kind).mkdir(parents=True, exist_ok=True)
    size = max(1, min(20, len(items) // (6 * jobs)))
    tasks = [(str(out), seed, style, tuple(size_px), items[j : j + size]) for j in range(0, len(items), size)]
    start = time.perf_counter()
    with tqdm(total=len(items), disable=not progress, desc=f"charts ({jobs} jobs)", unit="chart") as bar:
        rows = [row for chunk in _render_all(tasks, jobs, lambda c: bar.update(len(c))) for row in chunk]
    seconds = time.perf_counter() - start
    rows.sort(key=lambda r: (types.index(r["type"]), r["index"]))
    with csv_path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["file"])
        writer.writeheader()
        writer.writerows(rows)
    man_path.write_text(json.dumps(manifest, indent=1) + "\n")
    return DatasetSummary(out, csv_path, len(rows), seconds, jobs, skipped=False)


def read_csv(path: Path | str) -> list[dict]:
    """Read ``charts.csv``: one dict per chart, numbers parsed, ``values``/``x_values`` lists of series."""
    rows = []
    with Path(path).open(newline="") as f:
        for row in csv.DictReader(f):
            row |= {
                k: int(row[k])
                for k in ("index", "seed", "n_items", "n_series", "width", "height", "jpeg")
                if k in row
            }
            row |= {k: row[k] == "True" for k in ("grid", "legend", "alt") if row.get(k) in ("True", "False")}
            for k in ("values", "x_values"):
                row[k] = [[float(v) for v in s.split(";")] for s in row[k].split("|")] if row[k] else []
            rows.append(row)
    return rows


def images_to_array(
    images: Sequence[Image.Image | Path | str], size: tuple[int, int] = (64, 64)
) -> np.ndarray:
    """Gray ``N×H×W`` uint8 array of images (or image files), resized to ``size = (width, height)``."""
    out = np.empty((len(images), size[1], size[0]), np.uint8)
    for j, im in enumerate(images):
        im = (im if isinstance(im, Image.Image) else Image.open(im)).convert("L")
        out[j] = np.asarray(im if im.size == tuple(size) else im.resize(size, Image.Resampling.LANCZOS))
    return out


def load_chart_images(
    folder: Path | str, size: tuple[int, int] = (64, 64)
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read a folder-per-type tree of PNGs: ``(x uint8 N×H×W gray, y int labels, class_names)``.

    Classes are the sub-folders in sorted order, files sorted by name (deterministic); colour or larger
    images (raw charts) are converted to gray and resized on the fly, prepared ones are read as they are.
    """
    class_names, files = list_chart_folder(folder)
    y = np.repeat(np.arange(len(files)), [len(f) for f in files])
    return images_to_array([p for f in files for p in f], size), y, class_names
