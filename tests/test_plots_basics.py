"""Tests of dvdl_helpers.plots.basics, the figures of MNIST and training (notebooks 00, 01, 03):
each returns a titled Figure with labelled axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display in tests

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from dvdl_helpers import plots

pytestmark = pytest.mark.usefixtures("close_figures")

RNG = np.random.default_rng(0)
DIGITS = RNG.integers(0, 256, size=(12, 28, 28)).astype(np.uint8)


def test_digit_grid_marks_wrong_predictions_in_red():
    labels, predictions = [1, 2, 3], [1, 7, 3]
    fig = plots.digit_grid(DIGITS[:3], labels, predictions, ncols=3, title="grid")
    assert isinstance(fig, Figure) and fig._suptitle.get_text() == "grid"
    titles = [ax.title for ax in fig.axes]
    assert [t.get_text() for t in titles] == ["1", "2→7", "3"]
    assert to_hex(titles[1].get_color()) == to_hex("crimson")


def test_digit_grid_accepts_flat_vectors_and_pads_the_last_row():
    fig = plots.digit_grid(DIGITS[:7].reshape(7, 784) / 255, ncols=5)
    assert len(fig.axes) == 10
    assert sum(bool(ax.images) for ax in fig.axes) == 7


def test_label_counts_draws_one_bar_group_per_split():
    fig = plots.label_counts({"train": np.arange(10).repeat(3), "test": np.arange(10)}, title="counts")
    (ax,) = fig.axes
    assert ax.get_title() == "counts" and ax.get_xlabel() and ax.get_ylabel()
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == [3.0] * 10 + [1.0] * 10
    # The legend must not cover any bar (it used to hide the bars of the last digit).
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend_box = ax.get_legend().get_window_extent(renderer)
    assert not any(legend_box.overlaps(patch.get_window_extent(renderer)) for patch in ax.patches)


def test_probabilities_highlights_prediction_and_true_label():
    probs = np.array([0.05, 0.6, 0.05, 0.3] + [0.0] * 6)
    fig = plots.probabilities(probs, image=DIGITS[0], label=3, title="one prediction")
    image_ax, bar_ax = fig.axes
    assert fig._suptitle.get_text() == "one prediction"
    assert bar_ax.get_xlabel() == "class" and bar_ax.get_ylabel() == "probability"
    assert bar_ax.get_ylim()[1] > 1.0 and "predicted: 1" in bar_ax.get_title()
    colours = [to_hex(patch.get_facecolor()) for patch in bar_ax.patches]
    assert colours[1] == "#2166ac" and colours[3] == "#b2182b" and colours[0] == "#bbbbbb"
    assert image_ax.images, "the input image is shown"


def test_probabilities_without_preference_and_with_names():
    fig = plots.probabilities(np.full(3, 1 / 3), class_names=["bar", "line", "pie"], label=0)
    (ax,) = fig.axes
    assert "no preference" in ax.get_title()
    assert {to_hex(patch.get_facecolor()) for patch in ax.patches} == {"#bbbbbb"}
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["bar", "line", "pie"]
    with pytest.raises(ValueError):
        plots.probabilities([0.5, 0.5], class_names=["a"])


def test_confusion_matrix_annotates_every_cell_and_has_a_colorbar():
    matrix = np.array([[5, 1, 0], [2, 7, 1], [0, 0, 9]])
    fig = plots.confusion_matrix(matrix, title="cm")
    ax, colorbar_ax = fig.axes
    assert ax.get_title() == "cm"
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert [t.get_text() for t in ax.texts] == ["5", "1", "0", "2", "7", "1", "0", "0", "9"]
    assert colorbar_ax.get_ylabel() == "number of images"


def test_confusion_matrix_normalised_rows_and_shape_check():
    fig = plots.confusion_matrix(np.array([[3, 1], [0, 4]]), normalize=True, class_names=["a", "b"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["0.75", "0.25", "0.00", "1.00"]
    assert fig.axes[1].get_ylabel() == "share of the true class"
    with pytest.raises(ValueError):
        plots.confusion_matrix(np.zeros((2, 3)))


def test_weight_images_use_a_diverging_map_centred_at_zero():
    weights = RNG.normal(size=(784, 10))
    weights[:, 0] *= 3
    means = RNG.random((10, 28, 28))
    fig = plots.weight_images(weights, class_means=means, title="weights")
    assert fig._suptitle.get_text() == "weights"
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 20
    mean_images, weight_images = images[:10], images[10:]
    assert all(image.get_cmap().name == "gray_r" for image in mean_images)
    limit = np.abs(weights).max()
    for image in weight_images:
        assert image.get_cmap().name == "RdBu"
        assert image.get_clim() == pytest.approx((-limit, limit)), "symmetric: zero is the middle colour"
    assert [ax.get_title() for ax in fig.axes[:10]] == [str(d) for d in range(10)]
    colorbar_labels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel() in ("ink", "weight")]
    assert colorbar_labels == ["ink", "weight"]


def test_weight_images_compare_rows_each_with_its_own_scale():
    small, large = RNG.normal(size=(784, 3)), 10 * RNG.normal(size=(784, 3))
    fig = plots.weight_images({"small": small, "large": large}, class_names=["a", "b", "c"])
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert images[0].get_clim()[1] == pytest.approx(np.abs(small).max())
    assert images[3].get_clim()[1] == pytest.approx(np.abs(large).max())
    row_labels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel() in ("small", "large")]
    assert row_labels == ["small", "large"]
    with pytest.raises(ValueError):
        plots.weight_images({"a": small, "b": RNG.normal(size=(784, 4))})


def test_smoothed_matches_tensorboard_style_debiased_average():
    assert np.allclose(plots.smoothed([2.0, 2.0, 2.0], 0.9), 2.0), "a constant stays constant (debiased)"
    assert np.allclose(plots.smoothed([1.0, 3.0], 0.0), [1.0, 3.0])
    values = plots.smoothed([0.0, 1.0], 0.5)
    assert values[1] == pytest.approx(0.5 * 1.0 / (1 - 0.25))
    with pytest.raises(ValueError):
        plots.smoothed([1.0], 1.0)


def test_training_curves_one_panel_per_metric_with_marks():
    x = np.arange(1, 101)
    fig = plots.training_curves(
        {"loss": {"a": (x, 1 / x), "b": (x, 2 / x)}, "accuracy": {"a": (x, 1 - 1 / x)}},
        marks={"chosen": 40},
        logy=("loss",),
        title="curves",
    )
    loss_ax, acc_ax = fig.axes
    assert fig._suptitle.get_text() == "curves"
    assert loss_ax.get_ylabel() == "loss" and loss_ax.get_xlabel() == "training step"
    assert loss_ax.get_yscale() == "log" and acc_ax.get_yscale() == "linear"
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == ["a", "b", "chosen"]
    assert len(acc_ax.lines) == 2  # one curve + the mark


def test_histogram_with_marks():
    fig = plots.histogram(RNG.normal(size=200), bins=10, title="h", xlabel="x", marks={"mean": 0.0})
    (ax,) = fig.axes
    assert ax.get_title() == "h" and ax.get_xlabel() == "x" and ax.get_ylabel() == "count"
    assert len(ax.patches) == 10
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["mean"]


def test_labelled_points_marks_each_mean_and_names_it():
    fig = plots.labelled_points(
        {"a": [(0.1, 0.9), (0.3, 0.7)], "b": [(0.5, 0.5)]}, title="t", xlabel="x", ylabel="y"
    )
    (ax,) = fig.axes
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("t", "x", "y")
    assert [text.get_text() for text in ax.texts] == ["a", "b"]
    assert ax.texts[0].xy == pytest.approx((0.2, 0.8)), "the label sits at the mean of its points"


def test_confusion_counts():
    matrix = plots.confusion_counts([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], num_classes=3)
    np.testing.assert_array_equal(matrix, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert matrix.sum() == 6


def test_reliability_diagram_draws_one_line_per_model_and_the_diagonal():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 200)
    probs = rng.dirichlet(np.ones(3), 200)
    fig = plots.reliability_diagram({"a": (probs, labels), "b": (probs[::-1], labels)}, title="rel")
    ax = fig.axes[0]
    assert ax.get_title() == "rel" and ax.get_xlabel() and ax.get_ylabel()
    assert len(ax.lines) == 3  # the diagonal and one line per model
    assert "n = 200" in ax.get_legend().get_texts()[1].get_text()
