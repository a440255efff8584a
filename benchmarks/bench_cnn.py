"""Benchmark notebook 03's CNN: the code a learner writes first vs the course's fastest honest setting.

In one process, on the same images, the same model (``dvdl_helpers.models.convnet``) is trained

- **(a) plain**: ``model.fit(x_numpy, y_numpy)`` with every default (batch 32, float32, XLA only on a GPU);
- **(b) fast**: a ``tf.data`` pipeline, a larger batch, several steps per call, mixed precision where the
  hardware computes it natively (``device.precision_policy``) and XLA on a GPU;
- **(c) fast in float32**, on a CPU whose policy is not float32: what a CPU without bfloat16 units gets
  (``--isa AVX2`` also caps oneDNN's instructions, as on an AVX2-only laptop).

Each is timed over whole epochs after a warm-up epoch, again at batch 64 for ms/step, in ``--rounds``
interleaved rounds of which the fastest counts (slower rounds on a shared machine measured other work
too). It prints a markdown table and appends one JSON line to ``benchmarks/results/cnn.jsonl``, where the
earlier runs are. Run with ``make bench`` or::

    python benchmarks/bench_cnn.py [--quick] [--images N] [--epochs E] [--rounds R] [--threads INTRA,INTER]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from _common import RESULTS_DIR, STEP_BATCH, append_record, load_average, machine

from dvdl_helpers import device, paths  # neither imports TensorFlow: --isa and --threads come first

RECORDS = RESULTS_DIR / "cnn.jsonl"
GOALS = {"cpu_ratio": 1.5, "cpu_float32_ratio": 2.0, "h100_ms_per_step": 1.0}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds: 512 images, 2 epochs")
    parser.add_argument(
        "--images", type=int, default=None, help="training images (default 5000 on a CPU, 60000 on a GPU)"
    )
    parser.add_argument("--epochs", type=int, default=None, help="epochs per timing, warm-up included")
    parser.add_argument("--batch", type=int, default=256, help="batch size of the fast configuration")
    parser.add_argument("--steps-per-execution", type=int, default=8, help="of the fast configuration")
    parser.add_argument("--jit", choices=("auto", "on", "off"), default="auto", help="XLA for (b)")
    parser.add_argument("--precision", default="auto", help="dtype policy for (b), e.g. float32")
    parser.add_argument(
        "--threads",
        default=None,
        metavar="INTRA,INTER",
        help="TensorFlow thread pools for the whole process, both configurations (default: TF's own)",
    )
    parser.add_argument(
        "--isa",
        default=None,
        help="cap oneDNN's instruction set, e.g. AVX2 (ONEDNN_MAX_CPU_ISA; float32 then)",
    )
    parser.add_argument("--rounds", type=int, default=None, help="repeat, keep the best (default 2)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help=f"where {RECORDS.name} is")
    parser.add_argument("--no-record", action="store_true", help="do not append to the results file")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the table to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.images = args.images or 512
    args.epochs = args.epochs or (2 if args.quick else 4)
    args.rounds = args.rounds or (1 if args.quick else 2)
    return args


def _compile(model, *, jit_compile="auto", steps_per_execution: int = 1) -> None:
    import keras

    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        jit_compile=jit_compile,
        steps_per_execution=steps_per_execution,
    )


def run_plain(x, y, *, batch_size: int, epochs: int) -> device.Timing:
    """(a) What a learner writes first: NumPy arrays straight into ``model.fit``, every default kept."""
    import keras

    from dvdl_helpers import models

    keras.utils.set_random_seed(0)
    model = models.convnet()
    _compile(model)
    return device.time_fit(model, x, y, batch_size=batch_size, epochs=epochs)


def run_fast(images, labels, *, batch_size: int, epochs: int, policy: str, jit: bool, spe: int):
    """(b) The course's fastest honest setting: tf.data, big batch, mixed precision, XLA where it helps."""
    import keras

    from dvdl_helpers import data, models

    keras.utils.set_random_seed(0)
    with device.precision(policy):
        model = models.convnet()
    _compile(model, jit_compile=jit, steps_per_execution=spe)
    dataset = data.mnist_dataset(images, labels, batch_size=batch_size, shuffle=True, seed=0)
    return device.time_fit(model, dataset, batch_size=batch_size, num_images=len(images), epochs=epochs)


def markdown_table(record: dict) -> str:
    """Format one benchmark record as a markdown table with a few lines of context."""
    a, b = record["plain"], record["fast"]
    rows = [
        "| configuration | pipeline | batch | precision | XLA | images/s | ms/step at batch 64 |",
        "|---|---|---:|---|---|---:|---:|",
        f"| (a) plain `model.fit(numpy)` | NumPy arrays | {a['batch_size']} | {a['precision']} | "
        f"{a['jit']} | {a['images_per_s']:,.0f} | {a['ms_per_step_b64']:.2f} |",
        f"| (b) course's fastest | tf.data, {b['steps_per_execution']} steps/call | {b['batch_size']} | "
        f"{b['precision']} | {b['jit']} | {b['images_per_s']:,.0f} | {b['ms_per_step_b64']:.2f} |",
    ]
    c = record.get("fast_float32")
    if c:
        rows.append(
            f"| (c) the same in float32 | tf.data, {c['steps_per_execution']} steps/call | "
            f"{c['batch_size']} | float32 | {c['jit']} | {c['images_per_s']:,.0f} | – |"
        )
    facts = record["machine"]
    versions = ", ".join(f"{name} {facts[name]}" for name in ("python", "tensorflow", "keras", "numpy"))
    load = record["load_average"]
    lines = [
        *rows,
        "",
        f"Speed-up (b)/(a) in images/s: **{record['ratio']:.2f}×** (in images per CPU-second of this "
        f"process, which other programs hardly change: {record.get('ratio_cpu_s', float('nan')):.2f}×)",
        f"Speed-up in float32 ((c), or (b) where the policy is float32) over (a): "
        f"**{record.get('ratio_float32', record['ratio']):.2f}×** (per CPU-second: "
        f"{record.get('ratio_float32_cpu_s', float('nan')):.2f}×)",
        f"Device: {record['device']}"
        + (f", oneDNN capped at {record['cpu_isa_cap']}" if record.get("cpu_isa_cap") else ""),
        f"Versions: {versions}",
        f"{record['images']:,} MNIST images, {record['epochs']} epochs per timing (the first is warm-up), "
        f"median epoch, best of {record.get('rounds', 1)} round(s); load average before/after: "
        f"{load['before']} / {load['after']} on {record['cpu_cores']} cores"
        + (" (quick run)" if record["quick"] else ""),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run both configurations, print the table, append the JSON record; return the exit status."""
    args = parse_args(argv)
    device.enable_memory_growth()  # before TensorFlow starts its GPUs
    if args.isa:  # read by oneDNN when TensorFlow starts
        device.limit_cpu_isa(args.isa)
    if args.threads:  # read by TensorFlow when it starts; one process, so (a) and (b) share them
        intra, inter = (int(n) for n in args.threads.split(","))
        os.environ["TF_NUM_INTRAOP_THREADS"], os.environ["TF_NUM_INTEROP_THREADS"] = str(intra), str(inter)
    from dvdl_helpers import env

    env.quiet_tensorflow()
    import numpy as np

    from dvdl_helpers import data

    facts = machine("tensorflow", "keras", "numpy")  # before the runs: the load when they started
    setup = device.detect()
    policy = setup.policy if args.precision == "auto" else args.precision
    jit = {"auto": setup.has_gpu, "on": True, "off": False}[args.jit]

    # A GPU step takes well under a millisecond: epochs must be long enough that the per-epoch overhead
    # of Keras does not count (the bundled images repeated; timing does not care).
    args.images = args.images or (60000 if setup.has_gpu else 5000)
    mnist = data.load_mnist("bundled", verbose=False)
    images = np.concatenate([mnist.train.images, mnist.validation.images, mnist.test.images])
    labels = np.concatenate([mnist.train.labels, mnist.validation.labels, mnist.test.labels])
    reps = -(-args.images // len(images))
    images, labels = np.tile(images, (reps, 1, 1))[: args.images], np.tile(labels, reps)[: args.images]
    x = images[..., None].astype(np.float32) / 255.0  # what a learner feeds: the whole array, scaled

    print(
        f"bench_cnn: {setup.device} ({setup.names[0]}), {args.images:,} images, {args.epochs} epochs each, "
        f"best of {args.rounds} round(s)"
    )
    fast_kwargs = {"policy": policy, "jit": jit, "spe": args.steps_per_execution}
    runs: dict[str, list[device.Timing]] = {"plain": [], "fast": [], "plain64": [], "fast64": []}
    float32_too = not setup.has_gpu and policy != "float32"  # (c): what CPUs without bfloat16 get
    if float32_too:
        runs["fast_f32"] = []
    for round_index in range(args.rounds):  # interleaved, so a busy spell on the machine hits both
        runs["plain"].append(run_plain(x, labels, batch_size=32, epochs=args.epochs))
        runs["fast"].append(
            run_fast(images, labels, batch_size=args.batch, epochs=args.epochs, **fast_kwargs)
        )
        runs["plain64"].append(run_plain(x, labels, batch_size=STEP_BATCH, epochs=args.epochs))
        runs["fast64"].append(
            run_fast(images, labels, batch_size=STEP_BATCH, epochs=args.epochs, **fast_kwargs)
        )
        if float32_too:
            runs["fast_f32"].append(
                run_fast(
                    images,
                    labels,
                    batch_size=args.batch,
                    epochs=args.epochs,
                    **{**fast_kwargs, "policy": "float32"},
                )
            )
        print(
            f"  round {round_index + 1}: (a) {runs['plain'][-1].images_per_second:,.0f} images/s, "
            f"(b) {runs['fast'][-1].images_per_second:,.0f} images/s; at batch {STEP_BATCH}: "
            f"(a) {runs['plain64'][-1].ms_per_step:.2f} ms/step, "
            f"(b) {runs['fast64'][-1].ms_per_step:.2f} ms/step",
            flush=True,
        )
    # The best round is the machine's speed; slower rounds measured other people's work as well.
    best = {key: min(timings, key=lambda t: t.seconds) for key, timings in runs.items()}
    plain, fast, plain64, fast64 = (best[key] for key in ("plain", "fast", "plain64", "fast64"))
    fast_f32 = best.get("fast_f32", fast)

    def summary(timing: device.Timing, timing64: device.Timing, rounds: list, **extra) -> dict:
        return {
            "batch_size": timing.batch_size,
            "images_per_s": round(timing.images_per_second, 1),
            "ms_per_step": round(timing.ms_per_step, 3),
            "ms_per_step_b64": round(timing64.ms_per_step, 3),
            "images_per_cpu_s": round(timing.images_per_cpu_second, 1),
            "epoch_s": [round(t, 4) for t in timing.epoch_seconds],
            "epoch_s_b64": [round(t, 4) for t in timing64.epoch_seconds],
            "epoch_cpu_s": [round(t, 4) for t in timing.epoch_cpu_seconds],
            "median_epoch_s_per_round": [round(t.seconds, 4) for t in rounds],
            **extra,
        }

    ratio = fast.images_per_second / plain.images_per_second
    ratio_f32 = fast_f32.images_per_second / plain.images_per_second
    gpu_name = setup.names[0] if setup.has_gpu else None
    record = {
        "bench": "cnn",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "device_kind": setup.device,
        "device": f"{setup.device}: {setup.names[0]}"
        + ("" if setup.has_gpu else f", {setup.cpu_cores} cores"),
        "gpu": gpu_name,
        "machine": facts,
        "cpu_cores": setup.cpu_cores,
        "cpu_native_bf16": setup.native_bf16,
        "threads": args.threads or "TensorFlow's defaults",
        "cpu_isa_cap": args.isa.upper() if args.isa else None,
        "images": args.images,
        "epochs": args.epochs,
        "rounds": args.rounds,
        "quick": args.quick,
        "plain": summary(plain, plain64, runs["plain"], precision="float32", jit="auto", pipeline="numpy"),
        "fast": summary(
            fast,
            fast64,
            runs["fast"],
            precision=policy,
            jit=str(jit).lower(),
            pipeline="tf.data",
            steps_per_execution=args.steps_per_execution,
        ),
        **(
            {
                "fast_float32": summary(
                    fast_f32,
                    fast_f32,
                    runs["fast_f32"],
                    precision="float32",
                    jit=str(jit).lower(),
                    pipeline="tf.data",
                    steps_per_execution=args.steps_per_execution,
                )
            }
            if float32_too
            else {}
        ),
        "ratio": round(ratio, 3),
        "ratio_float32": round(ratio_f32, 3),
        "ratio_float32_cpu_s": round(fast_f32.images_per_cpu_second / plain.images_per_cpu_second, 3),
        "ratio_cpu_s": round(fast.images_per_cpu_second / plain.images_per_cpu_second, 3),
        "load_average": {"before": facts["load_avg_1min"], "after": load_average()},
        "goals": {
            f"ratio >= {GOALS['cpu_ratio']} (CPU)": None if setup.has_gpu else ratio >= GOALS["cpu_ratio"],
            f"float32 ratio >= {GOALS['cpu_float32_ratio']} (CPU without bfloat16)": (
                None if setup.has_gpu else ratio_f32 >= GOALS["cpu_float32_ratio"]
            ),
            f"ms/step at batch 64 < {GOALS['h100_ms_per_step']} (H100)": (
                fast64.ms_per_step < GOALS["h100_ms_per_step"] if gpu_name and "H100" in gpu_name else None
            ),
        },
    }
    table = markdown_table(record)
    print()
    print(table)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(table + "\n")
    if not args.no_record:
        path = append_record(args.results_dir / RECORDS.name, record)
        print(f"\nappended to {paths.display_path(path)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
