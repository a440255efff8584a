"""Tests of the ``imageprep`` command through a real subprocess: exit codes 0/1/2, summary, no writes."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dvdl_helpers.paths import REPO_ROOT as REPO


def imageprep(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m dvdl_helpers.imageprep ARGS`` and capture its output."""
    command = [sys.executable, "-m", "dvdl_helpers.imageprep", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=cwd)


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    (folder / "sub").mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in ["cat.jpg", "dog.png", "sub/bird.webp"]:
        Image.fromarray(rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)).save(folder / name)
    return folder


def test_import_does_not_import_tensorflow_or_numpy() -> None:
    # NumPy is two thirds of the command's start-up; ordinary photos never need it (imageprep.arrays).
    code = "import dvdl_helpers.cli.imageprep, sys; assert not {'tensorflow', 'numpy'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_success_exit_0_with_summary(photos: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = imageprep("resize2gray", photos, out, "--size", "28", "28", "--recursive", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert "resize2gray: 3 converted, 0 skipped (output exists), 0 failed" in result.stdout
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.png")) == [
        "cat.png",
        "dog.png",
        "sub/bird.png",
    ]
    assert Image.open(out / "sub" / "bird.png").size == (28, 28)
    assert "img" not in result.stderr  # no progress bar in a file or a pipe
    again = imageprep("resize2gray", photos, out, "--size", "28", "28", "--recursive", "--quiet")
    assert again.returncode == 0 and "0 converted, 3 skipped" in again.stdout and again.stderr == ""


def test_some_files_failed_exit_1(photos: Path, tmp_path: Path) -> None:
    (photos / "readme.txt").write_text("hello")
    (photos / "empty.png").write_bytes(b"")
    result = imageprep("gray", photos, tmp_path / "out", "--ext", "jpg")
    assert result.returncode == 1
    assert "2 converted, 0 skipped (output exists), 2 failed" in result.stdout
    assert "FAILED readme.txt: not an image" in result.stdout
    assert "FAILED empty.png: empty file" in result.stdout
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["cat.jpg", "dog.jpg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["resize", "{in}", "{out}"], "needs --size"),
        (["gray", "{in}", "{out}", "--size", "5", "5"], "takes no --size"),
        (["resize2gray", "{in}", "{in}/inside", "--size", "5", "5"], "inside"),
        (["gray", "{in}", "{in}"], "inside"),
        (["gray", "{in}", "{out}", "--ext", "xyz"], "cannot write .xyz"),
        (["gray", "{in}/missing", "{out}"], "input folder not found"),
        (["gray", "{in}/cat.jpg", "{out}"], "cat.jpg is a file: INPUT_DIR is a folder of pictures"),
        (["resize", "{in}", "{out}", "--size", "99999", "99999"], "over Pillow's limit"),
        (["resize", "{in}", "{out}", "--size", "5", "5", "--fit", "squash"], "invalid choice"),
        (["gray", "{in}", "{out}", "--jobs", "0"], "jobs must be at least 1"),
        (["blur", "{in}", "{out}"], "invalid choice"),
    ],
)
def test_usage_error_exit_2_nothing_written(
    photos: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    before = sorted(photos.rglob("*"))
    out = tmp_path / "out"
    result = imageprep(*(a.format(**{"in": photos, "out": out}) for a in args))
    assert result.returncode == 2
    assert message in result.stderr and "usage: imageprep" in result.stderr
    assert not out.exists() and sorted(photos.rglob("*")) == before


def test_names_an_ascii_terminal_cannot_show_are_escaped(photos: Path, tmp_path: Path) -> None:
    (photos / "图表.png").write_bytes(b"no picture")  # a Windows console or a C locale: no Chinese
    command = [sys.executable, "-m", "dvdl_helpers.imageprep", "gray", str(photos), str(tmp_path / "out")]
    env = os.environ | {"PYTHONIOENCODING": "ascii"}
    result = subprocess.run([*command, "--quiet"], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "FAILED \\u56fe\\u8868.png: corrupt image or not a .png file" in result.stdout


def test_interrupted_exit_130_in_one_line(photos: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    from dvdl_helpers.cli import imageprep as cli

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "process_dir", interrupted)
    assert cli.main(["gray", str(photos), str(tmp_path / "out"), "--quiet"]) == 130
    out, err = capsys.readouterr()
    assert out.startswith("interrupted: the outputs written are complete") and "Traceback" not in out + err


def test_mnist_command_and_console_script(tmp_path: Path) -> None:
    digits = tmp_path / "digits"
    digits.mkdir()
    page = Image.new("L", (400, 300), 230)
    page.paste(20, (180, 60, 215, 240))  # a "1"
    page.save(digits / "one.jpg")
    # What the `imageprep` console script runs, as pyproject.toml declares it (an installed script may be
    # stale until the next `pip install -e .`).
    target = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]["imageprep"]
    module, function = target.split(":")
    command = [sys.executable, "-c", f"import sys; from {module} import {function}; sys.exit({function}())"]
    result = subprocess.run(
        [*command, "mnist", str(digits), str(tmp_path / "out"), "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    digit = np.asarray(Image.open(tmp_path / "out" / "one.png"))
    assert digit.shape == (28, 28) and digit.max() == 255 and digit[0].max() == 0


def test_help_and_benchmark_quick(tmp_path: Path) -> None:
    assert "resize2gray" in imageprep("--help").stdout
    env = {**os.environ, "DVDL_ARTIFACTS": str(tmp_path / "artifacts")}
    bench = [sys.executable, str(REPO / "benchmarks" / "bench_imageprep.py"), "--quick", "--no-save"]
    result = subprocess.run(bench, capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "| naive PIL loop (seed) |" in result.stdout and "images/s" in result.stdout


def test_progress_bar_only_on_a_terminal(photos: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    from dvdl_helpers.cli import imageprep as command

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # as in a terminal
    assert command.main(["resize2gray", str(photos), str(tmp_path / "out"), "--size", "28", "28"]) == 0
    assert "img" in capsys.readouterr().err  # the bar, as tqdm draws it
