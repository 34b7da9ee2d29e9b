"""Loss functions, each paired with the output activation it belongs to.

For m samples with one-hot targets ``Y`` (m, k) and network outputs ``A`` (m, k):

* **sigmoid + mean squared error**
  ``L = 1/m * sum_i 1/2 * ||A_i - Y_i||^2``  and at the output layer
  ``dL/dZ = (A - Y) * A * (1 - A) / m``. The factor ``A(1 - A)`` is tiny when a sigmoid
  saturates, which is why this pairing learns slowly from confident mistakes.

* **softmax + cross-entropy**
  ``L = -1/m * sum_i sum_j Y_ij * log(A_ij)`` and at the output layer
  ``dL/dZ = (A - Y) / m``: the softmax's Jacobian and the log's ``1/A`` cancel, leaving the
  plain error. No saturation factor, so confident mistakes give large gradients.

``output_delta`` functions return ``dL/dZ`` for the output layer directly (the "fused"
gradient), which is both faster and more accurate than multiplying the two Jacobians.
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid, softmax

# Cross-entropy clips probabilities away from 0 so log() stays finite.
_EPS = 1e-7


def mse(A: np.ndarray, Y: np.ndarray) -> float:
    """Mean squared error ``1/m * sum 1/2 ||A_i - Y_i||^2``.

    A: (m, k) outputs, Y: (m, k) one-hot targets. Returns a Python float.
    """
    D = A - Y
    return float(0.5 * np.vdot(D, D) / A.shape[0])


def mse_output_delta(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """``dL/dZ`` at a sigmoid output layer trained with MSE: ``(A - Y) * A * (1 - A) / m``.

    A: (m, k) sigmoid outputs, Y: (m, k) one-hot targets. Returns dZ, (m, k).
    """
    return (A - Y) * A * (1.0 - A) / A.shape[0]


def cross_entropy(A: np.ndarray, Y: np.ndarray) -> float:
    """Cross-entropy ``-1/m * sum Y * log(A)`` of softmax outputs against one-hot targets.

    A: (m, k) probabilities, Y: (m, k) one-hot targets. Returns a Python float.
    """
    p = np.sum(A * Y, axis=1)  # the probability given to the right class, (m,)
    # -1/m * sum(log p); ``.sum() / m`` rather than np.mean, whose overhead shows in per-sample runs
    return float(-np.log(np.maximum(p, _EPS)).sum() / len(p))


def cross_entropy_output_delta(A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """``dL/dZ`` at a softmax output layer trained with cross-entropy: ``(A - Y) / m``.

    A: (m, k) softmax outputs, Y: (m, k) one-hot targets. Returns dZ, (m, k).
    """
    return (A - Y) / A.shape[0]


# loss name -> (output activation, loss, output delta)
LOSSES = {
    "mse": (sigmoid, mse, mse_output_delta),
    "cross-entropy": (softmax, cross_entropy, cross_entropy_output_delta),
}
