"""Tests of dvdl_helpers.data: MNIST shapes, splits, source selection offline, damaged caches; image arrays;
the tf.data pipeline (mnist_dataset); the shipped real digits (load_real_digits): polarity, bad files."""

from __future__ import annotations

import hashlib
import shutil

import numpy as np
import pytest
from PIL import Image

from dvdl_helpers import data


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No Keras cache and no network: what a learner offline sees."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.delenv("DVDL_MNIST", raising=False)
    monkeypatch.setattr(data, "_network_reachable", lambda *args, **kwargs: False)

    def no_download(*args, **kwargs):
        raise OSError("Name or service not known (network disabled in the tests)")

    monkeypatch.setattr(data.urllib.request, "urlopen", no_download)


def test_bundled_shapes_dtypes_and_sizes(artifacts):
    mnist = data.load_mnist("bundled", verbose=False)
    assert mnist.source == "bundled"
    sizes = [len(split.labels) for split in (mnist.train, mnist.validation, mnist.test)]
    assert sizes == list(data.BUNDLED_SPLIT)
    for images, labels in (mnist.train, mnist.validation, mnist.test):
        assert images.shape[1:] == (28, 28)
        assert images.dtype == np.uint8
        assert labels.dtype == np.int64
        assert len(images) == len(labels)
        assert images.max() == 255 and images.min() == 0
        assert set(np.unique(labels)) == set(range(10))


def test_unpacks_like_the_tutorial(artifacts):
    (x_train, y_train), (x_val, y_val), (x_test, y_test), source = data.load_mnist("bundled", verbose=False)
    assert source == "bundled" and x_train.shape == (3500, 28, 28) and y_test.shape == (1000,)


def test_bundled_splits_are_disjoint_and_stratified(artifacts):
    mnist = data.load_mnist("bundled", verbose=False)
    keys = [{image.tobytes() for image in split.images} for split in mnist[:3]]
    assert not keys[0] & keys[1] and not keys[0] & keys[2] and not keys[1] & keys[2]
    for split, size in zip(mnist[:3], data.BUNDLED_SPLIT, strict=True):
        assert np.all(np.bincount(split.labels, minlength=10) == size // 10)


def test_bundled_split_is_the_same_every_time(artifacts):
    first = data.load_mnist("bundled", verbose=False)  # parses the CSV and writes the cache
    assert (artifacts / "data" / "mnist_bundled.npz").exists()
    second = data.load_mnist("bundled", verbose=False)  # reads the cache
    assert np.array_equal(first.test.images, second.test.images)
    assert np.array_equal(first.train.labels, second.train.labels)


def test_auto_offline_uses_bundled_and_says_why_in_one_line(artifacts, offline, capsys):
    mnist = data.load_mnist()
    lines = capsys.readouterr().out.strip().splitlines()
    assert mnist.source == "bundled"
    assert len(lines) == 1 and "bundled" in lines[0] and "cannot be reached" in lines[0]


def test_environment_variable_selects_the_source(artifacts, offline, monkeypatch):
    monkeypatch.setenv("DVDL_MNIST", "bundled")
    assert data.choose_source() == ("bundled", "set by DVDL_MNIST")
    assert data.load_mnist(verbose=False).source == "bundled"


def test_keras_offline_says_how_to_prepare_an_offline_classroom(artifacts, offline):
    with pytest.raises(data.MnistError) as error:
        data.load_mnist("keras")
    message = str(error.value)
    assert "could not be downloaded" in message and "offline classroom" in message
    assert "DVDL_MNIST=bundled" in message


def write_keras_cache(n_train: int, n_test: int) -> None:
    """A small stand-in for Keras' mnist.npz, where ``load_mnist`` looks for it."""
    cache = data.keras_cache_path()
    cache.parent.mkdir(parents=True)
    rng = np.random.default_rng(0)
    np.savez(
        cache,
        x_train=rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        y_train=rng.integers(0, 10, n_train, dtype=np.uint8),
        x_test=rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, n_test, dtype=np.uint8),
    )


def test_keras_cache_is_used_when_present(artifacts, offline, tmp_path):
    write_keras_cache(6000, 100)
    assert data.choose_source("auto") == ("keras", "Keras' cache is present")
    mnist = data.load_mnist(verbose=False)
    assert mnist.source == "keras"
    assert [len(split.labels) for split in mnist[:3]] == [1000, data.KERAS_VALIDATION, 100]
    assert mnist.train.labels.dtype == np.int64


def test_quick_setting_cuts_the_full_source_to_the_bundled_size(artifacts, offline, capsys):
    write_keras_cache(9000, 1200)
    mnist = data.load_mnist("keras", quick=True)
    assert [len(split.labels) for split in mnist[:3]] == list(data.BUNDLED_SPLIT)
    assert "cut to the quick setting's size" in capsys.readouterr().out
    assert len(data.load_mnist("keras", verbose=False).train.labels) == 4000  # the long run keeps all


def test_damaged_keras_cache_names_the_file_and_the_fix(artifacts, offline):
    cache = data.keras_cache_path()
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"this is not an npz file")
    with pytest.raises(data.MnistError) as error:
        data.load_mnist("keras")
    assert str(cache) in str(error.value) and "Delete it" in str(error.value)


def test_damaged_bundled_cache_names_the_file_and_the_fix(artifacts):
    cache = artifacts / "data" / "mnist_bundled.npz"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"\x00" * 100)
    with pytest.raises(data.MnistError, match=r"mnist_bundled\.npz.*Delete it"):
        data.load_mnist("bundled")


def test_auto_with_damaged_keras_cache_falls_back_and_says_why(artifacts, offline, capsys):
    cache = data.keras_cache_path()
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"broken")
    assert data.load_mnist().source == "bundled"
    assert "damaged" in capsys.readouterr().out


def test_unknown_source_lists_the_valid_ones():
    with pytest.raises(ValueError, match="auto, keras, bundled"):
        data.load_mnist("mnist-fashion")


def test_flatten_scale_and_one_hot():
    images = np.array([np.full((28, 28), 255, np.uint8), np.zeros((28, 28), np.uint8)])
    flat = data.flatten_scale(images)
    assert flat.shape == (2, 784) and flat.dtype == np.float32
    assert flat[0].max() == 1.0 and flat[1].max() == 0.0
    encoded = data.one_hot(np.array([3, 0]))
    assert encoded.shape == (2, 10) and encoded[0, 3] == 1 and encoded.sum() == 2
    with pytest.raises(ValueError, match=r"0\.\.9"):
        data.one_hot(np.array([10]))


def test_image_batch_shapes_and_scales():
    images = np.full((2, 3, 3), 255, dtype=np.uint8)
    batch = data.image_batch(images)
    assert batch.shape == (2, 3, 3, 1) and batch.dtype == np.float32 and batch.max() == 1.0
    assert data.image_batch(images[0]).shape == (1, 3, 3, 1), "one H×W image"
    floats = np.full((1, 3, 3, 1), 0.5, dtype=np.float64)
    assert data.image_batch(floats).max() == np.float32(0.5), "floats are kept, not divided"
    with pytest.raises(ValueError, match="Expected"):
        data.image_batch(np.zeros((1, 2, 2, 1, 1)))


def test_square_images_from_rows_channels_or_squares():
    rows = np.arange(2 * 16).reshape(2, 16)
    assert data.square_images(rows).shape == (2, 4, 4)
    assert data.square_images(rows.reshape(2, 4, 4, 1)).shape == (2, 4, 4)
    assert (data.square_images(rows)[1, 0] == [16, 17, 18, 19]).all()
    with pytest.raises(ValueError, match="square"):
        data.square_images(np.zeros((2, 15)))


# --- the tf.data input pipeline (mnist_dataset) ---


def test_mnist_dataset_batches_scaled_images():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (10, 28, 28), dtype=np.uint8)
    labels = np.arange(10) % 10
    x, y = next(iter(data.mnist_dataset(images, labels, batch_size=4)))
    assert x.shape == (4, 28, 28, 1) and x.dtype == "float32"
    np.testing.assert_allclose(x.numpy()[..., 0], images[:4] / 255, rtol=1e-6)
    np.testing.assert_array_equal(y.numpy(), labels[:4])
    sizes = [len(batch) for batch in data.mnist_dataset(images, batch_size=4)]
    assert sizes == [4, 4, 2]


def test_mnist_dataset_shuffles_and_augments_each_epoch():
    rng = np.random.default_rng(1)
    images = np.zeros((8, 28, 28), np.uint8)
    images[:, 10:18, 12:16] = 255
    dataset = data.mnist_dataset(images, np.zeros(8), batch_size=8, shuffle=True, augment=True, seed=3)
    first, second = (next(iter(dataset))[0].numpy() for _ in range(2))
    assert first.shape == (8, 28, 28, 1)
    assert first.min() >= 0 and first.max() <= 1
    assert not np.allclose(first, second), "each epoch should see new distortions"
    assert not np.allclose(first[..., 0], images / 255), "augmentation should move the ink"
    assert abs(first.sum() / (images.sum() / 255) - 1) < 0.5, "ink mostly stays in the image"
    del rng


def test_augmentation_layers_in_a_model_act_while_training_only():
    import keras

    images = np.zeros((4, 28, 28, 1), np.float32)
    images[:, 10:18, 12:16] = 1.0
    augment = keras.Sequential(data.augmentation_layers(seed=0))
    np.testing.assert_array_equal(augment(images, training=False).numpy(), images)
    moved = augment(images, training=True).numpy()
    assert not np.allclose(moved, images), "while training the ink moves"
    assert abs(moved.sum() / images.sum() - 1) < 0.5, "ink mostly stays in the image"


# --- the shipped handwritten digits (load_real_digits) ---


def test_shipped_digits_counts_shapes_and_polarity():
    digits = data.load_real_digits()
    assert digits.images.shape == (300, 28, 28) and digits.images.dtype == np.uint8
    assert digits.labels.dtype == np.int64 and len(digits.paths) == 300
    assert np.bincount(digits.labels, minlength=10).tolist() == [30] * 10
    # MNIST polarity: the border (background) is 0, the strokes reach 255.
    borders = np.concatenate([digits.images[:, 0, :], digits.images[:, -1, :]], axis=1)
    assert np.median(borders) == 0 and digits.images.max(axis=(1, 2)).min() >= 100
    assert (digits.images > 127).mean() < 0.3, "most of a digit image is background"
    assert all(
        path.parent.name == str(label) for path, label in zip(digits.paths, digits.labels, strict=True)
    )


def test_shipped_folder_has_license_and_readme():
    folder = data.REAL_DIGITS_DIR
    assert "MIT License" in (folder / "LICENSE").read_text()
    readme = (folder / "README.md").read_text()
    assert "hwd-1000" in readme.lower() and "300" in readme


def _copy_digits(tmp_path, per_digit=2):
    root = tmp_path / "digits"
    for digit in range(10):
        (root / str(digit)).mkdir(parents=True)
        for path in sorted((data.REAL_DIGITS_DIR / str(digit)).glob("*.png"))[:per_digit]:
            shutil.copy(path, root / str(digit) / path.name)
    return root


def test_bad_files_are_named_skipped_and_left_unchanged(tmp_path):
    root = _copy_digits(tmp_path)
    broken = root / "3" / "broken.png"
    broken.write_text("not a picture")
    big = root / "7" / "big.png"
    Image.new("L", (40, 30), 255).save(big)
    (root / "5" / ".hidden.png").write_bytes(b"")
    before = {
        path: hashlib.sha256(path.read_bytes()).hexdigest() for path in root.rglob("*") if path.is_file()
    }
    with pytest.warns(UserWarning) as caught:
        digits = data.load_real_digits(root)
    messages = [str(warning.message) for warning in caught]
    assert any("broken.png" in m and "cannot read" in m for m in messages), messages
    assert any("big.png" in m and "40×30 instead of 28×28" in m for m in messages), messages
    assert len(digits.labels) == 20 and np.bincount(digits.labels).tolist() == [2] * 10
    after = {
        path: hashlib.sha256(path.read_bytes()).hexdigest() for path in root.rglob("*") if path.is_file()
    }
    assert before == after, "the loader must never modify its input files"


def test_transparent_and_rgb_files_load_in_mnist_polarity(tmp_path):
    root = tmp_path / "digits"
    (root / "1").mkdir(parents=True)
    ink = np.zeros((28, 28, 4), np.uint8)  # transparent everywhere ...
    ink[4:24, 13:15] = (0, 0, 0, 255)  # ... except a black vertical stroke
    Image.fromarray(ink, "RGBA").save(root / "1" / "rgba.png")
    Image.fromarray(np.full((28, 28, 3), 255, np.uint8)).save(root / "1" / "blank_rgb.png")
    digits = data.load_real_digits(root)
    by_name = dict(zip((path.name for path in digits.paths), digits.images, strict=True))
    assert by_name["rgba.png"][10, 13] == 255 and by_name["rgba.png"][0, 0] == 0
    assert by_name["blank_rgb.png"].max() == 0


def test_missing_folder_raises_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no digit folders"):
        data.load_real_digits(tmp_path / "nowhere")
