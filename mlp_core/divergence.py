"""When has training diverged? One rule, used by ``fit``, the command line and every widget.

A learning rate that is too large makes the loss grow instead of shrink, until it is
infinite or NaN. Waiting for NaN wastes time (and with cross-entropy, whose probabilities
are clipped, the loss may stay finite while the network outputs garbage), so the rule is:

    training has diverged when the loss is NaN or infinite, or when the loss, averaged over
    roughly the last 100 samples, is more than 3 times the larger of the first loss and the
    loss of a uniform guess (every class 1/k).

The average keeps one confidently wrong sample of per-sample training from counting as
divergence; the uniform guess sets the scale (ln 10 = 2.30 for cross-entropy over ten
classes, 0.45 for the MSE of ten sigmoid outputs); the first loss covers networks that start
worse than a uniform guess (e.g. a bad initialisation).
"""

from __future__ import annotations

import math

import numpy as np

FACTOR = 3.0  # how many times the reference loss counts as diverged
SAMPLES = 100  # the loss is averaged over about this many recent samples


def uniform_guess_loss(data_loss, n_classes: int) -> float:
    """The loss of predicting ``1/n_classes`` for every class, for any ``data_loss(A, Y)``."""
    A = np.full((1, n_classes), 1.0 / n_classes)
    Y = np.zeros((1, n_classes))
    Y[0, 0] = 1.0
    return float(data_loss(A, Y))


class DivergenceRule:
    """Apply the rule step by step: ``rule.update(loss, batch_size)`` returns True on divergence.

    ``guess_loss`` is the uniform-guess loss (see :func:`uniform_guess_loss`), or 0 when there
    is no such thing (a 2-D loss surface: then the first loss alone sets the scale).
    """

    def __init__(self, guess_loss: float = 0.0) -> None:
        self.guess_loss = guess_loss
        self.average: float | None = None  # loss averaged over about the last SAMPLES samples
        self.limit = math.inf

    def update(self, loss: float, batch_size: int = SAMPLES) -> bool:
        """Record one step's loss (a mean over ``batch_size`` samples); True if diverged."""
        if not math.isfinite(loss):
            return True
        if self.average is None:
            self.average = loss
            self.limit = FACTOR * max(loss, self.guess_loss)
        else:
            weight = min(1.0, batch_size / SAMPLES)
            self.average += weight * (loss - self.average)
        return self.average > self.limit

    def explain(self, loss: float) -> str:
        """Why the rule fired, in a sentence."""
        if not math.isfinite(loss):
            return f"the loss became {loss}"
        return (
            f"the loss rose to {self.average:.3g}, more than {FACTOR:g} times "
            f"{self.limit / FACTOR:.3g} (the larger of the first loss and a uniform guess's)"
        )
