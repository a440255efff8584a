"""`make student`: the copies are valid, hold no solution code, and run up to the first exercise."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from helpers import TOOLS, load_script

from dvdl_helpers import env, paths

make_student = load_script(TOOLS / "make_student.py")

NOTEBOOKS = paths.course_notebooks()


def first_exercise_index(notebook: nbformat.NotebookNode) -> int:
    """Index of the markdown cell that opens the exercises."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown" and "## Exercises" in cell.source:
            return index
    raise AssertionError("no '## Exercises' heading")


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("student")
    assert make_student.main([str(target)]) == 0
    return target


@pytest.mark.parametrize("original", NOTEBOOKS, ids=lambda path: path.stem)
def test_student_copy_is_valid_and_holds_no_solution(copies, original):
    teacher = nbformat.read(original, as_version=4)
    student = nbformat.read(copies / original.name, as_version=4)
    nbformat.validate(student)
    solutions = [cell for cell in teacher.cells if make_student.is_solution(cell)]
    assert solutions, f"{original.name} has no cell tagged 'solution'"
    student_text = "\n".join(cell.source for cell in student.cells)
    for cell in solutions:
        assert cell.source.strip() not in student_text, f"solution left in: {cell.source[:80]!r}"
    emptied = [cell for cell in student.cells if make_student.is_solution(cell)]
    assert len(emptied) == len(solutions)
    assert all(cell.source in (make_student.CODE_PROMPT, make_student.MARKDOWN_PROMPT) for cell in emptied)
    assert all(not cell.get("outputs") for cell in student.cells if cell.cell_type == "code")


@pytest.mark.parametrize("original", NOTEBOOKS, ids=lambda path: path.stem)
def test_student_copy_keeps_everything_before_the_exercises(copies, original):
    """The cells before the exercises are the teacher's, which the nbval tests run top to bottom."""
    teacher = nbformat.read(original, as_version=4)
    student = nbformat.read(copies / original.name, as_version=4)
    start = first_exercise_index(teacher)
    assert first_exercise_index(student) == start
    assert not any(make_student.is_solution(cell) for cell in teacher.cells[:start])
    assert [cell.source for cell in student.cells[:start]] == [cell.source for cell in teacher.cells[:start]]


@pytest.mark.slow
def test_student_copy_runs_up_to_the_first_exercise(copies, monkeypatch):
    """Execute notebook 00's student copy, for real, up to its exercises."""
    from nbclient import NotebookClient

    for name, value in env.TEST_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    student = nbformat.read(copies / "00_setup.ipynb", as_version=4)
    student.cells = [
        cell
        for cell in student.cells[: first_exercise_index(student)]
        # no TensorBoard process needed to prove the point (the magic's line, not a comment naming it)
        if not any(line.startswith("%tensorboard") for line in cell.source.splitlines())
    ]
    client = NotebookClient(
        student,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(paths.REPO_ROOT / "notebooks")}},
    )
    client.execute()
    errors = [out for cell in student.cells for out in cell.get("outputs", []) if out.output_type == "error"]
    assert not errors


def test_student_copy_keeps_the_drawing_canvas(copies):
    """Notebook 02's live drawing cell is for the learner: the student copy keeps it (not a solution)."""
    teacher = nbformat.read(NOTEBOOKS[2], as_version=4)
    student = nbformat.read(copies / NOTEBOOKS[2].name, as_version=4)
    widget_cells = [cell.source for cell in teacher.cells if "draw.LiveDrawing(read_drawing" in cell.source]
    assert widget_cells and not any(
        make_student.is_solution(cell) for cell in teacher.cells if cell.source in widget_cells
    )
    assert all(any(cell.source == source for cell in student.cells) for source in widget_cells)
    assert "widgets" not in student.metadata, "the teacher's stored widget state goes with the outputs"
