"""Tests of dvdl_helpers.profiling: the step-time breakdown of a profile, its plot.

The sample profile (steps 2..5 of a tiny fit, with step markers) is the ``profile_logs`` fixture of
``tests/conftest.py``; TensorBoard serving it: ``test_tensorboard_http.py``.
"""

from __future__ import annotations

import pytest

from dvdl_helpers import profiling

pytestmark = pytest.mark.slow


def test_the_profile_has_a_step_time_breakdown(profile_logs):
    (xplane,) = profiling.xplane_files(profile_logs)
    assert xplane.name.endswith(".xplane.pb")
    breakdown = profiling.step_breakdown(profile_logs)
    assert [step["step"] for step in breakdown["steps"]] == [f"train {i}" for i in range(2, 6)]
    for step in breakdown["steps"]:
        assert step["total_ms"] > 0 and step["compute_ms"] > 0
        assert step["input_ms"] + step["compute_ms"] <= step["total_ms"] * 1.001
    assert 0 <= breakdown["input_percent"] <= 100 and breakdown["conclusion"]


def test_a_profile_without_step_markers_is_reported(tmp_path):
    import tensorflow as tf

    tf.profiler.experimental.start(str(tmp_path))
    tf.reduce_sum(tf.ones((64, 64)) @ tf.ones((64, 64)))
    tf.profiler.experimental.stop()
    with pytest.raises(ValueError, match="no step markers"):
        profiling.step_breakdown(tmp_path)
    with pytest.raises(FileNotFoundError):
        profiling.step_breakdown(tmp_path / "empty")


def test_the_breakdown_plot_is_titled(profile_logs):
    import matplotlib.pyplot as plt

    breakdown = profiling.step_breakdown(profile_logs)
    fig = profiling.plot_breakdowns({"tiny": breakdown})
    assert fig.axes[0].get_title() and fig.axes[0].get_xlabel()
    plt.close("all")
