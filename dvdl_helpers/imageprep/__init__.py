"""Make pictures of any size and colour usable as network input (the seed's ``imagePrep``, rebuilt).

One image:

- :func:`prepare_image` a path or PIL image → upright, ``L`` (gray) or ``RGB``, optionally resized with a
  ``fit``: ``stretch`` (exactly W×H), ``contain`` (keep the aspect ratio, pad with ``background``) or
  ``cover`` (keep the aspect ratio, centre-crop).
- :func:`mnist_preset` a photo of a handwritten digit → a 28×28 MNIST-style image.

A folder (the seed's three operations, same parameter order; ``ext`` is the output format):

- :func:`convert2gray`, :func:`resize`, :func:`resize2gray`, :func:`convert2mnist`, all built on
  :func:`process_dir`; each returns a :class:`Report` (converted, skipped, failed with reasons, outputs).

Command line: ``imageprep {gray,resize,resize2gray,mnist} INPUT_DIR OUTPUT_DIR ...`` or
``python -m dvdl_helpers.imageprep ...`` (see :mod:`dvdl_helpers.cli.imageprep`).

Every reader of pictures in the package (also ``charts``, ``data``): :func:`read_each` prepares files one by
one, a file that cannot be read becoming a :class:`PictureError` with its reason; :mod:`.problems` decides
once what "cannot read this picture" means (any exception, Pillow's pixel limit, truncated files).

Modules: :mod:`.image` (one picture), :mod:`.folder` (a folder, in a pool of processes), :mod:`.problems`;
``imageprep.name`` reaches every name in their ``__all__`` (imported here, eagerly), and nothing of
:mod:`.arrays`, the NumPy part, imported only when a picture needs it.

Promises: inputs are only read; a bad file (not an image, empty, truncated, too large, unreadable) is named
in the report with its reason and the rest are still processed; each output is written to a temporary file
and then renamed, so an interrupted run leaves no partial file. Hidden files (``.name``) are ignored.
Speed: a process pool over files, each file decoded once, JPEGs shrunk while decoding (``draft``) and large
images shrunk by ``reduce`` before the final LANCZOS resampling. This module never imports TensorFlow.
"""

from dvdl_helpers.imageprep import folder, image, problems
from dvdl_helpers.imageprep.folder import *  # noqa: F403 (the face: each module's __all__)
from dvdl_helpers.imageprep.image import *  # noqa: F403
from dvdl_helpers.imageprep.problems import *  # noqa: F403

__all__ = [*folder.__all__, *image.__all__, *problems.__all__]
