"""Tests of dvdl_helpers.cli.charts: ``python -m dvdl_helpers.charts {generate,classify,train}``."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PIL import Image

from dvdl_helpers import charts
from dvdl_helpers.charts import real, training
from dvdl_helpers.cli import charts as cli


def test_command_line(tmp_path, pngs):
    cmd = [sys.executable, "-m", "dvdl_helpers.charts", str(tmp_path), "--per-type", "1", "--seed", "2"]
    cmd += ["--size", "48", "40", "--types", "bar", "line", "--jobs", "1", "--quiet"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120)
    assert "2 charts in" in result.stdout
    assert sorted(pngs(tmp_path)) == ["bar/bar_00000.png", "line/line_00000.png"]
    assert Image.open(tmp_path / "line" / "line_00000.png").size == (48, 40)
    assert len(charts.read_csv(tmp_path / "charts.csv")) == 2


def test_classify_command_line(tiny_chart_model, chart_pictures, capsys):
    status = cli.main(["classify", str(chart_pictures), "--model", str(tiny_chart_model)])
    assert status == 1  # one file failed
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 3 and "skipped:" in err and "c_broken.png" in err


def test_missing_model_says_how_to_make_one(chart_pictures, tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match="charts train"):
        charts.classify([chart_pictures / "a_transparent.png"], tmp_path / "none.keras")
    assert cli.main(["classify", str(chart_pictures), "--model", str(tmp_path / "none.keras")]) == 2
    assert "notebook 05" in capsys.readouterr().err


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
    assert model.exists() and "balanced accuracy" in out and "saved" in out and "confirm half" in out
    kind, probability = charts.classify([real.REAL_CHARTS_DIR / "pie" / "arc_donut.png"], model)[0]
    assert kind in charts.CHART_TYPES and 0 < probability <= 1
