"""Probabilities that mean what they say, and an honest "unsure" for pictures that fit no type well.

A network's softmax is usually over-confident on pictures unlike its training data. *Temperature scaling*
divides its logits by one number ``T``, chosen so that the probabilities fit held-apart charts best (the
lowest cross-entropy; the course fits it on the real charts' choose halves): the ranking of the types, and
so every answer, stays the same; only the confidence changes. Then a *reject
threshold*: below it the classifier says "unsure" (and still gives its best guess). It is chosen where
the answers count, on the choose halves of the real-chart sources, with the gallery's box plots (a type
it never learned) as the test of "none of these": :func:`reject_score` counts "unsure" as right for them
and as wrong for the seven types.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .clean_look import CHART_TYPES

UNSURE = "unsure"
#: temperatures tried, log-spaced (0.25 sharpens, 4 softens)
TEMPERATURES = np.exp(np.linspace(np.log(0.25), np.log(4.0), 121))
#: thresholds tried for the reject rule (a probability of at least 1/7 is always reached)
THRESHOLDS = np.round(np.arange(0.15, 0.96, 0.01), 2)


def probabilities(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Softmax of ``logits / temperature``; ``logits`` ``(..., N, types)``, the mean over leading looks."""
    scaled = np.asarray(logits, float) / temperature
    exp = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    probs = exp / exp.sum(axis=-1, keepdims=True)
    return probs.mean(axis=0) if probs.ndim == 3 else probs


def answer_and_confidence(logits: np.ndarray, temperature: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The network's answers (its most probable types, as it was trained) and their calibrated probabilities.

    The temperature changes how sure an answer is, never which answer it is (with two looks averaged, the
    calibrated ranking could otherwise tip for a rare picture).
    """
    best = probabilities(logits).argmax(axis=-1)
    return best, probabilities(logits, temperature)[np.arange(len(best)), best]


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature (of :data:`TEMPERATURES`) with the lowest cross-entropy on ``labels``."""
    labels = np.asarray(labels)

    def cross_entropy(t: float) -> float:
        chosen = probabilities(logits, t)[np.arange(len(labels)), labels]
        return float(-np.mean(np.log(np.clip(chosen, 1e-12, 1))))

    return float(min(TEMPERATURES, key=cross_entropy))


def answers(
    probs: np.ndarray, threshold: float, types: Sequence[str] | None = None, *, best: np.ndarray | None = None
) -> np.ndarray:
    """Each picture's type name, or :data:`UNSURE` where the probability of its answer is below ``threshold``.

    ``best``: the answers' column indices (default: the most probable type in ``probs``); the course answers
    with the network's own best type and reads its *calibrated* probability, so the temperature changes how
    sure an answer is, never which answer it is.
    """
    names = np.array(sorted(types or CHART_TYPES), dtype=object)
    best = probs.argmax(axis=1) if best is None else np.asarray(best)
    said = names[best]
    said[probs[np.arange(len(best)), best] < threshold] = UNSURE
    return said


def reject_score(truth: Sequence[str], said: Sequence[str]) -> float:
    """Balanced accuracy over every true type present, where "unsure" is the right answer for a type the
    classifier never learned (a box plot) and a wrong one for the seven."""
    truth, said = np.asarray(truth), np.asarray(said)
    expected = np.where(np.isin(truth, CHART_TYPES), truth, UNSURE)
    return float(
        np.mean([np.mean(said[truth == kind] == expected[truth == kind]) for kind in np.unique(truth)])
    )


def choose_threshold(sets: Sequence[tuple]) -> float:
    """The threshold (of :data:`THRESHOLDS`) with the best mean :func:`reject_score` over ``sets``.

    ``sets``: ``(probabilities, true type names)`` per source, or ``(probabilities, true type names, best)``
    with the answers' column indices (see :func:`answers`). Ties go to the lower threshold (fewer "unsure"
    answers).
    """

    def mean_score(threshold: float) -> float:
        scores = [
            reject_score(s[1], answers(s[0], threshold, best=s[2] if len(s) > 2 else None)) for s in sets
        ]
        return float(np.mean(scores))

    scores = [mean_score(t) for t in THRESHOLDS]
    return float(THRESHOLDS[int(np.argmax(scores))])


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = 10) -> float:
    """How far confidence is from accuracy, averaged over confidence bins (0: perfectly calibrated)."""
    confidence, right = probs.max(axis=1), probs.argmax(axis=1) == np.asarray(labels)
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    gaps = [
        abs(right[which == b].mean() - confidence[which == b].mean()) * np.mean(which == b)
        for b in range(bins)
        if np.any(which == b)
    ]
    return float(np.sum(gaps))
