"""The real charts that ship with the course, by source, each split once into a *choose* and a *confirm* half.

Two sources of charts that other people made with other tools: the Vega-Lite example gallery and
Chart.js's rendered test charts (``datasets/``, each with its license). Every choice about the classifier
(generator, input, network, training, calibration, the "unsure" threshold) is measured on the **choose**
half of both sources, per source. The **confirm** half is read once, at the end, for the score the course
quotes: a score on charts that no choice looked at. The split is fixed: within each type, files are
ordered by a seeded hash of their name and the first half (rounded up) chooses.

:func:`load_in_context` places a half's charts in one of the generator's contexts (a spreadsheet, a
slide, a window, a photo, a scan, a sketch) before preparing them: real marks and looks, in the
surroundings that charts met in the wild often have and that neither source shows.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
from pathlib import Path

import numpy as np

from .. import imageprep, paths, stats
from .clean_look import CHART_TYPES
from .context import place_in_context
from .real import INPUT_SIZE, balanced_accuracy, prepare_chart, prepare_files

#: source name -> folder with one sub-folder per type and labels.csv (file, type, ...)
SOURCES = {
    "vega-lite": paths.REPO_ROOT / "datasets" / "vega-lite-charts",
    "chartjs": paths.REPO_ROOT / "datasets" / "chartjs-charts",
}
HALVES = ("choose", "confirm", "all")
SPLIT_SEED = 2026  # fixed once; changing it would let the confirm half be looked at
CONTEXT_SEED = 11  # the contexts that load_in_context draws: the same for every model it compares


@dataclasses.dataclass(frozen=True)
class RealCharts:
    """Prepared real charts of one source and half: ``x`` N×S×S uint8, ``types`` (names), ``files``."""

    source: str
    half: str
    x: np.ndarray
    types: np.ndarray
    files: list[Path]

    @property
    def known(self) -> np.ndarray:
        """Mask of the charts of the classifier's seven types (the rest, e.g. box plots, it never learned)."""
        return np.isin(self.types, CHART_TYPES)


def label_rows(source: str) -> list[dict]:
    """The rows of a source's ``labels.csv`` (``file`` relative to the source's folder, ``type``)."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; the sources are {sorted(SOURCES)}")
    labels = SOURCES[source] / "labels.csv"
    if not labels.exists():
        raise FileNotFoundError(
            f"{labels} is missing: the course's datasets/ folder is incomplete (git checkout?)"
        )
    with labels.open(newline="") as f:
        return list(csv.DictReader(f))


def half_of(file: str, rows_of_type: list[str], seed: int = SPLIT_SEED) -> str:
    """``"choose"`` or ``"confirm"``: the half that ``file`` (one of ``rows_of_type``, same type) falls in."""
    order = sorted(rows_of_type, key=lambda name: hashlib.sha256(f"{seed}:{name}".encode()).hexdigest())
    return "choose" if order.index(file) < (len(order) + 1) // 2 else "confirm"


def split_rows(rows: list[dict], seed: int = SPLIT_SEED) -> dict[str, list[dict]]:
    """Rows per half, ``{"choose": [...], "confirm": [...]}``: each type split in two, the odd one chooses."""
    halves: dict[str, list[dict]] = {"choose": [], "confirm": []}
    by_type: dict[str, list[str]] = {}
    for row in rows:
        by_type.setdefault(row["type"], []).append(row["file"])
    for row in rows:
        halves[half_of(row["file"], by_type[row["type"]], seed)].append(row)
    return halves


def rows_of_half(source: str, half: str) -> list[dict]:
    """The ``labels.csv`` rows of one source's half (``choose``, ``confirm`` or ``all``)."""
    if half not in HALVES:
        raise ValueError(f"half must be one of {HALVES}, not {half!r}")
    rows = label_rows(source)
    return rows if half == "all" else split_rows(rows)[half]


def load_source(source: str, half: str = "choose", size: int = INPUT_SIZE, **options) -> RealCharts:
    """One source's charts of one half (``choose``, ``confirm`` or ``all``), prepared as in training."""
    rows = rows_of_half(source, half)
    x, files, problems = prepare_files([SOURCES[source] / row["file"] for row in rows], size, **options)
    if problems:
        raise OSError("\n".join(problems))
    return RealCharts(source, half, x, np.array([row["type"] for row in rows]), files)


def chart_in_context(
    file: Path | str, context: str, position: int, size: int = INPUT_SIZE, **options
) -> np.ndarray:
    """One chart placed in ``context`` as :func:`load_in_context` places the chart at ``position`` of its
    half (its context is drawn from :data:`CONTEXT_SEED` and that position), then prepared."""
    picture = imageprep.prepare_image(file, gray=False)
    placed = place_in_context(picture, context, np.random.default_rng([CONTEXT_SEED, position]))
    return prepare_chart(placed, size, **options)


def load_in_context(
    source: str, context: str, half: str = "choose", size: int = INPUT_SIZE, **options
) -> RealCharts:
    """One source's half with every chart placed in ``context`` (see :mod:`.context`), then prepared.

    Each chart's context is drawn from a seed of its own (:data:`CONTEXT_SEED` and its position), so that
    every model is asked about the same pictures.
    """
    rows = rows_of_half(source, half)
    files = [SOURCES[source] / row["file"] for row in rows]
    x = np.stack([chart_in_context(file, context, i, size, **options) for i, file in enumerate(files)])
    return RealCharts(source, half, x, np.array([row["type"] for row in rows]), files)


def score(charts: RealCharts, predicted: np.ndarray) -> stats.Interval:
    """Balanced accuracy over the seven types, with its 95 % bootstrap interval (resampled per type)."""
    known = charts.known
    return stats.bootstrap_interval(
        charts.types[known], np.asarray(predicted)[known], lambda t, p: balanced_accuracy(t, p)
    )


def pooled_score(charts: RealCharts, answers: list[np.ndarray]) -> stats.Interval:
    """Balanced accuracy over several answers per chart (e.g. one per context), with a 95 % interval that
    resamples *charts*, each with all its answers.

    The copies of one chart are not independent (an odd chart is odd in every context), so resampling
    the copies would give too narrow an interval; ``n`` is the number of charts.
    """
    known = charts.known
    right = np.mean([np.asarray(said)[known] == charts.types[known] for said in answers], axis=0)

    def mean_per_type(types: np.ndarray, share_right: np.ndarray) -> float:
        return float(np.mean([share_right[types == kind].mean() for kind in np.unique(types)]))

    return stats.bootstrap_interval(charts.types[known], right, mean_per_type)
