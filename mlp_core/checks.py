"""Input checks shared by the network, ``fit``, the diagnostics and the widgets.

Each function raises ``ValueError`` with a message that names the problem and the fix,
and returns the checked value (converted where that is harmless), so callers write
``lr = check_lr(lr)``. ``name`` is how the value is called in the message: the Python
argument (``"lr"``), a command-line flag (``"--lr"``) or a widget's label.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

_NUMBER = (int, float, np.integer, np.floating)


def check_X(X: np.ndarray, n_inputs: int, name: str = "X") -> np.ndarray:
    """Check a batch of inputs for a network with ``n_inputs`` input units.

    X: (m, n_inputs), one sample per row, m >= 1, no NaN or infinity. Returns X as an array.
    """
    if not isinstance(X, np.ndarray):
        X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != n_inputs:
        raise ValueError(
            f"{name} has shape {X.shape}; the network expects (m, {n_inputs}): one row of "
            f"{n_inputs} numbers per sample (flatten images with X.reshape(len(X), -1))"
        )
    if len(X) == 0:
        raise ValueError(f"{name} is empty; there is nothing to train or evaluate on")
    # NaN and +-inf show up in the minimum or maximum: no m x n temporary of np.isfinite(X)
    if not (np.isfinite(X.min()) and np.isfinite(X.max())):
        raise ValueError(f"{name} contains NaN or infinite values; clean or impute them first")
    return X


def check_labels(y: np.ndarray, m: int, n_classes: int, name: str = "y", x_name: str = "X"):
    """Check integer class labels for ``m`` samples and ``n_classes`` classes.

    y: (m,) integers in ``[0, n_classes)``. Returns y as an integer array.
    """
    y = np.asarray(y)
    if y.shape != (m,):
        raise ValueError(
            f"{name} has shape {y.shape}; expected ({m},): one integer label per row of "
            f"{x_name} (class numbers, not one-hot rows)"
        )
    if y.dtype.kind not in "iu":
        if y.dtype.kind == "f" and np.all(np.mod(y, 1) == 0):
            y = y.astype(np.int64)
        else:
            raise ValueError(f"{name} holds {y.dtype} values; labels are whole class numbers")
    if m and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(
            f"{name} must hold class numbers in [0, {n_classes}) for a network with "
            f"{n_classes} outputs, but its labels go from {y.min()} to {y.max()}"
        )
    return y


def check_lr(lr: float, name: str = "lr") -> float:
    """A learning rate: a finite number > 0. Returns it as a float."""
    if not (isinstance(lr, _NUMBER) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"{name}={lr!r} must be a finite number > 0, e.g. 0.1")
    return float(lr)


def check_beta(beta: float, name: str = "beta") -> float:
    """A momentum coefficient in [0, 1). Returns it as a float."""
    if not (isinstance(beta, _NUMBER) and 0 <= beta < 1):
        raise ValueError(f"{name}={beta!r} must be in [0, 1), e.g. 0.9")
    return float(beta)


def check_l2(l2: float, name: str = "l2") -> float:
    """An L2 coefficient: a finite number >= 0 (0 turns it off). Returns it as a float."""
    if not (isinstance(l2, _NUMBER) and math.isfinite(l2) and l2 >= 0):
        raise ValueError(f"{name}={l2!r} must be a finite number >= 0 (0 turns it off)")
    return float(l2)


def check_whole(value: int, name: str, low: int = 1, high: int | None = None) -> int:
    """A whole number in ``[low, high]`` (no upper bound when ``high`` is None)."""
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if not ok or value < low or (high is not None and value > high):
        span = f">= {low}" if high is None else f"from {low} to {high}"
        raise ValueError(f"{name}={value!r} must be a whole number {span}")
    return int(value)


def check_choice(value: str, choices: Iterable[str], name: str) -> str:
    """One of the names in ``choices`` (a registry such as ``activations.HIDDEN_ACTIVATIONS``)."""
    choices = list(choices)
    if value not in choices:
        raise ValueError(f"{name}={value!r} is not known; use one of {choices}")
    return value
