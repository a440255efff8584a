"""``python -m dvdl_helpers.imageprep``: the ``imageprep`` command (see :mod:`dvdl_helpers.cli.imageprep`)."""

import sys

from dvdl_helpers.cli.imageprep import main

sys.exit(main())
