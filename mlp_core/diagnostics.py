"""Diagnostics: look inside a network to see *why* it trains badly.

Three questions find most problems:

1. **Are the hidden units alive?** A ReLU unit whose ``Z`` is negative on every input
   outputs 0 and gets gradient 0: it is *dead* and never learns again. A sigmoid or tanh unit
   pushed far from 0 sits on the flat part of its curve (*saturated*), where ``g'(Z)`` is
   almost 0 and the gradient passing through it vanishes.
   :func:`layer_statistics` and :func:`plot_activation_histograms` show this per layer.
2. **How big are the gradients?** :func:`gradient_statistics` gives ``||dW||`` and
   ``||W||`` per layer; gradients that shrink layer by layer towards the input are the
   vanishing-gradient problem.
3. **How fast do the weights move?** The ratio ``||Delta W|| / ||W||`` of one update to the
   weights themselves should be around ``1e-3`` (a rule of thumb from Karpathy's lectures):
   much smaller and the layer hardly learns, much larger and the learning rate is too big.
   :class:`DiagnosticsRecorder` records it (with the gradient norms and the dead/saturated
   shares) while ``fit`` runs, and :func:`plot_training_diagnostics` draws the series.

"Saturated" is measured on the activations ``A``: a sigmoid output below 0.05 or above
0.95 (``g'`` is then below 0.05, a fifth of its peak), a tanh output with ``|A| > 0.95``,
or a ReLU output of exactly 0 (the unit is off for that sample). A unit that is saturated
on *every* sample is counted as *dead*.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .checks import check_X
from .data import one_hot
from .network import Network
from .plots import COLORS, COURSE_STYLE
from .training import Callback, History

SIGMOID_FLAT = 0.05  # sigmoid outputs below this or above 1 - this count as saturated
TANH_FLAT = 0.95  # tanh outputs with |A| above this count as saturated
UPDATE_RATIO_GUIDE = 1e-3  # a healthy ||Delta W|| / ||W|| per step is about this


def saturated_mask(A: np.ndarray, activation: str) -> np.ndarray:
    """True where a hidden activation sits on the flat part of its curve.

    A: (m, n) outputs of one hidden layer; activation: "sigmoid", "tanh" or "relu".
    Returns a boolean array of the same shape (for ReLU: the unit is off, ``A == 0``).
    """
    if activation == "sigmoid":
        return (A < SIGMOID_FLAT) | (A > 1 - SIGMOID_FLAT)
    if activation == "tanh":
        return np.abs(A) > TANH_FLAT
    if activation == "relu":
        return A <= 0
    raise ValueError(f"activation={activation!r} is not known; use 'sigmoid', 'tanh' or 'relu'")


def _check_inputs(net: Network, X: np.ndarray) -> np.ndarray:
    return check_X(X, net.sizes[0]).astype(net.dtype, copy=False)


def layer_statistics(net: Network, X: np.ndarray) -> list[dict]:
    """Statistics of every hidden layer of ``net`` on the inputs ``X`` (m, n_0).

    Returns one dict per hidden layer (the output layer is left out), with keys:

    * ``layer``: 1 for the first hidden layer, ...; ``units``: its width n_l;
    * ``Z_mean``, ``Z_std``, ``A_mean``, ``A_std``: over all samples and units;
    * ``saturated``: share of the m * n_l activations on the flat part of the activation
      (for ReLU: share of outputs that are 0), in [0, 1];
    * ``dead``: share of units saturated on every one of the m samples (dead ReLUs), in [0, 1].
    """
    X = _check_inputs(net, X)
    A = net.forward(X)
    stats = []
    for l in range(len(net.W) - 1):  # hidden layers only
        Z = A[l] @ net.W[l] + net.b[l]
        flat = saturated_mask(A[l + 1], net.activation)
        stats.append(
            {
                "layer": l + 1,
                "units": net.sizes[l + 1],
                "Z_mean": float(Z.mean()),
                "Z_std": float(Z.std(dtype=np.float64)),  # float64: huge Z must not overflow
                "A_mean": float(A[l + 1].mean()),
                "A_std": float(A[l + 1].std(dtype=np.float64)),
                "saturated": float(flat.mean()),
                "dead": float(flat.all(axis=0).mean()),
            }
        )
    return stats


def gradient_statistics(net: Network, X: np.ndarray, y: np.ndarray) -> list[dict]:
    """Gradient and weight norms of every layer on one batch.

    X: (m, n_0) inputs; y: (m,) integer labels (or (m, n_L) one-hot rows).
    Returns one dict per layer (hidden layers and the output layer) with keys ``layer``
    (1, 2, ...), ``W_norm`` = ||W||, ``dW_norm`` = ||dW|| (Frobenius norms; dW includes the
    L2 term), ``ratio`` = ||dW|| / ||W||, and ``db_norm`` = ||db||.
    """
    X = _check_inputs(net, X)
    y = np.asarray(y)
    Y = one_hot(y, net.sizes[-1]) if y.ndim == 1 else y
    if Y.shape != (len(X), net.sizes[-1]):
        raise ValueError(
            f"y has shape {y.shape}; expected ({len(X)},) labels or ({len(X)}, {net.sizes[-1]}) "
            "one-hot rows"
        )
    dW, db = net.backward(net.forward(X), Y.astype(net.dtype, copy=False))
    stats = []
    for l, W in enumerate(net.W):
        W_norm = float(np.linalg.norm(W))
        dW_norm = float(np.linalg.norm(dW[l]))
        stats.append(
            {
                "layer": l + 1,
                "W_norm": W_norm,
                "dW_norm": dW_norm,
                "ratio": dW_norm / W_norm if W_norm > 0 else float("inf"),
                "db_norm": float(np.linalg.norm(db[l])),
            }
        )
    return stats


def plot_activation_histograms(
    net: Network, X: np.ndarray, *, title: str | None = None, bins: int = 50
) -> Figure:
    """One histogram per hidden layer of the activations ``A`` on the inputs ``X`` (m, n_0).

    Each panel says which share of the activations is saturated and which share of units is
    dead. For ReLU the zeros (units that are off) are left out of the histogram, otherwise
    their spike would flatten everything else; their share is written on the panel.
    Returns the matplotlib Figure.
    """
    X = _check_inputs(net, X)
    n_hidden = len(net.W) - 1
    if n_hidden == 0:
        raise ValueError("this network has no hidden layer, so there are no activations to plot")
    A = net.forward(X)
    stats = layer_statistics(net, X)
    limits = {"sigmoid": (0, 1), "tanh": (-1, 1)}
    with plt.rc_context(COURSE_STYLE):
        # At most 3 panels per row (2 for 2 or 4 layers), so a notebook cell shows them at
        # a readable size; shared axes, so that the layers can be compared by eye.
        ncols = 2 if n_hidden in (2, 4) else min(n_hidden, 3)
        nrows = math.ceil(n_hidden / ncols)
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(6 * ncols, 4.5 * nrows),
            layout="constrained",
            squeeze=False,
            sharex=True,
            sharey=True,
        )
        for ax in axes.ravel()[n_hidden:]:
            ax.remove()
        shown = [A_l.ravel() for A_l in A[1:-1]]
        if net.activation == "relu":
            shown = [values[values > 0] for values in shown]
        # the same bins in every panel, so that the heights can be compared too
        every = np.concatenate(shown)
        every = every[np.isfinite(every)]
        span = limits.get(net.activation) or ((every.min(), every.max()) if every.size else None)
        for ax, s, values in zip(axes.ravel(), stats, shown):
            if net.activation == "relu":
                text = f"off (A = 0): {s['saturated']:.0%}\ndead units: {s['dead']:.0%}"
            else:
                text = f"saturated: {s['saturated']:.0%}\ndead units: {s['dead']:.0%}"
            ax.hist(values, bins=bins, range=span, color=COLORS[0])
            ax.set_title(f"layer {s['layer']}: {s['units']} {net.activation} units")
            ax.set_xlabel("activation A")
            ax.xaxis.set_tick_params(labelbottom=True)  # shared axes hide inner tick labels
            box = {"facecolor": "white", "alpha": 0.85, "edgecolor": "none"}
            ax.text(0.97, 0.95, text, transform=ax.transAxes, ha="right", va="top", bbox=box)
        for row in axes:
            row[0].set_ylabel("count")
        fig.suptitle(title or f"Hidden activations on {len(X)} samples")
    return fig


class DiagnosticsRecorder(Callback):
    """Record per-layer diagnostics while ``fit`` trains ``net``; pass it in ``callbacks``.

    Every ``every`` steps (and once before the first step) it measures on a fixed probe
    batch ``X_probe`` (m, n_0) with labels ``y_probe`` (m,):

    * ``grad_norm``: ||dW|| of every layer, recomputed on the probe batch, so the numbers
      are comparable from step to step (the training batches change every step);
    * ``update_ratio``: ||Delta W|| / ||W|| of every layer for the step just taken (from a
      copy of the weights saved one step earlier; NaN at step 0);
    * ``saturated`` and ``dead``: the shares of :func:`layer_statistics`, per hidden layer.

    The series are lists with one entry per recording: ``steps`` (the step numbers) and
    one array per recording in each of the lists above; ``np.array(rec.grad_norm)`` is
    (n_recordings, n_layers). A probe of a few hundred samples and ``every`` of 10 or more
    keep the cost small next to the training itself.
    """

    def __init__(
        self, net: Network, X_probe: np.ndarray, y_probe: np.ndarray, every: int = 10
    ) -> None:
        if not (isinstance(every, (int, np.integer)) and every >= 1):
            raise ValueError(f"every={every!r} must be a whole number >= 1 (steps between records)")
        self.net = net
        self.X_probe = _check_inputs(net, X_probe)
        y_probe = np.asarray(y_probe)
        if y_probe.shape != (len(self.X_probe),):
            raise ValueError(
                f"y_probe has shape {y_probe.shape}; expected ({len(self.X_probe)},) labels"
            )
        self.Y_probe = one_hot(y_probe, net.sizes[-1]).astype(net.dtype)
        self.every = int(every)
        self.steps: list[int] = []
        self.grad_norm: list[np.ndarray] = []
        self.update_ratio: list[np.ndarray] = []
        self.saturated: list[np.ndarray] = []
        self.dead: list[np.ndarray] = []
        self._W_before: list[np.ndarray] | None = None

    def on_train_begin(self, history: History) -> None:
        """Record the state before training (step 0)."""
        self._record(history.steps_done)
        self._snapshot_if_due(history.steps_done)

    def on_step_end(self, history: History) -> None:
        """Record every ``every`` steps; save the weights the step before a recording."""
        step = history.steps_done
        if step % self.every == 0:
            self._record(step)
        self._snapshot_if_due(step)

    def _snapshot_if_due(self, step: int) -> None:
        if (step + 1) % self.every == 0:  # the next step will be recorded
            self._W_before = [W.copy() for W in self.net.W]

    def _record(self, step: int) -> None:
        net = self.net
        A = net.forward(self.X_probe)
        dW, _ = net.backward(A, self.Y_probe)
        ratio = np.full(len(net.W), np.nan)
        if self._W_before is not None:
            for l, (W, W_old) in enumerate(zip(net.W, self._W_before)):
                ratio[l] = np.linalg.norm(W - W_old) / max(float(np.linalg.norm(W)), 1e-12)
            self._W_before = None
        flat = [saturated_mask(A_l, net.activation) for A_l in A[1:-1]]
        self.steps.append(step)
        self.grad_norm.append(np.array([np.linalg.norm(d) for d in dW]))
        self.update_ratio.append(ratio)
        self.saturated.append(np.array([f.mean() for f in flat]))
        self.dead.append(np.array([f.all(axis=0).mean() for f in flat]))


def plot_training_diagnostics(recorder: DiagnosticsRecorder, *, title: str | None = None) -> Figure:
    """Draw what a :class:`DiagnosticsRecorder` collected: three panels against the step.

    Left: gradient norm ||dW|| per layer (log scale). Middle: update/weight ratio per layer
    (log scale) with the ``1e-3`` rule-of-thumb line. Right: share of dead (ReLU) or
    saturated (sigmoid, tanh) hidden units, in percent. Returns the Figure.
    """
    if not recorder.steps:
        raise ValueError("the recorder has nothing yet: pass it to fit(..., callbacks=[recorder])")
    steps = np.array(recorder.steps)
    grad = np.array(recorder.grad_norm)
    ratio = np.array(recorder.update_ratio)
    relu = recorder.net.activation == "relu"
    share = 100 * np.array(recorder.dead if relu else recorder.saturated)
    with plt.rc_context(COURSE_STYLE):
        fig, (ax_g, ax_r, ax_s) = plt.subplots(1, 3, figsize=(18, 5), layout="constrained")
        for l in range(grad.shape[1]):
            label = f"layer {l + 1}" + (" (output)" if l == grad.shape[1] - 1 else "")
            ax_g.plot(steps, grad[:, l], label=label)
            ax_r.plot(steps, ratio[:, l], label=label)
        for l in range(share.shape[1]):
            ax_s.plot(steps, share[:, l], label=f"layer {l + 1}")
        ax_g.set(yscale="log", xlabel="step", title="gradient norm ||dW||")
        ax_r.axhline(UPDATE_RATIO_GUIDE, color="gray", linestyle="--", linewidth=1.5)
        ax_r.text(steps[-1], UPDATE_RATIO_GUIDE, "1e-3 ", color="gray", ha="right", va="bottom")
        ax_r.set(yscale="log", xlabel="step", title="update / weight ||ΔW|| / ||W||")
        what = "dead units" if relu else "saturated activations"
        ax_s.set(
            xlabel="step", ylabel="%", ylim=(-2, 102), title=f"{what} ({recorder.net.activation})"
        )
        for ax in (ax_g, ax_r, ax_s):
            ax.legend(fontsize=11)
        if title:
            fig.suptitle(title)
    return fig
