"""Test harness for the unit tests and for the notebooks under strict ``--nbval``.

- Notebook kernels inherit this process' environment, so the course's test settings
  (:func:`dvdl_helpers.env.use_test_environment`: bundled MNIST, quick setting, quiet TensorFlow) are
  set here, before any kernel starts. ``make outputs`` executes the notebooks under the same settings.
- stderr is not compared: TensorFlow's C++ start-up lines carry timestamps and process ids.
- Tests marked ``after_notebooks`` (they read what the notebooks write: TensorBoard logs, the course's
  runs in the browser) run after the notebooks, so a fresh clone's ``make test`` checks them too.
- TensorBoard processes that the notebooks start (``%tensorboard``) are stopped at the end, and stale
  registry entries are removed before and after, so no later ``%tensorboard`` shows a blank frame.
"""

from __future__ import annotations

from dvdl_helpers import env

env.use_test_environment()

_tensorboards_before: set[int] = set()


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
    """Move the tests marked ``after_notebooks`` behind everything else, keeping their order."""
    items.sort(key=lambda item: item.get_closest_marker("after_notebooks") is not None)


def pytest_sessionfinish(session, exitstatus):
    """Stop the TensorBoard processes the notebooks started during this session."""
    from dvdl_helpers import tboard

    started = [pid for pid in tboard.running_tensorboards() if pid not in _tensorboards_before]
    tboard.stop_tensorboards(started)
    tboard.clean_stale_tensorboard_info()
