"""The worker launcher: TF_CONFIG, results, and no process left behind on success, failure or timeout."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from dvdl_helpers import workers


def report_worker(out_dir, value=1):
    import json
    import os

    config = json.loads(os.environ["TF_CONFIG"])
    return {
        "index": config["task"]["index"],
        "cluster": config["cluster"]["worker"],
        "pid": os.getpid(),
        "value": value,
    }


def failing_worker(out_dir):
    import json
    import os
    import subprocess

    index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    child = subprocess.Popen(["sleep", "60"])  # a grandchild, which must be stopped too
    with open(os.path.join(out_dir, f"pids-{index}.json"), "w") as file:
        json.dump([os.getpid(), child.pid], file)
    if index == 1:
        import time

        deadline = time.monotonic() + 20
        while not os.path.exists(os.path.join(out_dir, "pids-0.json")) and time.monotonic() < deadline:
            time.sleep(0.05)  # fail once worker 0 runs, with its child
        raise RuntimeError("worker 1 fails on purpose")
    child.wait()
    return {}


def sleeping_worker(out_dir):
    import json
    import os
    import time

    index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    with open(os.path.join(out_dir, f"pids-{index}.json"), "w") as file:
        json.dump([os.getpid()], file)
    time.sleep(60)
    return {}


def recorded_pids(folder):
    pids = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and len(list(folder.glob("pids-*.json"))) < 2:
        time.sleep(0.1)
    for path in folder.glob("pids-*.json"):
        pids += json.loads(path.read_text())
    return pids


def test_tf_config_names_the_cluster_and_the_task():
    config = workers.tf_config(["localhost:1", "localhost:2"], 1)
    assert config == {
        "cluster": {"worker": ["localhost:1", "localhost:2"]},
        "task": {"type": "worker", "index": 1},
    }
    with pytest.raises(ValueError, match="outside the cluster"):
        workers.tf_config(["localhost:1"], 1)


def test_free_ports_are_distinct():
    ports = workers.free_ports(3)
    assert len(set(ports)) == 3 and all(port > 0 for port in ports)


def test_weights_checksum_tells_equal_from_different_weights():
    weights = [np.arange(6, dtype=np.float32).reshape(2, 3), np.ones(3, np.float32)]
    same = [w.copy() for w in weights]
    changed = [weights[0], weights[1] + np.float32(1e-7)]
    assert workers.weights_checksum(weights) == workers.weights_checksum(same)
    assert workers.weights_checksum(weights) != workers.weights_checksum(changed)


def test_run_workers_returns_each_result_and_leaves_no_process(tmp_path):
    results = workers.run_workers(report_worker, tmp_path, 2, kwargs={"value": 7}, timeout=60)
    assert [r["index"] for r in results] == [0, 1]
    assert results[0]["cluster"] == results[1]["cluster"] and len(results[0]["cluster"]) == 2
    assert all(r["value"] == 7 for r in results)
    assert workers.alive([r["pid"] for r in results]) == []


def test_a_failing_worker_raises_and_every_process_is_stopped(tmp_path):
    with pytest.raises(workers.WorkerError, match=r"worker 1 exited with code 1(.|\n)*fails on purpose"):
        workers.run_workers(failing_worker, tmp_path, 2, timeout=60)
    pids = recorded_pids(tmp_path)
    assert len(pids) == 4, pids  # two workers and their two `sleep` children
    assert workers.alive(pids) == [], "the launcher left processes behind"


def test_a_worker_past_its_time_is_stopped(tmp_path):
    start = time.monotonic()
    with pytest.raises(workers.WorkerError, match="did not finish within 3 s"):
        workers.run_workers(sleeping_worker, tmp_path, 2, timeout=3)
    assert time.monotonic() - start < 30
    pids = recorded_pids(tmp_path)
    assert pids and workers.alive(pids) == []


def test_leaving_the_block_by_an_exception_stops_the_workers(tmp_path):
    with pytest.raises(KeyboardInterrupt), workers.started_workers(sleeping_worker, tmp_path, 2) as processes:
        pids = [process.pid for process in processes]
        raise KeyboardInterrupt  # e.g. a notebook cell interrupted
    assert workers.alive(pids) == []


def test_a_function_without_source_is_refused():
    with pytest.raises(ValueError, match="cannot read the source"):
        workers.function_script(len)


def test_the_script_calls_the_function():
    script = workers.function_script(report_worker)
    assert script.startswith("def report_worker(") and "report_worker(**_kwargs)" in script


@pytest.mark.after_notebooks
def test_notebook_07_left_no_worker_process():
    from dvdl_helpers import paths

    results = sorted((paths.artifacts_dir() / "workers" / "07").glob("worker-*.json"))
    if not results:
        pytest.skip("notebook 07 has not run its workers yet (make outputs NB=...)")
    pids = [json.loads(path.read_text())["pid"] for path in results]
    assert len(pids) == 2 and workers.alive(pids) == [], f"worker processes left: {workers.alive(pids)}"
