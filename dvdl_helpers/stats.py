"""How sure is a score? 95 % intervals for accuracies measured on small sets.

A score measured on a few hundred examples is itself a random quantity: another set of the same kind
would give another number. :func:`wilson_interval` gives the interval of a plain accuracy (k right of n);
:func:`bootstrap_interval` gives it for any score of ``(truth, predicted)`` by measuring it again on sets
resampled from the one we have (per class, so that every class keeps its size). Notebook 01 teaches the
Wilson interval; notebooks 03 and 05–07 use both.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from statistics import NormalDist

import numpy as np


@dataclasses.dataclass(frozen=True)
class Interval:
    """A score with its interval: ``value`` measured on ``n`` examples, ``low``–``high`` at ``confidence``."""

    value: float
    low: float
    high: float
    n: int
    confidence: float = 0.95

    def __str__(self) -> str:
        return f"{self.value:.3f} (95 % interval {self.low:.2f}–{self.high:.2f}, n = {self.n})"

    def overlaps(self, other: Interval) -> bool:
        """Whether the two intervals share any value (then the data cannot tell the scores apart)."""
        return self.low <= other.high and other.low <= self.high


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Wilson's score interval of an accuracy of ``successes`` right out of ``n``.

    Unlike the textbook ``p ± 1.96·√(p(1−p)/n)`` it stays inside [0, 1] and is honest near 0 and 1
    (10 of 10 right does not mean "100 % ± 0").
    """
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n > 0, got {successes} of {n}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    center = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return Interval(p, float(max(0.0, center - half)), float(min(1.0, center + half)), n, confidence)


def accuracy(truth: Sequence, predicted: Sequence) -> float:
    """The share of ``predicted`` equal to ``truth``."""
    return float(np.mean(np.asarray(truth) == np.asarray(predicted)))


def bootstrap_interval(
    truth: Sequence,
    predicted: Sequence,
    score: Callable[[np.ndarray, np.ndarray], float] = accuracy,
    *,
    resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """``score(truth, predicted)`` with its percentile bootstrap interval.

    Each resample draws, for every true class, as many examples as that class has, with replacement: the
    set keeps its make-up (5 pies stay 5 pies), and the spread of the resampled scores is the
    uncertainty that comes from *which* examples happened to be in the set. Seeded: the same call gives
    the same interval.
    """
    truth, predicted = np.asarray(truth), np.asarray(predicted)
    if len(truth) != len(predicted) or not len(truth):
        raise ValueError(
            f"truth and predicted must have the same, non-zero length: {len(truth)}, {len(predicted)}"
        )
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(truth == kind) for kind in np.unique(truth)]
    scores = np.empty(resamples)
    for r in range(resamples):
        pick = np.concatenate([rng.choice(group, len(group)) for group in groups])
        scores[r] = score(truth[pick], predicted[pick])
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(scores, [tail, 100 - tail])
    return Interval(float(score(truth, predicted)), float(low), float(high), len(truth), confidence)
