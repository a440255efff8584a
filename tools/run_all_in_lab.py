"""The learner's path, literally: ``make lab`` in a checkout, then Run All on every notebook, in a browser.

Usage (from the repository root, after ``make setup`` and ``make browser``)::

    git clone . /tmp/fresh && .venv/bin/python tools/run_all_in_lab.py /tmp/fresh [01 03 ...]

It starts ``make lab`` in that checkout (which installs the course into the checkout's own ``.venv`` first)
with nothing of the course's test settings in its environment (no ``DVDL_*``, no ``KERAS_HOME``), opens
JupyterLab in headless Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright), and for each
notebook, in order: opens it, runs the Run menu's *Run All Cells*, waits until no cell is pending and the
kernel is idle, saves it (in the checkout) and closes it. Then it compares every saved notebook with the
committed one as strict nbval would (the cells without ``# NBVAL_IGNORE_OUTPUT``, after the same
sanitising), and lists errors, stderr output and differing cells. The table of Run All times goes to
``<checkout>/run-all-in-lab.json``. Use a throw-away clone: the notebooks there are overwritten.

This is issue 14's "done when" as a command: it needs a browser, takes about as long as the course, and is
a check to run by hand, not one of the tests.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
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


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_lab(checkout: Path, port: int, token: str, log: Path) -> subprocess.Popen:
    """Start ``make lab`` in ``checkout`` without a browser of its own, as a learner's shell would."""
    lab_args = (
        f"--no-browser --ServerApp.port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token} "
        "--LabApp.expose_app_in_browser=True"  # window.jupyterapp, to run JupyterLab's own commands
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DVDL_", "KERAS_"))}
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
    config.read(REPO_ROOT / "tests" / "nbval_sanitize.cfg")
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
    """Run the course in ``argv[0]`` (a checkout) as a learner does; report times and differences."""
    if not argv:
        print(__doc__)
        return 2
    checkout, chosen = Path(argv[0]).resolve(), set(argv[1:])
    notebooks = sorted((checkout / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    notebooks = [path for path in notebooks if not chosen or path.name[:2] in chosen]
    committed = {path.name: path.read_bytes() for path in notebooks}
    from playwright.sync_api import sync_playwright

    port, token, log = free_port(), secrets.token_hex(16), checkout / "run-all-in-lab.log"
    url = f"http://127.0.0.1:{port}/"
    lab = start_lab(checkout, port, token, log)
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
    (checkout / "run-all-in-lab.json").write_text(json.dumps(rows, indent=1) + "\n")
    print(f"all: {sum(row['seconds'] for row in rows):.0f} s")
    for path in notebooks:
        differences = compare(path.read_bytes(), committed[path.name])
        print(f"{path.name}: {len(differences)} differences from the committed outputs")
        for line in differences:
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
