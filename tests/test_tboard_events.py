"""Tests of dvdl_helpers.tboard.events: reading TensorBoard event files back.

A tiny training loop with the same calls and package helpers as notebook 01 (scalars, histograms, weight
images, a traced graph) writes into a temporary folder, and everything is read back. Notebook 01 asserts
the same facts of its own logs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from dvdl_helpers import plots, tboard  # noqa: E402

GRAPH_OPS = {"MatMul", "Exp", "Log", "AssignSubVariableOp"}


def _tiny_training_run(run_dir, steps: int = 20) -> dict[int, np.ndarray]:
    """Softmax regression on random data, logged like notebook 01's hand-written loop; the weight images."""
    rng = np.random.default_rng(0)
    x_all = rng.random((200, 784)).astype(np.float32)
    y_all = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 200)]
    W = tf.Variable(tf.zeros([784, 10]), name="W")
    b = tf.Variable(tf.zeros([10]), name="b")

    @tf.function
    def train_step(x, y, learning_rate):
        with tf.GradientTape() as tape:
            logits = tf.matmul(x, W) + b
            log_probs = logits - tf.reduce_logsumexp(logits, axis=1, keepdims=True)
            loss = tf.reduce_mean(-tf.reduce_sum(y * log_probs, axis=1))
        grad_W, grad_b = tape.gradient(loss, [W, b])
        W.assign_sub(learning_rate * grad_W)
        b.assign_sub(learning_rate * grad_b)
        accuracy = tf.reduce_mean(tf.cast(tf.argmax(logits, 1) == tf.argmax(y, 1), tf.float32))
        return loss, accuracy

    writer = tf.summary.create_file_writer(str(run_dir / "train"))
    rate = tf.constant(0.5)
    weight_images = {}
    for step in range(1, steps + 1):
        index = rng.integers(0, 200, 50)
        if step == 1:
            tf.summary.trace_on(graph=True)
        loss, accuracy = train_step(x_all[index], y_all[index], rate)
        with writer.as_default(step=step):
            if step == 1:
                tf.summary.trace_export("train_step")
            tf.summary.scalar("loss", loss)
            tf.summary.scalar("accuracy", accuracy)
            if step % 10 == 0:
                tf.summary.histogram("W", W)
                weight_images[step] = tboard.weights_to_image(W.numpy())
                tf.summary.image("weights", weight_images[step])
    with writer.as_default(step=steps):
        figure = plots.confusion_matrix(np.eye(3, dtype=int) * 5, title="test")
        tf.summary.image("confusion_matrix", tboard.figure_to_image(figure))
    writer.close()
    return weight_images


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> tuple[Path, dict[int, np.ndarray]]:
    """A log folder with one run, ``loop/train``, and the weight images logged in it by step."""
    log_dir = tmp_path_factory.mktemp("logs")
    return log_dir, _tiny_training_run(log_dir / "loop")


@pytest.fixture(scope="module")
def tiny_logs(tiny_run) -> Path:
    return tiny_run[0]


def test_scalars_are_read_back_for_every_step(tiny_logs):
    scalars = tboard.read_scalars(tiny_logs)
    assert set(scalars) == {"loop/train"}
    for tag in ("loss", "accuracy"):
        steps = [step for step, _ in scalars["loop/train"][tag]]
        assert steps == list(range(1, 21)), tag
    losses = [value for _, value in scalars["loop/train"]["loss"]]
    assert losses[0] == pytest.approx(np.log(10), rel=1e-4), "W = b = 0 at step 1: loss ln 10"
    assert all(0.0 <= value <= 1.0 for _, value in scalars["loop/train"]["accuracy"])


def test_each_tag_lands_in_its_dashboard(tiny_logs):
    summaries = tboard.list_summaries(tiny_logs)["loop/train"]
    assert summaries == {
        "W": "histograms",
        "accuracy": "scalars",
        "confusion_matrix": "images",
        "loss": "scalars",
        "train_step": "graph_run_metadata_graph",
        "weights": "images",
    }


def test_the_traced_graph_holds_the_real_ops(tiny_logs):
    ops = tboard.traced_graph_ops(tiny_logs)
    assert set(ops) == {"loop/train"}
    assert set(ops["loop/train"]) >= GRAPH_OPS


def test_read_images_gives_back_the_logged_pixels(tiny_run):
    log_dir, weight_images = tiny_run
    images = tboard.read_images(log_dir / "loop" / "train", "weights")
    assert [step for step, _ in images] == sorted(weight_images) == [10, 20]
    for step, image in images:
        assert image.dtype == np.uint8 and image.shape == weight_images[step].shape[1:]
        np.testing.assert_array_equal(image, weight_images[step][0])  # PNG is lossless
    (step, matrix), *_ = tboard.read_images(log_dir / "loop" / "train", "confusion_matrix")
    assert step == 20 and matrix.ndim == 3 and matrix.shape[2] == 3
    with pytest.raises(KeyError, match="absent"):
        tboard.read_images(log_dir / "loop" / "train", "absent")


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
