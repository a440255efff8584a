"""TensorBoard plumbing: log folders, reading event files back, and tidying up TensorBoard processes.

The notebooks show TensorBoard inline with ``%load_ext tensorboard`` and ``%tensorboard --logdir ...``;
this module handles what happens around that.
"""

from __future__ import annotations

import os
import signal
from collections import defaultdict
from pathlib import Path

from dvdl_helpers.paths import display_path, logs_dir


def notebook_logdir(notebook: str, *, clear: bool = True) -> Path:
    """Return ``artifacts/logs/<notebook>``, emptied first by default so a re-run starts clean.

    Without clearing, re-running a notebook appends a second copy of every curve to the same runs.
    """
    return logs_dir(notebook, clear=clear)


def tensorboard_command(log_dir: Path | str) -> str:
    """Return the shell command that opens ``log_dir`` in TensorBoard outside Jupyter (for printing)."""
    return f"tensorboard --logdir {display_path(log_dir)}"


def read_scalars(log_dir: Path | str) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """Read every scalar logged under ``log_dir``: ``{run: {tag: [(step, value), ...]}}``.

    A *run* is a sub-folder holding event files (``"."`` for ``log_dir`` itself). TF2 summaries are
    stored as tensors, so this reads both the tensor and the legacy scalar channels.
    """
    import tensorflow as tf
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    root = Path(log_dir)
    result: dict[str, dict[str, list[tuple[int, float]]]] = {}
    run_dirs = sorted({event.parent for event in root.rglob("events.out.tfevents.*")})
    for run_dir in run_dirs:
        accumulator = EventAccumulator(str(run_dir), size_guidance={"tensors": 0, "scalars": 0})
        accumulator.Reload()
        tags: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for tag in accumulator.Tags().get("tensors", []):
            for event in accumulator.Tensors(tag):
                value = tf.make_ndarray(event.tensor_proto)
                if value.ndim == 0 and value.dtype.kind in "fiu":
                    tags[tag].append((event.step, float(value)))
        for tag in accumulator.Tags().get("scalars", []):
            tags[tag].extend((event.step, event.value) for event in accumulator.Scalars(tag))
        if tags:
            result[run_dir.relative_to(root).as_posix()] = dict(tags)
    return result


def list_tags(log_dir: Path | str) -> dict[str, dict[str, list[str]]]:
    """Return ``{run: {"tensors"|"images"|...: [tag, ...]}}`` for every run under ``log_dir``."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    root = Path(log_dir)
    result = {}
    for run_dir in sorted({event.parent for event in root.rglob("events.out.tfevents.*")}):
        accumulator = EventAccumulator(str(run_dir), size_guidance={"tensors": 0, "images": 0})
        accumulator.Reload()
        tags = {kind: sorted(names) for kind, names in accumulator.Tags().items() if isinstance(names, list)}
        result[run_dir.relative_to(root).as_posix()] = tags
    return result


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_info(pid: int) -> None:
    """Delete TensorBoard's registry file for process ``pid`` (its own helper only removes its own)."""
    from tensorboard import manager

    Path(manager._get_info_dir(), f"pid-{pid}.info").unlink(missing_ok=True)


def running_tensorboards() -> list[int]:
    """Return the process ids of the TensorBoard instances that TensorBoard's own registry lists."""
    from tensorboard import manager

    return [info.pid for info in manager.get_all()]


def clean_stale_tensorboard_info() -> int:
    """Remove registry entries of TensorBoard processes that no longer run; return how many.

    A killed notebook leaves them behind, and ``%tensorboard`` may then "reuse" the dead instance's
    port and show a blank frame.
    """
    from tensorboard import manager

    removed = 0
    for info in manager.get_all():
        if not _alive(info.pid):
            _remove_info(info.pid)
            removed += 1
    return removed


def stop_tensorboards(pids: list[int] | None = None) -> int:
    """Stop the given TensorBoard processes (default: all that are registered); return how many."""
    from tensorboard import manager

    stopped = 0
    for info in manager.get_all():
        if pids is not None and info.pid not in pids:
            continue
        if _alive(info.pid):
            try:
                os.kill(info.pid, signal.SIGTERM)
                stopped += 1
            except ProcessLookupError:
                pass
        _remove_info(info.pid)
    return stopped
