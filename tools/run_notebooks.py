"""Execute notebooks in place, each in a fresh kernel, in the same mode as the tests (``make outputs``).

Usage: ``python tools/run_notebooks.py [NOTEBOOK ...]`` (default: every ``notebooks/*.ipynb``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from dvdl_helpers import env, paths, tboard


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
    env.use_test_environment()
    notebooks = [Path(arg) for arg in argv] or paths.course_notebooks()
    before = set(tboard.running_tensorboards(course_only=True))
    try:
        for path in notebooks:
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
