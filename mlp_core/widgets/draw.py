"""Draw a digit and watch a trained network classify it.

``DigitCanvas(net)`` shows a canvas to draw on (mouse, pen or finger), a Clear button, a
switch between the **preprocessed** and the **raw** input, the 28×28 image the network is
given, and the network's ten probabilities as a bar chart, all updated while the learner
draws. Raw means the whole canvas shrunk to 28×28 (:func:`mlp_core.preprocess.to_raw`);
preprocessed means cropped, scaled into 20×20 and centred by mass as MNIST's digits were
(:func:`mlp_core.preprocess.to_mnist`). The line under the chart always gives both answers.

A canvas needs its own front end, so this widget is built on ``anywidget`` (preinstalled on
Colab; works with ipywidgets 7.7 and 8, JupyterLab 4 and Voilà). Its JavaScript is the file
``draw.js`` beside this module, shipped in the package; nothing is loaded from the network.
The browser only draws and sends the ink; preprocessing and prediction run here, in Python.

Without a browser (nbval, nbconvert, a script) the widget still works: ``draw(image)`` does
what drawing ``image`` on the canvas does, the results are in ``raw``, ``preprocessed``,
``probabilities`` and ``answers()``, and ``figure()`` draws them as a static picture.
"""

from __future__ import annotations

import base64
import functools
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ..preprocess import as_ink, to_mnist, to_raw
from ._common import WidgetView, detach, new_figure

ESM = Path(__file__).with_name("draw.js")  # the front end, package data
MODES = ("preprocessed", "raw")
EMPTY_STATUS = "Draw a digit on the black square (mouse, pen or finger)."


@functools.cache
def _pad_class() -> type:
    """The anywidget model class (made on first use, so ``mlp_core.widgets`` imports
    without anywidget)."""
    try:
        import anywidget
        import traitlets
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "DigitCanvas needs anywidget: pip install anywidget "
            '(or pip install "mlp_core[widgets]"); Colab has it already'
        ) from e

    class DrawPad(anywidget.AnyWidget):
        """The canvas, the preview and the bars (front end in draw.js)."""

        _esm = ESM.read_text(encoding="utf-8")
        canvas_size = traitlets.Int(280).tag(sync=True)  # CSS pixels, square
        factor = traitlets.Int(2).tag(sync=True)  # the ink is sent shrunk by this factor
        pen_width = traitlets.Int(22).tag(sync=True)
        # "serial:base64" of the uint8 ink, (n, n), from the front end; "" = empty
        pixels = traitlets.Unicode("").tag(sync=True)
        done = traitlets.Int(0).tag(sync=True)  # the last serial number answered
        preview = traitlets.Unicode("").tag(sync=True)  # base64 uint8 network input, (28, 28)
        probs = traitlets.List(traitlets.Float()).tag(sync=True)  # (10,), or [] = nothing
        mode = traitlets.Unicode("preprocessed").tag(sync=True)
        status = traitlets.Unicode("").tag(sync=True)

    return DrawPad


def _encode(image: np.ndarray) -> str:
    """(h, w) floats in [0, 1] as base64 uint8 bytes, row by row."""
    return base64.b64encode(np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)).decode()


class DigitCanvas(WidgetView):
    """Draw a digit, see the network's input and its ten probabilities.

    net: a trained network with 784 inputs and 10 outputs (anything with
    ``predict_proba(X)``: (n, 784) -> (n, 10)).
    mode: ``"preprocessed"`` or ``"raw"``, which input the preview and the bars show.
    canvas_size: side of the drawing square in screen pixels (a multiple of 28 looks best);
    pen_width: the pen's width in screen pixels (default: canvas_size / 12.7, which makes
    MNIST-like strokes when the digit fills most of the square).
    """

    title = "Draw-a-digit canvas"

    def __init__(
        self,
        net: Any,
        mode: str = "preprocessed",
        canvas_size: int = 280,
        pen_width: int | None = None,
    ) -> None:
        sizes = getattr(net, "sizes", None)
        if not hasattr(net, "predict_proba") or (
            sizes is not None and (sizes[0] != 784 or sizes[-1] != 10)
        ):
            raise ValueError(
                f"DigitCanvas needs a network with 784 inputs and 10 outputs (an MNIST "
                f"classifier), got {net!r}"
            )
        if mode not in MODES:
            raise ValueError(f"mode={mode!r} is not known; use one of {list(MODES)}")
        if not (isinstance(canvas_size, int) and 112 <= canvas_size <= 1000):
            raise ValueError(
                f"canvas_size={canvas_size!r} must be a whole number of pixels, 112-1000"
            )
        pen = round(canvas_size / 12.7) if pen_width is None else pen_width
        if not (isinstance(pen, int) and 1 <= pen <= canvas_size // 4):
            raise ValueError(f"pen_width={pen_width!r} must be 1 to {canvas_size // 4} pixels")
        self.net = net
        self.drawing: np.ndarray | None = None  # (H, W) ink in [0, 1], what was drawn
        self.raw: np.ndarray | None = None  # (28, 28) the drawing shrunk as a whole
        self.preprocessed: np.ndarray | None = None  # (28, 28) as MNIST's digits were made
        self.probabilities: dict[str, np.ndarray] = {}  # mode -> (10,)
        self.widget = _pad_class()(
            canvas_size=canvas_size, pen_width=pen, mode=mode, status=EMPTY_STATUS
        )
        self.widget.add_class("mlp-draw-widget")
        self.widget.observe(self._on_pixels, names="pixels")
        self.widget.observe(lambda _: self._show(), names="mode")

    # ------------------------------------------------------------------ programmatic use
    @property
    def mode(self) -> str:
        """Which input the preview and the bars show: "preprocessed" or "raw"."""
        return self.widget.mode

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in MODES:
            raise ValueError(f"mode={value!r} is not known; use one of {list(MODES)}")
        self.widget.mode = value

    def draw(self, image: np.ndarray) -> dict[str, tuple[int, float]]:
        """Classify ``image`` as if it had been drawn on the canvas; returns :meth:`answers`.

        image: (H, W) greyscale, ink bright on dark, or (H, W, 4) RGBA with the ink as
        alpha, or (784,). The canvas itself keeps what the learner drew.
        """
        self._classify(as_ink(image))
        return self.answers()

    def clear(self) -> None:
        """Forget the drawing (and wipe the canvas in the browser), like the Clear button."""
        self.widget.pixels = ""  # the front end clears its canvas when it sees this
        self._classify(None)

    def answers(self) -> dict[str, tuple[int, float]]:
        """For each mode, the network's answer and its probability: ``{"raw": (3, 0.41),
        "preprocessed": (7, 0.98)}``; empty if nothing is drawn."""
        return {m: (int(np.argmax(p)), float(np.max(p))) for m, p in self.probabilities.items()}

    @property
    def network_input(self) -> np.ndarray | None:
        """(28, 28): the input the network is given in the current mode (None if empty)."""
        return self.raw if self.mode == "raw" else self.preprocessed

    # ------------------------------------------------------------------ the front end's events
    def _on_pixels(self, change: dict) -> None:
        serial, _, text = change["new"].rpartition(":")
        data = np.frombuffer(base64.b64decode(text), dtype=np.uint8)
        n = int(round(np.sqrt(data.size)))
        if n * n != data.size:  # never sent by draw.js; say so instead of failing silently
            self.widget.status = f"The canvas sent {data.size} values, not a square image."
        else:
            self._classify(data.reshape(n, n) / 255.0 if data.size else None)
        if serial.isdigit():
            self.widget.done = int(serial)

    def _classify(self, ink: np.ndarray | None) -> None:
        self.drawing = ink
        self.raw = self.preprocessed = None
        self.probabilities = {}
        if ink is not None and ink.max() > 0:
            self.raw = to_raw(ink)
            self.preprocessed = to_mnist(ink)
            X = np.stack([self.preprocessed.reshape(-1), self.raw.reshape(-1)])
            P = np.asarray(self.net.predict_proba(X), dtype=np.float64)
            self.probabilities = {"preprocessed": P[0], "raw": P[1]}
        self._show()

    def _show(self) -> None:
        """Send the current input, probabilities and sentence to the front end."""
        x = self.network_input
        w = self.widget
        if x is None:
            w.preview, w.probs, w.status = _encode(np.zeros((28, 28))), [], EMPTY_STATUS
            return
        w.preview = _encode(x)
        w.probs = [round(float(p), 4) for p in self.probabilities[self.mode]]
        a = self.answers()
        w.status = (
            f"Preprocessed input: {a['preprocessed'][0]} ({a['preprocessed'][1]:.0%}). "
            f"Raw input: {a['raw'][0]} ({a['raw'][1]:.0%})."
        )

    # ------------------------------------------------------------------ static picture
    def figure(self) -> Figure:
        """The drawing, both network inputs and both sets of probabilities, as a figure."""
        fig = new_figure(12.0, 3.4)
        axes = fig.subplots(1, 4, width_ratios=[1, 1, 1, 1.6])
        empty = np.zeros((28, 28))
        a = self.answers()
        panels = [
            (self.drawing if self.drawing is not None else empty, "what was drawn"),
            (self.raw if self.raw is not None else empty, "raw input"),
            (self.preprocessed if self.preprocessed is not None else empty, "preprocessed"),
        ]
        for ax, (image, title) in zip(axes[:3], panels):
            ax.imshow(image, cmap="gray", vmin=0, vmax=1)
            mode = title.split()[0] if title != "what was drawn" else None
            if mode in ("raw", "preprocessed") and mode in a:
                title += f"\nsays {a[mode][0]} ({a[mode][1]:.0%})"
            ax.set_title(title, fontsize=13)
            ax.set_axis_off()
        ax = axes[3]
        digits = np.arange(10)
        for offset, mode, colour in ((-0.2, "raw", "#b0b0b0"), (0.2, "preprocessed", "#1f5fa8")):
            p = self.probabilities.get(mode, np.zeros(10))
            ax.bar(digits + offset, p, width=0.4, color=colour, label=mode)
        ax.set_xticks(digits)
        ax.set_ylim(0, 1.17)  # room for the legend above a bar at 1
        ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
        ax.set_xlabel("digit")
        ax.set_ylabel("probability")
        ax.set_title("the network's probabilities", fontsize=13)
        ax.legend(loc="upper center", ncols=2, fontsize=12)
        return detach(fig)
