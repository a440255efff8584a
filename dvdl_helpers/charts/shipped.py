"""The chart classifier that ships with the course: its file, its model card, and how it was made.

``pretrained/chart_classifier.keras`` is the network (no optimizer state); ``chart_classifier.json`` beside
it holds its facts (the command and seed that trained it, package versions, training time and machine,
temperature, "unsure" threshold, every score with its 95 % interval); ``MODEL_CARD.md`` is the same facts
for people, written by :func:`write_card`. ``charts.classify`` and ``dvdl-charts classify`` use this model
unless told to use another; ``python -m dvdl_helpers.charts train --ship`` makes it again.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import stats

FOLDER = Path(__file__).resolve().parent / "pretrained"
MODEL = FOLDER / "chart_classifier.keras"
FACTS = MODEL.with_suffix(".json")
CARD = FOLDER / "MODEL_CARD.md"


def facts() -> dict:
    """The shipped model's facts (empty if the package was installed without them)."""
    return json.loads(FACTS.read_text()) if FACTS.exists() else {}


def model_path() -> Path:
    """The shipped model's file, or a clear error saying how to get one."""
    if not MODEL.exists():
        raise FileNotFoundError(
            f"the shipped chart classifier is missing ({MODEL}): reinstall the course "
            "(pip install -e .), or train one with 'python -m dvdl_helpers.charts train' and pass it as model"
        )
    return MODEL


def card_intervals(card: dict | None = None) -> dict[str, stats.Interval]:
    """The scores of the card (default: the shipped model's) as intervals, by name."""
    card = facts() if card is None else card
    return {name: stats.Interval(**value) for name, value in card.get("scores", {}).items()}


def compare_with_card(scores: dict[str, stats.Interval], card: dict | None = None) -> list[str]:
    """One line per score: the new value, and whether it falls within the card's 95 % interval."""
    shipped, lines = card_intervals(card), []
    for name, score in scores.items():
        if name not in shipped:
            continue
        old = shipped[name]
        inside = old.low <= score.value <= old.high
        verdict = "within" if inside else "OUTSIDE"
        lines.append(
            f"{name}: {score.value:.3f}, {verdict} the shipped model's interval {old.low:.2f}–{old.high:.2f}"
        )
    return lines


def card_markdown(card: dict) -> str:
    """The model card for people: what it is, how it was made, how well it does (with intervals)."""
    scores = card_intervals(card)
    rows = "\n".join(
        f"| {name} | {s.value:.3f} | {s.low:.2f}–{s.high:.2f} | {s.n} |" for name, s in scores.items()
    )
    versions = ", ".join(f"{name} {version}" for name, version in card.get("versions", {}).items())
    fact = {
        key: card.get(key, "?") for key in ("threshold", "temperature", "trained_by", "seed", "data_seed")
    }
    fact |= {key: card.get(key, "?") for key in ("train_charts", "generator_version", "epochs", "machine")}
    recipe, minutes, types = (
        json.dumps(card.get("recipe", {})),
        card.get("train_s", 0) / 60,
        card.get("types", []),
    )
    programs = card.get("program_charts", 0)
    also = (
        f" and {programs} charts drawn by R, ggplot2, gnuplot and LibreOffice (`datasets/program-charts/`)"
        if programs
        else ""
    )
    by_programs = " and by four programs" if programs else ""
    name = f" (`{card['recipe_name']}` in the records)" if "recipe_name" in card else ""
    return f"""# Model card: the course's chart classifier

**What it does.** Names the type of a chart picture: {", ".join(types)}. Below a probability of
{fact["threshold"]} (after temperature scaling, T = {fact["temperature"]}) it answers "unsure" with its best
guess. Used by `charts.classify` and `dvdl-charts classify` unless another model is named.

**How it was made.** `{fact["trained_by"]}` (training seed {fact["seed"]}, chart seed {fact["data_seed"]}):
{fact["train_charts"]} generated charts (generator v2, version {fact["generator_version"]}){also},
{fact["epochs"]} epochs, recipe{name} `{recipe}`; {minutes:.1f} min of training on {fact["machine"]}.
Packages: {versions}.
Every choice was made on generated validation charts and on the *choose* halves of the two real-chart
sources; the *confirm* halves were read once, for the last rows below. No chart of either source was
in its training.

**How well it does** (balanced accuracy over the seven types for real charts, accuracy for generated ones;
95 % intervals by bootstrap or Wilson):

| set | score | 95 % interval | charts |
|---|---:|---|---:|
{rows}

**Limits.** Trained on charts drawn with matplotlib in the looks of common tools{by_programs}, in some
contexts (spreadsheet and slide screenshots, photos, scans). Before asking it, `classify` crops a picture to a
chart pasted over a sheet's cells and to a dark chart panel on a light page; other screenshots (a slide,
a window) it reads whole. It knows seven types; anything else (box plots, maps, tables) gets "unsure" at
best. Confident mistakes remain on looks far from its training charts.
"""


def write_card(card: dict) -> None:
    """Write the facts (JSON) and the model card (Markdown) beside the shipped model."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    FACTS.write_text(json.dumps(card, indent=1, default=str) + "\n")
    CARD.write_text(card_markdown(card))
