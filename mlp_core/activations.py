"""Activation functions and their derivatives.

Every layer computes ``Z = A_prev @ W + b`` and then ``A = g(Z)`` for an activation ``g``.
Backpropagation needs ``g'(Z)``. For the activations here the derivative can be written
with ``A`` alone, so a network only has to remember ``A`` from the forward pass:

=========  ====================  =========================
name       g(Z)                  g'(Z) written with A
=========  ====================  =========================
sigmoid    1 / (1 + exp(-Z))     A * (1 - A)
tanh       tanh(Z)               1 - A**2
relu       max(Z, 0)             1 where A > 0, else 0
=========  ====================  =========================

Using the wrong one of these derivatives is a classic bug (the course's "what went wrong"
notebook shows one); ``mlp_core.gradcheck`` catches it.

All functions work elementwise on arrays of any shape and keep the input dtype (float32).
"""

from __future__ import annotations

import numpy as np


def sigmoid(Z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-Z))``, computed without overflow.

    Z: any shape, float. Returns A with the same shape and dtype, values in [0, 1].
    ``exp(-Z)`` overflows for very negative Z; ``0.5 * (1 + tanh(Z / 2))`` is the same
    function and never overflows.
    """
    A = Z * 0.5  # float32 stays float32
    np.tanh(A, out=A)
    A += 1.0
    A *= 0.5
    return A


def sigmoid_prime(A: np.ndarray) -> np.ndarray:
    """Derivative of the sigmoid, written with its output: ``A * (1 - A)``.

    A: the sigmoid's output, any shape. Returns dA/dZ, same shape.
    """
    return A * (1.0 - A)


def relu(Z: np.ndarray) -> np.ndarray:
    """Rectified linear unit ``max(Z, 0)``. Z: any shape. Returns A, same shape."""
    return np.maximum(Z, 0)


def relu_prime(A: np.ndarray) -> np.ndarray:
    """Derivative of ReLU: 1 where the unit is active (A > 0), else 0.

    A: the ReLU's output, any shape. Returns dA/dZ, same shape and dtype as A.
    (At Z = 0 the derivative is undefined; we use 0, as every framework does.)
    """
    return (A > 0).astype(A.dtype)


def tanh(Z: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent. Z: any shape. Returns A in (-1, 1), same shape."""
    return np.tanh(Z)


def tanh_prime(A: np.ndarray) -> np.ndarray:
    """Derivative of tanh, written with its output: ``1 - A**2``. Same shape as A."""
    return 1.0 - A * A


def softmax(Z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis: ``exp(Z) / sum(exp(Z))`` for every row.

    Z: (m, k) scores ("logits") for m samples and k classes. Returns A, (m, k), every row
    non-negative and summing to 1. Subtracting the row maximum first changes nothing
    mathematically (it cancels) but keeps ``exp`` from overflowing for large scores.
    """
    A = Z - Z.max(axis=-1, keepdims=True)
    np.exp(A, out=A)
    A /= A.sum(axis=-1, keepdims=True)
    return A


# name -> (g, g' written with A). Hidden layers may use any of these.
HIDDEN_ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "relu": (relu, relu_prime),
    "tanh": (tanh, tanh_prime),
}
