"""Looking inside a trained network: activations, saliency, Grad-CAM, top images, ideal inputs, checks.

The checks test the explanations themselves: randomisation and cascading randomisation (does a map depend
on what the network learned?) and deletion curves (does it point at what the score rests on?).

Notebook 04 teaches what each method means; this module holds the plumbing so the notebook stays short.
Every function takes images as N×28×28 (or N×28×28×1) arrays, either ``uint8`` 0–255 or floats
in [0, 1] (:func:`dvdl_helpers.data.image_batch` shapes them), and a Keras model such as
:func:`dvdl_helpers.models.convnet` that outputs *logits*.

>>> model, how = models.load_or_train_convnet(x_train, y_train)  # notebook 03's network, or a quick one
>>> saliency = saliency_maps(model, x_test[:8])               # N×28×28, where the score is sensitive
>>> cams = grad_cam(model, x_test[:8], layer="conv2")         # N×28×28, where the evidence lies
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from dvdl_helpers.data import image_batch


def _batches(count: int, batch_size: int) -> list[slice]:
    return [slice(start, min(start + batch_size, count)) for start in range(0, count, batch_size)]


def layer_outputs(
    model: keras.Model, images: np.ndarray, layers: Sequence[str], *, batch_size: int = 256
) -> dict[str, np.ndarray]:
    """Return the outputs of the named layers for ``images``: ``{name: N×... array}`` (inference mode).

    For a convolution layer that is the stack of *feature maps* (N×H×W×filters), after its ReLU.
    """
    probe = keras.Model(model.input, [model.get_layer(name).output for name in layers])
    x = image_batch(images)
    parts: list[list[np.ndarray]] = [[] for _ in layers]
    for batch in _batches(len(x), batch_size):
        outputs = probe(x[batch], training=False)
        outputs = outputs if isinstance(outputs, list | tuple) else [outputs]
        for part, output in zip(parts, outputs, strict=True):
            part.append(np.asarray(output, dtype=np.float32))
    return {name: np.concatenate(part) for name, part in zip(layers, parts, strict=True)}


def _class_indices(classes: Sequence[int] | np.ndarray | int | None, logits: tf.Tensor) -> tf.Tensor:
    """Return one class per image: the given ones (an int is broadcast), or the predicted ones."""
    if classes is None:
        return tf.argmax(logits, axis=-1, output_type=tf.int32)
    classes = np.broadcast_to(np.asarray(classes, dtype=np.int32), (logits.shape[0],))
    return tf.constant(classes)


def saliency_maps(
    model: keras.Model,
    images: np.ndarray,
    classes: Sequence[int] | np.ndarray | int | None = None,
    *,
    absolute: bool = True,
) -> np.ndarray:
    """Return the gradient of each image's class score (logit) with respect to its pixels: N×H×W.

    ``classes`` defaults to the predicted class of each image. A large value marks a pixel whose
    change would change the score most (Simonyan et al., 2014). ``absolute=False`` keeps the sign:
    positive where more ink raises the score.
    """
    x = tf.constant(image_batch(images))
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = model(x, training=False)
        scores = tf.gather(logits, _class_indices(classes, logits), batch_dims=1)
    gradients = tape.gradient(scores, x).numpy()
    gradients = np.abs(gradients).max(axis=-1) if absolute else gradients.sum(axis=-1)
    return gradients.astype(np.float32)


def grad_cam(
    model: keras.Model,
    images: np.ndarray,
    classes: Sequence[int] | np.ndarray | int | None = None,
    *,
    layer: str = "conv2",
    upsample: bool = True,
) -> np.ndarray:
    """Return Grad-CAM heatmaps (Selvaraju et al., 2017) of ``layer`` in [0, 1]: N×H×W.

    Each feature map of ``layer`` is weighted by the average gradient of the class score over it; the
    ReLU of the weighted sum marks where the evidence *for* the class lies. Each map is divided by its
    maximum (an all-zero map stays zero) and, with ``upsample``, resized to the input size.
    """
    x = tf.constant(image_batch(images))
    probe = keras.Model(model.input, [model.get_layer(layer).output, model.outputs[0]])
    with tf.GradientTape() as tape:
        activations, logits = probe(x, training=False)
        scores = tf.gather(logits, _class_indices(classes, logits), batch_dims=1)
    gradients = tape.gradient(scores, activations)
    weights = tf.reduce_mean(gradients, axis=(1, 2), keepdims=True)
    cams = tf.nn.relu(tf.reduce_sum(weights * activations, axis=-1)).numpy()
    peaks = cams.max(axis=(1, 2), keepdims=True)
    cams = np.divide(cams, peaks, out=np.zeros_like(cams), where=peaks > 0)
    if upsample and cams.shape[1:] != x.shape[1:3]:
        cams = tf.image.resize(cams[..., None], x.shape[1:3], method="bilinear").numpy()[..., 0]
    return np.clip(cams, 0.0, 1.0).astype(np.float32)


def top_activating(
    model: keras.Model,
    images: np.ndarray,
    layer: str,
    filters: Sequence[int],
    *,
    k: int = 8,
    batch_size: int = 256,
) -> dict[int, np.ndarray]:
    """Return, for each filter of ``layer``, the indices of the ``k`` images that activate it most.

    An image's activation is the *maximum* of the filter's feature map over all positions: the filter
    found its pattern somewhere. Indices are sorted from strongest down; ties keep image order.
    """
    maps = layer_outputs(model, images, [layer], batch_size=batch_size)[layer]
    result = {}
    for index in filters:
        if not 0 <= index < maps.shape[-1]:
            raise ValueError(f"Layer {layer!r} has {maps.shape[-1]} filters; {index} does not exist.")
        strength = maps[..., index].reshape(len(maps), -1).max(axis=1)
        result[int(index)] = np.argsort(-strength, kind="stable")[:k]
    return result


def _total_variation(x: tf.Tensor) -> tf.Tensor:
    """Sum of absolute differences between neighbouring pixels, per image."""
    dy = tf.abs(x[:, 1:, :, :] - x[:, :-1, :, :])
    dx = tf.abs(x[:, :, 1:, :] - x[:, :, :-1, :])
    return tf.reduce_sum(dy, axis=(1, 2, 3)) + tf.reduce_sum(dx, axis=(1, 2, 3))


def ideal_inputs(
    model: keras.Model,
    classes: Sequence[int] | None = None,
    *,
    steps: int = 60,
    step_size: float = 0.05,
    l2: float = 0.01,
    tv: float = 0.02,
    jitter: int = 1,
    seed: int = 0,
) -> np.ndarray:
    """Find, by gradient ascent, an input image that each class's score likes most: N×H×W in [0, 1].

    Starting from a faint random image, every step moves the pixels along the normalised gradient of
    ``logit[class] - l2·Σx² - tv·TV(x)`` and clips them to [0, 1]. The penalties keep the image
    plausible: little ink (L2) and smooth strokes (total variation); shifting the image by up to
    ``jitter`` pixels at random each step avoids pixel-exact tricks. ``classes`` defaults to all.
    """
    height, width, channels = model.input_shape[1:]
    classes = list(range(model.output_shape[-1])) if classes is None else list(classes)
    rng = np.random.default_rng(seed)
    x = tf.Variable(rng.uniform(0.0, 0.1, (len(classes), height, width, channels)).astype(np.float32))
    targets = tf.constant(np.asarray(classes, dtype=np.int32))

    @tf.function  # one compiled graph per call: ~3× faster than running each small step eagerly
    def ascend(shift: tf.Tensor) -> None:
        with tf.GradientTape() as tape:
            shifted = tf.roll(x, shift=shift, axis=(1, 2))
            logits = model(shifted, training=False)
            objective = (
                tf.gather(logits, targets, batch_dims=1)
                - l2 * tf.reduce_sum(tf.square(x), axis=(1, 2, 3))
                - tv * _total_variation(x)
            )
        gradient = tape.gradient(objective, x)
        scale = tf.math.reduce_std(gradient, axis=(1, 2, 3), keepdims=True) + 1e-8
        x.assign(tf.clip_by_value(x + step_size * gradient / scale, 0.0, 1.0))

    for _ in range(steps):
        ascend(tf.constant(rng.integers(-jitter, jitter + 1, size=2), dtype=tf.int32))
    return x.numpy()[..., 0]


def integrated_gradients(
    model: keras.Model,
    images: np.ndarray,
    classes: Sequence[int] | np.ndarray | int | None = None,
    *,
    baseline: np.ndarray | float = 0.0,
    steps: int = 32,
    batch_size: int = 32,
) -> np.ndarray:
    """Return Integrated Gradients (Sundararajan et al., 2017) of each image's class score: N×H×W.

    ``IG_i = (x_i − x'_i) · ∫₀¹ ∂F(x' + α·(x − x')) / ∂x_i dα``, the integral taken by the midpoint rule
    with ``steps`` points along the straight path from the ``baseline`` x' (default: the all-zero,
    no-ink image) to the image x. Signed: positive where the pixel's value raised the score. Unlike
    saliency, the attributions add up (*completeness*): they sum to ``F(x) − F(x')`` up to the
    integration error. ``classes`` defaults to the predicted class of each image.
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}.")
    x = image_batch(images)
    base = np.broadcast_to(np.asarray(baseline, dtype=np.float32), x.shape)
    targets = _class_indices(classes, model(x, training=False)).numpy()
    alphas = ((np.arange(steps) + 0.5) / steps).astype(np.float32).reshape(-1, 1, 1, 1, 1)
    result = np.empty(x.shape[:3], dtype=np.float32)
    for batch in _batches(len(x), batch_size):
        difference = x[batch] - base[batch]
        path = tf.constant((base[batch][None] + alphas * difference[None]).reshape(-1, *x.shape[1:]))
        with tf.GradientTape() as tape:
            tape.watch(path)
            logits = model(path, training=False)
            scores = tf.gather(logits, np.tile(targets[batch], steps), batch_dims=1)
        gradients = tape.gradient(scores, path).numpy().reshape(steps, *difference.shape)
        result[batch] = (difference * gradients.mean(axis=0)).sum(axis=-1)
    return result


def randomized_copy(model: keras.Model, *, seed: int = 0) -> keras.Model:
    """Return a model of the same architecture with freshly initialised, untrained weights.

    The randomisation test of Adebayo et al. (2018): an explanation that still looks the same for
    this copy shows the input, not what the network learned. Initialisers are seeded from ``seed``,
    so the copy is the same on every call; ``model`` is not changed.
    """
    seeds = iter(range(seed, seed + 10_000))

    def fresh(layer: keras.layers.Layer) -> keras.layers.Layer:
        config = layer.get_config()
        for key in ("kernel_initializer", "bias_initializer"):
            initializer = config.get(key)
            if isinstance(initializer, dict) and "seed" in initializer.get("config", {}):
                config[key] = {**initializer, "config": {**initializer["config"], "seed": next(seeds)}}
        return layer.__class__.from_config(config)

    return keras.models.clone_model(model, clone_function=fresh)


def rank_correlation(maps_a: np.ndarray, maps_b: np.ndarray, *, mask: np.ndarray | None = None) -> np.ndarray:
    """Return the Spearman rank correlation between each pair of maps (N values in [-1, 1]).

    Only the pixels where ``mask`` (N×H×W booleans) is true count; a constant map gives ``nan``.
    1 means the two maps order the pixels alike, 0 that their orders are unrelated.
    """
    maps_a, maps_b = np.asarray(maps_a, dtype=np.float64), np.asarray(maps_b, dtype=np.float64)
    if maps_a.shape != maps_b.shape:
        raise ValueError(f"The maps differ in shape: {maps_a.shape} and {maps_b.shape}.")
    mask = np.ones(maps_a.shape, dtype=bool) if mask is None else np.broadcast_to(mask, maps_a.shape)
    result = np.full(len(maps_a), np.nan)
    for index, (a, b, keep) in enumerate(zip(maps_a, maps_b, mask, strict=True)):
        a, b = a[keep], b[keep]
        if len(a) > 1 and np.ptp(a) > 0 and np.ptp(b) > 0:
            result[index] = np.corrcoef(_ranks(a), _ranks(b))[0, 1]
    return result


def _ranks(values: np.ndarray) -> np.ndarray:
    """Return the rank of each value (0 = smallest), tied values sharing their average rank."""
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return (starts + (counts - 1) / 2.0)[inverse]


def roughness(maps: np.ndarray) -> np.ndarray:
    """Return each map's total variation relative to its mass: Σ|neighbour differences| / Σ|value|.

    Computed on absolute values, so it measures speckle, not sign changes: a smoother map scores
    lower (a map that is one smooth blob scores far below one of isolated bright pixels).
    """
    maps = np.abs(np.asarray(maps, dtype=np.float64))
    if maps.ndim != 3:
        raise ValueError(f"Expected N×H×W maps, got shape {maps.shape}.")
    variation = np.abs(np.diff(maps, axis=1)).sum(axis=(1, 2))
    variation += np.abs(np.diff(maps, axis=2)).sum(axis=(1, 2))
    mass = maps.sum(axis=(1, 2))
    return np.divide(variation, mass, out=np.zeros_like(mass), where=mass > 0)


def deletion_curves(
    model: keras.Model,
    images: np.ndarray,
    maps: np.ndarray,
    classes: Sequence[int] | np.ndarray | int | None = None,
    *,
    fractions: Sequence[float] = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5),
    baseline: float = 0.0,
    batch_size: int = 512,
) -> np.ndarray:
    """Return each image's class probability as the pixels its map ranks highest are deleted: N×F.

    The deletion (occlusion) test of an explanation's faithfulness (Samek et al., 2017; Petsiuk et al.,
    2018): for each fraction f of ``fractions``, the f·H·W pixels with the largest map values are set to
    ``baseline`` (0: blank paper) and the softmax probability of the class is read again. A map that
    points at what the network really uses makes the probability fall fast: a small
    :func:`deletion_area`. Compare with a random map, which deletes pixels in a random order. Ties keep
    pixel order. ``classes`` defaults to the class predicted for the intact image; inputs are not changed.
    """
    x = image_batch(images)
    maps = np.asarray(maps, dtype=np.float64)
    if maps.shape != x.shape[:3]:
        raise ValueError(f"Expected one H×W map per image, shape {x.shape[:3]}, got {maps.shape}.")
    fractions = np.asarray(fractions, dtype=np.float64)
    if fractions.ndim != 1 or not len(fractions) or fractions.min() < 0 or fractions.max() > 1:
        raise ValueError(f"fractions must be a non-empty list of values in [0, 1], got {fractions.tolist()}.")
    count, pixels = len(x), x.shape[1] * x.shape[2]
    targets = _class_indices(classes, model(x, training=False)).numpy()
    order = np.argsort(-maps.reshape(count, pixels), axis=1, kind="stable")
    # rank[i, p] = the position of pixel p in image i's deletion order
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(pixels)[None].repeat(count, axis=0), axis=1)
    flat = x.reshape(count, pixels, -1)
    deleted = np.stack(
        [np.where((rank < round(f * pixels))[..., None], baseline, flat) for f in fractions]
    ).reshape(len(fractions) * count, *x.shape[1:])
    probabilities = np.concatenate(
        [
            tf.nn.softmax(model(deleted[part], training=False)).numpy()
            for part in _batches(len(deleted), batch_size)
        ]
    ).reshape(len(fractions), count, -1)
    return probabilities[:, np.arange(count), targets].T.astype(np.float32)


def deletion_area(curves: np.ndarray, fractions: Sequence[float]) -> np.ndarray:
    """Return the area under each deletion curve (trapezoids over ``fractions``), divided by its width.

    A mean probability over the deleted range: lower means the map found the pixels the score rests on.
    """
    curves, fractions = np.asarray(curves, dtype=np.float64), np.asarray(fractions, dtype=np.float64)
    if curves.ndim != 2 or curves.shape[1] != len(fractions) or len(fractions) < 2:
        raise ValueError(f"Expected N×{len(fractions)} curves over at least 2 fractions, got {curves.shape}.")
    return np.trapezoid(curves, fractions, axis=1) / (fractions[-1] - fractions[0])


def cascading_randomization(model: keras.Model, *, seed: int = 0) -> dict[str, keras.Model]:
    """Return copies of ``model`` whose weighted layers are randomised one more at a time, from the top.

    The cascading randomisation test of Adebayo et al. (2018). Keys are the weighted layers from the
    output down (``"logits"``, ``"fc1"``, ...); the model under a key has fresh weights (those of
    :func:`randomized_copy` with ``seed``) in that layer and every layer above it, and the trained ones
    below. An explanation that depends on what the network learned changes as soon as the top layers
    lose their weights. ``model`` is not changed.
    """
    fresh = randomized_copy(model, seed=seed)
    weighted = [layer.name for layer in model.layers if layer.weights][::-1]
    result = {}
    for depth, name in enumerate(weighted, start=1):
        copy = keras.models.clone_model(model)
        copy.set_weights(model.get_weights())
        for randomised in weighted[:depth]:
            copy.get_layer(randomised).set_weights(fresh.get_layer(randomised).get_weights())
        result[name] = copy
    return result
