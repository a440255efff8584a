"""The chart classifier that ships with the course and its model card (dvdl_helpers.charts.shipped)."""

import zipfile

import h5py
import pytest

from dvdl_helpers import paths, stats
from dvdl_helpers.charts import shipped, sources

CARD = dict(
    trained_by="python -m dvdl_helpers.charts train --ship",
    seed=0,
    types=["area", "bar"],
    threshold=0.5,
    temperature=1.2,
    train_s=300,
    scores={
        "validation": dict(value=0.97, low=0.95, high=0.98, n=700, confidence=0.95),
        "chartjs (confirm half)": dict(value=0.9, low=0.85, high=0.94, n=120, confidence=0.95),
    },
)


def test_compare_with_card_says_within_or_outside():
    lines = shipped.compare_with_card(
        {
            "validation": stats.Interval(0.96, 0.9, 1, 700),
            "chartjs (confirm half)": stats.Interval(0.8, 0, 1, 9),
        },
        CARD,
    )
    assert len(lines) == 2 and "within" in lines[0] and "OUTSIDE" in lines[1]


def test_card_markdown_lists_every_score_with_its_interval():
    text = shipped.card_markdown(CARD)
    assert "| chartjs (confirm half) | 0.900 | 0.85–0.94 | 120 |" in text
    assert "charts train --ship" in text and "unsure" in text


def test_the_shipped_model_is_small_has_no_optimizer_and_a_complete_card():
    path = shipped.model_path()
    assert path.stat().st_size <= 5 * 1024 * 1024
    with zipfile.ZipFile(path) as archive, archive.open("model.weights.h5") as weights:
        # the optimizer's state would be a group inside the weights file, not a file of the archive
        assert "optimizer" not in h5py.File(weights), "shipped with optimizer state"
    facts = shipped.facts()
    assert {"trained_by", "seed", "versions", "machine", "train_s", "temperature", "threshold"} <= set(facts)
    names = set(facts["scores"])
    assert {"validation", "generated test", "held-out style"} <= names
    for source in sources.SOURCES:
        assert {f"{source} (choose half)", f"{source} (confirm half)"} <= names
    assert shipped.CARD.read_text() == shipped.card_markdown(facts)


def test_missing_model_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(shipped, "MODEL", tmp_path / "none.keras")
    with pytest.raises(FileNotFoundError, match="charts train"):
        shipped.model_path()


def test_the_readme_quotes_the_cards_confirm_half_scores():
    """The README states the shipped model's score on charts no choice looked at as its card has it."""
    readme = " ".join((paths.REPO_ROOT / "README.md").read_text().split())
    card = shipped.card_intervals()
    for source, name in (("vega-lite", "Vega-Lite"), ("chartjs", "Chart.js")):
        score = card[f"{source} (confirm half)"]
        quoted = f"{name} {score.value:.2f} ("
        assert quoted in readme, f"README.md should quote {quoted!r} (the model card's {source} confirm half)"
        assert f"{score.low:.2f}–{score.high:.2f}" in readme and f"{score.n} charts" in readme, source
    chosen_on = [f"{card[f'{source} (choose half)'].value:.2f}" for source in ("vega-lite", "chartjs")]
    assert f"on the halves used for choosing, {chosen_on[0]} and {chosen_on[1]}." in readme, chosen_on


def test_card_markdown_names_the_recipe_and_the_programs_charts_it_trained_on():
    plain = shipped.card_markdown(CARD)
    assert "drawn by R" not in plain and "in the records" not in plain
    text = shipped.card_markdown(CARD | {"recipe_name": "v22-programs-30", "program_charts": 2800})
    assert "2800 charts drawn by R, ggplot2, gnuplot and LibreOffice" in text
    assert "`v22-programs-30` in the records" in text and "and by four programs" in text
