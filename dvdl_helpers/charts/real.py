"""Any chart picture to the classifier's input, the shipped real charts, and classifying your own files.

:func:`prepare_chart` is the one preparation of every picture the classifier sees, generated or real,
in training and in use: transparency onto white, gray, light paper (a dark theme is inverted), the
empty margins cropped, stretched to the square (a chart fills the input whatever its aspect ratio;
chosen on the development set over padding with paper, which keeps the ratio), shrunk.
:func:`type_probabilities` is the one way to ask the classifier: it averages its answers for the picture
and for its mirror image (a mirrored chart is a chart of the same type).
:func:`iter_classify` answers for your own files in batches, one :class:`ChartAnswer` per file as soon as its
batch is done (a file that cannot be read is an answer naming the problem); :func:`classify` lists them.
Before preparing a file, they crop a dark chart on a light page to its panel (:mod:`.panel`).
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from .. import imageprep, paths
from ..imageprep import PictureError
from . import calibration
from .clean_look import CHART_TYPES
from .panel import border_level, dark_panel, sheet_chart

__all__ = [
    "BLANK_RANGE",
    "CLASSIFY_BATCH",
    "IMAGE_SUFFIXES",
    "INPUT_SIZE",
    "MODEL_FILE",
    "NO_PICTURES",
    "REAL_CHARTS_DIR",
    "ChartAnswer",
    "Classifier",
    "balanced_accuracy",
    "classifier_facts",
    "classify",
    "crop_to_chart",
    "default_model_path",
    "expand_inputs",
    "iter_classify",
    "list_chart_folder",
    "load_classifier",
    "load_prepared_charts",
    "load_real_charts",
    "network_input",
    "open_classifier",
    "preparation_of",
    "prepare_chart",
    "prepare_files",
    "prepare_to_classify",
    "save_classifier",
    "type_logits",
    "type_probabilities",
]

#: The input size of the course's chart classifier (pixels of the square gray picture).
INPUT_SIZE = 64
#: What a folder's pictures are called (a file named on its own is read whatever its name). From ".avif" on,
#: Pillow may not read them (AVIF and JPEG 2000 need its optional libraries; PDF and PostScript, as charting
#: programs export, and Office's EMF and WMF drawings it does not read here; HEIC, SVG, JPEG XL never): listed
#: all the same, so that such a file is named with its reason instead of being left out without a word.
IMAGE_SUFFIXES = (
    ".png", ".apng", ".jpg", ".jpeg", ".jpe", ".jfif", ".gif", ".bmp", ".dib", ".webp", ".tif", ".tiff",
    ".ico", ".psd", ".tga", ".pcx", ".pbm", ".pgm", ".ppm", ".pnm", ".qoi",
    ".avif", ".jp2", ".j2k", ".jpx", ".jpf", ".pdf", ".eps", ".ps", ".emf", ".wmf",
    *sorted(imageprep.UNREADABLE_PICTURE_SUFFIXES),
)  # fmt: skip
REAL_CHARTS_DIR = paths.REPO_ROOT / "datasets" / "vega-lite-charts"
MODEL_FILE = "chart_classifier.keras"
#: Pictures prepared and classified at a time by :func:`iter_classify`: memory is bounded by this, not by
#: the number of files (a 64×64 picture is 4 KiB; the network's input, mirrored, 32 KiB).
CLASSIFY_BATCH = 256
#: A prepared picture whose gray levels span fewer than this holds nothing to classify (a blank page).
BLANK_RANGE = 8


@dataclass(frozen=True)
class ChartAnswer:
    """One file's answer: its chart type and probability, or the ``problem`` that kept it from being read."""

    file: Path
    type: str | None = None  # the best guess, also when unsure
    probability: float | None = None  # calibrated where the model's facts give a temperature
    unsure: bool = False  # the probability is below the model's "unsure" threshold
    problem: str | None = None  # None for a file that was classified


def prepare_chart(
    image: Image.Image | Path | str,
    size: int = INPUT_SIZE,
    *,
    crop: bool = True,
    pad: bool = False,
    color: bool = False,
) -> np.ndarray:
    """One picture (any size, aspect, mode, transparency, theme) → ``size×size`` uint8 gray, light paper.

    ``crop``: cut the margins that hold only paper; ``pad``: keep the aspect ratio by padding to a
    square with the paper's gray (default: stretch to the square, as the classifier is trained).
    ``color``: ``size×size×3`` RGB instead (paper, margins and dark themes judged on the gray levels).
    """
    # imageprep's reading: upright, first frame, 16-bit pictures to 8 bits, transparency onto white.
    picture = _shrunk(imageprep.prepare_image(image, gray=not color), size)
    pixels = np.asarray(picture)
    levels = np.asarray(picture.convert("L")) if color else pixels
    paper = int(border_level(levels))
    if paper < 128:  # dark theme: the negative has light paper
        pixels, levels, paper = 255 - pixels, 255 - levels, 255 - paper
    if crop:
        ink = np.abs(levels.astype(np.int16) - paper) > 24
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        if len(rows) and len(cols):
            margin = max(1, round(0.02 * max(levels.shape)))
            top, bottom = max(rows[0] - margin, 0), min(rows[-1] + margin + 1, levels.shape[0])
            left, right = max(cols[0] - margin, 0), min(cols[-1] + margin + 1, levels.shape[1])
            pixels = pixels[top:bottom, left:right]
    picture = Image.fromarray(np.ascontiguousarray(pixels))
    if pad:
        side = max(picture.size)
        fill = (paper,) * 3 if color else paper
        picture = ImageOps.pad(picture, (side, side), color=fill, method=Image.Resampling.NEAREST)
    return np.asarray(picture.resize((size, size), Image.Resampling.LANCZOS, reducing_gap=2.0))


def prepare_files(
    files: Iterable[Path | str], size: int = INPUT_SIZE, **options
) -> tuple[np.ndarray, list[Path], list[str]]:
    """Prepare files with :func:`prepare_chart`: ``(images N×size×size, files read, problems)``.

    A file that cannot be read (see :mod:`dvdl_helpers.imageprep.problems`) is named in ``problems`` with
    the reason and skipped; the rest are read. All the pictures are held at once: for many files use
    :func:`iter_classify`, which prepares them batch by batch.
    """
    images, done, problems = [], [], []
    for file, result in imageprep.read_each(files, lambda path: prepare_chart(path, size, **options)):
        if isinstance(result, PictureError):
            problems.append(f"{file}: cannot read it as an image ({result.reason})")
        else:
            images.append(result)
            done.append(file)
    return np.stack(images) if images else np.empty((0, size, size), np.uint8), done, problems


#: The reason :func:`expand_inputs` gives for a named folder that holds no picture.
NO_PICTURES = "no pictures in this folder"


def expand_inputs(
    inputs: Sequence[Path | str], *, unlisted: list[tuple[Path, str]] | None = None
) -> list[Path]:
    """Files as given, folders replaced by the pictures in them (recursively, sorted, hidden ones skipped).

    Links to folders are followed, each folder walked once (a link loop ends there). A folder that cannot
    be listed goes to ``unlisted`` as ``(folder, reason)`` if given, else a warning names it; so does a
    named folder with no picture in it (reason :data:`NO_PICTURES`), if ``unlisted`` is given.
    """
    files: list[Path] = []
    for item in map(Path, inputs):
        if not item.is_dir():
            files.append(item)
            continue
        named = len(unlisted) if unlisted is not None else 0
        found = _pictures_in(item, unlisted)
        if not found and unlisted is not None and len(unlisted) == named:  # not already named unlistable
            unlisted.append((item, NO_PICTURES))
        files += found
    return files


def _pictures_in(top: Path, unlisted: list[tuple[Path, str]] | None) -> list[Path]:
    """The pictures below the folder ``top``, sorted; each folder (whatever the links to it) walked once."""

    def cannot_list(error: OSError) -> None:
        folder = Path(error.filename or top)
        reason = f"cannot list this folder: {imageprep.problem_reason(folder, error)}"
        if unlisted is None:
            warnings.warn(f"{folder}: {reason}", stacklevel=5)  # the caller of expand_inputs
        else:
            unlisted.append((folder, reason))

    walked, found = set(), []
    for root, folders, names in os.walk(top, onerror=cannot_list, followlinks=True):
        try:
            status = os.stat(root)
        except OSError as error:  # gone since os.walk listed it
            cannot_list(error)
            continue
        if (status.st_dev, status.st_ino) in walked:  # reached again through a link
            folders.clear()
            continue
        walked.add((status.st_dev, status.st_ino))
        folders[:] = [name for name in folders if not name.startswith(".")]
        found += [Path(root, name) for name in names if _is_picture_name(name)]
    return sorted(found)


def _is_picture_name(name: str) -> bool:
    """A visible file whose suffix is a picture's."""
    return not name.startswith(".") and Path(name).suffix.lower() in IMAGE_SUFFIXES


def list_chart_folder(folder: Path | str) -> tuple[list[str], list[list[Path]]]:
    """A folder-per-type tree of PNGs: ``(class_names, files per class)``, both sorted by name.

    Classes are the sub-folders that hold a PNG; within a type, a file's position is the chart's index.
    """
    folder = Path(folder)
    class_names = sorted(d.name for d in folder.iterdir() if d.is_dir() and any(d.glob("*.png")))
    return class_names, [sorted((folder / name).glob("*.png")) for name in class_names]


def load_prepared_charts(
    folder: Path | str, size: int = INPUT_SIZE, **options
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A generated folder-per-type data set through :func:`prepare_chart`: ``(x, y, class_names)``.

    Classes and files as :func:`list_chart_folder` lists them.
    """
    class_names, files = list_chart_folder(folder)
    x, _, problems = prepare_files([p for group in files for p in group], size, **options)
    _refuse(folder, problems)
    return x, np.repeat(np.arange(len(files)), [len(f) for f in files]), class_names


def load_real_charts(
    size: int = INPUT_SIZE, folder: Path | str = REAL_CHARTS_DIR, **options
) -> tuple[np.ndarray, np.ndarray, list[Path]]:
    """The shipped real charts (Vega-Lite gallery), prepared like training input: ``(x, type names, files)``.

    ``x``: N×size×size uint8 gray; the type names include ``"box"``, a type the classifier never learns.
    """
    folder = Path(folder)
    with (folder / "labels.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    x, files, problems = prepare_files([folder / row["file"] for row in rows], size, **options)
    _refuse(folder, problems)
    return x, np.array([row["type"] for row in rows]), files


def _refuse(folder: Path | str, problems: list[str]) -> None:
    """A data set is read whole or not at all: raise a ``PictureError`` naming each problem."""
    if problems:
        raise PictureError(folder, f"{len(problems)} file(s) cannot be read:\n" + "\n".join(problems))


def balanced_accuracy(
    truth: Sequence[str], predicted: Sequence[str], types: Sequence[str] = CHART_TYPES
) -> float:
    """The mean over ``types`` (those present in ``truth``) of the share of each type's charts named right."""
    truth, predicted = np.asarray(truth), np.asarray(predicted)
    recalls = [np.mean(predicted[truth == kind] == kind) for kind in types if np.any(truth == kind)]
    return float(np.mean(recalls))


def network_input(images: np.ndarray) -> np.ndarray:
    """Prepared pictures (N×S×S gray or N×S×S×3 colour, uint8) as the network reads them: float in [0, 1]."""
    images = np.asarray(images)
    return (images[..., None] if images.ndim == 3 else images).astype("float32") / 255.0


def preparation_of(model) -> dict:
    """The :func:`prepare_chart` options a model's input asks for: ``{"color": True}`` for 3 channels."""
    return {"color": True} if model.input_shape[-1] == 3 else {}


def type_logits(model, images: np.ndarray, *, mirror: bool = True) -> np.ndarray:
    """The logits for prepared pictures: ``(looks, N, types)``, one look or two (with the mirror image)."""
    x = network_input(images)
    looks = [x, x[:, :, ::-1]] if mirror else [x]
    return np.stack([model.predict(look, verbose=0, batch_size=64) for look in looks])


def type_probabilities(
    model, images: np.ndarray, *, mirror: bool = True, temperature: float = 1.0
) -> np.ndarray:
    """Each prepared picture's probability per type (columns in ``sorted(CHART_TYPES)`` order).

    ``images``: N×size×size uint8 from :func:`prepare_chart`. With ``mirror`` (the default) the network
    is asked twice, for the picture and for its left-right mirror image, and the two answers averaged:
    the mirror of a chart is a chart of the same type, so two looks are steadier than one (the network
    saw mirrored charts in training). On the development set this was chosen over one look.
    ``temperature`` divides the logits first (:mod:`.calibration`: a calibrated model's is in its facts).
    """
    return calibration.probabilities(type_logits(model, images, mirror=mirror), temperature)


def save_classifier(model, path: Path | str | None = None, **facts) -> Path:
    """Save ``model`` (default: :func:`default_model_path`) and ``facts`` about its training beside it.

    The facts (e.g. ``setting="quick"``, ``epochs=8``) go to ``<model>.json``, so that a benchmark or a
    reader can tell which setting trained the saved model; :func:`classifier_facts` reads them. A model of
    the quick setting never replaces one of the full setting (minutes of training): it is saved beside
    it as ``<name>_quick.keras`` instead. Returns the path written.
    """
    path = Path(path) if path else default_model_path()
    if facts.get("setting") == "quick" and path.exists() and classifier_facts(path).get("setting") == "full":
        path = path.with_name(f"{path.stem}_quick{path.suffix}")
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    path.with_suffix(".json").write_text(json.dumps(facts, indent=1, default=str) + "\n")
    return path


def classifier_facts(path: Path | str | None = None) -> dict:
    """The facts :func:`save_classifier` wrote beside a saved classifier (empty when there are none)."""
    facts = (Path(path) if path else default_model_path()).with_suffix(".json")
    return json.loads(facts.read_text()) if facts.exists() else {}


def default_model_path() -> Path:
    """Where notebook 05 and ``charts train`` save the classifier."""
    return paths.models_dir() / MODEL_FILE


@dataclass(frozen=True)
class Classifier:
    """A chart classifier ready to answer: the network, which one it is, and how to read its answers."""

    network: object
    name: str  # "shipped" or the file it was loaded from
    temperature: float = 1.0  # divides the logits (calibration.py)
    threshold: float = 0.0  # below this probability the answer is "unsure" (0: never)

    def answer(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Prepared pictures → each one's type, its calibrated probability, and whether that is "unsure".

        The type is the network's own best answer (the temperature never changes it); "unsure" means
        that its probability is below the threshold. The one place where the course applies the rule.
        """
        best, sure = calibration.answer_and_confidence(type_logits(self.network, images), self.temperature)
        return np.array(sorted(CHART_TYPES))[best], sure, sure < self.threshold


def open_classifier(model=None) -> Classifier:
    """The classifier to answer with: the shipped model (``None``), a ``.keras`` file, or a Keras model.

    A file's facts (:func:`save_classifier`, or the shipped model's card) give its temperature and
    "unsure" threshold; a model without them answers uncalibrated and is never unsure.
    """
    from . import shipped

    if model is not None and not isinstance(model, str | os.PathLike):
        return Classifier(model, "a model in memory")
    if model is None:
        path, facts, name = shipped.model_path(), shipped.facts(), "shipped"
    else:
        path, facts = Path(model), classifier_facts(model)
        name = paths.display_path(path)
    network = load_classifier(path)
    return Classifier(network, name, facts.get("temperature", 1.0), facts.get("threshold", 0.0))


def load_classifier(model=None):
    """The chart classifier's network: ``model`` itself if it is a Keras model, else loaded from its file.

    ``None``: the model that ships with the course (:mod:`.shipped`); a file that is not there raises
    ``FileNotFoundError`` saying how to make one, a ``.keras`` file that is no zip archive ``ValueError``.
    """
    if model is not None and not isinstance(model, str | os.PathLike):
        return model
    if model is None:
        from . import shipped

        model = shipped.model_path()
    path = Path(model)
    if not path.exists():
        raise FileNotFoundError(
            f"no chart classifier at {path}: run notebook 05, or train one with "
            "'python -m dvdl_helpers.charts train' (or pass another model file)"
        )
    if path.suffix.lower() == ".keras" and not zipfile.is_zipfile(path):  # Keras would say "File not found"
        raise ValueError(
            f"{path} is not a saved Keras model (a .keras file is a zip archive; this one is damaged or "
            "another kind of file): pass another model file, or train one with "
            "'python -m dvdl_helpers.charts train'"
        )
    from .. import env

    env.quiet_tensorflow()  # late: reading pictures needs no TensorFlow
    import keras

    return keras.models.load_model(path, compile=False)


def iter_classify(
    files: Iterable[Path | str], model=None, *, batch_size: int = CLASSIFY_BATCH
) -> Iterator[ChartAnswer]:
    """One :class:`ChartAnswer` per file, in order, each batch of ``batch_size`` files as soon as it is done.

    ``model``: as :func:`open_classifier` takes it (default: the shipped model; loaded now, so a missing
    model is said at once). A file that cannot be read, or a blank picture (one colour: nothing to
    classify), is an answer with its ``problem``; the others are still classified. Memory is bounded by
    ``batch_size``, whatever the number of files; nothing is written anywhere.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    classifier = model if isinstance(model, Classifier) else open_classifier(model)
    return _answers(iter(files), classifier, batch_size)


def _answers(files: Iterator[Path | str], classifier: Classifier, batch_size: int) -> Iterator[ChartAnswer]:
    """The answers of :func:`iter_classify`, batch after batch."""
    model = classifier.network
    size, options = int(model.input_shape[1]), preparation_of(model)
    while batch := list(itertools.islice(files, batch_size)):
        read = list(imageprep.read_each(batch, lambda path: prepare_to_classify(path, size, **options)))
        good = [i for i, (_, result) in enumerate(read) if not isinstance(result, PictureError)]
        # A picture of one colour has no ink for the crop to find: a guess there would mean nothing.
        blank = {i for i in good if int(np.ptp(read[i][1])) < BLANK_RANGE}
        good = [i for i in good if i not in blank]
        answers = {}
        if good:
            kinds, sure, unsure = classifier.answer(np.stack([read[i][1] for i in good]))
            answers = {i: (str(kinds[j]), float(sure[j]), bool(unsure[j])) for j, i in enumerate(good)}
        for i, (file, result) in enumerate(read):
            if i in answers:
                kind, probability, unsure = answers[i]
                yield ChartAnswer(file, kind, probability, unsure=unsure)
            elif i in blank:
                yield ChartAnswer(file, problem="blank: a single colour, nothing drawn to classify")
            else:
                yield ChartAnswer(file, problem=result.reason)


def prepare_to_classify(path: Path | str, size: int = INPUT_SIZE, **options) -> np.ndarray:
    """A picture as :func:`iter_classify` reads it: the chart alone where it is inside more, then prepared.

    :mod:`.panel` finds a chart pasted over a sheet's cells, and a dark chart on a light page (both in
    screenshots); :func:`prepare_chart` then prepares the picture with ``options``. Training charts are
    drawn, not screenshots: they go to :func:`prepare_chart`.
    """
    picture = imageprep.prepare_image(path, gray=not options.get("color"))
    return prepare_chart(crop_to_chart(picture, size), size, **options)


def crop_to_chart(
    picture: Image.Image, size: int = INPUT_SIZE, *, sheet: bool = True, dark: bool = True
) -> Image.Image:
    """``picture`` cropped as :func:`prepare_to_classify` crops it, or itself where there is nothing to crop.

    ``sheet``: to a chart pasted over a sheet's cells (:func:`.panel.sheet_chart`); then ``dark``: to a dark
    chart panel on a light page (:func:`.panel.dark_panel`). Turn one off to see what the other does
    (``tools/classify_crops.py``).
    """
    picture = _crop_to_sheet_chart(picture) if sheet else picture
    return _crop_to_dark_panel(picture, size) if dark else picture


#: a sheet's grid lines are a pixel thin: pictures are looked at up to this side, larger ones shrunk
SHEET_SIDE = 2000


def _crop_to_sheet_chart(picture: Image.Image) -> Image.Image:
    """``picture`` cropped to a chart pasted over sheet cells (:func:`.panel.sheet_chart`), else itself."""
    factor = max(1, -(-max(picture.size) // SHEET_SIDE))  # ceiling division
    gray = picture.convert("L").reduce(factor) if factor > 1 else picture.convert("L")
    box = sheet_chart(np.asarray(gray))
    if box is None:
        return picture
    top, bottom, left, right = (edge * factor for edge in box)
    return picture.crop((left, top, right, bottom))


def _crop_to_dark_panel(picture: Image.Image, size: int) -> Image.Image:
    """``picture`` cropped to its dark chart panel where it has one (:func:`.panel.dark_panel`), else itself.

    The panel is looked for on a gray copy shrunk as :func:`prepare_chart` shrinks, so that the thin lines
    and text inside a panel blur as the network will see them.
    """
    gray = _shrunk(picture.convert("L"), size)
    box = dark_panel(np.asarray(gray))
    if box is None:
        return picture
    top, bottom, left, right = (round(edge * picture.width / gray.width) for edge in box)  # one shrink factor
    return picture.crop((left, top, right, bottom))


def _shrunk(picture: Image.Image, size: int) -> Image.Image:
    """A large picture cheaply shrunk to about ``2 × size`` (keeps the aspect ratio); others as they are."""
    if max(picture.size) > 4 * size:
        factor = max(1, max(picture.size) // (2 * size))
        picture = picture.reduce(factor) if factor > 1 else picture
    return picture


def classify(
    files: Sequence[Path | str], model=None, *, problems: list[str] | None = None
) -> list[tuple[str, float] | None]:
    """Each picture's chart type and probability, in the order of ``files``: ``[(type, probability), ...]``.

    ``model``: a Keras model or a ``.keras`` file (default: the model that ships with the course; the
    type is its best guess, also where :func:`iter_classify` says it is unsure). An unreadable or blank
    file gets ``None`` and is skipped; its name and the reason are appended to ``problems`` if given (else a
    warning says it). Nothing is written anywhere. Built on :func:`iter_classify`, which gives the answers
    batch by batch, with whether each is unsure.
    """
    results: list[tuple[str, float] | None] = []
    for answer in iter_classify(files, model):
        if answer.problem is None:
            results.append((answer.type, answer.probability))
            continue
        results.append(None)
        problem = f"{answer.file}: skipped ({answer.problem})"
        if problems is not None:
            problems.append(problem)
        else:
            warnings.warn(problem, stacklevel=2)
    return results
