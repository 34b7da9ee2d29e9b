"""The widgets in a real browser: JupyterLab 4 + ipywidgets 8, driven by headless Chromium.

The test starts its own JupyterLab on 127.0.0.1 (a free port, a random token, Jupyter's
config and state in a temporary folder), opens a fresh copy of the test notebook
(``tests/browser/explorer_notebook.py``), waits until the kernel is idle, runs all cells,
and then uses the widgets as a learner would:

1. explorer: change the hidden layers, click Train; a plot image appears and the runs table
   gets a row. Change the optimizer, click Train again; the image changes, a second row.
   Start a long run and press Stop: it ends early and gets a third row. Choose run 2 in
   "show run": its confusion matrix and misclassified digits appear.
2. optimizer playground: move the learning-rate slider with the keyboard; the image changes.
3. live monitor (``train_live`` in the last cell): its readout and curve image are there.

Screenshots go to ``tests/artifacts/`` (git-ignored). The server, its kernel and the
browser are stopped at the end. Without Chromium (or Playwright) the test is skipped,
unless ``MLP_CORE_REQUIRE_BROWSER=1`` (set by ``.ci/run``), which makes that a failure.
"""

import importlib.util
import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import (
    ARTIFACTS,
    TIMEOUT_MS,
    chromium_path,
    free_port,
    jupyter_env,
    launch_chromium,
    need,
    open_lab_notebook,
    stop_process_group,
)

HERE = Path(__file__).resolve().parent
TITLE_CELL = 6  # the notebook's cell that prints the boundary playground's title


def _missing() -> str | None:
    """Why the browser test cannot run here, or None if it can."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install playwright)"
    if importlib.util.find_spec("jupyterlab") is None:
        return "JupyterLab is not installed"
    if chromium_path() is None:
        return "no chromium on PATH (Debian: apt-get install chromium)"
    return None


def _load_notebook_module():
    spec = importlib.util.spec_from_file_location(
        "explorer_notebook", HERE / "browser" / "explorer_notebook.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Timeline:
    """Seconds since the start for each step, printed at the end (run pytest with -s)."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.marks: list[tuple[float, str]] = []

    def mark(self, what: str) -> None:
        self.marks.append((time.perf_counter() - self.start, what))

    def __str__(self) -> str:
        return "\n".join(f"{t:6.1f} s  {what}" for t, what in self.marks)


@pytest.fixture
def lab(tmp_path, mnist_dir):
    """A JupyterLab server of our own; yields (base url, token, seconds it took to start)."""
    need(_missing())

    root = tmp_path / "notebooks"
    root.mkdir()
    _load_notebook_module().write_notebook(root / "explorer.ipynb")
    # Keep Jupyter's config, state and settings out of the home folder; switch off the
    # "get news?" notification, which would cover the page.
    settings = tmp_path / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"checkForUpdates": False, "fetchNews": "false"})
    )
    # Keep every cell in the page (JupyterLab 4 would detach cells scrolled out of view).
    notebook_settings = tmp_path / "lab-settings" / "@jupyterlab" / "notebook-extension"
    notebook_settings.mkdir(parents=True)
    (notebook_settings / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"})
    )
    env = jupyter_env(
        tmp_path,
        mnist_dir,
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
    )
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, to run all cells
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(tmp_path / "jupyterlab.log", "wb")  # closed at the end
    server = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited:\n{(tmp_path / 'jupyterlab.log').read_text()}")
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not answer within 60 s")
                time.sleep(0.2)
        yield base, token, time.perf_counter() - started
    finally:
        stop_process_group(server)
        log.close()


def _img_src(page, selector: str) -> str | None:
    images = page.locator(selector)
    return images.first.get_attribute("src") if images.count() else None


def _wait_for_new_img(page, selector: str, old: str | None) -> str:
    """Wait until the image under ``selector`` exists and differs from ``old``."""
    page.wait_for_function(
        """([selector, old]) => {
            const img = document.querySelector(selector);
            return img !== null && img.getAttribute("src") !== old;
        }""",
        arg=[selector, old],
        timeout=TIMEOUT_MS,
    )
    return _img_src(page, selector)


def _wait_for_rows(page, n: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('.mlp-explorer-table tbody tr').length === n",
        arg=n,
        timeout=TIMEOUT_MS,
    )


# Elements of a widget that scroll or stick out to the right of the notebook's output area.
OVERFLOW_JS = """root => {
    const describe = el => {
        const name = el.tagName.toLowerCase();
        if (!el.className || el.className.baseVal !== undefined) return name;
        return name + "." + String(el.className).trim().split(/\\s+/).slice(0, 3).join(".");
    };
    const area = root.closest(".jp-OutputArea-output") || root.parentElement;
    const limit = area.getBoundingClientRect().right + 1;
    const bad = [];
    for (const el of [root, ...root.querySelectorAll("*")]) {
        const box = el.getBoundingClientRect();
        if (box.width === 0) continue;  // hidden
        const overflow = getComputedStyle(el).overflowX;  // visible: caught by the right edge
        if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && overflow !== "visible") {
            const how = overflow === "hidden" || overflow === "clip" ? " clips: " : " scrolls: ";
            bad.push(describe(el) + how + el.scrollWidth + " > " + el.clientWidth);
        }
        if (box.right > limit) bad.push(describe(el) + " right edge " + box.right + " > " + limit);
    }
    return bad;
}"""


def _assert_fits(page, selector: str) -> None:
    """Nothing in the widget scrolls, clips or sticks out horizontally."""
    bad = page.locator(selector).first.evaluate(OVERFLOW_JS)
    assert bad == [], f"{selector} does not fit: {bad[:8]}"


def _screenshot(page, selector: str, name: str) -> None:
    """A picture of the whole widget: the page is made tall for a moment (JupyterLab scrolls
    the notebook inside the page, so a widget taller than the window would be cut off)."""
    page.set_viewport_size({"width": 1024, "height": 4000})
    try:
        page.locator(selector).first.screenshot(path=ARTIFACTS / name)
    finally:
        page.set_viewport_size({"width": 1024, "height": 768})


def _percents(text: str) -> list[str]:
    return re.findall(r"\d+\.\d%", text)


def _run_cell(page, index: int) -> None:
    page.evaluate(
        """i => { const nb = window.jupyterapp.shell.currentWidget.content;
                  nb.activeCellIndex = i;
                  return window.jupyterapp.commands.execute('notebook:run-cell'); }""",
        index,
    )


def _run_colours(page) -> dict[str, str]:
    """Run number -> the colour of its square in the explorer's table."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll(
               '.mlp-explorer-table tbody tr td:first-child')].map(td => [
               td.innerText.trim().replace(/^\\W+/, ''), td.querySelector('span').style.color]))"""
    )


def test_explorer_and_playground_in_jupyterlab(lab):
    from playwright.sync_api import expect, sync_playwright

    base, token, server_seconds = lab
    expect.set_options(timeout=TIMEOUT_MS)
    timeline = Timeline()
    timeline.mark(f"JupyterLab answered after {server_seconds:.1f} s (before this timeline)")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            timeline.mark("browser started")
            # a projector-sized laptop screen, with JupyterLab's file browser open
            page = open_lab_notebook(browser, base, token, "explorer.ipynb")
            timeline.mark("kernel idle")
            expect(page.locator(".jp-FileBrowser")).to_be_visible()
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            train = page.locator("button.mlp-explorer-train")
            train.wait_for()
            timeline.mark("all cells run, explorer shown")
            # the live monitor of the last cell has drawn its curves
            monitor = page.locator(".mlp-monitor-readout")
            expect(monitor).to_contain_text("epoch 2/2")
            expect(page.locator(".mlp-monitor-plot img")).to_have_count(1)

            # --- explorer: first run
            errors = page.locator('.jp-OutputArea-output[data-mime-type*="stderr"]')
            assert errors.count() == 0, errors.first.inner_text()
            hidden = page.locator(".mlp-explorer-hidden input")
            hidden.fill("24")
            hidden.press("Enter")  # the text box reports its value on Enter
            timeline.mark("run 1: Train clicked")
            train.click()
            plot_img = ".mlp-explorer-plot img"
            first = _wait_for_new_img(page, plot_img, None)
            timeline.mark("run 1: first curve image")
            _wait_for_rows(page, 1)
            expect(page.locator(".mlp-explorer-status")).to_contain_text("Run 1 finished")
            expect(page.locator(".mlp-explorer-table")).to_contain_text("784-24-10")
            expect(train).to_be_enabled()
            timeline.mark("run 1: table row")

            # --- explorer: second run, another optimizer
            page.locator(".mlp-explorer-optimizer select").select_option("momentum")
            timeline.mark("run 2: Train clicked")
            train.click()
            second = _wait_for_new_img(page, plot_img, first)
            _wait_for_rows(page, 2)
            expect(page.locator(".mlp-explorer-status")).to_contain_text("Run 2 finished")
            expect(page.locator(".mlp-explorer-table")).to_contain_text("784-24-10 relu momentum")
            assert second != first
            assert page.locator(plot_img).count() == 1  # replaced, not appended
            timeline.mark("run 2: new image, second row")

            # --- explorer: a long run (one sample per step, 50 epochs of all the training
            # samples there are: ~90,000 steps, several seconds), stopped by Stop
            page.locator(".mlp-explorer-batch-size select").select_option("1 (one sample)")
            page.locator(".mlp-explorer-epochs .noUi-handle").press("End")  # 50 epochs
            expect(page.locator(".mlp-explorer-epochs .widget-readout")).to_have_text("50")
            page.locator(".mlp-explorer-n-train .noUi-handle").press("End")
            expect(page.locator(".mlp-explorer-n-train .widget-readout")).not_to_have_text("1000")
            train.click()
            # the readout may skip epoch 1 between two redraws
            expect(page.locator(".mlp-explorer-readout")).to_contain_text(
                re.compile(r"epoch \d+/50")
            )
            expect(train).to_be_disabled()  # the kernel still answers while a run trains
            page.locator("button.mlp-explorer-stop").click()
            expect(page.locator(".mlp-explorer-status")).to_contain_text(
                "Stopped by the Stop button"
            )
            _wait_for_rows(page, 3)
            expect(page.locator(".mlp-explorer-table")).to_contain_text("stopped early")
            expect(train).to_be_enabled()
            timeline.mark("run 3: stopped by the Stop button, third row")

            # --- explorer: choosing a run shows its confusion matrix and wrong digits
            page.locator(".mlp-explorer-select select").select_option(
                label="#2 784-24-10 relu momentum β=0.9 lr=0.1 bs=32 n=1000"
            )
            expect(page.locator(".mlp-explorer-details img")).to_have_count(2)
            timeline.mark("run 2 chosen: confusion matrix and digits shown")
            expect(page.locator(".mlp-explorer-test")).to_be_enabled()
            expect(page.locator(".mlp-explorer-table")).not_to_contain_text("%</td>")
            page.locator(".mlp-explorer-test").click()  # the test set, looked at on request
            expect(page.locator(".mlp-explorer-status")).to_contain_text("on the test set")

            # --- explorer: six quick runs more (nine in all); each keeps its colour
            page.locator(".mlp-explorer-batch-size select").select_option("32")
            page.locator(".mlp-explorer-epochs .noUi-handle").press("Home")
            page.locator(".mlp-explorer-n-train .noUi-handle").press("Home")
            colours = _run_colours(page)
            for n in range(4, 10):
                train.click()
                _wait_for_rows(page, n)
                expect(train).to_be_enabled()
                now = _run_colours(page)
                assert {k: now[k] for k in colours} == colours, "a run changed colour"
                colours = now
            assert len(set(colours.values())) == 8  # runs 1 and 9 share the first colour
            timeline.mark("runs 4-9: every run kept its colour")
            _assert_fits(page, ".mlp-explorer")
            _screenshot(page, ".mlp-explorer", "browser-explorer.png")

            # --- optimizer playground: move the learning-rate slider
            playground_img = ".mlp-opt-plot img"
            before = _wait_for_new_img(page, playground_img, None)
            readout = page.locator(".mlp-opt-lr .widget-readout")
            old_lr = readout.inner_text()
            handle = page.locator(".mlp-opt-lr .noUi-handle")
            handle.scroll_into_view_if_needed()
            handle.focus()
            for _ in range(4):
                handle.press("ArrowRight")
            after = _wait_for_new_img(page, playground_img, before)
            assert after != before
            assert readout.inner_text() != old_lr
            timeline.mark(f"playground: lr {old_lr} -> {readout.inner_text()}, image changed")
            _assert_fits(page, ".mlp-opt")
            _screenshot(page, ".mlp-opt", "browser-playground.png")
            _assert_fits(page, ".mlp-monitor")
            _screenshot(page, ".mlp-monitor", "browser-monitor.png")

            # --- boundary playground: a run, then a long run stopped; the figures agree
            boundary_train = page.locator("button.mlp-bnd-train")
            status, readout = page.locator(".mlp-bnd-status"), page.locator(".mlp-bnd-readout")
            boundary_train.click()
            expect(status).to_contain_text("Run 1: 40 of 40 epochs")
            expect(boundary_train).to_be_enabled()
            assert _percents(status.inner_text()) == _percents(readout.inner_text())
            assert len(_percents(status.inner_text())) == 2
            _assert_fits(page, ".mlp-bnd")
            _screenshot(page, ".mlp-bnd", "browser-boundary.png")
            page.locator(".mlp-bnd-batch-size select").select_option("1")
            page.locator(".mlp-bnd-epochs .noUi-handle").press("End")  # 1000 epochs
            boundary_train.click()
            expect(readout).to_contain_text(re.compile(r"of 1000 epochs"))
            page.locator("button.mlp-bnd-stop").click()
            expect(status).to_contain_text("Run 2: stopped after")
            expect(boundary_train).to_be_enabled()
            said = _percents(status.inner_text())
            assert said == _percents(readout.inner_text()) and len(said) == 2
            done = re.search(r"\d+ of 1000 epochs( \+ \d+ steps?)?", status.inner_text())
            assert done and done.group(0) in readout.inner_text()
            _run_cell(page, TITLE_CELL)  # the picture's title, printed by the kernel
            title = page.locator(".jp-OutputArea-output", has_text="TITLE:")
            expect(title).to_contain_text(done.group(0))
            assert _percents(title.inner_text()) == said
            timeline.mark("boundary: title, status and readout agree after a run and a Stop")
        except Exception:
            page.screenshot(path=ARTIFACTS / "browser-failure.png", full_page=True)
            raise
        finally:
            browser.close()
    timeline.mark("browser closed")
    (ARTIFACTS / "browser-timeline.txt").write_text(str(timeline) + "\n")
    print(timeline)
