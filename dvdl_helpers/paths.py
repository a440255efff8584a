"""Where the course writes what it generates: one git-ignored folder, ``artifacts/``.

Layout::

    artifacts/
        data/                 caches (the bundled MNIST as .npz, generated charts, ...)
        logs/<notebook>/<run> TensorBoard logs, one folder per notebook
        models/               trained models that later notebooks reuse

``DVDL_ARTIFACTS`` moves the whole folder (e.g. to a scratch disk in a classroom).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

#: The repository root: the folder that holds ``dvdl_helpers/``.
REPO_ROOT = Path(__file__).resolve().parent.parent


def course_notebooks() -> list[Path]:
    """Return the course's notebooks in order: ``notebooks/NN_*.ipynb`` under the repository root."""
    return sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def artifacts_dir() -> Path:
    """Return the artifacts folder (``$DVDL_ARTIFACTS`` or ``<repo>/artifacts``), creating it."""
    root = Path(os.environ.get("DVDL_ARTIFACTS") or REPO_ROOT / "artifacts").expanduser()
    root.mkdir(parents=True, exist_ok=True)
    return root


def data_dir() -> Path:
    """Return ``artifacts/data``, creating it."""
    path = artifacts_dir() / "data"
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    """Return ``artifacts/models``, creating it."""
    path = artifacts_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def logs_dir(notebook: str, run: str | None = None, *, clear: bool = False) -> Path:
    """Return ``artifacts/logs/<notebook>[/<run>]``, creating it.

    ``clear=True`` deletes the folder first, so that re-running a notebook starts from empty logs
    instead of appending a second copy of every curve to the same TensorBoard run.
    """
    path = artifacts_dir() / "logs" / notebook
    if run is not None:
        path = path / run
    if clear and path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def shown_name(path: Path | str) -> str:
    """A file name as text: bytes that are not UTF-8 as \\xNN, control characters (a newline) escaped.

    What the commands print for a file: one line per file, whatever the name, in any terminal's encoding.
    """
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def display_path(path: Path | str) -> str:
    """Return ``path`` relative to the repository root when it lies inside it (for printing).

    Printed outputs are stored in the notebooks: an absolute path would differ on every machine.
    """
    path = Path(path).resolve()
    for root in (REPO_ROOT, artifacts_dir().resolve().parent):
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.name
