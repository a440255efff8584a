"""TensorBoard's folders and processes: where a notebook logs, the command to open it, tidying up instances.

The notebooks show TensorBoard inline with ``%load_ext tensorboard`` and ``%tensorboard --logdir ...``;
this module handles what happens around that, including showing it through jupyter-server-proxy.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from pathlib import Path

from tensorboard import manager

from dvdl_helpers.paths import artifacts_dir, display_path, logs_dir

__all__ = [
    "LIGHT_PROGRAM",
    "clean_stale_tensorboard_info",
    "find_program",
    "notebook_logdir",
    "proxy_url_template",
    "running_tensorboards",
    "stop_tensorboards",
    "tensorboard_command",
    "use_light_tensorboard",
    "use_proxy",
]


def notebook_logdir(notebook: str, *, clear: bool = True) -> Path:
    """Return ``artifacts/logs/<notebook>``, emptied first by default so a re-run starts clean.

    Without clearing, re-running a notebook appends a second copy of every curve to the same runs.
    """
    return logs_dir(notebook, clear=clear)


def tensorboard_command(log_dir: Path | str) -> str:
    """Return the shell command that opens ``log_dir`` in TensorBoard outside Jupyter (for printing)."""
    return f"tensorboard --logdir {display_path(log_dir)}"


#: The course's TensorBoard program that reads logs without TensorFlow (``dvdl_helpers/cli/tensorboard.py``).
LIGHT_PROGRAM = "dvdl-tensorboard"


def use_light_tensorboard() -> Path | None:
    """Make ``%tensorboard`` start TensorBoard without TensorFlow; return that program (None: not installed).

    TensorBoard needs TensorFlow only to read files, and has its own reader; skipping the import starts
    the server in a second or two instead of five or more on a small machine. Every dashboard the course
    logs works, except the Embedding Projector's checkpoints (notebook 04 keeps the usual program). Sets
    ``TENSORBOARD_BINARY`` for this kernel only; without the program installed, nothing changes.
    """
    program = find_program(LIGHT_PROGRAM)
    if program is None:
        return None
    os.environ["TENSORBOARD_BINARY"] = str(program)
    return program


def find_program(name: str) -> Path | None:
    """The installed program ``name``, preferring the one beside this Python (the course's environment)."""
    found = shutil.which(
        name, path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    return Path(found) if found else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_info(pid: int) -> None:
    """Delete TensorBoard's registry file for process ``pid`` (its own helper only removes its own)."""
    Path(manager._get_info_dir(), f"pid-{pid}.info").unlink(missing_ok=True)


def running_tensorboards(*, course_only: bool = False) -> list[int]:
    """Return the process ids of the TensorBoard instances in TensorBoard's own registry.

    ``course_only=True`` keeps those whose log folder lies under the course's ``artifacts/`` folder, so
    that tidying up after the notebooks never stops someone else's TensorBoard.
    """
    root = artifacts_dir().resolve()
    pids = []
    for info in manager.get_all():
        logdir = Path(info.logdir).expanduser().resolve() if info.logdir else None
        if course_only and (logdir is None or not logdir.is_relative_to(root)):
            continue
        pids.append(info.pid)
    return pids


def clean_stale_tensorboard_info() -> int:
    """Remove registry entries of TensorBoard processes that no longer run; return how many.

    A killed notebook leaves them behind, and ``%tensorboard`` may then "reuse" the dead instance's
    port and show a blank frame.
    """
    removed = 0
    for info in manager.get_all():
        if not _alive(info.pid):
            _remove_info(info.pid)
            removed += 1
    return removed


def stop_tensorboards(pids: list[int] | None = None) -> int:
    """Stop the given TensorBoard processes (default: all that are registered); return how many."""
    stopped = 0
    for info in manager.get_all():
        if pids is not None and info.pid not in pids:
            continue
        if _alive(info.pid):
            try:
                os.kill(info.pid, signal.SIGTERM)
                stopped += 1
            except ProcessLookupError:
                pass
        _remove_info(info.pid)
    return stopped


def proxy_url_template(prefix: str | None = None) -> str:
    """Return the ``TENSORBOARD_PROXY_URL`` value for jupyter-server-proxy: ``<prefix>proxy/%PORT%/``.

    ``prefix`` is the Jupyter server's base URL; by default ``$JUPYTERHUB_SERVICE_PREFIX`` (JupyterHub
    sets it, e.g. ``/user/ada/``) or ``/``. TensorBoard replaces ``%PORT%`` with its port; the trailing
    slash is required: TensorBoard's page fetches its data with addresses relative to it.
    """
    if prefix is None:
        prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX") or "/"
    if "://" not in prefix and not prefix.startswith("/"):
        prefix = "/" + prefix
    if not prefix.endswith("/"):
        prefix += "/"
    return f"{prefix}proxy/%PORT%/"


def use_proxy(prefix: str | None = None) -> str:
    """Make ``%tensorboard`` show TensorBoard through jupyter-server-proxy; return the URL template set.

    For JupyterHub and remote servers, where the browser cannot reach TensorBoard's port (a blank
    frame). Call it before ``%tensorboard``; it sets ``TENSORBOARD_PROXY_URL`` for this kernel only.
    Needs ``pip install jupyter-server-proxy`` where the Jupyter server runs (then restart the server).
    """
    template = proxy_url_template(prefix)
    os.environ["TENSORBOARD_PROXY_URL"] = template
    return template
