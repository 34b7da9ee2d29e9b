"""A fully connected network of any depth: forward pass, backward pass, prediction.

Notation (the notebooks use the same): samples are **rows**. For a batch of ``m`` samples,

* ``A[0] = X`` has shape (m, n_0), the input (n_0 = 784 pixels for MNIST);
* layer ``l`` (counting from 1) computes ``Z[l] = A[l-1] @ W[l] + b[l]`` and
  ``A[l] = g(Z[l])``, with ``W[l]`` of shape (n_{l-1}, n_l) and ``b[l]`` of shape (n_l,);
* the last layer ``L`` uses the output activation of the loss (sigmoid for MSE, softmax for
  cross-entropy) and ``A[L]`` (m, n_L) holds the predictions.

In Python the lists ``net.W`` and ``net.b`` start at index 0, so ``net.W[0]`` is the maths'
``W[1]``: the weights between the input and the first hidden layer.

Backpropagation walks the layers backwards with the chain rule:

* at the output, ``dZ[L] = dL/dZ[L]`` comes fused from the loss (``losses.py``);
* for every layer, ``dW[l] = A[l-1].T @ dZ[l]  (+ l2 * W[l])`` and ``db[l] = sum of dZ[l]
  over the batch``;
* going down one layer, ``dA[l-1] = dZ[l] @ W[l].T`` and ``dZ[l-1] = dA[l-1] * g'(A[l-1])``.

The forward pass returns every ``A``; that is all the backward pass needs, because every
derivative in ``activations.py`` is written in terms of ``A``.
"""

from __future__ import annotations

import numpy as np

from .activations import HIDDEN_ACTIVATIONS
from .checks import check_choice, check_l2
from .initializers import INIT_SCHEMES, init_layer
from .losses import LOSSES


class Network:
    """A multilayer perceptron with weights ``W`` and biases ``b`` for every layer.

    Parameters
    ----------
    sizes : layer widths from input to output, e.g. ``[784, 30, 10]`` (one hidden layer of
        30 units) or ``[784, 104, 64, 10]``.
    activation : hidden-layer activation: ``"sigmoid"``, ``"relu"`` or ``"tanh"``.
    loss : ``"mse"`` (sigmoid outputs) or ``"cross-entropy"`` (softmax outputs).
    init : weight initialisation scheme: ``"he"``, ``"xavier"``, ``"small"`` or ``"uniform"``
        (see ``initializers.py``).
    l2 : L2 penalty ``l2/2 * sum(W**2)`` added to the loss, i.e. ``l2 * W`` added to every
        weight gradient ("weight decay"); biases are not decayed. 0 turns it off.
    seed : seed for ``np.random.default_rng``; the same seed gives the same weights.
    dtype : float32 by default (fast, and precise enough); gradient checks use float64.
    """

    def __init__(
        self,
        sizes: list[int] | tuple[int, ...],
        activation: str = "relu",
        loss: str = "cross-entropy",
        init: str = "he",
        l2: float = 0.0,
        seed: int = 0,
        dtype=np.float32,
    ) -> None:
        sizes = list(sizes)
        if len(sizes) < 2 or not all(isinstance(n, (int, np.integer)) and n > 0 for n in sizes):
            raise ValueError(
                f"sizes={sizes!r} must list at least two positive integer layer widths, "
                "e.g. [784, 30, 10]"
            )
        check_choice(activation, HIDDEN_ACTIVATIONS, "activation")
        check_choice(loss, LOSSES, "loss")
        check_choice(init, INIT_SCHEMES, "init")
        l2 = check_l2(l2)
        self.sizes = [int(n) for n in sizes]
        self.activation = activation
        self.loss_name = loss
        self.init = init
        self.l2 = float(l2)
        self.seed = seed
        self.dtype = np.dtype(dtype)
        self.g, self.g_prime = HIDDEN_ACTIVATIONS[activation]
        self.output_activation, self.data_loss, self.output_delta = LOSSES[loss]

        rng = np.random.default_rng(seed)
        self.W: list[np.ndarray] = []
        self.b: list[np.ndarray] = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            W, b = init_layer(n_in, n_out, init, rng, self.dtype)
            self.W.append(W)
            self.b.append(b)

    # ------------------------------------------------------------------ forward
    def forward(self, X: np.ndarray) -> list[np.ndarray]:
        """Run the network on a batch and keep every layer's output.

        X: (m, n_0). Returns ``[A0, A1, ..., AL]`` where ``A0`` is X and ``A[l]`` has shape
        (m, n_l); ``AL`` holds the predictions (probabilities for cross-entropy).
        """
        self._check_X(X)
        A = [X]
        last = len(self.W) - 1
        for l, (W, b) in enumerate(zip(self.W, self.b)):
            Z = A[-1] @ W
            Z += b
            A.append(self.output_activation(Z) if l == last else self.g(Z))
        return A

    def predict_proba(self, X: np.ndarray, batch_size: int = 10_000) -> np.ndarray:
        """Outputs of the last layer for every sample. X: (m, n_0). Returns (m, n_L).

        Works through X in chunks of ``batch_size`` rows to keep memory small.
        """
        self._check_X(X)
        chunks = [self.forward(X[i : i + batch_size])[-1] for i in range(0, len(X), batch_size)]
        return np.concatenate(chunks) if chunks else np.empty((0, self.sizes[-1]), self.dtype)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted class for every sample: the index of the largest output. X: (m, n_0).

        Returns (m,) integer labels.
        """
        return self.predict_proba(X).argmax(axis=1)

    # ----------------------------------------------------------------- backward
    def backward(
        self, A: list[np.ndarray], Y: np.ndarray
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Gradients of the loss for every parameter, by backpropagation.

        A: the list ``forward`` returned for a batch of m samples; Y: (m, n_L) one-hot
        targets. Returns ``(dW, db)``: lists shaped like ``self.W`` and ``self.b``, where
        ``dW[l] = dL/dW[l]`` includes the L2 term.
        """
        L = len(self.W)
        dW: list[np.ndarray] = [None] * L  # type: ignore[list-item]
        db: list[np.ndarray] = [None] * L  # type: ignore[list-item]
        dZ = self.output_delta(A[-1], Y)
        for l in range(L - 1, -1, -1):
            dW[l] = A[l].T @ dZ
            if self.l2:
                dW[l] += self.l2 * self.W[l]
            db[l] = dZ.sum(axis=0)
            if l > 0:  # no gradient needed for the input X itself
                dA = dZ @ self.W[l].T
                dZ = dA * self.g_prime(A[l])
        return dW, db

    # --------------------------------------------------------------------- loss
    def loss(self, X: np.ndarray, Y: np.ndarray) -> float:
        """The full objective: data loss plus ``l2/2 * sum(W**2)``.

        X: (m, n_0), Y: (m, n_L) one-hot. This is the function ``backward`` differentiates.
        """
        data = self.data_loss(self.forward(X)[-1], Y)
        return data + self.penalty()

    def penalty(self) -> float:
        """The L2 term ``l2/2 * sum over layers of sum(W**2)`` (0.0 when l2 is 0)."""
        if not self.l2:
            return 0.0
        return 0.5 * self.l2 * float(sum(np.vdot(W, W) for W in self.W))

    # -------------------------------------------------------------------- utils
    @property
    def params(self) -> list[np.ndarray]:
        """All parameter arrays, ``W`` then ``b``: ``[W1, ..., WL, b1, ..., bL]``.

        Optimizers update these arrays in place; the gradients ``dW + db`` from
        ``backward`` come in the same order.
        """
        return self.W + self.b

    def n_params(self) -> int:
        """Number of trainable numbers (weights and biases)."""
        return sum(p.size for p in self.params)

    def copy(self, dtype=None) -> Network:
        """An independent copy, optionally in another dtype (e.g. float64 for a gradient check).

        The copy is of the same class, so a subclass keeps its own ``forward``/``backward``.
        """
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.dtype = np.dtype(dtype or self.dtype)
        new.W = [W.astype(new.dtype, copy=True) for W in self.W]
        new.b = [b.astype(new.dtype, copy=True) for b in self.b]
        return new

    def config(self) -> dict:
        """The settings that rebuild this network's shape (not its weights)."""
        return {
            "sizes": self.sizes,
            "activation": self.activation,
            "loss": self.loss_name,
            "init": self.init,
            "l2": self.l2,
            "seed": self.seed,
            "dtype": self.dtype.name,
        }

    def __repr__(self) -> str:
        shape = "-".join(str(n) for n in self.sizes)
        return (
            f"Network({shape}, activation={self.activation!r}, loss={self.loss_name!r}, "
            f"init={self.init!r}, l2={self.l2}, params={self.n_params():,})"
        )

    def _check_X(self, X: np.ndarray) -> None:
        if not isinstance(X, np.ndarray) or X.ndim != 2 or X.shape[1] != self.sizes[0]:
            shape = getattr(X, "shape", type(X).__name__)
            raise ValueError(
                f"X has shape {shape}, but this network expects a 2-D array (m, {self.sizes[0]}): "
                f"one row of {self.sizes[0]} numbers per sample. Flatten images first, "
                "e.g. X.reshape(len(X), -1)."
            )
