"""Tests of dvdl_helpers.cli.charts: ``python -m dvdl_helpers.charts {generate,classify,train}``."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from dvdl_helpers import charts, paths
from dvdl_helpers.charts import real, training
from dvdl_helpers.cli import charts as cli


def test_command_line(tmp_path, pngs):
    cmd = [sys.executable, "-m", "dvdl_helpers.charts", "generate", str(tmp_path), "--per-type", "1"]
    cmd += ["--seed", "2", "--size", "48", "40", "--types", "bar", "line", "--jobs", "1", "--quiet"]
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


def test_a_model_file_that_is_no_model_says_so(chart_pictures, tmp_path, capsys):
    for name, content in [("junk.keras", b"not a model"), ("empty.keras", b"")]:
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ValueError, match=f"{name} is not a saved Keras model"):
            charts.classify([chart_pictures / "a_transparent.png"], tmp_path / name)
    assert cli.main(["classify", str(chart_pictures), "--model", str(tmp_path / "junk.keras")]) == 2
    err = capsys.readouterr().err
    assert "junk.keras is not a saved Keras model" in err and "charts train" in err
    assert "File not found" not in err and "Traceback" not in err


@pytest.mark.slow
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
    assert "and 2,800 drawn by real programs" in out, "the shipped recipe trains on the programs' charts too"
    kind, probability = charts.classify([real.REAL_CHARTS_DIR / "pie" / "arc_donut.png"], model)[0]
    assert kind in charts.CHART_TYPES and 0 < probability <= 1


def test_classify_formats_for_scripts(tiny_chart_model, chart_pictures, capsys):
    model = ["--model", str(tiny_chart_model), "--quiet"]
    assert cli.main(["classify", str(chart_pictures), *model, "--format", "csv"]) == 1
    out, err = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["file", "type", "probability", "unsure", "problem", "model"] and err == ""
    assert rows[0]["model"] == paths.display_path(tiny_chart_model) and rows[0]["unsure"] == "False"
    assert [Path(row["file"]).name for row in rows] == sorted(p.name for p in chart_pictures.iterdir())
    broken = rows[2]
    assert broken["type"] == broken["probability"] == "" and "Pillow cannot identify" in broken["problem"]
    assert rows[0]["type"] in charts.CHART_TYPES and 0 < float(rows[0]["probability"]) <= 1
    assert cli.main(["classify", str(chart_pictures / "a_transparent.png"), *model, "--format", "jsonl"]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["problem"] is None and row["file"].endswith("a_transparent.png")


def test_unsure_below_the_models_threshold_and_which_model_answered(tiny_chart_model, chart_pictures, capsys):
    facts = tiny_chart_model.with_suffix(".json")
    facts.write_text(json.dumps({"temperature": 1.5, "threshold": 1.01}))  # nothing is that sure
    try:
        picture = str(chart_pictures / "a_transparent.png")
        assert cli.main(["classify", picture, "--model", str(tiny_chart_model)]) == 0
        out, err = capsys.readouterr()
        assert out.split()[0] == "unsure" and "?)" in out.split()[1]
        assert paths.display_path(tiny_chart_model) in err and "'unsure' below 101%" in err
        (answer,) = real.iter_classify([picture], tiny_chart_model)
        assert answer.unsure and answer.type in charts.CHART_TYPES
    finally:
        facts.unlink()


def test_unsure_below_sets_another_threshold(tiny_chart_model, chart_pictures, capsys):
    picture, model = str(chart_pictures / "a_transparent.png"), ["--model", str(tiny_chart_model)]
    assert cli.main(["classify", picture, *model, "--unsure-below", "1"]) == 0
    out, err = capsys.readouterr()
    assert out.split()[0] == "unsure" and "'unsure' below 100%" in err  # the best guess in brackets
    assert cli.main(["classify", picture, *model, "--unsure-below", "0"]) == 0
    assert capsys.readouterr().out.split()[0] in charts.CHART_TYPES  # 0: never unsure
    for wrong in ("1.5", "-0.1", "half"):
        with pytest.raises(SystemExit):
            cli.main(["classify", picture, *model, "--unsure-below", wrong])
        assert "a probability from 0 to 1" in capsys.readouterr().err


def test_the_shipped_model_answers_unless_another_is_named():
    from dvdl_helpers.charts import shipped

    classifier = real.open_classifier()
    assert classifier.name == "shipped"
    assert (classifier.temperature, classifier.threshold) == (
        shipped.facts()["temperature"],
        shipped.facts()["threshold"],
    )
    (answer,) = real.iter_classify([real.REAL_CHARTS_DIR / "pie" / "arc_donut.png"], classifier)
    assert answer.type == "pie" and not answer.unsure


def test_classify_exit_codes_and_odd_names(tiny_chart_model, tmp_path, capsys):
    model = ["--model", str(tiny_chart_model), "--quiet"]
    (tmp_path / "bad.png").write_bytes(b"")
    assert cli.main(["classify", str(tmp_path), *model]) == 2  # nothing usable
    assert "skipped: " in capsys.readouterr().err
    assert cli.main(["classify", str(tmp_path / "empty_folder_missing"), *model]) == 2
    odd = tmp_path / os.fsdecode(b"caf\xe9\nnew.png")  # not UTF-8, and a newline in the name
    picture = Image.new("RGB", (40, 30), "white")
    picture.paste((0, 0, 0), (10, 10, 20, 28))  # a mark: a blank picture would be skipped
    picture.save(odd, format="PNG")
    assert cli.main(["classify", str(odd), *model]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith("caf\\xe9\\nnew.png") and len(out.splitlines()) == 1
    (tmp_path / "nothing here").mkdir()  # a folder named beside a picture, with no picture in it, is named
    assert cli.main(["classify", str(odd), str(tmp_path / "nothing here"), *model]) == 1
    err = capsys.readouterr().err
    assert f"skipped: {tmp_path / 'nothing here'}: no pictures in this folder" in err
    assert "1 skipped (named above), 1 classified" in err  # a folder is no "file"
    assert cli.main(["classify", str(tmp_path / "nothing here"), *model]) == 2
    assert "no pictures found in" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        cli.main(["classify", str(odd), *model, "--batch-size", "0"])
    assert usage.value.code == 2
    with pytest.raises(SystemExit):
        cli.main(["classify", "--help"])
    assert "exit status: 0 every file classified; 1 some skipped" in capsys.readouterr().out


def test_an_interrupted_run_keeps_what_it_printed(tiny_chart_model, chart_pictures, capsys, monkeypatch):
    calls = []
    prepare = real.prepare_chart

    def interrupted(path, size):
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return prepare(path, size)

    monkeypatch.setattr(real, "prepare_chart", interrupted)
    args = ["classify", str(chart_pictures), "--model", str(tiny_chart_model), "--batch-size", "2"]
    assert cli.main(args) == 130
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 2 and "interrupted after 2 of 4 inputs" in err  # the first batch


def test_text_answers_line_up_whatever_the_answer():
    _, line = cli._formatter("text")
    answers = [
        real.ChartAnswer(Path("a.png"), "pie", 1.0),
        real.ChartAnswer(Path("b.png"), "histogram", 0.2, unsure=True),
        real.ChartAnswer(Path("c.png"), "bar", 0.07, unsure=True),
    ]
    lines = [line(answer)[0] for answer in answers]
    assert lines[1].startswith("unsure (histogram?)") and len({text.index("%") for text in lines}) == 1
    _, never_unsure = cli._formatter("text", can_be_unsure=False)
    assert never_unsure(answers[0])[0].index("%") < lines[0].index("%")  # narrower without "unsure"
