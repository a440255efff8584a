"""Tests of the notebook-03 CNN (`models.convnet`): its float32 copy, saving, loading, input pipeline."""

from __future__ import annotations

import warnings

import keras
import numpy as np
import pytest

from dvdl_helpers import data, device, models

# conv 5×5×1×32 + 32, conv 5×5×32×64 + 64, fc (7·7·64)×512 + 512, fc 512×10 + 10: TensorFlow's
# convolutional.py, which pads with SAME, so two 2×2 poolings leave 7×7 of the 28×28 image.
ORIGINAL_LAYER_PARAMS = {
    "conv1": 5 * 5 * 1 * 32 + 32,
    "conv2": 5 * 5 * 32 * 64 + 64,
    "fc1": 7 * 7 * 64 * 512 + 512,
    "logits": 512 * 10 + 10,
}


@pytest.fixture(scope="module")
def model():
    return models.convnet()


def test_output_shape(model):
    assert model.output_shape == (None, 10)
    logits = model.predict(np.zeros((3, 28, 28, 1), np.float32), verbose=0)
    assert logits.shape == (3, 10)


def test_parameter_count_equals_the_original(model):
    assert model.count_params() == models.CONVNET_PARAMS == sum(ORIGINAL_LAYER_PARAMS.values())
    for name, count in ORIGINAL_LAYER_PARAMS.items():
        assert model.get_layer(name).count_params() == count, name


def test_layer_output_shapes(model):
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
        assert tuple(model.get_layer(name).output.shape) == shape, name


def test_l2_on_the_dense_layers_only(model):
    assert model.get_layer("fc1").kernel_regularizer is not None
    assert model.get_layer("logits").kernel_regularizer is not None
    assert model.get_layer("conv1").kernel_regularizer is None
    assert model.get_layer("conv2").kernel_regularizer is None
    assert model.get_layer("dropout").rate == 0.5


def test_smaller_variant():
    small = models.convnet(filters=(8, 16), dense_units=64)
    assert small.output_shape == (None, 10)
    assert small.count_params() < models.CONVNET_PARAMS / 10


def test_mixed_precision_keeps_float32_logits_and_copy_is_float32(tmp_path):
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


def test_mnist_dataset_batches_scaled_images():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (10, 28, 28), dtype=np.uint8)
    labels = np.arange(10) % 10
    x, y = next(iter(data.mnist_dataset(images, labels, batch_size=4)))
    assert x.shape == (4, 28, 28, 1) and x.dtype == "float32"
    np.testing.assert_allclose(x.numpy()[..., 0], images[:4] / 255, rtol=1e-6)
    np.testing.assert_array_equal(y.numpy(), labels[:4])
    sizes = [len(batch) for batch in data.mnist_dataset(images, batch_size=4)]
    assert sizes == [4, 4, 2]


def test_mnist_dataset_shuffles_and_augments_each_epoch():
    rng = np.random.default_rng(1)
    images = np.zeros((8, 28, 28), np.uint8)
    images[:, 10:18, 12:16] = 255
    dataset = data.mnist_dataset(images, np.zeros(8), batch_size=8, shuffle=True, augment=True, seed=3)
    first, second = (next(iter(dataset))[0].numpy() for _ in range(2))
    assert first.shape == (8, 28, 28, 1)
    assert first.min() >= 0 and first.max() <= 1
    assert not np.allclose(first, second), "each epoch should see new distortions"
    assert not np.allclose(first[..., 0], images / 255), "augmentation should move the ink"
    assert abs(first.sum() / (images.sum() / 255) - 1) < 0.5, "ink mostly stays in the image"
    del rng


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
