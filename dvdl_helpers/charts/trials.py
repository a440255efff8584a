"""The records of the classifier's recipes and trials, read as tables (notebooks 05 and 08).

Every training start of a recipe, and every test of a model on a set of charts another program drew, is
one line of a ``benchmarks/results/*.jsonl`` file, added by :func:`append` (``tools/choose_chart_recipe.py``
writes ``chart_choices``; the renderer tools write ``second_renderer``; ``tools/classify_crops.py`` writes
``sheet_crop``; ``charts train --ship`` appends each shipped model's card to ``shipped_models``). The
notebooks compare recipes from these lines:
:func:`scores_by_start` groups a recipe's scores by training start, :func:`recipe_and_start` names the
model a program-set line tested, :func:`shipped_card` finds the card of a model that shipped.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import paths
from . import shipped

__all__ = [
    "append",
    "read",
    "recipe_and_start",
    "scores_by_start",
    "shipped_card",
    "shipped_recipe",
    "start_of",
    "start_scores",
]


def read(name: str) -> list[dict]:
    """The lines of ``benchmarks/results/<name>.jsonl``, oldest first."""
    with (_results() / f"{name}.jsonl").open() as lines:
        return [json.loads(line) for line in lines]


def append(name: str, record: dict) -> None:
    """Add ``record`` as the last line of ``benchmarks/results/<name>.jsonl`` (skipped where the course's
    benchmarks folder is not installed)."""
    if _results().is_dir():
        with (_results() / f"{name}.jsonl").open("a") as lines:
            lines.write(json.dumps(record, default=str) + "\n")


def _results() -> Path:
    """The course's records folder (``paths.REPO_ROOT`` read when asked: tests move it)."""
    return paths.REPO_ROOT / "benchmarks" / "results"


def shipped_card(recipe: str) -> dict:
    """The card (its facts) of the last model that shipped from ``recipe`` (``shipped_models`` lines)."""
    cards = [card for card in read("shipped_models") if card.get("recipe_name") == recipe]
    if not cards:
        raise KeyError(f"no model of {recipe!r} shipped: benchmarks/results/shipped_models.jsonl has none")
    return cards[-1]


def start_of(record: dict) -> str:
    """The training start a record measured: ``"0"`` from a seed ``0`` or from a file like ``v9-wide_s0``."""
    return str(record["seed"]).rsplit("_s", 1)[-1]


def scores_by_start(records: list[dict]) -> dict[str, dict[str, dict]]:
    """Recipe -> {start: scores} from ``chart_choices`` lines; a start measured twice counts once.

    An ensemble is named by its starts (``"ensemble 0+1"``; the shipped model's file is start 0). Lines
    that measured models on another draw's validation charts (``validation_data_seed``) are left out:
    they are not the recipe's own validation.
    """
    starts: dict[str, dict[str, dict]] = {}
    for record in records:
        if "validation_data_seed" in record:
            continue
        start = start_of(record)
        if start == "ensemble":
            start += " " + "+".join(
                "0" if file.endswith(shipped.MODEL.name) else file.removesuffix(".keras").rsplit("_s", 1)[-1]
                for file in record["files"]
            )
        starts.setdefault(record["name"], {}).setdefault(start, {}).update(record["scores"])
    return starts


def start_scores(starts: dict[str, dict[str, dict]], recipe: str, key: str) -> list[float]:
    """A recipe's score on one set (a choose half, or ``"validation"``), start by start, without ensembles."""
    return [
        scores[key]["value"]
        for start, scores in starts[recipe].items()
        if not start.startswith("ensemble") and key in scores
    ]


#: The recipe of the model that shipped when a line says ``"model": "shipped"`` without ``shipped_recipe``:
#: every such line was written while the course shipped this recipe's start 0.
SHIPPED_BEFORE = "v11-30-epochs"


def shipped_recipe() -> str:
    """The recipe of the model that ships now, as its card names it (a card without the name: v11's)."""
    return shipped.facts().get("recipe_name", SHIPPED_BEFORE)


def recipe_and_start(record: dict) -> tuple[str, str]:
    """The recipe and start a ``second_renderer`` line tested (``"shipped"``: the shipped recipe, start 0)."""
    if record["model"] == "shipped":
        return record.get("shipped_recipe", SHIPPED_BEFORE), "0"
    recipe, start = record["model"].split("/")[-1].removesuffix(".keras").rsplit("_s", 1)
    return recipe, start
