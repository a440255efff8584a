"""``python -m dvdl_helpers.charts``: the chart tools' command line (:mod:`dvdl_helpers.cli.charts`)."""

from dvdl_helpers.cli.charts import main

if __name__ == "__main__":
    raise SystemExit(main())
