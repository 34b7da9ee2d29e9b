"""The run lifecycle shared by the widgets that train a network in a background thread.

:class:`TrainingWidget` is the base of the hyperparameter explorer and the decision-boundary
playground. It owns the **Train**, **Stop** and **Clear** buttons, the busy state (controls
locked while a run trains), the status line and the worker thread:

* Train checks the settings (a bad one becomes a message, not an exception), clears the Stop
  flag *in the button's handler*, locks the controls and only then starts the thread. A Stop
  pressed right after Train therefore always reaches the run, however late the thread
  starts (clearing the flag inside the thread would undo such a Stop).
* ``run(**changes)`` runs the very same code synchronously (scripts, tests, notebooks
  checked by nbval) and raises ValueError for bad settings.
* :class:`StopWatch` is the ``fit`` callback every run gets: it turns the Stop flag into
  ``StopTraining``. Divergence is ``fit``'s own (one rule, ``mlp_core.divergence``).

A subclass provides ``controls`` (name -> widget), ``_check(values)`` (the checked
settings), ``_execute(settings, pressed)`` (train, record, show; returns the run) and
``_clear()``.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Iterable
from typing import Any

from ..checks import check_beta, check_choice, check_l2, check_lr, check_whole
from ..optimizers import OPTIMIZERS
from ..training import Callback, History, StopTraining
from ._common import WidgetView, parse_hidden, status_html


def check_common(defaults: dict, settings: dict, choices: dict[str, Iterable[str]]) -> dict:
    """The settings both training widgets share, checked with ``mlp_core.checks``.

    defaults: every known setting with its default; settings: the ones given (unknown keys
    are an error); choices: setting -> the registry of its allowed names, besides the
    optimizer. Returns the complete, cleaned settings: hidden sizes, registry names, lr,
    beta, l2, epochs, seed and batch size (0 = full batch) checked; the rest as given.
    """
    unknown = set(settings) - set(defaults)
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}; known: {list(defaults)}")
    s = {**defaults, **settings}
    s["hidden"] = parse_hidden(s["hidden"])
    for key, registry in {**choices, "optimizer": OPTIMIZERS}.items():
        check_choice(s[key], registry, key)
    s["lr"] = check_lr(s["lr"], "learning rate")
    s["beta"] = check_beta(s["beta"])
    s["l2"] = check_l2(s["l2"])
    s["epochs"] = check_whole(s["epochs"], "epochs")
    s["seed"] = check_whole(s["seed"], "seed", 0)
    s["batch_size"] = check_whole(s["batch_size"], "batch size (0 = full batch)", 0)
    return s


def progress_text(h: History, seconds: float) -> str:
    """A one-line readout of a run in progress, e.g.

    ``"epoch 2/5 · step 340/1,000 (34%) · loss 0.3121 · train 91.2% · val 92.1% · 1.3 s"``.
    """
    epochs = h.settings.get("epochs", 0)
    total = epochs * h.steps_per_epoch
    epoch = min(h.epochs_done + 1, epochs) if epochs else h.epochs_done + 1
    parts = [f"epoch {epoch}/{epochs}"]
    if total:
        parts.append(f"step {h.steps_done:,}/{total:,} ({100 * h.steps_done / total:.0f}%)")
    if h.step_loss:
        parts.append(f"loss {h.step_loss[-1]:.4f}")
    if h.train_accuracy:
        parts.append(f"train {100 * h.train_accuracy[-1]:.1f}%")
    if h.val_accuracy:
        parts.append(f"val {100 * h.val_accuracy[-1]:.1f}%")
    parts.append(f"{seconds:.1f}\N{NO-BREAK SPACE}s")
    return " · ".join(parts)


def show_progress(bar, readout, history: History, seconds: float) -> None:
    """Show how far ``history`` has got: ``bar`` (a FloatProgress from 0 to 1) and
    ``readout`` (an HTML widget) with :func:`progress_text`."""
    total = history.settings.get("epochs", 0) * history.steps_per_epoch
    bar.value = history.steps_done / total if total else 0.0
    readout.value = html.escape(progress_text(history, seconds))


def what_happened(h: History) -> str:
    """How a finished run ended, in a few words: "5 epochs", "diverged at step 2",
    "stopped early after 3 of 50 epochs"."""
    if h.diverged:
        return f"diverged at step {h.diverged_at_step:,}"
    epochs = h.settings.get("epochs")
    if h.stopped_early:
        of = f" of {epochs}" if epochs else ""
        return f"stopped early after {h.epochs_done}{of} epochs"
    return f"{h.epochs_done} epoch" + ("" if h.epochs_done == 1 else "s")


class StopWatch(Callback):
    """The callback of every widget run: turns the Stop flag into ``StopTraining``.

    Divergence needs nothing here: ``fit`` applies the course's one rule
    (``mlp_core.divergence``) and records it in ``history.diverged_at_step`` and
    ``history.message``.
    """

    def __init__(self, stop_event: threading.Event) -> None:
        self.stop_event = stop_event

    def on_step_end(self, history: History) -> None:
        if self.stop_event.is_set():
            raise StopTraining(
                f"Stopped by the Stop button after {history.epochs_done} epochs "
                f"({history.steps_done:,} step{'s' * (history.steps_done != 1)})."
            )


class TrainingWidget(WidgetView):
    """Train / Stop / Clear, the busy state, the status line and the worker thread.

    Call :meth:`_build_lifecycle` in ``__init__`` (it makes the buttons and the status line)
    once ``self.controls`` exists.
    """

    controls: dict[str, Any]
    clear_label = "Clear runs"

    def _build_lifecycle(self, w, threaded: bool, css: str) -> None:
        self.threaded = threaded
        self.status_text = ""
        self.stop_event = threading.Event()
        self._thread: threading.Thread | None = None
        self._busy = False
        self.locked: list = []  # more widgets to lock while a run trains (besides controls)
        self.train_button = w.Button(description="Train", button_style="primary", icon="play")
        self.stop_button = w.Button(description="Stop", icon="stop", disabled=True)
        self.clear_button = w.Button(description=self.clear_label, icon="trash")
        self.status = w.HTML()
        for part, name in [
            (self.train_button, "train"),
            (self.stop_button, "stop"),
            (self.clear_button, "clear"),
            (self.status, "status"),
        ]:
            part.add_class(f"{css}-{name}")
        self.train_button.on_click(self._on_train)
        self.stop_button.on_click(self._on_stop)
        self.clear_button.on_click(self._on_clear)

    # ------------------------------------------------------------------ public API
    @property
    def running(self) -> bool:
        """True from pressing Train until the run has been recorded."""
        return self._busy

    def wait(self, timeout: float | None = None) -> None:
        """Block until the run started by the Train button has finished."""
        if self._thread is not None:
            self._thread.join(timeout)

    def stop(self) -> None:
        """Ask the current run to stop after its current step (what the Stop button does)."""
        self.stop_event.set()

    def run(self, **changes):
        """Train once with the controls' settings, changed by ``changes``; return the run.

        The same code as the Train button, but it waits for the run to finish and raises
        ValueError for bad settings (the button shows them as a message instead). The
        controls keep their values.
        """
        if self.running:
            raise RuntimeError("a run is in progress; wait for it (.wait()) or press Stop")
        settings = self._check({**self._control_values(), **changes})
        self._start(settings)
        try:
            return self._execute(settings, time.perf_counter())
        finally:
            self._set_busy(False)

    # --------------------------------------------------------------- the handlers
    def _on_train(self, _button=None) -> None:
        pressed = time.perf_counter()
        if self.running:
            self._set_status("A run is in progress: wait for it or press Stop.", error=True)
            return
        try:
            settings = self._check(self._control_values())
        except ValueError as err:
            self._set_status(f"Not started: {err}", error=True)
            return
        self._start(settings)
        if self.threaded:
            self._thread = threading.Thread(
                target=self._execute_safely, args=(settings, pressed), daemon=True
            )
            self._thread.start()
        else:
            self._execute_safely(settings, pressed)

    def _start(self, settings: dict) -> None:
        """Before the run starts (in the caller's thread): a fresh Stop flag, controls locked."""
        self.stop_event.clear()  # here, never in the worker: a quick Stop must not be lost
        self._set_busy(True)

    def _on_stop(self, _button=None) -> None:
        if self.running:
            self.stop()
            self._set_status("Stopping after the current step…")

    def _on_clear(self, _button=None) -> None:
        if self.running:
            self._set_status("A run is in progress: stop it first.", error=True)
            return
        self._clear()

    def _execute_safely(self, settings: dict, pressed: float) -> None:
        """Run ``_execute``; report any error in the status line instead of raising."""
        try:
            self._execute(settings, pressed)
        except Exception as err:  # keep the widget (and the kernel) usable
            self._set_status(f"The run failed: {type(err).__name__}: {err}", error=True)
        finally:
            self._set_busy(False)

    # ------------------------------------------------------------------- helpers
    def _control_values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status_text = text
        self.status.value = status_html(text, error)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for control in [*self.controls.values(), *self.locked]:
            control.disabled = busy
        if not busy and "beta" in self.controls:
            self.controls["beta"].disabled = self.controls["optimizer"].value == "sgd"
        self.train_button.disabled = busy
        self.clear_button.disabled = busy
        self.stop_button.disabled = not busy

    def _on_optimizer(self, change: dict) -> None:
        self.controls["beta"].disabled = change["new"] == "sgd"

    # -------------------------------------------------------- for the subclasses
    def _check(self, values: dict) -> dict:  # pragma: no cover - every subclass has one
        raise NotImplementedError

    def _execute(self, settings: dict, pressed: float):  # pragma: no cover
        raise NotImplementedError

    def _clear(self) -> None:  # pragma: no cover
        raise NotImplementedError
