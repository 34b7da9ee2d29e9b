"""Callbacks: what ``fit`` does besides training, each a small class of its own.

``fit`` calls every callback's ``on_train_begin``, ``on_step_end`` (after every optimizer
step), ``on_epoch_end`` and ``on_train_end``; each gets the :class:`~mlp_core.training.History`
so far, and ``self.net`` is the network being trained (``fit`` sets it). A callback ends
training by raising :class:`StopTraining`.

- :class:`DivergenceGuard`  stops a run whose loss blows up (``fit`` always adds it; the rule
  is in ``divergence.py``)
- :class:`EarlyStopping`    stops when the validation loss has not improved for ``patience``
  epochs, and puts the best weights back
- :class:`ProgressBar`      one line of progress: an updating line in a notebook, stderr in a
  terminal (``fit(..., progress=True)`` adds it)

The live plots (``widgets``) and ``diagnostics.DiagnosticsRecorder`` are callbacks too.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from .checks import check_whole
from .divergence import DivergenceRule

if TYPE_CHECKING:
    from .network import Network
    from .training import History


class StopTraining(Exception):
    """Raise from a callback to end training early (e.g. a Stop button)."""


class Callback:
    """Base class for hooks into ``fit``. Override the methods you need.

    Each receives the :class:`History` so far. ``on_step_end`` runs after every update, so
    keep it cheap (check the clock and redraw only now and then). ``self.net`` is the
    network ``fit`` trains, set before ``on_train_begin``.
    """

    net: Network | None = None

    def on_train_begin(self, history: History) -> None:
        """Called once before the first step."""

    def on_step_end(self, history: History) -> None:
        """Called after every optimizer step; ``history.step_loss[-1]`` is the newest loss."""

    def on_epoch_end(self, history: History) -> None:
        """Called after each epoch, once its figures are in ``history``."""

    def on_train_end(self, history: History) -> None:
        """Called once at the end, also after a divergence or an early stop."""


class DivergenceGuard(Callback):
    """Stop training when the loss diverges (the rule of ``divergence.py``).

    ``guess_loss``: the loss of a uniform guess (``divergence.uniform_guess_loss``).
    Sets ``history.diverged_at_step`` and a message that says what to do.
    """

    def __init__(self, guess_loss: float) -> None:
        self.guess_loss = guess_loss

    def on_train_begin(self, history: History) -> None:
        self.rule = DivergenceRule(self.guess_loss)
        n, batch_size = history.settings["n_train"], history.settings["batch_size"]
        self.batch_size = batch_size or n

    def on_step_end(self, history: History) -> None:
        loss = history.step_loss[-1]
        if self.rule.update(loss, self.batch_size):
            step = history.steps_done
            epoch = (step - 1) // history.steps_per_epoch + 1
            history.diverged_at_step = step
            raise StopTraining(
                f"Training diverged at step {step} (epoch {epoch}): {self.rule.explain(loss)}. "
                f"The learning rate ({history.settings['lr']:g}) is probably too large for "
                "this network; try one 3-10 times smaller. Training stopped; the weights are "
                "no longer usable."
            )


class EarlyStopping(Callback):
    """Stop when the validation loss has not improved for ``patience`` epochs.

    Needs validation data (``fit(..., X_val=..., y_val=...)``). An epoch improves on the best
    so far when its validation loss is lower by more than ``min_delta``. With
    ``restore_best`` the network gets the weights of its best epoch back at the end (also
    when training ran all its epochs). After ``fit``: ``best_epoch`` (1-based) and
    ``best_val_loss``.
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0, restore_best: bool = True):
        self.patience = check_whole(patience, "patience")
        if not min_delta >= 0:
            raise ValueError(f"min_delta={min_delta!r} must be a number >= 0")
        self.min_delta, self.restore_best = float(min_delta), restore_best
        self.best_epoch, self.best_val_loss = 0, float("inf")

    def on_train_begin(self, history: History) -> None:
        self.best_epoch, self.best_val_loss, self.best_weights = 0, float("inf"), None

    def on_epoch_end(self, history: History) -> None:
        if not history.val_loss:
            raise ValueError("EarlyStopping watches the validation loss: give fit X_val and y_val")
        loss, epoch = history.val_loss[-1], history.epochs_done
        if loss < self.best_val_loss - self.min_delta:
            self.best_epoch, self.best_val_loss = epoch, loss
            if self.restore_best and self.net is not None:
                self.best_weights = [p.copy() for p in self.net.params]
        elif epoch - self.best_epoch >= self.patience:
            raise StopTraining(
                f"Stopped early after epoch {epoch}: the validation loss has not improved for "
                f"{self.patience} epochs (best {self.best_val_loss:.4f}, epoch {self.best_epoch})."
            )

    def on_train_end(self, history: History) -> None:
        if self.best_weights is not None and self.net is not None and not history.diverged:
            for p, best in zip(self.net.params, self.best_weights):
                p[...] = best
            history.message = (history.message + " " if history.message else "") + (
                f"The weights of epoch {self.best_epoch} (the best validation loss) are restored."
            )


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (where stderr shows as a red block)."""
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class ProgressBar(Callback):
    """A line of progress, redrawn a few times a second, and one line per finished epoch.

    In a notebook it is an output that updates in place (never stderr, which notebooks show
    as an error and nbgrader counts against an answer); in a terminal it goes to stderr, so
    that stdout stays free for results (the command line's ``--json``).
    """

    def __init__(self, every: float = 0.25) -> None:
        self.every = every

    def on_train_begin(self, history: History) -> None:
        self.epochs = history.settings["epochs"]
        self.lines: list[str] = []
        self.last_draw = 0.0
        self.display = None
        if _in_notebook():
            from IPython.display import display

            self.display = display({"text/plain": "starting..."}, raw=True, display_id=True)

    def _show(self, current: str) -> None:
        if self.display is not None:
            text = "\n".join([*self.lines, current]).rstrip()
            self.display.update({"text/plain": text}, raw=True)
        else:
            sys.stderr.write("\r" + current)
            sys.stderr.flush()

    def on_step_end(self, history: History) -> None:
        now = time.perf_counter()
        if now - self.last_draw < self.every:
            return
        self.last_draw = now
        per_epoch = history.steps_per_epoch
        done = history.steps_done - history.epochs_done * per_epoch
        bar = "#" * int(20 * done / per_epoch)
        self._show(
            f"epoch {history.epochs_done + 1}/{self.epochs} [{bar:<20}] "
            f"{100 * done / per_epoch:3.0f}%  loss {history.step_loss[-1]:.4f}"
        )

    def on_epoch_end(self, history: History) -> None:
        h = history
        parts = [
            f"epoch {h.epochs_done}/{self.epochs}",
            f"loss {h.train_loss[-1]:.4f}",
            f"train {100 * h.train_accuracy[-1]:.2f}%",
        ]
        if h.val_accuracy:
            parts.append(f"val {100 * h.val_accuracy[-1]:.2f}%")
        if h.test_accuracy:
            parts.append(f"test {100 * h.test_accuracy[-1]:.2f}%")
        parts.append(f"{h.seconds[-1]:.2f} s")
        line = "  ".join(parts)
        if self.display is None:
            sys.stderr.write("\r" + line + " " * 10 + "\n")
        self.lines.append(line)
        self._show("")

    def on_train_end(self, history: History) -> None:
        if history.message:
            if self.display is None:
                sys.stderr.write("\n" + history.message + "\n")
                sys.stderr.flush()
            else:
                self.lines.append(history.message)
                self._show("")
