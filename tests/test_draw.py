"""The draw-a-digit canvas (mlp_core/widgets/draw.py) without a browser.

The front end sends the ink as base64 bytes in the ``pixels`` trait; these tests set that
trait as the front end would and check what the widget sends back (preview, bars, the
sentence, the answered serial number), and what it offers without a front end.
"""

import base64
import re
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from mlp_core.network import Network
from mlp_core.preprocess import to_mnist, to_raw
from mlp_core.widgets import DigitCanvas
from mlp_core.widgets._common import HEADLESS_NOTE, VIEW_MIME
from mlp_core.widgets.draw import EMPTY_STATUS, ESM


@pytest.fixture(scope="module")
def net() -> Network:
    return Network([784, 16, 10], seed=0)  # untrained: the tests check plumbing, not skill


def stroke_pixels(n: int = 140) -> np.ndarray:
    """What the front end sends for a short vertical stroke near the top left: (n, n) uint8."""
    ink = np.zeros((n, n), dtype=np.uint8)
    ink[8:50, 10:18] = 255
    return ink


def send(canvas: DigitCanvas, ink: np.ndarray, serial: int) -> None:
    canvas.widget.pixels = f"{serial}:" + base64.b64encode(ink.tobytes()).decode()


def preview(canvas: DigitCanvas) -> np.ndarray:
    data = base64.b64decode(canvas.widget.preview)
    return np.frombuffer(data, dtype=np.uint8).reshape(28, 28)


def test_drawing_updates_preview_bars_and_sentence(net):
    canvas = DigitCanvas(net)
    assert canvas.widget.status == EMPTY_STATUS and canvas.widget.probs == []
    ink = stroke_pixels()
    send(canvas, ink, serial=3)
    assert canvas.widget.done == 3  # the front end knows its drawing was answered
    expected = to_mnist(ink)
    np.testing.assert_allclose(canvas.preprocessed, expected)
    np.testing.assert_array_equal(preview(canvas), np.round(expected * 255).astype(np.uint8))
    probs = np.array(canvas.widget.probs)
    assert probs.shape == (10,) and probs.sum() == pytest.approx(1, abs=1e-3)
    P = net.predict_proba(np.stack([to_mnist(ink).reshape(-1), to_raw(ink).reshape(-1)]))
    np.testing.assert_allclose(probs, P[0], atol=1e-4)
    a = canvas.answers()
    assert a == {
        "preprocessed": (int(P[0].argmax()), pytest.approx(P[0].max())),
        "raw": (int(P[1].argmax()), pytest.approx(P[1].max())),
    }
    assert re.fullmatch(
        r"Preprocessed input: \d \(\d+%\)\. Raw input: \d \(\d+%\)\.", canvas.widget.status
    )


def test_the_mode_switch_shows_the_raw_input(net):
    canvas = DigitCanvas(net)
    ink = stroke_pixels()
    send(canvas, ink, serial=1)
    canvas.widget.mode = "raw"  # what the radio button does
    np.testing.assert_allclose(canvas.network_input, to_raw(ink))
    np.testing.assert_array_equal(preview(canvas), np.round(to_raw(ink) * 255).astype(np.uint8))
    assert canvas.widget.probs == [round(float(p), 4) for p in canvas.probabilities["raw"]]
    canvas.mode = "preprocessed"
    np.testing.assert_allclose(canvas.network_input, to_mnist(ink))
    with pytest.raises(ValueError, match="not known"):
        canvas.mode = "centred"


def test_clear_from_the_front_end_and_from_python(net):
    canvas = DigitCanvas(net)
    send(canvas, stroke_pixels(), serial=1)
    canvas.widget.pixels = "2:"  # the Clear button
    assert canvas.widget.done == 2
    assert canvas.widget.status == EMPTY_STATUS and canvas.widget.probs == []
    assert not preview(canvas).any() and canvas.answers() == {}
    send(canvas, stroke_pixels(), serial=3)
    canvas.clear()  # from a notebook cell: the front end wipes its canvas on ""
    assert canvas.widget.pixels == "" and canvas.drawing is None and canvas.widget.probs == []


def test_draw_works_without_a_front_end_and_figure_shows_it(net, mnist):
    canvas = DigitCanvas(net)
    big = np.zeros((200, 200))
    big[10:66, 10:66] = np.kron(mnist.X_test[0].reshape(28, 28), np.ones((2, 2)))
    answers = canvas.draw(big)
    assert set(answers) == {"raw", "preprocessed"}
    assert canvas.drawing.shape == (200, 200) and canvas.raw.shape == (28, 28)
    fig = canvas.figure()
    assert len(fig.axes) == 4
    titles = [ax.get_title() for ax in fig.axes[:3]]
    assert titles[0] == "what was drawn" and "says" in titles[1] and "says" in titles[2]


def test_text_form_is_fixed_and_the_view_is_the_anywidget(net):
    canvas = DigitCanvas(net)
    bundle = canvas._repr_mimebundle_()
    assert bundle["text/plain"] == f"Draw-a-digit canvas ({HEADLESS_NOTE})" == repr(canvas)
    assert bundle[VIEW_MIME]["model_id"] == canvas.widget.model_id


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "centred"}, "not known"),
        ({"canvas_size": 50}, "canvas_size"),
        ({"pen_width": 0}, "pen_width"),
    ],
)
def test_bad_settings_are_refused(net, kwargs, message):
    with pytest.raises(ValueError, match=message):
        DigitCanvas(net, **kwargs)


def test_a_network_that_is_not_an_mnist_classifier_is_refused():
    with pytest.raises(ValueError, match="784 inputs and 10 outputs"):
        DigitCanvas(Network([2, 8, 2]))


def test_the_front_end_is_a_local_es_module():
    js = ESM.read_text(encoding="utf-8")
    assert "export default" in js and "pointerdown" in js
    assert "http://" not in js and "https://" not in js and "import " not in js  # no CDN


def test_the_wheel_ships_the_front_end(tmp_path):
    root = ESM.parents[2]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(root),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = tmp_path.glob("mlp_core-*.whl")
    assert "mlp_core/widgets/draw.js" in zipfile.ZipFile(wheel).namelist()
