"""Tests of dvdl_helpers.charts.training's plumbing: the folders of drawn charts and the progress bar.

Training itself runs in ``test_cli_charts.py`` (a tiny ``charts train``) and notebook 05.
"""

from __future__ import annotations

import keras
import numpy as np

from dvdl_helpers import charts, paths
from dvdl_helpers.charts import training


def test_every_folder_of_drawn_charts_is_named_in_one_place(tmp_path):
    assert charts.chart_data_dir(115) == paths.data_dir() / "charts" / "varied_128_115"
    held_out = charts.chart_data_dir(10, style="varied_heldout", root=tmp_path)
    assert held_out == tmp_path / "varied_heldout_128_10"
    assert charts.chart_data_dir(5, size=64, root=str(tmp_path)).name == "varied_64_5"


def test_the_quick_and_full_settings_split_by_index():
    for setting in charts.SETTINGS.values():
        train, val, test = setting["split"]
        assert train > val > 0 and test > 0 and setting["epochs"] > 0
    assert charts.proportional_split(100) == (80, 10, 10)


def test_training_progress_moves_a_bar_through_a_keras_callback():
    progress = charts.TrainingProgress(total=6)  # shown on stderr, which pytest captures
    callback = progress.callback()
    assert isinstance(callback, keras.callbacks.Callback)
    callback.on_train_begin()
    for batch in range(3):
        callback.on_train_batch_end(batch)
    callback.on_epoch_end(0, {"loss": 0.5, "val_accuracy": 0.75})
    assert progress.bar.n == 3 and progress.bar.postfix == "loss=0.500, val_acc=0.750"
    callback.on_train_end()


def test_a_model_to_ship_keeps_its_weights_and_drops_the_optimizer():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    copy = training._without_optimizer(model)
    assert not copy.compiled and getattr(copy, "optimizer", None) is None
    assert all(np.array_equal(a, b) for a, b in zip(copy.get_weights(), model.get_weights(), strict=True))


def test_mixup_batches_blend_pictures_and_their_one_hot_targets_alike():
    x = np.stack([np.zeros((8, 8, 1)), np.ones((8, 8, 1))] * 4).astype("float32")
    y = keras.utils.to_categorical(np.array([0, 1] * 4), 7)
    images, targets = next(iter(training._mixed_batches(x, y, batch_size=8, alpha=0.4, seed=0)))
    images, targets = np.asarray(images), np.asarray(targets)
    assert images.shape == (8, 8, 8, 1) and targets.shape == (8, 7)
    np.testing.assert_allclose(targets.sum(axis=1), 1, atol=1e-6)
    # a picture of ones is class 1: its share of ones is its share of class 1
    np.testing.assert_allclose(images.mean(axis=(1, 2, 3)), targets[:, 1], atol=1e-5)
    assert ((targets[:, 1] > 0.01) & (targets[:, 1] < 0.99)).any(), "some pictures are blended"
