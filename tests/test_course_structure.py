"""Every notebook has the course's shape and is stored executed, top to bottom, without local paths."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from dvdl_helpers import paths

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = paths.course_notebooks()
LOCAL_PATH = re.compile(r"(/root/|/home/[a-z]|/Users/|/tmp/[A-Za-z0-9_.-]+/|/work/|[A-Z]:\\)")


def test_the_notebooks_are_numbered_from_00_without_gaps_or_repeats():
    numbers = [int(path.name[:2]) for path in NOTEBOOKS]
    assert len(numbers) >= 7, f"expected the course's 7+ notebooks, found {len(numbers)}"
    assert numbers == list(range(len(numbers))), f"notebook numbers {numbers}: a gap or a repeat"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_shape(path):
    notebook = nbformat.read(path, as_version=4)
    markdown = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    text = "\n".join(markdown)
    assert "[Course index](../README.md)" in markdown[0], "navigation links at the top"
    assert "[Course index](../README.md)" in markdown[-1], "navigation links at the bottom"
    assert re.search(r"^# \d\d · ", text, re.M), "a title '# NN · ...'"
    for heading in (
        "**Objectives.**",
        "**Prerequisites.**",
        "**Estimated time.**",
        "## Summary",
        "## Exercises",
        "## Solutions",
    ):
        assert heading in text, f"missing {heading}"
    first_code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert "env.quiet_tensorflow()" in first_code.source, "the setup cell comes first"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_stored_executed_in_order_without_errors_or_local_paths(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]
    counts = [cell.execution_count for cell in code]
    assert counts == list(range(1, len(code) + 1)), "run `make outputs NB=...` (fresh kernel, in order)"
    for cell in code:
        for output in cell.outputs:
            assert output.output_type != "error", f"stored error: {output.get('ename')}"
            text = output.get("text", "") + output.get("data", {}).get("text/plain", "")
            assert not LOCAL_PATH.search(text), f"output shows a local path: {text[:200]!r}"
            assert not (output.output_type == "stream" and output.name == "stderr"), (
                f"stored stderr (log noise?): {output.text[:200]!r}"
            )
