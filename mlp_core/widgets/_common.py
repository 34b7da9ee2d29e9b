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
* Figures are drawn on a :func:`new_figure` (not managed by pyplot, so safe in a background
  thread and never shown twice by the inline backend) and put into an ``Output`` with
  :func:`show_figure`, which replaces the old image in one update (no flicker).
* Headless use (nbval, nbconvert, a plain script): building the widget and calling its
  methods never needs a browser. Each widget offers a programmatic method that runs the
  same code as its buttons and a ``figure()`` method returning a static matplotlib figure of
  its current state (:func:`detach`-ed, so a cell ending with it shows it exactly once).
"""

from __future__ import annotations

import base64
import io
import sys
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
    """A matplotlib figure that pyplot does not manage.

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


def check_common_settings(s: dict, choices: list[tuple[str, list[str]]]) -> None:
    """Validate the settings all training widgets share; ValueError names the first bad one.

    s: the widget's settings; choices: (key, allowed names) pairs such as
    ``("activation", ["relu", ...])``. Also checks ``lr`` > 0, ``beta`` in [0, 1) and
    ``l2`` >= 0.
    """
    for key, allowed in choices:
        if s[key] not in allowed:
            raise ValueError(f"{key}={s[key]!r} is not known; use one of {allowed}")
    if not (isinstance(s["lr"], (int, float)) and np.isfinite(s["lr"]) and s["lr"] > 0):
        raise ValueError(f"learning rate {s['lr']!r} must be a number > 0, e.g. 0.1")
    if not (isinstance(s["beta"], (int, float)) and 0 <= s["beta"] < 1):
        raise ValueError(f"beta={s['beta']!r} must be in [0, 1), e.g. 0.9")
    if not (isinstance(s["l2"], (int, float)) and np.isfinite(s["l2"]) and s["l2"] >= 0):
        raise ValueError(f"l2={s['l2']!r} must be a number >= 0 (0 turns it off)")
