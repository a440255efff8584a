"""Reading back what was logged for TensorBoard: scalars, tags, dashboards, traced graphs, images.

Every reader walks the same run folders (:func:`run_accumulators`, which :mod:`dvdl_helpers.hparams` reads
with too): a *run* is a folder holding event files, named relative to the log folder (``"."`` for the log
folder itself). TF2 summaries are stored as tensors.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import tensorflow as tf
from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorflow.core.protobuf import config_pb2

from dvdl_helpers.paths import display_path

__all__ = ["list_summaries", "list_tags", "read_images", "read_scalars", "traced_graph_ops"]


def _accumulator(run_dir: Path | str, **size_guidance: int) -> EventAccumulator:
    """Load one run folder's event files; ``size_guidance``: events of each kind to keep (0 = all)."""
    accumulator = EventAccumulator(str(run_dir), size_guidance=size_guidance)
    accumulator.Reload()
    return accumulator


def run_accumulators(log_dir: Path | str, **size_guidance: int) -> Iterator[tuple[str, EventAccumulator]]:
    """Yield ``(run name, loaded accumulator)`` for every folder under ``log_dir`` that holds event files."""
    root = Path(log_dir)
    for run_dir in sorted({event.parent for event in root.rglob("events.out.tfevents.*")}):
        yield run_dir.relative_to(root).as_posix(), _accumulator(run_dir, **size_guidance)


def read_scalars(log_dir: Path | str) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """Read every scalar logged under ``log_dir``: ``{run: {tag: [(step, value), ...]}}``.

    Reads both the tensor channel (TF2 summaries) and the legacy scalar channel.
    """
    result: dict[str, dict[str, list[tuple[int, float]]]] = {}
    for run, accumulator in run_accumulators(log_dir, tensors=0, scalars=0):
        tags: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for tag in accumulator.Tags().get("tensors", []):
            for event in accumulator.Tensors(tag):
                value = tf.make_ndarray(event.tensor_proto)
                if value.ndim == 0 and value.dtype.kind in "fiu":
                    tags[tag].append((event.step, float(value)))
        for tag in accumulator.Tags().get("scalars", []):
            tags[tag].extend((event.step, event.value) for event in accumulator.Scalars(tag))
        if tags:
            result[run] = dict(tags)
    return result


def list_tags(log_dir: Path | str) -> dict[str, dict[str, list[str]]]:
    """Return ``{run: {"tensors"|"images"|...: [tag, ...]}}`` for every run under ``log_dir``."""
    return {
        run: {kind: sorted(names) for kind, names in accumulator.Tags().items() if isinstance(names, list)}
        for run, accumulator in run_accumulators(log_dir, tensors=0, images=0)
    }


def list_summaries(log_dir: Path | str) -> dict[str, dict[str, str]]:
    """Return ``{run: {tag: plugin}}``: which dashboard shows each logged tag.

    The plugin is ``"scalars"``, ``"histograms"``, ``"images"``, ``"graph_run_metadata_graph"`` (a graph
    traced with ``tf.summary.trace_export``), ``"graph_keras_model"`` (Keras' conceptual graph), ...
    """
    result: dict[str, dict[str, str]] = {}
    for run, accumulator in run_accumulators(log_dir, tensors=1, images=1):
        tags = accumulator.Tags()
        found = {}
        for tag in tags.get("tensors", []):
            found[tag] = accumulator.SummaryMetadata(tag).plugin_data.plugin_name or "tensors"
        for kind in ("scalars", "histograms", "images"):
            found.update(dict.fromkeys(tags.get(kind, []), kind))
        if tags.get("graph"):
            found["__graph__"] = "graphs"
        result[run] = dict(sorted(found.items()))
    return result


def traced_graph_ops(log_dir: Path | str) -> dict[str, list[str]]:
    """Return ``{run: sorted op types}`` of the graphs ``tf.summary.trace_export`` wrote under ``log_dir``.

    These are the graphs the Graphs dashboard draws; runs without a traced graph are left out.
    """
    result: dict[str, list[str]] = {}
    for run, accumulator in run_accumulators(log_dir, tensors=0):
        ops: set[str] = set()
        for tag in accumulator.Tags().get("tensors", []):
            if accumulator.SummaryMetadata(tag).plugin_data.plugin_name != "graph_run_metadata_graph":
                continue
            for event in accumulator.Tensors(tag):
                metadata = config_pb2.RunMetadata()
                metadata.ParseFromString(tf.make_ndarray(event.tensor_proto).item())
                for function in metadata.function_graphs:
                    ops.update(node.op for node in function.pre_optimization_graph.node)
                for graph in metadata.partition_graphs:
                    ops.update(node.op for node in graph.node)
        if ops:
            result[run] = sorted(ops)
    return result


def read_images(run_dir: Path | str, tag: str) -> list[tuple[int, np.ndarray]]:
    """Read back the images ``tf.summary.image`` logged under ``tag`` in one run folder.

    Returns ``[(step, H×W×3 uint8 array), ...]`` in step order (the first image of each step), e.g. to
    show in a notebook what TensorBoard's Images dashboard shows.
    """
    accumulator = _accumulator(run_dir, tensors=0)
    if tag not in accumulator.Tags().get("tensors", []):
        raise KeyError(f"no images tagged {tag!r} in {display_path(run_dir)}")
    result = []
    for event in accumulator.Tensors(tag):
        png = tf.make_ndarray(event.tensor_proto)[2]  # [width, height, image 1, image 2, ...]
        with Image.open(io.BytesIO(png)) as image:
            result.append((event.step, np.asarray(image.convert("RGB"))))
    return sorted(result, key=lambda item: item[0])
