"""The course in a real browser: every notebook renders in JupyterLab, and TensorBoard shows the runs.

Headless Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright for Python; never a downloaded
browser) against a JupyterLab on loopback with a token, under a JupyterHub-like base URL
(``/user/learner/``). Requests to any other host are blocked: the course works offline.

- every ``notebooks/NN_*.ipynb`` opens: title, all stored outputs and images shown, kernel idle, no
  error dialog;
- TensorBoard's scalars dashboard lists the course's runs (``artifacts/logs``, or a sample log when
  the notebooks have not run yet);
- ``%tensorboard`` in JupyterLab shows a TensorBoard frame that loads, directly and through
  jupyter-server-proxy (``TENSORBOARD_PROXY_URL``, the JupyterHub set-up).

Screenshots go to ``test-artifacts/screenshots/``. Without Chromium or Playwright the tests skip and
say how to install them (``tools/install_browser.sh``; ``pip install 'playwright~=1.65'``).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from helpers import (
    CLOSE_ALL,
    HUB_PREFIX,
    SAMPLE_RUNS,
    Lab,
    assert_no_error_dialog,
    course_logdir,
    get_json,
    open_lab,
    running_tensorboard,
    screenshot,
    screenshot_on_failure,
    wait_for,
)

from dvdl_helpers import paths, tboard

pytestmark = [pytest.mark.browser, pytest.mark.after_notebooks]

NOTEBOOKS = paths.course_notebooks()


def notebook_title(notebook: Path) -> str:
    """Return the text of the notebook's first ``# `` heading (its title)."""
    for cell in json.loads(notebook.read_text())["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise AssertionError(f"{notebook.name} has no '# ' title")


def stored_outputs(notebook: Path) -> tuple[int, int]:
    """Return how many code cells of ``notebook`` have stored outputs, and how many images (PNG or JPEG)."""
    cells = [cell for cell in json.loads(notebook.read_text())["cells"] if cell["cell_type"] == "code"]
    with_outputs = sum(1 for cell in cells if cell.get("outputs"))
    images = sum(
        1
        for cell in cells
        for out in cell.get("outputs", [])
        if {"image/png", "image/jpeg"} & set(out.get("data", {}))
    )
    return with_outputs, images


@pytest.fixture
def page(context):
    """A fresh page; fails the test if it tried to reach another host."""
    before = len(context.blocked)
    page = context.new_page()
    yield page
    page.close()
    assert context.blocked[before:] == [], "the page tried to reach the network"


@pytest.fixture(scope="module")
def lab_page(context, lab):
    """One JupyterLab page for all notebooks (JupyterLab starts once in the browser)."""
    page = context.new_page()
    open_lab(page, lab)
    yield page
    page.close()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[notebook.stem for notebook in NOTEBOOKS])
def test_notebook_renders_in_jupyterlab(lab, lab_page, context, notebook):
    stored, blocked = notebook.read_bytes(), len(context.blocked)
    try:
        with screenshot_on_failure(lab_page, notebook.stem):
            check_notebook(lab_page, notebook)
    finally:
        lab_page.evaluate(CLOSE_ALL)
        lab.shutdown_kernels()  # one kernel per opened notebook: free its memory
    assert context.blocked[blocked:] == [], "JupyterLab tried to reach the network"
    assert notebook.read_bytes() == stored, "opening the notebook in JupyterLab changed the file"


def check_notebook(page, notebook: Path) -> None:
    """Open ``notebook`` in JupyterLab (as a double click does), check that it renders, screenshot it."""
    from playwright.sync_api import expect

    page.evaluate(
        "async (path) => { await window.jupyterapp.commands.execute('docmanager:open', {path}); }",
        notebook.name,
    )
    panel = page.locator(".jp-NotebookPanel")
    expect(panel).to_have_count(1)
    expect(panel.locator(".jp-RenderedMarkdown h1").first).to_contain_text(notebook_title(notebook))
    cells_with_outputs, images = stored_outputs(notebook)
    assert cells_with_outputs, f"{notebook.name} is stored without outputs: run `make outputs NB={notebook}`"
    output_cells = panel.locator(".jp-CodeCell").filter(has=page.locator(".jp-OutputArea-output"))
    expect(output_cells).to_have_count(cells_with_outputs)
    expect(panel.locator(".jp-OutputArea-output").first).to_be_visible()
    if images:
        image = panel.locator(".jp-RenderedImage img").first
        image.scroll_into_view_if_needed()
        wait_for(lambda: image.evaluate("img => img.complete && img.naturalWidth > 0"), 30, "a plot shown")
        panel.locator(".jp-RenderedMarkdown h1").first.scroll_into_view_if_needed()
    # The kernel (the course's Python) starts: the notebook's kernel indicator turns idle.
    expect(panel.locator(".jp-Notebook-ExecutionIndicator").first).to_have_attribute("data-status", "idle")
    assert_no_error_dialog(page)
    screenshot(page, notebook.stem)


#: JavaScript: whether some scalar chart (``vz-line-chart2``, inside nested shadow roots) drew a line.
CHART_LINES_DRAWN = """() => {
    const found = [];
    const walk = (root) => {
        for (const element of root.querySelectorAll('*')) {
            if (element.tagName === 'VZ-LINE-CHART2') found.push(element);
            if (element.shadowRoot) walk(element.shadowRoot);
        }
    };
    walk(document);
    return found.some((chart) => [...(chart.shadowRoot || chart).querySelectorAll('path.line')]
        .some((line) => (line.getAttribute('d') || '').length > 10));
}"""


def test_tensorboard_scalars_dashboard_shows_the_course_runs(page, sample_logs):
    from playwright.sync_api import expect

    root = course_logdir() or sample_logs  # before the notebooks have run: the sample logs
    runs = set(tboard.read_scalars(root))
    assert runs, f"no scalars under {paths.display_path(root)}"
    with running_tensorboard(root, runs) as url:
        page.goto(f"{url}/#scalars&_smoothingWeight=0")
        selector = page.locator("tf-runs-selector")
        for run in sorted(runs):
            expect(selector.get_by_text(run, exact=True)).to_be_visible()
        # Past 40 runs (the whole course's logs) TensorBoard starts with every run unticked.
        if selector.locator("paper-checkbox[checked]").count() == 0:
            selector.get_by_text("Toggle all runs").click()
        page.get_by_text("Ignore outliers in chart scaling").click()  # show whole curves
        wait_for(lambda: page.evaluate(CHART_LINES_DRAWN), 60, "a scalar chart drawn")
        assert_no_tensorboard_error(page)
        screenshot(page, "tensorboard_scalars")


def assert_no_tensorboard_error(frame) -> None:
    """Fail when TensorBoard says "No dashboards are active" (it found no data)."""
    text = frame.locator("body").text_content() or ""
    assert "No dashboards are active" not in text, "TensorBoard found no data"


def run_in_console(page, code: str):
    """Open a Python console in JupyterLab and run ``code`` there; return the console's locator."""
    page.evaluate(
        """async (code) => {
            const panel = await window.jupyterapp.commands.execute(
                'console:create', {kernelPreference: {name: 'python3'}});
            await panel.sessionContext.ready;
            panel.console.promptCell.model.sharedModel.setSource(code);
            panel.console.execute(true);  // what Shift+Enter does
        }""",
        code,
    )
    return page.locator(".jp-CodeConsole").last


def check_inline_tensorboard(page, lab: Lab, sample_logs: Path, code: str, name: str) -> str:
    """Run ``code`` (ending in ``%tensorboard``) in a console; check that the frame shows the runs."""
    page.evaluate(CLOSE_ALL)
    with screenshot_on_failure(page, name):
        return _check_inline_tensorboard(page, lab, sample_logs, code, name)


def _check_inline_tensorboard(page, lab: Lab, sample_logs: Path, code: str, name: str) -> str:
    """The body of :func:`check_inline_tensorboard`; returns the frame's address."""
    from playwright.sync_api import expect

    console = run_in_console(page, code)
    frame_element = console.locator("iframe[id^='tensorboard-frame-']").last
    expect(frame_element).to_be_attached()
    src = frame_element.evaluate("frame => frame.src")
    frame = page.frame_locator("iframe[id^='tensorboard-frame-']").last
    expect(frame.locator("tb-webapp")).to_be_attached()  # TensorBoard's page: the frame is not blank
    port = lab.tensorboard_port(sample_logs)
    wait_for(lambda: set(get_json(f"http://127.0.0.1:{port}/data/runs")) >= SAMPLE_RUNS, 60, "runs served")
    first_run = frame.get_by_text(sorted(SAMPLE_RUNS)[0], exact=True).first
    try:
        expect(first_run).to_be_visible(timeout=10_000)
    except AssertionError:
        # The page loaded before TensorBoard had read the logs (a busy machine): it shows "No dashboards
        # are active" until reloaded. A learner clicks TensorBoard's reload button (docs/troubleshooting.md).
        frame.locator("app-header-reload button").click()
    for run in sorted(SAMPLE_RUNS):
        expect(frame.get_by_text(run, exact=True).first).to_be_visible()
    expect(frame.get_by_text("epoch_loss").first).to_be_visible()
    assert_no_error_dialog(page)
    frame_element.scroll_into_view_if_needed()
    screenshot(page, name)
    return src


def test_inline_tensorboard_frame_loads_in_jupyterlab(
    lab, lab_page, context, sample_logs, monkeypatch, frame_url
):
    page, blocked = lab_page, len(context.blocked)
    code = f"%load_ext tensorboard\n%tensorboard --logdir {sample_logs}"
    src = check_inline_tensorboard(page, lab, sample_logs, code, "tensorboard_inline")
    assert context.blocked[blocked:] == [], "JupyterLab or TensorBoard tried to reach the network"
    monkeypatch.delenv("TENSORBOARD_PROXY_URL", raising=False)
    assert src == frame_url(lab.tensorboard_port(sample_logs), page.url)


def test_inline_tensorboard_frame_loads_through_jupyter_server_proxy(
    lab, lab_page, context, sample_logs, monkeypatch, frame_url
):
    if importlib.util.find_spec("jupyter_server_proxy") is None:
        pytest.skip("jupyter-server-proxy is not installed: `pip install -e '.[proxy]'`")
    page, blocked = lab_page, len(context.blocked)
    # What a learner on JupyterHub runs (JupyterHub sets JUPYTERHUB_SERVICE_PREFIX itself).
    code = (
        f"import os\nos.environ['JUPYTERHUB_SERVICE_PREFIX'] = '{HUB_PREFIX}'\n"
        "from dvdl_helpers import tboard\nprint('TENSORBOARD_PROXY_URL =', tboard.use_proxy())\n"
        f"%load_ext tensorboard\n%tensorboard --logdir {sample_logs}"
    )
    src = check_inline_tensorboard(page, lab, sample_logs, code, "tensorboard_inline_proxy")
    assert context.blocked[blocked:] == [], "JupyterLab or TensorBoard tried to reach the network"
    port = lab.tensorboard_port(sample_logs)
    assert src == f"{lab.url}proxy/{port}/", "the frame should load TensorBoard through the proxy"
    monkeypatch.setenv("TENSORBOARD_PROXY_URL", tboard.proxy_url_template(HUB_PREFIX))
    assert src == frame_url(port, page.url)
