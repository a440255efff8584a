"""A folder of pictures → prepared files: plan the outputs, convert in a pool of processes, report.

Each output is written to a temporary file and then renamed, so an interrupted run leaves no partial file;
a bad file is named in the :class:`Report` with its reason and the rest are still processed, also when the
worker process reading it dies (out of memory, a crash in a decoder): see :data:`KILLED`.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from PIL import Image
from tqdm import tqdm

from dvdl_helpers.env import usable_cores
from dvdl_helpers.imageprep.image import (
    Color,
    Fit,
    Options,
    PathLike,
    UsageError,
    checked_options,
    prepare_with_notes,
)
from dvdl_helpers.imageprep.problems import check_file, problem_reason
from dvdl_helpers.paths import shown_name

_TMP_PREFIX = ".imageprep-"  # temporary outputs: hidden, removed if a run is interrupted
#: The reason of a file whose worker process died while reading it (the rest are still converted).
KILLED = "the process reading it died (out of memory, or a crash in Pillow's decoder)"

__all__ = ["Report", "convert2gray", "convert2mnist", "process_dir", "resize", "resize2gray"]

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
        name = path.relative_to(self.input_dir).as_posix() if path.is_relative_to(self.input_dir) else path
        return shown_name(name)  # one line per file, whatever the name (a newline, bytes that are not UTF-8)


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
    ``ext``, missing input folder or no file in it, output folder equal to or inside the input folder, ...).
    """
    opts = checked_options(size=size, gray=gray, fit=fit, background=background, preset=preset)
    ext, image_format = _output_format(ext)
    source_dir, target_dir = _check_dirs(input_dir, output_dir)
    jobs = usable_cores() if jobs is None else int(jobs)
    if jobs < 1:
        raise UsageError(f"jobs must be at least 1, not {jobs}")
    inputs = sorted(
        p for p in (source_dir.rglob("*") if recursive else source_dir.iterdir()) if _wanted(p, source_dir)
    )
    if not inputs:  # "0 converted, 0 failed" and exit status 0 would read as success
        deeper = not recursive and any(_wanted(p, source_dir) for p in source_dir.rglob("*"))
        hint = " (only in its sub-folders: add --recursive)" if deeper else ""
        raise UsageError(f"no files to prepare in {input_dir}{hint}")
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
    if source.is_file():  # one picture: the folder commands would otherwise say "not found"
        raise UsageError(f"{input_dir} is a file: INPUT_DIR is a folder of pictures (put the file in one)")
    if not source.is_dir():
        raise UsageError(f"input folder not found: {input_dir}")
    if target.is_relative_to(source):
        raise UsageError(f"output folder {output_dir} is the input folder or inside it: choose another one")
    if target.exists() and not target.is_dir():
        raise UsageError(f"output {output_dir} exists and is not a folder")
    return source, target


#: Files that file managers leave in picture folders, never pictures themselves (compared in lower case).
_SYSTEM_FILES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini"})


def _wanted(path: Path, root: Path) -> bool:
    """Everything but folders, hidden files (``.DS_Store``, our temporary files, files in ``.git``) and the
    files Windows leaves in picture folders (``Thumbs.db``, ``desktop.ini``); any other file is tried."""
    hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
    return not hidden and path.name.lower() not in _SYSTEM_FILES and not path.is_dir()


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


def _run(todo: list[tuple[Path, Path, Options, str]], jobs: int, progress: bool, task: str) -> list[Any]:
    """Convert the files, in a pool of ``jobs`` processes when that pays; results in ``todo`` order."""
    results: list[Any] = [None] * len(todo)
    jobs = min(jobs, len(todo))
    try:
        with tqdm(total=len(todo), disable=not progress, unit="img", desc=task, leave=False) as bar:
            if jobs <= 1:
                for index, item in enumerate(todo):
                    results[index] = _convert_file(item)
                    bar.update()
                return results
            # A worker killed while reading a file (the kernel's out-of-memory killer, a crash in a decoder)
            # breaks the pool: the files it was given are tried again one at a time, which names the file
            # that kills its process, and the others go on in a new pool.
            while pending := [index for index, result in enumerate(results) if result is None]:
                suspects = _pool_round(todo, pending, jobs, results, bar)
                if not suspects and all(results[index] is None for index in pending):
                    # No worker could start at all (no process left to fork, say): in this process, then.
                    for index in pending:
                        results[index] = _convert_file(todo[index])
                        bar.update()
                    break
                _remove_temporaries(todo)  # of the workers stopped when one died
                for index in suspects:
                    if _pool_round(todo, [index], 1, results, bar):
                        results[index] = (KILLED, [])
                        bar.update()
        return results
    except BaseException:  # e.g. Ctrl-C: the pool's workers were stopped, remove their temporary files
        _remove_temporaries(todo)
        raise


def _remove_temporaries(todo: list[tuple[Path, Path, Options, str]]) -> None:
    """Remove the temporary files that stopped workers left in the output folders."""
    for folder in {target.parent for _, target, _, _ in todo}:
        for leftover in folder.glob(f"{_TMP_PREFIX}*.tmp"):
            leftover.unlink(missing_ok=True)


def _pool_round(
    todo: list[tuple[Path, Path, Options, str]], indices: list[int], jobs: int, results: list[Any], bar: tqdm
) -> list[int]:
    """Convert ``todo[indices]`` in a new pool into ``results``; if a worker dies, return the files given out.

    At most two files per worker are given out at a time, so that a death suspects few files; the files
    never given out keep ``None`` in ``results``.
    """
    # fork (Linux) starts workers in milliseconds; they only run Pillow and NumPy code, so threads the
    # caller may run (TensorFlow in a notebook) do not matter. Elsewhere: the platform's default.
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    waiting = iter(indices)
    given: dict[Future, int] = {}
    suspects: list[int] = []
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_ignore_interrupt) as pool:

        def give(index: int) -> None:
            with contextlib.suppress(BrokenProcessPool):  # broken already: the file waits for the next pool
                given[pool.submit(_convert_file, todo[index])] = index

        for index in itertools.islice(waiting, 2 * jobs):
            give(index)
        while given:
            done, _ = wait(given, return_when=ALL_COMPLETED if suspects else FIRST_COMPLETED)
            for future in done:
                index = given.pop(future)
                if isinstance(future.exception(), BrokenProcessPool):  # so will every file given out
                    suspects.append(index)
                    continue
                results[index] = future.result()
                bar.update()
                if not suspects and (later := next(waiting, None)) is not None:
                    give(later)
    return sorted(suspects)


def _ignore_interrupt() -> None:
    """In a worker: Ctrl-C is the parent's to handle (it stops giving out files; workers finish theirs)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _convert_file(item: tuple[Path, Path, Options, str]) -> tuple[str | None, list[str]]:
    """Convert one file (runs in a worker); return (the reason it failed or None, notes). Never raises."""
    source, target, opts, image_format = item
    try:
        check_file(source)
        image, notes = prepare_with_notes(source, opts)
    except Exception as exc:  # a bad file must never stop the run
        return problem_reason(source, exc), []
    try:
        _save_atomic(image, target, image_format)
    except Exception as exc:
        return f"cannot write {target.name}: {exc}", notes
    return None, notes


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
