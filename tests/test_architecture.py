"""docs/architecture.md stays true: its tree names every module, benchmark and tool; its import rules hold.

The tree is the page's code block. An entry is a line that starts before the description column
(:data:`DESCRIPTION_COLUMN`): one or more names (``a.py, b.py``), then two spaces and its role; a name that
ends with ``/`` is a folder whose entries are indented two more spaces below it. A package's own line names
its ``__init__.py``. Lines that start at the description column or further continue a description.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dvdl_helpers import paths

ROOT = paths.REPO_ROOT
PAGE = ROOT / "docs" / "architecture.md"
PACKAGE = ROOT / "dvdl_helpers"
DESCRIPTION_COLUMN = 28
#: Where every file must be named on the page: the package's modules, the benchmarks, the tools.
NAMED_FILES = {
    "dvdl_helpers": "**/*.py",
    "benchmarks": "*.py",
    "tools": "*",
}


def page_tree(text: str) -> list[str]:
    """The paths (relative to the repository root) that the page's tree names, in order."""
    block = re.search(r"^```\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    assert block, "docs/architecture.md has no code block with the tree"
    named: list[str] = []
    folders: list[tuple[int, str]] = []  # (indentation, folder path) of the open folders
    for line in block.group(1).splitlines():
        indent = len(line) - len(line.lstrip(" "))
        if not line.strip() or indent >= DESCRIPTION_COLUMN:
            continue  # a blank line or the continuation of a description
        while folders and folders[-1][0] >= indent:
            folders.pop()
        parent = folders[-1][1] if folders else ""
        for name in re.split(r"\s{2,}", line.strip())[0].split(", "):
            path = parent + name
            named.append(path)
            if name.endswith("/"):
                folders.append((indent, path))
                if (ROOT / path / "__init__.py").exists():
                    named.append(path + "__init__.py")  # a package's line is its face
    return named


def files_to_name() -> set[str]:
    """The module, benchmark and tool files that the tree must name (caches and data left out)."""
    found = set()
    for folder, pattern in NAMED_FILES.items():
        for path in (ROOT / folder).glob(pattern):
            if path.is_file() and "__pycache__" not in path.parts:
                found.add(path.relative_to(ROOT).as_posix())
    return found


@pytest.fixture(scope="module")
def text() -> str:
    return PAGE.read_text()


def test_the_tree_names_every_module_benchmark_and_tool(text):
    missing = sorted(files_to_name() - set(page_tree(text)))
    assert not missing, f"docs/architecture.md does not name {missing}: add a line with its role to the tree"


def test_every_path_the_page_names_exists(text):
    named = page_tree(text)
    assert len(named) == len(set(named)), f"named twice: {sorted({p for p in named if named.count(p) > 1})}"
    # Paths in the prose too: `charts/clean.py` (in the package), `benchmarks/bench_charts.py`, globs.
    prose = re.findall(r"`([\w./*-]+/[\w.*-]+\.(?:py|sh|json|md))`", text)
    gone = [path for path in named + prose if not _exists(path)]
    assert not gone, f"docs/architecture.md names files that do not exist: {gone}"


def _exists(path: str) -> bool:
    """Whether ``path`` (from the repository root or the package; ``NN`` a notebook's number) exists."""
    pattern = path.replace("NN", "[0-9][0-9]")
    roots = (ROOT, PACKAGE)
    return any(any(root.glob(pattern)) if "*" in pattern else (root / path).exists() for root in roots)


def _import_rule_modules(text: str) -> list[str]:
    """The modules that the page says import neither TensorFlow nor Keras at import time."""
    rule = re.search(r"At import time these import neither TensorFlow nor Keras[^:]*:(.*?)\.\s", text, re.S)
    assert rule, "the page's import rule about TensorFlow is gone"
    return re.findall(r"`([\w.]+)`", rule.group(1))


def test_the_modules_the_page_names_import_no_tensorflow_at_import_time(text):
    modules = _import_rule_modules(text)
    assert {"env", "paths", "data", "tboard.processes"} <= set(modules)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module('dvdl_helpers.' + name)\n"
        "    heavy = {'tensorflow', 'keras'} & set(sys.modules)\n"
        "    assert not heavy, f'dvdl_helpers.{name} imports {sorted(heavy)} at import time'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]


def _imported_modules(path: Path) -> set[str]:
    """Every module that ``path`` imports, anywhere in the file (absolute names; relative ones resolved)."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]  # a module's package; __init__'s own
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(part for part in (base, node.module) if part)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_only_cli_and_the_main_files_import_cli():
    cli = "dvdl_helpers.cli"
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.parent.name != "cli" and path.name != "__main__.py"
        if any(name == cli or name.startswith(cli + ".") for name in _imported_modules(path))
    ]
    assert not offenders, f"these import dvdl_helpers.cli (only cli/ and __main__.py files may): {offenders}"
