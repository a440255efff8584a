"""Tests of dvdl_helpers.env: the quick/full switch, quiet TensorFlow, seeds, TensorBoard, test settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from dvdl_helpers import env


def test_quick_mode_is_the_default_and_the_environment_overrides_the_switch(monkeypatch):
    monkeypatch.delenv("DVDL_TEST_MODE", raising=False)
    assert env.quick_mode()
    assert not env.quick_mode(full_run=True)
    monkeypatch.setenv("DVDL_TEST_MODE", "1")
    assert env.quick_mode(full_run=True)
    monkeypatch.setenv("DVDL_TEST_MODE", "0")
    assert not env.quick_mode(full_run=False)


def test_quiet_tensorflow_import_prints_nothing():
    code = "from dvdl_helpers import env; env.quiet_tensorflow(); import tensorflow as tf; tf.constant(1)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "" and result.stderr == "", result.stderr[:500]


def test_seed_everything_repeats_random_draws():
    import tensorflow as tf

    env.seed_everything(7)
    first = tf.random.uniform((3,)).numpy()
    env.seed_everything(7)
    assert (tf.random.uniform((3,)).numpy() == first).all()


def test_tensorboard_status_explains_a_missing_program(monkeypatch, tmp_path):
    monkeypatch.setenv("TENSORBOARD_BINARY", str(tmp_path / "no-such-tensorboard"))
    env.tensorboard_status.cache_clear()
    try:
        ok, text = env.tensorboard_status()
    finally:
        env.tensorboard_status.cache_clear()  # the next caller sees the real program again
    assert not ok and "did not start" in text


def test_use_test_environment_sets_the_course_settings_and_path(monkeypatch):
    for name in env.TEST_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", "/usr/bin")
    env.use_test_environment()
    env.use_test_environment()  # twice: PATH gets this Python's folder once
    assert all(os.environ[name] == value for name, value in env.TEST_ENVIRONMENT.items())
    folders = os.environ["PATH"].split(os.pathsep)
    assert folders[0] == str(Path(sys.executable).parent) and folders.count(folders[0]) == 1


def test_package_version_and_usable_cores():
    assert env.package_version("no-such-package-xyz") == "not installed"
    assert env.package_version("no-such-package-xyz", "numpy") == np.__version__
    assert 1 <= env.usable_cores() <= (os.cpu_count() or 1)
