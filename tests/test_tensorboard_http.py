"""TensorBoard serves the course's logs over HTTP (no browser needed): scalars, images, histograms, and
notebook 07's HParams and Profile dashboards.

The sample log folder (a tiny real Keras fit with histograms and weight images, plus a
``tf.summary.image`` run), the sample hparams sweep and the profile are fixtures of ``tests/conftest.py``,
so the tests need nothing from the notebooks. When the notebooks have already written ``artifacts/logs/``
(``make outputs``, or the notebook part of ``make test``), ``after_notebooks`` tests check that every
course run and scalar tag, and notebook 07's sweep and profiles, are served too.
"""

from __future__ import annotations

import math
import os
import subprocess
import urllib.parse
from collections.abc import Iterator

import pytest
from helpers import (
    SAMPLE_EPOCHS,
    SAMPLE_IMAGE_TAG,
    SAMPLE_RUNS,
    course_logdir,
    get_bytes,
    get_json,
    query,
    request,
    running_tensorboard,
)

from dvdl_helpers import hparams, paths, profiling, tboard
from dvdl_helpers.tboard.processes import LIGHT_PROGRAM

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_tensorboard(sample_logs) -> Iterator[str]:
    """A TensorBoard serving the sample logs; its base URL."""
    with running_tensorboard(sample_logs, SAMPLE_RUNS) as url:
        yield url


def test_runs_are_listed(sample_tensorboard):
    assert set(get_json(f"{sample_tensorboard}/data/runs")) == SAMPLE_RUNS


def test_the_usual_tensorboard_program_serves_the_same_scalars(sample_tensorboard, sample_logs):
    """``tensorboard`` (which imports TensorFlow) and the course's light program serve the same points."""
    route = query("/data/plugin/scalars/scalars", run="train", tag="epoch_loss")
    with running_tensorboard(sample_logs, SAMPLE_RUNS, program="tensorboard") as usual:
        assert get_json(usual + route) == get_json(sample_tensorboard + route)


def test_use_light_tensorboard_points_tensorboard_magic_at_the_installed_program(monkeypatch):
    monkeypatch.delenv("TENSORBOARD_BINARY", raising=False)
    program = tboard.use_light_tensorboard()
    assert program is not None and program.name.startswith(LIGHT_PROGRAM), program
    assert os.environ["TENSORBOARD_BINARY"] == str(program)
    answer = subprocess.run([str(program), "--version_tb"], capture_output=True, text=True, timeout=60)
    assert answer.returncode == 0 and answer.stdout.strip()[0].isdigit(), answer


def test_scalars_are_served_with_the_logged_values(sample_tensorboard, sample_logs):
    tags = get_json(f"{sample_tensorboard}/data/plugin/scalars/tags")
    for run in ("train", "validation"):
        assert {"epoch_loss", "epoch_accuracy"} <= set(tags[run]), f"scalar tags of {run}: {tags[run]}"
    points = get_json(
        query(f"{sample_tensorboard}/data/plugin/scalars/scalars", run="train", tag="epoch_loss")
    )
    # Each point is [wall_time, step, value]; one per epoch, equal to what the event files hold.
    assert [step for _, step, _ in points] == list(range(SAMPLE_EPOCHS))
    logged = tboard.read_scalars(sample_logs)["train"]["epoch_loss"]
    for (_, step, value), (logged_step, logged_value) in zip(points, logged, strict=True):
        assert step == logged_step and math.isclose(value, logged_value, rel_tol=1e-6)
    assert points[-1][2] < points[0][2], "the loss should fall during the tiny fit"


def test_images_are_served_as_png(sample_tensorboard):
    tags = get_json(f"{sample_tensorboard}/data/plugin/images/tags")
    assert SAMPLE_IMAGE_TAG in tags["digits"], f"image tags: {tags}"
    assert tags["train"], "write_images=True should log the weights as images in the train run"
    entries = get_json(
        query(
            f"{sample_tensorboard}/data/plugin/images/images", run="digits", tag=SAMPLE_IMAGE_TAG, sample="0"
        )
    )
    assert len(entries) == 1 and entries[0]["step"] == 0
    png = get_bytes(f"{sample_tensorboard}/data/plugin/images/individualImage?{entries[0]['query']}")
    assert png.startswith(b"\x89PNG\r\n\x1a\n"), "the image should be served as PNG"


def test_histograms_are_served(sample_tensorboard):
    tags = get_json(f"{sample_tensorboard}/data/plugin/histograms/tags")
    kernel_tags = [tag for tag in tags.get("train", {}) if "kernel" in tag]
    assert kernel_tags, f"histogram_freq=1 should log the layer weights: {tags}"
    histograms = get_json(
        query(f"{sample_tensorboard}/data/plugin/histograms/histograms", run="train", tag=kernel_tags[0])
    )
    assert [entry[1] for entry in histograms] == list(range(SAMPLE_EPOCHS)), "one histogram per epoch"
    buckets = histograms[0][2]  # [[left, right, count], ...]
    assert buckets and sum(count for _, _, count in buckets) == 784 * 10, "every weight is counted once"


@pytest.mark.after_notebooks
def test_course_logs_are_served():
    root = course_logdir()
    if root is None:
        pytest.skip("no course logs yet in artifacts/logs: the notebooks write them (make outputs)")
    scalars = tboard.read_scalars(root)
    runs = set(tboard.list_tags(root))
    assert runs, f"no runs under {paths.display_path(root)}"
    with running_tensorboard(root, runs) as url:
        tags = get_json(f"{url}/data/plugin/scalars/tags")
        for run, run_scalars in scalars.items():
            missing = set(run_scalars) - set(tags.get(run, {}))
            assert not missing, f"TensorBoard does not serve the scalars {sorted(missing)} of run {run}"
            tag = sorted(run_scalars)[0]
            points = get_json(query(f"{url}/data/plugin/scalars/scalars", run=run, tag=tag))
            assert points, f"no points served for {run}/{tag}"


# --- notebook 07: HParams and Profile dashboards ---


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


def test_tensorboard_serves_the_sweep_and_the_profile(sweep, profile_logs):
    root = sweep.path.parent  # holds hparams/ and profile/tiny/
    runs = {f"hparams/{hparams.run_name(p)}" for p in hparams.grid(sweep.space)}
    (xplane,) = profiling.xplane_files(profile_logs)  # <run>/plugins/profile/<session>/<host>.xplane.pb
    with running_tensorboard(root, runs) as url:
        check_hparams_served(url, sweep.space, runs)
        assert check_profile_served(url) == [f"profile/tiny/{xplane.parent.name}"]


@pytest.mark.after_notebooks
def test_tensorboard_serves_notebook_07s_logs():
    root = paths.artifacts_dir() / "logs" / "07_seeing_and_scaling_training"
    if not (root / "hparams").is_dir():
        pytest.skip("notebook 07 has not written its logs yet (make outputs NB=...)")
    experiment = hparams.read_experiment(root / "hparams")
    runs = {f"hparams/{s['run']}" for s in hparams.read_sweep(root / "hparams")}
    with running_tensorboard(root, runs) as url:
        check_hparams_served(url, experiment["hparams"], runs)
        assert len(check_profile_served(url)) >= 2
