"""Tests of the TensorBoard plumbing in dvdl_helpers.tboard (log folders, reading events, registry)."""

from __future__ import annotations

from dvdl_helpers import tboard


def test_notebook_logdir_is_cleared_on_request(artifacts):
    log_dir = tboard.notebook_logdir("00_setup")
    (log_dir / "stale").mkdir()
    assert list(tboard.notebook_logdir("00_setup").iterdir()) == []
    # the printed command is stored in notebook 00: relative, the same on every machine
    assert tboard.tensorboard_command(log_dir) == "tensorboard --logdir artifacts/logs/00_setup"


def test_read_scalars_finds_what_tf_summary_wrote(tmp_path):
    import tensorflow as tf

    for run, offset in (("train", 0.0), ("validation", 1.0)):
        with tf.summary.create_file_writer(str(tmp_path / run)).as_default():
            for step in range(3):
                tf.summary.scalar("loss", offset + step, step=step)
    scalars = tboard.read_scalars(tmp_path)
    assert set(scalars) == {"train", "validation"}
    assert scalars["validation"]["loss"] == [(0, 1.0), (1, 2.0), (2, 3.0)]
    assert "loss" in tboard.list_tags(tmp_path)["train"]["tensors"]


def test_stale_registry_entries_are_removed(monkeypatch, tmp_path):
    from tensorboard import manager

    monkeypatch.setattr(manager, "_get_info_dir", lambda: str(tmp_path))
    info = manager.TensorBoardInfo(
        version="2.21.0",
        start_time=0,
        port=6006,
        pid=2**22 + 12345,
        path_prefix="",
        logdir="logs",
        db="",
        cache_key="x",
    )
    (tmp_path / f"pid-{info.pid}.info").write_text(manager._info_to_string(info))
    assert tboard.running_tensorboards() == [info.pid]
    assert tboard.clean_stale_tensorboard_info() == 1
    assert tboard.running_tensorboards() == []
