"""Train the chart autoencoders that ship in ``dvdl_helpers/shipped/`` (notebook 06's finale loads them).

Usage: ``python tools/train_shipped_autoencoders.py [--epochs 20] [--per-type 300] [--out DIR]``

The recipe (the model card, ``dvdl_helpers/shipped/README.md``, records what it printed):

- charts: generator v1 (``charts.generate_dataset``, style "train") with ``seed=1``, ``--per-type`` of
  each type, 128×128, prepared as notebook 06 prepares them (``imageprep.resize2gray`` to 48×48 gray,
  then ink = 1 − gray/255). Notebook 06 draws its charts with ``seed=0``: the shipped models never saw
  any chart the notebook measures them on.
- models, trained side by side in one ``fit`` (``models.side_by_side``; Adam 2e-3, batch 32, seed 1):
  ``conv_2``, ``conv_8``, ``conv_32`` (:func:`models.chart_autoencoder` with a code of 2, 8, 32 numbers,
  squared error), ``conv_bce`` (32 numbers, binary cross-entropy), ``denoise_32`` (32 numbers, squared
  error against the clean chart, a share ``ERASED`` of the input's pixels erased at every step while
  training: :class:`models.PixelErasing`).
- PCA of the same training charts (mean and 32 components), for a comparison on equal data.
- every model's weights saved as float16 (:func:`models.save_shipped_autoencoder`), no optimizer state.

At the end it measures every model on notebook 06's long-run charts (``seed=0``, 300 per type; the
quick setting's 80 per type are among them) against the shipped PCA, with 95 % intervals, and prints
the lines the model card quotes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from dvdl_helpers import env

ERASED = 0.5  # the denoising autoencoder's input noise: the share of pixels set to paper
SIZE = 48
SIZES = (2, 8, 32)


def _prepared(charts, imageprep, raw_dir: Path, per_type: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    charts.generate_dataset(raw_dir, per_type, seed=seed, size_px=(128, 128), progress=False)
    prep_dir = raw_dir.parent / f"{raw_dir.name}_gray{SIZE}"
    drawing = (raw_dir / "manifest.json").read_text()
    stale = not (prep_dir / "manifest.json").exists() or (prep_dir / "manifest.json").read_text() != drawing
    for kind in charts.CHART_TYPES:
        report = imageprep.resize2gray(
            "png", raw_dir / kind, prep_dir / kind, SIZE, SIZE, overwrite=stale, progress=False
        )
        if not report.ok:
            raise RuntimeError(report.summary())
    (prep_dir / "manifest.json").write_text(drawing)
    gray, labels, _ = charts.load_chart_images(prep_dir, size=(SIZE, SIZE))
    return (1.0 - gray / 255.0).astype("float32")[..., None], labels


def main(argv: list[str]) -> int:
    """Train, save and measure the shipped autoencoders; print what the model card records."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--per-type", type=int, default=300)
    parser.add_argument("--out", type=Path, default=None, help="default: dvdl_helpers/shipped/")
    args = parser.parse_args(argv)

    env.quiet_tensorflow()
    import keras

    from dvdl_helpers import charts, imageprep, models, paths, stats

    out = args.out or models.SHIPPED_DIR
    start = time.perf_counter()
    x_train, _ = _prepared(
        charts, imageprep, paths.data_dir() / "charts" / f"train_128_{args.per_type}_seed1", args.per_type, 1
    )
    x_val, val_labels = _prepared(charts, imageprep, paths.data_dir() / "charts" / "train_128_300", 300, 0)
    drawn = time.perf_counter() - start

    env.seed_everything(1)
    shape = (SIZE, SIZE, 1)
    trained = {f"conv_{k}": models.chart_autoencoder(shape, latent_dim=k, name=f"conv_{k}")[0] for k in SIZES}
    trained["conv_bce"] = models.chart_autoencoder(shape, latent_dim=32, name="conv_bce")[0]
    trained["denoise_32"] = models.chart_autoencoder(shape, latent_dim=32, name="denoise_32")[0]
    noisy_input = keras.Sequential(  # noise while training only: PixelErasing is off when called
        [keras.Input(shape), models.PixelErasing(ERASED, seed=1), trained["denoise_32"]], name="denoising"
    )
    joint = models.side_by_side({**trained, "denoise_32": noisy_input}, shape)
    joint.compile(
        optimizer=keras.optimizers.Adam(learning_rate=2e-3),
        loss={name: "binary_crossentropy" if name == "conv_bce" else "mse" for name in trained},
    )
    targets = {name: x_train for name in trained}
    models.build_for_fit(joint, (x_train, targets))
    fit_start = time.perf_counter()
    joint.fit(x_train, targets, epochs=args.epochs, batch_size=32, verbose=2)
    fit_seconds = time.perf_counter() - fit_start

    flat_train = x_train.reshape(len(x_train), -1)
    mean = flat_train.mean(axis=0)
    _, _, vt = np.linalg.svd(flat_train - mean, full_matrices=False)
    components = vt[:32].astype("float32")
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / models.SHIPPED_PCA_FILE, mean=mean.astype("float32"), components=components)
    for name, model in trained.items():
        models.save_shipped_autoencoder(model, out / f"chart_autoencoder_{name}.npz")

    # Measured on notebook 06's charts (seed 0), with the weights as shipped (float16 → float32).
    flat_val = x_val.reshape(len(x_val), -1)
    rng = np.random.default_rng(0)
    noisy_val = x_val * (rng.random(x_val.shape) >= ERASED).astype("float32")

    def per_chart(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return ((a - b) ** 2).reshape(len(a), -1).mean(axis=1)

    def pca_redraw(flat: np.ndarray, k: int) -> np.ndarray:
        c = components[:k]
        return (mean + (flat - mean) @ c.T @ c).reshape(-1, SIZE, SIZE, 1)

    def ratio(pair_truth: np.ndarray, pair: np.ndarray) -> float:
        return float(pair[:, 0].mean() / pair[:, 1].mean())

    print(f"\ncharts drawn and prepared in {drawn:.0f} s; fit of {args.epochs} epochs in {fit_seconds:.0f} s")
    print(f"trained on {len(x_train)} charts (seed 1); measured on {len(x_val)} charts (seed 0)")
    for name in trained:
        loaded, _, _ = models.load_shipped_autoencoder(name) if out == models.SHIPPED_DIR else (None,) * 3
        model = loaded or trained[name]
        k = 32 if name in ("conv_bce", "denoise_32") else int(name.split("_")[1])
        errors = np.stack(
            [per_chart(x_val, model(x_val).numpy()), per_chart(x_val, pca_redraw(flat_val, k))], 1
        )
        interval = stats.bootstrap_interval(val_labels, errors, ratio)
        float32_error = per_chart(x_val, trained[name](x_val).numpy()).mean()
        print(
            f"{name:10} MSE {errors[:, 0].mean():.4f} (float32 weights {float32_error:.4f}), "
            f"PCA {k}: {errors[:, 1].mean():.4f}; ratio to PCA {interval}"
        )
    denoised = {
        "noisy input": per_chart(x_val, noisy_val),
        "PCA 32": per_chart(x_val, pca_redraw(noisy_val.reshape(len(x_val), -1), 32)),
        "conv_32": per_chart(x_val, trained["conv_32"](noisy_val).numpy()),
        "denoise_32": per_chart(x_val, trained["denoise_32"](noisy_val).numpy()),
    }
    print(
        "noisy charts, MSE to the clean chart:", {k: round(float(v.mean()), 4) for k, v in denoised.items()}
    )
    print(
        "versions:",
        ", ".join(
            f"{n[0]} {env.package_version(*n)}"
            for n in (("tensorflow", "tensorflow-cpu"), ("keras",), ("numpy",))
        ),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
