"""Benchmark of :mod:`dvdl_helpers.imageprep`: ``resize2gray`` to 28×28 on a folder of photo-sized pictures.

Compared in one run, on the same corpus and machine (so that the ratios mean something):

- ``dvdl_helpers.imageprep.resize2gray`` with 1 job and with all cores;
- a naive PIL loop like the seed's ``imagePrep`` (open, convert, LANCZOS resize, save, one file at a time);
- ImageMagick ``mogrify`` as an expert runs it (``-define jpeg:size`` + ``-thumbnail``), when it is installed.

The corpus is built once from the real pictures that ship with matplotlib (``mpl-data/sample_data``: Grace
Hopper's photo, the Jacksboro fault elevation model as shaded relief, an MRI slice): random crops, flips and
colour casts, scaled to camera sizes (JPEG: 2000–3200 px, PNG: 800–1600 px) with sensor-like grain, and cached
under ``artifacts/data/bench_imageprep/``. The result is printed as a markdown table and appended as one JSON
line to ``benchmarks/results/imageprep.jsonl``.

    python benchmarks/bench_imageprep.py            # 100 photos, then 500 pictures (first run builds them)
    python benchmarks/bench_imageprep.py --quick    # 24 small pictures, for tests
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import matplotlib
import numpy as np
from _common import RESULTS_DIR, append_record, cpu_seconds, load_average, machine
from matplotlib import cbook
from matplotlib.colors import LightSource
from PIL import Image, features

from dvdl_helpers import imageprep
from dvdl_helpers.env import usable_cores
from dvdl_helpers.paths import data_dir

RECORDS = RESULTS_DIR / "imageprep.jsonl"
CORPUS_VERSION = 1
SIZE = (28, 28)
FULL = {"count": 500, "png_every": 5, "jpeg_px": (2000, 3200), "png_px": (800, 1600)}
QUICK = {"count": 24, "png_every": 4, "jpeg_px": (400, 640), "png_px": (200, 400)}
# What a learner converts: a folder of ~100 camera photos (all JPEG); start-up costs weigh more here.
PHOTOS = {"count": 100, "png_every": 0, "jpeg_px": (2000, 3200), "png_px": (800, 1600)}
CORPORA = {"quick": QUICK, "photos": PHOTOS, "full": FULL}


# ------------------------------------------------------------------------------------------------ corpus


@functools.lru_cache(maxsize=1)
def _sources() -> list[np.ndarray]:
    """The real pictures shipped with matplotlib, as RGB uint8 arrays."""
    photo = np.asarray(Image.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)).convert("RGB"))
    dem = cbook.get_sample_data("jacksboro_fault_dem.npz")["elevation"].astype(float)
    relief = LightSource(azdeg=315, altdeg=45).shade(
        dem, cmap=matplotlib.colormaps["gist_earth"], blend_mode="soft"
    )
    with cbook.get_sample_data("s1045.ima.gz") as file:
        mri = np.frombuffer(file.read(), np.uint16).reshape(256, 256).astype(float)
    mri_rgb = np.repeat((mri / mri.max() * 255)[..., None], 3, axis=2)
    return [photo, (relief[..., :3] * 255).astype(np.uint8), mri_rgb.astype(np.uint8)]


def _make_picture(job: tuple[int, dict, Path]) -> int:
    """Write corpus picture number ``index``; return its size in bytes."""
    index, spec, folder = job
    rng = np.random.default_rng(index)
    sources = _sources()
    source = sources[0] if index % 5 < 3 else sources[1 + index % 2]  # 60 % photos of a face
    h, w = source.shape[:2]
    ch, cw = int(h * rng.uniform(0.5, 1)), int(w * rng.uniform(0.5, 1))
    top, left = rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1)
    crop = source[top : top + ch, left : left + cw].astype(np.float32) * rng.uniform(
        0.8, 1.1, 3
    )  # colour cast
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    is_png = bool(spec["png_every"]) and index % spec["png_every"] == 0
    low, high = spec["png_px"] if is_png else spec["jpeg_px"]
    scale = rng.uniform(low, high) / max(ch, cw)
    size = (round(cw * scale), round(ch * scale))
    image = Image.fromarray(np.clip(crop, 0, 255).astype(np.uint8)).resize(size, Image.Resampling.BICUBIC)
    grain = rng.normal(0, 3, (size[1], size[0], 1)).astype(np.float32)  # sensor noise, as in real photos
    pixels = np.clip(np.asarray(image, dtype=np.float32) + grain, 0, 255).astype(np.uint8)
    path = folder / f"photo_{index:04d}.{'png' if is_png else 'jpg'}"
    Image.fromarray(pixels).save(path, **({} if is_png else {"quality": 90}))
    return path.stat().st_size


def build_corpus(name: str) -> Path:
    """Return the corpus folder, building it (once) under ``artifacts/data/bench_imageprep/``."""
    spec = CORPORA[name]
    folder = data_dir() / "bench_imageprep" / name
    stamp = folder.with_name(f"{folder.name}.json")  # beside the pictures: every file inside is one
    wanted = json.loads(json.dumps({"version": CORPUS_VERSION, **spec}))  # as read back: lists, not tuples
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    jobs = [(i, spec, folder) for i in range(spec["count"])]
    print(f"building the corpus: {spec['count']} pictures in {folder} ...", file=sys.stderr)
    with multiprocessing.get_context("spawn").Pool(os.cpu_count()) as pool:
        pool.map(_make_picture, jobs, chunksize=4)
    stamp.write_text(json.dumps(wanted))
    return folder


# ------------------------------------------------------------------------------------------------ methods


def naive_loop(files: list[Path], out: Path) -> None:
    """The seed's way: one file after another, full decode, convert, LANCZOS resize, save as 0.png, ..."""
    for i, path in enumerate(files):
        image = Image.open(path).convert("L").resize(SIZE, Image.Resampling.LANCZOS)
        image.save(out / f"{i}.png")


def mogrify(files: list[Path], out: Path) -> None:
    """ImageMagick as an expert runs it: decode JPEGs at reduced size, thumbnail, gray."""
    w, h = SIZE
    command = ["mogrify", "-path", str(out), "-format", "png", "-define", f"jpeg:size={2 * w}x{2 * h}"]
    command += ["-thumbnail", f"{w}x{h}!", "-colorspace", "Gray", *map(str, files)]
    subprocess.run(command, check=True, capture_output=True)


def command(files: list[Path], out: Path) -> None:
    """The ``imageprep`` command as a learner types it: a new Python process, all cores."""
    cli = [sys.executable, "-m", "dvdl_helpers.cli.imageprep", "resize2gray", str(files[0].parent), str(out)]
    subprocess.run([*cli, "--size", *map(str, SIZE), "--quiet"], check=True, capture_output=True)


def library(jobs: int) -> Callable[[list[Path], Path], None]:
    """``imageprep.resize2gray`` on the corpus folder with ``jobs`` worker processes."""

    def run(files: list[Path], out: Path) -> None:
        report = imageprep.resize2gray("png", files[0].parent, out, *SIZE, jobs=jobs, progress=False)
        assert report.ok and len(report.outputs) == len(files), report.summary()

    return run


def timed(
    method: Callable[[list[Path], Path], None], files: list[Path], repeat: int
) -> tuple[float, float, Path]:
    """Best wall and CPU seconds of ``repeat`` runs (each into a fresh folder), and the last output folder.

    Wall time is what a user waits for; CPU time counts the work done, whatever else runs on the machine.
    """
    best_wall, best_cpu, out = float("inf"), float("inf"), Path()
    for _ in range(repeat):
        if out != Path():
            shutil.rmtree(out)  # keep only the last run's outputs
        out = Path(tempfile.mkdtemp(prefix="bench_imageprep_"))
        start, cpu = time.perf_counter(), cpu_seconds()
        method(files, out)
        best_wall = min(best_wall, time.perf_counter() - start)
        best_cpu = min(best_cpu, cpu_seconds() - cpu)
        if len(list(out.iterdir())) != len(files):
            raise RuntimeError(f"{method}: {len(list(out.iterdir()))} outputs for {len(files)} inputs")
    return best_wall, best_cpu, out


def mean_difference(ours: Path, theirs: Path, files: list[Path]) -> float:
    """Mean absolute gray-level difference between our outputs and the naive loop's (same pictures)."""
    diffs = [
        np.abs(
            np.asarray(Image.open(ours / f"{path.stem}.png"), dtype=float)
            - np.asarray(Image.open(theirs / f"{i}.png"), dtype=float)
        ).mean()
        for i, path in enumerate(files)
    ]
    return float(np.mean(diffs))


# ------------------------------------------------------------------------------------------------ report


def machine_and_tools() -> dict[str, object]:
    """The machine and the versions that produced the numbers (libjpeg-turbo, ImageMagick too)."""
    magick = shutil.which("mogrify")
    magick_version = (
        subprocess.run([magick, "-version"], capture_output=True, text=True)
        .stdout.split("\n")[0]
        .removeprefix("Version: ")
        if magick
        else None
    )
    info = machine("pillow", "numpy")
    info.update(libjpeg_turbo=features.version_feature("libjpeg_turbo"), imagemagick=magick_version)
    return info


def main(argv: Sequence[str] | None = None) -> int:
    """Build (or reuse) the corpora, time every method, print markdown tables, save a JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="24 small pictures (for tests)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per method; the best time counts")
    parser.add_argument("--no-save", action="store_true", help=f"do not append to {RECORDS.name}")
    args = parser.parse_args(argv)
    for name in ["quick"] if args.quick else ["photos", "full"]:
        record = bench(name, args.repeat)
        if not args.no_save:
            print(f"appended to {append_record(RECORDS, record).name}")
    return 0


def bench(corpus: str, repeat: int) -> dict:
    """Time every method on one corpus; print its table; return the record."""
    files = sorted(p for p in build_corpus(corpus).iterdir() if p.suffix in (".jpg", ".png"))
    for path in files:  # the first method should not pay for reading the disk
        path.read_bytes()
    cores = usable_cores()
    methods: dict[str, tuple[int, Callable[[list[Path], Path], None]]] = {
        "naive PIL loop (seed)": (1, naive_loop),
        "imageprep.resize2gray": (1, library(1)),
        f"imageprep.resize2gray, {cores} jobs": (cores, library(cores)),
        f"imageprep command, {cores} jobs": (cores, command),
    }
    if shutil.which("mogrify"):
        methods["ImageMagick mogrify"] = (1, mogrify)
    info = machine_and_tools()  # before the runs: the load the machine had when they started
    rows, outs = [], {}
    for name, (jobs, method) in methods.items():
        seconds, cpu, outs[name] = timed(method, files, repeat)
        rows.append(
            {"method": name, "jobs": jobs, "seconds": seconds, "cpu_ms_per_image": 1000 * cpu / len(files)}
        )
    info["load_avg_1min_end"] = load_average()
    naive = rows[0]
    magick = next((row for row in rows if row["method"] == "ImageMagick mogrify"), None)
    for row in rows:  # ratios to the baselines measured in this same run
        row["images_per_s"] = round(len(files) / row["seconds"], 1)
        row["x_naive"] = round(naive["seconds"] / row["seconds"], 2)
        row["x_mogrify"] = round(magick["seconds"] / row["seconds"], 2) if magick else None
        row["x_naive_cpu"] = round(naive["cpu_ms_per_image"] / row["cpu_ms_per_image"], 2)
    for row in rows:
        row["seconds"], row["cpu_ms_per_image"] = round(row["seconds"], 3), round(row["cpu_ms_per_image"], 1)
    difference = mean_difference(outs["imageprep.resize2gray"], outs["naive PIL loop (seed)"], files)
    for folder in outs.values():
        shutil.rmtree(folder, ignore_errors=True)

    jpeg = sum(p.suffix == ".jpg" for p in files)
    megabytes = sum(p.stat().st_size for p in files) / 1e6
    kinds = f"{jpeg} JPEG, {len(files) - jpeg} PNG, {megabytes:.0f} MB"
    print(f"\n{corpus}: {len(files)} pictures ({kinds}) → 28×28 gray")
    load = f"load {info['load_avg_1min']} → {info['load_avg_1min_end']}"
    print(f"{info['cpu']}, {info['cores']} cores, {load}")
    magick_name = info["imagemagick"] or "no mogrify"
    print(f"Pillow {info['pillow']}, libjpeg-turbo {info['libjpeg_turbo']}, {magick_name}\n")
    print("| method | jobs | seconds | images/s | × naive | × mogrify | CPU ms/image | × naive (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        vs_magick = "–" if row["x_mogrify"] is None else f"{row['x_mogrify']:.2f}"
        cells = [row["method"], row["jobs"], f"{row['seconds']:.2f}", f"{row['images_per_s']:.1f}"]
        cells += [
            f"{row['x_naive']:.2f}",
            vs_magick,
            f"{row['cpu_ms_per_image']:.1f}",
            f"{row['x_naive_cpu']:.2f}",
        ]
        print("| " + " | ".join(map(str, cells)) + " |")
    print(f"\nmean |imageprep − naive| per pixel: {difference:.2f} gray levels (of 255)")
    best = max(rows[1:], key=lambda row: row["images_per_s"])
    goals = {"x4_naive": best["x_naive"] >= 4, "x2_mogrify": best["x_mogrify"] >= 2 if magick else None}
    print(
        f"goals (wall time, all jobs): ≥ 4× naive: {goals['x4_naive']}, ≥ 2× mogrify: {goals['x2_mogrify']}"
    )

    record = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "benchmark": "imageprep resize2gray 28x28",
        "corpus_name": corpus,
        "quick": corpus == "quick",
        "repeat": repeat,
        "corpus": {
            "pictures": len(files),
            "jpeg": jpeg,
            "png": len(files) - jpeg,
            "megabytes": round(megabytes, 1),
        },
        "device": info,
        "results": rows,
        "mean_abs_difference_vs_naive": round(difference, 3),
        "goals": goals,
    }
    return record


if __name__ == "__main__":
    sys.exit(main())
