"""Tests of the varied looks: :mod:`dvdl_helpers.charts.chart_kinds` (samplers and drawers, with
``bar_kinds``), ``tool_looks`` and ``layout`` (what a drawer tells the layout: ``DrawnMarks``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dvdl_helpers import charts
from dvdl_helpers.charts.dataset import _variant_name
from dvdl_helpers.charts.drawing import DrawnMarks
from dvdl_helpers.charts.tool_looks import HELDOUT_THEMES, PALETTES, THEMES, TRAIN_THEMES


@pytest.fixture(scope="module")
def varied(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("varied")
    charts.generate_dataset(out, 3, seed=4, size_px=(96, 96), style="varied", jobs=1, progress=False)
    return out


def test_varied_looks_are_deterministic_whatever_the_jobs(varied, tmp_path, pngs):
    charts.generate_dataset(tmp_path, 3, seed=4, size_px=(96, 96), style="varied", jobs=2, progress=False)
    assert pngs(tmp_path) == pngs(varied)
    assert (tmp_path / "charts.csv").read_text() == (varied / "charts.csv").read_text()


def test_varied_looks_keep_their_aspect_ratio_and_record_it(varied):
    rows = charts.read_csv(varied / "charts.csv")
    assert len(rows) == 21 and {r["type"] for r in rows} == set(charts.CHART_TYPES)
    for row in rows:
        width, height = Image.open(varied / row["file"]).size
        assert max(width, height) == 96
        if row["context"] == "none":  # a context (a spreadsheet around the chart, a photo) has its own shape
            assert abs(width / height - row["width"] / row["height"]) < 0.1, row["file"]
        assert row["theme"] in TRAIN_THEMES and row["variant"]


def test_every_kind_and_variant_draws():
    fig = None
    variants: dict[str, set] = {}
    for kind in charts.CHART_TYPES:
        for index in range(25):
            look, data = charts.varied_spec(1, kind, index)
            fig = charts.draw_varied(kind, look, data, size_px=64, fig=fig)
            image = charts.render_varied(fig, look.jpeg)
            assert max(image.size) == 64 and image.mode == "RGB"
            variants.setdefault(kind, set()).add(data["variant"])
    assert {"grouped", "stacked", "single"} <= variants["bar"]
    assert {"donut", "exploded", "pie"} <= variants["pie"]
    assert {"gaps", "density", "filled"} <= variants["histogram"]
    assert {"stacked", "overlap", "single"} <= variants["area"]
    assert {"step", "many", "walk"} <= variants["line"]


def test_office_touches_and_contexts_are_drawn():
    """Tilted 3-D pies, 3-D and gradient bars, trend lines with equations, boxed legends, frames, minor
    grids and every context appear among a few hundred charts, and each draws."""
    seen: dict[str, int] = {}
    fig = None
    for kind in ("pie", "bar", "scatter"):
        for index in range(60):
            look, data = charts.varied_spec(2, kind, index)
            flags = {
                "tilted": data.get("tilt", 1.0) < 1,
                "depth": bool(data.get("depth")),
                "gradient": bool(data.get("gradient")),
                "trend": bool(data.get("fit")),
                "equation": bool(data.get("equation")),
                "legend box": look.legend_box,
                "frame": look.frame,
                "minor grid": look.minor_grid,
                f"context {look.context}": True,
            }
            for name, on in flags.items():
                seen[name] = seen.get(name, 0) + on
            if index < 12:
                fig = charts.draw_varied(kind, look, data, size_px=64, fig=fig)
                rng = np.random.default_rng(index)
                assert charts.render_varied(fig, look.jpeg, look.context, rng).mode == "RGB"
    missing = [
        name
        for name in (
            "tilted",
            "depth",
            "gradient",
            "trend",
            "equation",
            "legend box",
            "frame",
            "minor grid",
            "context none",
            "context photo",
        )
        if not seen.get(name)
    ]
    assert not missing, (missing, seen)


def test_some_bars_are_a_series_over_many_ordered_groups_and_draw():
    """Bars over months, years or ages (nearly touching, smooth heights) are labelled bar, not histogram."""
    specs = [charts.varied_spec(5, "bar", index) for index in range(80)]
    ordered = [(look, data) for look, data in specs if data.get("ordered")]
    assert 5 <= len(ordered) <= 30, len(ordered)
    for _, data in ordered:
        values = np.asarray(data["values"])
        assert values.shape[1] == len(data["labels"]) >= 13 and (values > 0).all()
        assert 0.3 <= data["width"] <= 0.95 and not data["value_labels"]
    assert np.median([data["width"] for _, data in ordered]) >= 0.75
    look, data = ordered[0]
    assert max(charts.render_varied(charts.draw_varied("bar", look, data, size_px=64), look.jpeg).size) == 64
    # charts.csv names them apart, so that errors per variant (notebook 05's exercise 5) can single them out
    assert _variant_name(data) == f"ordered-{data['variant']}" and data["variant"] in (
        "single",
        "colored",
        "stacked",
    )
    assert _variant_name(specs[0][1] | dict(ordered=False)) == specs[0][1]["variant"]


def test_some_scatters_have_few_points_or_sit_on_a_grid_and_some_areas_fade():
    """A handful of points, points in rows and columns (counts, ratings), areas with a faded fill."""
    scatters = [charts.varied_spec(2, "scatter", index)[1] for index in range(120)]
    assert min(sum(map(len, data["x"])) for data in scatters) <= 8, "some scatters have a handful of points"
    on_grid = [
        data
        for data in scatters
        if len(np.unique(np.concatenate(data["x"]))) <= 12 < sum(map(len, data["x"]))
    ]
    assert 10 <= len(on_grid) <= 45, len(on_grid)
    areas = [charts.varied_spec(2, "area", index) for index in range(150)]
    faded = [(look, data) for look, data in areas if data.get("gradient")]
    assert 4 <= len(faded) <= 30 and {data["variant"] for _, data in faded} <= {"single", "overlap"}
    look, data = faded[0]
    fig = charts.draw_varied("area", look, data, size_px=64)
    assert fig.axes[0].images, "the fade is an image clipped to the area"
    assert max(charts.render_varied(fig, look.jpeg).size) == 64


def test_heldout_theme_is_never_drawn_for_training():
    rng = np.random.default_rng(0)
    looks = [charts.sample_look(rng) for _ in range(400)]
    assert not {look.theme for look in looks} & set(HELDOUT_THEMES)
    assert not {look.palette for look in looks} & {p for t in HELDOUT_THEMES for p in THEMES[t][-1]}
    assert {look.theme for look in looks} == set(TRAIN_THEMES)  # every training theme is used
    assert all(set(THEMES[t][-1]) <= set(PALETTES) for t in THEMES)


def test_each_drawer_tells_the_layout_what_it_drew_and_leaves_the_data_alone():
    for kind in charts.CHART_TYPES:
        for index in range(4):
            look, data = charts.varied_spec(3, kind, index)
            before = repr(data)
            fig = charts.draw_varied(kind, look, data, size_px=64)
            marks = charts.KINDS[kind].draw(fig.axes[0], data, look, 1.0)
            assert isinstance(marks, DrawnMarks), kind
            assert marks.x_limits[0] < marks.x_limits[1] and marks.y_limits[0] < marks.y_limits[1], kind
            assert marks.legend_key in ("patch", "line", "point", "wedge"), kind
            assert marks.has_axes == (kind != "pie") and bool(marks.slice_names) == (kind == "pie")
            assert (marks.categories is not None) == (kind in ("bar", "hbar")), kind
            assert marks.category_axis == (kind == "hbar") and (kind != "hbar" or marks.turn_names == 0)
            assert repr(data) == before, f"{kind}: the data were changed"
    with pytest.raises(AttributeError):
        marks.turn_names = 45  # frozen: the layout never changes what a drawer said


def bar_data(names: list[str], rotate: int) -> dict:
    """One series of bars named ``names``, whose names may be turned by ``rotate`` degrees."""
    return dict(
        values=[[1.0 + i % 3 for i in range(len(names))]],
        x=[],
        variant="single",
        labels=names,
        width=0.7,
        value_labels=False,
        edge=False,
        rotate=rotate,
    )


def name_angles(fig, names: list[str]) -> set[float]:
    """The angles of the tick labels among ``names`` in a drawn chart."""
    return {artist.rotation for artist in fig.artists if getattr(artist, "text", None) in names}


def test_category_names_turn_only_where_they_do_not_fit_side_by_side():
    look = charts.Look(width=640, height=480, ticks=True)
    short = ["A", "B", "C"]
    assert name_angles(charts.draw_varied("bar", look, bar_data(short, 45)), short) == {0}
    long = [f"Category number {i}" for i in range(12)]
    assert name_angles(charts.draw_varied("bar", look, bar_data(long, 45)), long) == {45}
    assert name_angles(charts.draw_varied("bar", look, bar_data(long, 0)), long) == {0}, "thinned, level"
