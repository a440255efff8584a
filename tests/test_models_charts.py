"""Tests of notebook 05's chart classifier (``models.chart_convnet``) and its figures (``plots``)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from dvdl_helpers import charts, explain, models, plots

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
def model():
    return models.chart_convnet()


def test_shapes_and_parameters(model):
    assert model.input_shape == (None, 48, 48, 1)
    assert model.output_shape == (None, 7)
    assert model.count_params() == sum(LAYER_PARAMS.values()) == 98_775
    for name, count in LAYER_PARAMS.items():
        assert model.get_layer(name).count_params() == count, name
    expected = {
        "relu1": (None, 48, 48, 16),
        "pool1": (None, 24, 24, 16),
        "relu3": (None, 12, 12, 64),
        "relu4": (None, 6, 6, 128),
        "gap": (None, 128),
    }
    for name, shape in expected.items():
        assert tuple(model.get_layer(name).output.shape) == shape, name


def test_batch_norm_replaces_the_conv_bias(model):
    for index in (1, 2, 3, 4):
        assert model.get_layer(f"conv{index}").use_bias is False
        assert model.get_layer(f"bn{index}").momentum == pytest.approx(0.9)
    assert model.get_layer("dropout").rate == pytest.approx(0.3)
    assert model.get_layer("logits").dtype_policy.compute_dtype == "float32"


def test_augmentation_only_while_training(model):
    x = np.random.default_rng(0).random((4, 48, 48, 1)).astype(np.float32)
    for name in ("contrast", "brightness"):
        layer = model.get_layer(name)
        assert np.array_equal(np.asarray(layer(x, training=False)), x), name
        changed = np.asarray(layer(x, training=True))
        assert not np.allclose(changed, x) and changed.min() >= 0 and changed.max() <= 1, name


def test_other_sizes_depths_and_no_augmentation():
    net = models.chart_convnet((64, 64, 1), 3, filters=(8, 16, 32), contrast=0, brightness=0)
    names = {layer.name for layer in net.layers}
    assert "contrast" not in names and "brightness" not in names
    assert net.output_shape == (None, 3)
    assert tuple(net.get_layer("relu3").output.shape) == (None, 16, 16, 32)
    assert net.predict(np.zeros((2, 64, 64, 1), np.float32), verbose=0).shape == (2, 3)


def test_learns_bars_from_pies_and_explanations_run():
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
    net.fit(explain.to_model_input(images), labels, epochs=20, batch_size=8, verbose=0)
    predictions = net.predict(explain.to_model_input(images), verbose=0).argmax(axis=1)
    assert (predictions == labels).mean() >= 0.9
    assert explain.saliency_maps(net, images[:3]).shape == (3, 48, 48)
    cams = explain.grad_cam(net, images[:3], layer="relu3")
    assert cams.shape == (3, 48, 48) and cams.min() >= 0 and cams.max() <= 1


def test_chart_grid_titles_and_empty():
    gray = np.full((3, 32, 32), 255, np.uint8)
    fig = plots.chart_grid(gray, [0, 1, 2], [0, 2, 2], class_names=["bar", "line", "pie"], ncols=2, title="t")
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["bar", "line→pie", "pie"]
    wrong = next(ax for ax in fig.axes if ax.get_title() == "line→pie")
    assert matplotlib.colors.to_hex(wrong.title.get_color()) == matplotlib.colors.to_hex("crimson")
    assert fig._suptitle.get_text() == "t"
    plt.close(fig)
    colour = np.zeros((2, 20, 30, 3), np.uint8)
    fig = plots.chart_grid(colour, ncols=4)
    assert len(fig.axes) == 4 and fig.axes[0].images[0].get_array().shape == (20, 30, 3)
    plt.close(fig)
    fig = plots.chart_grid(np.zeros((5, 8, 8), np.uint8), [0] * 5, [0] * 5, ncols=2, nrows=2)
    assert len(fig.axes) == 4 and sum(bool(ax.images) for ax in fig.axes) == 4  # fixed size, extras left out
    plt.close(fig)
    fig = plots.chart_grid(np.zeros((0, 8, 8), np.uint8), [], [], empty_text="no mistakes")
    assert any(text.get_text() == "no mistakes" for text in fig.axes[0].texts)
    plt.close(fig)


def test_explanation_grid_with_class_names_and_gray_pictures():
    images = np.full((2, 16, 16), 255, np.uint8)
    maps = {"saliency": np.random.default_rng(0).random((2, 16, 16))}
    fig = plots.explanation_grid(images, maps, [0, 1], [0, 0], class_names=["bar", "pie"], image_cmap="gray")
    titles = {ax.get_title() for ax in fig.axes}
    assert {"bar", "pie→bar", "saliency"} <= titles
    assert fig.axes[0].images[0].get_cmap().name == "gray"
    plt.close(fig)


def test_framing_augmentation_only_while_training():
    net = models.chart_convnet((32, 32, 1), 7, filters=(4, 8), zoom=0.2, shift=0.1, flip=True)
    x = np.random.default_rng(1).random((4, 32, 32, 1)).astype(np.float32)
    for name in ("zoom", "shift", "flip"):
        layer = net.get_layer(name)
        assert np.array_equal(np.asarray(layer(x, training=False)), x), name
    assert not np.allclose(np.asarray(net.get_layer("shift")(x, training=True)), x)
