"""The explorer's record of runs: a :class:`Run` each, the table of runs and their curves.

Each run keeps one colour for as long as it is shown: the colour is chosen by its number
(run 1 the first course colour, run 9 the first again), and the curves show at most
``MAX_OVERLAY`` runs, so the runs on screen never share a colour.

The test accuracy is not measured when a run finishes: choosing settings by it would tune
them to the test set. It is measured when the learner asks for it (the "evaluate on test"
button, ``explorer.evaluate_on_test(number)``), and the run records that it was looked at.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from ..metrics import confusion_matrix
from ..network import Network
from ..plots import COLORS, plot_confusion_matrix, plot_digits, plot_history
from ..training import History
from ._common import Throttle
from ._training import StopWatch, what_happened

MAX_OVERLAY = 8  # the curves show at most this many runs (the newest), one colour each
PAD = "padding:1px 5px; text-align:right; white-space:nowrap"
LEFT = "padding:1px 5px; text-align:left"  # the columns of words, which may wrap
STYLES = [PAD, LEFT, LEFT, PAD, PAD, PAD, PAD]  # one per column


@dataclass
class Run:
    """One finished training run of the explorer.

    settings: the explorer settings used; label: its short name; history: what ``fit``
    recorded; net: the trained network; seconds: wall-clock time of ``fit``; the train and
    validation accuracies are measured after training (None if the run diverged);
    test_accuracy stays None until :meth:`HyperparameterExplorer.evaluate_on_test` is asked
    for it (``test_looked_at`` then counts how many runs had been evaluated on test, this one
    included).
    """

    number: int
    settings: dict
    label: str
    history: History
    net: Network
    seconds: float
    train_accuracy: float | None
    val_accuracy: float | None
    test_accuracy: float | None = None
    test_looked_at: int | None = None

    @property
    def note(self) -> str:
        """Empty for a run that trained all its epochs, else why it ended early."""
        h = self.history
        return what_happened(h) if h.diverged or h.stopped_early else ""

    @property
    def color(self) -> str:
        """The run's colour in the curves and the table: fixed by its number."""
        return run_color(self.number)

    def __repr__(self) -> str:  # no seconds: stable text for notebooks checked by nbval
        if self.history.diverged:
            return f"Run {self.number}: {self.label}: {self.note}"
        accs = [
            f"{name} {100 * acc:.2f}%"
            for name, acc in [
                ("train", self.train_accuracy),
                ("validation", self.val_accuracy),
                ("test", self.test_accuracy),
            ]
            if acc is not None
        ]
        note = f" ({self.note})" if self.note else ""
        return f"Run {self.number}: {self.label}: {', '.join(accs)}{note}"


class LiveCurves(StopWatch):
    """The Stop flag (see ``StopWatch``) and the explorer's live readout and curves."""

    def __init__(self, explorer, number: int, label: str) -> None:
        super().__init__(explorer.stop_event)
        self.explorer, self.number, self.label = explorer, number, label
        # A run shorter than the interval gets only its final drawing, which comes soon.
        self.curves = Throttle(explorer.interval, wait_first=True)
        self.readout = Throttle(0.1)
        self.start = time.perf_counter()

    def on_step_end(self, history: History) -> None:
        super().on_step_end(history)
        if self.readout.due():
            started = time.perf_counter()
            self.explorer._show_progress(history, started - self.start)
            self.readout.done(started)

    def on_epoch_end(self, history: History) -> None:
        if self.curves.due():
            started = time.perf_counter()
            self.explorer._show_progress(history, started - self.start)
            self.explorer._draw_curves(live=(self.number, self.label, history))
            self.curves.done(started)


def details_figures(run: Run, data: dict) -> list[Figure]:
    """Run ``run``'s confusion matrix on the validation data (its ``confusion`` attribute
    holds the matrix) and, for images, the validation digits it got wrong.

    data: the explorer's arrays (``X_val``, ``y_val``, ``classes``). [] without validation data.
    """
    X, y = data["X_val"], data["y_val"]
    if len(X) == 0:
        return []
    P = run.net.predict_proba(X)
    pred = P.argmax(axis=1)
    C = confusion_matrix(y, pred, n_classes=P.shape[1])
    classes = data["classes"]
    if [str(c) for c in classes] == [str(k) for k in range(len(classes))]:
        classes = None  # the labels are their own names (digits)
    title = f"Run {run.number}: confusion matrix (validation data)"
    figs = [plot_confusion_matrix(C, classes=classes, title=title)]
    figs[0].confusion = C
    wrong = np.flatnonzero(pred != y)
    if X.shape[1] == 784 and len(wrong):  # images: show the digits it got wrong
        title = f"Run {run.number}: {len(wrong)} of {len(y)} validation digits wrong"
        title += "\n(label→prediction, probability of the prediction)"
        figs.append(
            plot_digits(X[wrong], y[wrong], probs=P[wrong], n=10, classes=classes, title=title)
        )
    return figs


def run_color(number: int) -> str:
    """The colour of run ``number`` (1, 2, ...): the course colours in turn."""
    return COLORS[(number - 1) % len(COLORS)]


def curves_figure(runs: list[tuple[int, str, History]], short: bool = False) -> Figure:
    """Loss and accuracy of the newest ``MAX_OVERLAY`` runs, each in its own colour.

    runs: (number, label, history) of every run, oldest first (the last may be training).
    short: name the runs only by number (``#3``) in a one-line legend, for the widget, whose
    table beside the plot spells out each run's settings next to its colour; else the
    legend names the settings too (for a static figure in a notebook).
    Drawn 584 pixels wide at 80 dpi: it fits beside JupyterLab's open file browser.
    """
    shown = runs[-MAX_OVERLAY:]
    title = "Loss and accuracy per epoch"
    if len(runs) > MAX_OVERLAY:
        title += f" (newest {MAX_OVERLAY} of {len(runs)} runs)"
    names = [f"#{number}" if short else f"#{number} {label}" for number, label, _ in shown]
    return plot_history(
        dict(zip(names, [h for _, _, h in shown])),
        colors=[run_color(number) for number, _, _ in shown],
        title=title,
        figsize=(7.3, 4.6 if short else 5.4),
        legend_columns=min(len(shown), 4) if short else None,
    )


def table_rows(runs: list[Run]) -> list[dict]:
    """The runs as dicts: run, settings, n_train, epochs, the accuracies, seconds, note."""
    return [
        {
            "run": r.number,
            "settings": r.label,
            "n_train": r.settings["n_train"],
            "epochs": r.history.epochs_done,
            "train_accuracy": r.train_accuracy,
            "val_accuracy": r.val_accuracy,
            "test_accuracy": r.test_accuracy,
            "seconds": r.seconds,
            "note": r.note,
        }
        for r in runs
    ]


def table_html(runs: list[Run]) -> str:
    """The table of runs: settings, what happened, accuracies and seconds.

    The settings column wraps; the numbers do not, so the table fits a narrow notebook.
    """
    head = ["run", "settings", "what happened", "train", "valid.", "test", "seconds"]
    rows = []
    for r in runs:
        test = "not yet" if r.test_accuracy is None and r.val_accuracy is not None else "–"
        test = _percent(r.test_accuracy) if r.test_accuracy is not None else test
        cells = [
            f'<span style="color:{r.color}">■</span>&nbsp;#{r.number}',
            html.escape(r.label),
            html.escape(what_happened(r.history)),
            _percent(r.train_accuracy),
            _percent(r.val_accuracy),
            f'<span style="opacity:0.6">{test}</span>' if r.test_accuracy is None else test,
            seconds_text(r.seconds),
        ]
        rows.append(
            "<tr>" + "".join(f'<td style="{st}">{c}</td>' for st, c in zip(STYLES, cells)) + "</tr>"
        )
    return (
        '<table class="mlp-runs" style="border-collapse:collapse; width:100%; '
        'table-layout:auto; font-size:13px; line-height:1.3">'
        + "<thead><tr>"
        + "".join(f'<th style="{st}">{h}</th>' for st, h in zip(STYLES, head))
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
        + ("" if rows else "<p>No runs yet.</p>")
    )


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.2f}%"


def seconds_text(seconds: float) -> str:
    """A duration for the table and status line: 0.03, 0.8, 12.4 (no "0.0" for short runs)."""
    return f"{seconds:.2f}" if seconds < 1 else f"{seconds:.1f}"
