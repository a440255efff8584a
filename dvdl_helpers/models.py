"""The course's Keras models, built in one place so every notebook trains the same network.

Notebook 01 writes softmax regression by hand before using :func:`softmax_regression`; notebook 03
explains :func:`convnet` layer by layer.
"""

from __future__ import annotations

import keras
from keras import layers, regularizers

#: Parameters of TensorFlow's original ``convolutional.py`` network (conv 5×5×32, conv 5×5×64,
#: fc 512, fc 10): 832 + 51,264 + 1,606,144 + 5,130.
CONVNET_PARAMS = 1_663_370


def softmax_regression(
    num_inputs: int = 784, num_classes: int = 10, *, l2: float = 0.0, name: str = "softmax_regression"
) -> keras.Model:
    """Build softmax regression: one dense layer ``x @ W + b`` with zero-initialised ``W`` and ``b``.

    The model outputs *logits*; train it with ``SparseCategoricalCrossentropy(from_logits=True)``
    (the numerically stable form) and apply ``softmax`` to read probabilities.
    """
    inputs = keras.Input(shape=(num_inputs,), name="pixels")
    logits = layers.Dense(
        num_classes,
        kernel_initializer="zeros",
        bias_initializer="zeros",
        kernel_regularizer=regularizers.l2(l2) if l2 else None,
        name="logits",
    )(inputs)
    return keras.Model(inputs, logits, name=name)


def convnet(
    input_shape: tuple[int, int, int] = (28, 28, 1),
    num_classes: int = 10,
    *,
    filters: tuple[int, int] = (32, 64),
    dense_units: int = 512,
    dropout: float = 0.5,
    l2: float = 5e-4,
    name: str = "convnet",
) -> keras.Model:
    """Build the network of TensorFlow's ``convolutional.py``; it outputs logits.

    conv 5×5×32 → ReLU → max-pool 2 → conv 5×5×64 → ReLU → max-pool 2 → dense 512 (ReLU) →
    dropout 0.5 → dense ``num_classes``, with L2 on the two dense layers. Inputs are images scaled to
    [0, 1] (a ``Rescaling`` layer inside the model shifts them to [-0.5, 0.5] like the original).
    The final layer computes in float32 so mixed precision stays numerically safe.
    """
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Rescaling(1.0, offset=-0.5, name="center")(inputs)
    x = layers.Conv2D(filters[0], 5, padding="same", activation="relu", name="conv1")(x)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = layers.Conv2D(filters[1], 5, padding="same", activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(2, name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(dense_units, activation="relu", kernel_regularizer=regularizers.l2(l2), name="fc1")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    logits = layers.Dense(
        num_classes, kernel_regularizer=regularizers.l2(l2), dtype="float32", name="logits"
    )(x)
    return keras.Model(inputs, logits, name=name)
