"""Draw a digit, see the network read it: a drawing canvas and a panel of readings, live in JupyterLab.

Two small `anywidget <https://anywidget.dev>`_ widgets whose JavaScript is inline below (no CDN, no
JupyterLab extension to build, works offline):

- :class:`DrawingCanvas`: a canvas to draw on with a mouse, pen or finger, and a *Clear* button. Each
  finished stroke reaches Python (:attr:`DrawingCanvas.strokes`); :meth:`DrawingCanvas.image` turns the
  strokes into a picture, dark ink on white, as a drawing on paper would be;
- :class:`ReadingsPanel`: what models read, one :class:`Reading` each: the predicted class, every class'
  probability as a bar, and a picture (e.g. a saliency map over the input).

:class:`LiveDrawing` puts the two side by side and calls ``read(image) -> [Reading, ...]`` after every
stroke; it times each update. :class:`PictureReader` does the same for a picture the learner chooses,
uploaded or named by its path (notebook 05 reads charts with it)::

    reader = draw.PictureReader(read_chart, path="../datasets/vega-lite-charts/bar/bar.png")
    display(reader)

Without a browser (nbval, scripts) nothing is drawn, but every method works: set
:attr:`DrawingCanvas.strokes` to a prepared drawing, or call :meth:`PictureReader.read_path`, and the
callbacks run as if a learner had drawn it or typed it.

Why anywidget: the pen is drawn in the browser and only each finished stroke (a few hundred bytes of
JSON) goes to the kernel, so drawing never waits for Python; the JavaScript is a string in this file (no
build step, no CDN, no extension of our own), served by anywidget's prebuilt JupyterLab 4 extension
(anywidget with ipywidgets: about 9 MB installed). ipycanvas, the other maintained canvas widget, hands
every mouse event to Python and draws from there.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import anywidget
import ipywidgets
import numpy as np
import traitlets
from PIL import Image, ImageDraw

from dvdl_helpers.imageprep.problems import PictureError, open_picture, problem_reason, read_each

#: A stroke: the points the pen passed through, ``[[x, y], ...]`` in canvas pixels.
Stroke = list[list[float]]

_CANVAS_JS = """
function render({ model, el }) {
  const size = model.get("size");
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  canvas.className = "dvdl-draw-canvas";
  canvas.title = "Draw here with the mouse, a pen or a finger";
  const clear = document.createElement("button");
  clear.className = "dvdl-draw-clear";
  clear.textContent = "Clear";
  const ctx = canvas.getContext("2d");
  let current = null;  // the stroke being drawn, [[x, y], ...]; sent to Python when the pen lifts

  function pen() {
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.lineWidth = model.get("pen_width");
    ctx.strokeStyle = ctx.fillStyle = "black";
  }
  function paint(stroke) {
    const [x, y] = stroke[0];
    ctx.beginPath();
    if (stroke.length === 1) {  // a dot
      ctx.arc(x, y, ctx.lineWidth / 2, 0, 2 * Math.PI);
      ctx.fill();
      return;
    }
    ctx.moveTo(x, y);
    for (const [px, py] of stroke.slice(1)) ctx.lineTo(px, py);
    ctx.stroke();
  }
  function redraw() {
    ctx.fillStyle = "white";
    ctx.fillRect(0, 0, size, size);
    pen();
    for (const stroke of model.get("strokes")) if (stroke.length) paint(stroke);
    if (current) paint(current);
  }
  function point(event) {  // canvas pixels, whatever size the page shows the canvas at
    const box = canvas.getBoundingClientRect();
    const round = (v) => Math.round(v * 10) / 10;
    return [round((event.clientX - box.left) * size / box.width),
            round((event.clientY - box.top) * size / box.height)];
  }
  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    redraw();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    current.push(point(event));
    redraw();
  });
  function finish() {
    if (!current) return;
    const stroke = current;
    current = null;
    model.set("strokes", [...model.get("strokes"), stroke]);
    model.save_changes();
  }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  clear.addEventListener("click", () => {
    current = null;
    model.set("strokes", []);
    model.save_changes();
    redraw();
  });
  model.on("change:strokes", redraw);
  model.on("change:pen_width", redraw);
  redraw();
  el.classList.add("dvdl-draw");
  el.append(canvas, clear);
  return () => {
    model.off("change:strokes", redraw);
    model.off("change:pen_width", redraw);
  };
}
export default { render };
"""

_CANVAS_CSS = """
.dvdl-draw { display: flex; flex-direction: column; align-items: flex-start; gap: 6px; }
.dvdl-draw-canvas { border: 1px solid #888; cursor: crosshair; touch-action: none; background: white; }
.dvdl-draw-clear { padding: 2px 14px; }
"""

_PANEL_JS = """
function render({ model, el }) {
  function element(tag, className, text) {
    const node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function percent(p) { return `${Math.round(100 * p)} %`; }
  function show() {
    el.replaceChildren();
    const readings = model.get("readings");
    if (!readings.length) el.append(element("p", "dvdl-empty", model.get("empty_text")));
    const row = element("div", "dvdl-row");
    for (const reading of readings) {
      const probabilities = reading.probabilities;
      const best = probabilities.indexOf(Math.max(...probabilities));
      const box = element("div", "dvdl-reading");
      box.dataset.title = reading.title;
      box.append(element("div", "dvdl-title", reading.title));
      const prediction = element("div", "dvdl-prediction",
                                 `${reading.classes[best]} (${percent(probabilities[best])})`);
      prediction.dataset.prediction = reading.classes[best];
      box.append(prediction);
      if (reading.picture) {
        const picture = element("img", "dvdl-picture");
        picture.src = reading.picture;
        picture.alt = picture.title = reading.caption;
        box.append(picture, element("div", "dvdl-caption", reading.caption));
      }
      const bars = element("div", "dvdl-bars");
      reading.classes.forEach((name, i) => {
        const label = element("span", "dvdl-label", name);
        const track = element("span", "dvdl-track");
        const bar = element("span", i === best ? "dvdl-bar dvdl-best" : "dvdl-bar");
        bar.style.width = `${(100 * probabilities[i]).toFixed(1)}%`;
        track.append(bar);
        bars.append(label, track, element("span", "dvdl-value", percent(probabilities[i])));
      });
      box.append(bars);
      row.append(box);
    }
    el.append(row, element("div", "dvdl-status", model.get("status")));
  }
  model.on("change:readings", show);
  model.on("change:status", show);
  show();
  el.classList.add("dvdl-readings");
  return () => { model.off("change:readings", show); model.off("change:status", show); };
}
export default { render };
"""

_PANEL_CSS = """
.dvdl-readings { font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px; }
.dvdl-readings .dvdl-row { display: flex; gap: 18px; flex-wrap: wrap; }
.dvdl-readings .dvdl-reading { display: flex; flex-direction: column; gap: 4px; min-width: 170px; }
.dvdl-readings .dvdl-title { font-weight: bold; }
.dvdl-readings .dvdl-prediction { font-size: 22px; }
.dvdl-readings .dvdl-picture { width: 140px; height: 140px; image-rendering: pixelated;
                               border: 1px solid #ccc; }
.dvdl-readings .dvdl-caption, .dvdl-readings .dvdl-status, .dvdl-readings .dvdl-empty { color: #666; }
.dvdl-readings .dvdl-bars { display: grid; grid-template-columns: auto 110px auto; gap: 1px 6px;
                            align-items: center; }
.dvdl-readings .dvdl-track { height: 10px; background: #eee; }
.dvdl-readings .dvdl-bar { display: block; height: 100%; background: #9ab; }
.dvdl-readings .dvdl-bar.dvdl-best { background: #1f77b4; }
.dvdl-readings .dvdl-value { text-align: right; color: #444; }
"""


class DrawingCanvas(anywidget.AnyWidget):
    """A square canvas to draw on (mouse, pen or finger) with a *Clear* button; strokes reach Python.

    ``on_draw(callback)`` calls ``callback(image)`` after every finished stroke, with the drawing as a
    gray PIL image (:meth:`image`). Clearing calls no callback: watch :attr:`strokes` for that
    (``canvas.observe(fn, "strokes")``), as :class:`LiveDrawing` does.
    """

    _esm = _CANVAS_JS
    _css = _CANVAS_CSS
    #: Every finished stroke, oldest first: ``[[x, y], ...]`` in canvas pixels (0 to ``size``).
    strokes = traitlets.List(traitlets.List(traitlets.List(traitlets.Float()))).tag(sync=True)
    #: Width and height of the canvas in pixels.
    size = traitlets.Int(280).tag(sync=True)
    #: Width of the pen in canvas pixels (MNIST's strokes are about a tenth of the digit's height).
    pen_width = traitlets.Float(18.0).tag(sync=True)

    def __init__(self, strokes: Sequence[Stroke] = (), **kwargs) -> None:
        """Make a canvas, optionally showing ``strokes`` (a prepared drawing) from the start."""
        super().__init__(strokes=[[list(map(float, point)) for point in s] for s in strokes], **kwargs)
        self._callbacks: list[Callable[[Image.Image], object]] = []
        self.observe(self._stroke_finished, "strokes")

    @traitlets.validate("strokes")
    def _valid_strokes(self, proposal: dict) -> list:
        """Refuse points that are not pairs, with a message that says which."""
        for index, stroke in enumerate(proposal["value"]):
            if any(len(point) != 2 for point in stroke):
                raise traitlets.TraitError(f"stroke {index}: every point must be [x, y]")
        return proposal["value"]

    @traitlets.validate("size", "pen_width")
    def _positive(self, proposal: dict) -> float:
        """Refuse a canvas or pen of zero or negative size."""
        if proposal["value"] <= 0:
            raise traitlets.TraitError(f"{proposal['trait'].name} must be positive, not {proposal['value']}")
        return proposal["value"]

    def on_draw(self, callback: Callable[[Image.Image], object]) -> None:
        """Call ``callback(image)`` after every finished stroke (and whenever Python sets strokes)."""
        self._callbacks.append(callback)

    def _stroke_finished(self, change: dict) -> None:
        if change["new"]:
            image = self.image()
            for callback in self._callbacks:
                callback(image)

    def clear(self) -> None:
        """Remove every stroke (what the *Clear* button does)."""
        self.strokes = []

    @property
    def is_empty(self) -> bool:
        """True when nothing is drawn."""
        return not any(self.strokes)

    def image(self) -> Image.Image:
        """Return the drawing as a ``size``×``size`` gray (``L``) image: black ink on white."""
        return strokes_to_image(self.strokes, self.size, self.pen_width)

    def __repr__(self) -> str:
        # Short and stable: notebooks store this text as the widget's output, and nbval compares it.
        return f"DrawingCanvas({self.size}×{self.size} px, {len(self.strokes)} strokes)"


def strokes_to_image(strokes: Sequence[Stroke], size: int = 280, pen_width: float = 18.0) -> Image.Image:
    """Draw ``strokes`` (``[[x, y], ...]`` each) as the canvas does: black round pen on white, mode ``L``."""
    image = Image.new("L", (size, size), 255)
    pen = ImageDraw.Draw(image)
    radius = pen_width / 2
    for stroke in strokes:
        points = [(float(x), float(y)) for x, y in stroke]
        if len(points) > 1:
            pen.line(points, fill=0, width=max(1, round(pen_width)))
        # Round caps and joints, as the canvas' lineCap/lineJoin "round": a disc at every point.
        for x, y in points:
            pen.ellipse([x - radius, y - radius, x + radius, y + radius], fill=0)
    return image


@dataclasses.dataclass(frozen=True)
class Reading:
    """What one model reads in one input: class names, their probabilities, and a picture to show."""

    title: str
    classes: Sequence[str]
    probabilities: Sequence[float]
    picture: Image.Image | None = None  # e.g. a saliency map over the input (see heatmap_overlay)
    caption: str = ""

    def __post_init__(self) -> None:
        """Refuse probabilities that do not match the classes."""
        if len(self.classes) != len(self.probabilities) or not len(self.classes):
            raise ValueError(
                f"{self.title}: {len(self.probabilities)} probabilities for {len(self.classes)} classes"
            )

    @property
    def prediction(self) -> str:
        """The class with the highest probability."""
        return str(self.classes[int(np.argmax(self.probabilities))])

    @property
    def confidence(self) -> float:
        """The highest probability."""
        return float(np.max(self.probabilities))

    def to_json(self) -> dict:
        """The reading as the panel's JavaScript receives it (the picture as a PNG data URL)."""
        return {
            "title": self.title,
            "classes": [str(name) for name in self.classes],
            "probabilities": [float(p) for p in self.probabilities],
            "picture": png_data_url(self.picture) if self.picture is not None else "",
            "caption": self.caption,
        }


def png_data_url(image: Image.Image) -> str:
    """Return ``image`` as a ``data:image/png;base64,...`` URL (what an ``<img>`` shows offline)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def heatmap_overlay(
    image: np.ndarray | Image.Image,
    heat: np.ndarray,
    *,
    scale: int = 5,
    cmap: str = "Reds",
    dark_ink: bool = False,
) -> Image.Image:
    """Return ``heat`` (H×W, any range) coloured by ``cmap`` over ``image`` (gray), enlarged ``scale`` times.

    ``image`` is drawn the course's way, ink on white (its values are read as ink: MNIST's 255), in gray
    so that the colours stand out; the heat map is laid over it, opaque where ``heat`` is largest and
    transparent where it is smallest. ``cmap`` should run from light to dark (on white paper).
    ``dark_ink=True`` reads pictures stored dark on light (a chart, a scan): low values are ink.
    """
    from matplotlib import colormaps  # imported here: matplotlib's start-up is not needed for drawing

    ink = np.asarray(image, dtype=np.float32)
    heat = np.asarray(heat, dtype=np.float32)
    if ink.ndim != 2 or heat.shape != ink.shape:
        raise ValueError(f"image {ink.shape} and heat {heat.shape} must be two arrays of one H×W shape")
    ink = ink / 255.0 if ink.max() > 1.0 else ink
    ink = 1.0 - ink if dark_ink else ink
    peak = float(heat.max() - heat.min())
    heat = (heat - heat.min()) / peak if peak > 0 else np.zeros_like(heat)
    paper = np.repeat((1.0 - 0.6 * ink)[..., None], 3, axis=-1)  # ink in mid-gray: the colours stay visible
    colours = colormaps[cmap](heat)[..., :3]
    alpha = 0.9 * heat[..., None]
    mixed = (1.0 - alpha) * paper + alpha * colours
    picture = Image.fromarray((mixed * 255).round().astype(np.uint8), "RGB")
    return picture.resize((picture.width * scale, picture.height * scale), Image.Resampling.NEAREST)


class ReadingsPanel(anywidget.AnyWidget):
    """Shows :class:`Reading` s side by side: predicted class, one bar per class, a picture each."""

    _esm = _PANEL_JS
    _css = _PANEL_CSS
    readings = traitlets.List(traitlets.Dict()).tag(sync=True)
    #: A line under the readings (e.g. how long the last update took).
    status = traitlets.Unicode("").tag(sync=True)
    #: What the panel says when it has no readings.
    empty_text = traitlets.Unicode("Draw a digit on the canvas.").tag(sync=True)

    def show(self, readings: Sequence[Reading], status: str = "") -> None:
        """Show ``readings`` (replacing the ones shown) and the ``status`` line."""
        self.readings = [reading.to_json() for reading in readings]
        self.status = status

    def clear(self) -> None:
        """Show no readings (the ``empty_text``)."""
        self.show([])

    def __repr__(self) -> str:
        # Short and stable: notebooks store this text as the widget's output, and nbval compares it.
        return f"ReadingsPanel({len(self.readings)} readings)"


class LiveDrawing(ipywidgets.HBox):
    """A :class:`DrawingCanvas` beside a :class:`ReadingsPanel`: ``read(image)`` runs after every stroke.

    ``read`` takes the drawing (a gray PIL image, black ink on white) and returns the readings to show.
    Each update's duration (``read`` and handing the readings to the panel) is kept in :attr:`seconds`
    and shown under the readings. An error in ``read`` is shown in the panel, not lost in a log.
    """

    def __init__(
        self,
        read: Callable[[Image.Image], Sequence[Reading]],
        *,
        strokes: Sequence[Stroke] = (),
        canvas: DrawingCanvas | None = None,
        panel: ReadingsPanel | None = None,
    ) -> None:
        """Wire ``read`` between a canvas (showing ``strokes`` first, if given) and a panel."""
        self.canvas = canvas if canvas is not None else DrawingCanvas()
        self.panel = panel if panel is not None else ReadingsPanel()
        self.read = read
        #: Duration of every update so far, in seconds.
        self.seconds: list[float] = []
        #: The readings shown now (empty when nothing is drawn).
        self.readings: list[Reading] = []
        super().__init__([self.canvas, self.panel], layout=ipywidgets.Layout(align_items="flex-start"))
        self.panel.layout.margin = "0 0 0 24px"
        self.canvas.observe(self._update, "strokes")
        if strokes:
            self.canvas.strokes = [[list(map(float, point)) for point in s] for s in strokes]
        else:
            self._update()

    def _update(self, change: dict | None = None) -> None:
        if self.canvas.is_empty:
            self.readings = []
            self.panel.clear()
            return
        start = time.perf_counter()
        try:
            self.readings = list(self.read(self.canvas.image()))
        except Exception as error:  # shown to the learner: a widget callback's error is otherwise invisible
            self.readings = []
            self.panel.show([], status=f"Error in {getattr(self.read, '__name__', 'read')}: {error!r}")
            raise
        self.panel.readings = [reading.to_json() for reading in self.readings]
        elapsed = time.perf_counter() - start
        self.seconds.append(elapsed)
        self.panel.status = f"updated in {elapsed * 1000:.0f} ms"

    def __repr__(self) -> str:
        # Short and stable: notebooks store this text as the widget's output, and nbval compares it.
        return f"LiveDrawing({self.canvas!r}, {self.panel!r})"


def load_picture(source: Path | str | bytes, name: str = "the upload") -> Image.Image:
    """A picture file (its path) or an upload's bytes → the picture in memory; the file is only read.

    The picture comes as stored (mode, size, first frame, EXIF orientation in its info), so that
    preparing it later gives what preparing the file gives. What cannot be read as a picture raises
    :class:`~dvdl_helpers.imageprep.PictureError` with the reason (:mod:`dvdl_helpers.imageprep.problems`
    decides, as for every reader of pictures in the package); ``name`` is the upload's file name.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        if not len(source):
            raise PictureError(name, "empty file")
        try:
            return _load(io.BytesIO(bytes(source)))
        except Exception as error:  # any decoder error: see imageprep.problems
            raise PictureError(name, problem_reason(name, error)) from error
    [(_, picture)] = read_each([Path(source).expanduser()], _load)
    if isinstance(picture, PictureError):
        raise picture
    return picture


def _load(file: Path | io.BytesIO) -> Image.Image:
    with open_picture(file) as picture:
        picture.load()
        return picture.copy()


class PictureReader(ipywidgets.VBox):
    """Upload a picture or type its path, and see what models read in it, in a :class:`ReadingsPanel`.

    ``read(picture) -> [Reading, ...]`` gets the picture from :func:`load_picture`. A file that cannot be
    read is named in the panel's status line with the reason, and the readings shown stay as they were;
    files are only read. A picture read empties the other control (the path box after an upload, the
    upload after a typed path): a widget reports only a *change* of its value, so the path shown before
    an upload, or the file uploaded before a path, would otherwise not be read again; the *Read* button
    reads the typed path again (Enter on an unchanged path changes nothing). Without a browser,
    :meth:`read_path` and :meth:`read_upload` do what typing a path and uploading a file do. Each
    reading's duration is kept in :attr:`seconds`.
    """

    def __init__(
        self,
        read: Callable[[Image.Image], Sequence[Reading]],
        *,
        path: Path | str | None = None,
        panel: ReadingsPanel | None = None,
    ) -> None:
        """Wire ``read`` between an upload button, a path box and a panel; read ``path`` first, if given."""
        self.read = read
        self.upload = ipywidgets.FileUpload(
            accept="image/*",
            multiple=False,
            description="Upload a picture",
            layout=ipywidgets.Layout(width="auto"),  # a button's fixed width cuts "Upload a picture (1)"
        )
        self.path_box = ipywidgets.Text(
            placeholder="or type a picture's path here and press Enter",
            continuous_update=False,  # read when Enter is pressed (or the box is left), not at every key
            layout=ipywidgets.Layout(width="32em"),
        )
        # Enter on an unchanged path is no change, so the box reports nothing: the button reads it again
        # (a chart saved anew under the same name).
        self.read_button = ipywidgets.Button(
            description="Read", tooltip="read the typed path (again)", layout=ipywidgets.Layout(width="auto")
        )
        self.panel = panel if panel is not None else ReadingsPanel()
        self.panel.empty_text = "Upload a picture, or type its path."
        #: The readings shown now, and the name of the file they are of.
        self.readings: list[Reading] = []
        self.name = ""
        #: Duration of every reading so far, in seconds.
        self.seconds: list[float] = []
        super().__init__([ipywidgets.HBox([self.upload, self.path_box, self.read_button]), self.panel])
        self.upload.observe(self._uploaded, "value")
        self.path_box.observe(self._path_typed, "value")
        self.read_button.on_click(lambda _: self._path_typed({"new": self.path_box.value}))
        if path is not None:
            self.path_box.value = str(path)  # as if typed: read at once

    def read_path(self, path: Path | str) -> bool:
        """Read the picture at ``path`` (relative to the working folder); False if it cannot be read."""
        path = Path(path).expanduser()
        lost = not path.is_absolute() and not path.exists()
        hint = f" (relative paths start in {Path.cwd()})" if lost else ""
        read = self._show(path.name, lambda: load_picture(path), str(path), hint)
        if read:
            self.upload.value = ()  # the same file uploaded next is a change: it is read
        return read

    def read_upload(self, name: str, content: bytes) -> bool:
        """Read an uploaded file's ``content`` (``name`` is its file name); False if it cannot be read."""
        read = self._show(name, lambda: load_picture(content, name), name, "")
        if read:
            self.path_box.value = ""  # the path shown before, typed again, is a change: it is read
        return read

    def _show(self, name: str, load: Callable[[], Image.Image], said: str, hint: str) -> bool:
        try:
            picture = load()
        except PictureError as error:
            kept = f"Still showing {self.name}." if self.name else ""
            self.panel.status = f"Cannot read {said}: {error.reason}{hint}. {kept}".strip()
            return False
        start = time.perf_counter()
        try:
            readings = list(self.read(picture))
        except Exception as error:  # shown to the learner: a widget callback's error is otherwise invisible
            self.panel.status = f"Error in {getattr(self.read, '__name__', 'read')} for {name}: {error!r}"
            raise
        self.readings, self.name = readings, name
        self.panel.readings = [reading.to_json() for reading in readings]
        elapsed = time.perf_counter() - start
        self.seconds.append(elapsed)
        self.panel.status = f"{name}: read in {elapsed * 1000:.0f} ms"
        return True

    def _path_typed(self, change: dict) -> None:
        if change["new"].strip():
            self.read_path(change["new"].strip())

    def _uploaded(self, change: dict) -> None:
        if change["new"]:
            upload = change["new"][-1]  # ipywidgets 8: a tuple of dicts with "name" and "content"
            self.read_upload(upload["name"], bytes(upload["content"]))

    def __repr__(self) -> str:
        # Short and stable: notebooks store this text as the widget's output, and nbval compares it.
        return f"PictureReader({self.name or 'no picture'}, {self.panel!r})"
