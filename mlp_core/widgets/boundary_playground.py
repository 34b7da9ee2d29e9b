"""Decision-boundary playground: train a small network on 2-D toy data and watch it learn.

What TensorFlow Playground does, in the notebook: pick a toy dataset (``mlp_core.toy_data``),
its noise and the share of points used for training; the network's hidden layers,
activation and L2 penalty; the optimizer (SGD, momentum or Nesterov), learning rate, beta,
batch size and epochs. **Train** trains an ``mlp_core`` network with ``fit``; while it runs,
the picture on the left shows the network's probability of class 1 over the whole plane
(the decision boundary is where the colour turns white) with the training points (white
rim) and the test points (black rim); on the right are the training and test loss per
epoch (and the previous run's in grey, for comparison).

Training runs in a background thread, so the page stays responsive and **Stop** works (it
sets a flag that the run's callback turns into ``StopTraining``). **Reset** forgets the
runs. Without a browser, ``playground.run(lr=0.3, hidden="16, 16")`` runs the same code as
the Train button and waits for it; ``playground.figure()`` returns the current picture.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator

from ..activations import HIDDEN_ACTIVATIONS
from ..checks import check_whole
from ..network import Network
from ..optimizers import OPTIMIZERS, make_optimizer
from ..plots import COLORS, plain_log_labels
from ..toy_data import TOY_DATASETS, toy_split
from ..training import History, evaluate, fit
from ._common import (
    Throttle,
    displayable,
    lr_controls,
    require_widgets,
    show_figure,
    with_choice,
)
from ._training import StopWatch, TrainingWidget, check_common

DEFAULTS = {
    "dataset": "moons",
    "n": 400,  # number of points, training and test together
    "noise": 0.15,
    "train_ratio": 0.5,
    "hidden": (8, 8),  # widths of the hidden layers; () = no hidden layer
    "activation": "relu",
    "optimizer": "momentum",
    "lr": 0.03,
    "beta": 0.9,
    "l2": 0.0,
    "batch_size": 16,  # 0 = full batch
    "epochs": 200,
    "seed": 0,  # seeds the data, the initial weights and the shuffling
}
MAX_LAYERS, MAX_UNITS = 6, 64  # keeps every run a matter of seconds
L2_CHOICES = [("0 (off)", 0.0), ("1e-4", 1e-4), ("1e-3", 1e-3), ("1e-2", 1e-2), ("0.03", 0.03)]
L2_CHOICES += [("0.1", 0.1)]
BATCH_CHOICES = [("1", 1), ("4", 4), ("8", 8), ("16", 16), ("32", 32), ("64", 64)]
BATCH_CHOICES += [("full batch", 0)]
GRID = 80  # the probability picture is GRID x GRID pixels
# class 0 orange, class 1 blue (colour-blind safe), undecided (p = 0.5) white
CMAP = LinearSegmentedColormap.from_list("boundary", [COLORS[1], "#FFFFFF", COLORS[0]])


def check_settings(settings: dict) -> dict:
    """Validate a settings dict (keys of ``DEFAULTS``); return a cleaned, complete copy.

    Raises ValueError naming the setting and what is allowed, including combinations that
    cannot work (a batch larger than the training set).
    """
    s = check_common(
        DEFAULTS, settings, {"dataset": TOY_DATASETS, "activation": HIDDEN_ACTIVATIONS}
    )
    if len(s["hidden"]) > MAX_LAYERS or any(n > MAX_UNITS for n in s["hidden"]):
        raise ValueError(
            f"hidden layers {s['hidden']}: at most {MAX_LAYERS} layers of at most "
            f"{MAX_UNITS} units here, so that a run takes seconds"
        )
    if not (isinstance(s["noise"], (int, float)) and 0 <= s["noise"] <= 1):
        raise ValueError(f"noise={s['noise']!r} must be between 0 and 1")
    if not (isinstance(s["train_ratio"], (int, float)) and 0 < s["train_ratio"] < 1):
        raise ValueError(f"train_ratio={s['train_ratio']!r} must be between 0 and 1, e.g. 0.5")
    s["n"] = check_whole(s["n"], "n (points)", 10)
    n_train = n_train_of(s)
    if not 0 <= s["batch_size"] <= n_train:
        raise ValueError(
            f"batch size {s['batch_size']} is larger than the training set ({n_train} points "
            f"= {s['train_ratio']:.0%} of {s['n']}): pick a smaller batch, 'full batch', "
            "more points or a larger training share"
        )
    return s


def n_train_of(s: dict) -> int:
    """How many of the ``s["n"]`` points ``toy_split`` puts in the training set."""
    n_test = min(max(round((1 - s["train_ratio"]) * s["n"]), 1), s["n"] - 1)
    return s["n"] - n_test


def probability_grid(net: Network, limit: float, size: int = GRID) -> np.ndarray:
    """The network's probability of class 1 on a size x size grid over [-limit, limit]^2.

    Returns (size, size): row i is the height ``y_i``, column j the position ``x_j``
    (ready for ``imshow(..., origin="lower")``).
    """
    ticks = np.linspace(-limit, limit, size, dtype=net.dtype)
    points = np.stack(np.meshgrid(ticks, ticks), axis=-1).reshape(-1, 2)
    return net.predict_proba(points)[:, 1].reshape(size, size)


@dataclass(frozen=True)
class Snapshot:
    """Where a run stands, measured on the network's current weights: the one source of
    every number the playground shows (the picture's title, the readout, the status line).

    epochs: full epochs done; steps: optimizer steps done; total_epochs: epochs planned;
    train_accuracy, test_accuracy, test_loss: of the current weights (None if diverged).
    """

    epochs: int
    steps: int
    steps_per_epoch: int
    total_epochs: int
    train_accuracy: float | None
    test_accuracy: float | None
    test_loss: float | None

    @classmethod
    def measure(cls, net: Network, history: History, data: tuple) -> Snapshot:
        """Measure ``net`` on ``data`` = (X_train, y_train, X_test, y_test) now."""
        X_train, y_train, X_test, y_test = data
        train = test = test_loss = None
        if not history.diverged:
            train = evaluate(net, X_train, y_train)[1]
            test_loss, test = evaluate(net, X_test, y_test)
        total = history.settings.get("epochs", 0)
        return cls(
            history.epochs_done,
            history.steps_done,
            history.steps_per_epoch,
            total,
            train,
            test,
            test_loss,
        )

    @property
    def done(self) -> str:
        """``"34 of 200 epochs"``, plus the steps of an epoch begun but not finished."""
        extra = self.steps - self.epochs * self.steps_per_epoch
        more = f" + {extra} step{'s' * (extra != 1)}" if extra > 0 else ""
        return f"{self.epochs} of {self.total_epochs} epochs{more}"

    @property
    def accuracies(self) -> str:
        """``"train 98.5%, test 97.0%"`` (empty for a diverged run)."""
        if self.train_accuracy is None:
            return ""
        return f"train {self.train_accuracy:.1%}, test {self.test_accuracy:.1%}"


class BoundaryFigure:
    """The playground's picture: probability map with the points, and the loss curves.

    Built once per run; :meth:`update` only changes the data of the image and the lines,
    which is much cheaper than drawing a new figure for every frame. 640 x 300 pixels at
    80 dpi (fits a notebook beside JupyterLab's file browser), text at 12 points or more.
    """

    def __init__(
        self,
        data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        epochs: int,
        previous: History | None = None,
    ) -> None:
        X_train, y_train, X_test, y_test = data
        self.limit = float(np.ceil(2 * max(np.abs(X_train).max(), np.abs(X_test).max())) / 2)
        # Fixed margins instead of an automatic layout, which would double every redraw.
        self.fig = Figure(figsize=(8, 3.75))
        margins = {"left": 0.01, "right": 0.98, "bottom": 0.15, "top": 0.86, "wspace": 0.2}
        self.ax_map, self.ax_loss = self.fig.subplots(
            1, 2, width_ratios=[1, 1.2], gridspec_kw=margins
        )
        lim = self.limit
        self.image = self.ax_map.imshow(
            np.full((GRID, GRID), np.nan),
            extent=(-lim, lim, -lim, lim),
            origin="lower",
            cmap=CMAP,
            vmin=0,
            vmax=1,
            interpolation="bilinear",
            alpha=0.55,
        )
        colors = np.array([COLORS[1], COLORS[0]])
        self.ax_map.scatter(*X_train.T, c=colors[y_train], s=16, edgecolors="white", linewidths=0.5)
        self.ax_map.scatter(*X_test.T, c=colors[y_test], s=16, edgecolors="black", linewidths=0.6)
        self.ax_map.set(xlim=(-lim, lim), ylim=(-lim, lim), xticks=[], yticks=[])
        self.ax_map.set_title(
            f"{len(X_train)} training points (white rim)\n{len(X_test)} test points (black rim)",
            fontsize=12,
        )
        if previous is not None and previous.train_loss:
            self._curves(previous, color="0.7", label="previous run")
        (self.train_line,) = self.ax_loss.plot([], [], color="black", label="train")
        (self.test_line,) = self.ax_loss.plot([], [], color=COLORS[3], linestyle="--", label="test")
        self.ax_loss.set(xlim=(0, epochs), ylim=(0.01, 1), yscale="log")
        self.ax_loss.set_xlabel("epoch", fontsize=12, labelpad=1)
        self.ax_loss.tick_params(labelsize=12)
        self.ax_loss.set_autoscaley_on(True)  # the first curves will set the real range
        plain_log_labels(self.ax_loss, minor=False)
        self.ax_loss.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))  # 0.05, 0.1, 0.2, ...
        self.ax_loss.set_title("cross-entropy loss", fontsize=12)
        self.ax_loss.grid(alpha=0.3)
        self.ax_loss.legend(fontsize=12, loc="upper right")

    def _curves(self, history: History, color: str, label: str) -> None:
        epochs = np.arange(1, history.epochs_done + 1)
        self.ax_loss.plot(epochs, history.train_loss, color=color, label=label)
        self.ax_loss.plot(epochs, history.val_loss, color=color, linestyle="--")

    def update(self, net: Network, history: History, now: Snapshot) -> None:
        """Show ``net``'s current probabilities, the curves of ``history`` so far, and the
        numbers of ``now`` in the title."""
        self.image.set_data(probability_grid(net, self.limit))
        epochs = np.arange(1, history.epochs_done + 1)
        self.train_line.set_data(epochs, history.train_loss)
        self.test_line.set_data(epochs, history.val_loss)
        if history.epochs_done:
            self.ax_loss.relim()
            self.ax_loss.autoscale_view(scalex=False)
            low, high = self.ax_loss.get_ylim()
            if high < 10 * low:  # show at least a factor of 10, so the axis has labels
                middle = np.sqrt(low * high)
                self.ax_loss.set_ylim(middle / np.sqrt(10), middle * np.sqrt(10), auto=True)
        title = f"p(class 1) after {now.done}"
        self.ax_map.set_title(
            f"{title}\n{now.accuracies}" if now.accuracies else title, fontsize=12
        )


@dataclass
class BoundaryRun:
    """One finished run: the settings used, what ``fit`` recorded, the trained network,
    ``final``: the numbers of its last weights (a :class:`Snapshot`), the seconds ``fit``
    took, the seconds from pressing Train to the first picture, and ``problem``: ``fit``'s
    message if the run diverged, else ""."""

    number: int
    settings: dict
    history: History
    net: Network
    final: Snapshot
    seconds: float
    first_redraw: float | None
    problem: str = ""

    @property
    def train_accuracy(self) -> float | None:
        return self.final.train_accuracy

    @property
    def test_accuracy(self) -> float | None:
        return self.final.test_accuracy

    @property
    def test_loss(self) -> float | None:
        return self.final.test_loss

    def __repr__(self) -> str:  # no timings: stable text for notebooks checked by nbval
        h = self.history
        if h.diverged:
            return f"Run {self.number}: diverged at step {h.diverged_at_step}"
        note = " (stopped early)" if h.stopped_early else ""
        return f"Run {self.number}: {self.final.done}, {self.final.accuracies}{note}"


class _LiveBoundary(StopWatch):
    """The Stop flag (see ``StopWatch``) and the playground's throttled redraws."""

    def __init__(self, playground: BoundaryPlayground, net: Network, pressed: float) -> None:
        super().__init__(playground.stop_event)
        self.playground, self.net, self.pressed = playground, net, pressed
        self.throttle = Throttle(playground.interval)
        self.first_redraw: float | None = None

    def on_epoch_end(self, history: History) -> None:
        if self.throttle.due():  # the first epoch is always drawn
            started = time.perf_counter()
            self.playground._redraw(self.net, history, started - self.pressed)
            self.throttle.done(started)
            if self.first_redraw is None:
                self.first_redraw = time.perf_counter() - self.pressed


class BoundaryPlayground(TrainingWidget):
    """Controls, Train / Stop / Reset, the live decision boundary and the loss curves.

    threaded: train in a background thread (default), so Stop works and the page stays
        responsive; False trains inside the button's handler (handy in tests).
    interval: shortest time in seconds between two redraws during a run.
    defaults: starting values of the controls, e.g. ``dataset="spirals", hidden="16, 16"``
        (the keys of ``DEFAULTS``).

    ``runs`` lists the finished runs (:class:`BoundaryRun`), ``status_text`` holds the last
    message, ``readout_text`` the readout's, ``redraws`` counts the pictures drawn during runs.
    """

    title = "Decision-boundary playground"
    clear_label = "Reset"

    def __init__(self, *, threaded: bool = True, interval: float = 0.25, **defaults) -> None:
        w = require_widgets()
        start = check_settings(defaults)
        self.interval = interval
        self.runs: list[BoundaryRun] = []
        self.redraws = 0
        self.readout_text = ""
        self._data_key: tuple | None = None
        self._data: tuple | None = None
        self._run_settings: dict | None = None  # the data of the run on show, if any
        self._picture: BoundaryFigure | None = None

        wide = {"style": {"description_width": "110px"}, "layout": w.Layout(width="290px")}
        slider = {"continuous_update": False, **wide}
        lr, lr_slider, lr_box = lr_controls(w, start["lr"], -3, 1, "mlp-bnd")
        lr.style = {"description_width": "110px"}
        self.controls = {
            "dataset": w.Dropdown(options=list(TOY_DATASETS), description="dataset", **wide),
            "n": w.IntSlider(min=50, max=1000, step=50, description="points", **slider),
            "noise": w.FloatSlider(min=0, max=0.5, step=0.05, description="noise", **slider),
            "train_ratio": w.FloatSlider(
                min=0.1, max=0.9, step=0.1, description="training share", **slider
            ),
            "hidden": w.Text(description="hidden layers", placeholder="e.g. 8, 8", **wide),
            "activation": w.Dropdown(
                options=list(HIDDEN_ACTIVATIONS), description="activation", **wide
            ),
            "l2": w.Dropdown(
                options=with_choice(L2_CHOICES, start["l2"]), description="L2", **wide
            ),
            "optimizer": w.Dropdown(options=list(OPTIMIZERS), description="optimizer", **wide),
            "lr": lr,
            "beta": w.FloatSlider(min=0, max=0.99, step=0.01, description="β (momentum)", **slider),
            "batch_size": w.Dropdown(
                options=with_choice(BATCH_CHOICES, start["batch_size"]),
                description="batch size",
                **wide,
            ),
            "epochs": w.IntSlider(min=10, max=1000, step=10, description="epochs", **slider),
        }
        for key, control in self.controls.items():
            value = start[key]
            control.value = ", ".join(map(str, value)) if key == "hidden" else value
            if key != "lr":
                control.add_class(f"mlp-bnd-{key.replace('_', '-')}")
        self.seed = start["seed"]
        self._build_lifecycle(w, threaded, "mlp-bnd")
        self.locked = [lr_slider]
        self.reset_button = self.clear_button
        self.reset_button.add_class("mlp-bnd-reset")
        self.progress = w.FloatProgress(value=0.0, min=0.0, max=1.0, layout={"width": "200px"})
        self.readout = w.HTML()
        self.plot = w.Output()
        for part, name in [
            (self.progress, "progress"),
            (self.readout, "readout"),
            (self.plot, "plot"),
        ]:
            part.add_class(f"mlp-bnd-{name}")
        # Columns of controls (data, network, training), 290 pixels each, side by side when
        # there is room and one below the other when not (JupyterLab with the file browser
        # open leaves about 650 pixels).
        lr_box.layout.width = "290px"
        lr.layout.width = "190px"
        lr_slider.layout.width = "95px"
        c = self.controls
        columns = [
            [c["dataset"], c["n"], c["noise"], c["train_ratio"]],
            [c["hidden"], c["activation"], c["l2"], c["optimizer"]],
            [lr_box, c["beta"], c["batch_size"], c["epochs"]],
        ]
        wrap = {"flex_flow": "row wrap"}
        self.widget = w.VBox(
            [
                w.HBox([w.VBox(column) for column in columns], layout=wrap),
                w.HBox(
                    [self.train_button, self.stop_button, self.reset_button, self.progress],
                    layout=wrap,
                ),
                self.readout,
                self.plot,
                self.status,
            ]
        )
        self.widget.add_class("mlp-bnd")
        self.controls["optimizer"].observe(self._on_optimizer, names="value")
        for key in ("dataset", "n", "noise", "train_ratio"):
            self.controls[key].observe(self._on_data_change, names="value")
        self.controls["beta"].disabled = start["optimizer"] == "sgd"
        self._show_data()
        self._set_status("Press Train to train a network on the training points.")

    # ------------------------------------------------------------------ public API
    def settings(self) -> dict:
        """The settings the controls show now (hidden sizes as typed; see ``check_settings``)."""
        return self._control_values()

    def data(self, settings: dict | None = None) -> tuple[np.ndarray, ...]:
        """``X_train, y_train, X_test, y_test`` for ``settings`` (default: the controls).

        The split is remembered, so asking again with the same data settings is free.
        """
        s = settings if settings is not None else self.settings()
        key = (s["dataset"], s["n"], s["noise"], s["train_ratio"], s["seed"])
        if key != self._data_key:
            self._data = toy_split(
                s["dataset"], s["n"], noise=s["noise"], train_ratio=s["train_ratio"], seed=s["seed"]
            )
            self._data_key = key
        return self._data

    def figure(self) -> Figure:
        """The current picture as a static matplotlib figure (for notebooks and scripts)."""
        return displayable(self._picture.fig)

    # --------------------------------------------------------------- the handlers
    def _control_values(self) -> dict:
        return {**super()._control_values(), "seed": self.seed}

    def _check(self, values: dict) -> dict:
        return check_settings(values)

    def _clear(self) -> None:
        self.runs.clear()
        self._show_data()
        self._set_status("Reset: the runs are forgotten. Press Train to start again.")

    def _on_data_change(self, change: dict) -> None:
        if not self.running:
            self._show_data()

    # ------------------------------------------------------------------ training
    def _execute(self, s: dict, pressed: float) -> BoundaryRun:
        """Train one network with the checked settings ``s``; record and show the run."""
        X_train, y_train, X_test, y_test = data = self.data(s)
        self._run_settings = s  # measured and drawn on this run's data, whatever the controls say
        init = "he" if s["activation"] == "relu" else "xavier"
        sizes = [2, *s["hidden"], 2]
        net = Network(sizes, s["activation"], "cross-entropy", init, s["l2"], seed=s["seed"])
        number = len(self.runs) + 1
        self._set_status(f"Run {number} is training…")
        previous = self.runs[-1].history if self.runs else None
        self._picture = BoundaryFigure(data, s["epochs"], previous)
        live = _LiveBoundary(self, net, pressed)
        start = time.perf_counter()
        history = fit(
            net,
            X_train,
            y_train,
            optimizer=make_optimizer(s["optimizer"], s["lr"], s["beta"]),
            epochs=s["epochs"],
            batch_size=s["batch_size"],
            seed=s["seed"],
            X_val=X_test,
            y_val=y_test,
            callbacks=[live],
        )
        seconds = time.perf_counter() - start
        final = self._redraw(net, history, time.perf_counter() - pressed)
        problem = history.message if history.diverged else ""
        run = BoundaryRun(number, s, history, net, final, seconds, live.first_redraw, problem)
        self.runs.append(run)
        if history.diverged:
            self._set_status(f"Run {number}: {problem}", error=True)
        elif history.stopped_early:
            self._set_status(f"Run {number}: stopped after {final.done}, {final.accuracies}.")
        else:
            self._set_status(f"{run!r}, in {seconds:.1f} s.")
        return run

    # ------------------------------------------------------------------- display
    def _redraw(self, net: Network, history: History, seconds: float) -> Snapshot:
        """Measure the network now and show it: picture, progress bar and readout agree."""
        now = Snapshot.measure(net, history, self.data(self._run_settings))
        total = now.total_epochs * history.steps_per_epoch
        self.progress.value = history.steps_done / total if total else 0.0
        loss = f" · test loss {now.test_loss:.3g}" if now.test_loss is not None else ""
        accs = f" · {now.accuracies}" if now.accuracies else ""
        self._set_readout(f"{now.done}{accs}{loss} · {seconds:.1f}\N{NO-BREAK SPACE}s")
        self._picture.update(net, history, now)
        show_figure(self.plot, self._picture.fig)
        self.redraws += 1
        return now

    def _set_readout(self, text: str) -> None:
        self.readout_text = text
        self.readout.value = html.escape(text)

    def _show_data(self) -> None:
        """Draw the current data alone (no network yet); forget the last run's readout."""
        epochs = self.controls["epochs"].value
        previous = self.runs[-1].history if self.runs else None
        self._run_settings = None
        self._picture = BoundaryFigure(self.data(), epochs, previous)
        show_figure(self.plot, self._picture.fig)
        self.progress.value = 0.0
        self._set_readout("")
