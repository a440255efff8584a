"""Figures the notebooks share, one module per part of the course; import them all from here.

- :mod:`~dvdl_helpers.plots.basics`  MNIST and training (00, 01, 03): digit grids, label counts,
  predictions, confusion matrices, weight images, training curves, histograms;
- :mod:`~dvdl_helpers.plots.images`  image preparation (02): pictures of any mode and size, before/after;
- :mod:`~dvdl_helpers.plots.inside`  looking inside a network (04, 05): filters, feature maps, saliency,
  Grad-CAM, chart grids, top-activating images, embedding maps;
- :mod:`~dvdl_helpers.plots.latent`  autoencoders of charts (06): reconstructions, latent maps, probes.

Every function draws with pyplot and returns the :class:`~matplotlib.figure.Figure`, titled and with
labelled axes. In a notebook, assign the result (``fig = plots.digit_grid(...)``) so it shows once.
"""

from dvdl_helpers.plots.basics import (
    confusion_counts,
    confusion_matrix,
    digit_grid,
    digit_mosaic,
    histogram,
    label_counts,
    probabilities,
    reliability_diagram,
    smoothed,
    training_curves,
    weight_images,
)
from dvdl_helpers.plots.images import (
    image_comparison,
)
from dvdl_helpers.plots.inside import (
    chart_grid,
    class_image_rows,
    embedding_maps,
    explanation_grid,
    feature_map_grid,
    filter_grid,
    padding_comparison,
    top_activation_grid,
)
from dvdl_helpers.plots.latent import (
    latent_paths,
    latent_size_sweep,
    probe_curves,
    reconstruction_rows,
    thumbnail_map,
)

__all__ = [
    "chart_grid",
    "class_image_rows",
    "confusion_counts",
    "confusion_matrix",
    "digit_grid",
    "digit_mosaic",
    "embedding_maps",
    "explanation_grid",
    "feature_map_grid",
    "filter_grid",
    "histogram",
    "image_comparison",
    "label_counts",
    "latent_paths",
    "latent_size_sweep",
    "padding_comparison",
    "probabilities",
    "probe_curves",
    "reconstruction_rows",
    "reliability_diagram",
    "smoothed",
    "thumbnail_map",
    "top_activation_grid",
    "training_curves",
    "weight_images",
]
