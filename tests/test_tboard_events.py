"""TensorBoard logs as notebook 01 writes them: scalars, histograms, weight images, a traced graph.

The first tests run a tiny training loop with the same calls and package helpers as the notebook into a
temporary folder and read everything back. The last test reads the notebook's own logs, when the notebook
has been run on this machine.
"""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from dvdl_helpers import paths, plots, tboard  # noqa: E402

NOTEBOOK = "01_first_steps_mnist"
GRAPH_OPS = {"MatMul", "Exp", "Log", "AssignSubVariableOp"}


def _tiny_training_run(run_dir, steps: int = 20) -> None:
    """Softmax regression on random data, logged exactly like the notebook's hand-written loop."""
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
                tf.summary.image("weights", tboard.weights_to_image(W.numpy()))
    with writer.as_default(step=steps):
        figure = plots.confusion_matrix(np.eye(3, dtype=int) * 5, title="test")
        tf.summary.image("confusion_matrix", tboard.figure_to_image(figure))
    writer.close()


@pytest.fixture(scope="module")
def tiny_logs(tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("logs")
    _tiny_training_run(log_dir / "loop")
    return log_dir


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


@pytest.mark.after_notebooks
def test_the_notebooks_own_logs():
    log_dir = paths.artifacts_dir() / "logs" / NOTEBOOK
    if not any(log_dir.rglob("events.out.tfevents.*")):
        pytest.skip(
            f"notebook {NOTEBOOK} has not been run here, so {paths.display_path(log_dir)} holds no logs: "
            f"run `make outputs NB=notebooks/{NOTEBOOK}.ipynb` first"
        )
    scalars = tboard.read_scalars(log_dir)
    # Facts of the logs themselves, whatever number of steps the notebook trains (it prints that number).
    for tag in ("loss", "accuracy"):
        train_steps = [step for step, _ in scalars["loop/train"][tag]]
        checks = [step for step, _ in scalars["loop/validation"][tag]]
        assert train_steps == list(range(1, len(train_steps) + 1)), f"{tag}: one value per training step"
        gaps = set(np.diff(checks))
        assert len(checks) >= 2 and len(gaps) == 1, f"{tag}: validation at evenly spaced steps"
        assert set(checks) <= set(train_steps), f"{tag}: validated at steps that were trained"
    loss = np.array([value for _, value in scalars["loop/train"]["loss"]])
    assert loss[-100:].mean() < loss[:10].mean() / 4, "the logged loss falls"
    assert scalars["loop/validation"]["accuracy"][-1][1] >= 0.85
    assert {"epoch_loss", "epoch_accuracy"} <= set(scalars["keras/train"])
    summaries = tboard.list_summaries(log_dir)
    assert summaries["loop/train"]["W"] == "histograms" and summaries["loop/train"]["weights"] == "images"
    assert "logits/kernel/histogram" in summaries["keras/train"]
    assert set(tboard.traced_graph_ops(log_dir)["loop/train"]) >= GRAPH_OPS
