"""Make pictures of any size and colour usable as network input (the seed's ``imagePrep``, rebuilt).

One image:

- :func:`prepare_image` a path or PIL image → upright, ``L`` (gray) or ``RGB``, optionally resized with a
  ``fit``: ``stretch`` (exactly W×H), ``contain`` (keep the aspect ratio, pad with ``background``) or
  ``cover`` (keep the aspect ratio, centre-crop).
- :func:`mnist_preset` a photo of a handwritten digit → a 28×28 MNIST-style image.

A folder (the seed's three operations, same parameter order; ``ext`` is the output format):

- :func:`convert2gray`, :func:`resize`, :func:`resize2gray`, :func:`convert2mnist`, all built on
  :func:`process_dir`; each returns a :class:`Report` (converted, skipped, failed with reasons, outputs).

Command line: ``imageprep {gray,resize,resize2gray,mnist} INPUT_DIR OUTPUT_DIR ...`` or
``python -m dvdl_helpers.imageprep ...`` (see :mod:`dvdl_helpers.cli.imageprep`).

Promises: inputs are only read; a bad file (not an image, empty, truncated, too large, unreadable) is named
in the report with its reason and the rest are still processed; each output is written to a temporary file
and then renamed, so an interrupted run leaves no partial file. Hidden files (``.name``) are ignored.
Speed: a process pool over files, each file decoded once, JPEGs shrunk while decoding (``draft``) and large
images shrunk by ``reduce`` before the final LANCZOS resampling. This module never imports TensorFlow.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from PIL import ExifTags, Image, ImageColor, ImageFilter, ImageOps
from tqdm import tqdm

from dvdl_helpers.env import usable_cores

__all__ = [
    "FITS",
    "Report",
    "UsageError",
    "convert2gray",
    "convert2mnist",
    "mnist_preset",
    "prepare_image",
    "process_dir",
    "resize",
    "resize2gray",
]

Fit = Literal["stretch", "contain", "cover"]
Color = str | tuple[int, int, int]
PathLike = str | os.PathLike[str]

FITS: tuple[str, ...] = ("stretch", "contain", "cover")
LANCZOS = Image.Resampling.LANCZOS
_TMP_PREFIX = ".imageprep-"  # temporary outputs: hidden, removed if a run is interrupted
_DEEP_MODES = {"I", "I;16", "I;16B", "I;16L", "I;16N", "F"}  # 16/32-bit integer and float
_MNIST_WORK = 512  # a digit photo is analysed at most this large


class UsageError(ValueError):
    """A request that cannot be carried out as asked; raised before anything is written."""


@dataclass(frozen=True)
class _Options:
    size: tuple[int, int] | None = None
    gray: bool = False
    fit: str = "stretch"
    background: tuple[int, int, int] = (255, 255, 255)
    preset: str | None = None


# --------------------------------------------------------------------------------------------------------
# One image
# --------------------------------------------------------------------------------------------------------


def prepare_image(
    image: PathLike | Image.Image,
    *,
    size: tuple[int, int] | None = None,
    gray: bool = False,
    fit: Fit = "stretch",
    background: Color = "white",
    preset: Literal["mnist"] | None = None,
) -> Image.Image:
    """Return one picture as network input: upright, first frame, mode ``L`` or ``RGB``, fitted to ``size``.

    ``size`` is (width, height); ``None`` keeps the size. Transparent parts are composited on
    ``background``; 16-bit images are mapped by the 16-bit range (v/257), 32-bit integer and
    float images by their actual range. ``preset="mnist"``: see
    :func:`mnist_preset`. A file that is not a readable image raises Pillow's error (e.g.
    ``PIL.UnidentifiedImageError``, ``PIL.Image.DecompressionBombError``); a PIL image passed in is left
    unchanged.
    """
    opts = _options(size=size, gray=gray, fit=fit, background=background, preset=preset)
    return _prepare(image, opts)[0]


def mnist_preset(image: PathLike | Image.Image) -> Image.Image:
    """Turn a photo of a handwritten digit (dark ink on light paper) into a 28×28 MNIST-style image.

    As in MNIST: grayscale, inverted (white ink on black), the digit's bounding box scaled into 20×20
    (aspect ratio kept) and placed so that its centre of mass is at the centre of the 28×28 field. The
    paper's brightness is estimated region by region, so shadows and coloured paper do not count as ink;
    thin pen strokes are thickened to MNIST's. ``np.asarray(img) / 255`` is the network's input.
    """
    return prepare_image(image, preset="mnist")


def _options(
    size: Sequence[int] | None, gray: bool, fit: str, background: Color, preset: str | None
) -> _Options:
    """Check the single-image options; raise :class:`UsageError` on a bad one."""
    if fit not in FITS:
        raise UsageError(f"fit must be one of {', '.join(FITS)}, not {fit!r}")
    if preset not in (None, "mnist"):
        raise UsageError(f"unknown preset {preset!r} (known: 'mnist')")
    if size is not None:
        if len(size) != 2 or min(int(s) for s in size) < 1:
            raise UsageError(f"size must be two positive integers (width, height), not {size!r}")
        size = (int(size[0]), int(size[1]))
    try:
        rgb = ImageColor.getrgb(background) if isinstance(background, str) else tuple(background)
    except ValueError:
        raise UsageError(f"unknown background colour {background!r}") from None
    return _Options(size, gray or preset is not None, fit, tuple(int(c) for c in rgb[:3]), preset)


def _prepare(source: PathLike | Image.Image, opts: _Options) -> tuple[Image.Image, list[str]]:
    """Decode, flatten and fit one picture; return it with notes worth telling (e.g. 'animated')."""
    if isinstance(source, Image.Image):
        notes = ["animated: current frame used"] if getattr(source, "n_frames", 1) > 1 else []
        image = ImageOps.exif_transpose(source)  # a copy: the caller's image stays as it is
    else:
        with warnings.catch_warnings():  # Pillow only warns between 1× and 2× its pixel limit
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as file_image:
                image, notes = _decode(file_image, opts)
    image = _flatten(image, opts.gray, opts.background)
    if opts.preset == "mnist":
        image, more = _mnist(image)
        return image, notes + more
    if opts.size is not None:
        image = _fit(image, opts.size, opts.fit, opts.background)
    return image, notes


def _decode(image: Any, opts: _Options) -> tuple[Image.Image, list[str]]:
    """Load the first frame of an opened file, upright; a JPEG is shrunk while decoding when it can be."""
    frames = getattr(image, "n_frames", 1)
    notes = [f"animated ({frames} frames): first frame used"] if frames > 1 else []
    if image.format == "JPEG" and (opts.size or opts.preset):
        image.draft("L" if opts.gray else "RGB", _draft_request(image, opts))
    image.load()
    ImageOps.exif_transpose(image, in_place=True)  # the decoded copy in memory, never the file
    return image, notes


def _draft_request(image: Image.Image, opts: _Options) -> tuple[int, int]:
    """The smallest decoded size that still leaves 2× the final resolution (JPEG scales by 1/2, 1/4, 1/8)."""
    width, height = image.size
    turned = image.getexif().get(ExifTags.Base.Orientation, 1) in (5, 6, 7, 8)  # stored sideways
    if turned:
        width, height = height, width
    if opts.preset == "mnist":
        want = _scaled_size((width, height), (_MNIST_WORK, _MNIST_WORK), "contain")
    else:
        want = tuple(2 * s for s in _scaled_size((width, height), opts.size, opts.fit))
    return (want[1], want[0]) if turned else (want[0], want[1])


def _scaled_size(size: tuple[int, int], target: tuple[int, int], fit: str) -> tuple[int, int]:
    """The size the whole picture is scaled to before padding (contain) or cropping (cover)."""
    if fit == "stretch":
        return target
    scale = (min if fit == "contain" else max)(target[0] / size[0], target[1] / size[1])
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _flatten(image: Image.Image, gray: bool, background: tuple[int, int, int]) -> Image.Image:
    """Return ``image`` as ``L`` or ``RGB``: deep modes scaled to 8 bits, transparency on ``background``."""
    if image.mode in _DEEP_MODES:
        image = _to_8bit(image)
    if image.mode == "La":  # premultiplied alpha
        image = image.convert("LA")
    if image.mode in ("RGBa", "PA") or "transparency" in image.info:  # incl. a palette's transparent colour
        image = image.convert("RGBA")
    if image.mode in ("LA", "RGBA"):
        alpha = image.getchannel("A")
        if alpha.getextrema()[0] == 255:  # opaque after all, as most saved charts are: nothing to composite
            image = image.convert(image.mode[:-1])
        else:
            flat = Image.new("RGB", image.size, background)
            flat.paste(image.convert("RGBA"), mask=alpha)  # alpha 0 shows the background, never black
            image = flat
    if image.mode not in ("1", "L", "RGB"):  # palette, CMYK, LAB, YCbCr, HSV, RGBX, ...
        image = image.convert("RGB")
    target = "L" if gray else "RGB"
    return image if image.mode == target else image.convert(target)


def _to_8bit(image: Image.Image) -> Image.Image:
    """Map a 16-bit image by the 16-bit range (v / 257), a 32-bit integer or float one by its actual range.

    16-bit values mean the same brightness in every file (0 black, 65535 white), as ImageMagick and
    scikit-image read them: a dark scan stays dark. 32-bit integers and floats have no agreed range, so
    their minimum becomes 0 and their maximum 255.
    """
    values = np.asarray(image, dtype=np.float64)
    if image.mode.startswith("I;16"):
        return Image.fromarray(np.round(values / 257).astype(np.uint8))
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return Image.new("L", image.size)
    low, high = finite.min(), finite.max()
    values = np.nan_to_num(values, nan=low, posinf=high, neginf=low)
    scaled = (values - low) * (255 / (high - low)) if high > low else np.clip(values, 0, 255)
    return Image.fromarray(np.round(scaled).astype(np.uint8))


def _fit(
    image: Image.Image, size: tuple[int, int], fit: str, background: tuple[int, int, int]
) -> Image.Image:
    """Resize to ``size``: stretch, contain (pad with ``background``) or cover (centre-crop)."""
    # reducing_gap: shrink by an integer factor with Image.reduce first (fast), then LANCZOS the rest
    width, height = size
    if fit == "stretch":
        return image.resize(size, LANCZOS, reducing_gap=3.0)
    inner = _scaled_size(image.size, size, fit)
    if fit == "cover":
        scale = inner[0] / image.size[0]
        crop_w, crop_h = width / scale, height / scale
        left, top = (image.size[0] - crop_w) / 2, (image.size[1] - crop_h) / 2
        return image.resize(size, LANCZOS, box=(left, top, left + crop_w, top + crop_h), reducing_gap=3.0)
    fill = (
        background
        if image.mode == "RGB"
        else Image.new("RGB", (1, 1), background).convert("L").getpixel((0, 0))
    )
    canvas = Image.new(image.mode, size, fill)
    canvas.paste(
        image.resize(inner, LANCZOS, reducing_gap=3.0), ((width - inner[0]) // 2, (height - inner[1]) // 2)
    )
    return canvas


def _mnist(gray: Image.Image) -> tuple[Image.Image, list[str]]:
    """The MNIST recipe on a grayscale photo: ink map, bounding box → 20×20, centre of mass → (14, 14)."""
    gray = gray.copy()
    gray.thumbnail((_MNIST_WORK, _MNIST_WORK), LANCZOS)
    # The paper: a closing (max filter wider than a pen stroke, then a min filter as wide), smoothed. The
    # max filter alone would take the lit side's brightness into a shadow's edge, which then counts as ink.
    small = gray.resize((64, 64), Image.Resampling.BOX).filter(ImageFilter.MaxFilter(15))
    small = small.filter(ImageFilter.MinFilter(15))
    paper = np.asarray(small.filter(ImageFilter.GaussianBlur(4)).resize(gray.size, Image.Resampling.BILINEAR))
    darkness = np.clip(paper.astype(np.float32) - np.asarray(gray, dtype=np.float32), 0, None)
    contrast = np.percentile(darkness, 99.9)
    if contrast < 32:
        return Image.new("L", (28, 28)), ["no dark ink found: blank output"]
    ink = np.clip(darkness / contrast, 0, 1)
    ink[ink < 0.3] = 0  # paper texture and faint shadows
    rows, cols = np.nonzero(ink >= 0.5)
    ink = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    # Into a 40-pixel box first: there a stroke thinner than MNIST's (4-7 px at that scale) is thickened.
    scale = 40 / max(ink.shape)
    box = (max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale)))
    big = Image.fromarray((ink * 255).astype(np.uint8)).resize(box, LANCZOS)
    mask = np.pad(np.asarray(big) >= 128, 1)
    edge = mask & ~(np.roll(mask, 1, 0) & np.roll(mask, -1, 0) & np.roll(mask, 1, 1) & np.roll(mask, -1, 1))
    stroke = 2 * mask.sum() / max(1, edge.sum())  # ≈ width of a long thin shape: area / (perimeter / 2)
    if stroke < 4.5:  # MNIST's strokes are 4-7 px wide at this scale
        big = big.filter(ImageFilter.MaxFilter(3 if stroke >= 2.5 else 5))
    digit = np.asarray(big.resize(((box[0] + 1) // 2, (box[1] + 1) // 2), LANCZOS), dtype=np.float64)
    digit = np.clip(digit * (255 / max(digit.max(), 1)), 0, 255)
    # Place the 20×20 box so that the centre of mass lands on (14, 14), keeping all of it in the field.
    ys, xs = np.indices(digit.shape)
    total = digit.sum()
    top = int(np.clip(round(14 - (ys * digit).sum() / total), 0, 28 - digit.shape[0]))
    left = int(np.clip(round(14 - (xs * digit).sum() / total), 0, 28 - digit.shape[1]))
    field_ = np.zeros((28, 28), np.uint8)
    field_[top : top + digit.shape[0], left : left + digit.shape[1]] = np.round(digit).astype(np.uint8)
    return Image.fromarray(field_), []


# --------------------------------------------------------------------------------------------------------
# A folder
# --------------------------------------------------------------------------------------------------------


@dataclass
class Report:
    """What a folder run did: each input file was converted, skipped (output exists) or failed."""

    task: str
    input_dir: Path
    output_dir: Path
    converted: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)  # (input, reason)
    outputs: list[Path] = field(default_factory=list)  # files written
    notes: list[tuple[Path, str]] = field(default_factory=list)  # (input, e.g. 'animated: first frame')

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed

    def summary(self) -> str:
        """Return a count line, then one line per failed file and per note (paths relative to the input)."""
        lines = [
            f"{self.task}: {len(self.converted)} converted, {len(self.skipped)} skipped (output exists), "
            f"{len(self.failed)} failed"
        ]
        lines += [f"  FAILED {self._name(path)}: {reason}" for path, reason in self.failed]
        lines += [f"  note   {self._name(path)}: {note}" for path, note in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        """The :meth:`summary`."""
        return self.summary()

    def _name(self, path: Path) -> str:
        return (
            path.relative_to(self.input_dir).as_posix() if path.is_relative_to(self.input_dir) else str(path)
        )


def convert2gray(ext: str, input_dir: PathLike, output_dir: PathLike, **options: Any) -> Report:
    """Convert every image in ``input_dir`` to grayscale, same size; ``options``: see :func:`process_dir`."""
    return process_dir(input_dir, output_dir, ext=ext, gray=True, task="convert2gray", **options)


def resize(
    ext: str, input_dir: PathLike, output_dir: PathLike, width: int, height: int, **options: Any
) -> Report:
    """Resize every image in ``input_dir`` to width×height RGB; ``options``: see :func:`process_dir`."""
    return process_dir(input_dir, output_dir, ext=ext, size=(width, height), task="resize", **options)


def resize2gray(
    ext: str, input_dir: PathLike, output_dir: PathLike, width: int, height: int, **options: Any
) -> Report:
    """Resize every image in ``input_dir`` to width×height grayscale; ``options``: see :func:`process_dir`."""
    return process_dir(
        input_dir, output_dir, ext=ext, size=(width, height), gray=True, task="resize2gray", **options
    )


def convert2mnist(ext: str, input_dir: PathLike, output_dir: PathLike, **options: Any) -> Report:
    """Turn every digit photo in ``input_dir`` into a 28×28 MNIST-style image (see :func:`mnist_preset`)."""
    return process_dir(input_dir, output_dir, ext=ext, preset="mnist", task="mnist", **options)


def process_dir(
    input_dir: PathLike,
    output_dir: PathLike,
    *,
    ext: str = "png",
    size: tuple[int, int] | None = None,
    gray: bool = False,
    fit: Fit = "stretch",
    background: Color = "white",
    preset: Literal["mnist"] | None = None,
    recursive: bool = False,
    overwrite: bool = False,
    jobs: int | None = None,
    progress: bool = True,
    task: str = "imageprep",
) -> Report:
    """Prepare every image in ``input_dir`` (see :func:`prepare_image`) as ``output_dir/<stem>.<ext>``.

    ``recursive`` also walks sub-folders and keeps their structure; ``overwrite`` replaces outputs that
    exist (otherwise they are skipped); ``jobs`` worker processes (default: all cores); ``progress`` shows a
    bar. Inputs whose output names would clash (``a.jpg``, ``a.png``) all get an output (``a.png``,
    ``a__png.png``). Raises :class:`UsageError` before writing anything when the request is wrong (unknown
    ``ext``, missing input folder, output folder equal to or inside the input folder, ...).
    """
    opts = _options(size=size, gray=gray, fit=fit, background=background, preset=preset)
    ext, image_format = _output_format(ext)
    source_dir, target_dir = _check_dirs(input_dir, output_dir)
    jobs = usable_cores() if jobs is None else int(jobs)
    if jobs < 1:
        raise UsageError(f"jobs must be at least 1, not {jobs}")
    inputs = sorted(
        p for p in (source_dir.rglob("*") if recursive else source_dir.iterdir()) if _wanted(p, source_dir)
    )
    plan, clash_notes = _plan_outputs(inputs, source_dir, target_dir, ext)
    report = Report(task, source_dir, target_dir, notes=clash_notes)
    todo = []
    for source, target in plan:
        if target.exists() and not overwrite:
            report.skipped.append(source)
        else:
            todo.append((source, target, opts, image_format))
    target_dir.mkdir(parents=True, exist_ok=True)
    for (source, target, _, _), (reason, notes) in zip(todo, _run(todo, jobs, progress, task), strict=True):
        if reason is None:
            report.converted.append(source)
            report.outputs.append(target)
        else:
            report.failed.append((source, reason))
        report.notes += [(source, note) for note in notes]
    report.notes.sort(key=lambda item: item[0])
    return report


def _output_format(ext: str) -> tuple[str, str]:
    """Return (extension without dot, Pillow format name) or raise :class:`UsageError`."""
    ext = ext.lower().lstrip(".")
    image_format = Image.registered_extensions().get(f".{ext}")
    if image_format is None or image_format not in Image.SAVE:
        raise UsageError(f"Pillow cannot write .{ext} files (try png or jpg)")
    return ext, image_format


def _check_dirs(input_dir: PathLike, output_dir: PathLike) -> tuple[Path, Path]:
    """Resolve both folders; refuse a missing input folder and an output folder equal to or inside it."""
    source = Path(input_dir).expanduser().resolve()
    target = Path(output_dir).expanduser().resolve()
    if not source.is_dir():
        raise UsageError(f"input folder not found: {input_dir}")
    if target.is_relative_to(source):
        raise UsageError(f"output folder {output_dir} is the input folder or inside it: choose another one")
    if target.exists() and not target.is_dir():
        raise UsageError(f"output {output_dir} exists and is not a folder")
    return source, target


def _wanted(path: Path, root: Path) -> bool:
    """Everything but folders and hidden files (``.DS_Store``, our temporary files, files in ``.git``)."""
    hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
    return not hidden and not path.is_dir()


def _plan_outputs(
    inputs: list[Path], source_dir: Path, target_dir: Path, ext: str
) -> tuple[list[tuple[Path, Path]], list[tuple[Path, str]]]:
    """Map each input to its output (same stem and sub-folder); give clashing inputs distinct names."""

    def key(path: Path) -> str:  # case-insensitive, as on macOS and Windows file systems
        return str(path).casefold()

    wanted = [target_dir / p.relative_to(source_dir).with_suffix(f".{ext}") for p in inputs]
    owner: dict[str, Path] = {}
    for source, target in zip(inputs, wanted, strict=True):
        owner.setdefault(key(target), source)  # sorted order: the first input keeps the plain name
    taken = set(owner)
    plan, notes = [], []
    for source, target in zip(inputs, wanted, strict=True):
        first = owner[key(target)]
        if first != source:
            stem = f"{target.stem}__{source.suffix.lstrip('.').lower() or 'noext'}"
            renamed, n = target.with_name(f"{stem}.{ext}"), 2
            while key(renamed) in taken:
                renamed, n = target.with_name(f"{stem}-{n}.{ext}"), n + 1
            taken.add(key(renamed))
            notes.append((source, f"same output name as {first.name}: written as {renamed.name}"))
            target = renamed
        plan.append((source, target))
    return plan, notes


def _run(todo: list[tuple[Path, Path, _Options, str]], jobs: int, progress: bool, task: str) -> list[Any]:
    """Convert the files, in a pool of ``jobs`` processes when that pays; results in ``todo`` order."""
    results: list[Any] = []
    jobs = min(jobs, len(todo))
    try:
        with tqdm(total=len(todo), disable=not progress, unit="img", desc=task, leave=False) as bar:
            if jobs <= 1:
                for item in todo:
                    results.append(_convert_file(item))
                    bar.update()
                return results
            # fork (Linux) starts workers in milliseconds; they only run Pillow and NumPy code, so threads
            # the caller may run (TensorFlow in a notebook) do not matter. Elsewhere: the platform's default.
            method = "fork" if sys.platform == "linux" else None
            with multiprocessing.get_context(method).Pool(jobs) as pool:
                chunk = max(1, min(16, len(todo) // (8 * jobs)))
                for result in pool.imap(_convert_file, todo, chunksize=chunk):
                    results.append(result)
                    bar.update()
        return results
    except BaseException:  # e.g. Ctrl-C: the pool's workers were stopped, remove their temporary files
        for folder in {target.parent for _, target, _, _ in todo}:
            for leftover in folder.glob(f"{_TMP_PREFIX}*.tmp"):
                leftover.unlink(missing_ok=True)
        raise


def _convert_file(item: tuple[Path, Path, _Options, str]) -> tuple[str | None, list[str]]:
    """Convert one file (runs in a worker); return (the reason it failed or None, notes). Never raises."""
    source, target, opts, image_format = item
    try:
        if not source.is_file():
            return ("unreadable: broken link" if not source.exists() else "not a regular file"), []
        if source.stat().st_size == 0:
            return "empty file", []
        image, notes = _prepare(source, opts)
    except Exception as exc:  # a bad file must never stop the run
        return _reason(source, exc), []
    try:
        _save_atomic(image, target, image_format)
    except Exception as exc:
        return f"cannot write {target.name}: {exc}", notes
    return None, notes


def _reason(source: Path, exc: Exception) -> str:
    """A reason a learner understands for a file that could not be read as an image."""
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        return f"too large: over Pillow's decompression-bomb limit ({exc})"
    if isinstance(exc, PermissionError):
        return "unreadable: permission denied"
    if isinstance(exc, Image.UnidentifiedImageError):
        if source.suffix.lower() in Image.registered_extensions():
            return f"corrupt image or not a {source.suffix} file (Pillow cannot identify it)"
        return "not an image (Pillow cannot identify its format)"
    if isinstance(exc, OSError) and "truncated" in str(exc):
        return f"truncated image ({exc})"
    return f"corrupt or unsupported image ({type(exc).__name__}: {exc})"


def _save_atomic(image: Image.Image, target: Path, image_format: str) -> None:
    """Write ``image`` to a temporary file next to ``target``, then rename it (atomic on one file system)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f"{_TMP_PREFIX}{os.getpid()}-{target.name}.tmp")
    try:
        image.save(temporary, format=image_format)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


if __name__ == "__main__":  # python -m dvdl_helpers.imageprep: the command line lives in cli.imageprep
    from dvdl_helpers.cli.imageprep import main

    sys.exit(main())
