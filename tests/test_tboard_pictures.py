"""Tests of dvdl_helpers.tboard.pictures: weights and figures as TensorBoard images, the image logger."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from dvdl_helpers import tboard


def test_weights_to_image_colours_sign_and_tiles():
    weights = np.zeros((784, 10))
    weights[0, 0], weights[0, 1] = 1.0, -1.0  # top-left pixel of tiles 0 and 1
    image = tboard.weights_to_image(weights, scale=2, pad=1)
    assert image.shape == (1, 2 * (2 * 29 + 1), 2 * (5 * 29 + 1), 3) and image.dtype == np.uint8
    positive = image[0, 2, 2]  # tile 0, pixel (0, 0)
    negative = image[0, 2, 2 + 2 * 29]  # tile 1, pixel (0, 0)
    zero = image[0, 2 + 2 * 10, 2 + 2 * 10]  # tile 0, a pixel with weight 0
    assert positive[2] > positive[0], "positive weights are blue"
    assert negative[0] > negative[2], "negative weights are red"
    assert zero.min() > 230, "zero is (nearly) white"
    with pytest.raises(ValueError):
        tboard.weights_to_image(np.zeros((100, 10)))


def test_figure_to_image_renders_rgb_and_closes():
    figure, ax = plt.subplots(figsize=(2, 1), dpi=50)
    ax.set_title("x")
    image = tboard.figure_to_image(figure)
    assert image.shape == (1, 50, 100, 3) and image.dtype == np.uint8
    assert not plt.fignum_exists(figure.number)


def test_figure_to_image_dpi_transparency_and_keeps_the_figure():
    figure, ax = plt.subplots(figsize=(2, 1), dpi=50)
    figure.patch.set_alpha(0.0)  # transparent background: must come out white
    ax.set_axis_off()
    image = tboard.figure_to_image(figure, dpi=100, close=False)
    assert image.shape == (1, 100, 200, 3)
    assert image.min() == 255, "a transparent, empty figure is white"
    assert figure.dpi == 50, "the figure's own dpi is left as it was"
    assert plt.fignum_exists(figure.number)
    plt.close(figure)


def test_figure_to_image_on_a_vector_backend():
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 1), dpi=50)
    FigureCanvasSVG(figure)
    figure.add_subplot().plot([0, 1], [0, 1])
    image = tboard.figure_to_image(figure, close=False)
    assert image.shape == (1, 50, 100, 3) and image.dtype == np.uint8
    assert image.min() < 128, "the line is drawn"


# --- the per-epoch image logger ---


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    """Train a tiny model for two epochs with the callback; return the log folder and the callback."""
    import keras
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (40, 28, 28), dtype=np.uint8)
    labels = np.arange(40) % 10
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    log_dir = tmp_path_factory.mktemp("logs")
    callback = tboard.image_logging_callback(log_dir, images, labels, max_errors=12)
    model.fit(images[..., None] / 255, labels, epochs=2, batch_size=20, verbose=0, callbacks=[callback])
    accumulator = EventAccumulator(str(log_dir / "images"), size_guidance={"tensors": 0})
    accumulator.Reload()
    return log_dir, callback, accumulator


@pytest.mark.slow
def test_event_file_holds_both_images_per_epoch(logged):
    log_dir, callback, accumulator = logged
    assert sorted(accumulator.Tags()["tensors"]) == ["confusion_matrix", "misclassified"]
    summaries = tboard.list_summaries(log_dir)
    assert summaries["images"] == {"confusion_matrix": "images", "misclassified": "images"}
    for tag in ("confusion_matrix", "misclassified"):
        events = accumulator.Tensors(tag)
        assert [event.step for event in events] == [0, 1], "one image per epoch, step = epoch"
    assert 0 <= callback.last_errors <= 40


@pytest.mark.slow
def test_logged_images_are_pngs_of_figures(logged):
    import tensorflow as tf

    _, _, accumulator = logged
    for tag in ("confusion_matrix", "misclassified"):
        # tf.summary.image stores [width, height, png, ...] as strings
        width, height, png = tf.make_ndarray(accumulator.Tensors(tag)[-1].tensor_proto)[:3]
        with Image.open(io.BytesIO(png)) as image:
            assert image.size == (int(width), int(height))
            assert image.width > 200 and image.height > 100, "a rendered figure, not a 28×28 digit"
            pixels = np.asarray(image.convert("L"))
        assert pixels.min() < 100 < pixels.max(), "the figure has content"


def test_every_n_epochs_and_no_figures_left_open(tmp_path):
    import keras
    import matplotlib.pyplot as plt

    plt.close("all")
    images = np.zeros((10, 28, 28), np.uint8)
    labels = np.arange(10)
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    callback = tboard.image_logging_callback(tmp_path, images, labels, run="every2", every_n_epochs=2)
    model.fit(images[..., None], labels, epochs=3, verbose=0, callbacks=[callback])
    assert plt.get_fignums() == [], "logged figures are closed, so notebooks do not show them twice"
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(tmp_path / "every2"), size_guidance={"tensors": 0})
    accumulator.Reload()
    assert [event.step for event in accumulator.Tensors("misclassified")] == [1]


@pytest.mark.slow
def test_read_images_returns_the_logged_figures(logged):
    log_dir, _, _ = logged
    images = tboard.read_images(log_dir / "images", "confusion_matrix")
    assert [step for step, _ in images] == [0, 1]
    assert images[0][1].ndim == 3 and images[0][1].shape[2] == 3
    with pytest.raises(KeyError):
        tboard.read_images(log_dir / "images", "absent")
