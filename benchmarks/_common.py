"""What every benchmark shares: CPU-seconds timing, the machine record, the records folder.

The benchmark scripts run from this folder (``python benchmarks/bench_x.py``), so ``import _common``
finds this module without any ``sys.path`` edit. Each benchmark keeps its records in one JSON-lines file,
``RESULTS_DIR / "<name>.jsonl"`` (its ``RECORDS``), one line per run.
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

from dvdl_helpers import device
from dvdl_helpers.env import package_version, usable_cores

#: The folder of every benchmark's records (``benchmarks/results``), which ``docs/measurements.md`` reads.
RESULTS_DIR = Path(__file__).resolve().parent / "results"
#: The batch of the original convolutional.py: the CNN benchmarks give ms/step at this batch size.
STEP_BATCH = 64
#: Packages published under several names: the version of whichever is installed is recorded.
_PUBLISHED_AS = {"tensorflow": ("tensorflow", "tensorflow-cpu")}

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
    record.update({name: package_version(*_PUBLISHED_AS.get(name, (name,))) for name in packages})
    return record


def append_record(records: Path, record: dict) -> Path:
    """Append ``record`` as one JSON line to the file ``records`` (its folder made if need be); return it."""
    records.parent.mkdir(parents=True, exist_ok=True)
    with records.open("a") as file:
        file.write(json.dumps(record) + "\n")
    return records
