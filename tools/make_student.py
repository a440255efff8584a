"""Write student copies of the notebooks (``make student``): solutions emptied, outputs cleared.

A solution is any cell tagged ``solution``. Its code is replaced by a one-line prompt (markdown
solutions by a short note), so the exercises stay and the answers go. Usage:
``python tools/make_student.py [OUTPUT_DIR]`` (default ``student/``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from dvdl_helpers import paths

SOLUTION_TAG = "solution"
CODE_PROMPT = "# Your solution here (the teacher's copy has one)."
MARKDOWN_PROMPT = "*Your answer here.*"


def is_solution(cell: nbformat.NotebookNode) -> bool:
    """Return True when the cell carries the ``solution`` tag."""
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def student_copy(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of ``notebook`` with solution cells emptied, every output and widget state cleared."""
    copy = nbformat.from_dict(notebook)
    copy.metadata.pop("widgets", None)  # stored widget state (notebook 02's canvas) belongs to the outputs
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if is_solution(cell):
            cell.source = CODE_PROMPT if cell.cell_type == "code" else MARKDOWN_PROMPT
    return copy


def main(argv: list[str]) -> int:
    """Write a student copy of every course notebook into the output folder."""
    target = Path(argv[0]) if argv else paths.REPO_ROOT / "student"
    target.mkdir(parents=True, exist_ok=True)
    for path in paths.course_notebooks():
        notebook = nbformat.read(path, as_version=4)
        copy = student_copy(notebook)
        nbformat.validate(copy)
        nbformat.write(copy, target / path.name)
        removed = sum(is_solution(cell) for cell in notebook.cells)
        print(f"{path.name}: {removed} solution cell(s) emptied")
    shown = target.relative_to(paths.REPO_ROOT) if target.is_relative_to(paths.REPO_ROOT) else target
    print(f"Student copies written to {shown}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
