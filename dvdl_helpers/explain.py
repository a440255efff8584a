"""Looking inside a trained network: activations, saliency, Grad-CAM, top images, ideal inputs.

Notebook 04 teaches what each method means; this module holds the plumbing so the notebook stays short.
Every function takes images as N×28×28 (or N×28×28×1) arrays, either ``uint8`` 0–255 or floats
in [0, 1] (see :func:`to_model_input`), and a Keras model such as :func:`dvdl_helpers.models.convnet`
that outputs *logits*.

>>> model, how = models.load_or_train_convnet(x_train, y_train)  # notebook 03's network, or a quick one
>>> saliency = saliency_maps(model, x_test[:8])               # N×28×28, where the score is sensitive
>>> cams = grad_cam(model, x_test[:8], layer="conv2")         # N×28×28, where the evidence lies
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from dvdl_helpers import models
from dvdl_helpers.data import image_batch

# Model file names and loaders live in models; these names stay here for the notebooks that use them.
CONVNET_FILE = models.CONVNET_FILE
SOFTMAX_FILE = models.SOFTMAX_FILE
CONVNET_LAYERS = models.CONVNET_LAYERS
load_or_train_convnet = models.load_or_train_convnet
load_or_train_softmax = models.load_or_train_softmax


def to_model_input(images: np.ndarray) -> np.ndarray:
    """Return images as ``float32`` N×H×W×1 in [0, 1]: ``uint8`` is divided by 255, floats kept."""
    return image_batch(images)


def _batches(count: int, batch_size: int) -> list[slice]:
    return [slice(start, min(start + batch_size, count)) for start in range(0, count, batch_size)]


def layer_outputs(
    model: keras.Model, images: np.ndarray, layers: Sequence[str], *, batch_size: int = 256
) -> dict[str, np.ndarray]:
    """Return the outputs of the named layers for ``images``: ``{name: N×... array}`` (inference mode).

    For a convolution layer that is the stack of *feature maps* (N×H×W×filters), after its ReLU.
    """
    probe = keras.Model(model.input, [model.get_layer(name).output for name in layers])
    x = to_model_input(images)
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
    x = tf.constant(to_model_input(images))
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
    x = tf.constant(to_model_input(images))
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
