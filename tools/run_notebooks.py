"""Execute notebooks in place, each in a fresh kernel, in the same mode as the tests (``make outputs``).

Usage: ``python tools/run_notebooks.py [NOTEBOOK ...]`` (default: every ``notebooks/*.ipynb``).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from dvdl_helpers import tboard  # noqa: E402
from dvdl_helpers.env import TEST_ENVIRONMENT  # noqa: E402


def run_notebook(path: Path, *, write: bool = True) -> float:
    """Execute ``path`` top to bottom in a fresh kernel, store the outputs (``write``), return the seconds."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    if write:
        nbformat.write(notebook, path)
    return elapsed


def main(argv: list[str]) -> int:
    """Execute the notebooks named in ``argv`` (or all of them) and print how long each took."""
    os.environ.update(TEST_ENVIRONMENT)
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    paths = [Path(arg) for arg in argv] or sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    before = set(tboard.running_tensorboards(course_only=True))
    try:
        for path in paths:
            print(f"{path.name}: running ...", flush=True)
            print(f"{path.name}: {run_notebook(path):.1f} s", flush=True)
    finally:
        tboard.stop_tensorboards(
            [pid for pid in tboard.running_tensorboards(course_only=True) if pid not in before]
        )
        tboard.clean_stale_tensorboard_info()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
