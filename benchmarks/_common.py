"""What every benchmark shares: CPU-seconds timing, the machine record, the results file.

The benchmark scripts run from this folder (``python benchmarks/bench_x.py``), so ``import _common``
finds this module without any ``sys.path`` edit.
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

from dvdl_helpers import device
from dvdl_helpers.env import package_version, usable_cores

RESULTS = Path(__file__).resolve().parent / "results"

try:
    import resource  # Unix: CPU time of finished child processes (pool workers, mogrify)
except ImportError:  # Windows
    resource = None


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its finished children; NaN where unknown."""
    if resource is None:
        return float("nan")
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load_average() -> float | None:
    """The 1-minute load average, rounded (None where the system does not tell)."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def machine(*packages: str) -> dict[str, object]:
    """The machine and the versions of ``packages`` that produced the numbers (recorded with each result)."""
    record: dict[str, object] = {
        "cpu": device.cpu_name(),
        "cpu_units": device.cpu_vector_units(),
        "cores": os.cpu_count(),
        "usable_cores": usable_cores(),
        "load_avg_1min": load_average(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    record.update({name: package_version(name) for name in packages})
    return record


def append_result(name: str, record: dict, folder: Path = RESULTS) -> Path:
    """Append ``record`` as one JSON line to ``<folder>/<name>.jsonl`` (default: ``benchmarks/results``)."""
    path = Path(folder) / f"{name}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as file:
        file.write(json.dumps(record) + "\n")
    return path
