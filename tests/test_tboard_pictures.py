"""Tests of dvdl_helpers.tboard: log folders and the process registry, reading events, the image logger.

TensorBoard serving the logs over HTTP: ``test_tensorboard_http.py``; ``%tensorboard`` behind a proxy:
``test_tensorboard_proxy.py``; notebook 01's logs: ``test_notebook01_logs.py``.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from dvdl_helpers import plots, tboard


def test_notebook_logdir_is_cleared_on_request(artifacts):
    log_dir = tboard.notebook_logdir("00_setup")
    (log_dir / "stale").mkdir()
    assert list(tboard.notebook_logdir("00_setup").iterdir()) == []
    # the printed command is stored in notebook 00: relative, the same on every machine
    assert tboard.tensorboard_command(log_dir) == "tensorboard --logdir artifacts/logs/00_setup"


def test_read_scalars_finds_what_tf_summary_wrote(tmp_path):
    import tensorflow as tf

    for run, offset in (("train", 0.0), ("validation", 1.0)):
        with tf.summary.create_file_writer(str(tmp_path / run)).as_default():
            for step in range(3):
                tf.summary.scalar("loss", offset + step, step=step)
    scalars = tboard.read_scalars(tmp_path)
    assert set(scalars) == {"train", "validation"}
    assert scalars["validation"]["loss"] == [(0, 1.0), (1, 2.0), (2, 3.0)]
    assert "loss" in tboard.list_tags(tmp_path)["train"]["tensors"]


def test_stale_registry_entries_are_removed(monkeypatch, tmp_path):
    from tensorboard import manager

    monkeypatch.setattr(manager, "_get_info_dir", lambda: str(tmp_path))
    info = manager.TensorBoardInfo(
        version="2.21.0",
        start_time=0,
        port=6006,
        pid=2**22 + 12345,
        path_prefix="",
        logdir="logs",
        db="",
        cache_key="x",
    )
    (tmp_path / f"pid-{info.pid}.info").write_text(manager._info_to_string(info))
    assert tboard.running_tensorboards() == [info.pid]
    assert tboard.clean_stale_tensorboard_info() == 1
    assert tboard.running_tensorboards() == []


# --- the per-epoch image logger (tboard.pictures) ---


def test_confusion_counts():
    matrix = plots.confusion_counts([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], num_classes=3)
    np.testing.assert_array_equal(matrix, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert matrix.sum() == 6


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


def test_event_file_holds_both_images_per_epoch(logged):
    log_dir, callback, accumulator = logged
    assert sorted(accumulator.Tags()["tensors"]) == ["confusion_matrix", "misclassified"]
    summaries = tboard.list_summaries(log_dir)
    assert summaries["images"] == {"confusion_matrix": "images", "misclassified": "images"}
    for tag in ("confusion_matrix", "misclassified"):
        events = accumulator.Tensors(tag)
        assert [event.step for event in events] == [0, 1], "one image per epoch, step = epoch"
    assert 0 <= callback.last_errors <= 40


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


def test_read_images_returns_the_logged_figures(logged):
    log_dir, _, _ = logged
    images = tboard.read_images(log_dir / "images", "confusion_matrix")
    assert [step for step, _ in images] == [0, 1]
    assert images[0][1].ndim == 3 and images[0][1].shape[2] == 3
    with pytest.raises(KeyError):
        tboard.read_images(log_dir / "images", "absent")
