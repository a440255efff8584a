"""Two MultiWorkerMirroredStrategy workers do the same maths as one process (Keras 3, TF 2.21, CPU).

Without dropout (no random masks), with the same start and the same batches, two workers that each take
half of every batch and all-reduce their gradients must end with the weights of one process that takes
the whole batch, up to rounding. Notebook 07 trains with dropout, where the two paths differ.
"""

from __future__ import annotations

import numpy as np
import pytest

from dvdl_helpers import workers

pytestmark = pytest.mark.slow


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
