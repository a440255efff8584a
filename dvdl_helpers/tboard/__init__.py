"""TensorBoard plumbing, one module per job; ``tboard.name`` reaches every name in their ``__all__``.

- :mod:`~dvdl_helpers.tboard.processes`  log folders, the command to open them, TensorBoard instances
  (stale ones, stopping those a run started), the TensorFlow-free server, jupyter-server-proxy; imports no
  TensorFlow;
- :mod:`~dvdl_helpers.tboard.pictures`  figures and weights as images, the per-epoch image logger;
- :mod:`~dvdl_helpers.tboard.events`  reading event files back (scalars, tags, dashboards, graphs, images).

The face is lazy, and derived: this file reads each module's ``__all__`` from its source, without importing
it, and imports a module the first time one of its names is used. So ``from dvdl_helpers import tboard``
stays cheap (``tools/run_notebooks.py`` tidies TensorBoards with it), and TensorFlow is imported only when
a reader or a picture is asked for. A new public name goes into its module's ``__all__``, nowhere else.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any


def _names_in_all(module_file: Path) -> list[str]:
    """The names listed in ``__all__`` of a module's source, read without importing the module."""
    for statement in ast.parse(module_file.read_text(encoding="utf-8")).body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in statement.targets
        ):
            return list(ast.literal_eval(statement.value))
    raise ImportError(f"{module_file} has no __all__: list its public names there")


_HOME = {
    name: module_file.stem
    for module_file in sorted(Path(__file__).parent.glob("[!_]*.py"))
    for name in _names_in_all(module_file)
}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    """Import the module that holds ``name`` on first use (PEP 562)."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
