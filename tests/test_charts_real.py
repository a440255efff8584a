"""Tests of generator v2 (:mod:`dvdl_helpers.charts.varied`, ``looks``, ``layout``) and of preparing and
classifying real chart pictures (:mod:`dvdl_helpers.charts.real`, the ``classify`` command)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dvdl_helpers import charts
from dvdl_helpers.charts import real, training
from dvdl_helpers.charts.looks import HELDOUT_THEMES, PALETTES, THEMES, TRAIN_THEMES
from dvdl_helpers.cli import charts as cli


def pngs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.png"))}


@pytest.fixture(scope="module")
def varied(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("varied")
    charts.generate_dataset(out, 3, seed=4, size_px=(96, 96), style="varied", jobs=1, progress=False)
    return out


def test_v2_is_deterministic_whatever_the_jobs(varied, tmp_path):
    charts.generate_dataset(tmp_path, 3, seed=4, size_px=(96, 96), style="varied", jobs=2, progress=False)
    assert pngs(tmp_path) == pngs(varied)
    assert (tmp_path / "charts.csv").read_text() == (varied / "charts.csv").read_text()


def test_v2_keeps_the_looks_aspect_ratio_and_records_it(varied):
    rows = charts.read_csv(varied / "charts.csv")
    assert len(rows) == 21 and {r["type"] for r in rows} == set(charts.CHART_TYPES)
    for row in rows:
        width, height = Image.open(varied / row["file"]).size
        assert max(width, height) == 96
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


def test_heldout_theme_is_never_drawn_for_training():
    rng = np.random.default_rng(0)
    looks = [charts.sample_look(rng) for _ in range(400)]
    assert not {look.theme for look in looks} & set(HELDOUT_THEMES)
    assert not {look.palette for look in looks} & {p for t in HELDOUT_THEMES for p in THEMES[t][-1]}
    assert {look.theme for look in looks} == set(TRAIN_THEMES)  # every training theme is used
    assert all(set(THEMES[t][-1]) <= set(PALETTES) for t in THEMES)


@pytest.mark.parametrize("size", [(1000, 50), (3, 500), (640, 480), (17, 17)])
def test_prepare_any_size_keeps_the_aspect_ratio(size):
    image = Image.new("RGB", size, "white")
    image.paste((30, 30, 200), (size[0] // 4, size[1] // 4, size[0] // 2 + 1, size[1] // 2 + 1))
    out = real.prepare_chart(image, 32, crop=False)
    assert out.shape == (32, 32) and out.dtype == np.uint8
    if size[0] > 5 * size[1]:  # wide: padded with paper above and below
        assert out[0].min() > 240 and out[-1].min() > 240


def test_prepare_transparency_dark_theme_and_modes():
    rgba = Image.new("RGBA", (80, 60), (0, 0, 0, 0))  # transparent (black) paper: reads as white
    rgba.paste((200, 0, 0, 255), (20, 20, 40, 50))
    light = real.prepare_chart(rgba, 32)
    assert np.median(light[[0, -1]]) > 240 and light.min() < 120
    dark = Image.new("RGB", (80, 60), (20, 20, 30))  # a dark theme: inverted to light paper
    dark.paste((240, 240, 90), (20, 20, 40, 50))
    assert np.median(real.prepare_chart(dark, 32)[[0, -1]]) > 200
    for mode in ("L", "LA", "P", "I;16", "CMYK"):
        assert real.prepare_chart(dark.convert(mode), 24).shape == (24, 24), mode


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    from dvdl_helpers import models

    path = tmp_path_factory.mktemp("model") / "tiny.keras"
    models.chart_convnet((32, 32, 1), 7, filters=(4, 8)).save(path)
    return path


@pytest.fixture
def pictures(tmp_path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    Image.new("RGBA", (300, 120), (0, 0, 0, 0)).save(folder / "a_transparent.png")
    Image.new("RGB", (90, 400), (10, 10, 10)).save(folder / "b_dark_tall.jpg")
    (folder / "c_broken.png").write_bytes(b"not a picture")
    Image.new("L", (5, 7), 255).save(folder / "d_tiny.gif")
    return folder


def test_classify_in_order_skipping_broken_files(tiny_model, pictures):
    files = real.expand_inputs([pictures])
    before, problems = sorted(pictures.iterdir()), []
    results = charts.classify(files, tiny_model, problems=problems)
    assert [f.name for f in files] == ["a_transparent.png", "b_dark_tall.jpg", "c_broken.png", "d_tiny.gif"]
    assert results[2] is None and len(problems) == 1 and "c_broken.png" in problems[0]
    for result in (results[0], results[1], results[3]):
        kind, probability = result
        assert kind in charts.CHART_TYPES and 0 < probability <= 1
    assert sorted(pictures.iterdir()) == before  # nothing written next to the inputs


def test_classify_command_line(tiny_model, pictures, capsys):
    assert cli.main(["classify", str(pictures), "--model", str(tiny_model)]) == 1  # one file failed
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 3 and "skipped:" in err and "c_broken.png" in err


def test_missing_model_says_how_to_make_one(pictures, tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match="charts train"):
        charts.classify([pictures / "a_transparent.png"], tmp_path / "none.keras")
    assert cli.main(["classify", str(pictures), "--model", str(tmp_path / "none.keras")]) == 2
    assert "notebook 05" in capsys.readouterr().err


def test_real_charts_ship_and_load():
    x, types, files = charts.load_real_charts(size=32)
    assert x.shape == (248, 32, 32) and x.dtype == np.uint8 and len(files) == 248
    counts = dict(zip(*np.unique(types, return_counts=True), strict=True))
    assert counts == dict(area=19, bar=74, box=13, hbar=24, histogram=13, line=55, pie=5, scatter=45)
    assert (real.REAL_CHARTS_DIR / "LICENSE-vega-lite.txt").exists()


def test_balanced_accuracy_and_split():
    assert real.balanced_accuracy(["bar", "bar", "pie"], ["bar", "pie", "pie"]) == pytest.approx(0.75)
    masks = training.split_by_index(np.repeat(np.arange(3), 10), (7, 2, 1))
    assert np.flatnonzero(masks["test"]).tolist() == [9, 19, 29] and masks["val"].sum() == 6
    assert (masks["train"].astype(int) + masks["val"] + masks["test"] == 1).all()
    assert training.proportional_split(600) == (480, 60, 60)


def test_train_command_runs_the_recipe_end_to_end(tmp_path, monkeypatch, capsys):
    calls = {}
    real_train = training.train_classifier

    def small(**options):  # the command's defaults are the full setting; a tiny run here
        calls.update(options)
        options |= dict(per_type=10, epochs=1, data_dir=tmp_path / "charts", progress=False)
        return real_train(**options)

    monkeypatch.setattr(training, "train_classifier", small)
    model = tmp_path / "model.keras"
    assert cli.main(["train", "--model", str(model), "--jobs", "1"]) == 0
    assert calls["per_type"] is None and calls["epochs"] is None  # full setting unless told otherwise
    out = capsys.readouterr().out
    assert model.exists() and "balanced accuracy" in out and "saved" in out
    kind, probability = charts.classify([real.REAL_CHARTS_DIR / "pie" / "arc_donut.png"], model)[0]
    assert kind in charts.CHART_TYPES and 0 < probability <= 1
