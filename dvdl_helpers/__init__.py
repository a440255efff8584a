"""Helper package of the course *Data Visualization with Deep Learning*.

One module per concern, each small enough to read in one sitting:

- :mod:`dvdl_helpers.paths`       where generated files go (``artifacts/``)
- :mod:`dvdl_helpers.env`         quiet TensorFlow, seeds, the quick/long switch (imports none of the others)
- :mod:`dvdl_helpers.checkup`     the environment report of notebook 00
- :mod:`dvdl_helpers.data`        MNIST, offline first
- :mod:`dvdl_helpers.device`      which device trains, memory growth, mixed precision (notebook 03)
- :mod:`dvdl_helpers.imageprep`   make any picture usable as network input (no TensorFlow import)
- :mod:`dvdl_helpers.handwriting` synthetic phone photos of handwritten digits (notebook 02)
- :mod:`dvdl_helpers.draw`        a drawing canvas and a panel of live readings (notebook 02)
- :mod:`dvdl_helpers.stats`       95 % intervals of scores measured on small sets
- :mod:`dvdl_helpers.models`      the course's Keras models
- :mod:`dvdl_helpers.plots`       figures, one module per part of the course (basics, images, inside, latent)
- :mod:`dvdl_helpers.tboard`      TensorBoard log folders, image logging, reading event files
- :mod:`dvdl_helpers.explain`     saliency, Grad-CAM, feature maps, ideal inputs (notebook 04)
- :mod:`dvdl_helpers.projector`   sprites and the TensorBoard Embedding Projector (notebook 04)
- :mod:`dvdl_helpers.charts`      generated chart images from data you control (notebooks 05–06)
- :mod:`dvdl_helpers.hparams`     hyperparameter sweeps for the HParams dashboard (notebook 07)
- :mod:`dvdl_helpers.profiling`   a few profiled training steps for the Profile dashboard (notebook 07)
- :mod:`dvdl_helpers.workers`     a function on several worker processes, for ``tf.distribute`` (notebook 07)

Importing the package imports none of them, so ``import dvdl_helpers`` is instant.
"""

__version__ = "0.1.0"
