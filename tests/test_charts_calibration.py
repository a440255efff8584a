"""Temperature scaling and the "unsure" threshold (dvdl_helpers.charts.calibration)."""

import numpy as np
import pytest

from dvdl_helpers.charts import calibration


def overconfident(n=600, seed=0):
    """Logits of a 3-type classifier that is right 70 % of the time but always about 99 % sure."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    said = np.where(rng.random(n) < 0.7, labels, (labels + 1) % 3)
    logits = np.full((n, 3), 0.0)
    logits[np.arange(n), said] = 5.0
    return logits, labels


def test_probabilities_average_looks_and_soften_with_temperature():
    logits = np.array([[[2.0, 0.0]], [[0.0, 2.0]]])  # two looks that disagree
    assert calibration.probabilities(logits) == pytest.approx(np.array([[0.5, 0.5]]))
    one = np.array([[2.0, 0.0]])
    assert calibration.probabilities(one, 4.0)[0, 0] < calibration.probabilities(one, 1.0)[0, 0]


def test_fit_temperature_softens_an_overconfident_model_and_keeps_its_answers():
    logits, labels = overconfident()
    t = calibration.fit_temperature(logits, labels)
    assert t > 1.5, t
    before, after = calibration.probabilities(logits), calibration.probabilities(logits, t)
    assert (before.argmax(1) == after.argmax(1)).all()
    assert after.max(1).mean() == pytest.approx(0.7, abs=0.05)  # confidence now matches accuracy
    ece = calibration.expected_calibration_error
    assert ece(after, labels) < ece(before, labels)


def test_answers_say_unsure_below_the_threshold():
    probs = np.array([[0.9, 0.05, 0.05, 0, 0, 0, 0], [0.3, 0.25, 0.2, 0.25, 0, 0, 0]])
    said = calibration.answers(probs, 0.5)
    assert said[0] == "area" and said[1] == calibration.UNSURE  # columns in sorted type order


def test_reject_score_counts_unsure_right_only_for_unknown_types():
    truth = np.array(["bar", "bar", "box", "box"])
    assert calibration.reject_score(truth, ["bar", "unsure", "unsure", "bar"]) == pytest.approx(0.5)
    assert calibration.reject_score(truth, ["bar", "bar", "unsure", "unsure"]) == 1.0


def test_choose_threshold_rejects_what_it_never_learned():
    sure = np.zeros((20, 7))
    sure[:, 1] = 0.95
    sure[:, 0] = 0.05  # 20 bars, 95 % sure
    vague = np.full((10, 7), 1 / 7)  # 10 box plots, no idea
    probs = np.concatenate([sure, vague])
    truth = np.array(["bar"] * 20 + ["box"] * 10)
    threshold = calibration.choose_threshold([(probs, truth)])
    assert 1 / 7 < threshold <= 0.95
    assert calibration.reject_score(truth, calibration.answers(probs, threshold)) == 1.0


def test_answers_keep_the_networks_own_choice_and_read_its_calibrated_probability():
    scaled = np.array([[0.40, 0.45, 0.15, 0, 0, 0, 0]])  # after a temperature, "bar" leads by a hair
    said = calibration.answers(scaled, 0.42, best=np.array([0]))  # the network itself answered "area"
    assert said[0] == calibration.UNSURE  # 0.40 < 0.42: the answer's own probability decides
    assert calibration.answers(scaled, 0.3, best=np.array([0]))[0] == "area"


def test_answer_and_confidence_keeps_the_uncalibrated_answer():
    logits = np.array([[[3.0, 0.0, 2.9]], [[0.0, 0.0, 3.5]]])  # two looks of one picture
    best, sure = calibration.answer_and_confidence(logits, 4.0)
    assert best[0] == calibration.probabilities(logits).argmax()
    assert sure[0] == pytest.approx(calibration.probabilities(logits, 4.0)[0, best[0]])
