"""The ``imageprep`` command line; the work is in :mod:`dvdl_helpers.imageprep`.

Run as ``imageprep ...`` (console script), ``python -m dvdl_helpers.cli.imageprep ...`` or
``python -m dvdl_helpers.imageprep ...``. This module imports :mod:`dvdl_helpers.imageprep`, never the
other way round.

Exit status: 0 when all went well, 1 when some files failed (each listed with its reason), 2 on a usage
error (nothing is written then), 130 when interrupted (Ctrl-C; the outputs written are complete).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from dvdl_helpers.imageprep import FITS, UsageError, process_dir

_COMMANDS = {  # command → (what it does, needs --size, options for process_dir)
    "gray": ("convert to grayscale, same size", False, {"gray": True}),
    "resize": ("resize to W×H, RGB", True, {}),
    "resize2gray": ("resize to W×H, grayscale", True, {"gray": True}),
    "mnist": ("digit photos → 28×28 MNIST-style images", False, {"preset": "mnist"}),
}


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``imageprep`` command."""
    parser = argparse.ArgumentParser(
        prog="imageprep",
        description="Make pictures of any size and colour usable as network input.",
        epilog="Exit status: 0 all went well, 1 some files failed, 2 usage error (nothing written), "
        "130 interrupted (the outputs written are complete: run again to finish, they are skipped).",
    )
    parser.add_argument(
        "command", choices=list(_COMMANDS), help="; ".join(f"{k}: {v[0]}" for k, v in _COMMANDS.items())
    )
    parser.add_argument("input_dir", metavar="INPUT_DIR", help="folder of pictures (never modified)")
    parser.add_argument("output_dir", metavar="OUTPUT_DIR", help="where to write (not inside INPUT_DIR)")
    parser.add_argument("--ext", default="png", help="output format's extension (default: png)")
    parser.add_argument("--size", nargs=2, type=int, metavar=("W", "H"), help="output size (resize commands)")
    parser.add_argument("--fit", choices=FITS, default="stretch", help="how to keep the aspect ratio")
    parser.add_argument("--background", default="white", help="colour behind transparency and padding")
    parser.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: all cores)")
    parser.add_argument("--overwrite", action="store_true", help="replace outputs that exist")
    parser.add_argument("--recursive", action="store_true", help="also sub-folders (structure kept)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no notes")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``) and return its exit status."""
    parser = build_parser()
    try:
        return _run(parser, parser.parse_args(argv))
    except SystemExit as exc:  # from argparse: --help (0) or a usage error (2, message already printed)
        return int(exc.code or 0)


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    for stream in (sys.stdout, sys.stderr):  # a name the terminal cannot encode is escaped, never a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    _, needs_size, options = _COMMANDS[args.command]
    if needs_size and args.size is None:
        parser.error(f"{args.command} needs --size W H")
    if not needs_size and args.size is not None:
        parser.error(f"{args.command} takes no --size (use resize or resize2gray)")
    start = time.perf_counter()
    try:
        report = process_dir(
            args.input_dir,
            args.output_dir,
            ext=args.ext,
            size=args.size,
            fit=args.fit,
            background=args.background,
            recursive=args.recursive,
            overwrite=args.overwrite,
            jobs=args.jobs,
            progress=not args.quiet and sys.stderr.isatty(),  # a bar in a log file is only noise
            task=args.command,
            **options,
        )
    except UsageError as exc:
        parser.error(str(exc))
    except KeyboardInterrupt:  # Ctrl-C: one line, not a traceback; no partial or temporary file is left
        print("interrupted: the outputs written are complete; run again to finish (they are skipped)")
        return 130
    seconds = time.perf_counter() - start
    if args.quiet:
        report.notes.clear()
    print(report.summary())
    if not args.quiet:
        rate = len(report.converted) / seconds if seconds > 0 else 0.0
        print(
            f"{len(report.outputs)} written to {report.output_dir} in {seconds:.1f} s ({rate:.0f} images/s)"
        )
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
