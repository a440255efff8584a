"""tools/choose_chart_recipe.py: what a recipe experiment keeps (its training runs in the tool itself)."""

import json

import pytest
from helpers import TOOLS, load_script

choose = load_script(TOOLS / "choose_chart_recipe.py")


@pytest.mark.slow
def test_a_start_reads_validation_and_the_choose_halves_only(tmp_path, monkeypatch, capsys):
    """The generated test charts and the held-out style are neither drawn nor scored while choosing."""
    monkeypatch.setenv("DVDL_ARTIFACTS", str(tmp_path))
    monkeypatch.setattr(choose.charts.trials, "_results", lambda: tmp_path)  # the records go there
    tiny = ["--per-type", "10", "--epochs", "1", "--no-program-charts"]  # generated charts alone: quick
    assert choose.main(["tiny", "--seeds", "0", *tiny]) == 0
    (record,) = choose.charts.trials.read("chart_choices")
    assert set(record["scores"]) == set(choose.CHOSEN_ON) and record["seed"] == 0
    facts = json.loads((tmp_path / "experiments" / "tiny_s0.json").read_text())
    assert set(facts["scores"]) == set(choose.CHOSEN_ON)
    drawn = {folder.name for folder in (tmp_path / "experiments").glob("charts-v*/*") if folder.is_dir()}
    assert drawn and not any("heldout" in name for name in drawn), drawn
    assert "generated test" not in capsys.readouterr().out


def test_a_final_model_cannot_leave_the_tests_out():
    with pytest.raises(ValueError, match="tests=True"):
        choose.charts.train_classifier(10, 1, ship=True, tests=False)


def test_the_recipe_options_reach_the_network():
    options = ["--perspective", "0.2", "--blur", "0.5", "--mixup", "0.2", "--erase", "0.5", "--zoom", "0.2"]
    options += ["--not-charts", "560"]
    recipe = choose.recipe_from(choose.parser().parse_args(["name", *options]))
    assert recipe["network"]["perspective"] == 0.2 and recipe["network"]["blur"] == 0.5
    assert recipe["network"]["erase"] == 0.5 and recipe["network"]["zoom"] == 0.2
    assert recipe["mixup"] == 0.2 and recipe["size"] == choose.charts.RECIPE["size"]
    assert recipe["not_charts"] == 560
    default = choose.recipe_from(choose.parser().parse_args(["name"]))
    assert "mixup" not in default and default["program_charts"] == choose.charts.RECIPE["program_charts"]
    without = choose.recipe_from(choose.parser().parse_args(["name", "--no-program-charts"]))
    assert without["program_charts"] is False
    fewer = choose.recipe_from(choose.parser().parse_args(["name", "--program-charts-each", "50"]))
    assert fewer["program_charts"] == 50


def test_zoomed_looks_crop_the_centre_or_pad_with_paper():
    import numpy as np

    x = np.ones((1, 32, 32, 1), np.float32)  # paper, with a dark square in the middle
    x[0, 12:20, 12:20] = 0.0
    ink = lambda image: int((image < 0.5).sum())  # noqa: E731
    assert ink(choose.zoomed(x, 1.25)[0]) > ink(x[0]) > ink(choose.zoomed(x, 0.8)[0])
    padded = choose.zoomed(x, 0.8)[0]
    assert padded.shape == x[0].shape and padded[0, 0, 0] == 1.0, "zooming out pads with the paper"


def test_the_chosen_recipe_is_the_one_its_records_measured():
    """charts.RECIPE, the full setting and the generator are what the chosen recipe's recorded starts
    trained with: its trial's starts (tools/second_renderer.py train, with the programs' folders), the
    same recipe from the stored program charts (choose_chart_recipe.py), and the shipped model."""
    full, types = choose.charts.SETTINGS["full"], len(choose.charts.CHART_TYPES)
    generated = full["split"][0] * types
    programs = len(choose.charts.load_program_charts()[1])
    chosen = choose.charts.CHOSEN_RECIPE
    trial = [r for r in choose.charts.trials.read("second_renderer") if r.get("recipe") == chosen]
    assert len(trial) >= 2, "a choice rests on two or more training starts"
    for run in trial:
        trained = (run["generated_charts"], run["extra_charts"], run["epochs"])
        assert trained == (generated, programs, full["epochs"]), run["seed"]
    records = choose.charts.trials.read("chart_choices")
    stored = [r for r in records if r["name"].startswith(chosen) and "recipe" in r]
    card = choose.charts.shipped.facts()
    assert stored and card["recipe_name"] == chosen
    for record in [*stored, card]:
        assert record["generator_version"] == choose.charts.VARIED_VERSION
        assert json.loads(json.dumps(choose.charts.RECIPE)) == record["recipe"]
        assert record["epochs"] == full["epochs"]
    assert stored[0]["train_charts"] == generated + programs
    assert (card["train_charts"], card["program_charts"]) == (generated, programs)


def test_validation_is_scored_only_for_models_that_never_trained_on_it(tmp_path):
    model = tmp_path / "recipe_s0.keras"
    split = choose.charts.SETTINGS["full"]["split"]
    assert not choose.validation_is_unseen(model, split), "no facts: unknown, so not scored"
    trained = split[0] * len(choose.charts.CHART_TYPES)
    for version, train_charts, expected in (
        (choose.charts.VARIED_VERSION, trained, True),
        (choose.charts.VARIED_VERSION - 1, trained, False),  # another version: other charts
        (choose.charts.VARIED_VERSION, 2 * trained, False),  # more charts: maybe these validation charts
    ):
        facts = dict(generator_version=version, train_charts=train_charts)
        model.with_suffix(".json").write_text(json.dumps(facts))
        assert choose.validation_is_unseen(model, split) is expected


def test_in_context_scores_pool_the_contexts_per_source(tiny_chart_model, monkeypatch):
    import keras

    contexts = {name: choose.charts.context.CONTEXTS[name] for name in ("slide", "scan")}
    monkeypatch.setattr(choose.charts.context, "CONTEXTS", contexts)
    model = keras.models.load_model(tiny_chart_model, compile=False)
    scores, per_context = choose.in_context_scores(model, 32)
    assert set(scores) == {f"{source} (choose half, in context)" for source in choose.charts.sources.SOURCES}
    assert all(set(values) == {"slide", "scan"} for values in per_context.values())
    assert all(0 <= score.value <= 1 for score in scores.values())


def test_unsure_counts_ask_as_classify_does(tiny_chart_model):
    import keras

    model = keras.models.load_model(tiny_chart_model, compile=False)
    counts = choose.unsure_counts(model, int(model.input_shape[1]))
    assert [counts[what].split(" of ")[1] for what in ("box", "known", "digits")] == ["7", "243", "300"]
    assert 0 < counts["threshold"] < 1 and counts["temperature"] > 0


def test_right_by_type_counts_every_choose_half_chart_of_the_seven_types(tiny_chart_model):
    import keras

    model = keras.models.load_model(tiny_chart_model, compile=False)
    counts = choose.right_by_type(model, int(model.input_shape[1]))
    assert set(counts) == {"vega-lite (choose half)", "chartjs (choose half)"}
    assert [sum(n for _, n in per_type.values()) for per_type in counts.values()] == [120, 123]
    assert all(0 <= right <= n for per_type in counts.values() for right, n in per_type.values())
