"""Tests of dvdl_helpers.models: every model the notebooks build, their files, saving and loading.

Softmax regression (notebook 01), the CNN with its float32 copy, saving and loading (03), the chart
classifier (05) and the chart autoencoders (06).
"""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest

from dvdl_helpers import charts, data, device, explain, models

# --- softmax_regression (notebook 01) ---


def test_softmax_shape_parameters_and_zero_start():
    model = models.softmax_regression()
    assert model.input_shape == (None, 784) and model.output_shape == (None, 10)
    assert model.count_params() == 784 * 10 + 10
    layer = model.get_layer("logits")
    assert not np.any(layer.kernel.numpy()) and not np.any(layer.bias.numpy()), "W and b start at zero"
    logits = model.predict(np.ones((2, 784), np.float32), verbose=0)
    assert np.all(logits == 0), "an untrained model gives every class the same score"


def test_softmax_outputs_logits_not_probabilities():
    model = models.softmax_regression(4, 3)
    model.get_layer("logits").kernel.assign(np.full((4, 3), 5.0, np.float32))
    logits = model.predict(np.ones((1, 4), np.float32), verbose=0)
    assert logits[0] == pytest.approx([20.0, 20.0, 20.0]), "no softmax at the end"


def test_softmax_l2_adds_a_regularisation_loss():
    plain = models.softmax_regression(4, 2)
    regularised = models.softmax_regression(4, 2, l2=0.1)
    regularised.get_layer("logits").kernel.assign(np.ones((4, 2), np.float32))
    assert not plain.losses
    assert float(sum(regularised.losses)) == pytest.approx(0.1 * 8)


def test_softmax_learns_a_separable_toy_problem():
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


# --- convnet (notebook 03): its float32 copy, saving, loading ---

# conv 5×5×1×32 + 32, conv 5×5×32×64 + 64, fc (7·7·64)×512 + 512, fc 512×10 + 10: TensorFlow's
# convolutional.py, which pads with SAME, so two 2×2 poolings leave 7×7 of the 28×28 image.
ORIGINAL_LAYER_PARAMS = {
    "conv1": 5 * 5 * 1 * 32 + 32,
    "conv2": 5 * 5 * 32 * 64 + 64,
    "fc1": 7 * 7 * 64 * 512 + 512,
    "logits": 512 * 10 + 10,
}


@pytest.fixture(scope="module")
def convnet():
    return models.convnet()


def test_convnet_output_shape(convnet):
    assert convnet.output_shape == (None, 10)
    logits = convnet.predict(np.zeros((3, 28, 28, 1), np.float32), verbose=0)
    assert logits.shape == (3, 10)


def test_convnet_parameter_count_equals_the_original(convnet):
    assert convnet.count_params() == models.CONVNET_PARAMS == sum(ORIGINAL_LAYER_PARAMS.values())
    for name, count in ORIGINAL_LAYER_PARAMS.items():
        assert convnet.get_layer(name).count_params() == count, name


def test_convnet_layer_output_shapes(convnet):
    expected = {
        "conv1": (None, 28, 28, 32),
        "pool1": (None, 14, 14, 32),
        "conv2": (None, 14, 14, 64),
        "pool2": (None, 7, 7, 64),
        "flatten": (None, 3136),
        "fc1": (None, 512),
        "logits": (None, 10),
    }
    for name, shape in expected.items():
        assert tuple(convnet.get_layer(name).output.shape) == shape, name


def test_convnet_l2_on_the_dense_layers_only(convnet):
    assert convnet.get_layer("fc1").kernel_regularizer is not None
    assert convnet.get_layer("logits").kernel_regularizer is not None
    assert convnet.get_layer("conv1").kernel_regularizer is None
    assert convnet.get_layer("conv2").kernel_regularizer is None
    assert convnet.get_layer("dropout").rate == 0.5


def test_convnet_smaller_variant():
    small = models.convnet(filters=(8, 16), dense_units=64)
    assert small.output_shape == (None, 10)
    assert small.count_params() < models.CONVNET_PARAMS / 10


def test_convnet_mixed_precision_keeps_float32_logits_and_copy_is_float32(tmp_path):
    import keras

    with device.precision("mixed_bfloat16"):
        mixed = models.convnet()
    assert keras.mixed_precision.global_policy().name == "float32"
    assert mixed.get_layer("conv1").compute_dtype == "bfloat16"
    assert mixed.get_layer("logits").compute_dtype == "float32"
    assert all(weight.dtype == "float32" for weight in mixed.weights)

    copy = models.float32_copy(mixed)
    assert {layer.dtype_policy.name for layer in copy.layers} == {"float32"}
    x = np.random.default_rng(0).random((4, 28, 28, 1), dtype=np.float32)
    np.testing.assert_allclose(copy(x).numpy(), mixed(x).numpy(), atol=0.05)

    path = tmp_path / "convnet.keras"
    copy.save(path)
    loaded = keras.models.load_model(path)
    assert {layer.dtype_policy.name for layer in loaded.layers} == {"float32"}
    np.testing.assert_allclose(loaded(x).numpy(), copy(x).numpy(), rtol=1e-5, atol=1e-6)


def test_convnet_learns_a_little():
    import keras

    keras.utils.set_random_seed(0)
    mnist = data.load_mnist("bundled", verbose=False)
    small = models.convnet(filters=(8, 16), dense_units=32)
    small.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    train = data.mnist_dataset(mnist.train.images[:1000], mnist.train.labels[:1000], batch_size=50)
    history = small.fit(train, epochs=2, verbose=0)
    assert history.history["accuracy"][-1] > 0.3, "chance is 0.1"


@pytest.mark.slow
def test_saved_copy_loads_in_a_fresh_process_under_a_mixed_policy(tmp_path):
    """Notebook 04 loads notebook 03's file in another process; a global mixed policy must not matter."""
    import subprocess
    import sys

    with device.precision("mixed_bfloat16"):
        mixed = models.convnet()
    path = tmp_path / "mnist_convnet.keras"
    models.float32_copy(mixed).save(path)
    script = (
        "import keras, numpy as np\n"
        "keras.mixed_precision.set_global_policy('mixed_bfloat16')\n"
        f"model = keras.models.load_model({str(path)!r})\n"
        "computing = {l.compute_dtype for l in model.layers if l.weights}\n"
        "out = model(np.zeros((2, 28, 28, 1), np.float32))\n"
        "print(sorted(computing), out.dtype, tuple(out.shape))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "['float32'] <dtype: 'float32'> (2, 10)"


def _small_mixed_precision_convnet() -> keras.Model:
    """A small convnet built under ``mixed_bfloat16`` (as notebook 03 trains where bf16 is native)."""
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = models.convnet(filters=(4, 8), dense_units=16)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    return model


def test_save_and_load_model_without_the_optimizer_warning(tmp_path, digits):
    images, labels = digits
    model = _small_mixed_precision_convnet()
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(data.image_batch(images), labels, epochs=1, verbose=0)
    path = models.save_model(model, tmp_path / "sub" / models.CONVNET_FILE)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = models.load_model(path)
        loss = loaded.evaluate(data.image_batch(images), labels, verbose=0)
    assert not [w for w in caught if "Skipping variable loading" in str(w.message)], "optimizer warning"
    assert np.isfinite(loss) and loaded.optimizer is not None, "loaded model is compiled"
    assert {layer.dtype_policy.name for layer in loaded.layers} == {"float32"}


def test_load_or_train_convnet_trains_when_missing_and_loads_when_present(tmp_path, digits):
    images, labels = digits
    path = tmp_path / "mnist_convnet.keras"
    model, how = models.load_or_train_convnet(images, labels, path=path, epochs=1, batch_size=6)
    assert how == "trained" and not path.exists(), "the quick model must not replace notebook 03's"
    model.save(path)
    loaded, how = models.load_or_train_convnet(images, labels, path=path)
    assert how == "loaded"
    x = data.image_batch(images)
    np.testing.assert_allclose(loaded(x, training=False), model(x, training=False), atol=1e-5)


def test_load_or_train_convnet_rejects_another_model(tmp_path, digits):
    images, labels = digits
    path = tmp_path / "other.keras"
    models.softmax_regression().save(path)
    with pytest.raises(ValueError, match="not the course's convnet"):
        models.load_or_train_convnet(images, labels, path=path)


def test_a_mixed_precision_model_is_loaded_as_float32(tmp_path, digits):
    images, labels = digits
    model = _small_mixed_precision_convnet()
    path = tmp_path / "mnist_convnet.keras"
    model.save(path)
    loaded, how = models.load_or_train_convnet(images, labels, path=path)
    assert how == "loaded"
    assert all(layer.dtype_policy.compute_dtype == "float32" for layer in loaded.layers)
    assert loaded.get_layer("conv1").filters == 4 and loaded.get_layer("fc1").units == 16


def test_load_or_train_softmax(tmp_path, digits):
    images, labels = digits
    path = tmp_path / "mnist_softmax.keras"
    model, how = models.load_or_train_softmax(images, labels, path=path, epochs=1)
    assert how == "trained" and model.get_layer("logits").get_weights()[0].shape == (784, 10)
    model.save(path)
    assert models.load_or_train_softmax(images, labels, path=path)[1] == "loaded"


# --- chart_convnet (notebook 05) ---

# conv 3×3 without bias, batch normalisation (scale, shift, running mean and variance) per block; global
# average pooling leaves one number per feature map of the last block, read by the output layer.
LAYER_PARAMS = {
    "conv1": 3 * 3 * 1 * 16,
    "bn1": 4 * 16,
    "conv2": 3 * 3 * 16 * 32,
    "bn2": 4 * 32,
    "conv3": 3 * 3 * 32 * 64,
    "bn3": 4 * 64,
    "conv4": 3 * 3 * 64 * 128,
    "bn4": 4 * 128,
    "logits": 128 * 7 + 7,
}


@pytest.fixture(scope="module")
def chart_net():
    return models.chart_convnet()


def test_chart_convnet_shapes_and_parameters(chart_net):
    assert chart_net.input_shape == (None, 48, 48, 1)
    assert chart_net.output_shape == (None, 7)
    assert chart_net.count_params() == sum(LAYER_PARAMS.values()) == 98_775
    for name, count in LAYER_PARAMS.items():
        assert chart_net.get_layer(name).count_params() == count, name
    expected = {
        "relu1": (None, 48, 48, 16),
        "pool1": (None, 24, 24, 16),
        "relu3": (None, 12, 12, 64),
        "relu4": (None, 6, 6, 128),
        "gap": (None, 128),
    }
    for name, shape in expected.items():
        assert tuple(chart_net.get_layer(name).output.shape) == shape, name


def test_chart_convnet_batch_norm_replaces_the_conv_bias(chart_net):
    for index in (1, 2, 3, 4):
        assert chart_net.get_layer(f"conv{index}").use_bias is False
        assert chart_net.get_layer(f"bn{index}").momentum == pytest.approx(0.9)
    assert chart_net.get_layer("dropout").rate == pytest.approx(0.3)
    assert chart_net.get_layer("logits").dtype_policy.compute_dtype == "float32"


def test_chart_convnet_augmentation_only_while_training(chart_net):
    x = np.random.default_rng(0).random((4, 48, 48, 1)).astype(np.float32)
    for name in ("contrast", "brightness"):
        layer = chart_net.get_layer(name)
        assert np.array_equal(np.asarray(layer(x, training=False)), x), name
        changed = np.asarray(layer(x, training=True))
        assert not np.allclose(changed, x) and changed.min() >= 0 and changed.max() <= 1, name


def test_chart_convnet_other_sizes_depths_and_no_augmentation():
    net = models.chart_convnet((64, 64, 1), 3, filters=(8, 16, 32), contrast=0, brightness=0)
    names = {layer.name for layer in net.layers}
    assert "contrast" not in names and "brightness" not in names
    assert net.output_shape == (None, 3)
    assert tuple(net.get_layer("relu3").output.shape) == (None, 16, 16, 32)
    assert net.predict(np.zeros((2, 64, 64, 1), np.float32), verbose=0).shape == (2, 3)


def test_chart_convnet_perspective_and_blur_are_optional_and_only_while_training():
    assert not {"perspective", "blur"} & {layer.name for layer in models.chart_convnet().layers}
    net = models.chart_convnet(perspective=0.2, blur=0.5)
    x = np.random.default_rng(0).random((8, 48, 48, 1)).astype(np.float32)
    blur = net.get_layer("blur")
    assert np.array_equal(np.asarray(blur(x, training=False)), x)
    blurred = np.asarray(blur(x, training=True))
    assert blurred.std() < x.std(), "a blur smooths the noise"
    slant = net.get_layer("perspective")
    assert np.array_equal(np.asarray(slant(x, training=False)), x)
    assert net.predict(x, verbose=0).shape == (8, 7)


def test_chart_convnet_erase_paints_paper_while_training_only():
    assert "erase" not in {layer.name for layer in models.chart_convnet().layers}
    erase = models.chart_convnet(erase=1.0).get_layer("erase")
    x = np.zeros((16, 48, 48, 1), np.float32)  # all ink: an erased patch shows as paper (1.0)
    assert np.array_equal(np.asarray(erase(x, training=False)), x)
    erased = np.asarray(erase(x, training=True))
    assert set(np.unique(erased)) <= {0.0, 1.0}, "erased patches are paper-white, nothing else"
    assert 0 < erased.mean() < 0.5, "some of the ink is painted over, most of it stays"


@pytest.mark.slow
def test_chart_convnet_learns_bars_from_pies_and_explanations_run():
    """A few steps on 24 generated charts separate two easy types; saliency and Grad-CAM work on it."""
    import keras

    keras.utils.set_random_seed(0)
    kinds = ("bar", "pie")
    pictures, labels = [], []
    for label, kind in enumerate(kinds):
        for index in range(12):
            style, values, x = charts.chart_spec(3, kind, index)
            pictures.append(charts.draw_chart(kind, values, x, style=style, size_px=(48, 48)))
            labels.append(label)
    images = charts.images_to_array(pictures, (48, 48))
    labels = np.array(labels)
    net = models.chart_convnet(num_classes=2)
    # A learning rate that decays to zero lets batch normalisation's running statistics (used at inference)
    # catch up with the weights; with a constant 3e-3 and 45 steps they lag and every chart reads "pie".
    net.compile(
        optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, decay_steps=20 * 3)),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    net.fit(data.image_batch(images), labels, epochs=20, batch_size=8, verbose=0)
    predictions = net.predict(data.image_batch(images), verbose=0).argmax(axis=1)
    assert (predictions == labels).mean() >= 0.9
    assert explain.saliency_maps(net, images[:3]).shape == (3, 48, 48)
    cams = explain.grad_cam(net, images[:3], layer="relu3")
    assert cams.shape == (3, 48, 48) and cams.min() >= 0 and cams.max() <= 1


def test_chart_convnet_framing_augmentation_only_while_training():
    net = models.chart_convnet((32, 32, 1), 7, filters=(4, 8), zoom=0.2, shift=0.1, flip=True)
    x = np.random.default_rng(1).random((4, 32, 32, 1)).astype(np.float32)
    for name in ("zoom", "shift", "flip"):
        layer = net.get_layer(name)
        assert np.array_equal(np.asarray(layer(x, training=False)), x), name
    assert not np.allclose(np.asarray(net.get_layer("shift")(x, training=True)), x)


# --- chart_autoencoder and linear_autoencoder (notebook 06) ---

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


def test_chart_autoencoder_three_models_with_the_expected_shapes(built):
    autoencoder, encoder, decoder = built
    assert encoder.output_shape == (None, 2)
    assert decoder.input_shape == (None, 2)
    assert decoder.output_shape == autoencoder.output_shape == (None, 48, 48, 1)
    names = ["conv1", "conv2", "conv3", "flatten", "hidden", "code"]
    assert [layer.name for layer in encoder.layers[1:]] == names
    names = ["hidden", "expand", "reshape", "deconv1", "deconv2", "pixels"]
    assert [layer.name for layer in decoder.layers[1:]] == names


def test_chart_autoencoder_parameter_counts_layer_by_layer(built):
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


def test_chart_autoencoder_outputs_are_pixels_in_0_1_and_codes_unbounded(built):
    autoencoder, encoder, _ = built
    x = np.random.default_rng(1).random((8, 48, 48, 1)).astype("float32") * 50  # far outside [0, 1]
    out = autoencoder.predict(x, verbose=0)
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert encoder.get_layer("code").get_config()["activation"] == "linear"


@pytest.mark.parametrize(("shape", "latent"), [((64, 64, 1), 8), ((32, 48, 1), 3), ((16, 16, 3), 2)])
def test_chart_autoencoder_other_sizes_channels_and_codes(shape, latent):
    autoencoder, encoder, decoder = models.chart_autoencoder(shape, latent_dim=latent)
    assert encoder.output_shape == (None, latent)
    assert autoencoder.output_shape == (None, *shape)


def test_chart_autoencoder_fewer_or_more_layers():
    autoencoder, encoder, _ = models.chart_autoencoder((32, 32, 1), filters=(8, 16), hidden=16)
    assert encoder.get_layer("conv2").output.shape == (None, 8, 8, 16)
    assert autoencoder.output_shape == (None, 32, 32, 1)


def test_chart_autoencoder_size_must_be_divisible_by_the_number_of_halvings():
    with pytest.raises(ValueError, match="multiples of 8"):
        models.chart_autoencoder((50, 48, 1))


@pytest.mark.slow
def test_chart_autoencoder_a_few_steps_reduce_the_reconstruction_error():
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


@pytest.mark.parametrize("upsampling", ["nearest", "bilinear"])
def test_chart_autoencoder_upsampling_decoder_has_the_same_parameters(upsampling):
    autoencoder, _, decoder = models.chart_autoencoder((48, 48, 1), latent_dim=2, upsampling=upsampling)
    names = ["hidden", "expand", "reshape", "up1", "upconv1", "up2", "upconv2", "up3", "pixels"]
    assert [layer.name for layer in decoder.layers[1:]] == names
    assert autoencoder.count_params() == 344_131 and autoencoder.output_shape == (None, 48, 48, 1)


def test_chart_autoencoder_upsampling_has_no_uneven_overlap_and_transposed_has():
    ones = np.ones((1, 6, 6, 1), "float32")
    reached = {}
    for upsampling in ("transposed", "nearest"):
        _, _, decoder = models.chart_autoencoder((48, 48, 1), filters=(1, 1, 1), upsampling=upsampling)
        layer = decoder.get_layer("pixels")  # one channel in, one out: a kernel of 0.1 counts the inputs
        layer.set_weights([np.full_like(layer.get_weights()[0], 0.1), np.zeros(1, "float32")])
        inputs = keras.layers.UpSampling2D(2)(ones) if upsampling == "nearest" else ones
        out = np.asarray(layer(inputs), dtype="float64")[0, 2:-2, 2:-2, 0]
        reached[upsampling] = np.log(out / (1 - out)) / 0.1  # undo the sigmoid
    assert np.allclose(np.unique(np.round(reached["transposed"], 2)), [1, 2, 4], atol=1e-3)
    assert np.allclose(reached["nearest"], 9, atol=1e-3)


def test_chart_autoencoder_rejects_an_unknown_upsampling():
    with pytest.raises(ValueError, match="upsampling"):
        models.chart_autoencoder((48, 48, 1), upsampling="cubic")


def test_pixel_erasing_erases_while_training_only_and_leaves_the_input_alone():
    layer = models.PixelErasing(0.5, seed=0)
    x = np.ones((4, 32, 32, 1), "float32")
    erased = np.asarray(layer(x, training=True))
    assert set(np.unique(erased)) == {0.0, 1.0}, "kept pixels are not scaled up (unlike Dropout)"
    assert 0.45 <= float(np.mean(erased == 0)) <= 0.55
    assert not np.array_equal(np.asarray(layer(x, training=True)), erased), "fresh pixels at every step"
    np.testing.assert_array_equal(np.asarray(layer(x)), x)
    assert np.all(x == 1), "the input is not modified"


def test_pixel_erasing_rejects_a_rate_outside_0_1_and_saves_its_settings():
    for rate in (-0.1, 1.0):
        with pytest.raises(ValueError, match="rate"):
            models.PixelErasing(rate)
    config = models.PixelErasing(0.3, seed=4).get_config()
    assert config["rate"] == 0.3 and config["seed"] == 4


# --- the shipped autoencoders (notebook 06's finale) ---


def test_every_shipped_autoencoder_loads_and_redraws_pixels():
    names = models.shipped_autoencoders()
    assert names == ["conv_2", "conv_32", "conv_8", "conv_bce", "denoise_32"]
    x = np.random.default_rng(0).random((3, 48, 48, 1)).astype("float32")
    for name in names:
        autoencoder, encoder, decoder = models.load_shipped_autoencoder(name)
        latent = 2 if name == "conv_2" else 8 if name == "conv_8" else 32
        assert encoder.output_shape == (None, latent), name
        out = np.asarray(autoencoder(x))
        assert out.shape == x.shape and out.min() >= 0 and out.max() <= 1, name
        assert np.any(autoencoder.get_layer("encoder").get_layer("code").kernel.numpy()), "weights loaded"


def test_shipped_autoencoders_are_small_and_documented():
    files = sorted(models.SHIPPED_DIR.glob("*.npz"))
    assert sum(f.stat().st_size for f in files) < 5_000_000, "a few MB at most"
    card = (models.SHIPPED_DIR / "README.md").read_text()
    for name in models.shipped_autoencoders():
        assert name in card, f"{name} missing from the model card"
    assert "tools/train_shipped_autoencoders.py" in card


def test_pyproject_ships_the_model_files():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(models.__file__).parents[1] / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["dvdl_helpers"]
    assert "shipped/*.npz" in patterns and "shipped/README.md" in patterns


def test_shipped_pca_has_orthonormal_components():
    mean, components = models.load_shipped_pca()
    assert mean.shape == (48 * 48,) and components.shape == (32, 48 * 48)
    np.testing.assert_allclose(components @ components.T, np.eye(32), atol=1e-4)


def test_save_and_load_shipped_autoencoder_round_trip(tmp_path, monkeypatch):
    keras.utils.set_random_seed(0)
    autoencoder, _, _ = models.chart_autoencoder((16, 16, 1), latent_dim=3, name="tiny")
    monkeypatch.setattr(models, "SHIPPED_DIR", tmp_path)
    models.save_shipped_autoencoder(autoencoder, tmp_path / "chart_autoencoder_tiny.npz")
    assert models.shipped_autoencoders() == ["tiny"]
    loaded, encoder, _ = models.load_shipped_autoencoder("tiny")
    assert encoder.output_shape == (None, 3) and loaded.name == "tiny"
    x = np.random.default_rng(0).random((2, 16, 16, 1)).astype("float32")
    np.testing.assert_allclose(
        np.asarray(loaded(x)), np.asarray(autoencoder(x)), atol=5e-3
    )  # float16 weights


def test_load_shipped_autoencoder_names_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "SHIPPED_DIR", tmp_path)
    with pytest.raises(
        FileNotFoundError, match=r"no shipped autoencoder .conv_3.*train_shipped_autoencoders"
    ):
        models.load_shipped_autoencoder("conv_3")
    with pytest.raises(FileNotFoundError, match=r"chart_pca\.npz"):
        models.load_shipped_pca()


def test_load_shipped_autoencoder_refuses_weights_of_another_shape(tmp_path, monkeypatch):
    autoencoder, _, _ = models.chart_autoencoder((16, 16, 1), latent_dim=3, name="tiny")
    monkeypatch.setattr(models, "SHIPPED_DIR", tmp_path)
    path = models.save_shipped_autoencoder(autoencoder, tmp_path / "chart_autoencoder_tiny.npz")
    with np.load(path) as saved:
        arrays = dict(saved)
    arrays["w00"] = arrays["w00"][..., :2]  # a first kernel with fewer filters
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="do not fit"):
        models.load_shipped_autoencoder("tiny")


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


@pytest.mark.slow
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


@pytest.mark.slow
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


# --- build_for_fit: one trace of the training step instead of two ---


def _traced_fit(build_first: bool, data_for_fit, y=None, *, compile_kwargs=None) -> tuple[int, list]:
    """Fit a small convnet once; return how often its train_step was traced, and its weights."""
    keras.utils.set_random_seed(0)
    net = models.convnet(filters=(4, 8), dense_units=16)
    net.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        **(compile_kwargs or {"metrics": ["accuracy"]}),
    )
    traces = []
    step = net.train_step
    net.train_step = lambda batch: (traces.append(1), step(batch))[1]  # runs only while tracing
    if build_first:
        models.build_for_fit(net, data_for_fit if y is None else (data_for_fit[:1], y[:1]))
    net.fit(data_for_fit, y, epochs=2, verbose=0, **({"batch_size": 16} if y is not None else {}))
    return len(traces), net.get_weights()


@pytest.mark.slow
def test_build_for_fit_traces_the_step_once_with_the_same_result(digits):
    images, labels = digits
    dataset = data.mnist_dataset(images[:64], labels[:64], batch_size=16)
    traces_before, weights_before = _traced_fit(False, dataset)
    traces_after, weights_after = _traced_fit(True, dataset)
    assert (traces_before, traces_after) == (2, 1), "Keras traces twice when fit creates variables"
    for before, after in zip(weights_before, weights_after, strict=True):
        np.testing.assert_allclose(before, after, rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_build_for_fit_with_arrays_and_without_metrics(digits):
    images, labels = digits
    x = data.image_batch(images[:64])
    assert _traced_fit(True, x, np.asarray(labels[:64]))[0] == 1
    assert _traced_fit(True, x, np.asarray(labels[:64]), compile_kwargs={})[0] == 1


def test_build_for_fit_with_several_outputs():
    linear = {f"k{k}": models.linear_autoencoder((8, 8, 1), latent_dim=k, name=f"lin{k}")[0] for k in (1, 2)}
    joint = models.side_by_side(linear, (8, 8, 1))
    joint.compile(optimizer="adam", loss={"k1": "mse", "k2": "mse"})
    x = np.zeros((4, 8, 8, 1), "float32")
    models.build_for_fit(joint, (x, {"k1": x, "k2": x}))
    assert joint.optimizer.built and len(joint.optimizer.variables) > len(joint.trainable_variables)


def test_build_for_fit_needs_a_compiled_model():
    with pytest.raises(ValueError, match="compile"):
        models.build_for_fit(models.convnet(filters=(4, 8), dense_units=16), (np.zeros((1, 28, 28, 1)), [0]))
