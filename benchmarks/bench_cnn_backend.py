"""Notebook 03's CNN on Keras' JAX or PyTorch backend: a GPU figure without TensorFlow's GPU build.

The course trains with TensorFlow. The GPU machines this course was measured on carry JAX and PyTorch
with CUDA but no TensorFlow, and TensorFlow's GPU build (with its CUDA libraries, well over a gigabyte)
could not be brought there. Keras 3 runs the same model code on any of its backends, so this script
trains the same network (``dvdl_helpers.models.convnet``) through Keras on JAX or PyTorch:

- **(a) plain**: ``model.fit(x_numpy, y_numpy)``, batch 32, float32, every default kept;
- **(b) fast**: batch 256, 8 steps per call (``steps_per_execution``) and the course's mixed-precision
  rule (``device.precision_policy``: ``mixed_float16`` on a GPU with tensor cores). Data stay NumPy
  arrays: the ``tf.data`` pipeline of ``bench_cnn.py`` needs TensorFlow;
- **(c) notebook 03's long recipe**: 40 epochs of the 3,500 bundled training digits at batch 128, Adam
  with a cosine warm-up, in (b)'s precision, timed from start to end, then the test accuracy.
  Without the notebook's augmentation (it is a ``tf.data`` step), so its accuracy is a little lower.

Throughput is timed as in ``bench_cnn.py``: whole epochs after a warm-up epoch, median, best of
``--rounds`` interleaved rounds, and again at batch 64 for ms/step (the 2017 project's GPU figure:
8 ms/step). The record is appended to ``benchmarks/results/cnn_backend.jsonl``. Run::

    KERAS_BACKEND=jax python benchmarks/bench_cnn_backend.py [--quick] [--results-dir DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from _common import RESULTS_DIR, STEP_BATCH, append_record, machine  # imports neither Keras nor TensorFlow

RECORDS = RESULTS_DIR / "cnn_backend.jsonl"
RECIPE = {"epochs": 40, "batch_size": 128, "peak_rate": 3e-3}  # notebook 03, FULL_RUN on bundled MNIST


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("jax", "torch"), default=os.environ.get("KERAS_BACKEND", "jax"))
    parser.add_argument("--quick", action="store_true", help="a few seconds: 1,024 images, 2 epochs")
    parser.add_argument("--images", type=int, default=None, help="images per epoch (default 60,000)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per timing, warm-up included")
    parser.add_argument("--rounds", type=int, default=None, help="repeat, keep the best (default 2)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help=f"where {RECORDS.name} is")
    args = parser.parse_args(argv)
    args.images = args.images or (1024 if args.quick else 60000)
    args.epochs = args.epochs or (2 if args.quick else 4)
    args.rounds = args.rounds or (1 if args.quick else 2)
    return args


def accelerator(backend: str) -> str | None:
    """The name of the GPU the backend trains on, or None when it trains on the CPU."""
    if backend == "jax":
        import jax

        gpus = [d for d in jax.devices() if d.platform == "gpu"]
        return gpus[0].device_kind if gpus else None
    import torch

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None


def build(policy: str, *, rate=1e-3, steps_per_execution: int = 1):
    """The course's convnet, compiled as in notebook 03 (Adam, cross-entropy on logits)."""
    import keras

    from dvdl_helpers import device, models

    keras.utils.set_random_seed(0)
    with device.precision(policy):
        model = models.convnet()
    model.compile(
        optimizer=keras.optimizers.Adam(rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    return model


def summary(timing, timing64, rounds: list, **extra) -> dict:
    """The figures of one configuration (its best round)."""
    return {
        "batch_size": timing.batch_size,
        "images_per_s": round(timing.images_per_second, 1),
        "ms_per_step": round(timing.ms_per_step, 3),
        "ms_per_step_b64": round(timing64.ms_per_step, 3),
        "median_epoch_s_per_round": [round(t.seconds, 4) for t in rounds],
        **extra,
    }


def train_recipe(mnist, policy: str) -> dict:
    """(c) Notebook 03's long recipe, timed from the first step to the last; then the test accuracy."""
    import keras

    train_x, train_y = mnist.train.images[..., None] / 255.0, mnist.train.labels
    steps = -(-len(train_x) // RECIPE["batch_size"])
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=RECIPE["epochs"] * steps, warmup_target=RECIPE["peak_rate"], warmup_steps=steps
    )
    model = build(policy, rate=schedule)
    start = time.perf_counter()
    model.fit(train_x, train_y, batch_size=RECIPE["batch_size"], epochs=RECIPE["epochs"], verbose=0)
    seconds = time.perf_counter() - start
    test_accuracy = model.evaluate(mnist.test.images[..., None] / 255.0, mnist.test.labels, verbose=0)[1]
    return {
        **RECIPE,
        "train_images": len(train_x),
        "seconds": round(seconds, 2),
        "test_accuracy": round(float(test_accuracy), 4),
        "augmentation": False,
    }


def table(record: dict) -> str:
    """The record as a markdown table and one line of context."""
    a, b, recipe = record["plain"], record["fast"], record["recipe"]
    return "\n".join(
        [
            "| configuration | batch | precision | images/s | ms/step at batch 64 |",
            "|---|---:|---|---:|---:|",
            f"| (a) plain `model.fit(numpy)` | 32 | float32 | {a['images_per_s']:,.0f} | "
            f"{a['ms_per_step_b64']:.2f} |",
            f"| (b) batch 256, 8 steps/call | 256 | {b['precision']} | {b['images_per_s']:,.0f} | "
            f"{b['ms_per_step_b64']:.2f} |",
            "",
            f"(b)/(a): {record['ratio']:.2f}×. Notebook 03's 40-epoch recipe ({recipe['train_images']:,} "
            f"digits, no augmentation): {recipe['seconds']:.1f} s, "
            f"test accuracy {recipe['test_accuracy']:.2%}. "
            f"Device: {record['device']}, Keras {record['machine']['keras']} on {record['backend']}.",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Time (a), (b) and (c), print a table, append the JSON record; return the exit status."""
    args = parse_args(argv)
    os.environ["KERAS_BACKEND"] = args.backend  # read once, when Keras is first imported
    import numpy as np

    from dvdl_helpers import data, device

    gpu = accelerator(args.backend)
    policy, reason = device.precision_policy(gpu_list=[]) if gpu is None else ("mixed_float16", "GPU")
    mnist = data.load_mnist("bundled", verbose=False)
    images = np.concatenate([mnist.train.images, mnist.validation.images, mnist.test.images])
    labels = np.concatenate([mnist.train.labels, mnist.validation.labels, mnist.test.labels])
    reps = -(-args.images // len(images))  # the 5,000 digits repeated: a long epoch for a fast GPU
    x = np.tile(images, (reps, 1, 1))[: args.images, ..., None].astype(np.float32) / 255.0
    y = np.tile(labels, reps)[: args.images]
    print(
        f"bench_cnn_backend: Keras on {args.backend}, {gpu or 'CPU'}, {args.images:,} images, "
        f"{args.epochs} epochs each, best of {args.rounds} round(s); (b) in {policy}",
        flush=True,
    )

    configs = {  # name: (batch, policy, steps per call)
        "plain": (32, "float32", 1),
        "plain64": (STEP_BATCH, "float32", 1),
        "fast": (256, policy, 8),
        "fast64": (STEP_BATCH, policy, 8),
    }
    runs: dict[str, list] = {name: [] for name in configs}
    for round_index in range(args.rounds):  # interleaved, so a busy spell hits every configuration
        for name, (batch, dtype_policy, spe) in configs.items():
            model = build(dtype_policy, steps_per_execution=spe)
            runs[name].append(device.time_fit(model, x, y, batch_size=batch, epochs=args.epochs))
        print(
            f"  round {round_index + 1}: (a) {runs['plain'][-1].images_per_second:,.0f} images/s, "
            f"(b) {runs['fast'][-1].images_per_second:,.0f} images/s",
            flush=True,
        )
    best = {name: min(timings, key=lambda t: t.seconds) for name, timings in runs.items()}
    recipe = train_recipe(mnist, policy)

    record = {
        "bench": "cnn_backend",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "backend": args.backend,
        "device": gpu or "CPU",
        "device_kind": "GPU" if gpu else "CPU",  # the fields notebook 03 reads from every cnn*.jsonl
        "gpu": gpu,
        "machine": machine("keras", "numpy", "jax", "torch"),
        "images": args.images,
        "epochs": args.epochs,
        "rounds": args.rounds,
        "quick": args.quick,
        "plain": summary(best["plain"], best["plain64"], runs["plain"], precision="float32"),
        "fast": summary(
            best["fast"],
            best["fast64"],
            runs["fast"],
            precision=policy,
            precision_reason=reason,
            steps_per_execution=8,
        ),
        "ratio": round(best["fast"].images_per_second / best["plain"].images_per_second, 3),
        "recipe": recipe,
    }
    print()
    print(table(record))
    path = append_record(args.results_dir / RECORDS.name, record)
    print(f"appended to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
