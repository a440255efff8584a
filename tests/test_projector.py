"""Tests of dvdl_helpers.projector: sprites, metadata, the Projector export, and TensorBoard serving it."""

from __future__ import annotations

import json
import os
import urllib.request
from datetime import timedelta

import numpy as np
import pytest
from PIL import Image

from dvdl_helpers import projector


def _thumbnails(count: int, side: int = 28) -> np.ndarray:
    """``count`` uint8 thumbnails, thumbnail ``i`` filled with gray level ``i + 1``."""
    return np.stack([np.full((side, side), i + 1, dtype=np.uint8) for i in range(count)])


def test_sprite_grid_is_the_ceiling_of_the_square_root():
    assert [projector.sprite_grid(n) for n in (1, 4, 5, 1000, 10_000)] == [1, 2, 3, 32, 100]


def test_make_sprite_tiles_row_by_row():
    sprite = projector.make_sprite(_thumbnails(5))
    assert sprite.shape == (3 * 28, 3 * 28) and sprite.dtype == np.uint8
    assert sprite[0, 0] == 1 and sprite[0, 28] == 2 and sprite[0, 56] == 3  # first row
    assert sprite[28, 0] == 4 and sprite[28, 28] == 5  # second row
    assert sprite[28, 56] == 0 and sprite[56, 0] == 0, "empty cells are background"


def test_make_sprite_inverts_and_accepts_floats():
    sprite = projector.make_sprite(np.zeros((2, 4, 4, 1), np.float32), invert=True)
    assert sprite.shape == (8, 8) and (sprite == 255).all(), "inverted: white paper, background too"
    assert projector.make_sprite(np.ones((1, 4, 4), np.float32)).max() == 255


def test_make_sprite_refuses_what_the_projector_cannot_show():
    with pytest.raises(ValueError, match="8192"):
        projector.make_sprite(np.zeros((300 * 300, 28, 28), np.uint8))
    with pytest.raises(ValueError, match="thumbnails"):
        projector.make_sprite(np.zeros((3, 28), np.uint8))


def test_write_metadata_one_column_has_no_header(tmp_path):
    path = tmp_path / "metadata.tsv"
    assert projector.write_metadata(path, np.array([3, 1, 4])) == 3
    assert path.read_text() == "3\n1\n4\n"


def test_write_metadata_columns_have_a_header(tmp_path):
    path = tmp_path / "metadata.tsv"
    assert projector.write_metadata(path, {"label": [7, 2], "prediction": ["7", "3"]}) == 2
    assert path.read_text().splitlines() == ["label\tprediction", "7\t7", "2\t3"]
    with pytest.raises(ValueError, match="differ in length"):
        projector.write_metadata(path, {"a": [1], "b": [1, 2]})
    with pytest.raises(ValueError, match="tabs"):
        projector.write_metadata(path, ["a\tb"])


@pytest.fixture
def export_dir(tmp_path):
    """A Projector export of 10 random 6-d points with labels and 28×28 thumbnails."""
    rng = np.random.default_rng(0)
    embeddings = rng.normal(size=(10, 6)).astype(np.float32)
    labels = np.arange(10) % 3
    log_dir = tmp_path / "logs" / "network"
    config = projector.export_projector(
        log_dir, embeddings, {"label": labels, "prediction": labels}, images=_thumbnails(10)
    )
    assert config == log_dir / projector.CONFIG_FILE
    return log_dir, embeddings


def test_export_writes_valid_projector_files(export_dir):
    import tensorflow as tf

    log_dir, embeddings = export_dir
    names = {path.name for path in log_dir.iterdir()}
    assert {"checkpoint", "metadata.tsv", "sprite.png", "projector_config.pbtxt"} <= names
    assert any(name.startswith("events.out.tfevents.") for name in names), "the folder is a run"
    # The checkpoint holds the embedding under the configured tensor name.
    reader = tf.train.load_checkpoint(tf.train.latest_checkpoint(str(log_dir)))
    np.testing.assert_array_equal(reader.get_tensor(projector.TENSOR_NAME), embeddings)
    config = (log_dir / "projector_config.pbtxt").read_text()
    assert f'tensor_name: "{projector.TENSOR_NAME}"' in config
    assert 'metadata_path: "metadata.tsv"' in config and 'image_path: "sprite.png"' in config
    # One metadata row per point (plus the header), and a sprite of ⌈√10⌉ = 4 thumbnails per row.
    assert len((log_dir / "metadata.tsv").read_text().splitlines()) == 1 + 10
    with Image.open(log_dir / "sprite.png") as sprite:
        assert sprite.size == (4 * 28, 4 * 28)


def test_read_projector_export_reports_what_is_there(export_dir):
    log_dir, _ = export_dir
    export = projector.read_projector_export(log_dir)
    assert export.tensor_name == projector.TENSOR_NAME
    assert export.shape == (10, 6)
    assert export.metadata_header == ("label", "prediction") and export.metadata_rows == 10
    assert export.sprite_size == (112, 112) and export.thumbnail_size == (28, 28)
    assert export.problems() == []


def test_problems_are_found(export_dir):
    log_dir, _ = export_dir
    (log_dir / "metadata.tsv").write_text("label\tprediction\n1\t1\n")
    Image.new("L", (56, 56)).save(log_dir / "sprite.png")
    problems = projector.read_projector_export(log_dir).problems()
    assert any("1 rows for 10 points" in p for p in problems)
    assert any("sprite is (56, 56)" in p for p in problems)


def test_export_checks_its_inputs(tmp_path):
    with pytest.raises(ValueError, match="N×D"):
        projector.export_projector(tmp_path, np.zeros(5))
    with pytest.raises(ValueError, match="metadata rows"):
        projector.export_projector(tmp_path, np.zeros((3, 2)), [1, 2])
    with pytest.raises(ValueError, match="thumbnails"):
        projector.export_projector(tmp_path, np.zeros((3, 2)), images=_thumbnails(2))
    with pytest.raises(FileNotFoundError):
        projector.read_projector_export(tmp_path / "nothing")


def test_a_second_export_into_the_same_folder_replaces_the_first(tmp_path):
    projector.export_projector(tmp_path, np.zeros((4, 3)), [0, 1, 2, 3])
    projector.export_projector(tmp_path, np.ones((5, 2)), [0, 1, 2, 3, 4])
    export = projector.read_projector_export(tmp_path)
    assert export.shape == (5, 2) and export.metadata_rows == 5 and export.problems() == []


def _get(port: int, route: str) -> bytes:
    with urllib.request.urlopen(f"http://localhost:{port}{route}", timeout=60) as response:
        return response.read()


@pytest.mark.slow
def test_tensorboard_serves_the_exported_projector_run(export_dir):
    """Start TensorBoard on the parent of an export and get the projector run back over HTTP."""
    from tensorboard import manager

    from dvdl_helpers import tboard

    log_dir, embeddings = export_dir
    logdir = str(log_dir.parent)
    try:
        result = manager.start(["--logdir", logdir, "--port", "0"], timeout=timedelta(seconds=120))
        assert isinstance(result, manager.StartLaunched), f"TensorBoard did not start: {result}"
        port = result.info.port
        assert json.loads(_get(port, "/data/plugin/projector/runs")) == ["network"]
        info = json.loads(_get(port, "/data/plugin/projector/info?run=network"))
        (embedding,) = info["embeddings"]
        assert embedding["tensorName"] == projector.TENSOR_NAME
        assert embedding["tensorShape"] == [10, 6]
        assert embedding["sprite"]["singleImageDim"] == [28, 28]
        name = urllib.request.quote(projector.TENSOR_NAME)
        tensor = _get(port, f"/data/plugin/projector/tensor?run=network&name={name}")
        np.testing.assert_array_equal(np.frombuffer(tensor, np.float32).reshape(10, 6), embeddings)
        metadata = _get(port, f"/data/plugin/projector/metadata?run=network&name={name}").decode()
        assert metadata.splitlines()[0] == "label\tprediction" and len(metadata.splitlines()) == 11
        sprite = _get(port, f"/data/plugin/projector/sprite_image?run=network&name={name}")
        assert sprite.startswith(b"\x89PNG")
    finally:
        # Stop the instance this test started (found by its log dir, even if a check above failed).
        ours = [info.pid for info in manager.get_all() if info.logdir == logdir]
        tboard.stop_tensorboards(ours)
        for pid in ours:
            os.waitpid(pid, 0)  # our child process: wait until it has ended
    assert ours, "TensorBoard did not register itself"
    assert not set(ours) & set(tboard.running_tensorboards())
