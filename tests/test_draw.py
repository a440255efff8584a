"""Tests of the drawing widgets' Python side: strokes → image, callbacks, clear, readings, stable reprs.

What the browser does (drawing with the mouse, the Clear button) is tested in ``test_browser_draw.py``.
"""

from __future__ import annotations

import base64
import datetime
import io

import numpy as np
import pytest
import traitlets
from PIL import Image, ImageDraw

from dvdl_helpers import draw
from dvdl_helpers.imageprep import PictureError

VERTICAL = [[[140.0, 40.0], [140.0, 240.0]]]
SEVEN = [[[70, 60], [210, 60], [120, 240]]]


def test_strokes_become_black_ink_on_white_where_drawn():
    image = draw.strokes_to_image(VERTICAL, size=280, pen_width=18)
    pixels = np.asarray(image)
    assert image.mode == "L" and image.size == (280, 280)
    assert pixels[140, 140] == 0 and pixels[40, 140] == 0 and pixels[240, 140] == 0  # ink on the stroke
    assert pixels[140, 60] == 255 and pixels[10, 10] == 255  # paper elsewhere
    ink_columns = np.flatnonzero((pixels < 128).any(axis=0))
    assert 16 <= len(ink_columns) <= 20, "the stroke is as wide as the pen"
    inked_rows = (pixels < 128).any(axis=1)
    assert inked_rows[31:249].all() and not inked_rows[:30].any(), "round caps reach past the ends"


def test_a_single_point_is_a_dot_and_no_strokes_is_blank():
    dot = np.asarray(draw.strokes_to_image([[[50, 60]]], pen_width=10))
    assert dot[60, 50] == 0 and dot[60, 57] == 255
    assert np.asarray(draw.strokes_to_image([])).min() == 255


def test_canvas_image_matches_its_strokes_and_does_not_change_them():
    strokes = [[[10, 20], [30, 40]]]
    canvas = draw.DrawingCanvas(strokes, size=100, pen_width=6)
    assert canvas.strokes == [[[10.0, 20.0], [30.0, 40.0]]]
    assert np.array_equal(np.asarray(canvas.image()), np.asarray(draw.strokes_to_image(strokes, 100, 6)))
    assert strokes == [[[10, 20], [30, 40]]], "the caller's strokes were modified"


def test_each_finished_stroke_calls_back_with_the_drawing_and_clear_empties_it():
    canvas = draw.DrawingCanvas()
    received: list[Image.Image] = []
    canvas.on_draw(received.append)
    canvas.strokes = [*canvas.strokes, VERTICAL[0]]  # what the browser sends when the pen lifts
    canvas.strokes = [*canvas.strokes, [[100, 100], [200, 100]]]
    assert len(received) == 2 and received[1].size == (280, 280)
    assert np.asarray(received[1])[100, 170] == 0, "the second image holds the second stroke"
    assert not canvas.is_empty
    canvas.clear()
    assert canvas.strokes == [] and canvas.is_empty
    assert len(received) == 2, "clearing calls no drawing callback"
    assert np.asarray(canvas.image()).min() == 255


def test_bad_strokes_and_sizes_are_refused_with_a_message():
    canvas = draw.DrawingCanvas(VERTICAL)
    with pytest.raises(traitlets.TraitError, match="every point must be"):
        canvas.strokes = [[[1.0, 2.0, 3.0]]]
    assert canvas.strokes == VERTICAL, "a refused drawing loses nothing"
    with pytest.raises(traitlets.TraitError, match="must be positive"):
        draw.DrawingCanvas(size=0)
    with pytest.raises(traitlets.TraitError, match="must be positive"):
        canvas.pen_width = -1


def test_reading_knows_its_prediction_and_refuses_mismatched_lengths():
    reading = draw.Reading("model", ["a", "b", "c"], [0.2, 0.7, 0.1])
    assert reading.prediction == "b" and reading.confidence == pytest.approx(0.7)
    assert reading.to_json() == {
        "title": "model",
        "classes": ["a", "b", "c"],
        "probabilities": [0.2, 0.7, 0.1],
        "picture": "",
        "caption": "",
    }
    with pytest.raises(ValueError, match="2 probabilities for 3 classes"):
        draw.Reading("model", ["a", "b", "c"], [0.5, 0.5])


def test_a_reading_picture_travels_as_a_png_data_url():
    picture = Image.new("RGB", (4, 3), (255, 0, 0))
    url = draw.Reading("m", ["x"], [1.0], picture=picture).to_json()["picture"]
    assert url.startswith("data:image/png;base64,")
    decoded = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert decoded.size == (4, 3) and decoded.getpixel((0, 0)) == (255, 0, 0)


def test_heatmap_overlay_keeps_paper_white_and_colours_the_hot_pixels():
    ink = np.zeros((28, 28), dtype=np.uint8)
    ink[10:18, 13:15] = 255
    heat = np.zeros((28, 28))
    heat[2, 2] = 5.0
    before = heat.copy()
    overlay = np.asarray(draw.heatmap_overlay(ink, heat, scale=5))
    assert overlay.shape == (140, 140, 3)
    assert (overlay[100, 100] == 255).all(), "cold paper stays white"
    assert 90 <= overlay[70, 70].min() == overlay[70, 70].max() <= 120, "cold ink stays gray"
    assert not (overlay[12, 12] == 255).all(), "the hot pixel is coloured"
    assert np.array_equal(heat, before), "the heat map was modified"
    with pytest.raises(ValueError, match="one H×W shape"):
        draw.heatmap_overlay(ink, heat[:10])
    assert np.asarray(draw.heatmap_overlay(ink, np.zeros((28, 28))))[0, 0].tolist() == [255, 255, 255]
    chart = 255 - ink  # dark on light, as a chart is stored
    assert np.array_equal(draw.heatmap_overlay(chart, heat, dark_ink=True), draw.heatmap_overlay(ink, heat))


def fake_read(image: Image.Image) -> list[draw.Reading]:
    """A stand-in model: 'ink' when more than 1 % of the pixels are dark, else 'paper'."""
    ink = float((np.asarray(image) < 128).mean())
    p = 1.0 if ink > 0.01 else 0.0
    return [draw.Reading("fake", ["paper", "ink"], [1 - p, p])]


def test_live_drawing_reads_every_stroke_clears_with_the_canvas_and_times_updates():
    live = draw.LiveDrawing(fake_read, strokes=SEVEN)
    assert [reading.prediction for reading in live.readings] == ["ink"]
    assert live.panel.readings[0]["probabilities"] == [0.0, 1.0]
    assert len(live.seconds) == 1 and live.panel.status.startswith("updated in ")
    live.canvas.strokes = [*live.canvas.strokes, VERTICAL[0]]
    assert len(live.seconds) == 2
    live.canvas.clear()  # the Clear button
    assert live.readings == [] and live.panel.readings == [] and live.panel.status == ""
    assert live.children == (live.canvas, live.panel)


def test_live_drawing_starts_empty_and_shows_errors_in_the_panel():
    live = draw.LiveDrawing(fake_read)
    assert live.readings == [] and live.seconds == []

    def broken(image):
        raise RuntimeError("model missing")

    live.read = broken
    with pytest.raises(RuntimeError, match="model missing"):
        live.canvas.strokes = VERTICAL
    assert "model missing" in live.panel.status and live.panel.readings == []


def test_widget_texts_are_short_and_stable():
    """nbval compares a widget output's text/plain: it must not hold ids or drawings."""
    live = draw.LiveDrawing(fake_read, strokes=SEVEN)
    text = live._repr_mimebundle_()["text/plain"]
    assert text == "LiveDrawing(DrawingCanvas(280×280 px, 1 strokes), ReadingsPanel(1 readings))"
    assert repr(draw.ReadingsPanel()) == "ReadingsPanel(0 readings)"


def test_widgets_carry_their_javascript_inline():
    """No CDN and no extension to build: the ES module is part of the widget's state."""
    for widget in (draw.DrawingCanvas(), draw.ReadingsPanel()):
        source = widget._esm
        assert "export default" in source and "http" not in source


def chart_file(folder, name="chart.png", mode="RGBA") -> tuple:
    """A small picture file with a dark mark on a transparent or white background, and its bytes."""
    picture = Image.new(mode, (40, 30), (0, 0, 0, 0) if mode == "RGBA" else "white")
    ImageDraw.Draw(picture).rectangle([5, 10, 15, 28], fill="navy")
    path = folder / name
    picture.save(path)
    return path, path.read_bytes()


def size_read(picture: Image.Image) -> list[draw.Reading]:
    """A stand-in model: 'wide' for pictures wider than tall, else 'tall'."""
    wide = 1.0 if picture.width > picture.height else 0.0
    return [draw.Reading("size", ["tall", "wide"], [1 - wide, wide], caption=picture.mode)]


def test_load_picture_reads_a_file_or_an_upload_as_stored(tmp_path):
    path, content = chart_file(tmp_path)
    from_file, from_upload = draw.load_picture(path), draw.load_picture(content, "chart.png")
    assert from_file.mode == from_upload.mode == "RGBA" and from_file.size == (40, 30)
    assert np.array_equal(np.asarray(from_file), np.asarray(from_upload))
    assert path.read_bytes() == content, "the file was changed"


def test_load_picture_names_what_cannot_be_read(tmp_path):
    (tmp_path / "notes.png").write_text("not a picture")
    with pytest.raises(PictureError, match="not found"):
        draw.load_picture(tmp_path / "missing.png")
    with pytest.raises(PictureError, match=r"corrupt image or not a \.png file"):
        draw.load_picture(tmp_path / "notes.png")
    with pytest.raises(PictureError, match="a folder"):
        draw.load_picture(tmp_path)
    with pytest.raises(PictureError, match="empty file") as raised:
        draw.load_picture(b"", "upload.png")
    assert raised.value.path.name == "upload.png"
    with pytest.raises(PictureError, match="not an image"):
        draw.load_picture(b"plain text", "notes.txt")


def test_picture_reader_reads_the_path_it_starts_with_and_every_path_typed(tmp_path):
    path, _ = chart_file(tmp_path)
    reader = draw.PictureReader(size_read, path=path)
    assert reader.path_box.value == str(path), "the box shows what was read"
    assert [r.prediction for r in reader.readings] == ["wide"] and reader.name == "chart.png"
    assert reader.panel.readings[0]["caption"] == "RGBA", "read gets the picture as stored"
    assert reader.panel.status.startswith("chart.png: read in ") and len(reader.seconds) == 1
    tall = tmp_path / "tall.png"
    Image.new("L", (10, 50), 255).save(tall)
    reader.path_box.value = f"  {tall}  "  # typed, then Enter
    assert reader.name == "tall.png" and reader.readings[0].prediction == "tall"


def test_picture_reader_reads_an_unchanged_path_again_with_its_button(tmp_path):
    """Enter on the same path changes nothing in the box; the Read button reads the file as it is now."""
    path, _ = chart_file(tmp_path)
    reader = draw.PictureReader(size_read, path=path)
    assert reader.readings[0].prediction == "wide"
    Image.new("L", (10, 50), 255).save(path)  # the chart saved anew under the same name
    reader.path_box.value = str(path)  # Enter again: no change, nothing read
    assert reader.readings[0].prediction == "wide" and len(reader.seconds) == 1
    reader.read_button.click()
    assert reader.readings[0].prediction == "tall" and len(reader.seconds) == 2
    reader.path_box.value = ""
    reader.read_button.click()  # nothing typed: nothing read, nothing said
    assert len(reader.seconds) == 2 and reader.name == "chart.png"


def test_picture_reader_says_why_a_file_cannot_be_read_and_keeps_what_it_showed(tmp_path, monkeypatch):
    path, _ = chart_file(tmp_path)
    reader = draw.PictureReader(size_read, path=path)
    shown, panel_shown = reader.readings, reader.panel.readings
    (tmp_path / "notes.txt").write_text("hello")
    before = (tmp_path / "notes.txt").read_bytes()
    assert reader.read_path(tmp_path / "notes.txt") is False
    assert "notes.txt: not an image" in reader.panel.status
    assert "Still showing chart.png" in reader.panel.status
    assert reader.readings == shown and reader.panel.readings == panel_shown and reader.name == "chart.png"
    assert (tmp_path / "notes.txt").read_bytes() == before, "a bad file is only read"
    monkeypatch.chdir(tmp_path)
    assert reader.read_path("nowhere/chart.png") is False
    assert "not found (relative paths start in" in reader.panel.status
    assert reader.read_path("chart.png") is True, "a relative path starts in the working folder"


def test_picture_reader_reads_uploads_and_refuses_bad_ones_with_a_message(tmp_path):
    reader = draw.PictureReader(size_read)
    assert reader.readings == [] and repr(reader) == "PictureReader(no picture, ReadingsPanel(0 readings))"
    assert reader.read_upload("broken.png", b"\x89PNG\r\n\x1a\n broken") is False
    assert reader.panel.status.startswith("Cannot read broken.png: ") and reader.readings == []
    _, content = chart_file(tmp_path)
    reader.upload.value = uploaded("mine.png", content)
    assert reader.name == "mine.png" and reader.readings[0].prediction == "wide"
    assert repr(reader) == "PictureReader(mine.png, ReadingsPanel(1 readings))"


def uploaded(name: str, content: bytes) -> tuple[dict, ...]:
    """The FileUpload value the browser sends (ipywidgets 8) for one file ``name`` holding ``content``."""
    upload = {"name": name, "type": "image/png", "size": len(content), "content": memoryview(content)}
    upload["last_modified"] = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    return (upload,)


def test_picture_reader_reads_a_path_or_an_upload_again_after_the_other(tmp_path):
    path, content = chart_file(tmp_path)
    tall = tmp_path / "tall.png"
    Image.new("L", (10, 50), 255).save(tall)
    (tmp_path / "notes.txt").write_text("hello")
    reader = draw.PictureReader(size_read, path=tall)
    reader.upload.value = uploaded("chart.png", content)
    assert reader.name == "chart.png" and reader.path_box.value == "", "the box still shows tall.png"
    reader.path_box.value = str(tall)  # the path read before the upload, typed again
    assert reader.name == "tall.png", "the path typed again was not read"
    assert reader.upload.value == (), "the upload still holds chart.png"
    reader.upload.value = uploaded("chart.png", content)  # the same file uploaded again
    assert reader.name == "chart.png", "the file uploaded again was not read"
    assert len(reader.seconds) == 4
    # What cannot be read empties nothing: the controls keep what the panel shows.
    reader.path_box.value = str(tmp_path / "notes.txt")
    assert reader.name == "chart.png" and len(reader.upload.value) == 1
    assert reader.read_upload("notes.txt", b"hello") is False
    assert reader.path_box.value == str(tmp_path / "notes.txt")


def test_picture_reader_upload_button_is_wide_enough_for_its_label():
    reader = draw.PictureReader(size_read)
    # ipywidgets' buttons have a fixed width that cuts "Upload a picture (1)" to "Upload a pictu..."
    assert reader.upload.layout.width == "auto"


def test_picture_reader_shows_errors_of_read_in_the_panel(tmp_path):
    path, _ = chart_file(tmp_path)

    def broken(picture):
        raise RuntimeError("model missing")

    reader = draw.PictureReader(broken)
    with pytest.raises(RuntimeError, match="model missing"):
        reader.read_path(path)
    assert "Error in broken for chart.png" in reader.panel.status and reader.readings == []
