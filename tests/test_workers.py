"""Tests of dvdl_helpers.workers: TF_CONFIG, results, no process left behind on success, failure or timeout;
two MultiWorkerMirroredStrategy workers started by it do the same maths as one process."""

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


# --- MultiWorkerMirroredStrategy through run_workers: two workers do the same maths as one process ---
# Without dropout (no random masks), with the same start and the same batches, two workers that each take
# half of every batch and all-reduce their gradients must end with the weights of one process that takes
# the whole batch, up to rounding (Keras 3, TF 2.21, CPU). Notebook 07 trains with dropout, where the two
# paths differ.


def sgd_worker(out_dir, steps=6, global_batch=32):
    import json
    import os

    import keras
    import numpy as np
    import tensorflow as tf

    from dvdl_helpers import workers

    config = json.loads(os.environ.get("TF_CONFIG", "{}"))
    if config:
        tf.config.threading.set_intra_op_parallelism_threads(1)
    strategy = tf.distribute.MultiWorkerMirroredStrategy() if config else tf.distribute.get_strategy()
    index = config.get("task", {}).get("index", 0)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((steps * global_batch, 20), dtype=np.float32)
    y = (x.sum(axis=1) > 0).astype(np.int64)

    def dataset_fn(context):
        ds = tf.data.Dataset.from_tensor_slices((x, y))
        ds = ds.shard(context.num_input_pipelines, context.input_pipeline_id)
        return ds.batch(context.get_per_replica_batch_size(global_batch))

    batches = strategy.distribute_datasets_from_function(dataset_fn)
    with strategy.scope():
        model = keras.Sequential(
            [keras.Input((20,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(2)]
        )
        optimizer = keras.optimizers.SGD(0.5)
    per_example = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="none")

    def step(inputs, labels):
        with tf.GradientTape() as tape:
            loss = tf.nn.compute_average_loss(
                per_example(labels, model(inputs)), global_batch_size=global_batch
            )
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        return loss

    @tf.function
    def distributed_step(batch):
        return strategy.reduce("SUM", strategy.run(step, args=batch), axis=None)

    losses = [float(distributed_step(batch)) for batch in batches]
    np.savez(os.path.join(out_dir, f"weights-{index}.npz"), *model.get_weights())
    return {
        "index": index,
        "pid": os.getpid(),
        "losses": losses,
        "weights": workers.weights_checksum(model.get_weights()),
    }


@pytest.mark.slow
def test_two_workers_match_one_process_without_dropout(tmp_path, monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    results = workers.run_workers(sgd_worker, tmp_path / "workers", 2, timeout=240)
    assert workers.alive([r["pid"] for r in results]) == []
    assert results[0]["weights"] == results[1]["weights"], "the workers' weights differ"
    single_dir = tmp_path / "single"
    single_dir.mkdir()
    single = sgd_worker(str(single_dir))  # this process, no TF_CONFIG: the default strategy
    assert len(single["losses"]) == len(results[0]["losses"]) == 6
    np.testing.assert_allclose(results[0]["losses"], single["losses"], rtol=1e-5)
    distributed, alone = (
        np.load(tmp_path / "workers" / "weights-0.npz"),
        np.load(single_dir / "weights-0.npz"),
    )
    for key in alone.files:
        np.testing.assert_allclose(distributed[key], alone[key], rtol=1e-4, atol=1e-6)
    assert np.mean(single["losses"][-2:]) < np.mean(single["losses"][:2]), "the loss should fall"
