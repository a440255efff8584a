"""Tests of notebook 06's chart autoencoder builder (``models.chart_autoencoder``)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from dvdl_helpers import models

# 48×48×1 → conv 3×3 stride 2 (16, 32, 64) → 6×6×64 = 2,304 → dense 64 → code 2, and back.
ENCODER_PARAMS = {
    "conv1": 3 * 3 * 1 * 16 + 16,
    "conv2": 3 * 3 * 16 * 32 + 32,
    "conv3": 3 * 3 * 32 * 64 + 64,
    "hidden": 2304 * 64 + 64,
    "code": 64 * 2 + 2,
}
DECODER_PARAMS = {
    "hidden": 2 * 64 + 64,
    "expand": 64 * 2304 + 2304,
    "deconv1": 3 * 3 * 64 * 32 + 32,
    "deconv2": 3 * 3 * 32 * 16 + 16,
    "pixels": 3 * 3 * 16 * 1 + 1,
}


@pytest.fixture(scope="module")
def built():
    keras.utils.set_random_seed(0)
    return models.chart_autoencoder((48, 48, 1), latent_dim=2)


def test_three_models_with_the_expected_shapes(built):
    autoencoder, encoder, decoder = built
    assert encoder.output_shape == (None, 2)
    assert decoder.input_shape == (None, 2)
    assert decoder.output_shape == autoencoder.output_shape == (None, 48, 48, 1)
    names = ["conv1", "conv2", "conv3", "flatten", "hidden", "code"]
    assert [layer.name for layer in encoder.layers[1:]] == names
    names = ["hidden", "expand", "reshape", "deconv1", "deconv2", "pixels"]
    assert [layer.name for layer in decoder.layers[1:]] == names


def test_parameter_counts_layer_by_layer(built):
    autoencoder, encoder, decoder = built
    for model, expected in [(encoder, ENCODER_PARAMS), (decoder, DECODER_PARAMS)]:
        for name, count in expected.items():
            assert model.get_layer(name).count_params() == count, (model.name, name)
    total = sum(ENCODER_PARAMS.values()) + sum(DECODER_PARAMS.values())
    assert autoencoder.count_params() == total == 344_131


def test_autoencoder_is_decoder_of_encoder_with_shared_weights(built):
    autoencoder, encoder, decoder = built
    x = np.random.default_rng(0).random((4, 48, 48, 1)).astype("float32")
    direct = autoencoder.predict(x, verbose=0)
    chained = decoder.predict(encoder.predict(x, verbose=0), verbose=0)
    np.testing.assert_allclose(direct, chained, atol=1e-5)
    assert len(autoencoder.weights) == len(encoder.weights) + len(decoder.weights)


def test_outputs_are_pixels_in_0_1_and_codes_unbounded(built):
    autoencoder, encoder, _ = built
    x = np.random.default_rng(1).random((8, 48, 48, 1)).astype("float32") * 50  # far outside [0, 1]
    out = autoencoder.predict(x, verbose=0)
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert encoder.get_layer("code").get_config()["activation"] == "linear"


@pytest.mark.parametrize(("shape", "latent"), [((64, 64, 1), 8), ((32, 48, 1), 3), ((16, 16, 3), 2)])
def test_other_sizes_channels_and_codes(shape, latent):
    autoencoder, encoder, decoder = models.chart_autoencoder(shape, latent_dim=latent)
    assert encoder.output_shape == (None, latent)
    assert autoencoder.output_shape == (None, *shape)


def test_fewer_or_more_layers():
    autoencoder, encoder, _ = models.chart_autoencoder((32, 32, 1), filters=(8, 16), hidden=16)
    assert encoder.get_layer("conv2").output.shape == (None, 8, 8, 16)
    assert autoencoder.output_shape == (None, 32, 32, 1)


def test_size_must_be_divisible_by_the_number_of_halvings():
    with pytest.raises(ValueError, match="multiples of 8"):
        models.chart_autoencoder((50, 48, 1))


def test_a_few_steps_reduce_the_reconstruction_error():
    keras.utils.set_random_seed(0)
    autoencoder, _, _ = models.chart_autoencoder((16, 16, 1), latent_dim=2, filters=(8, 8), hidden=16)
    rng = np.random.default_rng(0)
    x = np.zeros((64, 16, 16, 1), "float32")  # bars of random height: one number explains each image
    for image, height in zip(x, rng.integers(2, 15, len(x)), strict=True):
        image[16 - height :, 6:10] = 1.0
    autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="mse")
    before = autoencoder.evaluate(x, x, verbose=0)
    autoencoder.fit(x, x, epochs=30, batch_size=16, verbose=0)
    assert autoencoder.evaluate(x, x, verbose=0) < 0.5 * before


def test_linear_autoencoder_has_pca_shapes_and_no_activation():
    autoencoder, encoder, decoder = models.linear_autoencoder((16, 16, 1), latent_dim=3)
    assert encoder.output_shape == (None, 3)
    assert decoder.output_shape == autoencoder.output_shape == (None, 16, 16, 1)
    assert [layer.name for layer in encoder.layers[1:]] == ["flatten", "code"]
    assert [layer.name for layer in decoder.layers[1:]] == ["pixels", "reshape"]
    for name, model in [("code", encoder), ("pixels", decoder)]:
        assert model.get_layer(name).get_config()["activation"] == "linear"
    assert autoencoder.count_params() == (256 * 3 + 3) + (3 * 256 + 256)


def test_linear_autoencoder_is_linear():
    keras.utils.set_random_seed(0)
    autoencoder, _, _ = models.linear_autoencoder((8, 8, 1), latent_dim=2)
    rng = np.random.default_rng(0)
    a, b = rng.random((2, 1, 8, 8, 1)).astype("float32")
    zero = np.zeros_like(a)
    inputs = {"a": a, "b": b, "ab": a + b, "0": zero}
    out = {name: autoencoder.predict(x, verbose=0) for name, x in inputs.items()}
    # affine: f(a + b) - f(0) = (f(a) - f(0)) + (f(b) - f(0))
    np.testing.assert_allclose(out["ab"] - out["0"], out["a"] + out["b"] - 2 * out["0"], atol=1e-4)


def test_linear_autoencoder_reaches_pca_but_not_below():
    rng = np.random.default_rng(0)
    basis = rng.normal(size=(3, 64))  # data near a 3-D subspace, plus a little noise
    x = (rng.normal(size=(256, 3)) @ basis + 0.05 * rng.normal(size=(256, 64))).astype("float32")
    centred = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    pca2 = centred @ vt[:2].T @ vt[:2] + x.mean(axis=0)
    pca_error = float(np.mean((x - pca2) ** 2))
    keras.utils.set_random_seed(0)
    autoencoder, _, _ = models.linear_autoencoder((8, 8, 1), latent_dim=2)
    autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="mse")
    images = x.reshape(-1, 8, 8, 1)
    autoencoder.fit(images, images, epochs=150, batch_size=256, verbose=0)
    error = float(np.mean((autoencoder.predict(images, verbose=0) - images) ** 2))
    assert pca_error * 0.99 <= error <= pca_error * 1.1


def test_side_by_side_outputs_one_reconstruction_per_name():
    first, _, _ = models.linear_autoencoder((8, 8, 1), latent_dim=2, name="first")
    second, _, _ = models.chart_autoencoder((8, 8, 1), latent_dim=3, filters=(4,), hidden=8, name="second")
    joint = models.side_by_side({"a": first, "b": second}, (8, 8, 1))
    x = np.random.default_rng(0).random((5, 8, 8, 1)).astype("float32")
    out = joint.predict(x, verbose=0)
    assert set(out) == {"a", "b"}
    np.testing.assert_allclose(out["a"], first.predict(x, verbose=0), atol=1e-5)
    np.testing.assert_allclose(out["b"], second.predict(x, verbose=0), atol=1e-5)
    assert joint.count_params() == first.count_params() + second.count_params()


def test_side_by_side_trains_each_model_on_its_own_loss():
    keras.utils.set_random_seed(0)
    names = {k: models.linear_autoencoder((8, 8, 1), latent_dim=k, name=f"lin{k}")[0] for k in (1, 4)}
    joint = models.side_by_side({f"k{k}": m for k, m in names.items()}, (8, 8, 1))
    joint.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss={"k1": "mse", "k4": "mse"})
    x = np.random.default_rng(1).random((64, 8, 8, 1)).astype("float32")
    before = {k: float(np.mean((m.predict(x, verbose=0) - x) ** 2)) for k, m in names.items()}
    joint.fit(x, {"k1": x, "k4": x}, epochs=40, batch_size=64, verbose=0)
    after = {k: float(np.mean((m.predict(x, verbose=0) - x) ** 2)) for k, m in names.items()}
    assert all(after[k] < 0.5 * before[k] for k in names), (before, after)
    assert after[4] < after[1], "the wider code reconstructs better"


def test_side_by_side_needs_a_model():
    with pytest.raises(ValueError, match="at least one"):
        models.side_by_side({}, (8, 8, 1))
