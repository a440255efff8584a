"""The shipped real-chart sources and their fixed choose / confirm halves (dvdl_helpers.charts.sources)."""

import numpy as np
import pytest

from dvdl_helpers.charts import sources


@pytest.mark.parametrize("source", sorted(sources.SOURCES))
def test_halves_split_every_type_in_two_without_overlap(source):
    rows = sources.label_rows(source)
    halves = sources.split_rows(rows)
    choose = {row["file"] for row in halves["choose"]}
    confirm = {row["file"] for row in halves["confirm"]}
    assert not choose & confirm and choose | confirm == {row["file"] for row in rows}
    for kind in {row["type"] for row in rows}:
        a = sum(row["type"] == kind for row in halves["choose"])
        b = sum(row["type"] == kind for row in halves["confirm"])
        assert a - b in (0, 1), (kind, a, b)
    assert sources.split_rows(list(reversed(rows)))["choose"][0]["file"] in choose  # order does not matter


def test_each_source_ships_its_license_and_labels():
    for folder in sources.SOURCES.values():
        assert list(folder.glob("LICENSE*")), folder
        assert (folder / "README.md").exists()


def test_load_source_prepares_the_half():
    charts = sources.load_source("chartjs", "confirm", size=32)
    assert charts.x.shape[1:] == (32, 32) and charts.x.dtype == np.uint8
    assert len(charts.x) == len(charts.types) == len(charts.files)
    assert charts.known.all()  # Chart.js's charts are all of the seven types
    gallery = sources.load_source("vega-lite", "all", size=16)
    assert (~gallery.known).sum() == 13  # the box plots


def test_bad_names_are_refused_with_the_choices():
    with pytest.raises(ValueError, match="chartjs"):
        sources.load_source("excel")
    with pytest.raises(ValueError, match="confirm"):
        sources.load_source("chartjs", "test")


def test_score_has_an_interval():
    charts = sources.load_source("chartjs", "choose", size=16)
    perfect = sources.score(charts, charts.types)
    assert perfect.value == 1.0 and perfect.n == len(charts.types)
    assert sources.score(charts, np.full(len(charts.types), "bar")).value < 0.2


def test_load_in_context_places_each_chart_the_same_way_every_time():
    plain = sources.load_source("chartjs", "choose", size=32)
    placed = sources.load_in_context("chartjs", "slide", "choose", size=32)
    assert placed.x.shape == plain.x.shape and list(placed.types) == list(plain.types)
    assert placed.files == plain.files and not np.array_equal(placed.x, plain.x)
    again = sources.load_in_context("chartjs", "slide", "choose", size=32)
    assert np.array_equal(again.x, placed.x), "every model is asked about the same pictures"
    with pytest.raises(ValueError, match="half must be one of"):
        sources.load_in_context("chartjs", "slide", "other")


def test_pooled_score_resamples_charts_not_copies():
    charts = sources.load_source("chartjs", "choose", size=16)
    right, wrong = charts.types, np.full(len(charts.types), "bar")
    once = sources.score(charts, np.where(np.arange(len(right)) % 2, right, wrong))
    pooled = sources.pooled_score(charts, [np.where(np.arange(len(right)) % 2, right, wrong)] * 6)
    assert pooled.value == pytest.approx(once.value) and pooled.n == once.n
    assert (pooled.low, pooled.high) == pytest.approx((once.low, once.high))  # six copies: no more sure
    halves = sources.pooled_score(charts, [right, wrong])  # every chart right in one look of two
    assert halves.value == pytest.approx(np.mean([sources.score(charts, r).value for r in (right, wrong)]))
