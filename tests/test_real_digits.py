"""Tests of dvdl_helpers.data.load_real_digits: the shipped handwritten digits, their polarity, bad files."""

from __future__ import annotations

import hashlib
import shutil

import numpy as np
import pytest
from PIL import Image

from dvdl_helpers import data


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
