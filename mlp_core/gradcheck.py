"""Check a backward pass against the definition of the derivative.

The centred difference ``(f(x + eps) - f(x - eps)) / (2 eps)`` approximates ``df/dx`` with
an error of order ``eps**2``. Nudging every parameter in turn and comparing with what
backpropagation says is slow (two forward passes per number) but needs no calculus, so it
is the standard way to catch a wrong derivative. Use float64 and a small batch: in float32
the rounding error of the difference swamps the signal.

The relative error ``||a - n|| / (||a|| + ||n||)`` compares analytic ``a`` and numeric
``n`` gradients. Below about 1e-7 in float64 the backward pass is right; above 1e-3
something is wrong.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .network import Network


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Centred finite-difference gradient of ``f()`` with respect to the array ``x``.

    ``f`` takes no arguments and reads ``x`` (which this function changes in place, one
    element at a time, and restores). Returns an array shaped like ``x``. Works for any
    array, also a non-contiguous view such as ``W.T``.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):  # every element of x, by its index (x itself is changed)
        old = x[i]
        x[i] = old + eps
        f_plus = f()
        x[i] = old - eps
        f_minus = f()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``||a - b|| / (||a|| + ||b||)``, 0 when both are zero. a, b: same shape."""
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def check_gradients(
    net: Network,
    X: np.ndarray,
    Y: np.ndarray,
    eps: float = 1e-6,
    backward: Callable | None = None,
) -> dict[str, float]:
    """Compare ``net.backward`` with finite differences for every parameter array.

    X: (m, n_0) a few samples; Y: (m, n_L) one-hot targets. Works on a float64 copy of
    ``net``, so the network itself is untouched. ``backward`` lets you check your own
    function ``backward(net, A, Y) -> (dW, db)`` instead of the built-in one.
    Returns ``{"W1": error, "b1": error, ...}`` (maths numbering, 1 = first layer).
    """
    net64 = net.copy(np.float64)
    X64, Y64 = np.asarray(X, np.float64), np.asarray(Y, np.float64)
    A = net64.forward(X64)
    dW, db = backward(net64, A, Y64) if backward else net64.backward(A, Y64)
    errors = {}
    for l in range(len(net64.W)):
        for name, param, analytic in (("W", net64.W[l], dW[l]), ("b", net64.b[l], db[l])):
            numeric = numerical_gradient(lambda: net64.loss(X64, Y64), param, eps)
            errors[f"{name}{l + 1}"] = relative_error(analytic, numeric)
    return errors
