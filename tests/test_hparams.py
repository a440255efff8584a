"""HParams sweeps and profiles (notebook 07): reading them back, and TensorBoard serving them over HTTP.

A tiny sweep (two runs of a one-layer model) and a profile of a few steps with step markers make a
sample log folder, so the tests need nothing from the notebook. TensorBoard is started with
``tensorboard.manager.start`` on port 0, with a private registry, and stopped afterwards. When notebook
07 has written its logs, an ``after_notebooks`` test checks that they are served too.
"""

from __future__ import annotations

import contextlib
import datetime
import gzip
import json
import os
import signal
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dvdl_helpers import hparams, paths, profiling, workers

pytestmark = pytest.mark.slow

SPACE = {"learning_rate": [0.001, 0.01], "units": [8]}
METRICS = [("validation", "epoch_accuracy")]


def write_sweep(log_dir: Path) -> None:
    """Two runs of a tiny model, logged with the hparams API as notebook 07 does."""
    from dvdl_helpers import data, env

    env.quiet_tensorflow()
    import keras
    import tensorflow as tf
    from tensorboard.plugins.hparams import api as hp

    (x, y), (x_val, y_val), _, _ = data.load_mnist("bundled", verbose=False)
    with tf.summary.create_file_writer(str(log_dir)).as_default():
        hp.hparams_config(
            hparams=[hp.HParam(name, hp.Discrete(values)) for name, values in SPACE.items()],
            metrics=[hp.Metric(tag, group=group) for group, tag in METRICS],
        )
    for params in hparams.grid(SPACE):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [
                keras.Input((28, 28)),
                keras.layers.Flatten(),
                keras.layers.Dense(params["units"]),
                keras.layers.Dense(10),
            ]
        )
        model.compile(
            optimizer=keras.optimizers.Adam(params["learning_rate"]),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        run_dir = log_dir / hparams.run_name(params)
        model.fit(
            x[:256] / 255.0,
            y[:256],
            validation_data=(x_val[:64] / 255.0, y_val[:64]),
            epochs=2,
            batch_size=64,
            verbose=0,
            callbacks=[keras.callbacks.TensorBoard(str(run_dir)), hp.KerasCallback(str(run_dir), params)],
        )


def write_profile(run_dir: Path) -> None:
    """Profile steps 2..5 of a tiny fit with step markers."""
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3), keras.layers.Flatten(), keras.layers.Dense(10)]
    )
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = np.random.default_rng(0).random((8 * 32, 28, 28, 1), dtype=np.float32)
    y = np.arange(len(x)) % 10
    model.fit(x, y, batch_size=32, epochs=1, verbose=0, callbacks=[profiling.step_profiler(run_dir, 2, 5)])


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("nb07_logs")
    write_sweep(root / "hparams")
    write_profile(root / "profile" / "tiny")
    return root


def test_grid_and_run_names():
    settings = hparams.grid({"a": [1, 2], "b": [0.5]})
    assert settings == [{"a": 1, "b": 0.5}, {"a": 2, "b": 0.5}]
    assert hparams.run_name({"learning_rate": 0.003, "dropout": 0.5}) == "learning_rate=0.003,dropout=0.5"
    with pytest.raises(ValueError, match="no values"):
        hparams.grid({"a": []})


def test_the_sweep_reads_back(sample):
    experiment = hparams.read_experiment(sample / "hparams")
    assert experiment == {"hparams": SPACE, "metrics": METRICS}
    sessions = hparams.read_sweep(sample / "hparams", METRICS)
    assert sorted(s["run"] for s in sessions) == sorted(hparams.run_name(p) for p in hparams.grid(SPACE))
    for session in sessions:
        assert session["status"] == "STATUS_SUCCESS"
        assert 0.0 <= session["validation/epoch_accuracy"] <= 1.0
    chosen = hparams.best(sessions, "validation/epoch_accuracy")
    assert chosen["validation/epoch_accuracy"] == max(s["validation/epoch_accuracy"] for s in sessions)
    with pytest.raises(FileNotFoundError, match="no hparams experiment"):
        hparams.read_experiment(sample / "profile")


def test_best_skips_missing_values():
    sessions = [{"m": None}, {"m": 0.5}, {"m": 0.7}]
    assert hparams.best(sessions, "m") == {"m": 0.7}
    assert hparams.best(sessions, "m", higher_is_better=False) == {"m": 0.5}
    with pytest.raises(ValueError, match="no session"):
        hparams.best([{"m": None}], "m")


def test_the_profile_has_a_step_time_breakdown(sample):
    (xplane,) = profiling.xplane_files(sample / "profile" / "tiny")
    assert xplane.name.endswith(".xplane.pb")
    breakdown = profiling.step_breakdown(sample / "profile" / "tiny")
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


def test_the_plots_are_titled(sample):
    import matplotlib.pyplot as plt

    sessions = hparams.read_sweep(sample / "hparams", METRICS)
    fig = hparams.plot_sweep(sessions, "validation/epoch_accuracy", list(SPACE))
    assert fig.axes[0].get_title() and fig.axes[0].get_xlabel()
    breakdown = profiling.step_breakdown(sample / "profile" / "tiny")
    fig2 = profiling.plot_breakdowns({"tiny": breakdown})
    assert fig2.axes[0].get_title() and fig2.axes[0].get_xlabel()
    plt.close("all")


# --- over HTTP -----------------------------------------------------------------------------------------


def request(url: str, body: dict | None = None) -> object:
    """GET ``url`` (or POST ``body`` as JSON) and decode the JSON answer (TensorBoard may gzip it)."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if body is not None else {}
    with urllib.request.urlopen(
        urllib.request.Request(url, data=data, headers=headers), timeout=60
    ) as answer:
        raw = answer.read()
        if answer.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
    return json.loads(raw)


@contextlib.contextmanager
def tensorboard(log_dir: Path, runs: set[str], timeout: float = 90) -> Iterator[str]:
    """Start TensorBoard on ``log_dir`` with ``tensorboard.manager.start`` (port 0); yield its URL; stop it.

    It registers in a private temporary folder, so it never reuses (or is stopped by) anyone else's.
    """
    from tensorboard import manager

    with tempfile.TemporaryDirectory(prefix="dvdl-tb-") as private:
        saved_env, saved_tempdir = os.environ.get("TMPDIR"), tempfile.tempdir
        os.environ["TMPDIR"], tempfile.tempdir = private, private
        pid = None
        try:
            started = manager.start(
                ["--logdir", str(log_dir), "--port", "0", "--host", "127.0.0.1"],
                timeout=datetime.timedelta(seconds=timeout),
            )
            assert isinstance(started, manager.StartLaunched), f"TensorBoard did not start: {started}"
            pid = started.info.pid
            url = f"http://127.0.0.1:{started.info.port}"
            deadline = time.monotonic() + timeout
            while not runs <= set(request(f"{url}/data/runs")):
                assert time.monotonic() < deadline, f"TensorBoard did not load the runs {sorted(runs)}"
                time.sleep(0.5)
            yield url
        finally:
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
                deadline = time.monotonic() + 10
                while workers.alive([pid]) and time.monotonic() < deadline:
                    time.sleep(0.2)
            tempfile.tempdir = saved_tempdir
            if saved_env is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = saved_env


SESSION_GROUPS_REQUEST = {
    "experimentName": "",
    "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"],
    "colParams": [],
    "startIndex": 0,
    "sliceSize": 100,
}


def check_hparams_served(url: str, space: dict, runs: set[str]) -> None:
    """The HParams dashboard's two POST endpoints answer with the experiment and one group per run."""
    experiment = request(f"{url}/data/plugin/hparams/experiment", {"experimentName": ""})
    served = {info["name"]: info["domainDiscrete"] for info in experiment["hparamInfos"]}
    assert served == space, f"hyperparameters served: {served}"
    assert experiment["metricInfos"], "no metrics in the experiment"
    groups = request(f"{url}/data/plugin/hparams/session_groups", SESSION_GROUPS_REQUEST)["sessionGroups"]
    sessions = {session["name"] for group in groups for session in group["sessions"]}
    assert sessions == runs, f"sessions served: {sorted(sessions)}"
    for group in groups:
        assert group["metricValues"], f"no metric values for {group['hparams']}"


def check_profile_served(url: str) -> list[str]:
    """The Profile dashboard lists the profiled runs and serves each one's input-pipeline page."""
    profile_runs = request(f"{url}/data/plugin/profile/runs")
    assert profile_runs, "the Profile dashboard lists no run"
    for run in profile_runs:
        tools = request(f"{url}/data/plugin/profile/run_tools?{urllib.parse.urlencode({'run': run})}")
        assert {"overview_page", "input_pipeline_analyzer", "trace_viewer@"} <= set(tools), tools
        query = urllib.parse.urlencode({"run": run, "tag": "input_pipeline_analyzer"})
        hosts = request(f"{url}/data/plugin/profile/hosts?{query}")
        host = hosts[0]["hostname"]
        query = urllib.parse.urlencode({"run": run, "tag": "input_pipeline_analyzer", "host": host})
        tables = request(f"{url}/data/plugin/profile/data?{query}")
        steps = next(t for t in tables if any(c.get("id") == "stepTimeMs" for c in t.get("cols", [])))
        assert steps["rows"], f"{run}: no step-time breakdown served"
    return profile_runs


def test_tensorboard_serves_the_sweep_and_the_profile(sample):
    runs = {f"hparams/{hparams.run_name(p)}" for p in hparams.grid(SPACE)}
    with tensorboard(sample, runs) as url:
        check_hparams_served(url, SPACE, runs)
        (profile_run,) = check_profile_served(url)
        assert profile_run.startswith("profile/tiny/")


@pytest.mark.after_notebooks
def test_tensorboard_serves_notebook_07s_logs():
    root = paths.artifacts_dir() / "logs" / "07_seeing_and_scaling_training"
    if not (root / "hparams").is_dir():
        pytest.skip("notebook 07 has not written its logs yet (make outputs NB=...)")
    experiment = hparams.read_experiment(root / "hparams")
    runs = {f"hparams/{s['run']}" for s in hparams.read_sweep(root / "hparams")}
    with tensorboard(root, runs) as url:
        check_hparams_served(url, experiment["hparams"], runs)
        assert len(check_profile_served(url)) >= 2
