"""Chart pictures drawn from data you control, and a classifier of real charts' types (notebooks 05, 06).

One face: ``charts.X`` reaches every public name of the modules below (each module's ``__all__``), except
those of seven topical modules, whose names read with their module's and are reached as
``charts.calibration.X``, ``charts.context.X``, ``charts.not_charts.X``, ``charts.panel.X``,
``charts.shipped.X``, ``charts.sources.X`` and ``charts.trials.X``.

- the clean look (:mod:`.clean_look`, styles ``"train"`` and ``"heldout"``): notebook 06's charts and
  probes;
- the varied looks (styles ``"varied"`` and ``"varied_heldout"``): each type's variants
  (:mod:`.chart_kinds`, the bar kinds in :mod:`.bar_kinds`) in the looks of common tools
  (:mod:`.tool_looks`), laid out by :mod:`.layout`, seen in a context (:mod:`.context`); both looks draw
  with the helpers of :mod:`.drawing` (text: :mod:`.labels`);
- :mod:`.dataset`: either look written to a folder per type with ``charts.csv``, and read back;
- :mod:`.real`: any picture prepared for the classifier, the shipped real charts, classifying files (a
  dark chart on a light page first cropped to its panel, :mod:`.panel`);
- :mod:`.training`: the recipe, training, scoring and saving (``charts train``);
- :mod:`.sources`: the real charts by source, each split into a choose and a confirm half (and
  placed in a context, for measuring);
  :mod:`.calibration`: temperature and "unsure"; :mod:`.not_charts`: pictures of none of the types, to
  train "unsure"; :mod:`.shipped`: the classifier that ships, and its card; :mod:`.trials`: the records of
  recipes and trials, read as tables.

Command line: ``python -m dvdl_helpers.charts {generate,classify,train} ...`` (see :mod:`..cli.charts`).
"""

# Star imports on purpose: each module's __all__ is the list of names it offers, and the face is their union.
from . import (
    calibration,
    chart_kinds,
    clean_look,
    context,
    dataset,
    drawing,
    layout,
    not_charts,
    panel,
    real,
    shipped,
    sources,
    tool_looks,
    training,
    trials,
)
from .chart_kinds import *  # noqa: F403
from .clean_look import *  # noqa: F403
from .dataset import *  # noqa: F403
from .drawing import *  # noqa: F403
from .layout import *  # noqa: F403
from .real import *  # noqa: F403
from .tool_looks import *  # noqa: F403
from .training import *  # noqa: F403

#: The modules whose every public name ``charts.X`` reaches.
FLAT_MODULES = (chart_kinds, clean_look, dataset, drawing, layout, real, tool_looks, training)
#: The modules reached by their name, ``charts.<module>.X``.
TOPICAL_MODULES = (calibration, context, not_charts, panel, shipped, sources, trials)

__all__ = [
    *(module.__name__.rsplit(".", 1)[-1] for module in TOPICAL_MODULES),
    *(name for module in FLAT_MODULES for name in module.__all__),
]
