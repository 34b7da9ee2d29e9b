"""The instructor demo: ``python -m course_tools demo`` serves the lab as a Voila dashboard.

The test runs the documented command on a free port (Jupyter's config and state in a
temporary folder), opens the page in headless Chromium and checks what a class would see:
the explorer's controls and the optimizer playground's picture, no code. Then it trains one
small network from the controls, so the dashboard is shown to work, not just to render, and
draws a stroke on the draw-a-digit canvas, which must answer.
Without Voila, Chromium or Playwright the test is skipped, unless
``MLP_CORE_REQUIRE_BROWSER=1`` (set by ``.ci/run``), which makes that a failure.
"""

import importlib.util
import socket
import subprocess
import sys
import time

import pytest
from helpers import (
    ARTIFACTS,
    TIMEOUT_MS,
    free_port,
    jupyter_env,
    launch_chromium,
    need,
    open_page,
    stop_process_group,
)
from test_browser import _missing

from course_tools.cli import DASHBOARD, main


def _missing_voila() -> str | None:
    if importlib.util.find_spec("voila") is None:
        return "Voila is not installed (pip install voila)"
    return _missing()


def test_demo_without_voila_says_how_to_install_it(capsys, monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "voila" else real_find_spec(name)
    )
    assert main(["demo", "--no-browser"]) == 2
    assert "pip install voila" in capsys.readouterr().err


def test_the_dashboard_is_shipped_and_shows_both_widgets():
    text = DASHBOARD.read_text(encoding="utf-8")
    assert "HyperparameterExplorer(" in text and "OptimizerPlayground(" in text
    assert "DigitCanvas(" in text


@pytest.fixture
def dashboard(tmp_path, mnist_dir):
    """``python -m course_tools demo`` on a free port; yields the dashboard's address."""
    need(_missing_voila())
    env = jupyter_env(tmp_path, mnist_dir)
    port = free_port()
    cmd = [sys.executable, "-m", "course_tools", "demo", f"--port={port}", "--no-browser"]
    log_path = tmp_path / "voila.log"
    log = open(log_path, "wb")  # closed at the end
    server = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # wait until the port is open (a GET / would start a kernel each time)
            if server.poll() is not None:
                pytest.fail(f"python -m course_tools demo exited:\n{log_path.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"Voila did not listen within 60 s:\n{log_path.read_text()}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_process_group(server)  # the command, Voila and the kernel
        log.close()


def test_demo_serves_the_lab_without_code_and_it_trains(dashboard):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            # the page appears once the cells ran
            page = open_page(browser, dashboard, 1400, 2000, timeout_ms=2 * TIMEOUT_MS)
            train = page.locator("button.mlp-explorer-train")
            train.wait_for()
            expect(page.locator(".mlp-opt-plot img")).to_have_count(1)
            body = page.locator("body").inner_text()
            assert "Hyperparameter lab" in body  # the markdown is shown...
            assert "HyperparameterExplorer(" not in body and "import" not in body  # ...code not
            assert page.locator(".jp-InputArea-editor").count() == 0

            hidden = page.locator(".mlp-explorer-hidden input")
            hidden.fill("16")
            hidden.press("Enter")
            page.locator(".mlp-explorer-epochs .noUi-handle").press("Home")  # 1 epoch
            expect(page.locator(".mlp-explorer-epochs .widget-readout")).to_have_text("1")
            train.click()  # the first run loads MNIST, then trains
            expect(page.locator(".mlp-explorer-status")).to_contain_text("Run 1 finished")
            expect(page.locator(".mlp-explorer-table tbody tr")).to_have_count(1)
            expect(page.locator(".mlp-explorer-plot img")).to_have_count(1)

            # the draw-a-digit canvas (an anywidget) works in Voila too: one stroke
            canvas = page.locator("canvas.mlp-draw-canvas")
            canvas.scroll_into_view_if_needed()
            box = canvas.bounding_box()
            x = box["x"] + box["width"] / 2
            page.mouse.move(x, box["y"] + 0.2 * box["height"])
            page.mouse.down()
            page.mouse.move(x, box["y"] + 0.8 * box["height"], steps=8)
            page.mouse.up()
            expect(page.locator(".mlp-draw-status")).to_contain_text("Preprocessed input:")
            page.screenshot(path=ARTIFACTS / "demo-dashboard.png", full_page=True)
        finally:
            browser.close()
