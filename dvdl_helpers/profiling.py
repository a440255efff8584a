"""Profile a few training steps for TensorBoard's Profile dashboard, and read its step-time breakdown back.

Keras 3's ``model.fit`` does not mark where each training step begins and ends, so a profile taken with
``keras.callbacks.TensorBoard(profile_batch=...)`` holds the trace but the Profile dashboard's overview and
input-pipeline pages say "No step marker observed" and cannot break the step time down.
:class:`StepProfiler` records the same trace *with* step markers. :func:`step_breakdown` reads the
breakdown that the dashboard shows (through the plugin's own converter, ``xprof``), so a notebook can
print and assert it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dvdl_helpers.paths import display_path

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def step_profiler(log_dir: Path | str, first_step: int = 3, last_step: int = 8, *, epoch: int = 0):
    """Return a Keras callback that profiles training steps ``first_step``..``last_step`` of epoch ``epoch``.

    It starts ``tf.profiler`` before ``first_step``, wraps each step in a ``Trace("train", step_num=...)``
    step marker and stops after ``last_step``, writing ``log_dir/plugins/profile/<time>/<host>.xplane.pb``.
    Skip the first steps: they trace and compile the training function (and, in the first epoch, fill
    ``tf.data`` caches).
    """
    import keras
    import tensorflow as tf

    if not 0 <= first_step <= last_step:
        raise ValueError(f"need 0 <= first_step <= last_step, got {first_step}, {last_step}")

    class StepProfiler(keras.callbacks.Callback):
        """Profiles a few training steps with step markers (see :func:`step_profiler`)."""

        def __init__(self) -> None:
            super().__init__()
            self.trace = None
            self.done = False
            self.profiling = False
            self.epoch = -1

        def on_epoch_begin(self, epoch_index, logs=None):
            self.epoch = epoch_index

        def on_train_batch_begin(self, batch, logs=None):
            if self.done or self.epoch != epoch or batch < first_step:
                return
            if batch == first_step:
                tf.profiler.experimental.start(str(log_dir))
                self.profiling = True
            self.trace = tf.profiler.experimental.Trace("train", step_num=batch, _r=1)
            self.trace.__enter__()

        def on_train_batch_end(self, batch, logs=None):
            if self.trace is not None:
                self.trace.__exit__(None, None, None)
                self.trace = None
            if self.profiling and batch >= last_step:
                self._stop()

        def on_epoch_end(self, epoch_index, logs=None):
            if self.profiling:  # the epoch had fewer steps than asked for
                self._stop()

        def _stop(self) -> None:
            tf.profiler.experimental.stop()
            self.profiling = False
            self.done = True

    return StepProfiler()


def xplane_files(log_dir: Path | str) -> list[Path]:
    """Return the profiles (``*.xplane.pb``) under ``log_dir``, oldest first."""
    return sorted(Path(log_dir).rglob("plugins/profile/*/*.xplane.pb"), key=lambda path: path.stat().st_mtime)


def _tool_data(xplane: Path, tool: str) -> list[dict[str, Any]]:
    """Return what the Profile dashboard's ``tool`` page shows for one profile (its data tables)."""
    from xprof.convert import raw_to_tool_data

    data = raw_to_tool_data.xspace_to_tool_data([str(xplane)], tool, {})
    data = data[0] if isinstance(data, tuple) else data
    return json.loads(data)


def step_breakdown(log_dir: Path | str) -> dict[str, Any]:
    """Read the step-time breakdown of the newest profile under ``log_dir``, as the Profile dashboard has it.

    Returns ``{"steps": [{"step", "total_ms", "input_ms", "compute_ms", "other_ms"}, ...], "step_ms",
    "input_ms", "compute_ms", "input_percent", "conclusion", "hardware"}`` from the dashboard's
    *input_pipeline_analyzer* page: ``input`` is time the step waited for its batch, ``compute`` the time
    spent computing (on a CPU-only machine: "host compute"). Raises ``FileNotFoundError`` when there is
    no profile and ``ValueError`` when it has no step markers.
    """
    files = xplane_files(log_dir)
    if not files:
        raise FileNotFoundError(f"no profile (*.xplane.pb) under {display_path(log_dir)}")
    tables = _tool_data(files[-1], "input_pipeline_analyzer")
    table = next((t for t in tables if any(c.get("id") == "stepTimeMs" for c in t.get("cols", []))), None)
    if table is None or not table.get("rows"):
        raise ValueError(f"{display_path(files[-1])}: no step markers, so no step-time breakdown")
    columns = [column["id"] for column in table["cols"]]
    steps = []
    for row in table["rows"]:
        values = dict(zip(columns, (cell.get("v") for cell in row["c"]), strict=False))
        compute = sum(float(values.get(key) or 0) for key in ("hostComputeTimeMs", "deviceComputeTimeMs"))
        total = float(values["stepTimeMs"])
        waiting = float(values.get("infeedTimeMs") or 0)
        steps.append(
            {
                "step": str(values["stepnum"]),
                "total_ms": total,
                "input_ms": waiting,
                "compute_ms": compute,
                "other_ms": max(total - waiting - compute, 0.0),
            }
        )
    summary = table.get("p", {})
    mean = {
        key: sum(step[key] for step in steps) / len(steps) for key in ("total_ms", "input_ms", "compute_ms")
    }
    return {
        "steps": steps,
        "step_ms": mean["total_ms"],
        "input_ms": mean["input_ms"],
        "compute_ms": mean["compute_ms"],
        "input_percent": 100 * mean["input_ms"] / mean["total_ms"] if mean["total_ms"] else 0.0,
        "conclusion": summary.get("input_conclusion", ""),
        "hardware": summary.get("hardware_type", ""),
    }


def plot_breakdowns(breakdowns: dict[str, dict[str, Any]], *, title: str | None = None) -> Figure:
    """Draw the mean step time of each profiled setting as a stacked bar: input wait, compute, other."""
    import matplotlib.pyplot as plt

    names = list(breakdowns)
    fig, ax = plt.subplots(figsize=(7, 0.7 + 0.6 * len(names)))
    left = [0.0] * len(names)
    parts = (("input_ms", "waiting for input", "tab:red"), ("compute_ms", "compute", "tab:blue"))
    for key, label, colour in parts:
        values = [breakdowns[name][key] for name in names]
        ax.barh(names, values, left=left, label=label, color=colour)
        left = [a + b for a, b in zip(left, values, strict=True)]
    other = [max(breakdowns[name]["step_ms"] - done, 0.0) for name, done in zip(names, left, strict=True)]
    ax.barh(names, other, left=left, label="other", color="tab:gray")
    ax.invert_yaxis()
    ax.set_xlabel("mean time per training step (ms)")
    ax.set_title(title or "Where a training step's time goes (Profile dashboard, input pipeline page)")
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    return fig
