"""Start a function on several worker processes of this machine, for ``tf.distribute`` multi-worker training.

:func:`run_workers` writes the source of one plain Python function into a small script, starts it once per
worker with its own ``TF_CONFIG`` (the same cluster of ``localhost`` ports, a different task index), waits
with a time limit, and returns what each worker's function returned (a JSON-able dict). The workers run in
their own process groups, which are stopped on the way out whatever happens (success, an error, a timeout,
a notebook cell interrupted): no process is left behind.

The function must be self-contained (its imports inside it), take keyword arguments that JSON can carry,
and return a JSON-able dict. On several machines, the same script runs once per machine with a
``TF_CONFIG`` naming their host names instead of ``localhost``.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

#: What the launcher appends to the function's source: read the keyword arguments, run, write the result.
_MAIN = """

if __name__ == "__main__":
    import json as _json
    import sys as _sys

    _kwargs = _json.loads(open(_sys.argv[1]).read())
    _result = {name}(**_kwargs)
    open(_sys.argv[2], "w").write(_json.dumps(_result))
"""


class WorkerError(RuntimeError):
    """A worker failed or did not finish in time; the message names it and quotes the end of its log."""


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Return ``count`` distinct TCP ports on ``host`` that are free right now."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind((host, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def tf_config(addresses: Sequence[str], index: int) -> dict[str, Any]:
    """Return the ``TF_CONFIG`` of worker ``index`` in the cluster ``addresses`` (``host:port`` each)."""
    if not 0 <= index < len(addresses):
        raise ValueError(f"worker index {index} outside the cluster of {len(addresses)} workers")
    return {"cluster": {"worker": list(addresses)}, "task": {"type": "worker", "index": index}}


def weights_checksum(weights: Sequence[Any]) -> str:
    """Return a short SHA-256 of a model's weights (a list of arrays): equal checksums, equal weights."""
    import numpy as np

    digest = hashlib.sha256()
    for array in weights:
        array = np.ascontiguousarray(array)
        digest.update(str((array.shape, array.dtype.str)).encode())
        digest.update(array.tobytes())
    return digest.hexdigest()[:16]


def function_script(function: Callable[..., Any]) -> str:
    """Return a runnable script: the source of ``function`` plus a ``__main__`` block that calls it."""
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError) as error:
        raise ValueError(f"cannot read the source of {function!r}: define it in a file or a cell") from error
    return source + _MAIN.format(name=function.__name__)


def _stop_group(process: subprocess.Popen, grace: float = 5.0) -> None:
    """Stop ``process`` and its process group: SIGTERM, then SIGKILL after ``grace`` seconds; reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(grace)
    # The group can outlive its leader (a grandchild): kill whatever is left of it, and wait until it is gone.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(grace)
    deadline = time.monotonic() + grace
    while _group_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def _group_members(group: int) -> list[int]:
    """Return the running (not zombie) processes of process group ``group`` (Linux ``/proc``; else [])."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group and fields[0] != "Z":
                members.append(int(stat.parent.name))
    return members


@contextlib.contextmanager
def started_workers(
    function: Callable[..., Any],
    work_dir: Path | str,
    num_workers: int = 2,
    *,
    kwargs: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[list[subprocess.Popen]]:
    """Start ``function`` on ``num_workers`` processes with their ``TF_CONFIG``; stop them all on exit.

    Each worker ``i`` gets the keyword arguments ``kwargs`` plus ``out_dir=work_dir``, writes its log to
    ``work_dir/worker-i.log`` and its result to ``work_dir/worker-i.json``. Every worker runs in its own
    process group (``start_new_session``), stopped in ``finally``, so leaving the block, normally or by
    an exception, leaves no process behind.
    """
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    script = work_dir / "worker.py"
    script.write_text(function_script(function))
    arguments = work_dir / "kwargs.json"
    arguments.write_text(json.dumps({**(kwargs or {}), "out_dir": str(work_dir)}))
    addresses = [f"localhost:{port}" for port in free_ports(num_workers)]
    processes: list[subprocess.Popen] = []
    logs = []
    try:
        for index in range(num_workers):
            (work_dir / f"worker-{index}.json").unlink(missing_ok=True)
            environment = {**os.environ, **(env or {})}
            # The workers import the same dvdl_helpers as this process, wherever it lies.
            root = str(Path(__file__).resolve().parent.parent)
            environment["PYTHONPATH"] = os.pathsep.join(filter(None, [root, environment.get("PYTHONPATH")]))
            environment["TF_CONFIG"] = json.dumps(tf_config(addresses, index))
            log = open(work_dir / f"worker-{index}.log", "w")  # noqa: SIM115 (closed in finally)
            logs.append(log)
            command = [sys.executable, str(script), str(arguments), str(work_dir / f"worker-{index}.json")]
            processes.append(
                subprocess.Popen(
                    command, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            )
        yield processes
    finally:
        for process in processes:
            _stop_group(process)
        for log in logs:
            log.close()


def _log_tail(path: Path, lines: int = 15) -> str:
    text = path.read_text(errors="replace") if path.exists() else "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def run_workers(
    function: Callable[..., Any],
    work_dir: Path | str,
    num_workers: int = 2,
    *,
    kwargs: dict[str, Any] | None = None,
    timeout: float = 180.0,
    env: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Run ``function`` on ``num_workers`` local processes (see :func:`started_workers`); return the results.

    Waits at most ``timeout`` seconds in all. Raises :class:`WorkerError` naming the first worker that
    failed (or did not finish), with the end of its log; the workers are stopped in every case.
    """
    work_dir = Path(work_dir)
    deadline = time.monotonic() + timeout
    with started_workers(function, work_dir, num_workers, kwargs=kwargs, env=env) as processes:
        pending = set(range(num_workers))
        while pending:
            for index in sorted(pending):
                code = processes[index].poll()
                if code is None:
                    continue
                pending.discard(index)
                if code != 0:
                    log = work_dir / f"worker-{index}.log"
                    raise WorkerError(
                        f"worker {index} exited with code {code}; its log ends:\n{_log_tail(log)}"
                    )
            if pending and time.monotonic() > deadline:
                index = min(pending)
                log = work_dir / f"worker-{index}.log"
                raise WorkerError(
                    f"worker {index} did not finish within {timeout:.0f} s; its log ends:\n{_log_tail(log)}"
                )
            time.sleep(0.1)
    results = []
    for index in range(num_workers):
        path = work_dir / f"worker-{index}.json"
        if not path.exists():
            raise WorkerError(f"worker {index} exited without writing {path.name}")
        results.append(json.loads(path.read_text()))
    return results


def alive(pids: Sequence[int]) -> list[int]:
    """Return those of ``pids`` that still run (zombies, finished but not reaped, do not count)."""
    running = []
    for pid in pids:
        status = Path(f"/proc/{pid}/stat")
        if status.exists():
            with contextlib.suppress(OSError, IndexError):
                if status.read_text().rsplit(")", 1)[1].split()[0] != "Z":
                    running.append(pid)
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        except PermissionError:
            pass
        running.append(pid)
    return running
