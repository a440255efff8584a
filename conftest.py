"""Test harness for the unit tests and for the notebooks under strict ``--nbval``.

- Notebook kernels inherit this process' environment, so the course's test settings
  (:func:`dvdl_helpers.env.use_test_environment`: bundled MNIST, quick setting, quiet TensorFlow) are
  set here, before any kernel starts. ``make outputs`` executes the notebooks under the same settings.
- stderr is not compared: TensorFlow's C++ start-up lines carry timestamps and process ids.
- Browser tests (marker ``browser``) skip, reported in one line, when no Chromium is installed: the
  tests install nothing; ``make browser`` does.
- Tests marked ``after_notebooks`` (they read what the notebooks write: TensorBoard logs, the course's
  runs in the browser) run after the notebooks, so a fresh clone's ``make test`` checks them too.
- TensorBoard processes that the notebooks start (``%tensorboard``) are stopped at the end, and stale
  registry entries are removed before and after, so no later ``%tensorboard`` shows a blank frame.
"""

from __future__ import annotations

import os

from dvdl_helpers import env

env.use_test_environment()

_tensorboards_before: set[int] = set()
_notes: list[str] = []


def pytest_sessionstart(session):
    """Forget stale TensorBoard instances and remember the live ones (they are not ours to stop)."""
    from dvdl_helpers import tboard

    tboard.clean_stale_tensorboard_info()
    _tensorboards_before.update(tboard.running_tensorboards())


def pytest_collectstart(collector):
    """Do not compare stderr of notebook cells (TensorFlow's C++ log lines differ on every run)."""
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)


def pytest_collection_modifyitems(session, config, items):
    """Move ``after_notebooks`` tests behind the others; without a browser, set the browser tests aside."""
    items.sort(key=lambda item: item.get_closest_marker("after_notebooks") is not None)
    browser = [item for item in items if item.get_closest_marker("browser") is not None]
    if not browser:
        return
    from helpers import CHROMIUM as chromium  # tests/helpers.py: the browser tests put tests/ on sys.path

    if not os.access(chromium, os.X_OK):
        items[:] = [item for item in items if item not in browser]
        config.hook.pytest_deselected(items=browser)
        _notes.append(
            f"{len(browser)} browser tests not run: no browser at {chromium}. `make browser` installs "
            "Debian's chromium (or set DVDL_CHROMIUM); then `make test` runs them."
        )


def pytest_terminal_summary(terminalreporter):
    """Say in one line why tests were set aside and how to get them."""
    for note in _notes:
        terminalreporter.write_line(note, yellow=True)


def pytest_sessionfinish(session, exitstatus):
    """Stop the TensorBoard processes the notebooks started during this session."""
    from dvdl_helpers import tboard

    started = [pid for pid in tboard.running_tensorboards() if pid not in _tensorboards_before]
    tboard.stop_tensorboards(started)
    tboard.clean_stale_tensorboard_info()
