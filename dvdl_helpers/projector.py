"""Export embeddings to TensorBoard's Embedding Projector, the TensorFlow 2 way, and read an export back.

The Keras TensorBoard callback's ``embeddings_freq`` is broken in Keras 3, so :func:`export_projector`
writes the files the Projector reads into one log folder:

- a checkpoint holding the N×D embedding as a variable (``embedding.ckpt-1.*`` and ``checkpoint``);
- ``metadata.tsv``: one row per point (one column without header, or several under a header row);
- ``sprite.png``: the N thumbnails tiled row by row in a square grid;
- ``projector_config.pbtxt``: which tensor, metadata and sprite belong together.
- an empty ``events.out.tfevents.*`` file, so that TensorBoard lists the folder as a run.

>>> export_projector(log_dir / "network", embeddings, metadata=labels, images=x_test)
>>> # then: tensorboard --logdir <log_dir>, tab PROJECTOR, run "network"
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from dvdl_helpers.data import image_batch

#: Largest sprite side TensorBoard's Projector accepts, in pixels.
SPRITE_MAX_SIDE = 8192
#: Name of the embedding variable inside the TF2 checkpoint (object-based checkpoint key).
TENSOR_NAME = "embedding/.ATTRIBUTES/VARIABLE_VALUE"
CHECKPOINT_PREFIX = "embedding.ckpt"
METADATA_FILE = "metadata.tsv"
SPRITE_FILE = "sprite.png"
CONFIG_FILE = "projector_config.pbtxt"


def sprite_grid(count: int) -> int:
    """Return how many thumbnails per row (and per column) the Projector expects: ⌈√count⌉."""
    return max(1, math.ceil(math.sqrt(count)))


def make_sprite(images: np.ndarray, *, invert: bool = False) -> np.ndarray:
    """Tile N thumbnails (N×h×w, ``uint8`` or floats in [0, 1]) into one square ``uint8`` image.

    Thumbnails fill a ⌈√N⌉×⌈√N⌉ grid row by row, the order the Projector assumes; empty cells are
    background. ``invert=True`` draws dark ink on white (MNIST is white on black), which reads better
    on the Projector's white page.
    """
    images = np.asarray(images)
    if images.ndim not in (3, 4) or len(images) == 0 or (images.ndim == 4 and images.shape[-1] != 1):
        raise ValueError(f"Expected N×h×w thumbnails (N ≥ 1), got shape {images.shape}.")
    if images.dtype != np.uint8 or images.ndim == 4:
        images = np.round(np.clip(image_batch(images)[..., 0], 0.0, 1.0) * 255).astype(np.uint8)
    if invert:
        images = 255 - images
    count, height, width = images.shape
    cols = sprite_grid(count)
    if cols * max(height, width) > SPRITE_MAX_SIDE:
        raise ValueError(
            f"{count} thumbnails of {width}×{height} make a sprite wider than {SPRITE_MAX_SIDE} px, "
            "the Projector's limit: export fewer points or smaller thumbnails."
        )
    sprite = np.full((cols * height, cols * width), 255 if invert else 0, dtype=np.uint8)
    for index, image in enumerate(images):
        row, col = divmod(index, cols)
        sprite[row * height : (row + 1) * height, col * width : (col + 1) * width] = image
    return sprite


def save_sprite(images: np.ndarray, path: Path | str, *, invert: bool = False) -> Path:
    """Build the sprite of ``images`` (see :func:`make_sprite`) and save it as a PNG; return its path."""
    from PIL import Image

    path = Path(path)
    Image.fromarray(make_sprite(images, invert=invert), mode="L").save(path)
    return path


def _cell(value: object) -> str:
    text = str(value.item() if isinstance(value, np.generic) else value)
    if "\t" in text or "\n" in text:
        raise ValueError(f"Metadata values cannot hold tabs or line breaks: {text!r}.")
    return text


def write_metadata(path: Path | str, metadata: Sequence[object] | Mapping[str, Sequence[object]]) -> int:
    """Write ``metadata.tsv`` and return its number of data rows.

    A sequence gives one column *without* a header row (the Projector's rule for one column); a mapping
    ``{"label": [...], "prediction": [...]}`` gives one column per key under a header row.
    """
    if isinstance(metadata, Mapping):
        columns = {str(name): list(values) for name, values in metadata.items()}
        lengths = {len(values) for values in columns.values()}
        if len(lengths) != 1:
            sizes = {name: len(values) for name, values in columns.items()}
            raise ValueError(f"Metadata columns differ in length: {sizes}.")
        rows = ["\t".join(_cell(name) for name in columns)]
        rows += ["\t".join(_cell(value) for value in row) for row in zip(*columns.values(), strict=True)]
        count = len(rows) - 1
    else:
        rows = [_cell(value) for value in metadata]
        count = len(rows)
    Path(path).write_text("\n".join(rows) + "\n", encoding="utf-8")
    return count


def export_projector(
    log_dir: Path | str,
    embeddings: np.ndarray,
    metadata: Sequence[object] | Mapping[str, Sequence[object]] | None = None,
    images: np.ndarray | None = None,
    *,
    invert: bool = False,
) -> Path:
    """Write an N×D embedding (with optional metadata and thumbnails) for the Embedding Projector.

    Saves ``tf.train.Checkpoint(embedding=tf.Variable(embeddings))`` in ``log_dir`` and a
    ``projector_config.pbtxt`` naming its tensor, ``metadata.tsv`` (see :func:`write_metadata`) and
    ``sprite.png`` (see :func:`make_sprite`), plus an empty event file so that the folder counts as a
    TensorBoard run. Start TensorBoard on ``log_dir`` (run ``.``) or on a parent folder holding several
    exports (one run per folder, chosen in the Projector's menu). Returns the path of the config file.
    """
    import tensorflow as tf
    from tensorboard.plugins import projector

    embeddings = np.asarray(embeddings, dtype=np.float32)
    if embeddings.ndim != 2 or len(embeddings) == 0:
        raise ValueError(f"Expected an N×D embedding matrix, got shape {embeddings.shape}.")
    count = len(embeddings)
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)

    config = projector.ProjectorConfig()
    embedding = config.embeddings.add()
    embedding.tensor_name = TENSOR_NAME
    if metadata is not None:
        rows = write_metadata(log_dir / METADATA_FILE, metadata)
        if rows != count:
            raise ValueError(f"{rows} metadata rows for {count} points: give one row per point.")
        embedding.metadata_path = METADATA_FILE
    if images is not None:
        images = np.asarray(images)
        if len(images) != count:
            raise ValueError(f"{len(images)} thumbnails for {count} points: give one image per point.")
        save_sprite(images, log_dir / SPRITE_FILE, invert=invert)
        height, width = images.shape[1:3]
        embedding.sprite.image_path = SPRITE_FILE
        embedding.sprite.single_image_dim.extend([width, height])

    checkpoint = tf.train.Checkpoint(embedding=tf.Variable(embeddings))
    checkpoint.save(str(log_dir / CHECKPOINT_PREFIX))
    projector.visualize_embeddings(str(log_dir), config)
    if not any(log_dir.glob("events.out.tfevents.*")):
        # An (empty) event file makes the folder a TensorBoard *run*, so the Projector also finds it
        # when TensorBoard is started on a parent folder that holds several exports.
        writer = tf.summary.create_file_writer(str(log_dir))
        writer.flush()
        writer.close()
    return log_dir / CONFIG_FILE


class ProjectorExport(NamedTuple):
    """What a Projector log folder holds, as read back by :func:`read_projector_export`."""

    tensor_name: str
    shape: tuple[int, int]
    metadata_header: tuple[str, ...] | None
    metadata_rows: int | None
    sprite_size: tuple[int, int] | None
    thumbnail_size: tuple[int, int] | None

    def problems(self) -> list[str]:
        """Return what would stop the Projector from showing this export (empty list: none)."""
        count = self.shape[0]
        found = []
        if self.metadata_rows is not None and self.metadata_rows != count:
            found.append(f"metadata has {self.metadata_rows} rows for {count} points")
        if self.sprite_size is not None:
            if self.thumbnail_size is None:
                found.append("a sprite without single_image_dim")
            else:
                cols = sprite_grid(count)
                expected = (cols * self.thumbnail_size[0], cols * self.thumbnail_size[1])
                if self.sprite_size != expected:
                    found.append(f"sprite is {self.sprite_size}, expected {expected} for {count} points")
        return found


def read_projector_export(log_dir: Path | str) -> ProjectorExport:
    """Read a Projector log folder back: tensor shape from the checkpoint, metadata rows, sprite size.

    Raises ``FileNotFoundError`` when the config or the checkpoint is missing, and ``KeyError`` when
    the checkpoint lacks the configured tensor.
    """
    import tensorflow as tf
    from google.protobuf import text_format
    from PIL import Image
    from tensorboard.plugins import projector

    log_dir = Path(log_dir)
    config_path = log_dir / CONFIG_FILE
    if not config_path.exists():
        raise FileNotFoundError(f"No {CONFIG_FILE} in {log_dir}: run export_projector first.")
    config = text_format.Parse(config_path.read_text(encoding="utf-8"), projector.ProjectorConfig())
    embedding = config.embeddings[0]
    checkpoint = tf.train.latest_checkpoint(str(log_dir))
    if checkpoint is None:
        raise FileNotFoundError(f"No checkpoint in {log_dir}.")
    shapes = tf.train.load_checkpoint(checkpoint).get_variable_to_shape_map()
    if embedding.tensor_name not in shapes:
        raise KeyError(f"The checkpoint has no tensor {embedding.tensor_name!r}; it has {sorted(shapes)}.")
    shape = tuple(shapes[embedding.tensor_name])

    header, rows = None, None
    if embedding.metadata_path:
        lines = (log_dir / embedding.metadata_path).read_text(encoding="utf-8").splitlines()
        if lines and "\t" in lines[0]:
            header, lines = tuple(lines[0].split("\t")), lines[1:]
        rows = len(lines)
    sprite_size, thumbnail_size = None, None
    if embedding.sprite.image_path:
        with Image.open(log_dir / embedding.sprite.image_path) as sprite:
            sprite_size = sprite.size
        if len(embedding.sprite.single_image_dim) == 2:
            thumbnail_size = tuple(embedding.sprite.single_image_dim)
    return ProjectorExport(embedding.tensor_name, shape, header, rows, sprite_size, thumbnail_size)
