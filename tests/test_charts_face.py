"""The face of dvdl_helpers.charts: ``charts.X`` reaches every public name one way, without TensorFlow."""

from __future__ import annotations

import collections
import json
import re
import subprocess
import sys
import types

from dvdl_helpers import charts, paths


def test_charts_reaches_every_public_name_of_its_modules_once():
    assert not [name for name, count in collections.Counter(charts.__all__).items() if count > 1]
    for module in charts.FLAT_MODULES:
        for name in module.__all__:
            assert getattr(charts, name) is getattr(module, name), f"charts.{name} is not {module.__name__}'s"
    for module in charts.TOPICAL_MODULES:
        short = module.__name__.rsplit(".", 1)[-1]
        assert getattr(charts, short) is module and short in charts.__all__
        assert not set(getattr(module, "__all__", ())) & set(charts.__all__), (
            f"{short}'s names are reached as charts.{short}.X"
        )


def test_each_module_lists_only_what_it_defines():
    for module in charts.FLAT_MODULES:
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type | types.FunctionType):
                assert value.__module__ == module.__name__, (
                    f"{module.__name__}.__all__ lists {name}, defined elsewhere"
                )


def test_importing_charts_imports_no_tensorflow():
    code = "import sys; from dvdl_helpers import charts; print({'tensorflow', 'keras'} & set(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=paths.REPO_ROOT
    )
    assert done.stdout.strip() == "set()", done.stderr


def test_the_chart_notebooks_and_tools_reach_charts_one_way():
    """Notebooks and tools write charts.X (or charts.<topical module>.X), never a module in between."""
    other_way = re.compile(
        r"charts\.(real|training|dataset|clean_look|chart_kinds|tool_looks|layout|drawing)\.|"
        r"from dvdl_helpers\.charts(\.\w+)? import"
    )
    sources = {path: path.read_text() for path in (paths.REPO_ROOT / "tools").glob("*.py")}
    for path in paths.REPO_ROOT.glob("notebooks/*.ipynb"):
        cells = json.loads(path.read_text())["cells"]
        sources[path] = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    for path, text in sources.items():
        found = other_way.search(text)
        assert found is None, f"{path.name}: {found.group(0)!r}; write charts.X"
