"""Is this machine ready for the course? One report: versions, devices, where MNIST comes from, TensorBoard.

Notebook 00 prints it first; outside a notebook: ``python -c "from dvdl_helpers import checkup;
checkup.report()"``. It gathers what :mod:`.env`, :mod:`.device` and :mod:`.data` know, so it stands above
them (``env`` is the ground every module may import, and imports none of the course's modules).
"""

from __future__ import annotations

import platform

from dvdl_helpers import device
from dvdl_helpers.data import choose_source
from dvdl_helpers.env import package_version, quick_mode, quiet_tensorflow, tensorboard_status


def gpu_names() -> list[str]:
    """Return short descriptions of the GPUs TensorFlow sees (empty list: CPU only)."""
    return [f"{gpu.name} ({device.gpu_details(gpu).get('device_name', 'GPU')})" for gpu in device.gpus()]


def report() -> None:
    """Print the versions, the devices, the MNIST source ``auto`` would pick, and TensorBoard's state."""
    quiet_tensorflow()
    gpus = gpu_names()
    source, reason = choose_source(probe_network=True)
    tb_ok, tb_text = tensorboard_status()
    rows = [
        ("Python", platform.python_version()),
        ("TensorFlow", package_version("tensorflow", "tensorflow-cpu")),
        ("Keras", package_version("keras")),
        ("TensorBoard", package_version("tensorboard")),
        (
            "Devices",
            ", ".join(gpus)
            if gpus
            else "CPU only: every notebook runs; a GPU trains notebook 03's CNN faster (make bench)",
        ),
        ("MNIST source", f"{source} ({reason})"),
        ("TensorBoard program", ("OK: " if tb_ok else "PROBLEM: ") + tb_text),
        ("Setting", "quick (as stored)" if quick_mode() else "long run (DVDL_TEST_MODE=0)"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
