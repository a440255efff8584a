"""charts.trials: the records of recipes and trials, grouped by training start."""

import json

import pytest

from dvdl_helpers import charts, paths


def line(name, seed, value, **facts):
    return dict(name=name, seed=seed, scores={"validation": {"value": value}}, **facts)


def test_a_recipe_s_scores_are_grouped_by_start_and_a_start_measured_twice_counts_once():
    records = [
        line("v1", 0, 0.90),
        line("v1", "v1_s1", 0.80),
        line("v1", "v1_s1", 0.85),  # measured again: the later line wins
        line("v1", "v1_s1", 0.70, validation_data_seed=1),  # another draw's validation: left out
        line("v1", "ensemble", 0.95, files=["a/v1_s1.keras", f"b/{charts.shipped.MODEL.name}"]),
    ]
    starts = charts.trials.scores_by_start(records)
    assert sorted(starts["v1"]) == ["0", "1", "ensemble 1+0"]
    assert charts.trials.start_scores(starts, "v1", "validation") == [0.90, 0.85]
    assert charts.trials.start_scores(starts, "v1", "a set nobody measured") == []


def test_a_program_set_line_names_its_recipe_and_start():
    written_before = {"model": "shipped"}  # lines without shipped_recipe: v11-30-epochs shipped then
    assert charts.trials.recipe_and_start(written_before) == ("v11-30-epochs", "0")
    assert charts.trials.recipe_and_start({"model": "shipped", "shipped_recipe": "v22"}) == ("v22", "0")
    tested = {"model": "artifacts/experiments/v21-programs_s1.keras"}
    assert charts.trials.recipe_and_start(tested) == ("v21-programs", "1")


def test_records_are_read_from_the_results_folder(tmp_path, monkeypatch):
    (tmp_path / "benchmarks" / "results").mkdir(parents=True)
    lines = [line("v1", 0, 0.9), line("v1", 1, 0.8)]
    text = "".join(json.dumps(record) + "\n" for record in lines)
    (tmp_path / "benchmarks" / "results" / "some.jsonl").write_text(text)
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path)
    assert charts.trials.read("some") == lines


def test_a_shipped_model_s_card_is_appended_and_found_by_its_recipe(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path)
    charts.trials.append("shipped_models", {"recipe_name": "v1"})  # no records folder: nothing written
    assert not (tmp_path / "benchmarks").exists()
    (tmp_path / "benchmarks" / "results").mkdir(parents=True)
    for card in ({"recipe_name": "v1", "seed": 0}, {"recipe_name": "v2"}, {"recipe_name": "v1", "seed": 1}):
        charts.trials.append("shipped_models", card)
    assert charts.trials.shipped_card("v1") == {"recipe_name": "v1", "seed": 1}, "the last one that shipped"
    with pytest.raises(KeyError, match="v3"):
        charts.trials.shipped_card("v3")


def test_the_shipped_recipe_is_read_from_the_shipped_card(monkeypatch):
    monkeypatch.setattr(charts.shipped, "facts", lambda: {"recipe_name": "v99"})
    assert charts.trials.shipped_recipe() == "v99"
    monkeypatch.setattr(charts.shipped, "facts", lambda: {})  # a card written before cards named it
    assert charts.trials.shipped_recipe() == charts.trials.SHIPPED_BEFORE
