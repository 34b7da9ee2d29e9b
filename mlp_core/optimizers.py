"""Optimizers: how a gradient turns into a parameter update.

Each optimizer updates a list of parameter arrays **in place** from a list of gradients in
the same order (``net.params`` and ``dW + db`` from ``Network.backward``). The same classes
move a 2-D point around a contour plot in the optimizer playground.

With learning rate ``lr`` (eta) and momentum ``beta``, for every parameter ``p`` with
gradient ``g``:

* **SGD**:        ``p <- p - lr * g``
* **Momentum** (heavy ball, Polyak 1964): a velocity ``v`` (starting at 0) remembers past
  steps: ``v <- beta * v - lr * g``;  ``p <- p + v``
* **Nesterov** (1983): take the gradient where momentum is about to carry you, the
  *look-ahead* point ``p + beta * v``:
  ``v <- beta * v - lr * grad(p + beta * v)``;  ``p <- p + v``.

The look-ahead form needs the gradient at a point other than the current parameters, which
a training loop does not have. Frameworks therefore track the look-ahead point itself,
``q = p + beta * v``, as "the parameters". Substituting gives an update that only needs the
gradient at ``q``:  ``v <- beta * v - lr * grad(q)``;  ``q <- q + beta * v - lr * grad(q)``.
:class:`Nesterov` implements that form (one gradient per step); :class:`NesterovLookAhead`
implements the look-ahead form literally, and the tests show the two produce the same
trajectory.

**Which velocity?** Here the velocity ``v`` is a step, already scaled by the learning rate
(``v <- beta * v - lr * g``), as in Sutskever et al. (2013) and Keras. PyTorch's SGD keeps a
buffer of raw gradients instead (``b <- beta * b + g``, ``p <- p - lr * b``) and multiplies
by the learning rate of the current step. At a constant learning rate the two are the same
algorithm (``v = -lr * b``). Under a schedule they differ: when ``lr`` drops, this form's
velocity still carries steps taken at the old, larger rate and slows down over a few steps,
while PyTorch's whole buffer is rescaled at once, so the weights after a cosine or step
schedule differ between the two (notebook 09 measures by how much). Neither is wrong; they
are different optimizers once ``lr`` moves.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .checks import check_beta, check_choice, check_lr


class SGD:
    """Plain (stochastic) gradient descent: ``p <- p - lr * g``."""

    name = "sgd"

    def __init__(self, lr: float = 0.1) -> None:
        self.lr = check_lr(lr)

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update every array in ``params`` in place from ``grads`` (same shapes, same order)."""
        for p, g in zip(params, grads):
            p -= self.lr * g

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr})"


class Momentum(SGD):
    """Heavy-ball momentum: ``v <- beta * v - lr * g``, ``p <- p + v``."""

    name = "momentum"

    def __init__(self, lr: float = 0.1, beta: float = 0.9) -> None:
        super().__init__(lr)
        self.beta = check_beta(beta)
        self.v: list[np.ndarray] = []  # one velocity per parameter, created on the first step

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update ``params`` in place; ``grads`` are taken at the current ``params``."""
        if not self.v:
            self.v = [np.zeros_like(p) for p in params]
        for p, g, v in zip(params, grads, self.v):
            v *= self.beta
            v -= self.lr * g
            p += v

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr}, beta={self.beta})"


class Nesterov(Momentum):
    """Nesterov momentum with one gradient per step, at the look-ahead point (see above).

    ``v <- beta * v - lr * g``;  ``p <- p + beta * v - lr * g``, with ``g`` taken at the
    current ``p``. Here ``p`` plays the role of the look-ahead point of
    :class:`NesterovLookAhead`; both give the same trajectory of look-ahead points.
    """

    name = "nesterov"

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update ``params`` in place; ``grads`` are taken at the current ``params``."""
        if not self.v:
            self.v = [np.zeros_like(p) for p in params]
        for p, g, v in zip(params, grads, self.v):
            lr_g = self.lr * g  # used twice: compute it once
            v *= self.beta
            v -= lr_g
            step = self.beta * v
            step -= lr_g
            p += step  # p <- p + beta * v - lr * g


class NesterovLookAhead(Momentum):
    """Nesterov momentum exactly as derived: evaluate the gradient at the look-ahead point.

    ``step(params, grad_at)`` calls ``grad_at(lookahead)`` with the list of look-ahead
    arrays ``p + beta * v`` and expects the gradients there. Meant for learning and for the
    2-D playground; training uses :class:`Nesterov`, which needs no extra gradient call.
    """

    name = "nesterov-lookahead"

    def step(  # type: ignore[override]
        self,
        params: list[np.ndarray],
        grad_at: Callable[[list[np.ndarray]], list[np.ndarray]],
    ) -> None:
        """Update ``params`` in place using the gradient at ``params + beta * v``."""
        if not self.v:
            self.v = [np.zeros_like(p) for p in params]
        lookahead = [p + self.beta * v for p, v in zip(params, self.v)]
        grads = grad_at(lookahead)
        for p, g, v in zip(params, grads, self.v):
            v *= self.beta
            v -= self.lr * g
            p += v


# The registry of optimizers by name: the command line's and the widgets' choices come from it.
OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "nesterov": Nesterov}


def make_optimizer(name: str, lr: float, beta: float = 0.9) -> SGD:
    """Build an optimizer by name: ``"sgd"``, ``"momentum"`` or ``"nesterov"``."""
    check_choice(name, OPTIMIZERS, "optimizer")
    if name == "sgd":
        return SGD(lr)
    return OPTIMIZERS[name](lr, beta)


# ------------------------------------------------------------------ schedules
# A schedule maps the epoch number (0, 1, ...) to the learning rate for that epoch.


def constant(lr: float) -> Callable[[int], float]:
    """The same learning rate every epoch."""
    return lambda epoch: lr


def cosine(lr: float, epochs: int, lr_min: float = 0.0) -> Callable[[int], float]:
    """Cosine decay from ``lr`` at epoch 0 towards ``lr_min`` at the end of the last epoch."""
    return lambda epoch: lr_min + 0.5 * (lr - lr_min) * (1 + math.cos(math.pi * epoch / epochs))


def step_decay(lr: float, drop: float = 0.1, every: int = 10) -> Callable[[int], float]:
    """Multiply the learning rate by ``drop`` every ``every`` epochs."""
    return lambda epoch: lr * drop ** (epoch // every)


# The registry of schedules by name, each made from the base rate and the number of epochs
# (the command line's and the widgets' choices). "step" divides the rate by 10 halfway.
SCHEDULES: dict[str, Callable[[float, int], Callable[[int], float]]] = {
    "constant": lambda lr, epochs: constant(lr),
    "cosine": lambda lr, epochs: cosine(lr, epochs),
    "step": lambda lr, epochs: step_decay(lr, drop=0.1, every=max(1, epochs // 2)),
}
