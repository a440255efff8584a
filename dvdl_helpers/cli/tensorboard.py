"""``dvdl-tensorboard``: TensorBoard reading its logs without importing TensorFlow, so it starts in seconds.

TensorBoard imports TensorFlow, when it can, only to read files, and has its own reader for the same
files. Importing TensorFlow takes five seconds or more on a small machine, on every start: the notebooks'
``%tensorboard`` cells waited mostly for that. This program is TensorBoard itself, told to use its own reader
(see :func:`dvdl_helpers.tboard.use_light_tensorboard`). Everything the course logs shows as usual
(scalars, images, histograms, graphs, hyperparameters, the profiles) except the Embedding Projector's
checkpoints and the Profile dashboard's button that captures a profile from a running program, which need
TensorFlow: for those, run the usual ``tensorboard``.
"""

from __future__ import annotations

import sys
import types


def main() -> int:
    """Run TensorBoard's own command line with its TensorFlow-free reader."""
    # TensorBoard's builds without TensorFlow ship a marker module, tensorboard.compat.notf; when it can be
    # imported, TensorBoard uses its own stub of the few TensorFlow functions it needs (file reading).
    sys.modules["tensorboard.compat.notf"] = types.ModuleType("tensorboard.compat.notf")
    # The Profile dashboard's plugin imports TensorFlow if it can, only for its "capture a remote profile"
    # button; it reads the profiles the course writes without it. None in sys.modules makes the import fail.
    sys.modules["tensorflow"] = None
    from tensorboard.main import run_main

    run_main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
