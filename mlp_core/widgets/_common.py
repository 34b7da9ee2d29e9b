"""Small helpers shared by the course widgets.

The widgets must run in JupyterLab 4 (ipywidgets 8) and on Colab (ipywidgets 7.7, no
third-party widget manager), so they use only core widgets, the ``Output`` widget and
matplotlib figures turned into PNG images. Avoid 8-only APIs (``tooltip``,
``description_allow_html``, ``Stack``, ``TagsInput``, style keys such as ``font_weight``);
``layout`` strings, ``style={"description_width": ...}``, ``add_class`` and
``Output.outputs`` behave the same in both versions.

Conventions every widget class follows:

* It is a plain class that *holds* its widget tree in ``self.widget`` and subclasses
  :class:`WidgetView`, so ``display(obj)`` (or ending a cell with ``obj``) shows the live
  widget, while its ``text/plain`` form is a short, fixed sentence. Notebooks checked by
  nbval therefore compare stable text, and a notebook opened without a kernel still says
  what was there.
* Figures are plain ``matplotlib.figure.Figure`` objects or pyplot figures that
  :func:`show_figure` closes at once (so pyplot never shows them a second time); either
  way they are turned into a PNG and put into an ``Output`` in one update (no flicker),
  which works from the training thread too.
* Headless use (nbval, nbconvert, a plain script): building the widget and calling its
  methods never needs a browser. Each widget offers a programmatic method that runs the
  same code as its buttons and a ``figure()`` method returning a static matplotlib figure of
  its current state (:func:`detach`-ed, so a cell ending with it shows it exactly once).
"""

from __future__ import annotations

import base64
import html
import io
import math
import sys
import time
from typing import Any

import numpy as np
from matplotlib.figure import Figure

try:
    import ipywidgets as widgets
except ImportError:  # the package works without ipywidgets; only the widgets need it
    widgets = None

VIEW_MIME = "application/vnd.jupyter.widget-view+json"
HEADLESS_NOTE = "interactive: needs a running Jupyter kernel with widgets"


def require_widgets() -> Any:
    """Return the ``ipywidgets`` module, or raise ImportError saying how to install it."""
    if widgets is None:
        raise ImportError(
            "the interactive widgets need ipywidgets: pip install ipywidgets "
            '(or pip install "mlp_core[widgets]")'
        )
    return widgets


def in_kernel() -> bool:
    """True inside a Jupyter kernel (a notebook, nbconvert or nbval); False in a script."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def widget_bundle(widget: Any, text: str) -> dict:
    """The display data of ``widget`` with ``text`` as its ``text/plain`` form.

    Works for ipywidgets 7 and 8 (both use the widget-view mime type, protocol 2.0).
    """
    return {
        "text/plain": text,
        VIEW_MIME: {"version_major": 2, "version_minor": 0, "model_id": widget.model_id},
    }


class WidgetView:
    """Base class of the course widgets: displays ``self.widget`` with a fixed text form.

    Subclasses set ``self.widget`` (the ipywidgets tree) and the class attribute ``title``.
    """

    title = "Interactive widget"
    widget: Any = None

    def __repr__(self) -> str:
        return f"{self.title} ({HEADLESS_NOTE})"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return widget_bundle(self.widget, repr(self))


def new_figure(width: float = 9.0, height: float = 3.2) -> Figure:
    """A matplotlib figure that pyplot does not manage (used by ``draw.py``).

    Safe to draw in a background thread, never displayed twice by the inline backend, and
    freed by the garbage collector (no ``plt.close`` needed). Size in inches.
    """
    return Figure(figsize=(width, height), layout="constrained")


def figure_png(fig: Figure, dpi: int = 80) -> bytes:
    """Render ``fig`` to PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def show_figure(out: Any, *figs: Figure, dpi: int = 80) -> None:
    """Replace whatever ``out`` (an ``Output`` widget) shows with ``figs`` as PNG images.

    One state update, so the old image stays until the new one arrives (like
    ``clear_output(wait=True)``), and it works from any thread. A figure pyplot manages is
    closed first, so nothing leaks or is shown a second time by the inline backend.
    """
    outputs = []
    for fig in figs:
        detach(fig)  # a closed figure can still be drawn and saved
        png = base64.b64encode(figure_png(fig, dpi)).decode("ascii")
        outputs.append(
            {
                "output_type": "display_data",
                "data": {"image/png": png, "text/plain": repr(fig)},
                "metadata": {},
            }
        )
    out.outputs = tuple(outputs)


def show_text(out: Any, text: str) -> None:
    """Replace whatever ``out`` (an ``Output`` widget) shows with plain ``text``."""
    out.outputs = ({"output_type": "display_data", "data": {"text/plain": text}, "metadata": {}},)


def set_tooltip(widget: Any, text: str) -> None:
    """Hover text for ``widget``: ``tooltip`` in ipywidgets 8, ``description_tooltip`` in 7."""
    if widget.has_trait("tooltip"):
        widget.tooltip = text
    else:
        widget.description_tooltip = text


def detach(fig: Figure) -> Figure:
    """Take ``fig`` away from pyplot (if pyplot manages it) and return it.

    A detached figure is shown exactly once when a notebook cell ends with it (never a
    second time by the inline backend, and never in a later cell); it can still be saved.
    """
    plt = sys.modules.get("matplotlib.pyplot")  # only if pyplot is in use already
    if plt is not None:
        plt.close(fig)  # a no-op for figures pyplot does not know
    return fig


def displayable(fig: Figure) -> Figure:
    """Let IPython show ``fig`` (a figure made without pyplot) as a PNG image.

    IPython learns to show matplotlib figures only once pyplot's inline backend has loaded,
    i.e. after the first pyplot figure of the session; before that a notebook would print
    just ``<Figure size 1000x400 with 2 Axes>``. A ``_repr_png_`` method on the figure
    works in every case (a registered formatter, if there is one, takes precedence).
    Returns ``fig``.
    """
    fig._repr_png_ = lambda: figure_png(fig, dpi=round(fig.dpi))
    return fig


def with_choice(choices: list[tuple[str, object]], value) -> list[tuple[str, object]]:
    """Dropdown ``choices`` plus ``(str(value), value)`` if ``value`` is not among them."""
    if any(v == value for _, v in choices):
        return choices
    return [*choices, (f"{value:g}" if isinstance(value, float) else str(value), value)]


def status_html(text: str, error: bool = False) -> str:
    """A status line as HTML: plain, or in the course's warning colour for an error."""
    color = "#D55E00" if error else "inherit"
    return f'<span style="color:{color}">{html.escape(text)}</span>'


def parse_hidden(text: str | int | tuple | list) -> tuple[int, ...]:
    """Hidden layer widths from text like ``"100"`` or ``"128, 64"`` ("" = no hidden layer).

    Also accepts an int or a sequence of ints. Returns a tuple of positive ints.
    """
    if isinstance(text, str):
        items = [t.strip() for t in text.replace(";", ",").split(",")]
        if items == [""]:
            items = []
        if not all(t.isdigit() for t in items):
            raise ValueError(
                f"hidden sizes {text!r}: write layer widths separated by commas, e.g. 100 or "
                "128, 64 (leave empty for no hidden layer)"
            )
        sizes = tuple(int(t) for t in items)
    else:
        sizes = (text,) if isinstance(text, (int, np.integer)) else tuple(text)
    if not all(isinstance(n, (int, np.integer)) and n >= 1 for n in sizes):
        raise ValueError(f"hidden sizes {text!r}: every layer needs at least 1 unit")
    return tuple(int(n) for n in sizes)


class Throttle:
    """Decides when a redraw is due: at most every ``interval`` seconds, and never spending
    more than about a quarter of the time on drawing (wait 3x the last redraw's duration).

    The first redraw is due at once, or after ``interval`` seconds with ``wait_first``.
    """

    def __init__(self, interval: float, *, wait_first: bool = False) -> None:
        self.interval = interval
        self.next_time = time.perf_counter() + interval if wait_first else 0.0

    def due(self) -> bool:
        """True when enough time has passed since the last redraw."""
        return time.perf_counter() >= self.next_time

    def done(self, started: float) -> None:
        """Record a redraw that began at ``started`` (a ``time.perf_counter()`` value)."""
        now = time.perf_counter()
        self.next_time = now + max(self.interval, 3 * (now - started))


def lr_controls(w: Any, value: float, low: int, high: int, css: str) -> tuple[Any, Any, Any]:
    """A learning-rate box a learner can type into, with a log slider beside it.

    The number typed is the number used (0.5 stays 0.5: a log slider alone would snap it to
    0.501); moving the slider writes a rounded value (two significant digits) into the box.
    low, high: the slider's range as powers of ten. css: class prefix of the two widgets.
    Returns ``(text, slider, box)``: ``text.value`` is the learning rate, ``box`` shows both.
    """
    text = w.FloatText(
        value=value, description="learning rate", style={"description_width": "initial"}
    )
    text.layout.width = "185px"
    slider = w.FloatLogSlider(
        value=value, base=10, min=low, max=high, step=0.1, readout=False, description=""
    )
    slider.layout.width = "100px"
    syncing = []

    def from_text(change: dict) -> None:
        if not syncing and change["new"] > 0:
            syncing.append(True)
            try:
                slider.value = change["new"]
            finally:
                syncing.pop()

    def from_slider(change: dict) -> None:
        # Ignore the slider snapping the typed value to its grid (0.03 -> 0.0316): that
        # moves it by less than half a step; a learner's move is a whole step or more.
        if text.value > 0 and abs(math.log10(change["new"] / text.value)) < 0.6 * slider.step:
            return
        if not syncing:
            syncing.append(True)
            try:
                text.value = float(f"{change['new']:.2g}")
            finally:
                syncing.pop()

    text.observe(from_text, names="value")
    slider.observe(from_slider, names="value")
    text.add_class(f"{css}-lr")
    slider.add_class(f"{css}-lr-slider")
    set_tooltip(text, "learning rate: how far each update moves the weights (type or slide)")
    return text, slider, w.HBox([text, slider])
