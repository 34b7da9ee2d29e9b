"""Cutting the training data into batches, the way ``fit`` walks through an epoch.

Every epoch visits the samples in a new random order (from the seeded generator ``fit``
makes) and cuts that order into batches of ``batch_size``; the last batch of an epoch may
be smaller. Full batch (``batch_size`` equal to the number of samples) uses the data as it
is, in its own order, and draws no random numbers.

:class:`Gather` copies a batch's rows into buffers made once per ``fit``, rather than making
new arrays every step (``X[idx]`` would): same numbers, less time spent allocating memory.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def batch_indices(rng: np.random.Generator, m: int, batch_size: int) -> Iterator[np.ndarray | None]:
    """The samples of each batch of one epoch: index arrays of length ``batch_size``.

    m: number of samples. Yields ``None`` once for full batch (``batch_size >= m``).
    """
    if batch_size >= m:
        yield None
        return
    order = rng.permutation(m)
    for i in range(0, m, batch_size):
        yield order[i : i + batch_size]


class Gather:
    """``gather(idx) -> (Xb, Yb, yb)``: the rows ``idx`` of X (m, n_0), Y (m, n_L) and y (m,).

    ``idx=None`` returns the whole arrays. The returned ``Xb`` and ``Yb`` are views of buffers
    that the next call overwrites.
    """

    def __init__(self, X: np.ndarray, Y: np.ndarray, y: np.ndarray, batch_size: int) -> None:
        self.X, self.Y, self.y = X, Y, y
        n = min(batch_size, len(X))
        self.X_buf = np.empty((n, X.shape[1]), X.dtype)
        self.Y_buf = np.empty((n, Y.shape[1]), Y.dtype)

    def __call__(self, idx: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if idx is None:
            return self.X, self.Y, self.y
        n = len(idx)
        Xb = np.take(self.X, idx, axis=0, out=self.X_buf[:n])
        Yb = np.take(self.Y, idx, axis=0, out=self.Y_buf[:n])
        return Xb, Yb, self.y[idx]
