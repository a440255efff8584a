"""Benchmark of a room on one machine: N learners run notebooks 00 and 01 (quick setting) at the same time.

    python benchmarks/bench_classroom.py             # 1 (the baseline: a learner alone), 2, 4 and 8 learners
    python benchmarks/bench_classroom.py --quick     # 1 and 2 learners
    python benchmarks/bench_classroom.py --learners 1 3

Each learner is what the classroom hub (``make classroom``) gives one: a folder of their own with the
student copies of the notebooks, their own artifacts folder (``DVDL_ARTIFACTS``: TensorBoard logs, models)
and temporary folder, and a kernel of the course's Python that runs notebook 00 then notebook 01 top to
bottom (as Run All does; ``%tensorboard`` starts each learner's TensorBoard). All learners start at once.
Measured per learner: the time to the first cell's result (kernel start + the setup cell: importing
TensorFlow), the total time for both notebooks, the peak memory (resident, summed over the learner's
kernel and the processes it started, sampled every 0.2 s) and the CPU seconds those processes used (what
the room needs from the machine, whatever else runs on it). The learners' Jupyter servers are not started;
one idle server's memory is measured once and recorded beside (each learner has one on the hub).
A learner alone is the baseline: with N learners, each one's total time is compared with it.
Appends one JSON record to ``benchmarks/results/classroom.jsonl`` and prints a markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil
from _common import RESULTS_DIR, append_record, load_average, machine

from dvdl_helpers import env, paths, workers

RECORDS = RESULTS_DIR / "classroom.jsonl"
NOTEBOOKS = ("00_setup.ipynb", "01_first_steps_mnist.ipynb")
MIB = 2**20


def run_learner(folder: Path, started_at: float) -> dict[str, float]:
    """Run the learner's notebooks 00 and 01 in one fresh kernel each; return times since ``started_at``."""
    import nbformat
    from nbclient import NotebookClient

    times: dict[str, float] = {}
    for name in NOTEBOOKS:
        path = folder / "notebooks" / name
        notebook = nbformat.read(path, as_version=4)

        def executed(cell, **_) -> None:
            if cell.cell_type == "code" and "first_cell_s" not in times:
                times["first_cell_s"] = time.time() - started_at

        client = NotebookClient(
            notebook,
            timeout=900,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
            on_cell_executed=executed,
        )
        client.execute()
        nbformat.write(notebook, path)  # what a learner's autosave keeps
        times[f"{name[:2]}_done_s"] = time.time() - started_at
    times["total_s"] = times[f"{NOTEBOOKS[-1][:2]}_done_s"]
    return times


def learner_environment(folder: Path) -> dict[str, str]:
    """The environment the classroom hub gives a learner (``ClassroomSpawner``), quick setting."""
    environment = dict(os.environ)
    environment.update(env.TEST_ENVIRONMENT)
    environment.update(
        HOME=str(folder),
        DVDL_ARTIFACTS=str(folder / "artifacts"),
        TMPDIR=str(folder / ".tmp"),
        JUPYTER_PREFER_ENV_PATH="1",
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    )
    return environment


def sample_tree(process: psutil.Process, cpu: dict[int, float]) -> int:
    """Resident memory (bytes) of the processes ``process`` started (kernels, TensorBoards) now.

    Also keeps, in ``cpu``, each of those processes' CPU seconds so far (user + system), by process id.
    """
    total = 0
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
            times = child.cpu_times()
            cpu[child.pid] = max(cpu.get(child.pid, 0.0), times.user + times.system)
        except psutil.Error:
            continue
    return total


def stop_tensorboards(folder: Path) -> None:
    """Stop the TensorBoards that the learner's ``%tensorboard`` started (its own registry)."""
    for info in (folder / ".tmp" / ".tensorboard-info").glob("pid-*.info"):
        try:
            os.kill(json.loads(info.read_text())["pid"], signal.SIGTERM)
        except (OSError, ValueError, KeyError):
            continue


def run_room(learners: int, student: Path, root: Path) -> list[dict[str, float]]:
    """Start ``learners`` learners at once; return each one's times and peak memory."""
    folders = []
    for number in range(learners):
        folder = root / f"{learners}-learner{number}"
        shutil.copytree(student, folder / "notebooks")
        (folder / ".tmp").mkdir()
        folders.append(folder)
    started_at = time.time()
    workers = [
        subprocess.Popen(
            [sys.executable, __file__, "--run-learner", str(folder), "--started-at", repr(started_at)],
            env=learner_environment(folder),
            stdout=subprocess.PIPE,
            text=True,
        )
        for folder in folders
    ]
    peaks = [0] * learners
    cpu: list[dict[int, float]] = [{} for _ in range(learners)]
    done = threading.Event()

    def sample() -> None:
        watched = [psutil.Process(worker.pid) for worker in workers]
        while not done.is_set():
            for index, process in enumerate(watched):
                try:
                    peaks[index] = max(peaks[index], sample_tree(process, cpu[index]))
                except psutil.Error:
                    continue
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    results = []
    try:
        for worker, folder in zip(workers, folders, strict=True):
            output, _ = worker.communicate(timeout=1800)
            if worker.returncode:
                raise SystemExit(f"learner in {folder} failed ({worker.returncode})")
            results.append(json.loads(output.strip().splitlines()[-1]))
    finally:
        done.set()
        sampler.join()
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
        for folder in folders:
            stop_tensorboards(folder)
    for result, peak, seconds in zip(results, peaks, cpu, strict=True):
        result["peak_mib"] = round(peak / MIB)
        result["cpu_s"] = round(sum(seconds.values()), 1)  # as last sampled: up to 0.2 s per process short
    return results


def idle_server_mib(folder: Path) -> float:
    """Resident memory of one idle Jupyter server (what each learner also has on the hub), in MiB."""
    port, token = workers.free_ports(1)[0], secrets.token_hex(16)
    command = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder}",
        "--ServerApp.allow_root=True",
        "--LabApp.news_url=None",
    ]
    server = subprocess.Popen(
        command, env=learner_environment(folder), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=5)
                break
            except OSError:
                time.sleep(0.5)
        time.sleep(3)
        return psutil.Process(server.pid).memory_info().rss / MIB
    finally:
        server.terminate()
        server.wait(30)


def summarise(results: list[dict[str, float]]) -> dict[str, float]:
    """Median and worst of each measure over a room's learners."""
    summary: dict[str, float] = {}
    for key in ("first_cell_s", "total_s", "peak_mib", "cpu_s"):
        values = [result[key] for result in results]
        summary[f"{key}_median"] = round(statistics.median(values), 1)
        summary[f"{key}_max"] = round(max(values), 1)
    return summary


def main(argv: list[str] | None = None) -> int:
    """Run rooms of growing size, one after the other; append the record; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 and 2 learners only")
    parser.add_argument("--learners", type=int, nargs="+", help="room sizes (default 1 2 4 8)")
    parser.add_argument("--run-learner", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--started-at", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_learner:  # one learner, in its own process (started by run_room)
        print(json.dumps(run_learner(args.run_learner, args.started_at)), flush=True)
        return 0
    sizes = args.learners or ([1, 2] if args.quick else [1, 2, 4, 8])
    facts = machine("tensorflow", "tensorflow-cpu", "jupyterlab", "jupyterhub")
    rooms = []
    with tempfile.TemporaryDirectory(prefix="dvdl-bench-room-") as folder:
        root = Path(folder)
        student = root / "student"
        subprocess.run(
            [sys.executable, str(paths.REPO_ROOT / "tools" / "make_student.py"), str(student)],
            check=True,
            capture_output=True,
        )
        for name in os.listdir(student):
            if name not in NOTEBOOKS:
                (student / name).unlink()
        server_mib = idle_server_mib(root)
        for size in sizes:
            print(f"{size} learner(s) at once ...", flush=True)
            load = load_average()  # other work on the machine slows the room: recorded with it
            results = run_room(size, student, root)
            rooms.append(
                {"learners": size, "load_avg_before": load, "results": results, **summarise(results)}
            )
    alone = next((room["total_s_median"] for room in rooms if room["learners"] == 1), None)
    for room in rooms:
        room["x_alone"] = round(room["total_s_median"] / alone, 2) if alone else None
    record = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "notebooks": list(NOTEBOOKS),
        "setting": "quick",
        "idle_server_mib": round(server_mib),
        "rooms": rooms,
        **facts,
    }
    path = append_record(RECORDS, record)
    print(
        "| learners at once | first cell (median / worst) | 00 + 01 per learner (median / worst) | "
        "× alone | CPU per learner | peak memory per learner (median / worst) |"
    )
    print("|---|---|---|---|---|---|")
    for room in rooms:
        print(
            f"| {room['learners']} | {room['first_cell_s_median']:.0f} / {room['first_cell_s_max']:.0f} s | "
            f"{room['total_s_median']:.0f} / {room['total_s_max']:.0f} s | {room['x_alone']} | "
            f"{room['cpu_s_median']:.0f} s | {room['peak_mib_median']:.0f} / {room['peak_mib_max']:.0f} MiB |"
        )
    print(f"idle Jupyter server per learner: {server_mib:.0f} MiB; record appended to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
