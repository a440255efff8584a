"""Tests of dvdl_helpers.imageprep (library): every kind of bad input, fits, names, MNIST preset."""

from __future__ import annotations

import hashlib
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from dvdl_helpers import imageprep
from dvdl_helpers.imageprep import (
    PictureError,
    UsageError,
    convert2gray,
    convert2mnist,
    mnist_preset,
    prepare_image,
    problem_reason,
    read_each,
    resize,
    resize2gray,
)

QUIET = {"progress": False, "jobs": 1}


# ---------------------------------------------------------------------------------------------- helpers


def noisy_rgb(width: int, height: int, seed: int = 0) -> Image.Image:
    """A small RGB picture with detail (so that JPEG files are not trivially small)."""
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def png_header_only(path: Path, width: int, height: int) -> None:
    """Write a PNG that only claims to be width×height (Pillow checks the size when it opens the file)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    )


def fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    """Content hash and modification time of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def digit_photo(text: str = "7", width: int = 900, height: int = 700) -> Image.Image:
    """A photo-like handwritten digit: dark blue ink on shaded, bluish paper with noise."""
    rng = np.random.default_rng(1)
    yy, xx = np.mgrid[0:height, 0:width]
    paper = np.stack([200 - 60 * xx / width, 210 - 40 * yy / height, 235 - 30 * xx / width], -1)
    paper += rng.normal(0, 4, paper.shape)
    image = Image.fromarray(np.clip(paper, 0, 255).astype(np.uint8))
    font = ImageFont.truetype(str(Path(matplotlib.get_data_path(), "fonts/ttf/DejaVuSans.ttf")), 300)
    ImageDraw.Draw(image).text((width * 0.6, height * 0.4), text, fill=(40, 30, 90), font=font, anchor="mm")
    return image


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "in"
    source.mkdir()
    return source, tmp_path / "out"


# ------------------------------------------------------------------------------------- every image mode


def _mode_cases() -> dict[str, tuple[Image.Image, int]]:
    """mode → (an image whose every pixel should come out as this gray value on a white background)."""
    palette = Image.new("P", (8, 8), 0)
    palette.putpalette([0, 0, 0, 255, 0, 0])
    palette.info["transparency"] = 0  # index 0 (black) is transparent
    gray_key = Image.new("L", (8, 8), 0)
    gray_key.info["transparency"] = 0
    return {
        "1": (Image.new("1", (8, 8), 1), 255),
        "L": (Image.new("L", (8, 8), 77), 77),
        "P+transparency": (palette, 255),
        "PA": (Image.new("PA", (8, 8), (0, 0)), 255),
        "LA": (Image.new("LA", (8, 8), (0, 0)), 255),
        "La": (Image.new("La", (8, 8), (0, 0)), 255),
        "L+transparency": (gray_key, 255),
        "RGBA": (Image.new("RGBA", (8, 8), (0, 0, 0, 0)), 255),
        "RGBa": (Image.new("RGBa", (8, 8), (0, 0, 0, 0)), 255),
        "RGBX": (Image.new("RGBX", (8, 8), (255, 255, 255, 0)), 255),
        "CMYK": (Image.new("CMYK", (8, 8), (0, 0, 0, 255)), 0),
        "LAB": (Image.new("LAB", (8, 8), (255, 128, 128)), 255),
        "YCbCr": (Image.new("YCbCr", (8, 8), (255, 128, 128)), 255),
        "HSV": (Image.new("HSV", (8, 8), (0, 0, 255)), 255),
    }


@pytest.mark.parametrize("case", list(_mode_cases()))
def test_every_mode_becomes_gray_and_rgb(case: str) -> None:
    image, expected = _mode_cases()[case]
    gray = prepare_image(image, gray=True)
    rgb = prepare_image(image, size=(4, 4))
    assert (gray.mode, gray.size, rgb.mode, rgb.size) == ("L", (8, 8), "RGB", (4, 4))
    assert abs(int(np.asarray(gray).mean()) - expected) <= 2, case  # alpha composited, never turned black


def test_alpha_goes_on_the_chosen_background() -> None:
    clear = Image.new("RGBA", (4, 4), (255, 255, 255, 0))
    assert np.asarray(prepare_image(clear, background="black")).max() == 0
    assert tuple(np.asarray(prepare_image(clear, background="#ff0000"))[0, 0]) == (255, 0, 0)
    half = Image.new("RGBA", (4, 4), (0, 0, 0, 128))  # half-transparent black on white: mid gray
    assert 120 <= np.asarray(prepare_image(half, gray=True)).mean() <= 135


@pytest.mark.parametrize("mode", ["I", "F"])
def test_32_bit_images_are_scaled_by_their_range(mode: str) -> None:
    ramp = np.linspace(1000, 4000, 64).reshape(8, 8)  # no agreed range: min → 0, max → 255
    values = ramp.astype({"I": np.int32, "F": np.float32}[mode])
    if mode == "F":
        values = (values / 4000 - 0.5).astype(np.float32)  # floats around 0, negative too
    out = np.asarray(prepare_image(Image.fromarray(values), gray=True))
    assert out.min() == 0 and out.max() == 255
    assert len(np.unique(out)) > 50  # a ramp, not black and white


@pytest.mark.parametrize(("value", "expected"), [(0, 0), (40000, 156), (65535, 255), (1000, 4)])
def test_16_bit_images_are_mapped_by_the_16_bit_range(value: int, expected: int) -> None:
    image = Image.fromarray(np.full((8, 8), value, dtype=np.uint16))
    assert image.mode == "I;16"
    out = np.asarray(prepare_image(image, gray=True))
    assert (out == expected).all(), f"{value} / 257 should be {expected}, got {np.unique(out)}"


@pytest.mark.parametrize("mode", ["F", "I;16"])
def test_deep_images_are_mapped_in_place_without_copies(mode: str) -> None:
    """A float TIFF at Pillow's pixel limit took 3.3 GB (33 bytes a pixel: float64 copies); 13 at most now."""
    import tracemalloc

    from dvdl_helpers.imageprep import arrays

    if mode == "F":
        values = np.linspace(-2, 2, 1000 * 1000, dtype=np.float32).reshape(1000, 1000)
        values[0, :3] = np.nan, np.inf, -np.inf  # not finite: the ends of the finite range
    else:
        values = np.linspace(0, 65535, 1000 * 1000).astype(np.uint16).reshape(1000, 1000)
    image = Image.fromarray(values)
    tracemalloc.start()
    try:
        out = np.asarray(arrays.to_8bit(image))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * values.size, f"{peak / values.size:.1f} bytes a pixel"
    assert out.min() == 0 and out.max() == 255 and out.dtype == np.uint8
    if mode == "F":
        assert list(out[0, :3]) == [0, 255, 0] and out[-1, -1] == 255  # nan and -inf low, inf high


def test_a_dark_16_bit_scan_stays_dark() -> None:
    ramp = np.linspace(1000, 4000, 64).reshape(8, 8).astype(np.uint16)  # 12 bits used of 16
    out = np.asarray(prepare_image(Image.fromarray(ramp), gray=True))
    assert out.max() == round(4000 / 257) and out.min() == round(1000 / 257), "not brightened to 0…255"


def test_mode_files_in_a_folder(dirs: tuple[Path, Path]) -> None:
    source, target = dirs
    Image.fromarray(np.arange(0, 65536, 16, dtype=np.uint16).reshape(64, 64)).save(source / "deep16.png")
    Image.fromarray(np.arange(4096, dtype=np.int32).reshape(64, 64) * 1000).save(source / "deep32.tif")
    Image.fromarray(np.linspace(-1, 1, 4096, dtype=np.float32).reshape(64, 64)).save(source / "float.tif")
    Image.new("CMYK", (64, 64), (0, 0, 0, 0)).save(source / "cmyk.jpg")
    Image.new("LAB", (64, 64), (255, 128, 128)).save(source / "lab.tif")
    Image.new("1", (64, 64), 1).save(source / "bits.png")
    Image.new("RGBA", (64, 64), (0, 0, 0, 0)).save(source / "alpha.png")
    Image.new("LA", (64, 64), (0, 0)).save(source / "gray_alpha.png")
    Image.new("P", (64, 64), 0).save(source / "palette.gif", transparency=0)
    report = resize2gray("png", source, target, 16, 16, **QUIET)
    assert report.ok and len(report.converted) == 9, report.summary()
    for name in ["cmyk", "lab", "bits", "alpha", "gray_alpha", "palette"]:
        assert np.asarray(Image.open(target / f"{name}.png")).min() >= 250, name  # white stays white
    for name in ["deep16", "deep32", "float"]:
        values = np.asarray(Image.open(target / f"{name}.png"))
        assert values.min() <= 10 and values.max() >= 245, name  # a ramp, averaged by the resize
    assert all(Image.open(p).mode == "L" and Image.open(p).size == (16, 16) for p in report.outputs)


# -------------------------------------------------------------------------------------------- bad files


def make_bad_folder(source: Path) -> None:
    noisy_rgb(40, 30).save(source / "good.png")
    (source / "notes.txt").write_text("not a picture\n")
    (source / "empty.jpg").write_bytes(b"")
    buffer = source / "whole.jpg"
    noisy_rgb(200, 200).save(buffer, quality=90)
    (source / "truncated.jpg").write_bytes(buffer.read_bytes()[:3000])
    buffer.unlink()
    (source / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)  # no valid header
    noisy_rgb(50, 50).save(source / "scrambled.png")
    data = bytearray((source / "scrambled.png").read_bytes())
    data[100:400] = bytes(300)  # a valid header, then a broken data stream
    (source / "scrambled.png").write_bytes(bytes(data))
    png_header_only(source / "bomb.png", 20_000, 20_000)  # over 2× the limit: Pillow's error
    png_header_only(source / "bomb_warning.png", 10_000, 10_000)  # over 1×: only a warning in Pillow
    (source / "link.jpg").symlink_to(source / "missing.jpg")


EXPECTED_REASONS = {
    "notes.txt": "not an image",
    "empty.jpg": "empty file",
    "truncated.jpg": "truncated",
    "corrupt.png": "corrupt image or not a .png file",
    "scrambled.png": "corrupt or unsupported image (OSError: broken data stream",
    "bomb.png": "decompression-bomb",
    "bomb_warning.png": "decompression-bomb",
    "link.jpg": "broken link",
}


@pytest.mark.parametrize("jobs", [1, 2])
def test_bad_files_are_named_and_the_rest_processed(dirs: tuple[Path, Path], jobs: int) -> None:
    source, target = dirs
    make_bad_folder(source)
    before = fingerprint(source)
    report = convert2gray("png", source, target, jobs=jobs, progress=False)
    assert [p.name for p in report.converted] == ["good.png"]
    reasons = {path.name: reason for path, reason in report.failed}
    assert set(reasons) == set(EXPECTED_REASONS)
    for name, words in EXPECTED_REASONS.items():
        assert words in reasons[name], (name, reasons[name])
        assert f"FAILED {name}: " in report.summary()
    assert not report.ok
    assert sorted(p.name for p in target.iterdir()) == ["good.png"]  # no partial or temporary files
    assert fingerprint(source) == before  # inputs never modified


def test_unreadable_file(dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    source, target = dirs
    noisy_rgb(20, 20).save(source / "locked.png")
    noisy_rgb(20, 20).save(source / "open.png")
    real_open = Image.open

    def open_but_locked(path, *args, **kwargs):  # root may read anything: simulate the permission error
        if Path(path).name == "locked.png":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(Image, "open", open_but_locked)
    report = convert2gray("png", source, target, **QUIET)
    assert report.failed == [(source.resolve() / "locked.png", "unreadable: permission denied")]
    assert [p.name for p in report.outputs] == ["open.png"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files without permission")
def test_unreadable_file_for_real(dirs: tuple[Path, Path]) -> None:
    source, target = dirs
    noisy_rgb(20, 20).save(source / "locked.png")
    (source / "locked.png").chmod(0)
    report = convert2gray("png", source, target, progress=False, jobs=2)
    assert report.failed[0][1] == "unreadable: permission denied"


def test_animated_image_gives_its_first_frame(dirs: tuple[Path, Path]) -> None:
    source, target = dirs
    frames = [Image.new("L", (20, 20), v) for v in (255, 0, 128)]
    frames[0].save(source / "anim.gif", save_all=True, append_images=frames[1:], duration=100)
    report = convert2gray("png", source, target, **QUIET)
    assert report.ok and np.asarray(Image.open(target / "anim.png")).min() == 255
    assert report.notes == [(source.resolve() / "anim.gif", "animated (3 frames): first frame used")]
    assert "note   anim.gif: animated (3 frames)" in report.summary()


@pytest.mark.parametrize("size", [None, (20, 40)])
def test_exif_rotated_photo_comes_out_upright(dirs: tuple[Path, Path], size: tuple[int, int] | None) -> None:
    source, target = dirs
    stored = Image.new("L", (800, 400), 255)  # as stored: left half black
    stored.paste(0, (0, 0, 400, 400))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display": upright, the black half is on top
    stored.save(source / "phone.jpg", exif=exif)
    before = fingerprint(source)
    if size is None:
        convert2gray("png", source, target, **QUIET)
    else:
        resize2gray("png", source, target, *size, **QUIET)  # shrunk while decoding (draft): same result
    upright = np.asarray(Image.open(target / "phone.png"), dtype=float)
    assert upright.shape == ((800, 400) if size is None else (40, 20))
    half = upright.shape[0] // 2
    assert upright[: half - 2].mean() < 10 and upright[half + 2 :].mean() > 245
    assert fingerprint(source) == before


# -------------------------------------------------------------------------------- names, folders, writes


def test_names_keep_their_stem_and_clashes_lose_nothing(dirs: tuple[Path, Path]) -> None:
    source, target = dirs
    for name, value in [("a.jpg", 10), ("a.png", 20), ("A.gif", 30), ("b.bmp", 40)]:
        Image.new("L", (10, 10), value).save(source / name)
    report = convert2gray("png", source, target, **QUIET)
    names = sorted(p.name for p in report.outputs)
    assert names == ["A.png", "a__jpg.png", "a__png.png", "b.png"]
    assert int(np.asarray(Image.open(target / "a__png.png")).mean()) == 20  # a.png's own pixels
    assert [(p.name, note) for p, note in report.notes] == [
        ("a.jpg", "same output name as A.gif: written as a__jpg.png"),
        ("a.png", "same output name as A.gif: written as a__png.png"),
    ]
    again = convert2gray("png", source, target, **QUIET)  # the same names again: all skipped
    assert len(again.skipped) == 4 and not again.converted


def test_recursive_keeps_structure_and_ignores_hidden(dirs: tuple[Path, Path]) -> None:
    source, target = dirs
    for rel in ["top.png", "bar/a.png", "line/deep/b.jpg", ".hidden/c.png", ".DS_Store.png"]:
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        noisy_rgb(12, 12).save(source / rel)
    flat = convert2gray("png", source, target / "flat", **QUIET)
    assert [p.name for p in flat.outputs] == ["top.png"]
    deep = convert2gray("png", source, target / "deep", recursive=True, **QUIET)
    written = sorted(p.relative_to(target / "deep").as_posix() for p in deep.outputs)
    assert written == ["bar/a.png", "line/deep/b.png", "top.png"]


def test_chart_generator_call_pattern(dirs: tuple[Path, Path]) -> None:
    """The chart generator calls resize2gray(..., fit=..., recursive=True, jobs=..., progress=...)."""
    source, target = dirs
    for kind in ["bar", "line", "pie"]:
        (source / kind).mkdir()
        for i in range(6):
            noisy_rgb(64, 48, seed=i).convert("RGBA").save(source / kind / f"{kind}_{i:03d}.png")
    report = resize2gray("png", source, target, 32, 32, fit="contain", recursive=True, jobs=2, progress=False)
    assert report.ok and len(report.outputs) == 18
    assert sorted(p.name for p in target.iterdir()) == ["bar", "line", "pie"]
    assert Image.open(target / "pie" / "pie_005.png").size == (32, 32)


@pytest.mark.parametrize("bad", ["same", "inside"])
def test_output_in_input_is_refused_before_writing(dirs: tuple[Path, Path], bad: str) -> None:
    source, _ = dirs
    noisy_rgb(10, 10).save(source / "a.png")
    target = source if bad == "same" else source / "out" / "deeper"
    before = fingerprint(source)
    with pytest.raises(UsageError, match="inside"):
        convert2gray("png", source, target, **QUIET)
    assert fingerprint(source) == before and not (source / "out").exists()


def test_usage_errors_write_nothing(dirs: tuple[Path, Path]) -> None:
    source, target = dirs
    noisy_rgb(10, 10).save(source / "a.png")
    with pytest.raises(UsageError, match="cannot write"):
        convert2gray("xyz", source, target, **QUIET)
    with pytest.raises(UsageError, match="fit"):
        resize("png", source, target, 5, 5, fit="squash", **QUIET)
    with pytest.raises(UsageError, match="size"):
        resize("png", source, target, 0, 5, **QUIET)
    with pytest.raises(UsageError, match="not found"):
        convert2gray("png", source / "nope", target, **QUIET)
    with pytest.raises(UsageError, match="colour"):
        convert2gray("png", source, target, background="nocolour", **QUIET)
    assert not target.exists()


def test_a_file_no_files_or_a_huge_size_is_refused_before_writing(dirs: tuple[Path, Path]) -> None:
    source, target = dirs
    (source / "sub").mkdir()
    noisy_rgb(10, 10).save(source / "sub" / "a.png")
    (source / ".DS_Store").write_bytes(b"hidden: not an input")
    (source / "Thumbs.db").write_bytes(b"Windows' thumbnail cache: not an input either")
    (source / "desktop.ini").write_text("[.ShellClassInfo]")
    with pytest.raises(UsageError, match=r"no files .* \(only in its sub-folders: add --recursive\)$"):
        convert2gray("png", source, target, **QUIET)  # not "0 converted, 0 failed", as if all went well
    (source / "empty").mkdir()
    with pytest.raises(UsageError, match=r"no files to prepare in \S+empty$"):
        convert2gray("png", source / "empty", target, recursive=True, **QUIET)
    with pytest.raises(UsageError, match=r"a\.png is a file: INPUT_DIR is a folder of pictures"):
        convert2gray("png", source / "sub" / "a.png", target, **QUIET)
    with pytest.raises(UsageError, match=r"size 100000×100000 is over Pillow's limit"):  # no hour-long run
        resize("png", source, target, 100_000, 100_000, recursive=True, **QUIET)
    with pytest.raises(UsageError, match="over Pillow's limit"):
        prepare_image(source / "sub" / "a.png", size=(10_000, 10_000))
    assert prepare_image(source / "sub" / "a.png", size=(9_000, 1)).size == (9_000, 1)
    assert not target.exists()


def test_existing_outputs_are_skipped_unless_overwrite(dirs: tuple[Path, Path]) -> None:
    source, target = dirs
    Image.new("L", (10, 10), 200).save(source / "a.png")
    target.mkdir()
    Image.new("L", (3, 3), 0).save(target / "a.png")
    report = convert2gray("png", source, target, **QUIET)
    assert report.skipped == [source.resolve() / "a.png"] and not report.outputs
    assert Image.open(target / "a.png").size == (3, 3)
    report = convert2gray("png", source, target, overwrite=True, **QUIET)
    assert report.converted and Image.open(target / "a.png").size == (10, 10)


def test_failed_write_leaves_no_partial_file(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target = dirs
    noisy_rgb(10, 10).save(source / "a.png")

    def save_half_then_fail(self, fp, *args, **kwargs):
        Path(fp).write_bytes(b"\x89PNG half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", save_half_then_fail)
    report = convert2gray("png", source, target, **QUIET)
    assert report.failed[0][1].startswith("cannot write a.png")
    assert list(target.iterdir()) == []


@pytest.mark.skipif(sys.platform != "linux", reason="the workers are forked (and inherit the patch) on Linux")
def test_a_worker_that_dies_costs_only_its_file(dirs: tuple[Path, Path]) -> None:
    """A worker killed while reading a file (out of memory, a decoder's crash) once hung the pool forever."""
    source, target = dirs
    for i in range(8):
        noisy_rgb(10, 10, seed=i).save(source / f"{i}.png")
    noisy_rgb(10, 10).save(source / "deadly.png")
    script = f"""
import os, signal
from pathlib import Path
from dvdl_helpers.imageprep import folder
prepare = folder.prepare_with_notes
def dying(path, opts):  # as the kernel's out-of-memory killer would stop the worker reading this file
    if Path(path).name == "deadly.png":
        os.kill(os.getpid(), signal.SIGKILL)
    return prepare(path, opts)
folder.prepare_with_notes = dying
print(folder.process_dir({str(source)!r}, {str(target)!r}, jobs=2, progress=False).summary())
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "imageprep: 8 converted, 0 skipped (output exists), 1 failed",
        f"  FAILED deadly.png: {imageprep.folder.KILLED}",
    ]
    assert sorted(p.name for p in target.iterdir()) == [f"{i}.png" for i in range(8)]  # no temporaries


def test_no_worker_can_start_then_this_process_converts(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pool whose workers never start (no process left to fork) must not loop forever."""
    from concurrent.futures.process import BrokenProcessPool

    class NoWorkers:
        def __init__(self, *args, **kwargs) -> None:
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            pass

        def submit(self, *args, **kwargs):
            raise BrokenProcessPool("no worker could start")

    source, target = dirs
    for i in range(3):
        noisy_rgb(10, 10, seed=i).save(source / f"{i}.png")
    monkeypatch.setattr(imageprep.folder, "ProcessPoolExecutor", NoWorkers)
    report = convert2gray("png", source, target, jobs=2, progress=False)
    summary = report.summary().splitlines()[0]
    assert summary == "convert2gray: 3 converted, 0 skipped (output exists), 0 failed"


def test_a_jpeg_between_one_and_two_times_the_pixel_limit_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A phone's 108-megapixel photo is over Pillow's limit, not a bomb: as a JPEG it is read, shrunk."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)  # 120×100 is then between 1× and 2×
    noisy_rgb(120, 100).save(tmp_path / "photo.jpg", quality=90)
    noisy_rgb(120, 100).save(tmp_path / "drawing.png")
    noisy_rgb(150, 150).save(tmp_path / "huge.jpg", quality=90)  # over 2×: refused whatever its format
    assert prepare_image(tmp_path / "photo.jpg", size=(28, 28)).size == (28, 28)
    assert prepare_image(tmp_path / "photo.jpg").size == (120, 100)
    for refused in ("drawing.png", "huge.jpg"):
        ((_, problem),) = imageprep.read_each([tmp_path / refused], prepare_image)
        assert "too large" in problem.reason and "save a smaller copy" in problem.reason, (refused, problem)


def test_interrupted_run_leaves_no_partial_file(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target = dirs
    for i in range(3):
        noisy_rgb(10, 10).save(source / f"{i}.png")
    real_save = Image.Image.save

    def save_then_interrupt(self, fp, *args, **kwargs):
        if "1.png" in str(fp):
            Path(fp).write_bytes(b"\x89PNG half")
            raise KeyboardInterrupt
        return real_save(self, fp, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "save", save_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        convert2gray("png", source, target, **QUIET)
    assert sorted(p.name for p in target.iterdir()) == ["0.png"]  # complete files only, no temporaries


# ---------------------------------------------------------------------------------------------- fits


def test_fits() -> None:
    wide = Image.new("RGB", (200, 100), (255, 0, 0))
    stretch = np.asarray(prepare_image(wide, size=(50, 50)))
    contain = np.asarray(prepare_image(wide, size=(50, 50), fit="contain", background="blue"))
    cover = np.asarray(prepare_image(wide, size=(50, 50), fit="cover"))
    assert stretch.shape == contain.shape == cover.shape == (50, 50, 3)
    assert (stretch == (255, 0, 0)).all() and (cover == (255, 0, 0)).all()
    assert tuple(contain[0, 0]) == (0, 0, 255) and tuple(contain[25, 25]) == (255, 0, 0)
    assert (contain[13:37] == (255, 0, 0)).all() and (contain[:12] == (0, 0, 255)).all()
    gray_pad = np.asarray(prepare_image(wide, size=(50, 50), fit="contain", gray=True))
    assert gray_pad[0, 0] == 255  # white padding in gray too
    # cover keeps the centre: a picture whose left and right quarters are black
    bands = Image.new("L", (200, 100), 0)
    bands.paste(255, (50, 0, 150, 100))
    covered = np.asarray(prepare_image(bands, size=(50, 50), fit="cover", gray=True))
    assert covered[:, 2:-2].min() >= 250 and covered.min() >= 200  # LANCZOS reaches a pixel past the edges


def test_single_image_from_path_and_caller_image_untouched(tmp_path: Path) -> None:
    photo = noisy_rgb(300, 200)
    original = photo.tobytes()
    assert prepare_image(photo, size=(30, 20), gray=True).size == (30, 20)
    assert photo.tobytes() == original and photo.mode == "RGB"
    photo.save(tmp_path / "p.jpg")
    assert prepare_image(tmp_path / "p.jpg", size=(30, 30), fit="cover").size == (30, 30)
    png_header_only(tmp_path / "bomb.png", 10_000, 10_000)
    with pytest.raises(Image.DecompressionBombWarning):
        prepare_image(tmp_path / "bomb.png")


# ------------------------------------------------------------------------------------------ MNIST preset


def test_mnist_preset_makes_mnist_style_digits(tmp_path: Path) -> None:
    for text in "71":
        digit = np.asarray(mnist_preset(digit_photo(text)), dtype=float)
        assert digit.shape == (28, 28) and digit.max() == 255
        rows, cols = np.nonzero(digit > 0)
        height, width = rows.max() - rows.min() + 1, cols.max() - cols.min() + 1
        assert max(height, width) == 20 and min(height, width) <= 20  # bounding box scaled into 20×20
        assert digit[:3].max() == 0 and digit[:, :3].max() == 0  # black background, margins empty
        centre = (np.indices(digit.shape) * digit).sum(axis=(1, 2)) / digit.sum()
        assert np.abs(centre - 14).max() <= 1.0, centre  # centre of mass in the middle
    blank = np.asarray(mnist_preset(Image.new("RGB", (300, 200), (230, 230, 200))))
    assert blank.shape == (28, 28) and blank.max() == 0


def test_mnist_folder(dirs: tuple[Path, Path]) -> None:
    source, target = dirs
    digit_photo("3").save(source / "three.jpg")
    Image.new("L", (100, 100), 220).save(source / "blank.png")
    report = convert2mnist("png", source, target, **QUIET)
    assert report.ok and Image.open(target / "three.png").size == (28, 28)
    assert report.notes == [(source.resolve() / "blank.png", "no dark ink found: blank output")]


def test_the_summary_keeps_one_line_per_file_whatever_the_names(dirs: tuple[Path, Path]) -> None:
    source, target = dirs
    for name in (os.fsdecode(b"caf\xe9.png"), "new\nline.png", "tab\tname.png"):  # not UTF-8, controls
        (source / name).write_bytes(b"no picture")
    lines = convert2gray("png", source, target, **QUIET).summary().splitlines()
    assert lines[1:] == [
        "  FAILED caf\\xe9.png: corrupt image or not a .png file (Pillow cannot identify it)",
        "  FAILED new\\nline.png: corrupt image or not a .png file (Pillow cannot identify it)",
        "  FAILED tab\\tname.png: corrupt image or not a .png file (Pillow cannot identify it)",
    ]


def test_report_and_imports() -> None:
    report = imageprep.Report("resize2gray", Path("/in"), Path("/out"), failed=[(Path("/in/x.txt"), "why")])
    assert str(report).splitlines() == [
        "resize2gray: 0 converted, 0 skipped (output exists), 1 failed",
        "  FAILED x.txt: why",
    ]
    assert not report.ok


# ------------------------------------------------------------------- what "cannot read this picture" means


def test_every_reader_problem_has_one_reason(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")  # a link loop
    (tmp_path / "folder.png").mkdir()
    (tmp_path / "empty.png").write_bytes(b"")
    noisy_rgb(8, 8).save(tmp_path / "good.png")
    files = ["a", "folder.png", "empty.png", "missing.png", "good.png"]
    results = dict(read_each([tmp_path / name for name in files], lambda path: prepare_image(path).size))
    reasons = {path.name: getattr(result, "reason", result) for path, result in results.items()}
    assert reasons == {
        "a": "unreadable: symbolic link loop",
        "folder.png": "a folder, not a file",
        "empty.png": "empty file",
        "missing.png": "not found",
        "good.png": (8, 8),
    }
    assert all(isinstance(results[tmp_path / name], PictureError) for name in files[:-1])
    for error, words in [
        (
            SyntaxError("APNG contains frame sequence errors"),
            "corrupt or unsupported image (SyntaxError: APNG",
        ),
        (EOFError(), "truncated image (EOFError"),
        (struct.error("unpack requires a buffer of 4 bytes"), "corrupt or unsupported image (error: unpack"),
        (MemoryError(), "too large"),
        (IndexError("x" * 1000), "corrupt or unsupported image (IndexError: xxx"),
    ]:
        reason = problem_reason(tmp_path / "p.png", error)
        assert reason.startswith(words) and len(reason) < 260, reason


def test_cut_headers_and_formats_pillow_cannot_read_have_clear_reasons(tmp_path: Path) -> None:
    noisy_rgb(40, 30).save(tmp_path / "whole.png")
    noisy_rgb(40, 30).save(tmp_path / "whole.jpg")
    (tmp_path / "cut_in_header.png").write_bytes((tmp_path / "whole.png").read_bytes()[:16])
    (tmp_path / "cut_in_header.jpg").write_bytes((tmp_path / "whole.jpg").read_bytes()[:200])
    for name in ("photo.HEIC", "chart.svg", "chart.pdf"):  # a phone's photo, two charts' exports
        (tmp_path / name).write_bytes(b"<svg or any bytes Pillow cannot identify/>")
    (tmp_path / "notes.txt").write_text("hello")
    files = sorted(p for p in tmp_path.iterdir() if not p.name.startswith("whole"))
    reasons = {path.name: result.reason for path, result in read_each(files, prepare_image)}
    assert reasons == {
        "cut_in_header.png": "truncated image (Truncated File Read)",  # Pillow's words, capitalised
        "cut_in_header.jpg": "truncated image (Truncated File Read)",
        "photo.HEIC": "unsupported format: Pillow cannot read .heic files (convert it to PNG or JPEG)",
        "chart.svg": "unsupported format: Pillow cannot read .svg files (convert it to PNG or JPEG)",
        "chart.pdf": "unsupported format: Pillow cannot read .pdf files (convert it to PNG or JPEG)",
        "notes.txt": "not an image (Pillow cannot identify its format)",
    }


def test_postscript_is_never_run_and_the_next_file_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pillow reads EPS by running Ghostscript on it; this one would loop forever and stop the whole run.
    forever = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n{} loop\nshowpage\n"
    for name in ("figure.eps", "figure.ps", "renamed.png"):
        (tmp_path / name).write_bytes(forever)
    noisy_rgb(20, 20).save(tmp_path / "good.png")

    def no_program(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a program was started on a picture: {args}")

    monkeypatch.setattr(subprocess, "check_call", no_program)
    monkeypatch.setattr(subprocess, "Popen", no_program)
    results = dict(read_each(sorted(tmp_path.iterdir()), prepare_image))
    reasons = {path.name: getattr(result, "reason", "read") for path, result in results.items()}
    assert reasons["good.png"] == "read", reasons
    for name, suffix in (("figure.eps", ".eps"), ("figure.ps", ".ps")):
        said = reasons[name]
        assert said.startswith(f"unsupported format: a {suffix} file is a PostScript program"), said
        assert "convert it to PNG" in said, said
    assert reasons["renamed.png"] == "corrupt image or not a .png file (Pillow cannot identify it)", reasons


def test_keyboard_interrupt_is_no_problem_of_a_file(tmp_path: Path) -> None:
    noisy_rgb(8, 8).save(tmp_path / "good.png")

    def interrupted(path: Path) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        list(read_each([tmp_path / "good.png"], interrupted))
