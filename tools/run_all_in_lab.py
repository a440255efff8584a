"""The learner's path, literally: ``make lab`` in a checkout, then Run All on every notebook, in a browser.

Usage (from the repository root, after ``make setup`` and ``make browser``)::

    git clone . /tmp/fresh
    .venv/bin/python tools/run_all_in_lab.py /tmp/fresh [01 03 ...] [--keras-standin]

It starts ``make lab`` in that checkout (which installs the course into the checkout's own ``.venv`` first)
with nothing of the course's test settings in its environment (no ``DVDL_*``, no ``KERAS_HOME``), opens
JupyterLab in headless Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright), and for each
notebook, in order: opens it, runs the Run menu's *Run All Cells*, waits until no cell is pending and the
kernel is idle, saves it (in the checkout) and closes it. Then it compares every saved notebook with the
committed one as strict nbval would (the cells without ``# NBVAL_IGNORE_OUTPUT``, after the same
sanitising), and lists errors, stderr output and differing cells. The run's record (machine, MNIST
source, each notebook's time and differences) goes to ``<checkout>/run-all-in-lab.json``; ``--record``
also appends it to ``benchmarks/results/run_all_in_lab.jsonl``, whose newest offline run is the
JupyterLab column of ``docs/measurements.md``. Use a throw-away clone: the notebooks there are overwritten.

``--keras-standin`` runs it as a learner *online* would, with Keras' full MNIST in ``~/.keras``, where
that file cannot be downloaded: ``make lab`` gets a temporary ``HOME`` whose ``.keras/datasets/mnist.npz``
has Keras' shapes (60,000 + 10,000 digits) and holds the 5,000 bundled digits split anew, each split
padded with copies. The quick setting reads only the first 3,500 / 500 / 1,000 of Keras' splits, so it
then trains and checks on 5,000 real digits in a split the tests never use.

It needs a browser and takes about as long as the course: a check to run by hand, not one of the tests.
"""

from __future__ import annotations

import argparse
import configparser
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

from dvdl_helpers import paths

#: Debian's Chromium (never a downloaded one) and its flags, shared with the browser tests (tests/helpers.py):
#: without the background-networking ones Chromium keeps trying to reach Google's servers, even for a page
#: on this machine.
CHROMIUM = Path(os.environ.get("DVDL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RECORDS = paths.REPO_ROOT / "benchmarks" / "results" / "run_all_in_lab.jsonl"
NOTEBOOK_LIMIT_S = 900  # a notebook still running after this is reported, not waited for
IGNORE_MARK = "NBVAL_IGNORE_OUTPUT"

#: JavaScript: the current notebook's code cells still pending ([*]) and its kernel's status.
PROGRESS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const prompts = panel.content.widgets.filter((cell) => cell.model.type === 'code')
    .map((cell) => (cell.node.querySelector('.jp-InputPrompt') || {}).textContent || '');
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return {pending: prompts.filter((p) => p.includes('*')).length, cells: prompts.length,
          status: kernel ? kernel.status : 'none'};
}"""
KERNEL_IDLE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const session = panel && panel.sessionContext && panel.sessionContext.session;
  return Boolean(session && session.kernel && session.kernel.status === 'idle');
}"""
CLOSE_ALL = "() => { for (const w of Array.from(window.jupyterapp.shell.widgets('main'))) w.dispose(); }"
COMMAND = "async ([id, args]) => { await window.jupyterapp.commands.execute(id, args); }"


def write_keras_standin(home: Path, seed: int = 2026) -> Path:
    """Write ``home/.keras/datasets/mnist.npz``: Keras' shapes, the bundled digits split anew (see above)."""
    from dvdl_helpers import data

    bundled = data.load_mnist("bundled", verbose=False)
    images = np.concatenate([split.images for split in bundled[:3]])
    labels = np.concatenate([split.labels for split in bundled[:3]])
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(labels))
    train_size, validation_size = data.BUNDLED_SPLIT[:2]
    validation, train = order[:validation_size], order[validation_size : validation_size + train_size]
    test = order[validation_size + train_size :]

    def padded(index: np.ndarray, size: int) -> np.ndarray:  # the split first, then copies of it
        return np.concatenate([index, rng.choice(index, size - len(index))])

    # Keras' x_train holds the validation digits first (data.KERAS_VALIDATION), then the training ones.
    train_order = np.concatenate([padded(validation, data.KERAS_VALIDATION), padded(train, 55_000)])
    test_order = padded(test, 10_000)
    target = home / ".keras" / "datasets" / "mnist.npz"
    target.parent.mkdir(parents=True, exist_ok=True)
    np.savez(
        target,
        x_train=images[train_order],
        y_train=labels[train_order].astype(np.uint8),
        x_test=images[test_order],
        y_test=labels[test_order].astype(np.uint8),
    )
    return target


def start_lab(checkout: Path, port: int, token: str, log: Path, home: Path | None = None) -> subprocess.Popen:
    """Start ``make lab`` in ``checkout`` without a browser of its own, as a learner's shell would."""
    lab_args = (
        f"--no-browser --ServerApp.port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token} "
        "--LabApp.expose_app_in_browser=True"  # window.jupyterapp, to run JupyterLab's own commands
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DVDL_", "KERAS_"))}
    if home is not None:
        environment["HOME"] = str(home)
    with log.open("w") as output:
        return subprocess.Popen(
            ["make", "lab", f"LAB_ARGS={lab_args}"],
            cwd=checkout,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_for_lab(url: str, token: str, lab: subprocess.Popen, log: Path, limit_s: float = 900) -> None:
    """Wait until the Jupyter server answers (``make lab`` may first install the course)."""
    deadline = time.monotonic() + limit_s
    request = urllib.request.Request(f"{url}api/status", headers={"Authorization": f"token {token}"})
    while time.monotonic() < deadline:
        if lab.poll() is not None:
            raise SystemExit(f"make lab exited ({lab.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(request, timeout=5):
                return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"make lab did not answer within {limit_s:.0f} s; see {log}")


def run_all(page, notebook: str) -> dict:
    """Open ``notebook`` (path from the checkout's root), Run All, wait, save, close; return its timing."""
    page.evaluate(COMMAND, ["docmanager:open", {"path": notebook}])
    page.wait_for_function(KERNEL_IDLE, timeout=180_000)
    kernel = page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.kernelDisplayName")
    start = time.monotonic()
    page.evaluate(COMMAND, ["notebook:run-all-cells", {}])
    time.sleep(1)
    while True:
        progress = page.evaluate(PROGRESS)
        seconds = time.monotonic() - start
        if progress["pending"] == 0 and progress["status"] == "idle":
            break
        if seconds > NOTEBOOK_LIMIT_S:
            progress["timed_out"] = True
            break
        time.sleep(0.5)
    dialogs = page.locator(".jp-Dialog").count()
    page.evaluate(COMMAND, ["docmanager:save", {}])
    page.evaluate(CLOSE_ALL)
    return {
        "notebook": Path(notebook).name,
        "seconds": round(seconds, 1),
        "kernel": kernel,
        **progress,
        "dialogs": dialogs,
    }


def sanitisers() -> list[tuple[re.Pattern, str]]:
    """The replacements nbval applies before comparing (``tests/nbval_sanitize.cfg``)."""
    config = configparser.ConfigParser()
    config.read(paths.REPO_ROOT / "tests" / "nbval_sanitize.cfg")
    return [(re.compile(config[name]["regex"]), config[name]["replace"]) for name in config.sections()]


def compared_text(cell: dict, replacements: list[tuple[re.Pattern, str]]) -> str:
    """A code cell's stdout and text results as strict nbval compares them (images and stderr left out)."""
    parts = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream" and output["name"] == "stdout":
            parts.append("".join(output["text"]))
        elif output["output_type"] in ("execute_result", "display_data"):
            data = output.get("data", {})
            if "text/plain" in data and not any(kind.startswith("image/") for kind in data):
                parts.append("".join(data["text/plain"]))
    text = "".join(parts).replace("\r\n", "\n")  # a terminal's line ends in `!command` output
    for pattern, replacement in replacements:
        text = pattern.sub(replacement, text)
    return text


def ignored(cell: dict) -> bool:
    """nbval's rule: some comment line of the cell is exactly ``# NBVAL_IGNORE_OUTPUT``."""
    comments = [line.strip() for line in "".join(cell["source"]).splitlines() if line.strip().startswith("#")]
    return any(comment.lstrip("#").strip() == IGNORE_MARK for comment in comments)


def compare(ran: bytes, committed: bytes) -> list[str]:
    """Lines describing how the notebook a learner ran differs from the committed one (checks, errors)."""
    replacements = sanitisers()
    cells = [json.loads(notebook)["cells"] for notebook in (ran, committed)]
    ran_cells, stored_cells = ([c for c in cs if c["cell_type"] == "code"] for cs in cells)
    lines = []
    for index, (mine, theirs) in enumerate(zip(ran_cells, stored_cells, strict=True)):
        first_line = "".join(mine["source"]).strip().splitlines()[:1] or [""]
        for output in mine.get("outputs", []):
            if output["output_type"] == "error":
                lines.append(f"  cell {index}: ERROR {output['ename']}: {output['evalue'][:300]}")
            elif output["output_type"] == "stream" and output["name"] == "stderr":
                lines.append(f"  cell {index}: stderr: {''.join(output['text'])[:300]!r}")
        if ignored(mine):
            continue
        if compared_text(mine, replacements) != compared_text(theirs, replacements):
            lines.append(
                f"  cell {index} ({first_line[0][:60]}) differs:\n"
                f"    committed: {compared_text(theirs, replacements)[:400]!r}\n"
                f"    Run All:   {compared_text(mine, replacements)[:400]!r}"
            )
    return lines


def main(argv: list[str]) -> int:
    """Run the course in a checkout as a learner does; report times and differences."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path, help="a throw-away clone: its notebooks are overwritten")
    parser.add_argument("notebooks", nargs="*", help="notebook numbers (01 03 ...); default: all")
    parser.add_argument("--keras-standin", action="store_true", help="as a learner online (see above)")
    parser.add_argument("--record", action="store_true", help=f"append the run to {RECORDS.name}")
    args = parser.parse_args(argv)
    checkout = args.checkout.resolve()
    notebooks = sorted((checkout / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    notebooks = [path for path in notebooks if not args.notebooks or path.name[:2] in args.notebooks]
    committed = {path.name: path.read_bytes() for path in notebooks}
    home = None
    if args.keras_standin:
        home = Path(tempfile.mkdtemp(prefix="dvdl-learner-home-"))
        print(f"Keras' MNIST stand-in: {write_keras_standin(home)}", flush=True)
    from playwright.sync_api import sync_playwright

    from dvdl_helpers import workers

    port, token, log = workers.free_ports(1)[0], secrets.token_hex(16), checkout / "run-all-in-lab.log"
    url = f"http://127.0.0.1:{port}/"
    lab = start_lab(checkout, port, token, log, home)
    rows = []
    try:
        wait_for_lab(url, token, lab, log)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.set_default_timeout(120_000)
            page.goto(f"{url}lab?token={token}")
            page.wait_for_function("() => window.jupyterapp !== undefined")
            page.evaluate("async () => { await window.jupyterapp.restored; }")
            page.evaluate(CLOSE_ALL)
            for path in notebooks:
                row = run_all(page, f"notebooks/{path.name}")
                print(
                    f"{path.name}: Run All {row['seconds']:.1f} s ({row['cells']} code cells, kernel "
                    f"'{row['kernel']}', {row['dialogs']} dialogs)",
                    flush=True,
                )
                rows.append(row)
            browser.close()
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        lab.wait(30)
        if home is not None:
            shutil.rmtree(home, ignore_errors=True)
    print(f"all: {sum(row['seconds'] for row in rows):.0f} s")
    for row, path in zip(rows, notebooks, strict=True):
        differences = compare(path.read_bytes(), committed[path.name])
        row["differences"] = len(differences)
        print(f"{path.name}: {len(differences)} differences from the committed outputs")
        for line in differences:
            print(line)
    record = run_record(rows, mnist_line(notebooks), args.keras_standin)
    (checkout / "run-all-in-lab.json").write_text(json.dumps(record, indent=1) + "\n")
    if args.record:
        RECORDS.parent.mkdir(parents=True, exist_ok=True)
        with RECORDS.open("a") as records:
            records.write(json.dumps(record) + "\n")
        print(f"appended to {paths.display_path(RECORDS)}")
    return 0


def mnist_line(notebooks: list[Path]) -> str | None:
    """The first ``MNIST: ...`` line the run printed: which source the learner's notebooks used, and why."""
    for path in notebooks:
        for cell in json.loads(path.read_text())["cells"]:
            for output in cell.get("outputs", []):
                for line in "".join(output.get("text", "")).splitlines():
                    if line.startswith("MNIST: "):
                        return line
    return None


def run_record(rows: list[dict], mnist: str | None, keras_standin: bool) -> dict:
    """One JSON record of a run: when, on what machine, which MNIST, and each notebook's time."""
    from dvdl_helpers import device
    from dvdl_helpers.env import package_version

    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpu": device.cpu_name(),
        "cpu_units": device.cpu_vector_units(),
        "cores": os.cpu_count(),
        "jupyterlab": package_version("jupyterlab"),
        "keras_standin": keras_standin,
        "mnist": mnist,
        "seconds": round(sum(row["seconds"] for row in rows), 1),
        "notebooks": rows,
    }


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
