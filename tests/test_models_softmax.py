"""Tests of models.softmax_regression: the one-layer model of notebook 01."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from dvdl_helpers import models  # noqa: E402


def test_shape_parameters_and_zero_start():
    model = models.softmax_regression()
    assert model.input_shape == (None, 784) and model.output_shape == (None, 10)
    assert model.count_params() == 784 * 10 + 10
    layer = model.get_layer("logits")
    assert not np.any(layer.kernel.numpy()) and not np.any(layer.bias.numpy()), "W and b start at zero"
    logits = model.predict(np.ones((2, 784), np.float32), verbose=0)
    assert np.all(logits == 0), "an untrained model gives every class the same score"


def test_outputs_logits_not_probabilities():
    model = models.softmax_regression(4, 3)
    model.get_layer("logits").kernel.assign(np.full((4, 3), 5.0, np.float32))
    logits = model.predict(np.ones((1, 4), np.float32), verbose=0)
    assert logits[0] == pytest.approx([20.0, 20.0, 20.0]), "no softmax at the end"


def test_l2_adds_a_regularisation_loss():
    plain = models.softmax_regression(4, 2)
    regularised = models.softmax_regression(4, 2, l2=0.1)
    regularised.get_layer("logits").kernel.assign(np.ones((4, 2), np.float32))
    assert not plain.losses
    assert float(sum(regularised.losses)) == pytest.approx(0.1 * 8)


def test_learns_a_separable_toy_problem():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    x = 0.5 * rng.random((300, 784)).astype(np.float32)
    x[y == 0, :392] += 0.5  # class 0: ink in the top half; class 1: in the bottom half
    x[y == 1, 392:] += 0.5
    model = models.softmax_regression(num_classes=2)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.5),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(x, y, batch_size=50, epochs=20, verbose=0)
    _, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy > 0.9
