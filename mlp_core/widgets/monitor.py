"""Watch training as it happens: loss and accuracy curves redrawn while ``fit`` runs.

One call does it::

    history = train_live(net, data.X_train, data.y_train, epochs=5,
                         X_val=data.X_val, y_val=data.y_val)

``train_live`` shows a :class:`LiveMonitor` (a progress bar, a one-line readout and the
curves) and passes it to ``fit`` as a callback. The monitor redraws now and then, not after
every step: a redraw costs far more than a training step, so it waits at least
``interval`` seconds, and at least three times as long as the last redraw took.

In a plain Python script there is nothing to draw into, so ``train_live`` prints ``fit``'s
text progress instead. ``LiveMonitor.figure()`` gives the final curves as a static figure.
"""

from __future__ import annotations

import html
import time

from matplotlib.figure import Figure

from ..network import Network
from ..plots import plot_history
from ..training import Callback, History, fit
from ._common import (
    Throttle,
    WidgetView,
    detach,
    in_kernel,
    require_widgets,
    show_figure,
    show_text,
)
from ._training import progress_text, show_progress

__all__ = ["LiveMonitor", "Throttle", "progress_text", "train_live"]
WAITING = "The curves appear after the first steps."


class LiveMonitor(Callback, WidgetView):
    """A ``fit`` callback that shows a progress bar, a readout and the training curves.

    interval: shortest time in seconds between two redraws of the curves.
    x: horizontal axis of the curves, ``"step"`` (default: the loss of every update,
        smoothed, so the first epoch already shows a curve) or ``"epoch"``.
    title: title above the curves. dpi: resolution of the curve image.

    After training, ``history`` holds the run's :class:`History`, ``redraws`` counts the
    curve redraws and ``figure()`` returns the curves as a static figure.
    """

    title = "Live training monitor"

    def __init__(
        self, *, interval: float = 0.5, x: str = "step", title: str | None = None, dpi: int = 80
    ) -> None:
        widgets = require_widgets()
        if x not in ("step", "epoch"):
            raise ValueError(f"x={x!r} must be 'step' or 'epoch'")
        if not interval >= 0:
            raise ValueError(f"interval={interval!r} must be a number of seconds >= 0")
        self.x, self.plot_title, self.dpi, self.interval = x, title, dpi, interval
        self.throttle = Throttle(interval)  # for the curves
        self.readout_throttle = Throttle(0.1)  # the text is cheap: update it more often
        self.history: History | None = None
        self.redraws = 0
        self.start_time = time.perf_counter()

        self.progress = widgets.FloatProgress(
            value=0.0, min=0.0, max=1.0, layout={"width": "160px"}
        )
        self.readout = widgets.HTML("waiting for training to start", layout={"margin": "0 0 0 8px"})
        self.plot = widgets.Output()
        show_text(self.plot, WAITING)
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.progress, self.readout], layout={"flex_flow": "row wrap"}),
                self.plot,
            ],
        )
        for part, name in [
            (self.widget, "mlp-monitor"),
            (self.progress, "mlp-monitor-progress"),
            (self.readout, "mlp-monitor-readout"),
            (self.plot, "mlp-monitor-plot"),
        ]:
            part.add_class(name)

    # ------------------------------------------------------------- callback hooks
    def on_train_begin(self, history: History) -> None:
        self.history = history
        self.start_time = time.perf_counter()
        self.throttle = Throttle(self.interval)
        self.progress.bar_style = ""
        self.readout.value = "starting…"

    def on_step_end(self, history: History) -> None:
        if self.throttle.due() and history.steps_done >= 2:  # one point is not a curve yet
            self.update(history)
        elif self.readout_throttle.due():
            started = time.perf_counter()
            self._show_progress(history)
            self.readout_throttle.done(started)

    def on_epoch_end(self, history: History) -> None:
        if self.throttle.due():
            self.update(history)

    def on_train_end(self, history: History) -> None:
        self.update(history)
        if history.message:
            self.progress.bar_style = "danger" if history.diverged else "warning"
            self.readout.value = html.escape(history.message)
        else:
            self.progress.bar_style = "success"

    # ------------------------------------------------------------------ drawing
    def update(self, history: History) -> None:
        """Redraw the progress bar, the readout and the curves now."""
        started = time.perf_counter()
        self.history = history
        self._show_progress(history)
        show_figure(self.plot, self._curves(history), dpi=self.dpi)
        self.redraws += 1
        self.throttle.done(started)

    def _show_progress(self, history: History) -> None:
        show_progress(self.progress, self.readout, history, time.perf_counter() - self.start_time)

    def figure(self) -> Figure:
        """The curves of the run so far as a static figure.

        End a notebook cell with ``monitor.figure()`` to show it; in a script, save it with
        ``.savefig(path)``.
        """
        return detach(self._curves(self.history if self.history is not None else History()))

    def _curves(self, history: History) -> Figure:
        """The curves, with the horizontal axis spanning the whole planned run."""
        epochs = history.settings.get("epochs", 0)
        span = epochs * history.steps_per_epoch if self.x == "step" else epochs
        xlim = (0, span) if span else None
        return plot_history(history, x=self.x, title=self.plot_title, xlim=xlim, figsize=(7.3, 4.4))


def train_live(
    net: Network, X, y, *, interval: float = 0.5, x: str = "step", **fit_kwargs
) -> History:
    """Train ``net`` with ``fit`` while a :class:`LiveMonitor` shows the curves.

    X: (m, n_0) inputs, y: (m,) labels; ``fit_kwargs`` are passed to ``fit`` (epochs,
    batch_size, optimizer, X_val, y_val, callbacks, ...). interval and x are passed to
    ``LiveMonitor``. Outside Jupyter (a plain script) prints ``fit``'s text progress instead.
    Returns the :class:`History`.
    """
    if not in_kernel():
        fit_kwargs.setdefault("progress", True)
        return fit(net, X, y, **fit_kwargs)
    from IPython.display import display

    monitor = LiveMonitor(interval=interval, x=x)
    display(monitor)
    callbacks = [monitor, *fit_kwargs.pop("callbacks", ())]
    return fit(net, X, y, callbacks=callbacks, **fit_kwargs)
