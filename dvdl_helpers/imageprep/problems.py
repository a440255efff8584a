"""What "cannot read this picture" means, decided once for every reader of pictures in the package.

A file is a problem when it is not a regular, non-empty, readable file, or when *anything* goes wrong while
it is opened, decoded or prepared. Pillow's decoders raise far more than ``OSError`` on hostile files:
``SyntaxError`` ("APNG contains frame sequence errors"), ``EOFError``, ``struct.error``, ``TypeError``,
``IndexError``, ``ValueError``, ``MemoryError``, ``Image.DecompressionBombError`` ... and a new release may
raise something else, so every ``Exception`` counts; ``KeyboardInterrupt`` (not an ``Exception``) still
stops a run at once. Limits: Pillow's decompression-bomb limit, with its warning band (1× to 2× the limit)
made an error except for JPEG files; truncated files are problems (``ImageFile.LOAD_TRUNCATED_IMAGES`` is
never switched on); formats that Pillow reads by running another program on the file (EPS: Ghostscript)
are not read, since such a file is a program that may never end (see :data:`PROGRAM_FORMATS`).

- :func:`open_picture`: open one file under these rules (what :func:`~.image.prepare_image` uses);
- :func:`read_each`: prepare files one by one, each failure a :class:`PictureError` and the run going on;
- :func:`problem_reason`: the sentence a learner reads for a failure; :class:`PictureError` carries it.
"""

from __future__ import annotations

import errno
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from PIL import Image

__all__ = [
    "PROGRAM_FORMATS",
    "UNREADABLE_PICTURE_SUFFIXES",
    "PictureError",
    "check_file",
    "open_picture",
    "problem_reason",
    "read_each",
]

T = TypeVar("T")
_MAX_DETAIL = 200  # characters of an exception's message kept in a reason (hostile files make long ones)
#: Picture formats that Pillow does not register at all (HEIC from phones, SVG and JPEG XL): a file so named
#: that Pillow cannot identify is a picture in a format it cannot read, not "not an image".
UNREADABLE_PICTURE_SUFFIXES = frozenset({".heic", ".heif", ".hif", ".svg", ".svgz", ".jxl"})
#: Formats that Pillow reads by running another program on the file: an EPS file is PostScript, a program
#: that Ghostscript runs, and one that loops forever would stop a whole folder's run at that file. They are
#: never opened; the reason says how to convert one.
PROGRAM_FORMATS = frozenset({"EPS"})


class PictureError(OSError):
    """A file that cannot be read as a picture: ``path`` and ``reason`` (a sentence) say which and why."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = Path(path), reason


def check_file(path: Path | str) -> None:
    """Raise :class:`PictureError` unless ``path`` is a regular, non-empty file (links followed)."""
    path = Path(path)
    try:
        status = path.stat()
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise PictureError(path, "unreadable: symbolic link loop") from None
        if error.errno == errno.ENOENT:
            reason = "unreadable: broken link" if path.is_symlink() else "not found"
            raise PictureError(path, reason) from None
        raise PictureError(path, problem_reason(path, error)) from error
    if path.is_dir():
        raise PictureError(path, "a folder, not a file")
    if not path.is_file():
        raise PictureError(path, "not a regular file")
    if status.st_size == 0:
        raise PictureError(path, "empty file")


@contextmanager
def open_picture(path: Path | str | os.PathLike[str]) -> Iterator[Image.Image]:
    """Open one picture file under the package's rules; Pillow's own errors pass through unchanged.

    Pillow only *warns* between 1× and 2× its pixel limit (``Image.MAX_IMAGE_PIXELS``, about 89 million):
    here that is an error too, so a file declaring a huge size is refused before its pixels are allocated,
    except a JPEG, as a phone's 108-megapixel photo is: it decodes shrunk where a size is asked (see
    ``image._decode``), and at most 3 bytes a pixel otherwise. Over 2× Pillow refuses every file. Pillow's
    other warnings while the file is read (a damaged but readable TIFF tag, ...) are not shown: the picture
    is read, or it is a problem with its reason.
    """
    formats = _formats_read()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="PIL")
        warnings.simplefilter("error", Image.DecompressionBombWarning)  # in front of the line above
        try:
            image = Image.open(path, formats=formats)
        except Image.DecompressionBombWarning:
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path, formats=formats)
            if image.format != "JPEG":
                image.close()
                raise
        with image:
            yield image


def _formats_read() -> list[str]:
    """Every format Pillow can open except :data:`PROGRAM_FORMATS` (all its plugins loaded first)."""
    Image.init()
    return [name for name in Image.OPEN if name not in PROGRAM_FORMATS]


def problem_reason(path: Path | str, error: BaseException) -> str:
    """A reason a learner understands for a file that could not be read as a picture (one line)."""
    detail = " ".join(f"{type(error).__name__}: {error}".split())[:_MAX_DETAIL]
    if isinstance(error, PictureError):
        return error.reason
    if isinstance(error, Image.DecompressionBombError | Image.DecompressionBombWarning):
        return (
            f"too large: over Pillow's decompression-bomb limit ({error}); "
            "if it is a real picture, save a smaller copy (or a JPEG of it) and use that"
        )
    if isinstance(error, MemoryError):
        return "too large: not enough memory to decode it"
    if isinstance(error, PermissionError):
        return "unreadable: permission denied"
    if isinstance(error, Image.UnidentifiedImageError):
        suffix = Path(path).suffix.lower()
        image_format = Image.registered_extensions().get(suffix)
        if image_format in PROGRAM_FORMATS:
            return (
                f"unsupported format: a {suffix} file is a PostScript program, which is not run here "
                "(it may never end); convert it to PNG first, "
                "e.g. gs -dSAFER -sDEVICE=png16m -r150 -o out.png in.eps"
            )
        if image_format in Image.OPEN:
            return f"corrupt image or not a {suffix} file (Pillow cannot identify it)"
        # Pillow only writes some formats it knows (.pdf); others it does not know at all (.heic, .svg)
        if image_format is not None or suffix in UNREADABLE_PICTURE_SUFFIXES:
            return f"unsupported format: Pillow cannot read {suffix} files (convert it to PNG or JPEG)"
        return "not an image (Pillow cannot identify its format)"
    if isinstance(error, OSError) and "cannot find loader" in str(error):  # a format Pillow only recognises
        suffix = Path(path).suffix.lower() or "such"  # (Office's EMF and WMF drawings, outside Windows)
        return f"unsupported format: Pillow cannot read {suffix} files here (convert it to PNG or JPEG)"
    if isinstance(error, OSError) and "truncated" in str(error).lower():  # also "Truncated File Read"
        return f"truncated image ({' '.join(str(error).split())[:_MAX_DETAIL]})"
    if isinstance(error, EOFError):
        return f"truncated image ({detail})"
    return f"corrupt or unsupported image ({detail})"


def read_each(
    files: Iterable[Path | str], prepare: Callable[[Path], T]
) -> Iterator[tuple[Path, T | PictureError]]:
    """``(file, prepare(file))`` for each file in order, or ``(file, PictureError)`` where it failed.

    The file is checked first (:func:`check_file`); any ``Exception`` raised by ``prepare`` makes that file
    a :class:`PictureError` with its reason, and the next file is read. Nothing is written anywhere.
    """
    for file in map(Path, files):
        try:
            check_file(file)
            result: T | PictureError = prepare(file)
        except Exception as error:  # one bad file must never cost the others
            result = PictureError(file, problem_reason(file, error))
            result.__cause__ = error
        yield file, result
