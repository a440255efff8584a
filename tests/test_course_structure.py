"""Every notebook has the course's shape and is stored executed, top to bottom, without local paths."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from dvdl_helpers import paths

REPO_ROOT = paths.REPO_ROOT
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


# The third edition's rules for newcomers. The notebooks listed here follow them; add a notebook's file name
# once its header has been rewritten (one line of time, no history) or its sections have their questions.
HEADER_RULES = tuple(path.name for path in NOTEBOOKS)  # every notebook, since the third edition
CHECK_YOURSELF = HEADER_RULES
MAX_HEADER_CHARACTERS = 2600
README_MAX_WORDS = 1500
#: A run's date as the records write it (2026-11-28, 2026-11): history, kept by the records and git log.
RUN_DATE = re.compile(r"\b20\d\d-[01]\d(-[0-3]\d)?\b")
#: "Study: 75 min · Run All: about 30 s on a 2-core laptop; the long run (`FULL_RUN = True`) about 40 s".
TIME_LINE = re.compile(
    r"\*\*Estimated time\.\*\* Study: (\d+) min · Run All: (about [\d½]+ (?:s|min)) on a 2-core laptop"
)
SYLLABUS_ROW = re.compile(
    r"^\| \[\d\d [^]]+\]\((?:notebooks/)?(\d\d_[a-z_]+\.ipynb)\) \|.*\| (\d+) min · ([\d½]+ (?:s|min)) \|$",
    re.M,
)
NOT_A_MAIN_SECTION = ("## Set up", "## Summary", "## Exercises", "## Solutions", "## The syllabus")


def _listed(names: tuple[str, ...]) -> list[Path]:
    listed = [path for path in NOTEBOOKS if path.name in names]
    assert len(listed) == len(names), f"not a notebook: {set(names) - {path.name for path in listed}}"
    return listed


def _markdown(path: Path) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"]


@pytest.mark.parametrize("path", _listed(HEADER_RULES), ids=lambda path: path.stem)
def test_the_header_is_short_and_says_the_time_in_one_line(path):
    header = _markdown(path)[0]
    assert len(header) <= MAX_HEADER_CHARACTERS, (
        f"header of {len(header):,} characters: keep it for newcomers"
    )
    assert TIME_LINE.search(header), (
        "one line of time: '**Estimated time.** Study: N min · Run All: about ...'"
    )
    assert "(../docs/measurements.md)" in header, "the time line links to the measurements page"


@pytest.mark.parametrize("path", _listed(HEADER_RULES), ids=lambda path: path.stem)
def test_the_notebook_tells_no_history(path):
    for text in _markdown(path):
        assert not RUN_DATE.search(text), (
            f"a date in the prose: {RUN_DATE.search(text).group()!r} in {text[:120]!r}"
        )


@pytest.mark.parametrize(
    "name", ["README.md", "docs/teaching.md", "docs/authoring.md", "docs/troubleshooting.md"]
)
def test_the_readme_and_guides_tell_no_history(name):
    text = (REPO_ROOT / name).read_text()
    found = RUN_DATE.search(text)
    assert not found, (
        f"{name}: a date ({found and found.group()}): the measurements page and git log keep those"
    )


def test_the_readme_is_short():
    words = len((REPO_ROOT / "README.md").read_text().split())
    assert words <= README_MAX_WORDS, f"README.md has {words:,} words; at most {README_MAX_WORDS:,}"


@pytest.mark.parametrize("syllabus", ["README.md", "notebooks/00_setup.ipynb"])
def test_the_syllabus_gives_the_times_the_headers_give(syllabus):
    text = (REPO_ROOT / syllabus).read_text()
    if syllabus.endswith(".ipynb"):
        text = "\n".join(_markdown(REPO_ROOT / syllabus))
    rows = {name: (study, run_all) for name, study, run_all in SYLLABUS_ROW.findall(text)}
    assert len(rows) == len(NOTEBOOKS), f"{syllabus}: a syllabus row per notebook, found {sorted(rows)}"
    for path in _listed(HEADER_RULES):
        study, run_all = TIME_LINE.search(_markdown(path)[0]).groups()
        assert rows[path.name] == (study, run_all.removeprefix("about ")), (
            f"{syllabus} says {rows[path.name]} for {path.name}, its header {study} min and {run_all}"
        )


@pytest.mark.parametrize("path", _listed(CHECK_YOURSELF), ids=lambda path: path.stem)
def test_every_main_section_asks_a_check_yourself_question(path):
    sections: list[list[str]] = []
    for text in _markdown(path):
        for block in re.split(r"^(?=## )", text, flags=re.M):
            if block.startswith("## "):
                sections.append([block])
            elif sections:
                sections[-1].append(block)
    main = [cells for cells in sections if not cells[0].startswith(NOT_A_MAIN_SECTION)]
    assert main, "no main sections found"
    for cells in main:
        text = "\n".join(cells)
        assert re.search(r"<details>\s*<summary>\s*(<b>|\*\*)?Check yourself.+?</details>", text, re.S), (
            f"section {cells[0].splitlines()[0]!r}: one short question with a hidden answer "
            "(<details><summary><b>Check yourself:</b> ...</summary> ... </details>)"
        )
