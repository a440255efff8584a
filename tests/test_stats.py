"""Intervals of scores measured on small sets (dvdl_helpers.stats)."""

import numpy as np
import pytest

from dvdl_helpers import stats


def test_wilson_known_values():
    # 8 right of 10: the Wilson interval is 0.490-0.943 (textbook value).
    interval = stats.wilson_interval(8, 10)
    assert interval.value == 0.8
    assert interval.low == pytest.approx(0.490, abs=1e-3)
    assert interval.high == pytest.approx(0.943, abs=1e-3)


def test_wilson_stays_inside_zero_one_and_narrows_with_n():
    assert stats.wilson_interval(10, 10).high == pytest.approx(1.0)
    assert stats.wilson_interval(10, 10).low < 1.0  # 10 of 10 is not a certainty
    assert stats.wilson_interval(0, 10).low == pytest.approx(0.0)
    small, large = stats.wilson_interval(45, 50), stats.wilson_interval(900, 1000)
    assert large.high - large.low < small.high - small.low


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError, match="successes"):
        stats.wilson_interval(11, 10)
    with pytest.raises(ValueError):
        stats.wilson_interval(0, 0)


def test_bootstrap_contains_value_is_seeded_and_agrees_with_wilson():
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 3, 400)
    predicted = np.where(rng.random(400) < 0.8, truth, (truth + 1) % 3)
    first = stats.bootstrap_interval(truth, predicted)
    assert first == stats.bootstrap_interval(truth, predicted)  # seeded
    assert first.low <= first.value <= first.high
    wilson = stats.wilson_interval(int((truth == predicted).sum()), 400)
    assert abs((first.high - first.low) - (wilson.high - wilson.low)) < 0.03


def test_bootstrap_keeps_each_class_size():
    seen = []

    def record(truth, predicted):
        seen.append(np.bincount(truth, minlength=2).tolist())
        return stats.accuracy(truth, predicted)

    stats.bootstrap_interval(np.array([0] * 5 + [1] * 20), np.zeros(25, int), record, resamples=20)
    assert all(counts == [5, 20] for counts in seen)


def test_interval_text_and_overlap():
    a, b = stats.Interval(0.8, 0.7, 0.9, 100), stats.Interval(0.95, 0.91, 0.99, 100)
    assert "0.800" in str(a) and "0.70–0.90" in str(a) and "n = 100" in str(a)
    assert not a.overlaps(b) and a.overlaps(stats.Interval(0.85, 0.8, 0.95, 50))


def test_bootstrap_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same"):
        stats.bootstrap_interval([1, 2], [1])
