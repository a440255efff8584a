"""TensorBoard plumbing, one module per job; every name is also reachable as ``tboard.<name>``.

- :mod:`~dvdl_helpers.tboard.processes`  log folders, the command to open them, TensorBoard instances
  (stale ones, stopping those a run started), the TensorFlow-free server, jupyter-server-proxy; imports no
  TensorFlow;
- :mod:`~dvdl_helpers.tboard.pictures`  figures and weights as images, the per-epoch image logger;
- :mod:`~dvdl_helpers.tboard.events`  reading event files back (scalars, tags, dashboards, graphs, images).

The modules are imported on first use of one of their names, so ``from dvdl_helpers import tboard``
stays cheap and imports TensorFlow only when a reader or a picture is asked for.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "processes": (
        "clean_stale_tensorboard_info",
        "find_program",
        "notebook_logdir",
        "proxy_url_template",
        "running_tensorboards",
        "stop_tensorboards",
        "tensorboard_command",
        "use_light_tensorboard",
        "use_proxy",
    ),
    "pictures": ("figure_to_image", "image_logging_callback", "weights_to_image"),
    "events": ("list_summaries", "list_tags", "read_images", "read_scalars", "traced_graph_ops"),
}
_WHERE = {name: module for module, names in _HOMES.items() for name in names}
_MOVED = {"confusion_counts": "dvdl_helpers.plots"}  # kept here so notebooks that use tboard.X still run

__all__ = sorted([*_WHERE, *_MOVED])


def __getattr__(name: str) -> Any:
    """Import the submodule that holds ``name`` on first use (PEP 562)."""
    if name in _WHERE:
        module = importlib.import_module(f"{__name__}.{_WHERE[name]}")
    elif name in _MOVED:
        module = importlib.import_module(_MOVED[name])
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
