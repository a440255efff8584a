"""Tests of dvdl_helpers.charts.real (any picture → classifier input, the shipped real charts, classify) and
of the classifier recipe's splits (``charts.training``)."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dvdl_helpers import charts, imageprep
from dvdl_helpers.charts import real, training


@pytest.mark.parametrize("size", [(1000, 50), (3, 500), (640, 480), (17, 17)])
def test_prepare_any_size_padded_keeps_the_aspect_ratio(size):
    image = Image.new("RGB", size, "white")
    image.paste((30, 30, 200), (size[0] // 4, size[1] // 4, size[0] // 2 + 1, size[1] // 2 + 1))
    out = real.prepare_chart(image, 32, crop=False, pad=True)
    assert out.shape == (32, 32) and out.dtype == np.uint8
    if size[0] > 5 * size[1]:  # wide: padded with paper above and below
        assert out[0].min() > 240 and out[-1].min() > 240
    assert real.prepare_chart(image, 32).shape == (32, 32)  # the default stretches


def test_prepare_stretches_to_the_square_by_default():
    image = Image.new("RGB", (1000, 50), "white")
    image.paste((0, 0, 0), (400, 0, 600, 50))  # a dark stripe from the top to the bottom
    padded = real.prepare_chart(image, 32, crop=False, pad=True)
    stretched = real.prepare_chart(image, 32, crop=False)
    assert padded[0].min() > 240 and padded[-1].min() > 240  # paper above and below
    assert stretched[0].min() < 60 and stretched[-1].min() < 60  # the stripe fills the height
    assert stretched[:, 0].min() > 240  # and the paper to its left stays paper


def test_prepare_reads_16_bit_pictures_like_8_bit_ones():
    """A 16-bit gray picture (scientific tools save them) is mapped to 8 bits, not clipped to white."""
    eight = Image.new("L", (80, 60), 250)
    eight.paste(30, (20, 20, 40, 50))
    sixteen = Image.fromarray(np.asarray(eight).astype(np.uint16) * 257)
    assert sixteen.mode == "I;16"
    assert np.array_equal(real.prepare_chart(sixteen, 32), real.prepare_chart(eight, 32))


def test_prepare_transparency_dark_theme_and_modes():
    rgba = Image.new("RGBA", (80, 60), (0, 0, 0, 0))  # transparent (black) paper: reads as white
    rgba.paste((200, 0, 0, 255), (20, 20, 40, 50))
    light = real.prepare_chart(rgba, 32)
    assert np.median(light[[0, -1]]) > 240 and light.min() < 120
    dark = Image.new("RGB", (80, 60), (20, 20, 30))  # a dark theme: inverted to light paper
    dark.paste((240, 240, 90), (20, 20, 40, 50))
    assert np.median(real.prepare_chart(dark, 32)[[0, -1]]) > 200
    for mode in ("L", "LA", "P", "I;16", "CMYK"):
        assert real.prepare_chart(dark.convert(mode), 24).shape == (24, 24), mode


def test_prepare_in_colour_crops_and_inverts_as_the_gray_preparation():
    """``color=True`` keeps the hues; paper, margins and dark themes are judged as in gray."""
    dark = Image.new("RGB", (120, 80), (20, 20, 30))
    dark.paste((240, 200, 40), (30, 20, 60, 70))  # a yellow bar on dark paper
    colour, gray = real.prepare_chart(dark, 32, color=True), real.prepare_chart(dark, 32)
    assert colour.shape == (32, 32, 3) and colour.dtype == np.uint8 and gray.shape == (32, 32)
    assert np.median(colour[[0, -1]]) > 200  # inverted to light paper
    ink = gray < 128  # the bar, where the gray preparation puts it
    assert ink.any() and (colour[ink, 2] > colour[ink, 0] + 60).all()  # yellow inverted is blue
    luminance = colour.astype(float) @ [0.299, 0.587, 0.114]  # as Pillow turns RGB into gray
    assert np.abs(luminance - gray).mean() < 8
    assert real.prepare_chart(dark, 24, color=True, pad=True).shape == (24, 24, 3)


def test_network_input_and_preparation_follow_the_models_channels():
    assert real.network_input(np.full((2, 8, 8), 255, np.uint8)).shape == (2, 8, 8, 1)
    colour = real.network_input(np.zeros((2, 8, 8, 3), np.uint8))
    assert colour.shape == (2, 8, 8, 3) and colour.dtype == np.float32

    class Net:
        def __init__(self, channels):
            self.input_shape = (None, 8, 8, channels)

    assert real.preparation_of(Net(1)) == {} and real.preparation_of(Net(3)) == {"color": True}


def test_classify_in_order_skipping_broken_files(tiny_chart_model, chart_pictures):
    files = real.expand_inputs([chart_pictures])
    before, problems = sorted(chart_pictures.iterdir()), []
    results = charts.classify(files, tiny_chart_model, problems=problems)
    assert [f.name for f in files] == ["a_transparent.png", "b_dark_tall.jpg", "c_broken.png", "d_tiny.gif"]
    assert results[2] is None and len(problems) == 1 and "c_broken.png" in problems[0]
    for result in (results[0], results[1], results[3]):
        kind, probability = result
        assert kind in charts.CHART_TYPES and 0 < probability <= 1
    assert sorted(chart_pictures.iterdir()) == before  # nothing written next to the inputs


def test_a_folders_pictures_pillow_cannot_read_are_named_not_left_out(tiny_chart_model, tmp_path):
    chart = Image.new("RGB", (60, 40), "white")
    chart.paste((30, 60, 200), (10, 10, 20, 35))
    chart.save(tmp_path / "chart.png")
    for name in ("IMG_0001.HEIC", "exported.svg"):  # a phone's photo, a chart saved as a drawing
        (tmp_path / name).write_bytes(b"\x00\x00\x00\x18ftypheic or <svg/>: bytes Pillow cannot identify")
    for name in ("Thumbs.db", "desktop.ini", ".DS_Store", "._chart.png", "notes.csv"):  # not pictures
        (tmp_path / name).write_bytes(b"\x00\x05\x16\x07 bytes of no picture")
    files = real.expand_inputs([tmp_path])
    assert [f.name for f in files] == ["IMG_0001.HEIC", "chart.png", "exported.svg"]
    answers = {a.file.name: a for a in charts.iter_classify(files, tiny_chart_model)}
    assert answers["chart.png"].problem is None
    assert answers["IMG_0001.HEIC"].problem == (
        "unsupported format: Pillow cannot read .heic files (convert it to PNG or JPEG)"
    )
    assert answers["exported.svg"].problem.startswith("unsupported format: Pillow cannot read .svg files")


def test_charts_exported_as_documents_or_drawings_are_named_with_their_reason(tiny_chart_model, tmp_path):
    chart = Image.new("RGB", (60, 40), "white")
    chart.paste((30, 60, 200), (10, 10, 20, 35))
    chart.save(tmp_path / "figure.pdf")  # Pillow writes PDF, and cannot read it back
    (tmp_path / "figure.eps").write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 60 40\nshowpage\n")
    emf_header = struct.pack("<II4i4i", 1, 108, 0, 0, 60, 40, 0, 0, 1500, 1000) + b" EMF" + bytes(64)
    (tmp_path / "copied.emf").write_bytes(emf_header)  # Office's drawing: Pillow reads it on Windows only
    chart.save(tmp_path / "scan.ppm")  # a format Pillow reads
    files = real.expand_inputs([tmp_path])
    assert [f.name for f in files] == ["copied.emf", "figure.eps", "figure.pdf", "scan.ppm"], "none left out"
    answers = {a.file.name: a for a in charts.iter_classify(files, tiny_chart_model)}
    assert answers["scan.ppm"].problem is None
    assert answers["figure.pdf"].problem.startswith("unsupported format: Pillow cannot read .pdf files")
    assert "PostScript program, which is not run here" in answers["figure.eps"].problem
    assert answers["copied.emf"].problem == (
        "unsupported format: Pillow cannot read .emf files here (convert it to PNG or JPEG)"
    )


def test_a_blank_picture_is_skipped_with_its_reason_and_the_rest_classified(tiny_chart_model, tmp_path):
    blank, white_page = tmp_path / "blank.png", tmp_path / "scan.jpg"
    Image.new("RGB", (120, 80), (240, 240, 235)).save(blank)  # one colour: nothing to classify
    noisy = np.clip(np.random.default_rng(0).normal(245, 1.5, (80, 60)), 0, 255).astype(np.uint8)
    Image.fromarray(noisy).save(white_page)  # a white page with sensor noise: still blank
    chart = tmp_path / "chart.png"
    drawn = Image.new("RGB", (120, 80), "white")
    drawn.paste((30, 60, 200), (20, 30, 40, 75))
    drawn.save(chart)
    answers = list(charts.iter_classify([blank, chart, white_page], tiny_chart_model))
    assert [a.problem is None for a in answers] == [False, True, False]
    assert all("blank" in a.problem for a in (answers[0], answers[2]))
    problems = []
    assert charts.classify([blank], tiny_chart_model, problems=problems) == [None]
    assert problems == [f"{blank}: skipped ({answers[0].problem})"]


def test_real_charts_ship_and_load():
    x, types, files = charts.load_real_charts(size=32)
    assert x.shape == (248, 32, 32) and x.dtype == np.uint8 and len(files) == 248
    counts = dict(zip(*np.unique(types, return_counts=True), strict=True))
    assert counts == dict(area=19, bar=74, box=13, hbar=24, histogram=13, line=55, pie=5, scatter=45)
    assert (real.REAL_CHARTS_DIR / "LICENSE-vega-lite.txt").exists()


def test_balanced_accuracy_and_split():
    assert real.balanced_accuracy(["bar", "bar", "pie"], ["bar", "pie", "pie"]) == pytest.approx(0.75)
    masks = training.split_by_index(np.repeat(np.arange(3), 10), (7, 2, 1))
    assert np.flatnonzero(masks["test"]).tolist() == [9, 19, 29] and masks["val"].sum() == 6
    assert (masks["train"].astype(int) + masks["val"] + masks["test"] == 1).all()
    assert training.proportional_split(600) == (480, 60, 60)


def test_type_probabilities_average_the_chart_and_its_mirror_image(tiny_chart_model):
    import keras

    model = keras.models.load_model(tiny_chart_model, compile=False)
    size = int(model.input_shape[1])
    pictures = np.random.default_rng(0).integers(0, 256, (3, size, size), dtype=np.uint8)
    both = charts.type_probabilities(model, pictures)
    one = charts.type_probabilities(model, pictures, mirror=False)
    mirrored = charts.type_probabilities(model, pictures[:, :, ::-1], mirror=False)
    assert both.shape == (3, len(charts.CHART_TYPES)) and np.allclose(both.sum(axis=1), 1, atol=1e-5)
    assert np.allclose(both, (one + mirrored) / 2, atol=1e-5)
    assert np.allclose(charts.type_probabilities(model, pictures[:, :, ::-1]), both, atol=1e-5)


def test_saved_classifier_says_which_setting_trained_it(tiny_chart_model, tmp_path):
    import keras

    model = keras.models.load_model(tiny_chart_model, compile=False)
    path = charts.real.save_classifier(model, tmp_path / "sub" / "model.keras", setting="quick", epochs=2)
    assert path.exists() and path.with_suffix(".json").exists()
    assert charts.real.classifier_facts(path) == {"setting": "quick", "epochs": 2}
    assert charts.real.classifier_facts(tmp_path / "none.keras") == {}


def test_a_quick_model_never_replaces_a_full_one(tiny_chart_model, tmp_path):
    import keras

    model = keras.models.load_model(tiny_chart_model, compile=False)
    path = tmp_path / "model.keras"
    assert charts.real.save_classifier(model, path, setting="quick") == path
    assert charts.real.save_classifier(model, path, setting="full", epochs=20) == path  # full replaces quick
    beside = charts.real.save_classifier(model, path, setting="quick", epochs=8)
    assert beside == tmp_path / "model_quick.keras" and beside.exists()
    assert charts.real.classifier_facts(path) == {"setting": "full", "epochs": 20}, "the full model is kept"
    assert charts.real.classifier_facts(beside) == {"setting": "quick", "epochs": 8}


def test_list_chart_folder_sorts_types_and_files_and_skips_empty_folders(tmp_path):
    for kind, names in {"pie": ["pie_1.png", "pie_0.png"], "bar": ["bar_0.png"], "empty": []}.items():
        (tmp_path / kind).mkdir()
        for name in names:
            Image.new("L", (8, 8), 255).save(tmp_path / kind / name)
    (tmp_path / "notes.txt").write_text("not a type")
    class_names, files = real.list_chart_folder(tmp_path)
    assert class_names == ["bar", "pie"]
    assert [[p.name for p in group] for group in files] == [["bar_0.png"], ["pie_0.png", "pie_1.png"]]


def test_answers_stream_batch_by_batch_and_keyboard_interrupt_stops_at_once(
    tiny_chart_model, chart_pictures, monkeypatch
):
    good = chart_pictures / "a_transparent.png"
    handed_out = []

    def files():  # a long folder, read lazily: records how far the classifier has read
        for index in range(1000):
            handed_out.append(index)
            yield good

    answers = charts.iter_classify(files(), tiny_chart_model, batch_size=4)
    first = next(answers)
    assert first == charts.ChartAnswer(good, first.type, first.probability, problem=None)
    assert len(handed_out) == 4  # one batch read, not the whole folder
    calls = []

    def interrupted(path, size):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return np.full((size, size), 255, np.uint8)

    monkeypatch.setattr(real, "prepare_chart", interrupted)
    with pytest.raises(KeyboardInterrupt):
        list(charts.iter_classify([good] * 5, tiny_chart_model, batch_size=10))
    assert len(calls) == 2  # not a "problem" of the second file: the run stops there


def test_strict_loaders_name_every_unreadable_file(tmp_path):
    for kind in ("bar", "pie"):
        (tmp_path / kind).mkdir()
        Image.new("L", (8, 8), 255).save(tmp_path / kind / f"{kind}_0.png")
    (tmp_path / "pie" / "pie_1.png").write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    with pytest.raises(imageprep.PictureError, match="1 file") as caught:
        real.load_prepared_charts(tmp_path, 16)
    assert "pie_1.png" in str(caught.value) and isinstance(caught.value, OSError)


def test_expand_inputs_walks_folders_once_skips_hidden_and_names_unlisted(tmp_path, monkeypatch):
    top = tmp_path / "top"
    (top / "sub" / "deeper").mkdir(parents=True)
    (top / ".hidden").mkdir()
    for path in [
        top / "a.png",
        top / "sub" / "b.JPG",
        top / "sub" / "deeper" / "c.ico",
        top / ".hidden" / "d.png",
    ]:
        path.write_bytes(b"x")
    (top / "notes.csv").write_text("not a picture")
    (top / "sub" / ".e.png").write_bytes(b"x")
    (top / "sub" / "deeper" / "loop").symlink_to(top, target_is_directory=True)  # a link loop
    (top / os.fsdecode(b"caf\xe9.png")).write_bytes(b"x")  # a name that is not UTF-8
    names = [p.relative_to(top).as_posix() for p in real.expand_inputs([top])]
    assert names == ["a.png", os.fsdecode(b"caf\xe9.png"), "sub/b.JPG", "sub/deeper/c.ico"]
    assert real.expand_inputs([tmp_path / "missing.png"]) == [tmp_path / "missing.png"]  # named later
    (tmp_path / "empty").mkdir()
    unlisted = []
    assert real.expand_inputs([tmp_path / "empty", top / "a.png"], unlisted=unlisted) == [top / "a.png"]
    assert unlisted == [(tmp_path / "empty", real.NO_PICTURES)]

    scandir = os.scandir

    def locked(path):
        if Path(path).name == "sub":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", locked)
    unlisted = []
    assert [p.name for p in real.expand_inputs([top], unlisted=unlisted)] == [
        "a.png",
        os.fsdecode(b"caf\xe9.png"),
    ]
    assert unlisted == [(top / "sub", "cannot list this folder: unreadable: permission denied")]


def test_classifier_answer_is_the_unsure_rule_of_calibration(tiny_chart_model):
    network = real.load_classifier(tiny_chart_model)
    size = int(network.input_shape[1])
    images = np.random.default_rng(3).integers(0, 256, (12, size, size), dtype=np.uint8)
    logits = real.type_logits(network, images)
    probabilities = charts.calibration.probabilities(logits, 1.7)
    best = charts.calibration.probabilities(logits).argmax(1)
    threshold = float(np.median(probabilities[np.arange(12), best]))  # some sure, some not
    kinds, sure, unsure = real.Classifier(network, "test", 1.7, threshold).answer(images)
    said = charts.calibration.answers(probabilities, threshold, best=best)
    assert (np.where(unsure, charts.calibration.UNSURE, kinds) == said).all() and 0 < unsure.sum() < 12
    assert sure == pytest.approx(probabilities[np.arange(12), best])
