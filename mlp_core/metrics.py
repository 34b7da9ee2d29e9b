"""How good are the predictions? Accuracy, the confusion matrix, the most confused pairs."""

from __future__ import annotations

import numpy as np


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of predictions that match the labels.

    y_true, y_pred: (m,) integer labels. Returns a float in [0, 1].
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; "
            "pass one predicted label per true label"
        )
    if y_true.size == 0:
        raise ValueError("accuracy of no samples is undefined: y_true is empty")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """Count how often each true class was predicted as each class.

    y_true, y_pred: (m,) integer labels in [0, n_classes). Returns C, (n_classes, n_classes)
    int64, where ``C[i, j]`` counts samples of true class i predicted as j. The diagonal
    holds the correct predictions.
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.ndim != 1 or (y.size and (y.min() < 0 or y.max() >= n_classes)):
            raise ValueError(f"{name} must be 1-D integer labels in [0, {n_classes})")
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def most_confused(C: np.ndarray, k: int = 5) -> list[tuple[int, int, int]]:
    """The ``k`` largest off-diagonal entries of a confusion matrix.

    C: (n, n) counts. Returns ``[(true class, predicted class, count), ...]``, largest first.
    """
    off = C.copy()
    np.fill_diagonal(off, 0)
    flat = np.argsort(off, axis=None)[::-1][:k]
    pairs = [(int(i), int(j), int(off[i, j])) for i, j in zip(*np.unravel_index(flat, C.shape))]
    return [p for p in pairs if p[2] > 0]
