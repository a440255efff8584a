"""The course's one measurements page, ``docs/measurements.md``, written from ``benchmarks/results/``.

``make bench`` measures and then calls :func:`write_page`; ``python benchmarks/run_all.py --page-only``
rewrites the page from the committed records without measuring anything. The page shows the current
figure of every benchmark and every notebook (the newest record of each kind); the history stays in the
records (one JSON line per run, with its machine and versions) and in git log. The notebooks' headers
and the README quote the page's figures in a learner's words (:func:`learner_time`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import nbformat

from dvdl_helpers import paths

#: Where the page goes, relative to the repository root.
PAGE_NAME = Path("docs") / "measurements.md"
#: The three timings of the notebooks, each written by one kind of ``make bench`` run.
QUICK_RECORD = "notebooks_quick.json"  # make bench: the quick setting, TensorFlow's defaults
CAPPED_RECORD = "notebooks_avx2.json"  # make bench ISA=AVX2: the quick setting in float32
FULL_RUN_RECORD = "notebooks_full.json"  # make bench FULL=1: the long runs
LAB_RECORD = "run_all_in_lab.jsonl"  # tools/run_all_in_lab.py --record: Run All in JupyterLab
#: The shipped chart classifier's facts (its model card as data).
CLASSIFIER_CARD = paths.REPO_ROOT / "dvdl_helpers" / "charts" / "pretrained" / "chart_classifier.json"

# Rounded-up steps of a learner's figure: "about 30 s", "about 1½ min", "about 4 min".
_SECONDS_STEPS = (10, 15, 20, 30, 40, 50, 60)
_MINUTES_STEPS = (1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30)


def learner_time(seconds: float) -> str:
    """A measured time in a learner's words, rounded up to a round figure: 28.4 → "about 30 s"."""
    if not seconds > 0:
        raise ValueError(f"a time must be positive, got {seconds!r}")
    if seconds <= _SECONDS_STEPS[-1]:
        step = next(step for step in _SECONDS_STEPS if seconds <= step)
        return "about 1 min" if step == 60 else f"about {step} s"
    minutes = seconds / 60
    step = next((step for step in _MINUTES_STEPS if minutes <= step), 5 * math.ceil(minutes / 5))
    whole, half = divmod(step, 1)
    return f"about {int(whole)}{'½' if half else ''} min"


def read_json(path: Path) -> dict | None:
    """A JSON record, or None where it was never written."""
    return json.loads(path.read_text()) if path.exists() else None


def read_jsonl(path: Path) -> list[dict]:
    """Every record of a ``.jsonl`` file, oldest first (none where the file is missing)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def notebooks_with_long_run(notebooks: Iterable[Path]) -> set[str]:
    """The names of the notebooks that have a long run: a ``FULL_RUN = False`` switch in a code cell."""
    names = set()
    for path in notebooks:
        cells = nbformat.read(path, as_version=4).cells
        if any(cell.cell_type == "code" and "FULL_RUN = False" in cell.source for cell in cells):
            names.add(path.name)
    return names


def _seconds_by_notebook(record: dict | None) -> dict[str, float | None]:
    return {row["notebook"]: row["seconds"] for row in (record or {}).get("notebooks", [])}


def _when(record: dict) -> str:
    return str(record.get("date") or record.get("time") or "?")[:10]


def _machine(record: dict) -> str:
    """ "Intel Xeon (AVX-512), 2 cores": the CPU as a record names it (in one of three places)."""
    facts = next((record[key] for key in ("machine", "device") if isinstance(record.get(key), dict)), record)
    cpu, units = facts.get("cpu", "?"), facts.get("cpu_units")
    cores = facts.get("cores") or facts.get("cpu_cores")
    return cpu + (f" ({units})" if units else "") + (f", {cores} cores" if cores else "")


def header_times(
    quick: dict | None, capped: dict | None, long_runs: dict | None, long_run_notebooks: set[str]
) -> dict[str, str]:
    """Each notebook's header line of time, in a learner's words, from the records.

    The quick setting's figure is its time in float32 (oneDNN capped at AVX2: what a laptop without
    bfloat16 units computes), or its plain time where no capped record names it. The long runs are timed
    on the fast path only, so their figure is scaled by the same notebook's float32/plain ratio.
    """
    plain, slow, long_seconds = (_seconds_by_notebook(r) for r in (quick, capped, long_runs))
    texts = {}
    for name in sorted(set(plain) | set(slow)):
        laptop = slow.get(name) or plain.get(name)
        if not laptop:
            continue
        text = f"Run All: {learner_time(laptop)} on a 2-core laptop"
        if name in long_run_notebooks and long_seconds.get(name):
            scale = laptop / plain[name] if plain.get(name) else 1.0
            text += f"; the long run (`FULL_RUN = True`) {learner_time(long_seconds[name] * scale)}"
        texts[name] = text
    return texts


#: A learner's figure of time, as headers and :func:`learner_time` write it: "about 40 s", "about 2½ min".
TIME_FIGURE = re.compile(r"about [\d½]+ (?:s|min)")


def stale_headers(results: Path, notebooks: Sequence[Path]) -> list[str]:
    """One line per notebook whose header states other times than its records give (the page's figures).

    Headers are written by hand (a teacher's ``make bench`` on another machine must not break the tests),
    so ``make bench`` names the ones to update instead.
    """
    expected = header_times(
        read_json(results / QUICK_RECORD),
        read_json(results / CAPPED_RECORD),
        read_json(results / FULL_RUN_RECORD),
        notebooks_with_long_run(notebooks),
    )
    lines = []
    for path in notebooks:
        if path.name not in expected:
            continue
        header = nbformat.read(path, as_version=4).cells[0].source
        stated = TIME_FIGURE.findall(header.partition("**Estimated time.**")[2].partition("[measurements")[0])
        measured = TIME_FIGURE.findall(expected[path.name])
        if stated != measured:
            lines.append(
                f"{path.name}: the header says {', '.join(stated) or 'no time'}; "
                f"the records give {', '.join(measured)}"
            )
    return lines


def notebook_section(
    quick: dict | None,
    capped: dict | None,
    long_runs: dict | None,
    lab: dict | None,
    long_run_notebooks: set[str],
) -> list[str]:
    """The table of notebook times: the header's figure, then every measured time it comes from."""
    plain, slow, long_seconds, in_lab = (_seconds_by_notebook(r) for r in (quick, capped, long_runs, lab))
    names = sorted(set(plain) | set(slow) | set(long_seconds) | set(in_lab))
    if not names:
        return ["## Notebooks", "", "No notebook has been timed yet: run `make bench`.", ""]
    headers = header_times(quick, capped, long_runs, long_run_notebooks)

    def cell(table: dict[str, float | None], name: str) -> str:
        if name not in table:
            return "–"
        return "failed" if table[name] is None else f"{table[name]:.0f}"

    def total(table: dict[str, float | None]) -> str:
        values = [seconds for seconds in table.values() if seconds]
        return f"**{sum(values):.0f}**" if values else "–"

    lines = [
        "## Notebooks",
        "",
        "Seconds for Run All, each notebook in a fresh kernel, in order, from an empty artifacts folder "
        "(nothing drawn or trained earlier is reused). *In the header* is what the notebook's header says.",
        "",
        "| notebook | in the header | quick, s | quick in float32, s | long run, s "
        "| Run All in JupyterLab, s |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name in names:
        lines.append(
            f"| {name.removesuffix('.ipynb')} | {headers.get(name, '–')} | {cell(plain, name)} | "
            f"{cell(slow, name)} | {cell(long_seconds, name)} | {cell(in_lab, name)} |"
        )
    laptop_total = sum(slow.get(n) or plain.get(n) or 0 for n in names)
    lines.append(
        f"| **the course** | {learner_time(laptop_total) if laptop_total else '–'} | {total(plain)} | "
        f"{total(slow)} | {total(long_seconds)} | {total(in_lab)} |"
    )
    lines += [
        "",
        "- *quick*: the default setting, whose outputs are stored and tested (`make bench`), with "
        "TensorFlow's default kernels, which use bfloat16 units where the CPU has them.",
        "- *quick in float32*: the same with TensorFlow's oneDNN kernels capped at AVX2, so everything "
        "computes in float32, as on a laptop without AVX-512 or bfloat16 units (`make bench ISA=AVX2`). "
        "The header's figure is this time, rounded up; a laptop's own cores may be slower still.",
        "- *long run*: `FULL_RUN = True` (`make bench FULL=1`), on the bundled MNIST subset; notebooks "
        "without a `FULL_RUN` switch run as they are. The header scales it by the notebook's "
        "float32/quick ratio.",
        "- *Run All in JupyterLab*: a fresh clone, `make lab`, Run All in the browser with nothing set, "
        "offline (`tools/run_all_in_lab.py --record`); every check came out as in the stored outputs.",
        "",
    ]
    for label, record in (
        ("quick", quick),
        ("quick in float32", capped),
        ("long run", long_runs),
        ("JupyterLab", lab),
    ):
        if record:
            lines.append(f"- {label}: {_machine(record)}, {_when(record)}.")
    return [*lines, ""]


def cnn_section(records: Sequence[dict]) -> list[str]:
    """Notebook 03's network: the course's training setting against a plain ``fit``, on a CPU."""
    measured = [r for r in records if not r.get("quick") and r.get("device_kind", "CPU") == "CPU"]
    fast = [r for r in measured if not r.get("cpu_isa_cap")]
    capped = [r for r in measured if r.get("cpu_isa_cap")]
    if not fast:
        return []
    record = fast[-1]
    lines = [
        "## Training notebook 03's network on a CPU (`bench_cnn.py`)",
        "",
        "The course's setting (`tf.data`, batch 256, several steps per call, mixed precision where the CPU "
        "computes it natively) against the code a learner writes first (`model.fit` on NumPy arrays, batch "
        "32), in the same run.",
        "",
        "| setting | images/s | × plain `fit` |",
        "|---|---:|---:|",
        f"| plain `model.fit(numpy)`, batch 32, float32 | {record['plain']['images_per_s']:,.0f} | 1.00 |",
        f"| the course's, {record['fast']['precision']} | {record['fast']['images_per_s']:,.0f} | "
        f"**{record['ratio']:.2f}** |",
    ]
    if record.get("fast_float32"):
        lines.append(
            f"| the course's, float32 | {record['fast_float32']['images_per_s']:,.0f} | "
            f"{record['ratio_float32']:.2f} |"
        )
    if capped:
        other = capped[-1]
        lines.append(
            f"| the course's, float32, oneDNN capped at {other['cpu_isa_cap']} (separate run) | "
            f"{other['fast']['images_per_s']:,.0f} | {other['ratio']:.2f} |"
        )
    lines += ["", f"Measured on {_machine(record)}, {_when(record)}.", ""]
    return lines


def gpu_section(records: Sequence[dict]) -> list[str]:
    """The newest GPU record of ``bench_cnn_backend.py``, with its machine's CPU beside it."""
    gpu_records = [r for r in records if r["device"] != "CPU"]
    if not gpu_records:
        return []
    gpu = gpu_records[-1]
    same_machine = [
        r
        for r in records
        if r["device"] == "CPU" and _when(r) == _when(gpu) and r["machine"]["cpu"] == gpu["machine"]["cpu"]
    ]
    plain, fast, recipe = gpu["plain"], gpu["fast"], gpu["recipe"]
    lines = [
        "## On a GPU",
        "",
        "`bench_cnn_backend.py`, which `make bench` does not rerun (it needs a GPU).",
        "",
        "| where | setting | images/s | ms per step of 64 | notebook 03's 40-epoch recipe, s |",
        "|---|---|---:|---:|---:|",
        f"| {gpu['device']} | plain `model.fit(numpy)`, batch 32, float32 | {plain['images_per_s']:,.0f} | "
        f"{plain['ms_per_step_b64']:.2f} | |",
        f"| {gpu['device']} | batch 256, 8 steps per call, {fast['precision']} | {fast['images_per_s']:,.0f} "
        f"| {fast['ms_per_step_b64']:.2f} | {recipe['seconds']:.1f} |",
    ]
    if same_machine:
        cpu = same_machine[-1]
        lines.append(
            f"| the same machine's {cpu['machine']['cores']} CPU cores | plain, float32 | "
            f"{cpu['plain']['images_per_s']:,.0f} | {cpu['plain']['ms_per_step_b64']:.2f} | "
            f"{cpu['recipe']['seconds']:.1f} |"
        )
    lines += [
        "",
        f"The course's setting trains **{gpu['ratio']:.1f}×** as many images per second as a plain `fit` "
        f"on the same GPU. Keras on {gpu['backend']} (the same Keras model; TensorFlow's GPU build was not "
        f"installed there); measured on {gpu['device']}, {_when(gpu)}.",
        "",
    ]
    return lines


def imageprep_section(records: Sequence[dict]) -> list[str]:
    """``imageprep`` against a naive PIL loop and ImageMagick's ``mogrify``, per folder of photos."""
    newest: dict[str, dict] = {}
    for record in records:
        if not record.get("quick") and record.get("corpus_name"):
            newest[record["corpus_name"]] = record
    if not newest:
        return []
    lines = [
        "## Shrinking photos to 28×28 gray (`bench_imageprep.py`)",
        "",
        "| folder | imageprep, images/s | × a naive PIL loop | × ImageMagick `mogrify` |",
        "|---|---:|---:|---:|",
    ]
    for record in newest.values():
        best = max(record["results"], key=lambda row: row["images_per_s"])
        has_mogrify = any(row["method"] == "ImageMagick mogrify" for row in record["results"])
        versus_mogrify = f"**{best['x_mogrify']:.1f}**" if has_mogrify else "–"
        corpus = record["corpus"]
        lines.append(
            f"| {corpus['pictures']} photos ({corpus['megabytes']:.0f} MB) | {best['images_per_s']:.0f} | "
            f"**{best['x_naive']:.1f}** | {versus_mogrify} |"
        )
    record = list(newest.values())[-1]
    lines += ["", f"imageprep with both cores; measured on {_machine(record)}, {_when(record)}.", ""]
    return lines


def charts_section(records: Sequence[dict]) -> list[str]:
    """The chart generator's speed, and the saved chart classifier's score on the real charts."""
    measured = [r for r in records if not r.get("quick")]
    if not measured:
        return []
    record = measured[-1]
    lines = [
        "## Chart generator (`bench_charts.py`)",
        "",
        "| look | size | jobs | charts/s |",
        "|---|---|---:|---:|",
    ]
    for row in record["results"]:
        look = "clean (notebook 06)" if row["style"] == "train" else "varied (notebook 05)"
        size = f"{row['size']}×{row['size']}" if row["style"] == "train" else f"≤ {row['size']}"
        lines.append(f"| {look} | {size} | {row['jobs']} | {row['charts_per_s']:.0f} |")
    lines += ["", f"Measured on {_machine(record)}, {_when(record)}.", ""]
    return lines


def classifier_section(card: dict | None) -> list[str]:
    """The shipped chart classifier's scores, from its model card (the facts beside the model)."""
    if not card or "scores" not in card:
        return []
    lines = [
        "## The shipped chart classifier",
        "",
        "From its model card (`dvdl_helpers/charts/pretrained/MODEL_CARD.md`): balanced accuracy over the "
        "seven types on real charts, accuracy on generated ones, each with its 95 % interval. The *confirm* "
        "halves were read once, after every choice.",
        "",
        "| set | score | 95 % interval | charts |",
        "|---|---:|---|---:|",
    ]
    for name, s in card["scores"].items():
        lines.append(f"| {name} | {s['value']:.3f} | {s['low']:.2f}–{s['high']:.2f} | {s['n']} |")
    minutes = card.get("train_s", 0) / 60
    lines += [
        "",
        f"Trained by `{card.get('trained_by', '?')}` in {minutes:.1f} min on {card.get('machine', '?')}; "
        f"temperature {card.get('temperature')}, 'unsure' below {card.get('threshold')}.",
        "",
    ]
    return lines


def classify_section(records: Sequence[dict]) -> list[str]:
    """``dvdl-charts classify`` streamed in batches against every chart prepared first: speed and memory."""
    measured = [r for r in records if not r.get("quick")]
    if not measured:
        return []
    record = measured[-1]
    lines = [
        "## Classifying your own charts (`bench_classify.py`)",
        "",
        f"`dvdl-charts classify` in batches of {record['batch_size']} against every chart prepared first "
        f"({record['model']}):",
        "",
        "| way | charts | pictures/s | peak memory above the model, MiB |",
        "|---|---:|---:|---:|",
    ]
    for row in record["results"]:
        lines.append(
            f"| {row['mode']} | {row['files']:,} | {row['pictures_per_s']:.0f} | {row['extra_mib']:.0f} |"
        )
    return [*lines, "", f"Measured on {_machine(record)}, {_when(record)}.", ""]


def tensorboard_section(records: Sequence[dict]) -> list[str]:
    """How soon ``%tensorboard`` is ready, with the course's program and with the usual one."""
    if not records:
        return []
    record = records[-1]
    (usual_name, usual), (course_name, course) = record["median_s"].items()
    return [
        "## `%tensorboard` start (`bench_tensorboard.py`)",
        "",
        f"Ready in {course:.1f} s with `dvdl-tensorboard` (TensorBoard without importing TensorFlow) "
        f"against {usual:.1f} s with `tensorboard`: **{record['speedup']:.1f}×** sooner (median of "
        f"{record.get('rounds', len(record['seconds'][course_name]))} starts each). Measured on "
        f"{_machine(record)}, {_when(record)}.",
        "",
    ]


def classroom_section(records: Sequence[dict]) -> list[str]:
    """A room on one machine: N learners running notebooks 00 and 01 at once (``bench_classroom.py``)."""
    if not records:
        return []
    record = records[-1]
    lines = [
        "## A room on one machine (`bench_classroom.py`)",
        "",
        f"N learners start notebooks {' and '.join(name[:2] for name in record['notebooks'])} (quick "
        "setting, Run All) at the same moment, each in their own folder and kernel, as on `make classroom`. "
        "Memory is the peak of each learner's kernel and the TensorBoard it starts; each learner's Jupyter "
        f"server adds about {record['idle_server_mib']} MiB. Capacity for a room: "
        "[teacher's guide](teaching.md#how-many-learners-one-machine-serves).",
        "",
        "| learners at once | first cell's result, s (median / worst) | both notebooks, s (median / worst) "
        "| × alone | CPU seconds per learner | peak memory per learner, MiB (median / worst) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for room in record["rooms"]:
        cpu = f"{room['cpu_s_median']:.0f}" if "cpu_s_median" in room else "–"
        lines.append(
            f"| {room['learners']} | {room['first_cell_s_median']:.0f} / {room['first_cell_s_max']:.0f} "
            f"| {room['total_s_median']:.0f} / {room['total_s_max']:.0f} | {room['x_alone']} | {cpu} "
            f"| {room['peak_mib_median']:.0f} / {room['peak_mib_max']:.0f} |"
        )
    loads = [room["load_avg_before"] for room in record["rooms"] if room.get("load_avg_before") is not None]
    shared = (
        f" Other work shared the machine (1-minute load average {min(loads):.1f}–{max(loads):.1f} before the "
        "rooms started): the times carry it, the CPU seconds do not."
        if loads and max(loads) > 1
        else ""
    )
    return [*lines, "", f"Measured on {_machine(record)}, {_when(record)}.{shared}", ""]


def measurements_page(results: Path, notebooks: Sequence[Path] = ()) -> str:
    """The whole page, from the records in ``results`` (``notebooks``: to tell which have a long run)."""
    lab_records = read_jsonl(results / LAB_RECORD)
    offline = [r for r in lab_records if not r.get("keras_standin")]
    lines = [
        "# Measurements",
        "",
        "<!-- Generated from benchmarks/results/ by `python benchmarks/run_all.py --page-only` "
        "(and by `make bench`): edit the generator, not this page. -->",
        "",
        "How long the course takes and how fast its tools are, as last measured: the newest record of each "
        "kind in [`benchmarks/results/`](../benchmarks/results/), where every run keeps its machine and "
        "versions. Speeds are ratios against a baseline measured in the same run. `make bench` measures "
        "your machine and rewrites this page.",
        "",
        *notebook_section(
            read_json(results / QUICK_RECORD),
            read_json(results / CAPPED_RECORD),
            read_json(results / FULL_RUN_RECORD),
            (offline or lab_records or [None])[-1],
            notebooks_with_long_run(notebooks),
        ),
        *cnn_section(read_jsonl(results / "cnn.jsonl")),
        *gpu_section(read_jsonl(results / "cnn_backend.jsonl")),
        *imageprep_section(read_jsonl(results / "imageprep.jsonl")),
        *charts_section(read_jsonl(results / "charts.jsonl")),
        *classifier_section(read_json(CLASSIFIER_CARD)),
        *classify_section(read_jsonl(results / "classify.jsonl")),
        *tensorboard_section(read_jsonl(results / "tensorboard.jsonl")),
        *classroom_section(read_jsonl(results / "classroom.jsonl")),
    ]
    return "\n".join(lines).rstrip() + "\n"


def write_page(results: Path, notebooks: Sequence[Path], page: Path) -> Path:
    """Write :func:`measurements_page` to ``page``; return it."""
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(measurements_page(results, notebooks))
    return page
