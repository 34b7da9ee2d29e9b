"""FAST PATH for per-sample training (``fit(..., batch_size=1)``).

One MNIST epoch of per-sample SGD is 60,000 tiny steps. Each step's arithmetic is small
(a 784x30 network does about 50,000 multiply-adds), so the time goes to Python and to the
fixed cost of every numpy call (about a microsecond each), not to arithmetic. This module
computes exactly what ``training.train_step`` computes for a batch of one sample
(``tests/test_fast_paths.py`` checks that both give the same weights and losses), with fewer
and cheaper numpy calls:

* The sample stays a 1-D vector ``a[0]`` and every layer's ``z`` and ``a`` are 1-D too; no
  batch buffer, no ``(1, n)`` arrays.
* ``dW = outer(a, dZ)`` is computed by ``np.dot(column, row, out=buffer)``, which calls BLAS
  and writes into a buffer made once. The general path's ``A.T @ dZ`` has an inner dimension
  of 1 here, for which ``np.matmul`` takes a slow non-BLAS route (~10x slower), and
  ``np.outer`` (a broadcast multiply) is ~3x slower.
* For the two standard output/loss pairings the output layer is done in one go: ``A - Y`` is
  computed once and gives both the loss and ``dZ`` (the general path computes it twice).
* Plain SGD (without L2), the classic per-sample recipe, is applied right there, with ``lr``
  folded into the small vector ``dZ``, and only to the rows of ``W[0]`` that meet the
  sample's non-zero inputs (see ``nonzero_spans``).

It runs the network's own ``g`` and ``g'`` and every other optimizer's own ``step()``, so it
covers every activation, loss, L2 setting and optimizer. Only a Network subclass that
rewrites ``forward`` or ``backward`` (e.g. to show a bug) makes ``fit`` use the general path.
"""

from __future__ import annotations

import math

import numpy as np

from .activations import sigmoid, softmax
from .losses import _EPS, LOSSES
from .network import Network
from .optimizers import SGD


def has_standard_maths(net: Network) -> bool:
    """True when ``net`` uses Network's own forward and backward (so the fast path agrees)."""
    cls = type(net)
    overridden = {"forward", "backward"} & set(vars(net))  # replaced on this one object
    return cls.forward is Network.forward and cls.backward is Network.backward and not overridden


def nonzero_spans(X: np.ndarray) -> list[tuple[int, int]]:
    """For every row of X (m, n_0): ``(lo, hi)``, the columns from its first to its last non-zero.

    Columns outside ``lo:hi`` are 0 in that row (a row of zeros gets the whole span 0:n_0).
    An input that is 0 adds nothing to Z and gives its row of W[0] a zero gradient, and
    MNIST's border pixels are 0 in every image, so plain SGD works on rows lo:hi of W[0]
    alone (about 2/3 of the rows for MNIST).
    """
    n, spans = X.shape[1], []
    for start in range(0, len(X), 10_000):  # in chunks: a mask of all of X would be large
        nonzero = X[start : start + 10_000] != 0
        lo = nonzero.argmax(axis=1)  # first True (0 if none)
        hi = n - nonzero[:, ::-1].argmax(axis=1)  # one past the last True (n if none)
        spans += zip(lo.tolist(), hi.tolist())
    return spans


def _sigmoid_mse_output(
    z: np.ndarray, y_row: np.ndarray, label: int
) -> tuple[np.ndarray, float, np.ndarray]:
    """Sigmoid output + MSE for one sample: ``(a_L, loss, dZ)``, all from one ``a_L - y``."""
    a_L = sigmoid(z)
    D = a_L - y_row
    loss = 0.5 * float(np.dot(D, D))  # losses.mse for m = 1
    D *= a_L  # dZ = (a_L - y) * a_L * (1 - a_L), computed in D's memory
    D *= 1.0 - a_L
    return a_L, loss, D


def _softmax_cross_entropy_output(
    z: np.ndarray, y_row: np.ndarray, label: int
) -> tuple[np.ndarray, float, np.ndarray]:
    """Softmax output + cross-entropy for one sample: ``(a_L, loss, dZ)``; dZ = a_L - y."""
    a_L = softmax(z)
    p = float(a_L[label])  # the probability of the right class (losses.cross_entropy's p)
    return a_L, -math.log(max(p, _EPS)), a_L - y_row


_FUSED_OUTPUTS = {"mse": _sigmoid_mse_output, "cross-entropy": _softmax_cross_entropy_output}


class OneSampleStep:
    """``step(x, y_row, label, span)``: one training step of ``optimizer`` on one sample.

    x: (n_0,) the sample, y_row: (n_L,) its one-hot target, label: its class, span: the
    columns ``(lo, hi)`` outside which x is 0 (from :func:`nonzero_spans`). Returns
    ``(loss, 1 if the sample was classified correctly before the update else 0)``; the
    weights are left alone if the loss is not finite. Made once per ``fit`` call.
    """

    def __init__(self, net: Network, optimizer: SGD) -> None:
        self.net, self.optimizer = net, optimizer
        self.plain_sgd = type(optimizer) is SGD and not net.l2
        # buffers for outer(a[l], dZ); only plain SGD applies the update itself
        self.outer = [np.empty_like(W) for W in net.W] if self.plain_sgd else []
        standard = (net.output_activation, net.data_loss, net.output_delta) == LOSSES[net.loss_name]
        self.fused_output = _FUSED_OUTPUTS[net.loss_name] if standard else None

    def _output(
        self, z: np.ndarray, y_row: np.ndarray, label: int
    ) -> tuple[np.ndarray, float, np.ndarray]:
        """``(a_L, loss, dZ)`` at the output layer: fused for the two standard pairings, else
        through the network's own output activation, loss and output delta."""
        if self.fused_output is not None:
            return self.fused_output(z, y_row, label)
        net, Y = self.net, y_row[np.newaxis]  # the loss functions expect a batch
        A_L = net.output_activation(z[np.newaxis])
        return A_L[0], net.data_loss(A_L, Y), net.output_delta(A_L, Y)[0]

    def __call__(
        self, x: np.ndarray, y_row: np.ndarray, label: int, span: tuple[int, int]
    ) -> tuple[float, int]:
        net, L = self.net, len(self.net.W)
        # Plain SGD changes only the rows of W[0] with a non-zero gradient: rows lo:hi.
        # Momentum and L2 move every row, so the other optimizers take them all.
        lo, hi = span if self.plain_sgd else (0, len(x))
        W = [net.W[0][lo:hi], *net.W[1:]]  # views: updating them updates net.W
        b = net.b
        a = [x[lo:hi]]  # a[l]: the sample's activations at layer l, shape (n_l,)
        for l in range(L - 1):
            z = np.dot(a[l], W[l])
            z += b[l]
            a.append(net.g(z))
        z = np.dot(a[-1], W[-1])
        z += b[-1]
        a_L, loss, dZ = self._output(z, y_row, label)
        if not math.isfinite(loss):
            return loss, 0
        correct = int(a_L.argmax() == label)

        if self.plain_sgd:
            # Backprop is linear in dZ, so multiplying the output's dZ by lr multiplies every
            # layer's dZ by lr; then W <- W - outer(a, dZ) and b <- b - dZ are exactly
            # W <- W - lr * dW and b <- b - lr * db.
            dZ *= self.optimizer.lr
            for l in range(L - 1, -1, -1):
                if (
                    l > 0
                ):  # the layer below's dZ (dZ @ W.T * g'(A) for one sample), before W[l] changes
                    dZ_below = np.dot(W[l], dZ)
                    dZ_below *= net.g_prime(a[l])
                outer = self.outer[l][: len(a[l])]
                np.dot(a[l][:, np.newaxis], dZ[np.newaxis, :], out=outer)
                W[l] -= outer
                b[l] -= dZ
                if l > 0:
                    dZ = dZ_below
            return loss, correct

        dW: list[np.ndarray] = [None] * L  # type: ignore[list-item]
        db: list[np.ndarray] = [None] * L  # type: ignore[list-item]
        for l in range(L - 1, -1, -1):
            dW[l] = np.dot(
                a[l][:, np.newaxis], dZ[np.newaxis, :]
            )  # outer product, shaped like W[l]
            if net.l2:
                dW[l] += net.l2 * W[l]
            db[l] = dZ
            if l > 0:
                dZ = np.dot(W[l], dZ) * net.g_prime(a[l])  # dZ @ W.T * g'(A) for one sample
        self.optimizer.step(net.params, dW + db)
        return loss, correct
