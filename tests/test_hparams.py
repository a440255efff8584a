"""Tests of dvdl_helpers.hparams: grids and run names, reading a logged sweep back, choosing, the plot.

The sample sweep (two runs of a one-layer model, logged as notebook 07 does) is the ``sweep`` fixture of
``tests/conftest.py``; TensorBoard serving it: ``test_tensorboard_http.py``.
"""

from __future__ import annotations

import pytest

from dvdl_helpers import hparams

pytestmark = pytest.mark.slow


def test_grid_and_run_names():
    settings = hparams.grid({"a": [1, 2], "b": [0.5]})
    assert settings == [{"a": 1, "b": 0.5}, {"a": 2, "b": 0.5}]
    assert hparams.run_name({"learning_rate": 0.003, "dropout": 0.5}) == "learning_rate=0.003,dropout=0.5"
    with pytest.raises(ValueError, match="no values"):
        hparams.grid({"a": []})


def test_the_sweep_reads_back(sweep, profile_logs):
    experiment = hparams.read_experiment(sweep.path)
    assert experiment == {"hparams": sweep.space, "metrics": sweep.metrics}
    sessions = hparams.read_sweep(sweep.path, sweep.metrics)
    assert sorted(s["run"] for s in sessions) == sorted(
        hparams.run_name(p) for p in hparams.grid(sweep.space)
    )
    for session in sessions:
        assert session["status"] == "STATUS_SUCCESS"
        assert 0.0 <= session["validation/epoch_accuracy"] <= 1.0
    chosen = hparams.best(sessions, "validation/epoch_accuracy")
    assert chosen["validation/epoch_accuracy"] == max(s["validation/epoch_accuracy"] for s in sessions)
    with pytest.raises(FileNotFoundError, match="no hparams experiment"):
        hparams.read_experiment(profile_logs.parent)  # a log folder without an experiment


def test_best_skips_missing_values():
    sessions = [{"m": None}, {"m": 0.5}, {"m": 0.7}]
    assert hparams.best(sessions, "m") == {"m": 0.7}
    assert hparams.best(sessions, "m", higher_is_better=False) == {"m": 0.5}
    with pytest.raises(ValueError, match="no session"):
        hparams.best([{"m": None}], "m")


def test_the_sweep_plot_is_titled(sweep):
    import matplotlib.pyplot as plt

    sessions = hparams.read_sweep(sweep.path, sweep.metrics)
    fig = hparams.plot_sweep(sessions, "validation/epoch_accuracy", list(sweep.space))
    assert fig.axes[0].get_title() and fig.axes[0].get_xlabel()
    plt.close("all")
