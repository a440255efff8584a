"""The course's Keras models, built in one place so every notebook trains the same network.

Notebook 01 writes softmax regression by hand before using :func:`softmax_regression`; notebook 03
explains :func:`convnet` layer by layer. Trained models are shared between notebooks through files under
``artifacts/models/`` (:data:`CONVNET_FILE`, ...), written by :func:`save_model` and read by
:func:`load_model`; :func:`load_or_train_convnet` and :func:`load_or_train_softmax` train a stand-in when a
notebook runs before the one that saves its model. Notebook 06's long-run autoencoders ship with the
package (:data:`SHIPPED_DIR`, :func:`load_shipped_autoencoder`).

Calling a trained model, ``model(x).numpy()``, is what the notebooks do for inputs that fit in one batch
(a few hundred small images), as Keras' ``predict`` docstring advises: ``predict`` first traces a graph
for the model (0.4–0.7 s each on a 2-core CPU) and then loops batch by batch, which pays off only for
many or large inputs. A call returns a tensor; ``.numpy()`` makes it an array.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import keras
import numpy as np
from keras import layers, regularizers

from dvdl_helpers.data import flatten_scale, image_batch
from dvdl_helpers.paths import models_dir

#: Parameters of TensorFlow's original ``convolutional.py`` network (conv 5×5×32, conv 5×5×64,
#: fc 512, fc 10): 832 + 51,264 + 1,606,144 + 5,130.
CONVNET_PARAMS = 1_663_370

#: File names under ``artifacts/models/`` of the models notebooks 03 and 01 save (notebook 05's chart
#: classifier: ``charts.real.MODEL_FILE``, beside the code that saves and finds it).
CONVNET_FILE = "mnist_convnet.keras"
SOFTMAX_FILE = "mnist_softmax.keras"

#: Layers that :func:`load_or_train_convnet` requires in a loaded model.
CONVNET_LAYERS = ("image", "conv1", "pool1", "conv2", "pool2", "fc1", "logits")

#: Trained models that ship inside the package (not under ``artifacts/``): notebook 06's long-run chart
#: autoencoders and the PCA fitted on the same charts. Model card: ``shipped/README.md``; remade by
#: ``tools/train_shipped_autoencoders.py``.
SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"
SHIPPED_PCA_FILE = "chart_pca.npz"


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


def float32_copy(model: keras.Model) -> keras.Model:
    """Return a copy of ``model`` whose layers all compute in float32, with the same weights.

    A model trained under a mixed-precision policy (``mixed_float16``, ``mixed_bfloat16``) keeps its
    weights in float32 but records the policy in every layer; save this copy instead, so that it loads
    and runs on any machine (bfloat16 is slow where a CPU emulates it, float16 is slow on most CPUs).
    """

    def rebuild(layer: keras.layers.Layer) -> keras.layers.Layer:
        config = layer.get_config()
        config["dtype"] = "float32"
        return layer.__class__.from_config(config)

    copy = keras.models.clone_model(model, clone_function=rebuild)
    copy.set_weights(model.get_weights())
    return copy


def _computes_in_float32(model: keras.Model) -> bool:
    return all(layer.dtype_policy.compute_dtype == "float32" for layer in model.layers)


def save_model(model: keras.Model, path: Path | str) -> Path:
    """Save ``model`` for the next notebook, as float32 (see :func:`float32_copy`); return the path.

    Its compile settings (optimizer, loss, metrics) are kept, so :func:`load_model` returns a model ready
    to ``evaluate`` or train further.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not _computes_in_float32(model):
        copy = float32_copy(model)
        if model.compiled:
            copy.compile_from_config(model.get_compile_config())
        model = copy
    model.save(path)
    return path


def load_model(path: Path | str, *, compile: bool = True) -> keras.Model:
    """Load a model saved by :func:`save_model` (or ``model.save``), without Keras' optimizer warning.

    ``keras.models.load_model`` rebuilds the optimizer and then warns "Skipping variable loading for
    optimizer ..." whenever the saved optimizer state does not match (e.g. a model compiled but never
    trained before saving). Here the model is loaded uncompiled and compiled afresh from its saved
    settings (``compile=False``: left uncompiled, for predictions and gradients). Training continues
    with a new optimizer state.
    """
    path = Path(path)
    model = keras.models.load_model(path, compile=False)
    if compile:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json")).get("compile_config")
        if config:
            model.compile_from_config(config)
    return model


def build_for_fit(model: keras.Model, data: Any) -> keras.Model:
    """Create a compiled model's optimizer and metric variables now, so ``fit`` traces its step once.

    ``data`` is what ``fit`` will read: a ``tf.data.Dataset`` (its ``element_spec`` is used), or an
    ``(x, y)`` pair of arrays, as given to ``fit`` (only their shapes and types are read; ``y`` may be a
    dict, as for several outputs).
    Why: on the TensorFlow backend Keras creates these variables inside the first traced training step
    (Adam's two moments per weight, the metrics' counters), and a ``tf.function`` that creates variables
    is traced a second time (tensorflow/tensorflow#48851) — 0.3–3 s per model here, the bigger the
    graph, the longer. Keras' JAX and PyTorch backends build them first; this does the same, with the
    same Keras function. Nothing random is drawn, so training gives the same numbers. Returns ``model``.
    """
    if not model.compiled:
        raise ValueError("build_for_fit needs a compiled model: call model.compile(...) first")
    spec = data.element_spec if hasattr(data, "element_spec") else tuple(data)
    with model.distribute_strategy.scope():
        model._symbolic_build(data_batch=spec)  # private, but what Keras itself calls on its other backends
    return model


def _trained(
    model: keras.Model,
    optimizer: keras.optimizers.Optimizer,
    x: np.ndarray,
    y: np.ndarray,
    metrics: list[str] | None = None,
    **fit: int,
) -> tuple[keras.Model, str]:
    """The stand-in of the ``load_or_train_*`` functions: ``model`` compiled with ``optimizer`` and
    cross-entropy on logits, fit on ``x`` and ``y`` with the ``fit`` options; ``(model, "trained")``."""
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=metrics,
    )
    y = np.asarray(y)
    build_for_fit(model, (x, y))
    model.fit(x, y, **fit)
    return model, "trained"


def load_or_train_convnet(
    x_train: np.ndarray,
    y_train: np.ndarray,
    *,
    path: Path | str | None = None,
    epochs: int = 3,
    batch_size: int = 64,
    learning_rate: float = 1e-3,
    verbose: int = 0,
) -> tuple[keras.Model, str]:
    """Load notebook 03's CNN, or train :func:`convnet` quickly when it is missing.

    Returns ``(model, how)`` with ``how`` either ``"loaded"`` or ``"trained"``. ``path`` defaults to
    ``artifacts/models/`` + :data:`CONVNET_FILE`. The quick model (Adam, a few epochs on ``x_train``, N×28×28
    ``uint8`` or floats in [0, 1]) is not saved, so it never replaces notebook 03's. The model returned
    computes in float32 and is not compiled: use it for predictions and gradients.
    """
    path = Path(path) if path is not None else models_dir() / CONVNET_FILE
    if path.exists():
        model = load_model(path, compile=False)
        missing = [name for name in CONVNET_LAYERS if name not in {layer.name for layer in model.layers}]
        if missing:
            raise ValueError(
                f"{path.name} is not the course's convnet (missing layers: {', '.join(missing)}). "
                "Delete it and run notebook 03 again."
            )
        return (model if _computes_in_float32(model) else float32_copy(model)), "loaded"
    fit = dict(epochs=epochs, batch_size=batch_size, verbose=verbose)
    return _trained(
        convnet(), keras.optimizers.Adam(learning_rate), image_batch(x_train), y_train, ["accuracy"], **fit
    )


def load_or_train_softmax(
    x_train: np.ndarray,
    y_train: np.ndarray,
    *,
    path: Path | str | None = None,
    epochs: int = 10,
    batch_size: int = 100,
    learning_rate: float = 0.5,
) -> tuple[keras.Model, str]:
    """Load notebook 01's softmax regression, or train it like notebook 01 (SGD 0.5) when missing.

    Returns ``(model, how)`` with ``how`` either ``"loaded"`` or ``"trained"``; ``path`` defaults to
    ``artifacts/models/`` + :data:`SOFTMAX_FILE`. Its kernel (784×10) holds the weight images.
    """
    path = Path(path) if path is not None else models_dir() / SOFTMAX_FILE
    if path.exists():
        return load_model(path, compile=False), "loaded"
    fit = dict(epochs=epochs, batch_size=batch_size, verbose=0)
    return _trained(
        softmax_regression(), keras.optimizers.SGD(learning_rate), flatten_scale(x_train), y_train, **fit
    )


def chart_autoencoder(
    input_shape: tuple[int, int, int] = (48, 48, 1),
    latent_dim: int = 2,
    *,
    filters: tuple[int, ...] = (16, 32, 64),
    hidden: int = 64,
    activation: str = "elu",
    upsampling: str = "transposed",
    name: str = "chart_autoencoder",
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """Build notebook 06's convolutional autoencoder: ``(autoencoder, encoder, decoder)``.

    Encoder: one stride-2 3×3 convolution per entry of ``filters`` (each halves the image), flatten,
    dense ``hidden``, dense ``latent_dim`` with no activation (the *code*, layer ``code``). Decoder: the
    mirror image, dense ``hidden`` → dense ``expand`` → reshape → one stride-2 3×3 transposed convolution
    per halving (``deconv<i>``), the last (``pixels``) with one channel and a sigmoid, so it outputs pixels
    in [0, 1] (ink 1, paper 0). A stride-2 3×3 transposed convolution reaches every other output pixel
    twice as often as its neighbours, which shows as a checkerboard until training evens it out
    (notebook 06); ``upsampling="nearest"`` or ``"bilinear"`` doubles the size with ``UpSampling2D``
    (``up<i>``) and paints with an ordinary 3×3 convolution (``upconv<i>``) instead: the same parameters,
    no uneven overlap, about 4× the decoder's arithmetic. ``autoencoder`` is ``decoder(encoder(image))``;
    the three share their weights. The height and width must be divisible by ``2 ** len(filters)``.
    """
    height, width, channels = input_shape
    step = 2 ** len(filters)
    if height % step or width % step:
        raise ValueError(f"height and width must be multiples of {step}, got {height}×{width}")
    if upsampling not in ("nearest", "bilinear", "transposed"):
        raise ValueError(f"upsampling must be 'nearest', 'bilinear' or 'transposed', got {upsampling!r}")
    encoder = _chart_encoder(input_shape, latent_dim, filters, hidden, activation)
    small = (height // step, width // step, filters[-1])  # the last feature maps' shape
    decoder = _chart_decoder(small, channels, latent_dim, filters, hidden, activation, upsampling)
    image = encoder.input
    autoencoder = keras.Model(image, decoder(encoder(image)), name=name)
    return autoencoder, encoder, decoder


def _chart_encoder(
    input_shape: tuple[int, int, int], latent_dim: int, filters: tuple[int, ...], hidden: int, activation: str
) -> keras.Model:
    """The encoder of :func:`chart_autoencoder`: stride-2 convolutions, ``hidden``, then the ``code``."""
    image = keras.Input(shape=input_shape, name="image")
    x = image
    for index, count in enumerate(filters, start=1):
        x = layers.Conv2D(count, 3, strides=2, padding="same", activation=activation, name=f"conv{index}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(hidden, activation=activation, name="hidden")(x)
    code = layers.Dense(latent_dim, name="code")(x)
    return keras.Model(image, code, name="encoder")


def _chart_decoder(
    small: tuple[int, int, int],
    channels: int,
    latent_dim: int,
    filters: tuple[int, ...],
    hidden: int,
    activation: str,
    upsampling: str,
) -> keras.Model:
    """The decoder of :func:`chart_autoencoder`: the encoder's mirror image, from the code to pixels."""
    code_in = keras.Input(shape=(latent_dim,), name="code")
    x = layers.Dense(hidden, activation=activation, name="hidden")(code_in)
    x = layers.Dense(small[0] * small[1] * small[2], activation=activation, name="expand")(x)
    x = layers.Reshape(small, name="reshape")(x)
    for index, count in enumerate([*filters[-2::-1], channels], start=1):
        last = index == len(filters)
        settings = dict(
            activation="sigmoid" if last else activation,
            dtype="float32" if last else None,
            padding="same",
        )
        if upsampling == "transposed":
            x = layers.Conv2DTranspose(
                count, 3, strides=2, name="pixels" if last else f"deconv{index}", **settings
            )(x)
        else:
            x = layers.UpSampling2D(2, interpolation=upsampling, name=f"up{index}")(x)
            x = layers.Conv2D(count, 3, name="pixels" if last else f"upconv{index}", **settings)(x)
    return keras.Model(code_in, x, name="decoder")


def chart_convnet(
    input_shape: tuple[int, int, int] = (48, 48, 1),
    num_classes: int = 7,
    *,
    filters: tuple[int, ...] = (16, 32, 64, 128),
    dropout: float = 0.3,
    contrast: float = 0.4,
    brightness: float = 0.2,
    bn_momentum: float = 0.9,
    zoom: float = 0.0,
    shift: float = 0.0,
    flip: bool = False,
    perspective: float = 0.0,
    blur: float = 0.0,
    erase: float = 0.0,
    name: str = "chart_convnet",
) -> keras.Model:
    """Build notebook 05's chart-type classifier, a small CNN with batch normalisation; it outputs logits.

    Inputs are gray images in [0, 1] with light paper. While training only, ``contrast`` scales each
    image's contrast by a random factor in ``1 ± contrast`` and ``brightness`` shifts it by up to
    ``± brightness`` (layers of those names; 0 leaves a layer out): the look varies, the type does not.
    ``zoom`` and ``shift`` (fractions of the side) and ``flip`` (left-right) vary the framing the same
    way (layers ``zoom``, ``shift``, ``flip``; paper-white fill), also while training only.
    ``perspective`` moves the corners of about a quarter of the images by up to that fraction (a chart
    seen at a slant) and ``blur`` softens each image with a Gaussian of random strength up to that
    (0–1): layers ``perspective`` and ``blur``, left out at 0. ``erase`` paints a random rectangle (2–15 %
    of the image) paper-white in up to that share of the images (layer ``erase``): a legend, a label or a
    box drawn over part of a chart must not change its type.
    Then ``center`` shifts pixels to [-0.5, 0.5], and one block per entry of ``filters`` follows:
    ``conv<i>`` 3×3 (no bias: batch normalisation's shift replaces it) → ``bn<i>`` → ``relu<i>`` →
    ``pool<i>`` 2×2. ``gap`` averages each of the last feature maps over the image, ``dropout``, and
    ``logits`` (float32) reads the type. Grad-CAM reads a ``relu<i>`` layer.
    """
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    if contrast:
        x = layers.RandomContrast(contrast, value_range=(0, 1), name="contrast")(x)
    if brightness:
        x = layers.RandomBrightness(brightness, value_range=(0, 1), name="brightness")(x)
    if zoom:
        x = layers.RandomZoom((-zoom, zoom), fill_mode="constant", fill_value=1.0, name="zoom")(x)
    if shift:
        x = layers.RandomTranslation(shift, shift, fill_mode="constant", fill_value=1.0, name="shift")(x)
    if flip:
        x = layers.RandomFlip("horizontal", name="flip")(x)
    if perspective:  # factor 0.5: each batch applies it with a probability drawn from 0–0.5
        x = layers.RandomPerspective(0.5, scale=perspective, fill_value=1.0, name="perspective")(x)
    if blur:
        x = layers.RandomGaussianBlur(blur, kernel_size=3, value_range=(0, 1), name="blur")(x)
    if erase:
        x = layers.RandomErasing(erase, scale=(0.02, 0.15), fill_value=1.0, value_range=(0, 1), name="erase")(
            x
        )
    x = layers.Rescaling(1.0, offset=-0.5, name="center")(x)
    for index, count in enumerate(filters, start=1):
        x = layers.Conv2D(count, 3, padding="same", use_bias=False, name=f"conv{index}")(x)
        x = layers.BatchNormalization(momentum=bn_momentum, name=f"bn{index}")(x)
        x = layers.Activation("relu", name=f"relu{index}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{index}")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    logits = layers.Dense(num_classes, dtype="float32", name="logits")(x)
    return keras.Model(inputs, logits, name=name)


def linear_autoencoder(
    input_shape: tuple[int, int, int] = (48, 48, 1),
    latent_dim: int = 2,
    *,
    name: str = "linear_autoencoder",
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """Build a linear autoencoder, PCA's twin: ``(autoencoder, encoder, decoder)`` as in chart_autoencoder.

    Encoder: flatten, dense ``latent_dim`` without activation (layer ``code``). Decoder: dense to every
    pixel without activation (layer ``pixels``), reshape. Trained with the mean squared error it can at
    best reach PCA's error with ``latent_dim`` components (the optimal linear code), and no lower.
    """
    pixels = 1
    for side in input_shape:
        pixels *= side
    image = keras.Input(shape=input_shape, name="image")
    flat = layers.Flatten(name="flatten")(image)
    encoder = keras.Model(image, layers.Dense(latent_dim, name="code")(flat), name="encoder")
    code_in = keras.Input(shape=(latent_dim,), name="code")
    x = layers.Dense(pixels, dtype="float32", name="pixels")(code_in)
    decoder = keras.Model(code_in, layers.Reshape(input_shape, name="reshape")(x), name="decoder")
    autoencoder = keras.Model(image, decoder(encoder(image)), name=name)
    return autoencoder, encoder, decoder


class PixelErasing(layers.Layer):
    """While training, set each pixel to 0 (paper) with probability ``rate``; called afterwards, pass it on.

    The *masking noise* of a denoising autoencoder (notebook 06): in front of an autoencoder trained to
    give back the clean image, it makes the network redraw what was erased. Fresh pixels are erased at
    every step (``seed`` seeds the sequence). Unlike ``Dropout`` it does not scale the kept pixels up.
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"rate must be in [0, 1), got {rate}")
        self.rate = rate
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs: Any, training: bool = False) -> Any:
        """Erase pixels when ``training``; otherwise return ``inputs`` unchanged."""
        if not training or not self.rate:
            return inputs
        keep = keras.random.uniform(keras.ops.shape(inputs), seed=self.seed_generator) >= self.rate
        return inputs * keras.ops.cast(keep, inputs.dtype)

    def get_config(self) -> dict[str, Any]:
        """The layer's settings, so that a model holding it can be saved."""
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


def side_by_side(named_models: dict[str, keras.Model], input_shape: tuple[int, ...]) -> keras.Model:
    """Join models that read the same input into one model with one output per name (a dict).

    The models share no weights, so training the joint model on the sum of their losses
    (``compile(loss={name: ...})``) gives each model exactly the gradients of its own loss: the same as
    training them one by one, with one ``fit`` (one graph to trace, one loop) instead of many.
    """
    if not named_models:
        raise ValueError("side_by_side needs at least one model")
    image = keras.Input(shape=input_shape, name="image")
    outputs = {name: model(image) for name, model in named_models.items()}
    return keras.Model(image, outputs, name="side_by_side")


def _shipped_autoencoder_path(name: str) -> Path:
    return SHIPPED_DIR / f"chart_autoencoder_{name}.npz"


def shipped_autoencoders() -> list[str]:
    """Names of the chart autoencoders that ship with the package (``conv_2``, ...), sorted."""
    return sorted(
        p.stem.removeprefix("chart_autoencoder_") for p in SHIPPED_DIR.glob("chart_autoencoder_*.npz")
    )


def save_shipped_autoencoder(autoencoder: keras.Model, path: Path | str) -> Path:
    """Write a :func:`chart_autoencoder`'s weights as float16 (half the size; no optimizer), with its shape.

    :func:`load_shipped_autoencoder` rebuilds the network with :func:`chart_autoencoder` and reads them
    back. Rounding the weights to float16 changes reconstructions by about 1e-3 of a pixel's range.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    encoder = autoencoder.get_layer("encoder")
    arrays = {f"w{i:02d}": np.asarray(w).astype("float16") for i, w in enumerate(autoencoder.get_weights())}
    np.savez_compressed(
        path,
        input_shape=np.array(autoencoder.input_shape[1:]),
        latent_dim=np.array(encoder.output_shape[-1]),
        **arrays,
    )
    return path


def load_shipped_autoencoder(name: str) -> tuple[keras.Model, keras.Model, keras.Model]:
    """Load a shipped chart autoencoder by name (e.g. ``"conv_32"``): ``(autoencoder, encoder, decoder)``.

    The names, how each was trained and its scores: ``dvdl_helpers/shipped/README.md``. The models are
    not compiled (compile one to train it further).
    """
    path = _shipped_autoencoder_path(name)
    if not path.is_file():
        raise FileNotFoundError(
            f"no shipped autoencoder {name!r} ({path} is missing); shipped: "
            f"{shipped_autoencoders() or 'none'}. python tools/train_shipped_autoencoders.py makes them "
            "again (see shipped/README.md)"
        )
    with np.load(path) as saved:
        shape = tuple(int(side) for side in saved["input_shape"])
        latent_dim = int(saved["latent_dim"])
        weights = [saved[key] for key in sorted(k for k in saved.files if k.startswith("w"))]
    autoencoder, encoder, decoder = chart_autoencoder(shape, latent_dim=latent_dim, name=name)
    expected = [tuple(w.shape) for w in autoencoder.weights]
    if [w.shape for w in weights] != expected:
        raise ValueError(f"{path}: its weights do not fit chart_autoencoder{shape, latent_dim}; remake it")
    autoencoder.set_weights([w.astype("float32") for w in weights])
    return autoencoder, encoder, decoder


def load_shipped_pca() -> tuple[np.ndarray, np.ndarray]:
    """The PCA fitted on the shipped autoencoders' training charts: ``(mean, components)``, float32.

    ``mean`` is one flattened image, ``components`` one row per component (largest variance first), so
    ``k`` components redraw flat images ``x`` as ``mean + (x - mean) @ c.T @ c`` with ``c = components[:k]``.
    """
    path = SHIPPED_DIR / SHIPPED_PCA_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: python tools/train_shipped_autoencoders.py makes it again"
        )
    with np.load(path) as saved:
        return saved["mean"].astype("float32"), saved["components"].astype("float32")
