"""Tests of dvdl_helpers.charts.dataset: writing a data set (folder per type + charts.csv) and reading it.

The clean look's data sets here; the varied looks' in ``test_charts_chart_kinds.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.patches import Rectangle, StepPatch, Wedge
from PIL import Image

from dvdl_helpers import charts

SIZE = (64, 64)


@pytest.fixture(scope="module")
def train(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("train")
    charts.generate_dataset(out, 3, seed=7, size_px=SIZE, jobs=1, progress=False)
    return out


def test_same_seed_same_images_whatever_the_jobs(train, tmp_path, pngs):
    charts.generate_dataset(tmp_path / "b", 3, seed=7, size_px=SIZE, jobs=2, progress=False)
    assert pngs(tmp_path / "b") == pngs(train)  # byte-identical, drawn by 2 processes in other chunks
    assert (tmp_path / "b" / "charts.csv").read_text() == (train / "charts.csv").read_text()
    charts.generate_dataset(tmp_path / "c", 3, seed=8, size_px=SIZE, jobs=1, progress=False)
    assert len(set(pngs(tmp_path / "c").values()) & set(pngs(train).values())) == 0


def test_a_notebooks_matplotlib_style_does_not_change_the_pictures(train, tmp_path, pngs):
    with mpl.rc_context({"lines.linewidth": 6, "font.family": "monospace", "patch.antialiased": False}):
        charts.generate_dataset(tmp_path, 3, seed=7, size_px=SIZE, jobs=1, progress=False)
        assert mpl.rcParams["lines.linewidth"] == 6, "the caller's settings are back"
    assert pngs(tmp_path) == pngs(train)


def test_class_balance_and_loading(train):
    x, y, names = charts.load_chart_images(train, size=(32, 32))
    assert names == sorted(charts.CHART_TYPES)
    assert x.shape == (3 * 7, 32, 32) and x.dtype == np.uint8
    assert np.bincount(y).tolist() == [3] * 7
    rows = charts.read_csv(train / "charts.csv")
    assert [r["type"] for r in rows] == [t for t in charts.CHART_TYPES for _ in range(3)]
    assert all((train / r["file"]).exists() for r in rows)
    assert Image.open(train / rows[0]["file"]).size == SIZE


def test_gray_prepared_images_are_read_as_they_are(tmp_path):
    (tmp_path / "pie").mkdir()
    img = np.arange(64 * 64, dtype=np.uint8).reshape(64, 64)
    Image.fromarray(img).save(tmp_path / "pie" / "a.png")
    x, y, names = charts.load_chart_images(tmp_path, size=(64, 64))
    assert names == ["pie"] and y.tolist() == [0] and np.array_equal(x[0], img)


def test_csv_records_what_is_drawn(train):
    for row in charts.read_csv(train / "charts.csv"):
        style, values, x = charts.chart_spec(7, row["type"], row["index"])
        assert row["values"] == values and row["x_values"] == x and row["palette"] == style.palette
        fig = charts.draw_figure(row["type"], row["values"], row["x_values"], style=style, size_px=SIZE)
        # the PNG is exactly the chart drawn from the CSV's numbers
        assert np.array_equal(charts.render(fig), np.asarray(Image.open(train / row["file"])))
        ax, kind, n = fig.axes[0], row["type"], row["n_items"]
        assert (ax.get_legend() is not None) == row["legend"]
        words = {t.get_text() for t in fig.texts}
        assert all(row[k] in words for k in ("title", "xlabel", "ylabel") if row[k])
        if kind in ("bar", "hbar"):
            bars = [p for p in ax.patches if isinstance(p, Rectangle)]
            size = [b.get_height() if kind == "bar" else b.get_width() for b in bars]
            assert len(bars) == n and np.allclose(size, values[0])
        elif kind == "pie":
            assert sum(isinstance(p, Wedge) for p in ax.patches) == n == len(values[0])
        elif kind == "histogram":
            (step,) = [p for p in ax.patches if isinstance(p, StepPatch)]
            assert np.allclose(step.get_data().values, values[0]) and len(values[0]) == n
        elif kind == "line":
            assert [len(line.get_xdata()) for line in ax.lines] == [n] * row["n_series"]
        elif kind == "scatter":
            assert sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection)) == n
        else:
            assert sum(isinstance(c, PolyCollection) for c in ax.collections) == row["n_series"]


def test_heldout_style_differs(train, tmp_path):
    charts.generate_dataset(tmp_path, 3, seed=7, size_px=SIZE, style="heldout", jobs=1, progress=False)
    x_train, y_train, names_train = charts.load_chart_images(train, SIZE)
    x_held, y_held, names_held = charts.load_chart_images(tmp_path, SIZE)
    assert names_held == names_train and y_held.tolist() == y_train.tolist()  # same types, same balance
    assert x_train.mean() > 180 and x_held.mean() < 90  # light backgrounds vs dark ones
    train_rows, held_rows = charts.read_csv(train / "charts.csv"), charts.read_csv(tmp_path / "charts.csv")
    for key in ("palette", "font", "background"):  # no look of the held-out set is ever used for training
        assert not {r[key] for r in train_rows} & {r[key] for r in held_rows}
    rng = np.random.default_rng(0)
    train_looks = [charts.sample_style(rng, "train") for _ in range(300)]
    held_looks = [charts.sample_style(rng, "heldout") for _ in range(300)]
    for key in ("palette", "font", "background", "text_color"):
        assert not {getattr(s, key) for s in train_looks} & {getattr(s, key) for s in held_looks}


def test_skips_an_existing_dataset_and_replaces_a_different_one(tmp_path, pngs):
    first = charts.generate_dataset(tmp_path, 2, seed=1, size_px=SIZE, jobs=1, progress=False)
    again = charts.generate_dataset(tmp_path, 2, seed=1, size_px=SIZE, jobs=1, progress=False)
    assert not first.skipped and again.skipped and again.n_charts == 14
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    (tmp_path / "manifest.json").write_text(json.dumps(manifest | dict(csv_version=1)))
    older_csv = charts.generate_dataset(tmp_path, 2, seed=1, size_px=SIZE, jobs=1, progress=False)
    assert not older_csv.skipped, "a charts.csv of an older kind is written anew"
    smaller = charts.generate_dataset(
        tmp_path, 1, seed=1, size_px=SIZE, types=["pie", "bar"], jobs=1, progress=False
    )
    assert not smaller.skipped and sorted(pngs(tmp_path)) == ["bar/bar_00000.png", "pie/pie_00000.png"]
