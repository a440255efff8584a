"""Figures the notebooks share, one module per part of the course; import them all from here.

- :mod:`~dvdl_helpers.plots.basics`  MNIST and training (00, 01, 03): digit grids, label counts,
  predictions, confusion matrices, weight images, training curves, histograms;
- :mod:`~dvdl_helpers.plots.images`  image preparation (02): pictures of any mode and size, before/after;
- :mod:`~dvdl_helpers.plots.inside`  looking inside a network (04, 05): filters, feature maps, saliency,
  Grad-CAM, chart grids, top-activating images, embedding maps;
- :mod:`~dvdl_helpers.plots.latent`  autoencoders of charts (06): reconstructions, latent maps, probes.

Every function draws with pyplot and returns the :class:`~matplotlib.figure.Figure`, titled and with
labelled axes. In a notebook, assign the result (``fig = plots.digit_grid(...)``) so it shows once.

``plots.name`` reaches every name in the modules' ``__all__`` (imported here, eagerly); a new public
figure goes into its module's ``__all__``, nowhere else.
"""

from dvdl_helpers.plots import basics, images, inside, latent
from dvdl_helpers.plots.basics import *  # noqa: F403 (the face: each module's __all__)
from dvdl_helpers.plots.images import *  # noqa: F403
from dvdl_helpers.plots.inside import *  # noqa: F403
from dvdl_helpers.plots.latent import *  # noqa: F403

__all__ = [*basics.__all__, *images.__all__, *inside.__all__, *latent.__all__]
