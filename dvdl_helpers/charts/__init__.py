"""Chart images drawn with matplotlib from data you control, and a classifier of real charts' types.

Generator v1 (:mod:`.clean`, styles ``"train"`` and ``"heldout"``): the clean look of notebooks 05
(first edition) and 06. Generator v2 (:mod:`.varied`, :mod:`.looks`, :mod:`.layout`; styles
``"varied"`` and ``"varied_heldout"``): the looks of common tools and each type's variants, for charts
that transfer to real ones; both draw with the helpers of :mod:`.drawing`. :mod:`.dataset` writes
either to a folder per type with ``charts.csv``; :mod:`.real` prepares any picture for the classifier,
loads the shipped real charts and classifies files; :mod:`.sources` holds the real charts by source
with their choose and confirm halves, :mod:`.calibration` the temperature and the "unsure" threshold,
:mod:`.shipped` the classifier that ships with the course and its card.
Command line: ``python -m dvdl_helpers.charts {generate,classify,train} ...`` (see :mod:`..cli.charts`).
"""

from . import calibration, context, shipped, sources
from .chart_kinds import KINDS, ChartKind, varied_spec
from .clean_look import (
    CHART_TYPES,
    GENERATOR_VERSION,
    Style,
    bar_series_count,
    bar_series_height,
    chart_spec,
    draw_chart,
    draw_figure,
    sample_data,
    sample_style,
)
from .dataset import (
    STYLES,
    DatasetSummary,
    default_jobs,
    generate_dataset,
    images_to_array,
    load_chart_images,
    read_csv,
)
from .drawing import render
from .layout import draw_varied, render_varied
from .real import (
    INPUT_SIZE,
    ChartAnswer,
    balanced_accuracy,
    classify,
    iter_classify,
    load_real_charts,
    prepare_chart,
    type_probabilities,
)
from .tool_looks import THEMES, Look, sample_look

__all__ = [
    "CHART_TYPES",
    "GENERATOR_VERSION",
    "INPUT_SIZE",
    "KINDS",
    "STYLES",
    "THEMES",
    "ChartAnswer",
    "ChartKind",
    "DatasetSummary",
    "Look",
    "Style",
    "balanced_accuracy",
    "bar_series_count",
    "bar_series_height",
    "calibration",
    "chart_spec",
    "classify",
    "context",
    "default_jobs",
    "draw_chart",
    "draw_figure",
    "draw_varied",
    "generate_dataset",
    "images_to_array",
    "iter_classify",
    "load_chart_images",
    "load_real_charts",
    "prepare_chart",
    "read_csv",
    "render",
    "render_varied",
    "sample_data",
    "sample_look",
    "sample_style",
    "shipped",
    "sources",
    "type_probabilities",
    "varied_spec",
]
