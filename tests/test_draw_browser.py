"""The draw-a-digit canvas in a real browser: JupyterLab 4 + anywidget, headless Chromium.

Uses the JupyterLab server of ``tests/test_browser.py`` (its ``lab`` fixture) and a
notebook of its own, written into the server's folder: it trains the course's 784-256-10
ReLU network with Nesterov momentum and a cosine schedule for 3 epochs (a few seconds) and
shows ``DigitCanvas(net)``. The page is 1024×768 with the file browser open, the size the
widgets must be readable at. Then, with mouse events, as a learner would:

1. draw a stroke: the preview (the network's input) gets ink and the bars a winner;
2. switch to the raw input: the preview changes; Clear: preview, bars and sentence reset;
3. draw the ten digits as polylines, large in the middle of the square, medium-sized at the
   lower right and small in the top left corner, and read the network's answers on the raw
   and the preprocessed input. The accuracies go to ``tests/artifacts/draw-digits.txt``,
   the screenshots to ``tests/artifacts/draw-canvas-*.png``.
"""

import math
import re
import time

import nbformat
import numpy as np
import pytest
from helpers import ARTIFACTS, TIMEOUT_MS, launch_chromium, make_notebook, open_lab_notebook
from test_browser import lab  # noqa: F401  (the JupyterLab fixture)

CELLS = [
    ("markdown", "# Draw a digit (browser test)"),
    (
        "code",
        "import mlp_core as mc\n"
        "from mlp_core.widgets import DigitCanvas\n"
        "\n"
        "data = mc.load_mnist()  # from $MLP_CORE_DATA\n"
        "net = mc.Network([784, 256, 10], seed=0)\n"
        "history = mc.fit(net, data.X_train, data.y_train, optimizer=mc.Nesterov(0.25, 0.9),\n"
        "                 epochs=3, batch_size=128, lr_schedule=mc.cosine(0.25, 3))\n"
        "print(f'test accuracy {mc.accuracy(data.y_test, net.predict(data.X_test)):.2%}')",
    ),
    ("code", "canvas = DigitCanvas(net)\ncanvas"),
]

# The ten digits as pen strokes in the unit square (x to the right, y down), the way a
# person draws them; each digit is a list of strokes, each stroke a list of points.


def _arc(cx, cy, rx, ry, start, end, n=14):
    """Points on an ellipse from angle ``start`` to ``end`` (degrees, 0 = right, 90 = down)."""
    return [
        (cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a)))
        for a in np.linspace(start, end, n)
    ]


DIGITS = {
    0: [_arc(0.5, 0.5, 0.28, 0.4, -90, 275, 24)],
    1: [[(0.38, 0.22), (0.55, 0.1), (0.55, 0.9)]],
    2: [_arc(0.5, 0.32, 0.25, 0.22, 190, 380, 12) + [(0.25, 0.88), (0.8, 0.88)]],
    3: [_arc(0.48, 0.3, 0.24, 0.2, 200, 450, 12) + _arc(0.48, 0.7, 0.27, 0.2, -90, 160, 12)],
    4: [[(0.6, 0.1), (0.2, 0.62), (0.82, 0.62)], [(0.62, 0.35), (0.62, 0.92)]],
    5: [[(0.75, 0.1), (0.32, 0.1), (0.28, 0.45)] + _arc(0.48, 0.65, 0.28, 0.24, -120, 150, 14)],
    6: [[(0.68, 0.1), (0.4, 0.38)] + _arc(0.5, 0.68, 0.25, 0.22, 200, 560, 20)],
    7: [[(0.2, 0.12), (0.8, 0.12), (0.42, 0.9)]],
    8: [
        _arc(0.5, 0.3, 0.2, 0.2, 90, 450, 16) + _arc(0.5, 0.7, 0.25, 0.2, -90, 270, 18),
    ],
    9: [_arc(0.5, 0.32, 0.24, 0.22, 0, 360, 18) + [(0.74, 0.32), (0.7, 0.9)]],
}
# where a digit is drawn: (left, top, size) as fractions of the square
PLACES = {
    "large, middle": (0.12, 0.1, 0.8),
    "medium, lower right": (0.4, 0.38, 0.56),
    "small, top left corner": (0.04, 0.04, 0.36),
}
STATUS = re.compile(r"Preprocessed input: (\d) \((\d+)%\)\. Raw input: (\d) \((\d+)%\)\.")


def _wait_answered(page) -> None:
    """Wait until Python has answered everything the canvas sent."""
    page.wait_for_function(
        """() => {
            const box = document.querySelector('.mlp-draw');
            return box && box.dataset.sent && box.dataset.sent === box.dataset.done;
        }""",
        timeout=TIMEOUT_MS,
    )


def _draw(page, canvas, strokes, place=(0.0, 0.0, 1.0)) -> None:
    box = canvas.bounding_box()
    left, top, size = place

    def at(x, y):
        return (
            box["x"] + (left + size * x) * box["width"],
            box["y"] + (top + size * y) * box["height"],
        )

    for stroke in strokes:
        page.mouse.move(*at(*stroke[0]))
        page.mouse.down()
        for point in stroke[1:]:
            page.mouse.move(*at(*point))
        page.mouse.up()
    _wait_answered(page)


def _ink(page) -> int:
    return int(page.locator(".mlp-draw-preview").get_attribute("data-ink"))


def test_draw_a_digit_in_jupyterlab(lab, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    base, token, _ = lab
    nbformat.write(make_notebook(CELLS), tmp_path / "notebooks" / "draw.ipynb")
    expect.set_options(timeout=TIMEOUT_MS)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = open_lab_notebook(browser, base, token, "draw.ipynb")
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            canvas = page.locator("canvas.mlp-draw-canvas")
            canvas.wait_for()
            errors = page.locator('.jp-OutputArea-output[data-mime-type*="stderr"]')
            assert errors.count() == 0, errors.first.inner_text()
            canvas.scroll_into_view_if_needed()
            status = page.locator(".mlp-draw-status")
            expect(status).to_contain_text("Draw a digit")
            assert _ink(page) == 0

            # 1. a stroke: the input and the probabilities appear
            _draw(page, canvas, DIGITS[7])
            expect(status).to_contain_text(STATUS)
            assert _ink(page) > 0
            assert page.locator(".mlp-draw-bars").get_attribute("data-best") != ""
            widths = page.locator(".mlp-draw-fill").evaluate_all(
                "nodes => nodes.map(n => parseFloat(n.style.height))"
            )
            assert len(widths) == 10 and abs(sum(widths) - 100) < 1, widths
            # the left sidebar's file browser is open: the size a class sees on a projector
            expect(page.locator(".jp-FileBrowser")).to_be_visible()
            page.locator(".mlp-draw").evaluate("n => n.scrollIntoView({block: 'end'})")
            page.screenshot(path=ARTIFACTS / "draw-canvas-1024x768.png")

            # 2. raw input: another picture; Clear resets everything
            preprocessed_ink = _ink(page)
            page.locator(".mlp-draw-mode-raw input").check()
            expect(page.locator(".mlp-draw-title").nth(1)).to_contain_text("(raw)")
            page.wait_for_function(
                "ink => document.querySelector('.mlp-draw-preview').dataset.ink !== ink",
                arg=str(preprocessed_ink),
            )
            page.locator(".mlp-draw-clear").click()
            _wait_answered(page)
            expect(status).to_contain_text("Draw a digit")
            assert _ink(page) == 0
            assert page.locator(".mlp-draw-bars").get_attribute("data-best") == ""
            page.locator(".mlp-draw-mode-preprocessed input").check()

            # 3. the ten digits, large and small: the network's answers on both inputs
            rows, correct = [], {}
            started = time.perf_counter()
            for place_name, place in PLACES.items():
                for digit, strokes in DIGITS.items():
                    page.locator(".mlp-draw-clear").click()
                    _wait_answered(page)
                    _draw(page, canvas, strokes, place)
                    found = STATUS.search(status.inner_text())
                    assert found, status.inner_text()
                    prep, raw = int(found.group(1)), int(found.group(3))
                    rows.append(f"{place_name:<24} {digit}  raw {raw}  preprocessed {prep}")
                    for mode, answer in (("raw", raw), ("preprocessed", prep)):
                        correct.setdefault((place_name, mode), []).append(answer == digit)
                    if digit == 3 and place_name.startswith("small"):
                        page.locator(".mlp-draw").evaluate("n => n.scrollIntoView({block: 'end'})")
                        page.screenshot(path=ARTIFACTS / "draw-canvas-corner-1024x768.png")
            seconds = time.perf_counter() - started
        finally:
            browser.close()
    summary = [
        f"{place:<24} {mode:<13} {np.mean(hits):6.0%} ({sum(hits)}/10)"
        for (place, mode), hits in correct.items()
    ]
    head = f"{len(rows)} digits drawn in the browser test ({seconds:.0f} s):"
    report = "\n".join([head, *rows, "", *summary]) + "\n"
    (ARTIFACTS / "draw-digits.txt").write_text(report)
    print(report)
    accuracy = {key: np.mean(hits) for key, hits in correct.items()}
    # What the canvas is there to teach: MNIST's preprocessing rescues a digit drawn small
    # in a corner, which the network cannot read from the raw canvas.
    corner = "small, top left corner"
    assert accuracy[(corner, "preprocessed")] > accuracy[(corner, "raw")], report


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-s"])
