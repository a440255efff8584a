"""The course environment: quiet TensorFlow, reproducible seeds, quick or long run, package versions.

Call :func:`quiet_tensorflow` *before* ``import tensorflow`` (the notebooks' setup cell does): TensorFlow
reads its log level when it is first imported. Every module may import this one: it imports none of the
course's modules (the environment report that gathers them is :mod:`.checkup`).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterator
from importlib import metadata

#: The settings under which the tests run the notebooks and ``make outputs`` executes them, so the
#: stored outputs are exactly what the tests compare against. Applied by :func:`use_test_environment`.
TEST_ENVIRONMENT: dict[str, str] = {
    "DVDL_MNIST": "bundled",  # the same 5,000 real digits everywhere, no network
    "DVDL_TEST_MODE": "1",  # the quick setting, even where a notebook's FULL_RUN switch is on
    "TF_CPP_MIN_LOG_LEVEL": "3",  # TensorFlow's C++ start-up noise
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}


def use_test_environment() -> None:
    """Apply :data:`TEST_ENVIRONMENT` to this process and the kernels it starts (tests, ``make outputs``).

    Also puts this Python's ``bin`` folder first on ``PATH``, so a kernel's ``%tensorboard`` finds the
    ``tensorboard`` program of this environment.
    """
    os.environ.update(TEST_ENVIRONMENT)
    scripts = os.path.dirname(sys.executable)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != scripts:
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def quick_mode(full_run: bool = False) -> bool:
    """Return True for a notebook's quick setting (the one whose outputs are stored), False for the long run.

    Each notebook's setup cell has one visible switch, ``FULL_RUN = False``, passed here. The environment
    variable ``DVDL_TEST_MODE`` overrides the switch for scripts and tests: ``1`` quick, ``0`` long run.
    With nothing set, the quick setting runs: a learner's Run All shows what the stored outputs show.
    """
    value = os.environ.get("DVDL_TEST_MODE", "").strip().lower()
    if value in {"1", "true", "yes"}:
        return True
    if value in {"0", "false", "no"}:
        return False
    return not full_run


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    """Send the process' file descriptor 2 to /dev/null (C++ code writes there, below Python)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def quiet_tensorflow() -> None:
    """Import TensorFlow without its log noise, and keep its and Keras' loggers quiet afterwards.

    TensorFlow's C++ runtime prints start-up lines (oneDNN, CPU features, ...) before any log setting
    applies, so the first import and the runtime's start happen here, with those lines discarded.
    Errors still show. Call it before your own ``import tensorflow``; it is cheap to call again.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    warnings.filterwarnings("ignore", module=r"(tensorflow|keras|absl|tensorboard)(\.|$)")
    warnings.filterwarnings("ignore", message=r".*(oneDNN|cuda|CUDA|TensorRT).*")
    if "tensorflow" not in sys.modules:
        with _stderr_silenced():
            import tensorflow as tf

            tf.constant(0)  # starts the runtime, which logs once more
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)


def seed_everything(seed: int = 42, *, deterministic: bool = True) -> None:
    """Seed Python, NumPy and TensorFlow so that a re-run on the same machine gives the same numbers.

    ``deterministic=True`` also makes TensorFlow's ops deterministic (slightly slower). Another CPU
    or core count can still change the last digits: the notebooks never compare raw training
    numbers, only checks such as ``accuracy >= 0.9``.
    """
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()


def package_version(*names: str) -> str:
    """Return the installed version of the first of ``names`` that is installed, else ``"not installed"``.

    Several names cover a package published under two names: ``package_version("tensorflow",
    "tensorflow-cpu")``.
    """
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def usable_cores() -> int:
    """The number of CPU cores this process may use (its affinity where the system tells, else all)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@functools.cache
def tensorboard_status() -> tuple[bool, str]:
    """Return whether the ``tensorboard`` program can be started, and a short explanation (checked once)."""
    binary = os.environ.get("TENSORBOARD_BINARY") or shutil.which("tensorboard")
    if binary is None:
        return False, "`tensorboard` is not on PATH: `pip install tensorboard` (or activate .venv)"
    try:
        result = subprocess.run(
            [binary, "--version_tb"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, f"`tensorboard` did not start: {error}"
    if result.returncode != 0:
        return False, f"`tensorboard --version_tb` failed: {result.stderr.strip()[-200:]}"
    return True, f"`tensorboard` {result.stdout.strip()} starts"
