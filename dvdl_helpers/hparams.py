"""Hyperparameter sweeps for TensorBoard's HParams dashboard: the grid, and reading the sweep back.

The notebook logs with TensorBoard's own API (``tensorboard.plugins.hparams.api``: ``hp.hparams_config``
once for the experiment, ``hp.KerasCallback`` per run). :func:`read_experiment` and :func:`read_sweep`
read the event files back as the dashboard does, so a notebook can check that every run is there and
pick the best setting on validation data.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dvdl_helpers.paths import display_path


def grid(space: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Return every combination of the values in ``space`` (``{name: [values]}``), the first name slowest."""
    names = list(space)
    for name in names:
        if not space[name]:
            raise ValueError(f"hyperparameter {name!r} has no values")
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*space.values())]


def run_name(params: Mapping[str, Any]) -> str:
    """Return a readable, file-safe run folder name, e.g. ``learning_rate=0.003,dropout=0.5``."""
    return ",".join(
        f"{name}={value:g}" if isinstance(value, float) else f"{name}={value}"
        for name, value in params.items()
    )


def _plugin_content(accumulator: Any, tag: str) -> bytes | None:
    """The plugin data logged under ``tag`` in one run (None when the run has no such tag)."""
    if tag not in accumulator.Tags().get("tensors", []):
        return None
    return accumulator.SummaryMetadata(tag).plugin_data.content


def read_experiment(log_dir: Path | str) -> dict[str, Any]:
    """Return the experiment that ``hp.hparams_config`` wrote under ``log_dir``.

    ``{"hparams": {name: [values]}, "metrics": [(group, tag), ...]}``; raises ``FileNotFoundError`` when
    there is none (the HParams dashboard then only lists hyperparameters it sees in the runs).
    """
    from google.protobuf import json_format
    from tensorboard.plugins.hparams import metadata

    from dvdl_helpers.tboard.events import run_accumulators  # TensorFlow: imported when a sweep is read

    for _, accumulator in run_accumulators(log_dir, tensors=0):
        content = _plugin_content(accumulator, metadata.EXPERIMENT_TAG)
        if content is None:
            continue
        experiment = metadata.parse_experiment_plugin_data(content)
        hparams = {}
        for info in experiment.hparam_infos:
            hparams[info.name] = json_format.MessageToDict(info.domain_discrete)  # a ListValue: a list
        metrics = [(info.name.group, info.name.tag) for info in experiment.metric_infos]
        return {"hparams": hparams, "metrics": metrics}
    raise FileNotFoundError(f"no hparams experiment (hp.hparams_config) under {display_path(log_dir)}")


def _last_value(run_dir: Path, tag: str) -> float | None:
    """Return the last value of scalar ``tag`` in the event files of ``run_dir`` (None if absent)."""
    from dvdl_helpers.tboard.events import read_scalars

    if not run_dir.is_dir():
        return None
    for tags in read_scalars(run_dir).values():
        if tags.get(tag):
            return tags[tag][-1][1]
    return None


def read_sweep(log_dir: Path | str, metrics: Sequence[tuple[str, str]] = (("validation", "epoch_accuracy"),)):
    """Return one dict per run of the sweep under ``log_dir``, as the HParams dashboard's table lists them.

    Each dict holds ``run`` (the folder), ``status`` (``"STATUS_SUCCESS"`` once the run ended), the
    hyperparameters by name, and the last value of each metric ``(group, tag)`` under the key ``tag``
    prefixed by ``group/`` (e.g. ``"validation/epoch_accuracy"``; None when missing).
    """
    from google.protobuf import json_format
    from tensorboard.plugins.hparams import api_pb2, metadata

    from dvdl_helpers.tboard.events import run_accumulators

    root = Path(log_dir)
    sessions = []
    for run, accumulator in run_accumulators(root, tensors=0):
        start = _plugin_content(accumulator, metadata.SESSION_START_INFO_TAG)
        if start is None:
            continue
        info = metadata.parse_session_start_info_plugin_data(start)
        end = _plugin_content(accumulator, metadata.SESSION_END_INFO_TAG)
        status = (
            api_pb2.Status.Name(metadata.parse_session_end_info_plugin_data(end).status)
            if end is not None
            else "STATUS_RUNNING"
        )
        row: dict[str, Any] = {"run": run, "status": status}
        row.update({name: json_format.MessageToDict(value) for name, value in info.hparams.items()})
        for group, tag in metrics:
            row[f"{group}/{tag}"] = _last_value(root / run / group, tag)
        sessions.append(row)
    return sessions


def best(
    sessions: Sequence[Mapping[str, Any]], metric: str, *, higher_is_better: bool = True
) -> dict[str, Any]:
    """Return the session with the best value of ``metric`` (sessions without it are skipped)."""
    scored = [session for session in sessions if session.get(metric) is not None]
    if not scored:
        raise ValueError(f"no session has a value for {metric!r}")
    chooser = max if higher_is_better else min
    return dict(chooser(scored, key=lambda session: session[metric]))


def plot_sweep(
    sessions: Sequence[Mapping[str, Any]], metric: str, names: Sequence[str], *, title: str | None = None
):
    """Draw ``metric`` of every session as a bar, labelled with its hyperparameters ``names``."""
    import matplotlib.pyplot as plt

    rows = sorted((s for s in sessions if s.get(metric) is not None), key=lambda s: s[metric])
    labels = [
        ", ".join(
            f"{name} {s[name]:g}" if isinstance(s[name], float) else f"{name} {s[name]}" for name in names
        )
        for s in rows
    ]
    values = [s[metric] for s in rows]
    fig, ax = plt.subplots(figsize=(7, 0.6 + 0.45 * len(rows)))
    colours = ["tab:gray"] * (len(rows) - 1) + ["tab:blue"]
    ax.barh(labels, values, color=colours)
    low = min(values)
    ax.set_xlim(
        max(0.0, low - 0.05), min(1.0, max(values) + 0.02) if max(values) <= 1 else max(values) * 1.05
    )
    ax.set_xlabel(metric)
    ax.set_title(title or f"The sweep, sorted by {metric} (best in blue)")
    fig.tight_layout()
    return fig
