"""Fuzz test of every reader of pictures: hostile files made at test time, no traceback, nothing lost.

A few small pictures are written in PNG, APNG, GIF, JPEG, TIFF, WebP, BMP and ICO, then mutated (truncated,
bits flipped, headers swapped, wrong extensions, zero bytes, huge declared sizes, APNG frames out of order)
with a fixed seed. ``imageprep`` and ``classify`` (command line and Python) and ``data.load_real_digits``
run over them: every file gets a result or a named problem, the inputs stay as they were and nothing is
written beside them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dvdl_helpers import charts, data, imageprep
from dvdl_helpers.charts import real

SEED = 27
#: format name → (Pillow format, suffix, save options)
FORMATS = {
    "png": ("PNG", ".png", {}),
    "apng": ("PNG", ".png", {"save_all": True, "duration": 50}),
    "gif": ("GIF", ".gif", {"save_all": True, "duration": 50}),
    "jpeg": ("JPEG", ".jpg", {"quality": 85}),
    "tiff": ("TIFF", ".tif", {"compression": "tiff_lzw"}),
    "webp": ("WEBP", ".webp", {"quality": 80}),
    "bmp": ("BMP", ".bmp", {}),
    "ico": ("ICO", ".ico", {"sizes": [(32, 32)]}),
}


def chart_frames(rng: np.random.Generator) -> list[Image.Image]:
    """Three small bar charts (the first is the picture; all three are an animation's frames)."""
    frames = []
    for _ in range(3):
        pixels = np.full((36, 48, 3), 255, np.uint8)
        for left in range(4, 44, 8):
            top = int(rng.integers(4, 30))
            pixels[top:32, left : left + 5] = rng.integers(0, 200, 3)
        frames.append(Image.fromarray(pixels))
    return frames


def encode(name: str, frames: list[Image.Image]) -> bytes:
    """The bytes of the pictures in format ``name``."""
    image_format, _, options = FORMATS[name]
    buffer = io.BytesIO()
    extra = {"append_images": frames[1:]} if options.get("save_all") else {}
    frames[0].save(buffer, format=image_format, **options, **extra)
    return buffer.getvalue()


def png_chunks(blob: bytes) -> list[tuple[bytes, bytes]]:
    """A PNG's chunks as (type, data)."""
    chunks, at = [], 8
    while at + 8 <= len(blob):
        length, kind = struct.unpack(">I4s", blob[at : at + 8])
        chunks.append((kind, blob[at + 8 : at + 8 + length]))
        at += 12 + length
    return chunks


def png_from_chunks(chunks: list[tuple[bytes, bytes]]) -> bytes:
    """A PNG with valid checksums (so that the parser goes past them)."""
    body = b"".join(
        struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xFFFFFFFF)
        for k, d in chunks
    )
    return b"\x89PNG\r\n\x1a\n" + body


def huge(name: str, blob: bytes) -> bytes | None:
    """The file with a huge declared width and height (over Pillow's pixel limit), where the format allows."""
    b = bytearray(blob)
    if name in ("png", "apng"):
        chunks = png_chunks(blob)
        kind, ihdr = chunks[0]
        chunks[0] = (kind, struct.pack(">II", 60_000, 60_000) + ihdr[8:])
        return png_from_chunks(chunks)
    if name == "gif":
        b[6:10] = struct.pack("<HH", 65_535, 65_535)  # the logical screen
        return bytes(b)
    if name == "bmp":
        b[18:26] = struct.pack("<ii", 50_000, 50_000)
        return bytes(b)
    if name == "jpeg":
        at = blob.find(b"\xff\xc0")
        b[at + 5 : at + 9] = struct.pack(">HH", 65_000, 65_000)
        return bytes(b)
    return None


def frames_out_of_order(blob: bytes) -> bytes:
    """An APNG whose second frame lost its control chunk: Pillow opens it, then raises ``SyntaxError``
    ("APNG contains frame sequence errors") while loading the first frame."""
    chunks = png_chunks(blob)
    second = [i for i, (kind, _) in enumerate(chunks) if kind == b"fcTL"][1]
    return png_from_chunks(chunks[:second] + chunks[second + 1 :])


def mutants(rng: np.random.Generator) -> dict[str, bytes]:
    """File name → bytes: every format whole and mutated, about 90 files."""
    frames = chart_frames(rng)
    blobs = {name: encode(name, frames) for name in FORMATS}
    names = list(FORMATS)
    files: dict[str, bytes] = {}
    for index, (name, blob) in enumerate(blobs.items()):
        suffix = FORMATS[name][1]
        files[f"{name}_whole{suffix}"] = blob
        files[f"{name}_empty{suffix}"] = b""
        for cut in (20, len(blob) // 3, len(blob) - 8):
            files[f"{name}_cut{cut}{suffix}"] = blob[:cut]
        for flips, region in ((1, 64), (8, len(blob)), (48, len(blob))):
            flipped = np.frombuffer(blob, np.uint8).copy()
            at = rng.integers(0, min(region, len(blob)), flips)
            flipped[at] ^= (1 << rng.integers(0, 8, flips)).astype(np.uint8)
            files[f"{name}_flip{flips}{suffix}"] = flipped.tobytes()
        other = blobs[names[(index + 1) % len(names)]]
        files[f"{name}_swapped_header{suffix}"] = other[:16] + blob[16:]
        files[f"{name}_named_wrong{FORMATS[names[(index + 3) % len(names)]][1]}"] = blob
        if (big := huge(name, blob)) is not None:
            files[f"{name}_huge{suffix}"] = big
    apng = blobs["apng"]
    files["apng_frames_out_of_order.png"] = frames_out_of_order(apng)
    chunks = png_chunks(blobs["png"])
    garbage = rng.integers(0, 256, 64, dtype=np.uint8).tobytes()
    files["png_idat_garbage_valid_crc.png"] = png_from_chunks(
        [(k, garbage if k == b"IDAT" else d) for k, d in chunks]
    )
    return files


def fingerprint(folder: Path) -> dict[str, str]:
    """Every entry below ``folder`` (hidden ones too) → its content's hash."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The folder of mutated pictures (a few ordinary ones among them)."""
    folder = tmp_path_factory.mktemp("hostile") / "pictures"
    folder.mkdir()
    for name, blob in mutants(np.random.default_rng(SEED)).items():
        (folder / name).write_bytes(blob)
    return folder


def test_the_hostile_folder_holds_what_the_test_promises(hostile):
    names = [p.name for p in hostile.iterdir()]
    assert len(names) > 80
    for kind in FORMATS:
        assert any(name.startswith(f"{kind}_cut") for name in names), kind
    with pytest.raises(Image.DecompressionBombError, match="3600000000 pixels"):
        Image.open(hostile / "png_huge.png")
    apng = Image.open(hostile / "apng_frames_out_of_order.png")  # opens, then fails to load:
    with apng, pytest.raises(SyntaxError, match="frame sequence"):  # what the held-out collection met
        apng.load()


def test_imageprep_names_every_bad_file_and_converts_the_rest(hostile, tmp_path):
    before = fingerprint(hostile)
    report = imageprep.resize2gray("png", hostile, tmp_path / "out", 16, 16, jobs=1, progress=False)
    files = sorted(hostile.iterdir())
    assert sorted(report.converted + [path for path, _ in report.failed]) == [p.resolve() for p in files]
    assert all(reason for _, reason in report.failed)
    assert {p.name for p in report.converted} >= {f"{kind}_whole{FORMATS[kind][1]}" for kind in FORMATS}
    assert fingerprint(hostile) == before

    command = [sys.executable, "-m", "dvdl_helpers.cli.imageprep", "resize2gray", str(hostile)]
    result = subprocess.run(
        [*command, str(tmp_path / "out2"), "--size", "16", "16", "--quiet", "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{len(report.converted)} converted" in result.stdout
    assert all(f"FAILED {path.name}: " in result.stdout for path, _ in report.failed)
    assert fingerprint(hostile) == before


def test_classify_in_python_answers_every_file(hostile, tiny_chart_model):
    before = fingerprint(hostile)
    files = real.expand_inputs([hostile])
    assert len(files) == len(list(hostile.iterdir()))
    answers = list(charts.iter_classify(files, tiny_chart_model, batch_size=16))
    assert [answer.file for answer in answers] == files
    for answer in answers:
        assert (answer.problem is None) == (answer.type is not None), answer
        assert answer.problem is None or answer.problem.strip(), answer
    by_name = {answer.file.name: answer for answer in answers}
    for kind in FORMATS:
        assert by_name[f"{kind}_whole{FORMATS[kind][1]}"].problem is None, kind
        assert by_name[f"{kind}_empty{FORMATS[kind][1]}"].problem == "empty file", kind
    assert "too large" in by_name["png_huge.png"].problem
    problems: list[str] = []
    results = charts.classify(files, tiny_chart_model, problems=problems)
    assert sum(result is None for result in results) == len(problems) > 0
    assert fingerprint(hostile) == before


def test_classify_command_line_accounts_for_every_file(hostile, tiny_chart_model):
    before = fingerprint(hostile)
    command = [sys.executable, "-m", "dvdl_helpers.charts", "classify", str(hostile)]
    command += ["--model", str(tiny_chart_model), "--format", "csv", "--batch-size", "32"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(Path(row["file"]).name for row in rows) == sorted(p.name for p in hostile.iterdir())
    for row in rows:
        assert bool(row["problem"]) != bool(row["type"]), row
    assert fingerprint(hostile) == before


def test_classify_command_line_in_json_lines_and_text(hostile, tiny_chart_model, capsys):
    from dvdl_helpers.cli import charts as cli

    model = ["--model", str(tiny_chart_model), "--quiet"]
    assert cli.main(["classify", str(hostile), *model, "--format", "jsonl"]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == len(list(hostile.iterdir()))
    assert cli.main(["classify", str(hostile), *model]) == 1
    out, err = capsys.readouterr()
    skipped = [line for line in err.splitlines() if line.startswith("skipped: ")]
    assert len(out.splitlines()) + len(skipped) == len(rows)
    assert sum(bool(row["problem"]) for row in rows) == len(skipped)


def test_load_real_digits_warns_about_bad_files_and_keeps_going(hostile, tmp_path):
    digit_dir = tmp_path / "digits" / "3"
    digit_dir.mkdir(parents=True)
    pngs = [p for p in sorted(hostile.iterdir()) if p.suffix == ".png"]
    for path in pngs:
        os.symlink(path, digit_dir / path.name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        digits = data.load_real_digits(tmp_path / "digits")
    assert len(digits.paths) == 0  # none is 28×28: each is named, none stops the others
    assert len(caught) == len(pngs)
