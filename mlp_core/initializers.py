"""How the first weights are drawn, and why it matters.

A layer with ``n_in`` inputs sums ``n_in`` products, so the spread of its pre-activations
``Z`` grows with the spread of ``W`` times ``sqrt(n_in)``. Good schemes pick the spread of
``W`` so that ``Z`` neither explodes nor vanishes from layer to layer:

=========  ==================================  ===============================================
scheme     W drawn from                         derived for
=========  ==================================  ===============================================
he         N(0, 2 / n_in)                       ReLU (half the units are off, so twice the variance)
xavier     N(0, 2 / (n_in + n_out))             symmetric activations in their near-linear
                                                range, like tanh (Glorot & Bengio, 2010);
                                                often used for sigmoid too
small      N(0, 1) * 0.01                       a common tutorial default; too small for deep nets
uniform    U[0, 1)  (weights *and* biases)      the broken scheme an original notebook used:
                                                all-positive weights push every sigmoid to 1
=========  ==================================  ===============================================

Biases start at zero, except with ``uniform``, where they are drawn like the weights (as the
original notebook did), to reproduce its failure faithfully.
"""

from __future__ import annotations

import numpy as np

INIT_SCHEMES = ("he", "xavier", "small", "uniform")


def init_layer(
    n_in: int, n_out: int, scheme: str, rng: np.random.Generator, dtype=np.float32
) -> tuple[np.ndarray, np.ndarray]:
    """Draw the weights and biases of one layer.

    Returns ``W`` with shape (n_in, n_out) and ``b`` with shape (n_out,), both ``dtype``.
    ``rng`` is a ``np.random.default_rng(seed)`` generator, so the same seed gives the
    same numbers.
    """
    if scheme == "he":
        W = rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)
    elif scheme == "xavier":
        W = rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / (n_in + n_out))
    elif scheme == "small":
        W = rng.standard_normal((n_in, n_out)) * 0.01
    elif scheme == "uniform":
        W = rng.random((n_in, n_out))
        return W.astype(dtype), rng.random(n_out).astype(dtype)
    else:
        raise ValueError(f"init={scheme!r} is not a known scheme; use one of {INIT_SCHEMES}")
    return W.astype(dtype), np.zeros(n_out, dtype=dtype)
