"""Tests of dvdl_helpers.paths: the artifacts folders, display paths, the list of course notebooks."""

from __future__ import annotations

from dvdl_helpers import paths


def test_artifacts_folder_follows_the_environment_variable(artifacts):
    assert paths.artifacts_dir() == artifacts
    assert paths.data_dir() == artifacts / "data" and paths.data_dir().is_dir()
    assert paths.models_dir() == artifacts / "models"


def test_logs_dir_clear_empties_only_that_folder(artifacts):
    run = paths.logs_dir("01_demo", "train")
    (run / "old.txt").write_text("old")
    other = paths.logs_dir("02_other")
    (other / "keep.txt").write_text("keep")
    fresh = paths.logs_dir("01_demo", clear=True)
    assert list(fresh.iterdir()) == []
    assert (other / "keep.txt").exists()


def test_display_path_is_relative_inside_the_repository():
    assert paths.display_path(paths.REPO_ROOT / "notebooks" / "x.ipynb") == "notebooks/x.ipynb"


def test_course_notebooks_are_the_numbered_ones_in_order(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    (folder / ".ipynb_checkpoints").mkdir(parents=True)
    names = ["10_later.ipynb", "00_setup.ipynb", "02_b.ipynb", "01_a.ipynb"]
    others = [
        "Untitled.ipynb",
        "1_short.ipynb",
        "03_notes.md",
        ".ipynb_checkpoints/00_setup-checkpoint.ipynb",
    ]
    for name in names + others:
        (folder / name).write_text("{}")
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path)
    found = paths.course_notebooks()
    assert [path.name for path in found] == ["00_setup.ipynb", "01_a.ipynb", "02_b.ipynb", "10_later.ipynb"]
    assert all(path.parent == folder for path in found)
