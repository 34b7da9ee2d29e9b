"""The training loop: one function, ``fit``, for every batch size.

``batch_size=1`` is per-sample SGD (one update per example), ``batch_size=128`` is
mini-batch SGD, and ``batch_size=0`` means full batch (one update per epoch, on all the
data). Each epoch shuffles the order of the examples with a seeded generator, cuts it into
batches, and for every batch runs forward, backward and one optimizer step (``_train_step``).
Per-sample training gets the same numbers faster from a marked fast path (``per_sample.py``).

``fit`` records a :class:`History`: the loss of every step, and per epoch the training
loss and accuracy (averaged over the epoch's batches, so they cost nothing extra), the
validation and test accuracy when that data is given, and the seconds spent.
Callbacks (:class:`Callback`) see the history as it grows; the live plots use them.
If the loss becomes NaN or infinite, training stops cleanly with a message saying so.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .data import one_hot
from .metrics import accuracy
from .network import Network
from .optimizers import SGD
from .per_sample import OneSampleStep, has_standard_maths, nonzero_spans


class StopTraining(Exception):
    """Raise from a callback to end training early (e.g. a Stop button)."""


class Callback:
    """Base class for hooks into ``fit``. Override the methods you need.

    Each receives the :class:`History` so far. ``on_step_end`` runs after every update, so
    keep it cheap (check the clock and redraw only now and then).
    """

    def on_train_begin(self, history: History) -> None:
        """Called once before the first step."""

    def on_step_end(self, history: History) -> None:
        """Called after every optimizer step; ``history.step_loss[-1]`` is the newest loss."""

    def on_epoch_end(self, history: History) -> None:
        """Called after each epoch, once its figures are in ``history``."""

    def on_train_end(self, history: History) -> None:
        """Called once at the end, also after a divergence or an early stop."""


@dataclass
class History:
    """What happened during training.

    Per step (one entry per optimizer update): ``step_loss``, the data loss on that batch
    (without the L2 penalty, so runs with different ``l2`` compare fairly).
    Per epoch (one entry per finished epoch): ``train_loss`` and ``train_accuracy`` (mean
    over the epoch's batches, measured while the weights changed), ``val_loss``,
    ``val_accuracy`` and ``test_accuracy`` (measured at the end of the epoch; empty when no
    such data was given), ``lr`` and ``seconds`` (training time of the epoch, without the
    evaluation).
    """

    settings: dict = field(default_factory=dict)
    steps_per_epoch: int = 0
    step_loss: list[float] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    diverged_at_step: int | None = None
    stopped_early: bool = False
    message: str = ""

    @property
    def epochs_done(self) -> int:
        """Number of completed epochs."""
        return len(self.train_loss)

    @property
    def steps_done(self) -> int:
        """Number of optimizer steps taken."""
        return len(self.step_loss)

    @property
    def diverged(self) -> bool:
        """True when training stopped because the loss became NaN or infinite."""
        return self.diverged_at_step is not None


def evaluate(net: Network, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Data loss and accuracy of ``net`` on labelled data.

    X: (m, n_0) inputs; y: (m,) integer labels. Returns ``(loss, accuracy)``, accuracy in
    [0, 1]. The loss is the data loss without the L2 penalty.
    """
    A = net.predict_proba(X)
    return net.data_loss(A, one_hot(y, net.sizes[-1])), accuracy(y, A.argmax(axis=1))


def fit(
    net: Network,
    X: np.ndarray,
    y: np.ndarray,
    *,
    optimizer: SGD | None = None,
    epochs: int = 10,
    batch_size: int = 128,
    seed: int = 0,
    lr_schedule: Callable[[int], float] | None = None,
    X_val: np.ndarray | None = None,
    y_val: np.ndarray | None = None,
    X_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
    callbacks: Sequence[Callback] = (),
    progress: bool = False,
) -> History:
    """Train ``net`` in place and return its :class:`History`.

    X: (m, n_0) inputs, y: (m,) integer class labels in ``[0, n_L)``.
    optimizer: an ``SGD``, ``Momentum`` or ``Nesterov`` instance (default ``SGD(0.1)``).
    epochs: passes over the data. batch_size: 1 = per sample, 0 = full batch, else the
    mini-batch size (the last batch of an epoch may be smaller).
    seed: seeds the shuffling, so the same seed gives the same run.
    lr_schedule: optional function ``epoch -> learning rate``, applied at each epoch start.
    X_val/y_val, X_test/y_test: optional held-out data, evaluated after every epoch.
    callbacks: :class:`Callback` objects; progress: print a progress line on stderr.
    """
    optimizer = optimizer if optimizer is not None else SGD(0.1)
    X, Y, y = _check_data(net, X, y, "X", "y")
    if X_val is not None or y_val is not None:
        X_val, _, y_val = _check_data(net, X_val, y_val, "X_val", "y_val")
    if X_test is not None or y_test is not None:
        X_test, _, y_test = _check_data(net, X_test, y_test, "X_test", "y_test")
    m = len(X)
    if not (isinstance(epochs, (int, np.integer)) and epochs >= 1):
        raise ValueError(f"epochs={epochs!r} must be a whole number >= 1")
    if not (isinstance(batch_size, (int, np.integer)) and 0 <= batch_size <= m):
        raise ValueError(
            f"batch_size={batch_size!r} must be a whole number from 0 (full batch) to the "
            f"number of samples ({m}); 1 means one sample at a time"
        )
    bs = m if batch_size == 0 else int(batch_size)
    steps_per_epoch = math.ceil(m / bs)
    history = History(
        settings={
            **net.config(),
            "optimizer": getattr(optimizer, "name", type(optimizer).__name__),
            "lr": optimizer.lr,
            "beta": getattr(optimizer, "beta", 0.0),
            "batch_size": int(batch_size),
            "epochs": int(epochs),
            "n_train": m,
            "shuffle_seed": seed,
        },
        steps_per_epoch=steps_per_epoch,
    )
    rng = np.random.default_rng(seed)
    bar = _Progress(epochs, steps_per_epoch) if progress else None
    # Mini-batches are gathered into buffers allocated once, not fresh arrays every step.
    Xb_buf = np.empty((bs, X.shape[1]), X.dtype)
    Yb_buf = np.empty((bs, Y.shape[1]), Y.dtype)
    # Per-sample training takes the FAST PATH in per_sample.py (same numbers, fewer numpy calls).
    # (One sample in all is just full-batch training.)
    one_sample_step = (
        OneSampleStep(net, optimizer) if bs == 1 and m > 1 and has_standard_maths(net) else None
    )
    spans = nonzero_spans(X) if one_sample_step is not None else []

    for cb in callbacks:
        cb.on_train_begin(history)
    try:
        for epoch in range(epochs):
            if lr_schedule is not None:
                optimizer.lr = float(lr_schedule(epoch))
            order = rng.permutation(m) if bs < m else None  # full batch: order is irrelevant
            loss_sum, correct = 0.0, 0
            start = time.perf_counter()
            for i in range(0, m, bs):
                if one_sample_step is not None:  # same numbers as _train_step, fewer numpy calls
                    j = order[i]
                    loss, n_correct = one_sample_step(X[j], Y[j], y[j], spans[j])
                else:
                    if order is None:  # full batch: use the arrays as they are
                        Xb, Yb, yb = X, Y, y
                    else:
                        idx = order[i : i + bs]
                        n = len(idx)
                        Xb = np.take(X, idx, axis=0, out=Xb_buf[:n])
                        Yb = np.take(Y, idx, axis=0, out=Yb_buf[:n])
                        yb = y[idx]
                    loss, n_correct = _train_step(net, optimizer, Xb, Yb, yb)
                if not math.isfinite(loss):
                    _diverged(history, net, optimizer, epoch, loss)
                    break
                history.step_loss.append(loss)
                loss_sum += loss * min(bs, m - i)  # the loss is a mean over the batch's samples
                correct += n_correct
                for cb in callbacks:
                    cb.on_step_end(history)
                if bar:
                    bar.step(epoch, history.steps_done, loss)
            if history.diverged:
                break
            history.seconds.append(time.perf_counter() - start)
            history.lr.append(optimizer.lr)
            history.train_loss.append(loss_sum / m)
            history.train_accuracy.append(correct / m)
            if X_val is not None:
                val_loss, val_acc = evaluate(net, X_val, y_val)
                history.val_loss.append(val_loss)
                history.val_accuracy.append(val_acc)
            if X_test is not None:
                history.test_accuracy.append(evaluate(net, X_test, y_test)[1])
            for cb in callbacks:
                cb.on_epoch_end(history)
            if bar:
                bar.epoch_end(history)
    except StopTraining as stop:
        history.stopped_early = True
        history.message = str(stop) or (
            f"Stopped early after {history.steps_done} steps ({history.epochs_done} full epochs)."
        )
    finally:
        if bar:
            bar.close(history)
    for cb in callbacks:
        cb.on_train_end(history)
    return history


def _train_step(
    net: Network, optimizer: SGD, Xb: np.ndarray, Yb: np.ndarray, yb: np.ndarray
) -> tuple[float, int]:
    """One step of gradient descent on one batch: forward, loss, backward, update.

    Xb: (m, n_0) inputs, Yb: (m, n_L) one-hot targets, yb: (m,) labels. Returns the batch's
    data loss and how many of its samples were classified correctly (before the update).
    When the loss is NaN or infinite the weights are left alone: training has diverged.
    """
    A = net.forward(Xb)
    loss = net.data_loss(A[-1], Yb)
    if not math.isfinite(loss):
        return loss, 0
    dW, db = net.backward(A, Yb)
    optimizer.step(net.params, dW + db)
    return loss, int(np.count_nonzero(A[-1].argmax(axis=1) == yb))


def _diverged(history: History, net: Network, optimizer: SGD, epoch: int, loss: float) -> None:
    step = history.steps_done + 1
    history.diverged_at_step = step
    history.message = (
        f"Training diverged at step {step} (epoch {epoch + 1}): the loss became {loss}. "
        f"The learning rate ({optimizer.lr:g}) is probably too large for this network; "
        "try one 3-10 times smaller. Training stopped; the weights are no longer usable."
    )


def _check_data(
    net: Network, X: np.ndarray, y: np.ndarray, x_name: str, y_name: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate inputs and labels; return float inputs, one-hot targets and labels."""
    if X is None or y is None:
        raise ValueError(f"give both {x_name} and {y_name}, or neither")
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != net.sizes[0]:
        raise ValueError(
            f"{x_name} has shape {X.shape}; the network expects (m, {net.sizes[0]}): one row "
            f"of {net.sizes[0]} numbers per sample (flatten images with X.reshape(len(X), -1))"
        )
    if y.shape != (len(X),):
        raise ValueError(
            f"{y_name} has shape {y.shape}; expected ({len(X)},): one integer label per row "
            f"of {x_name} (class numbers, not one-hot rows)"
        )
    if len(X) == 0:
        raise ValueError(f"{x_name} is empty; there is nothing to train or evaluate on")
    if X.dtype != net.dtype:
        X = X.astype(net.dtype)
    # NaN and +-inf show up in the minimum or maximum: no m x n_0 temporary of np.isfinite(X)
    if not (np.isfinite(X.min()) and np.isfinite(X.max())):
        raise ValueError(f"{x_name} contains NaN or infinite values; clean or impute them first")
    Y = one_hot(y, net.sizes[-1]).astype(net.dtype, copy=False)
    return X, Y, y


class _Progress:
    """A one-line text progress bar on stderr, redrawn at most a few times a second."""

    def __init__(self, epochs: int, steps_per_epoch: int) -> None:
        self.epochs, self.steps_per_epoch = epochs, steps_per_epoch
        self.last_draw = 0.0

    def step(self, epoch: int, steps_done: int, loss: float) -> None:
        now = time.perf_counter()
        if now - self.last_draw < 0.25:
            return
        self.last_draw = now
        done = steps_done - epoch * self.steps_per_epoch
        frac = done / self.steps_per_epoch
        bar = "#" * int(20 * frac)
        sys.stderr.write(
            f"\repoch {epoch + 1}/{self.epochs} [{bar:<20}] {100 * frac:3.0f}%  loss {loss:.4f}"
        )
        sys.stderr.flush()

    def epoch_end(self, h: History) -> None:
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
        sys.stderr.write("\r" + "  ".join(parts) + " " * 10 + "\n")
        sys.stderr.flush()

    def close(self, h: History) -> None:
        if h.message:
            sys.stderr.write("\n" + h.message + "\n")
            sys.stderr.flush()
