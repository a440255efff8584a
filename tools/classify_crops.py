"""What classify's crops change: the shipped model on labelled charts, without the sheet crop and with it.

``classify`` crops a picture to the chart inside it before preparing it (``charts.prepare_to_classify``):
to a chart pasted over a sheet's cells (``charts.panel.sheet_chart``), then to a dark chart panel on a light
page. This tool reads each set twice, as classify did before the sheet crop (the dark panel only) and as
it reads now, and records both scores, how many pictures the sheet crop cropped and how many answers
changed, in ``benchmarks/results/sheet_crop.jsonl`` (notebook 08 reads it).

    python tools/classify_crops.py FOLDER="how it was drawn" [FOLDER="..." ...] [--shrink 0.5]
    python tools/classify_crops.py real:vega-lite="vega-lite (choose half)"   # a choose half, its known types

A folder holds ``<type>/*.png``, as the drawing tools write it; ``real:SOURCE`` is a real-chart source's
choose half (never its confirm half). ``--shrink F`` reads every picture shrunk to ``F`` of its width and
height first (Pillow's Lanczos filter, as a picture scaled down for a web page or a document).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from dvdl_helpers import charts, device, env, imageprep

VERSION = charts.panel.SHEET_CHART_VERSION  # recorded with each line (older lines without it: 1)


def labelled(where: str) -> tuple[list[Path], np.ndarray]:
    """The files and their types: a folder of ``<type>/*.png``, or ``real:SOURCE``'s choose half."""
    if where.startswith("real:"):
        half = charts.sources.load_source(where.removeprefix("real:"), "choose", charts.INPUT_SIZE)
        known = np.asarray(half.known)
        return [file for file, k in zip(half.files, known, strict=True) if k], np.asarray(half.types)[known]
    files = sorted(Path(where).glob("*/*.png"))
    return files, np.array([file.parent.name for file in files])


def both_ways(path: Path, shrink: float = 1.0) -> tuple[np.ndarray, np.ndarray, bool]:
    """A picture prepared as classify read it before the sheet crop (the dark panel only) and as it reads
    it now (``charts.prepare_to_classify``), and whether the sheet crop cropped it; the file read once.

    ``shrink``: the picture's width and height are first scaled by it (Lanczos)."""
    picture = imageprep.prepare_image(path, gray=True)
    if shrink != 1.0:
        size = (max(1, round(picture.width * shrink)), max(1, round(picture.height * shrink)))
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    in_sheet = charts.crop_to_chart(picture, dark=False)
    before, after = (charts.crop_to_chart(p, sheet=False) for p in (picture, in_sheet))
    return charts.prepare_chart(before), charts.prepare_chart(after), in_sheet is not picture


def measure(where: str, drawn: str, model, shrink: float = 1.0) -> dict:
    """One set's record: the balanced accuracy before and after, pictures cropped, answers changed."""
    files, truth = labelled(where)
    before, after, cropped = zip(*(both_ways(file, shrink) for file in files), strict=True)
    types = np.array(sorted(charts.CHART_TYPES))
    answers = {
        name: types[charts.type_probabilities(model, np.stack(images)).argmax(axis=1)]
        for name, images in (("before", before), ("after", after))
    }
    return dict(
        model="shipped",
        shipped_recipe=charts.trials.shipped_recipe(),  # which recipe's start 0 shipped, by its card
        charts=drawn,
        n=len(files),
        before=round(charts.balanced_accuracy(truth, answers["before"]), 3),
        after=round(charts.balanced_accuracy(truth, answers["after"]), 3),
        cropped=sum(cropped),
        answers_changed=int((answers["before"] != answers["after"]).sum()),
        **({"shrink": shrink} if shrink != 1.0 else {}),
        version=VERSION,
        cpu=device.cpu_name(),
    )


def _share(text: str) -> float:
    """``--shrink``'s value: a share of the picture's size, above 0 and at most 1."""
    share = float(text)
    if not 0.0 < share <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a share above 0 and at most 1")
    return share


def main(argv: list[str] | None = None) -> int:
    """Measure and record each ``FOLDER=how it was drawn`` given (see the module's docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="+", metavar='FOLDER="how it was drawn"', help="or real:SOURCE=...")
    ap.add_argument("--shrink", type=_share, default=1.0, help="read each picture shrunk to this share first")
    args = ap.parse_args(argv)
    if bad := [spec for spec in args.sets if "=" not in spec]:
        ap.error(f'say how each set was drawn, FOLDER="...": {", ".join(bad)}')
    sets, shrink = args.sets, args.shrink
    env.quiet_tensorflow()
    import keras

    model = keras.models.load_model(charts.shipped.MODEL, compile=False)
    for spec in sets:
        where, drawn = spec.split("=", 1)
        record = measure(where, drawn, model, shrink)
        charts.trials.append("sheet_crop", record)
        print(
            f"{drawn}{f' shrunk to {shrink:.0%}' if shrink != 1.0 else ''}: "
            f"{record['before']:.3f} -> {record['after']:.3f}, {record['cropped']} cropped",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
