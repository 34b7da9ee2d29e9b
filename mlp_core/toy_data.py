"""Small 2-D classification problems for the decision-boundary playground.

Each dataset is ``n`` points in the plane with an integer class label. The classes cannot be
separated by a straight line (except the blobs), so a network needs hidden units to solve
them, and the decision boundary it learns can be drawn as a picture:

=========  ======================================================================
name       what the classes look like
=========  ======================================================================
moons      two interleaving half circles
circles    a small ring inside a large ring
xor        the four quadrants: class 1 where x and y have opposite signs
spirals    two spiral arms wound around each other (the hardest)
blobs      round Gaussian clouds, one per class (``n_classes`` of them)
=========  ======================================================================

The clean shape of each dataset is drawn first; then Gaussian jitter with standard
deviation ``noise`` is added to every coordinate, and the points are scaled by a fixed
factor so that all datasets span roughly -2..2 (like standardised features). The labels
are balanced (the class sizes differ by at most one) and the rows are shuffled.

Split off a test set with :func:`mlp_core.data.train_val_split`, or use :func:`toy_split`.
"""

from __future__ import annotations

import numpy as np

from .data import train_val_split

TOY_DATASETS = ("moons", "circles", "xor", "spirals", "blobs")

# Every clean shape lives in about -1..1 before this factor; times 1.7 gives about -2..2.
_SCALE = 1.7


def _class_sizes(n: int, n_classes: int) -> list[int]:
    """Split ``n`` points into ``n_classes`` sizes that differ by at most one."""
    return [n // n_classes + (1 if k < n % n_classes else 0) for k in range(n_classes)]


def _moons(sizes: list[int], rng: np.random.Generator) -> list[np.ndarray]:
    """Two half circles of radius 1, the second one flipped and shifted into the first."""
    t0 = rng.uniform(0, np.pi, sizes[0])
    t1 = rng.uniform(0, np.pi, sizes[1])
    upper = np.column_stack([np.cos(t0) - 0.5, np.sin(t0) - 0.25])
    lower = np.column_stack([0.5 - np.cos(t1), 0.25 - np.sin(t1)])
    return [upper / 1.25, lower / 1.25]


def _circles(sizes: list[int], rng: np.random.Generator) -> list[np.ndarray]:
    """Class 0 on a ring of radius 1, class 1 on a ring of radius 0.45."""
    parts = []
    for size, radius in zip(sizes, (1.0, 0.45)):
        t = rng.uniform(0, 2 * np.pi, size)
        parts.append(radius * np.column_stack([np.cos(t), np.sin(t)]))
    return parts


def _xor(sizes: list[int], rng: np.random.Generator) -> list[np.ndarray]:
    """Uniform points in the square -1..1, kept a little away from the axes."""
    parts = []
    for k, size in enumerate(sizes):
        # class 0: same signs (quadrants 1 and 3); class 1: opposite signs (2 and 4)
        P = rng.uniform(0.05, 1.0, (size, 2))
        sign_x = rng.choice([-1.0, 1.0], size)
        sign_y = sign_x if k == 0 else -sign_x
        parts.append(P * np.column_stack([sign_x, sign_y]))
    return parts


def _spirals(sizes: list[int], rng: np.random.Generator) -> list[np.ndarray]:
    """Two arms ``r = t``, angle ``3.5 pi t``, the second arm turned by half a circle."""
    parts = []
    for k, size in enumerate(sizes):
        t = np.sqrt(rng.uniform(0.02, 1.0, size))  # sqrt: spread the points evenly along the arm
        angle = 3.5 * np.pi * t + k * np.pi
        parts.append(t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]))
    return parts


def _blobs(sizes: list[int], rng: np.random.Generator) -> list[np.ndarray]:
    """One round cloud (standard deviation 0.25) per class, centres evenly on a circle."""
    n_classes = len(sizes)
    parts = []
    for k, size in enumerate(sizes):
        angle = 2 * np.pi * k / n_classes + np.pi / 4
        centre = 0.7 * np.array([np.cos(angle), np.sin(angle)])
        parts.append(centre + 0.25 * rng.standard_normal((size, 2)))
    return parts


_SHAPES = {
    "moons": _moons,
    "circles": _circles,
    "xor": _xor,
    "spirals": _spirals,
    "blobs": _blobs,
}


def make_toy(
    name: str, n: int = 400, *, noise: float = 0.1, seed: int = 0, n_classes: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Generate a 2-D toy classification dataset.

    name: one of ``TOY_DATASETS`` ("moons", "circles", "xor", "spirals", "blobs").
    n: number of points (at least 2 per class). noise: standard deviation of the Gaussian
    jitter added to the clean shape (0 = none, 0.1 mild, 0.3 heavy). seed: seeds
    ``np.random.default_rng``, so the same arguments give the same points.
    n_classes: number of classes; only "blobs" can have more than 2.

    Returns ``X`` float32 of shape (n, 2), roughly within -2..2, and ``y`` int64 of shape
    (n,) with labels ``0 .. n_classes-1``, balanced, in shuffled order.
    """
    if name not in _SHAPES:
        raise ValueError(f"name={name!r} is not a toy dataset; use one of {TOY_DATASETS}")
    if not (isinstance(n_classes, (int, np.integer)) and n_classes >= 2):
        raise ValueError(f"n_classes={n_classes!r} must be a whole number >= 2")
    if n_classes != 2 and name != "blobs":
        raise ValueError(f"n_classes={n_classes} is only possible for 'blobs'; {name!r} has 2")
    if not (isinstance(n, (int, np.integer)) and n >= 2 * n_classes):
        raise ValueError(f"n={n!r} must be a whole number >= {2 * n_classes} (2 per class)")
    if not (isinstance(noise, (int, float, np.floating)) and 0 <= noise < np.inf):
        raise ValueError(f"noise={noise!r} must be a finite number >= 0, e.g. 0.1")

    rng = np.random.default_rng(seed)
    sizes = _class_sizes(int(n), int(n_classes))
    parts = _SHAPES[name](sizes, rng)
    X = np.concatenate(parts)
    y = np.concatenate([np.full(size, k, dtype=np.int64) for k, size in enumerate(sizes)])
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(len(X))
    return (_SCALE * X[order]).astype(np.float32), y[order]


def toy_split(
    name: str,
    n: int = 400,
    *,
    noise: float = 0.1,
    train_ratio: float = 0.5,
    seed: int = 0,
    n_classes: int = 2,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A toy dataset (see :func:`make_toy`) split into a training and a test part.

    train_ratio: share of the ``n`` points used for training, in (0, 1); the rest is the
    test set (at least one point each). Returns ``X_train`` (n_train, 2), ``y_train``
    (n_train,), ``X_test`` (n_test, 2), ``y_test`` (n_test,).
    """
    if not (isinstance(train_ratio, (int, float, np.floating)) and 0 < train_ratio < 1):
        raise ValueError(f"train_ratio={train_ratio!r} must be between 0 and 1, e.g. 0.5")
    X, y = make_toy(name, n, noise=noise, seed=seed, n_classes=n_classes)
    n_test = min(max(round((1 - train_ratio) * n), 1), n - 1)
    return train_val_split(X, y, n_test, seed)
