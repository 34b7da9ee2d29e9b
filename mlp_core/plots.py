"""Figures for the course: training curves, digit grids, confusion matrices, weights.

Every function draws one figure with matplotlib and returns it (a ``Figure``); nothing is
shown here. In a notebook, end the cell with the call followed by ``;`` (or assign the
result, or call ``plt.show()``): a bare call on the last line shows the figure twice.

The figures are made for a projector: large fonts, thick lines and colours that
colour-blind readers can tell apart. The functions with an ``ax=`` argument can also draw
into an axes you created yourself. ``use_course_style()`` gives your own plots the same
look; call it once per notebook.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .training import History

# Resolve pyplot's backend now, outside any ``rc_context``. If the first figure were made
# inside one, leaving the context would restore the rcParams from before the backend
# started, switching off interactive mode: later plots in a notebook would not show.
plt.switch_backend(plt.get_backend())

# The Okabe-Ito palette: eight colours that stay distinct with every common colour blindness.
COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]
WRONG_COLOR = "#D62728"  # red: marks wrong predictions (with bold text and a frame)
DIVERGED_MARKER = "x"  # drawn where a run's loss became NaN or infinite

COURSE_STYLE = {
    "figure.dpi": 100,
    "figure.figsize": (9.0, 5.5),
    "figure.titlesize": 18,
    "font.size": 14,
    "axes.titlesize": 16,
    "axes.labelsize": 15,
    "xtick.labelsize": 14,
    "ytick.labelsize": 14,
    "legend.fontsize": 14,
    "lines.linewidth": 2.5,
    "lines.markersize": 7,
    "axes.grid": True,
    "grid.alpha": 0.35,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": plt.cycler(color=COLORS),
}

# Line style of each data split in the training curves.
SPLIT_STYLES = {"train": "-", "validation": "--", "test": ":"}
X_AXIS_LABELS = {
    "epoch": "epoch",
    "step": "step (one update per batch)",
    "seconds": "training time (s)",
}


def use_course_style() -> None:
    """Make all later matplotlib figures projector-friendly (large fonts, thick lines).

    Changes the global ``matplotlib.rcParams``; the figures of this module use the same
    style anyway, so this is for the plots you make yourself.
    """
    plt.rcParams.update(COURSE_STYLE)


# ---------------------------------------------------------------------- run names
def describe(settings: dict) -> str:
    """A short name for a training run, built from ``History.settings``.

    For example ``"784-256-10 relu nesterov lr=0.05 bs=128"``. Settings that are at their
    usual values (cross-entropy loss, He initialisation, beta 0.9, no L2) are left out;
    missing keys are skipped. ``bs=full`` means full-batch training. Returns ``"run"`` for
    empty settings.
    """
    parts = []
    if "sizes" in settings:
        parts.append("-".join(str(n) for n in settings["sizes"]))
    if "activation" in settings:
        parts.append(str(settings["activation"]))
    if settings.get("loss", "cross-entropy") != "cross-entropy":
        parts.append(str(settings["loss"]))
    if settings.get("init", "he") != "he":
        parts.append(f"init={settings['init']}")
    if "optimizer" in settings:
        parts.append(str(settings["optimizer"]))
        if settings["optimizer"] != "sgd" and settings.get("beta", 0.9) != 0.9:
            parts.append(f"β={settings['beta']:g}")
    if "lr" in settings:
        parts.append(f"lr={settings['lr']:g}")
    if "batch_size" in settings:
        parts.append("bs=full" if settings["batch_size"] == 0 else f"bs={settings['batch_size']}")
    if settings.get("l2", 0):
        parts.append(f"l2={settings['l2']:g}")
    return " ".join(parts) or "run"


# ------------------------------------------------------------------ training curves
def plot_history(
    histories: History | Sequence[History] | Mapping[str, History],
    *,
    x: str = "epoch",
    metrics: Sequence[str] = ("loss", "accuracy"),
    labels: Sequence[str] | None = None,
    title: str | None = None,
    logy: bool = True,
    colors: Sequence[str] | None = None,
    figsize: tuple[float, float] | None = None,
    xlim: tuple[float, float] | None = None,
    legend_columns: int | None = None,
) -> Figure:
    """Training curves of one or more runs, one subplot per metric, side by side.

    histories: one ``History`` (what ``fit`` returns), a list of them, or a dict
        ``{name: History}``. Each run gets one colour; each data split one line style
        (train solid, validation dashed, test dotted).
    x: what goes on the horizontal axis: ``"epoch"``, ``"step"`` (the loss of every weight
        update, smoothed over about 1 % of the steps, with the raw values faint behind) or
        ``"seconds"`` (cumulative training time).
    metrics: any of ``"loss"`` and ``"accuracy"`` (shown in percent).
    labels: one name per run; by default the dict keys, else ``describe(h.settings)``.
    title: figure title; logy: logarithmic loss axis.
    colors: one colour per run (default: the course colours in turn), so a caller can keep a
        run's colour while other runs come and go. figsize: (width, height) in inches
        (default 6 per subplot by 5.2). xlim: the horizontal range (default: the data's),
        e.g. the whole planned run while it is still training. legend_columns: columns of
        the runs' legend (default: one for up to three runs, else two).

    A run whose loss became NaN or infinite is marked with an "×" at the top of each
    subplot where it stopped, and "diverged" in its legend entry. Empty runs are allowed.
    Returns the Figure, with ``len(metrics)`` axes.
    """
    runs = _named_runs(histories, labels)
    if colors is not None and len(colors) != len(runs):
        raise ValueError(f"colors must be a list of {len(runs)} colours, one per run")
    if x not in X_AXIS_LABELS:
        raise ValueError(f"x={x!r} is not known; use one of {list(X_AXIS_LABELS)}")
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    if not metrics or any(m not in ("loss", "accuracy") for m in metrics):
        raise ValueError(f"metrics={metrics!r}: choose one or both of 'loss' and 'accuracy'")

    with plt.rc_context(COURSE_STYLE):
        fig, axes = plt.subplots(
            1,
            len(metrics),
            figsize=figsize or (6 * len(metrics), 5.2),
            layout="constrained",
            squeeze=False,
        )
        splits_drawn: list[set[str]] = [set() for _ in metrics]  # per subplot
        run_handles = []
        for i, (name, h) in enumerate(runs):
            color = colors[i] if colors is not None else COLORS[i % len(COLORS)]
            for ax, metric, splits in zip(axes[0], metrics, splits_drawn):
                if metric == "loss":
                    splits |= _draw_loss(ax, h, name, x, color)
                else:
                    splits |= _draw_accuracy(ax, h, name, x, color)
                if h.diverged:
                    _mark_divergence(ax, h, name, x, color)
            run_handles.append(Line2D([], [], color=color, label=_legend_name(name, h)))

        for ax, metric, splits in zip(axes[0], metrics, splits_drawn):
            ax.set_xlabel(X_AXIS_LABELS[x])
            if x == "epoch":
                ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))  # no "epoch 2.5"
            else:  # a few ticks, 12,500 rather than 12500, so the labels never run together
                ax.xaxis.set_major_locator(ticker.MaxNLocator(4, integer=x == "step"))
                ax.xaxis.set_major_formatter(
                    ticker.StrMethodFormatter("{x:,.0f}" if x == "step" else "{x:,g}")
                )
            if xlim is not None:
                ax.set_xlim(*xlim)
            if metric == "loss":
                ax.set_title("Loss")
                ax.set_ylabel("loss (log scale)" if logy else "loss")
                if logy and _has_data(ax):
                    ax.set_yscale("log")
                    plain_log_labels(ax)
            else:
                ax.set_title("Accuracy")
                ax.set_ylabel("accuracy (%)")
                if not _has_data(ax):
                    ax.set_ylim(0, 100)
            if _has_data(ax):  # this subplot's legend: the line style of each split
                styles = [
                    Line2D([], [], color="gray", linestyle=style, label=split)
                    for split, style in SPLIT_STYLES.items()
                    if split in splits
                ]
                ax.legend(handles=styles, fontsize=12)
            else:
                ax.text(0.5, 0.5, "no data yet", transform=ax.transAxes, ha="center", va="center")
        # The figure's legend: the colour of each run, in two columns from four runs on
        # (so it never gets taller than the plots).
        columns = legend_columns or (1 if len(run_handles) < 4 else 2)
        fig.legend(handles=run_handles, loc="outside lower center", frameon=False, ncols=columns)
        if title is None:
            per = {"epoch": "per epoch", "step": "per step", "seconds": "over training time"}[x]
            title = f"{' and '.join(metrics)} {per}".capitalize()
            if any(h.diverged for _, h in runs):
                title += "  (× = diverged)"
        fig.suptitle(title)
    return fig


def _named_runs(
    histories: History | Sequence[History] | Mapping[str, History], labels: Sequence[str] | None
) -> list[tuple[str, History]]:
    """Turn the accepted forms of ``histories`` into a list of (name, History)."""
    if isinstance(histories, History):
        histories = [histories]
    if isinstance(histories, Mapping):
        names, runs = [str(k) for k in histories], list(histories.values())
    else:
        runs = list(histories)
        names = [describe(h.settings) if isinstance(h, History) else "" for h in runs]
    if not runs or not all(isinstance(h, History) for h in runs):
        raise ValueError(
            "histories must be a History (what fit returns), a non-empty list of them, "
            "or a dict {name: History}"
        )
    if labels is not None:
        if isinstance(labels, str) or len(labels) != len(runs):
            raise ValueError(f"labels must be a list of {len(runs)} names, one per run")
        names = [str(label) for label in labels]
    # Two runs with the same settings would get the same name: number them.
    if len(set(names)) < len(names):
        names = [f"{name} (run {i + 1})" for i, name in enumerate(names)]
    return list(zip(names, runs))


def _legend_name(name: str, h: History) -> str:
    if h.diverged:
        return f"{name}  × diverged at step {h.diverged_at_step}"
    if h.stopped_early:
        return f"{name}  (stopped early)"
    if h.epochs_done == 0 and h.steps_done == 0:
        return f"{name}  (no data)"
    return name


def _epoch_x(h: History, x: str, n: int) -> np.ndarray:
    """Horizontal positions of the first ``n`` end-of-epoch values of run ``h``."""
    epochs = np.arange(1, n + 1)
    if x == "epoch":
        return epochs
    if x == "step":
        steps_per_epoch = h.steps_per_epoch or (h.steps_done // max(h.epochs_done, 1))
        if steps_per_epoch == 0 and n > 0:
            raise ValueError("x='step' needs History.steps_per_epoch (or step_loss) to be set")
        return epochs * steps_per_epoch
    if len(h.seconds) < n:
        raise ValueError(
            f"x='seconds' needs History.seconds for every epoch: {n} epochs but "
            f"{len(h.seconds)} times"
        )
    return np.cumsum(h.seconds)[:n]


def _divergence_x(h: History, x: str) -> float:
    """Where on the horizontal axis run ``h`` diverged."""
    if x == "step":
        return h.diverged_at_step
    if x == "seconds":
        return float(np.sum(h.seconds))
    if h.steps_per_epoch:
        return h.diverged_at_step / h.steps_per_epoch  # a fraction of an epoch
    return h.epochs_done + 1


def _mark_divergence(ax: Axes, h: History, name: str, x: str, color: str) -> None:
    """Draw a large x at the top of the axes, above the point where run ``h`` diverged."""
    ax.plot(
        _divergence_x(h, x),
        0.96,  # in axes units: near the top, whatever the loss values
        DIVERGED_MARKER,
        color=color,
        markersize=16,
        markeredgewidth=3.5,
        clip_on=False,
        transform=ax.get_xaxis_transform(),  # x in data units, y in axes units
        label=f"{name}: diverged",
    )


def _plot_per_epoch(ax: Axes, h: History, values: list[float], x: str, **kwargs) -> None:
    """Plot one value per epoch; markers make short runs (even a single epoch) visible."""
    y = np.asarray(values, dtype=float)
    y[~np.isfinite(y)] = np.nan  # NaN leaves a gap instead of breaking the axis limits
    ax.plot(_epoch_x(h, x, len(y)), y, marker="o" if len(y) <= 20 else None, **kwargs)


def _draw_loss(ax: Axes, h: History, name: str, x: str, color: str) -> set[str]:
    """Draw the loss curves of one run; return the splits drawn."""
    drawn = set()
    if x == "step" and h.step_loss:
        steps = np.arange(1, h.steps_done + 1)
        loss = np.asarray(h.step_loss, dtype=float)
        loss[~np.isfinite(loss)] = np.nan
        window = max(1, len(loss) // 100)  # moving average over about 1 % of the steps
        if window > 1:
            ax.plot(steps, loss, color=color, alpha=0.25, linewidth=1, label=f"{name}: train (raw)")
            loss = np.convolve(loss, np.ones(window) / window, mode="valid")
            steps = steps[window - 1 :]  # each average ends at the step it is drawn at
        ax.plot(steps, loss, color=color, linestyle=SPLIT_STYLES["train"], label=f"{name}: train")
        drawn.add("train")
    elif x != "step" and h.train_loss:
        _plot_per_epoch(ax, h, h.train_loss, x, color=color, label=f"{name}: train")
        drawn.add("train")
    if h.val_loss:
        _plot_per_epoch(
            ax,
            h,
            h.val_loss,
            x,
            color=color,
            linestyle=SPLIT_STYLES["validation"],
            label=f"{name}: validation",
        )
        drawn.add("validation")
    return drawn


def _draw_accuracy(ax: Axes, h: History, name: str, x: str, color: str) -> set[str]:
    """Draw the accuracy curves (in percent) of one run; return the splits drawn."""
    drawn = set()
    for split, values in [
        ("train", h.train_accuracy),
        ("validation", h.val_accuracy),
        ("test", h.test_accuracy),
    ]:
        if values:
            percent = [100 * v for v in values]
            _plot_per_epoch(
                ax,
                h,
                percent,
                x,
                color=color,
                linestyle=SPLIT_STYLES[split],
                label=f"{name}: {split}",
            )
            drawn.add(split)
    return drawn


def plain_log_labels(ax: Axes, minor: bool = True) -> None:
    """Label a logarithmic y axis with plain numbers: 0.2 rather than 2×10⁻¹.

    minor: also label 2, 3 and 5 (x 10^k) between the powers of ten when the axis spans
    little; False drops the minor ticks altogether (much faster for figures redrawn live).
    """
    ax.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:g}"))
    if not minor:
        ax.yaxis.set_minor_locator(ticker.NullLocator())
        return

    def minor_label(value: float, position: int) -> str:
        # Between the powers of ten, label 2, 3 and 5 (x 10^k), and only when the axis
        # spans less than about 1.5 decades; otherwise the labels would crowd.
        low, high = ax.get_ylim()
        leading_digit = round(value / 10 ** math.floor(math.log10(value)))
        return f"{value:g}" if high / low < 30 and leading_digit in (2, 3, 5) else ""

    ax.yaxis.set_minor_formatter(ticker.FuncFormatter(minor_label))


def _has_data(ax: Axes) -> bool:
    """True when the axes hold at least one line with a finite value."""
    return any(
        np.isfinite(np.asarray(line.get_ydata(), dtype=float)).any()
        for line in ax.get_lines()
        if line.get_marker() != DIVERGED_MARKER
    )


# ------------------------------------------------------------------------ images
def plot_digits(
    X: np.ndarray,
    y: np.ndarray | None = None,
    *,
    pred: np.ndarray | None = None,
    probs: np.ndarray | None = None,
    n: int = 20,
    ncols: int = 10,
    classes: Sequence[str] | None = None,
    title: str | None = None,
) -> Figure:
    """A grid of the first ``n`` images of ``X`` with their labels.

    X: (m, 784) rows or (m, 28, 28) images, pixel values in [0, 1] (other ranges are
        stretched from their smallest to their largest value).
    y: (m,) true labels, shown above each image.
    pred: (m,) predicted labels; the titles become "label→pred", wrong ones in red with a
        red frame. probs: (m, k) predicted probabilities; adds the probability of the
        predicted class (and gives ``pred = probs.argmax(axis=1)`` if pred is not given).
    classes: names of the labels, e.g. ``Dataset.classes`` for Fashion-MNIST.
    Returns the Figure, with one axes per image shown.
    """
    X = np.asarray(X)
    if X.ndim == 2 and X.shape[1] == 784:
        images = X.reshape(-1, 28, 28)
    elif X.ndim == 3 and X.shape[1:] == (28, 28):
        images = X
    else:
        raise ValueError(
            f"X has shape {X.shape}; expected (m, 784) rows or (m, 28, 28) images. "
            "For a single image use X[i : i + 1]."
        )
    m = len(images)
    if m == 0:
        raise ValueError("X is empty: there are no images to show")
    if not (isinstance(n, (int, np.integer)) and n >= 1):
        raise ValueError(f"n={n!r} must be a whole number >= 1")
    if not (isinstance(ncols, (int, np.integer)) and ncols >= 1):
        raise ValueError(f"ncols={ncols!r} must be a whole number >= 1")
    y = _check_labels(y, "y", m, classes)
    pred = _check_labels(pred, "pred", m, classes)
    if probs is not None:
        probs = np.asarray(probs)
        if probs.ndim != 2 or len(probs) != m:
            raise ValueError(f"probs has shape {probs.shape}; expected ({m}, k), one row per image")
        if pred is None:
            pred = probs.argmax(axis=1)

    n = min(n, m)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    # Titles like "7→1 93%". Names of classes are long: then each part gets its own line.
    sep = "\n" if classes is not None else ""
    title_lines = 1 if classes is None else 1 + (pred is not None) + (probs is not None)
    low, high = (0.0, 1.0) if 0 <= images.min() and images.max() <= 1 else (None, None)
    with plt.rc_context(COURSE_STYLE):
        height = 1.2 + 0.25 * title_lines  # inches per row of images
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(1.2 * ncols, height * nrows + 0.7),
            layout="constrained",
            squeeze=False,
        )
        n_wrong = 0
        for i, ax in enumerate(axes.flat):
            if i >= n:
                ax.remove()  # empty cells of the last row
                continue
            ax.imshow(images[i], cmap="gray_r", vmin=low, vmax=high)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.spines[:].set_visible(False)
            text = _class_name(y[i], classes) if y is not None else ""
            color = "black"
            if pred is not None:
                text += (sep + "→" if y is not None else "pred ") + _class_name(pred[i], classes)
                if y is not None and pred[i] != y[i]:
                    n_wrong += 1
                    color = WRONG_COLOR
                    ax.spines[:].set(visible=True, color=WRONG_COLOR, linewidth=3)
            if probs is not None:
                text += (sep or " ") + f"{probs[i, pred[i]]:.0%}"
            ax.set_title(
                text,
                color=color,
                fontsize=14 if classes is None else 11,
                fontweight="bold" if color == WRONG_COLOR else "normal",
            )
        if title is None:
            title = f"The first {n} images"
            if y is not None and pred is not None:
                title += f": label→prediction, {n_wrong} wrong (red)"
        fig.suptitle(title)
    return fig


def plot_weights(
    W: np.ndarray, *, n: int | None = None, ncols: int = 10, title: str | None = None
) -> Figure:
    """First-layer weights as 28×28 images, one per hidden unit.

    W: (784, n_hidden), e.g. ``net.W[0]``; column j holds the weights from every pixel into
    hidden unit j. n: how many units to show (default all, at most 100). Red is a positive
    weight, blue a negative one, white zero; each image is scaled to its own largest |w|,
    so its colour limits are symmetric around 0. Returns the Figure, one axes per unit.
    """
    W = np.asarray(W)
    if W.ndim != 2 or W.shape[0] != 784:
        hint = " (transposed? try W.T)" if W.ndim == 2 and W.shape[1] == 784 else ""
        raise ValueError(
            f"W has shape {W.shape}; expected (784, n_hidden), the first layer's weights "
            f"net.W[0]{hint}"
        )
    n_hidden = W.shape[1]
    if n is None:
        n = min(n_hidden, 100)
    if not (isinstance(n, (int, np.integer)) and 1 <= n <= n_hidden):
        raise ValueError(f"n={n!r} must be a whole number from 1 to {n_hidden} (the hidden units)")
    if not (isinstance(ncols, (int, np.integer)) and ncols >= 1):
        raise ValueError(f"ncols={ncols!r} must be a whole number >= 1")
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    with plt.rc_context(COURSE_STYLE):
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(1.2 * ncols, 1.4 * nrows + 0.9),
            layout="constrained",
            squeeze=False,
        )
        for j, ax in enumerate(axes.flat):
            if j >= n:
                ax.remove()
                continue
            w = W[:, j].reshape(28, 28)
            limit = float(np.abs(w).max()) or 1.0  # an all-zero unit still gets a valid scale
            ax.imshow(w, cmap="RdBu_r", vmin=-limit, vmax=limit)
            ax.set_axis_off()
            ax.set_title(str(j), fontsize=12)
        fig.suptitle(
            title
            or f"First-layer weights of {n} hidden units\n"
            "red = positive, blue = negative (each image scaled to its own largest |w|)"
        )
    return fig


# ------------------------------------------------------------------ label counts
def plot_confusion_matrix(
    C: np.ndarray,
    *,
    classes: Sequence[str] | None = None,
    normalize: bool = False,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Heat map of a confusion matrix with the numbers written in the cells.

    C: (k, k) counts from ``metrics.confusion_matrix``; ``C[i, j]`` counts true class i
    predicted as j (true label on the vertical axis, predicted on the horizontal one).
    normalize: show each row as percentages of that true class instead of counts.
    classes: k names for the labels. ax: draw into this axes instead of a new figure.
    Returns the Figure.
    """
    C = np.asarray(C)
    if C.ndim != 2 or C.shape[0] != C.shape[1] or C.size == 0:
        raise ValueError(f"C has shape {C.shape}; a confusion matrix is square, (k, k)")
    if not np.issubdtype(C.dtype, np.number) or not np.isfinite(C).all() or (C < 0).any():
        raise ValueError("C must hold counts: finite numbers >= 0")
    k = len(C)
    names = _tick_names(classes, k)
    if normalize:
        row_sums = C.sum(axis=1, keepdims=True)
        values = 100 * C / np.where(row_sums == 0, 1, row_sums)  # an empty row stays 0 %
        cell_texts = [[f"{v:.1f}" for v in row] for row in values]
    else:
        values = C
        cell_texts = [[f"{v:g}" for v in row] for row in C]

    with plt.rc_context(COURSE_STYLE):
        if ax is None:
            size = max(5.0, 0.75 * k + 2.5)
            fig, ax = plt.subplots(figsize=(size, size * 0.92), layout="constrained")
        else:
            fig = ax.figure
        top = values.max() or 1
        ax.imshow(values, cmap="Blues", vmin=0, vmax=top)
        ax.grid(False)
        ax.spines[:].set_visible(False)
        fontsize = 14 if k <= 10 else 10
        for i in range(k):
            for j in range(k):
                dark = values[i, j] > 0.55 * top  # white text on dark cells
                ax.text(
                    j,
                    i,
                    cell_texts[i][j],
                    ha="center",
                    va="center",
                    fontsize=fontsize,
                    color="white" if dark else "black",
                )
        ax.set_xticks(
            range(k),
            names,
            rotation=45 if classes is not None else 0,
            ha="right" if classes is not None else "center",
        )
        ax.set_yticks(range(k), names)
        ax.set_xlabel("predicted label")
        ax.set_ylabel("true label")
        if title is None:
            title = "Confusion matrix"
            if C.sum() > 0:
                title += f", accuracy {100 * np.trace(C) / C.sum():.1f} %"
            if normalize:
                title += "\n(% of each true class; rows sum to 100)"
        ax.set_title(title)
    return fig


def plot_class_balance(
    y: np.ndarray,
    *,
    classes: Sequence[str] | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Bar chart of how many samples each label has.

    y: (m,) integer labels. classes: names of the labels (their number sets how many bars
    there are; by default ``y.max() + 1``). The dashed line is the count every class would
    have if the data were perfectly balanced. ax: draw into this axes. Returns the Figure.
    """
    y = np.asarray(y)
    if y.ndim != 1 or y.size == 0 or not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
        raise ValueError(
            f"y must be a non-empty 1-D array of integer labels >= 0 (got shape {y.shape}, "
            f"dtype {y.dtype})"
        )
    k = len(classes) if classes is not None else int(y.max()) + 1
    if y.max() >= k:
        raise ValueError(f"y holds the label {y.max()}, but classes names only {k} classes")
    counts = np.bincount(y, minlength=k)

    with plt.rc_context(COURSE_STYLE):
        if ax is None:
            fig, ax = plt.subplots(figsize=(max(7.0, 0.8 * k + 2), 5), layout="constrained")
        else:
            fig = ax.figure
        ax.set_axisbelow(True)  # grid lines behind the bars, not across their labels
        bars = ax.bar(range(k), counts, color=COLORS[0])
        # The counts, in white inside the bars, so the dashed line does not cross them.
        ax.bar_label(
            bars,
            fmt="{:,.0f}",
            label_type="center",
            color="white",
            fontsize=12 if k <= 10 else 8,
            rotation=90 if k > 10 else 0,
        )
        ax.axhline(len(y) / k, color="black", linestyle="--", linewidth=2, label="equal share")
        ax.set_ylim(0, 1.2 * counts.max())  # room for the legend above the bars
        ax.legend(loc="upper right")
        ax.set_xticks(
            range(k),
            _tick_names(classes, k),
            rotation=45 if classes is not None else 0,
            ha="right" if classes is not None else "center",
        )
        ax.grid(axis="x", visible=False)
        ax.set_xlabel("label")
        ax.set_ylabel("number of samples")
        ax.set_title(title or f"Samples per class ({len(y):,} in total)")
    return fig


# ------------------------------------------------------------------------ helpers
def _check_labels(
    labels: np.ndarray | None, name: str, m: int, classes: Sequence[str] | None
) -> np.ndarray | None:
    """None, or ``labels`` as an (m,) integer array; a clear error otherwise."""
    if labels is None:
        return None
    labels = np.asarray(labels)
    if labels.shape != (m,) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"{name} has shape {labels.shape} and dtype {labels.dtype}; expected ({m},) "
            "integers, one label per image"
        )
    if classes is not None and (labels.min() < 0 or labels.max() >= len(classes)):
        raise ValueError(f"{name} holds labels outside [0, {len(classes)}), the classes given")
    return labels


def _class_name(label: int, classes: Sequence[str] | None) -> str:
    return str(classes[label]) if classes is not None else str(label)


def _tick_names(classes: Sequence[str] | None, k: int) -> list[str]:
    if classes is None:
        return [str(i) for i in range(k)]
    if len(classes) != k:
        raise ValueError(f"classes names {len(classes)} classes, but the data has {k}")
    return [str(c) for c in classes]
