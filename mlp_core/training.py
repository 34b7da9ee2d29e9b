"""The training loop: one function, ``fit``, for every batch size.

``batch_size=1`` is per-sample SGD (one update per example), ``batch_size=128`` is
mini-batch SGD, and ``batch_size=0`` means full batch (one update per epoch, on all the
data). Each epoch shuffles the examples, cuts them into batches (``batches.py``), and for
every batch runs forward, backward and one optimizer step (:func:`train_step`).

``fit`` records a :class:`History`: the loss of every step, and per epoch the training
loss and accuracy (averaged over the epoch's batches, so they cost nothing extra), the
validation and test accuracy when that data is given, and the seconds spent.
Everything else is a callback (``callbacks.py``): stopping a run whose loss blows up
(always on), progress (``progress=True``), early stopping, live plots, diagnostics.

Two speed-ups give the same numbers faster and are marked where ``fit`` uses them: the
per-sample FAST PATH (``per_sample.py``) and one BLAS thread for small batches
(``threads.py``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .batches import Gather, batch_indices
from .callbacks import Callback, DivergenceGuard, ProgressBar, StopTraining
from .checks import check_labels, check_whole, check_X
from .data import one_hot
from .divergence import uniform_guess_loss
from .metrics import accuracy
from .network import Network
from .optimizers import SGD
from .per_sample import OneSampleStep, has_standard_maths, nonzero_spans
from .threads import blas_threads_for

__all__ = ["Callback", "History", "StopTraining", "evaluate", "fit", "train_step"]


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
        """True when training stopped because the loss blew up (see ``divergence.py``)."""
        return self.diverged_at_step is not None


def evaluate(net: Network, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Data loss and accuracy of ``net`` on labelled data.

    X: (m, n_0) inputs; y: (m,) integer labels. Returns ``(loss, accuracy)``, accuracy in
    [0, 1]. The loss is the data loss without the L2 penalty.
    """
    A = net.predict_proba(X)
    return net.data_loss(A, one_hot(y, net.sizes[-1])), accuracy(y, A.argmax(axis=1))


def train_step(
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
    callbacks: :class:`Callback` objects; progress: show a progress line (in a notebook
    under the cell, in a terminal on stderr).
    """
    optimizer = optimizer if optimizer is not None else SGD(0.1)
    X, Y, y = _check_data(net, X, y, "X", "y")
    held_out = {
        "val": _held_out(net, X_val, y_val, "val"),
        "test": _held_out(net, X_test, y_test, "test"),
    }
    m = len(X)
    epochs = check_whole(epochs, "epochs")
    bs = _check_batch_size(batch_size, m)
    history = History(_settings(net, optimizer, batch_size, epochs, m, seed), math.ceil(m / bs))
    guard = DivergenceGuard(uniform_guess_loss(net.data_loss, net.sizes[-1]))
    callbacks = [guard, *callbacks, *([ProgressBar()] if progress else [])]
    rng, gather = np.random.default_rng(seed), Gather(X, Y, y, bs)
    # FAST PATH for per-sample training (per_sample.py): the same numbers, fewer numpy calls.
    fast = OneSampleStep(net, optimizer) if bs == 1 < m and has_standard_maths(net) else None
    spans = nonzero_spans(X) if fast else []

    for cb in callbacks:
        cb.net = net
        cb.on_train_begin(history)
    try:
        with blas_threads_for(bs):  # small batches run faster on one BLAS thread (threads.py)
            for epoch in range(epochs):
                if lr_schedule is not None:
                    optimizer.lr = float(lr_schedule(epoch))
                loss_sum, correct, start = 0.0, 0, time.perf_counter()
                for idx in batch_indices(rng, m, bs):
                    if fast:
                        j = int(idx[0])
                        loss, n_correct = fast(X[j], Y[j], y[j], spans[j])
                    else:
                        loss, n_correct = train_step(net, optimizer, *gather(idx))
                    history.step_loss.append(loss)
                    loss_sum += loss * (m if idx is None else len(idx))  # loss: a batch mean
                    correct += n_correct
                    for cb in callbacks:
                        cb.on_step_end(history)
                _end_epoch(history, net, optimizer, loss_sum / m, correct / m, start, held_out)
                for cb in callbacks:
                    cb.on_epoch_end(history)
    except StopTraining as stop:
        history.stopped_early = not history.diverged
        history.message = str(stop) or (
            f"Stopped early after {history.steps_done} steps ({history.epochs_done} full epochs)."
        )
    for cb in callbacks:
        cb.on_train_end(history)
    return history


def _end_epoch(
    history: History,
    net: Network,
    optimizer: SGD,
    train_loss: float,
    train_accuracy: float,
    start: float,
    held_out: dict[str, tuple[np.ndarray, np.ndarray] | None],
) -> None:
    """Record an epoch's figures in ``history``, evaluating the held-out data."""
    history.seconds.append(time.perf_counter() - start)
    history.lr.append(optimizer.lr)
    history.train_loss.append(train_loss)
    history.train_accuracy.append(train_accuracy)
    if held_out["val"] is not None:
        val_loss, val_accuracy = evaluate(net, *held_out["val"])
        history.val_loss.append(val_loss)
        history.val_accuracy.append(val_accuracy)
    if held_out["test"] is not None:
        history.test_accuracy.append(evaluate(net, *held_out["test"])[1])


def _settings(net: Network, optimizer: SGD, batch_size: int, epochs: int, m: int, seed: int):
    return {
        **net.config(),
        "optimizer": getattr(optimizer, "name", type(optimizer).__name__),
        "lr": optimizer.lr,
        "beta": getattr(optimizer, "beta", 0.0),
        "batch_size": int(batch_size),
        "epochs": int(epochs),
        "n_train": m,
        "shuffle_seed": seed,
    }


def _check_batch_size(batch_size: int, m: int) -> int:
    """The batch size to use: ``batch_size``, or ``m`` for 0 (full batch)."""
    if not (isinstance(batch_size, (int, np.integer)) and 0 <= batch_size <= m):
        raise ValueError(
            f"batch_size={batch_size!r} must be a whole number from 0 (full batch) to the "
            f"number of samples ({m}); 1 means one sample at a time"
        )
    return int(batch_size) or m


def _held_out(net: Network, X, y, name: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Validated held-out data ``(X, y)``, or None when neither is given."""
    if X is None and y is None:
        return None
    X, _, y = _check_data(net, X, y, f"X_{name}", f"y_{name}")
    return X, y


def _check_data(
    net: Network, X: np.ndarray, y: np.ndarray, x_name: str, y_name: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate inputs and labels; return float inputs, one-hot targets and labels."""
    if X is None or y is None:
        raise ValueError(f"give both {x_name} and {y_name}, or neither")
    X = check_X(X, net.sizes[0], x_name)
    y = check_labels(y, len(X), net.sizes[-1], y_name, x_name)
    if X.dtype != net.dtype:
        X = X.astype(net.dtype)
    Y = one_hot(y, net.sizes[-1]).astype(net.dtype, copy=False)
    return X, Y, y
