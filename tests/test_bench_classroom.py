"""The room's section of the measurements page (``benchmarks/bench_classroom.py``'s records)."""

from __future__ import annotations

import sys

from helpers import BENCHMARKS, load_script


def test_the_benchmark_loads_and_names_its_records():
    bench = load_script(BENCHMARKS / "bench_classroom.py")
    sys.modules.pop("_common", None)  # as run_all's tests do: later imports find their own
    assert bench.RECORDS.name == "classroom.jsonl" and bench.RECORDS.parent.name == "results"


def test_the_measurements_page_shows_the_room():
    page = load_script(BENCHMARKS / "measurements_page.py")
    sys.modules.pop("_common", None)  # as run_all's tests do: later imports find their own
    room = {"first_cell_s_median": 9, "first_cell_s_max": 11, "total_s_median": 50, "total_s_max": 55}
    record = {
        "date": "2026-12-06T13:00:00+00:00",
        "notebooks": ["00_setup.ipynb", "01_first_steps_mnist.ipynb"],
        "idle_server_mib": 120,
        "cpu": "Test CPU",
        "cores": 2,
        "rooms": [
            {"learners": 1, "x_alone": 1.0, "peak_mib_median": 900, "peak_mib_max": 900, **room},
            {
                "learners": 2,
                "x_alone": 1.9,
                "peak_mib_median": 950,
                "peak_mib_max": 990,
                "cpu_s_median": 61,
                **room,
            },
        ],
    }
    text = "\n".join(page.classroom_section([record]))
    assert "| 2 | 9 / 11 | 50 / 55 | 1.9 | 61 | 950 / 990 |" in text
    assert "| 1 | 9 / 11 | 50 / 55 | 1.0 | – | 900 / 900 |" in text  # a record without CPU seconds
    assert "about 120 MiB" in text and "Test CPU, 2 cores" in text
    assert page.classroom_section([]) == []
