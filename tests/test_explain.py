"""Tests of dvdl_helpers.explain (activations, saliency, Grad-CAM, top images, ideal inputs) and its plots."""

from __future__ import annotations

import numpy as np
import pytest

from dvdl_helpers import env

env.quiet_tensorflow()

import keras  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import tensorflow as tf  # noqa: E402

from dvdl_helpers import data, explain, models, plots  # noqa: E402


@pytest.fixture(scope="module")
def convnet() -> keras.Model:
    """A small, untrained convnet with the course's layer names (fast to build and run)."""
    keras.utils.set_random_seed(0)
    return models.convnet(filters=(4, 8), dense_units=16)


def test_layer_outputs_match_the_named_layers(convnet, digits):
    images, _ = digits
    outputs = explain.layer_outputs(convnet, images, ["conv1", "conv2", "fc1", "logits"], batch_size=4)
    assert outputs["conv1"].shape == (6, 28, 28, 4)
    assert outputs["conv2"].shape == (6, 14, 14, 8)
    assert outputs["fc1"].shape == (6, 16)
    assert (outputs["conv1"] >= 0).all(), "conv layers end in a ReLU"
    np.testing.assert_allclose(
        outputs["logits"], convnet(data.image_batch(images), training=False), atol=1e-5
    )


def test_saliency_is_the_input_gradient_of_the_class_logit(convnet, digits):
    images, _ = digits
    x = tf.constant(data.image_batch(images[:1]))
    with tf.GradientTape() as tape:
        tape.watch(x)
        score = convnet(x, training=False)[0, 3]
    expected = tape.gradient(score, x).numpy()[0, :, :, 0]
    signed = explain.saliency_maps(convnet, images[:1], 3, absolute=False)
    assert signed.shape == (1, 28, 28)
    np.testing.assert_allclose(signed[0], expected, atol=1e-6)
    np.testing.assert_allclose(
        explain.saliency_maps(convnet, images[:1], [3])[0], np.abs(expected), atol=1e-6
    )


def test_saliency_defaults_to_the_predicted_class(convnet, digits):
    images, _ = digits
    predicted = convnet(data.image_batch(images), training=False).numpy().argmax(axis=1)
    np.testing.assert_allclose(
        explain.saliency_maps(convnet, images), explain.saliency_maps(convnet, images, predicted), atol=1e-7
    )


def test_grad_cam_is_in_unit_range_and_upsampled(convnet, digits):
    images, _ = digits
    cams = explain.grad_cam(convnet, images, 2)
    assert cams.shape == (6, 28, 28) and cams.dtype == np.float32
    assert cams.min() >= 0.0 and cams.max() <= 1.0
    small = explain.grad_cam(convnet, images, 2, upsample=False)
    assert small.shape == (6, 14, 14)
    for cam in small:
        assert cam.max() == pytest.approx(1.0) or cam.max() == 0.0, "each map is scaled by its own peak"


def test_grad_cam_follows_its_definition(convnet, digits):
    images, _ = digits
    probe = keras.Model(convnet.input, [convnet.get_layer("conv2").output, convnet.outputs[0]])
    x = tf.constant(data.image_batch(images))
    with tf.GradientTape() as tape:
        maps, logits = probe(x, training=False)
        scores = logits[:, 1]
    grads = tape.gradient(scores, maps).numpy()
    raw = np.maximum((grads.mean(axis=(1, 2), keepdims=True) * maps.numpy()).sum(axis=-1), 0)
    peaks = raw.max(axis=(1, 2), keepdims=True)
    expected = np.divide(raw, peaks, out=np.zeros_like(raw), where=peaks > 0)
    np.testing.assert_allclose(explain.grad_cam(convnet, images, 1, upsample=False), expected, atol=1e-5)


def test_top_activating_sorts_images_by_the_filter_maximum(convnet, digits):
    images, _ = digits
    maps = explain.layer_outputs(convnet, images, ["conv1"])["conv1"]
    top = explain.top_activating(convnet, images, "conv1", [0, 2], k=3)
    assert set(top) == {0, 2}
    for index, chosen in top.items():
        strength = maps[..., index].max(axis=(1, 2))
        assert len(chosen) == 3
        assert list(strength[chosen]) == sorted(strength[chosen], reverse=True)
        assert strength[chosen[0]] == strength.max()
    with pytest.raises(ValueError, match="4 filters"):
        explain.top_activating(convnet, images, "conv1", [4])


def test_ideal_inputs_raise_the_class_score(convnet):
    start = convnet(np.zeros((1, 28, 28, 1), np.float32), training=False).numpy()[0]
    ideal = explain.ideal_inputs(convnet, [0, 5], steps=15, seed=1)
    assert ideal.shape == (2, 28, 28)
    assert ideal.min() >= 0.0 and ideal.max() <= 1.0
    logits = convnet(ideal[..., None], training=False).numpy()
    assert logits[0, 0] > start[0] and logits[1, 5] > start[5]
    np.testing.assert_array_equal(ideal, explain.ideal_inputs(convnet, [0, 5], steps=15, seed=1))


# --- the plots of notebook 04 (in dvdl_helpers.plots) ---


def _titled(fig) -> bool:
    return bool(fig.get_suptitle())


def test_filter_grid(convnet):
    fig = plots.filter_grid(convnet.get_layer("conv1").get_weights()[0], ncols=3, title="filters")
    assert _titled(fig)
    assert len([ax for ax in fig.axes if ax.get_images()]) == 4
    assert any(ax.get_ylabel() == "weight" for ax in fig.axes), "a labelled colourbar"
    plt.close(fig)
    with pytest.raises(ValueError, match="first-layer"):
        plots.filter_grid(convnet.get_layer("conv2").get_weights()[0])


def test_feature_map_grid(convnet, digits):
    images, labels = digits
    maps = explain.layer_outputs(convnet, images[:2], ["conv2"])["conv2"]
    fig = plots.feature_map_grid(images[:2], maps, max_maps=5, labels=labels[:2], title="maps")
    assert _titled(fig)
    assert len(fig.axes) == 2 * 6 + 1  # input + 5 maps per row, and the colourbar
    plt.close(fig)


def test_explanation_grid_places_blocks_side_by_side(digits):
    images, labels = digits
    heat = np.random.default_rng(0).random((4, 28, 28))
    predictions = np.array([0, 1, 3, 2])
    fig = plots.explanation_grid(
        images[:4],
        {"saliency": heat, "Grad-CAM": heat},
        labels[:4],
        predictions,
        blocks=2,
        block_titles=["correct", "wrong"],
    )
    assert _titled(fig)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles.count("saliency") == 2 and "2→3" in titles and "3→2" in titles
    plt.close(fig)


def test_class_image_rows_top_activation_grid_and_embedding_maps(digits):
    images, labels = digits
    fig = plots.class_image_rows(
        {"ideal": images / 255, "weights": np.random.default_rng(0).normal(size=(6, 784))},
        symmetric=["weights"],
        colorbar_labels={"ideal": "ink"},
        title="rows",
    )
    assert _titled(fig)
    assert {"ink", "weight"} <= {ax.get_ylabel() for ax in fig.axes}
    plt.close(fig)

    fig = plots.top_activation_grid(images, {3: np.array([0, 1]), 7: np.array([2, 3])}, labels)
    assert _titled(fig) and fig.axes[0].get_ylabel() == "conv2\nfilter 3"
    plt.close(fig)

    points = np.random.default_rng(0).normal(size=(6, 2))
    fig = plots.embedding_maps(
        {"a": points, "b": points}, labels, axis_labels={"a": ("PC 1", "PC 2")}, title="maps"
    )
    assert _titled(fig)
    assert fig.axes[0].get_xlabel() == "PC 1" and fig.axes[1].get_xlabel() == "dimension 1"
    assert fig.legends and fig.legends[0].get_title().get_text() == "digit"
    plt.close(fig)


def test_integrated_gradients_are_complete(convnet, digits):
    images, _ = digits
    x = data.image_batch(images)
    attributions = explain.integrated_gradients(convnet, images, 3, steps=64, batch_size=4)
    assert attributions.shape == (6, 28, 28) and attributions.dtype == np.float32
    scores = convnet(x, training=False)[:, 3].numpy()
    blank = convnet(np.zeros_like(x), training=False)[:, 3].numpy()
    np.testing.assert_allclose(attributions.sum(axis=(1, 2)), scores - blank, rtol=0.05, atol=1e-3)
    assert (attributions[images == 0] == 0).all(), "no difference from the blank baseline, no attribution"


def test_integrated_gradients_follow_the_formula_with_one_step(convnet, digits):
    """With one midpoint step, IG is (x − x') times the gradient at the path's middle."""
    images, _ = digits
    x = data.image_batch(images[:2])
    baseline = np.full_like(x, 0.2)
    attributions = explain.integrated_gradients(convnet, images[:2], [1, 4], baseline=baseline, steps=1)
    middle = explain.saliency_maps(convnet, (x + baseline) / 2, [1, 4], absolute=False)
    np.testing.assert_allclose(attributions, (x - baseline)[..., 0] * middle, atol=1e-5)
    with pytest.raises(ValueError, match="steps"):
        explain.integrated_gradients(convnet, images, steps=0)


def test_integrated_gradients_default_to_the_predicted_class(convnet, digits):
    images, _ = digits
    predicted = convnet(data.image_batch(images), training=False).numpy().argmax(axis=1)
    np.testing.assert_allclose(
        explain.integrated_gradients(convnet, images, steps=4),
        explain.integrated_gradients(convnet, images, predicted, steps=4),
    )


def test_randomized_copy_has_the_architecture_but_new_weights(convnet):
    copy = explain.randomized_copy(convnet, seed=3)
    again = explain.randomized_copy(convnet, seed=3)
    assert [layer.name for layer in copy.layers] == [layer.name for layer in convnet.layers]
    kernels = [w for w in convnet.get_weights() if w.ndim > 1]
    new_kernels = [w for w in copy.get_weights() if w.ndim > 1]
    assert all(
        a.shape == b.shape and not np.allclose(a, b) for a, b in zip(kernels, new_kernels, strict=True)
    )
    for a, b in zip(copy.get_weights(), again.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)  # seeded: the same copy every time


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rho the slow, obvious way: Pearson correlation of average ranks (ties share theirs)."""

    def ranks(values: np.ndarray) -> np.ndarray:
        return np.array([(values < v).sum() + ((values == v).sum() - 1) / 2 for v in values])

    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])


def test_rank_correlation_is_spearman_with_ties_and_a_mask():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 4, size=(3, 6, 6)).astype(float)  # many ties
    b = a + rng.normal(0, 1, size=a.shape)
    expected = [_spearman(p.ravel(), q.ravel()) for p, q in zip(a, b, strict=True)]
    np.testing.assert_allclose(explain.rank_correlation(a, b), expected)
    assert explain.rank_correlation(a, -a)[0] == pytest.approx(-1.0)
    mask = np.zeros((3, 6, 6), dtype=bool)
    mask[:, :3] = True
    expected = [_spearman(p[m], q[m]) for p, q, m in zip(a, b, mask, strict=True)]
    np.testing.assert_allclose(explain.rank_correlation(a, b, mask=mask), expected)
    assert np.isnan(explain.rank_correlation(np.zeros((1, 4, 4)), b[:1, :4, :4])[0]), "constant map"
    with pytest.raises(ValueError, match="shape"):
        explain.rank_correlation(a, b[:2])


def test_roughness_is_lower_for_smoother_maps():
    blob = np.zeros((1, 10, 10))
    blob[0, 2:8, 2:8] = 1.0
    speckle = np.zeros((1, 10, 10))
    speckle[0, ::2, ::2] = 1.0
    assert explain.roughness(blob)[0] < explain.roughness(speckle)[0]
    assert explain.roughness(blob)[0] == pytest.approx(24 / 36)  # perimeter / area
    assert explain.roughness(-blob)[0] == explain.roughness(blob)[0], "absolute values"
    assert explain.roughness(np.zeros((2, 5, 5))).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="N×H×W"):
        explain.roughness(np.zeros((5, 5)))


@pytest.fixture(scope="module")
def left_half_model() -> keras.Model:
    """A linear model whose class-0 logit is the ink in the left half of the image, class 1's is 0."""
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(2)])
    weights = np.zeros((784, 2), np.float32)
    weights[(np.arange(784) % 28) < 14, 0] = 0.05
    model.layers[-1].set_weights([weights, np.zeros(2, np.float32)])
    return model


def test_deletion_curves_start_intact_and_end_blank(left_half_model):
    images = np.full((2, 28, 28), 255, np.uint8)
    maps = np.random.default_rng(0).random((2, 28, 28))
    curves = explain.deletion_curves(left_half_model, images, maps, 0, fractions=[0.0, 0.5, 1.0])
    assert curves.shape == (2, 3) and curves.dtype == np.float32
    intact = tf.nn.softmax(left_half_model(data.image_batch(images))).numpy()[:, 0]
    np.testing.assert_allclose(curves[:, 0], intact, rtol=1e-5)
    np.testing.assert_allclose(curves[:, -1], 0.5, rtol=1e-5)  # blank: both logits 0


def test_deletion_curves_fall_faster_for_the_map_that_finds_the_evidence(left_half_model):
    images = np.full((1, 28, 28), 255, np.uint8)
    evidence = np.zeros((1, 28, 28))
    evidence[:, :, :14] = 1.0  # the left half: where the class-0 score comes from
    fractions = [0.0, 0.1, 0.25, 0.5]
    found = explain.deletion_curves(left_half_model, images, evidence, 0, fractions=fractions)
    missed = explain.deletion_curves(left_half_model, images, 1 - evidence, 0, fractions=fractions)
    assert (np.diff(found[0]) < 0).all(), "deleting the evidence lowers the probability at every step"
    np.testing.assert_allclose(missed[0], missed[0, 0], rtol=1e-5)  # deleting the right half changes nothing
    assert explain.deletion_area(found, fractions)[0] < explain.deletion_area(missed, fractions)[0]


def test_deletion_curves_default_to_the_predicted_class_and_keep_their_inputs(convnet, digits):
    images, _ = digits
    maps = explain.saliency_maps(convnet, images)
    before_images, before_maps = images.copy(), maps.copy()
    predicted = convnet(data.image_batch(images), training=False).numpy().argmax(axis=1)
    np.testing.assert_allclose(
        explain.deletion_curves(convnet, images, maps),
        explain.deletion_curves(convnet, images, maps, predicted),
    )
    np.testing.assert_array_equal(images, before_images)
    np.testing.assert_array_equal(maps, before_maps)


def test_deletion_curves_and_area_reject_bad_input(convnet, digits):
    images, _ = digits
    with pytest.raises(ValueError, match="one H×W map per image"):
        explain.deletion_curves(convnet, images, np.zeros((2, 28, 28)))
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        explain.deletion_curves(convnet, images, np.zeros((6, 28, 28)), fractions=[0.0, 1.5])
    with pytest.raises(ValueError, match="curves"):
        explain.deletion_area(np.zeros((2, 3)), [0.0, 1.0])
    np.testing.assert_allclose(explain.deletion_area(np.array([[1.0, 0.0]]), [0.0, 0.5]), [0.5])


def test_cascading_randomization_randomises_from_the_top_down(convnet):
    before = [w.copy() for w in convnet.get_weights()]
    cascade = explain.cascading_randomization(convnet, seed=0)
    assert list(cascade) == ["logits", "fc1", "conv2", "conv1"]
    fresh = explain.randomized_copy(convnet, seed=0)
    for depth, model in enumerate(cascade.values(), start=1):
        for index, name in enumerate(cascade):
            expected = fresh if index < depth else convnet
            for got, want in zip(
                model.get_layer(name).get_weights(), expected.get_layer(name).get_weights(), strict=True
            ):
                np.testing.assert_array_equal(got, want, err_msg=f"{name} at depth {depth}")
    for got, want in zip(convnet.get_weights(), before, strict=True):
        np.testing.assert_array_equal(got, want)  # the trained model is left alone
