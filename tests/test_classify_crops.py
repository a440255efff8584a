"""tools/classify_crops.py: a set read without the sheet crop and with it, recorded."""

import json

import numpy as np
import pytest
from helpers import TOOLS, load_script
from PIL import Image

crops = load_script(TOOLS / "classify_crops.py")


def records_in(tmp_path, monkeypatch):
    """A records folder in ``tmp_path`` that the tool appends to instead of benchmarks/results."""
    records = tmp_path / "results"
    records.mkdir()
    monkeypatch.setattr(crops.charts.trials, "_results", lambda: records)
    return records


def test_a_set_is_read_both_ways_and_recorded(tmp_path, monkeypatch):
    folder = tmp_path / "charts" / "bar"
    folder.mkdir(parents=True)
    sheet = np.full((300, 420), 255, np.uint8)
    sheet[6::16, :] = sheet[:, 10::70] = 200  # a sheet's cells
    sheet[62:222, 120:360] = 255  # a chart pasted over them
    for x in range(150, 340, 25):
        sheet[100 + (x % 50) : 202, x : x + 12] = 60
    Image.fromarray(sheet).save(folder / "in_sheet.png")
    Image.fromarray(sheet[62:222, 120:360]).save(folder / "alone.png")
    records = records_in(tmp_path, monkeypatch)
    assert crops.main([f"{tmp_path / 'charts'}=two bar charts"]) == 0
    record = json.loads((records / "sheet_crop.jsonl").read_text())
    facts = (record["charts"], record["n"], record["cropped"], record["version"])
    version = crops.charts.panel.SHEET_CHART_VERSION
    assert facts == ("two bar charts", 2, 1, version), "two pictures, the one in a sheet cropped"
    assert 0 <= record["before"] <= 1 and 0 <= record["after"] <= 1 and 0 <= record["answers_changed"] <= 2


def test_a_set_can_be_read_shrunk_and_the_shrink_is_recorded(tmp_path, monkeypatch):
    folder = tmp_path / "charts" / "bar"
    folder.mkdir(parents=True)
    chart = np.full((200, 300), 255, np.uint8)
    chart[60:180, 40:60] = chart[90:180, 120:140] = 40  # two bars
    Image.fromarray(chart).save(folder / "bars.png")
    records = records_in(tmp_path, monkeypatch)
    assert crops.main([f"{tmp_path / 'charts'}=a bar chart", "--shrink", "0.5"]) == 0
    record = json.loads((records / "sheet_crop.jsonl").read_text())
    assert (record["n"], record["shrink"], record["cropped"]) == (1, 0.5, 0)
    picture, _, _ = crops.both_ways(folder / "bars.png", 0.5)
    assert picture.shape == (64, 64)
    with pytest.raises(SystemExit):
        crops.main([f"{tmp_path / 'charts'}=a bar chart", "--shrink", "2"])
