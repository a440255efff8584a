"""Tests of dvdl_helpers.data: shapes, splits, source selection offline, damaged caches."""

from __future__ import annotations

import numpy as np
import pytest

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
