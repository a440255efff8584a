"""TensorBoard plumbing: log folders, reading event files back, and tidying up TensorBoard processes.

The notebooks show TensorBoard inline with ``%load_ext tensorboard`` and ``%tensorboard --logdir ...``;
this module handles what happens around that.
"""

from __future__ import annotations

import os
import signal
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from dvdl_helpers.paths import display_path, logs_dir

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.figure import Figure


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


def running_tensorboards(*, course_only: bool = False) -> list[int]:
    """Return the process ids of the TensorBoard instances in TensorBoard's own registry.

    ``course_only=True`` keeps those whose log folder lies under the course's ``artifacts/`` folder, so
    that tidying up after the notebooks never stops someone else's TensorBoard.
    """
    from tensorboard import manager

    from dvdl_helpers.paths import artifacts_dir

    root = artifacts_dir().resolve()
    pids = []
    for info in manager.get_all():
        logdir = Path(info.logdir).expanduser().resolve() if info.logdir else None
        if course_only and (logdir is None or not logdir.is_relative_to(root)):
            continue
        pids.append(info.pid)
    return pids


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


# --- Images and graphs for TensorBoard (notebook 01 onwards) -------------------------------------------


def figure_to_image(fig: Figure, *, dpi: float | None = None, close: bool = True) -> np.ndarray:
    """Render a matplotlib figure as a 1×H×W×3 ``uint8`` array, ready for ``tf.summary.image``.

    ``close=True`` closes the figure afterwards, so it is not also shown in the notebook. Transparent
    parts come out white. The pixels are read straight from the drawing (no PNG round trip), which
    matters when a callback draws two figures every epoch.
    """
    import io

    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    if isinstance(fig.canvas, FigureCanvasAgg):
        original_dpi = fig.dpi
        fig.set_dpi(dpi or original_dpi)
        fig.canvas.draw()
        rgba = np.asarray(fig.canvas.buffer_rgba(), dtype=np.float32)
        fig.set_dpi(original_dpi)
    else:  # a backend that does not draw into pixels (pdf, svg): go through PNG
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi or fig.dpi)
        buffer.seek(0)
        with Image.open(buffer) as image:
            rgba = np.asarray(image.convert("RGBA"), dtype=np.float32)
    if close:
        plt.close(fig)
    alpha = rgba[..., 3:] / 255.0
    rgb = rgba[..., :3] * alpha + 255.0 * (1.0 - alpha)  # over a white background
    return np.round(rgb).astype(np.uint8)[None]


def weights_to_image(
    weights: np.ndarray,
    *,
    shape: tuple[int, int] = (28, 28),
    ncols: int = 5,
    scale: int = 4,
    cmap: str = "RdBu",
    pad: int = 1,
) -> np.ndarray:
    """Colour a dense layer's weights (inputs × classes, e.g. 784×10) as one tiled 1×H×W×3 ``uint8`` image.

    Each class's column becomes one ``shape`` tile (class 0 top left, row by row), in a diverging colormap
    centred at zero on the symmetric scale ``±max|W|``: with ``"RdBu"`` zero is white, positive weights
    blue and negative red, as in :func:`dvdl_helpers.plots.weight_images`. Tiles are enlarged ``scale``
    times (nearest neighbour) and separated by ``pad`` gray pixels. Log it with ``tf.summary.image``.
    """
    import matplotlib
    import numpy as np

    w = np.asarray(weights, dtype=float)
    if w.ndim != 2 or w.shape[0] != shape[0] * shape[1]:
        raise ValueError(f"expected weights of shape ({shape[0] * shape[1]}, classes), got {w.shape}")
    limit = float(np.abs(w).max()) or 1.0
    colours = matplotlib.colormaps[cmap]((w.T / limit + 1) / 2)[..., :3]  # classes × inputs × 3
    tiles = colours.reshape(-1, *shape, 3)
    n = len(tiles)
    nrows = -(-n // ncols)
    height, width = shape
    grid = np.full(
        (nrows * (height + pad) + pad, ncols * (width + pad) + pad, 3), 0.6, dtype=float
    )  # gray separators
    for index, tile in enumerate(tiles):
        row, col = divmod(index, ncols)
        top, left = pad + row * (height + pad), pad + col * (width + pad)
        grid[top : top + height, left : left + width] = tile
    grid = np.repeat(np.repeat(grid, scale, axis=0), scale, axis=1)
    return np.round(grid * 255).astype(np.uint8)[None]


def list_summaries(log_dir: Path | str) -> dict[str, dict[str, str]]:
    """Return ``{run: {tag: plugin}}``: which dashboard shows each logged tag.

    The plugin is ``"scalars"``, ``"histograms"``, ``"images"``, ``"graph_run_metadata_graph"`` (a graph
    traced with ``tf.summary.trace_export``), ``"graph_keras_model"`` (Keras' conceptual graph), ...
    """
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    root = Path(log_dir)
    result: dict[str, dict[str, str]] = {}
    for run_dir in sorted({event.parent for event in root.rglob("events.out.tfevents.*")}):
        accumulator = EventAccumulator(str(run_dir), size_guidance={"tensors": 1, "images": 1})
        accumulator.Reload()
        tags = accumulator.Tags()
        found = {}
        for tag in tags.get("tensors", []):
            found[tag] = accumulator.SummaryMetadata(tag).plugin_data.plugin_name or "tensors"
        for kind in ("scalars", "histograms", "images"):
            found.update(dict.fromkeys(tags.get(kind, []), kind))
        if tags.get("graph"):
            found["__graph__"] = "graphs"
        result[run_dir.relative_to(root).as_posix()] = dict(sorted(found.items()))
    return result


def traced_graph_ops(log_dir: Path | str) -> dict[str, list[str]]:
    """Return ``{run: sorted op types}`` of the graphs ``tf.summary.trace_export`` wrote under ``log_dir``.

    These are the graphs the Graphs dashboard draws; runs without a traced graph are left out.
    """
    import tensorflow as tf
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorflow.core.protobuf import config_pb2

    root = Path(log_dir)
    result: dict[str, list[str]] = {}
    for run_dir in sorted({event.parent for event in root.rglob("events.out.tfevents.*")}):
        accumulator = EventAccumulator(str(run_dir), size_guidance={"tensors": 0})
        accumulator.Reload()
        ops: set[str] = set()
        for tag in accumulator.Tags().get("tensors", []):
            plugin = accumulator.SummaryMetadata(tag).plugin_data.plugin_name
            if plugin != "graph_run_metadata_graph":
                continue
            for event in accumulator.Tensors(tag):
                metadata = config_pb2.RunMetadata()
                metadata.ParseFromString(tf.make_ndarray(event.tensor_proto).item())
                for function in metadata.function_graphs:
                    ops.update(node.op for node in function.pre_optimization_graph.node)
                for graph in metadata.partition_graphs:
                    ops.update(node.op for node in graph.node)
        if ops:
            result[run_dir.relative_to(root).as_posix()] = sorted(ops)
    return result


def confusion_counts(labels, predictions, num_classes: int = 10):
    """Return the ``num_classes``×``num_classes`` confusion matrix: row = true class, column = predicted."""
    import numpy as np

    labels = np.asarray(labels, dtype=np.int64).ravel()
    predictions = np.asarray(predictions, dtype=np.int64).ravel()
    flat = np.bincount(labels * num_classes + predictions, minlength=num_classes * num_classes)
    return flat.reshape(num_classes, num_classes)


def image_logging_callback(
    log_dir: Path | str,
    images,
    labels,
    *,
    run: str = "images",
    max_errors: int = 30,
    every_n_epochs: int = 1,
    class_names=None,
    batch_size: int = 500,
):
    """Return a Keras callback that logs, per epoch, the confusion matrix and the misclassified images.

    After every ``every_n_epochs``-th epoch it predicts ``images`` (N×28×28 ``uint8``, or N×28×28×1 floats
    in [0, 1] as the model takes them), draws :func:`dvdl_helpers.plots.confusion_matrix` and a
    :func:`dvdl_helpers.plots.digit_mosaic` of up to ``max_errors`` misclassified images (``true→predicted``)
    and writes both with ``tf.summary.image`` (tags ``confusion_matrix`` and ``misclassified``, step = epoch
    as Keras' TensorBoard callback counts it) into the run folder ``log_dir/run``. The TensorBoard
    **Images** dashboard then shows them, with a slider over the epochs.
    """
    import keras
    import numpy as np
    import tensorflow as tf

    from dvdl_helpers import plots

    images = np.asarray(images)
    inputs = images.astype(np.float32) / (255.0 if images.dtype == np.uint8 else 1.0)
    if inputs.ndim == 3:
        inputs = inputs[..., None]
    labels = np.asarray(labels, dtype=np.int64)
    num_classes = len(class_names) if class_names is not None else int(max(labels.max() + 1, 10))
    run_dir = Path(log_dir) / run

    class ImageLogger(keras.callbacks.Callback):
        """Logs the confusion matrix and the misclassified images to TensorBoard after each epoch."""

        def __init__(self) -> None:
            super().__init__()
            self.writer = None
            self.last_errors = -1  # misclassified images at the last logged epoch

        def on_train_begin(self, logs=None):
            self.writer = tf.summary.create_file_writer(str(run_dir))

        def on_epoch_end(self, epoch, logs=None):
            if (epoch + 1) % every_n_epochs:
                return
            logits = self.model.predict(inputs, batch_size=batch_size, verbose=0)
            predictions = np.asarray(logits).argmax(axis=-1)
            wrong = np.flatnonzero(predictions != labels)
            self.last_errors = len(wrong)
            matrix = plots.confusion_matrix(
                confusion_counts(labels, predictions, num_classes),
                class_names=class_names,
                title=f"Confusion matrix after epoch {epoch + 1}",
            )
            shown = wrong[:max_errors]
            grid = plots.digit_mosaic(
                images[shown] if len(shown) else np.zeros((1, 28, 28)),
                labels[shown] if len(shown) else None,
                predictions[shown] if len(shown) else None,
                title=f"Misclassified after epoch {epoch + 1}: {len(wrong)} of {len(labels)} "
                "(true→predicted)",
            )
            with self.writer.as_default():
                tf.summary.image("confusion_matrix", figure_to_image(matrix), step=epoch)
                tf.summary.image("misclassified", figure_to_image(grid), step=epoch)
            self.writer.flush()

        def on_train_end(self, logs=None):
            if self.writer is not None:
                self.writer.close()
                self.writer = None

    return ImageLogger()


def read_images(run_dir: Path | str, tag: str):
    """Read back the images ``tf.summary.image`` logged under ``tag`` in one run folder.

    Returns ``[(step, H×W×3 uint8 array), ...]`` in step order (the first image of each step), e.g. to
    show in a notebook what TensorBoard's Images dashboard shows.
    """
    import io

    import numpy as np
    import tensorflow as tf
    from PIL import Image
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(run_dir), size_guidance={"tensors": 0})
    accumulator.Reload()
    if tag not in accumulator.Tags().get("tensors", []):
        raise KeyError(f"no images tagged {tag!r} in {display_path(run_dir)}")
    result = []
    for event in accumulator.Tensors(tag):
        png = tf.make_ndarray(event.tensor_proto)[2]  # [width, height, image 1, image 2, ...]
        with Image.open(io.BytesIO(png)) as image:
            result.append((event.step, np.asarray(image.convert("RGB"))))
    return sorted(result, key=lambda item: item[0])


def proxy_url_template(prefix: str | None = None) -> str:
    """Return the ``TENSORBOARD_PROXY_URL`` value for jupyter-server-proxy: ``<prefix>proxy/%PORT%/``.

    ``prefix`` is the Jupyter server's base URL; by default ``$JUPYTERHUB_SERVICE_PREFIX`` (JupyterHub
    sets it, e.g. ``/user/ada/``) or ``/``. TensorBoard replaces ``%PORT%`` with its port; the trailing
    slash is required: TensorBoard's page fetches its data with addresses relative to it.
    """
    if prefix is None:
        prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX") or "/"
    if "://" not in prefix and not prefix.startswith("/"):
        prefix = "/" + prefix
    if not prefix.endswith("/"):
        prefix += "/"
    return f"{prefix}proxy/%PORT%/"


def use_proxy(prefix: str | None = None) -> str:
    """Make ``%tensorboard`` show TensorBoard through jupyter-server-proxy; return the URL template set.

    For JupyterHub and remote servers, where the browser cannot reach TensorBoard's port (a blank
    frame). Call it before ``%tensorboard``; it sets ``TENSORBOARD_PROXY_URL`` for this kernel only.
    Needs ``pip install jupyter-server-proxy`` where the Jupyter server runs (then restart the server).
    """
    template = proxy_url_template(prefix)
    os.environ["TENSORBOARD_PROXY_URL"] = template
    return template


def frame_url(port: int, page_url: str = "http://localhost:8888/lab") -> str:
    """Return the address that ``%tensorboard``'s frame loads, for TensorBoard on ``port``, from ``page_url``.

    Mirrors TensorBoard's own rule: ``$TENSORBOARD_PROXY_URL`` (``%PORT%`` replaced) resolved against
    the notebook page's address; without it, the page's host with TensorBoard's port, which a browser
    on another machine cannot reach.
    """
    from urllib.parse import urljoin, urlsplit

    proxy = os.environ.get("TENSORBOARD_PROXY_URL")
    if proxy is not None:
        return urljoin(page_url, proxy.replace("%PORT%", str(port)))
    page = urlsplit(page_url)
    host = f"[{page.hostname}]" if ":" in (page.hostname or "") else page.hostname
    return f"{page.scheme}://{host}:{port}/"
