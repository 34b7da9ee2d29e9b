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
import threading
import time
from dataclasses import dataclass

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, NullLocator, StrMethodFormatter

from ..activations import HIDDEN_ACTIVATIONS
from ..network import Network
from ..optimizers import OPTIMIZERS, make_optimizer
from ..plots import COLORS
from ..toy_data import TOY_DATASETS, toy_split
from ..training import Callback, History, StopTraining, evaluate, fit
from ._common import WidgetView, check_common_settings, require_widgets, show_figure
from .explorer import parse_hidden
from .monitor import Throttle, progress_text
from .optimizer_playground import displayable

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
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}; known: {list(DEFAULTS)}")
    s = {**DEFAULTS, **settings}
    s["hidden"] = parse_hidden(s["hidden"])
    if len(s["hidden"]) > MAX_LAYERS or any(n > MAX_UNITS for n in s["hidden"]):
        raise ValueError(
            f"hidden layers {s['hidden']}: at most {MAX_LAYERS} layers of at most "
            f"{MAX_UNITS} units here, so that a run takes seconds"
        )
    check_common_settings(
        s,
        [
            ("dataset", list(TOY_DATASETS)),
            ("activation", list(HIDDEN_ACTIVATIONS)),
            ("optimizer", list(OPTIMIZERS)),
        ],
    )
    if not (isinstance(s["noise"], (int, float)) and 0 <= s["noise"] <= 1):
        raise ValueError(f"noise={s['noise']!r} must be between 0 and 1")
    if not (isinstance(s["train_ratio"], (int, float)) and 0 < s["train_ratio"] < 1):
        raise ValueError(f"train_ratio={s['train_ratio']!r} must be between 0 and 1, e.g. 0.5")
    for key in ("n", "epochs", "batch_size", "seed"):
        if not isinstance(s[key], (int, np.integer)) or isinstance(s[key], bool):
            raise ValueError(f"{key}={s[key]!r} must be a whole number")
    if s["n"] < 10:
        raise ValueError(f"n={s['n']} points is too few; use at least 10")
    if s["epochs"] < 1:
        raise ValueError(f"epochs={s['epochs']} must be at least 1")
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


def overshoot_message(history: History) -> str:
    """Why a finished run went wrong ("" if it did not).

    Cross-entropy here never becomes infinite (probabilities are clipped), so a learning
    rate far too large rarely ends in NaN. Instead the steps overshoot, units die or
    saturate, and the training loss ends *higher* than the loss of the untrained network.
    """
    if history.diverged:
        return history.message
    if history.train_loss and history.train_loss[-1] > history.step_loss[0]:
        lr = history.settings.get("lr", float("nan"))
        return (
            f"The loss ended higher than it started ({history.train_loss[-1]:.3g} in the last "
            f"epoch, {history.step_loss[0]:.3g} before the first step): the steps overshoot. "
            f"The learning rate ({lr:g}) is too large for this network; try one 3-10 times "
            "smaller."
        )
    return ""


def probability_grid(net: Network, limit: float, size: int = GRID) -> np.ndarray:
    """The network's probability of class 1 on a size x size grid over [-limit, limit]^2.

    Returns (size, size): row i is the height ``y_i``, column j the position ``x_j``
    (ready for ``imshow(..., origin="lower")``).
    """
    ticks = np.linspace(-limit, limit, size, dtype=net.dtype)
    points = np.stack(np.meshgrid(ticks, ticks), axis=-1).reshape(-1, 2)
    return net.predict_proba(points)[:, 1].reshape(size, size)


class BoundaryFigure:
    """The playground's picture: probability map with the points, and the loss curves.

    Built once per run; :meth:`update` only changes the data of the image and the lines,
    which is much cheaper than drawing a new figure for every frame.
    """

    def __init__(
        self,
        data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        epochs: int,
        previous: History | None = None,
    ) -> None:
        X_train, y_train, X_test, y_test = data
        self.limit = float(np.ceil(2 * max(np.abs(X_train).max(), np.abs(X_test).max())) / 2)
        # Fixed margins instead of new_figure()'s automatic layout, which would double the
        # time of every redraw.
        self.fig = Figure(figsize=(10, 4.2))
        margins = {"left": 0.02, "right": 0.98, "bottom": 0.12, "top": 0.92, "wspace": 0.12}
        self.ax_map, self.ax_loss = self.fig.subplots(
            1, 2, width_ratios=[1, 1.15], gridspec_kw=margins
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
            f"{len(X_train)} training points (white rim), {len(X_test)} test (black rim)",
            fontsize=10,
        )
        if previous is not None and previous.train_loss:
            self._curves(previous, color="0.75", label="previous run")
        (self.train_line,) = self.ax_loss.plot([], [], color="black", label="train")
        (self.test_line,) = self.ax_loss.plot([], [], color=COLORS[3], linestyle="--", label="test")
        self.ax_loss.set(xlim=(0, epochs), ylim=(0.01, 1), yscale="log", xlabel="epoch")
        self.ax_loss.set_autoscaley_on(True)  # the first curves will set the real range
        _plain_log_labels(self.ax_loss)
        self.ax_loss.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))  # 0.05, 0.1, 0.2, ...
        self.ax_loss.set_title("cross-entropy loss", fontsize=10)
        self.ax_loss.grid(alpha=0.3)
        self.ax_loss.legend(fontsize=8, loc="upper right")

    def _curves(self, history: History, color: str, label: str) -> None:
        epochs = np.arange(1, history.epochs_done + 1)
        self.ax_loss.plot(epochs, history.train_loss, color=color, label=label)
        self.ax_loss.plot(epochs, history.val_loss, color=color, linestyle="--")

    def update(self, net: Network, history: History) -> None:
        """Show ``net``'s current probabilities and the curves of ``history`` so far."""
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
        acc = f", test accuracy {history.val_accuracy[-1]:.1%}" if history.val_accuracy else ""
        self.ax_map.set_title(f"p(class 1) after epoch {history.epochs_done}{acc}", fontsize=10)


@dataclass
class BoundaryRun:
    """One finished run: the settings used, what ``fit`` recorded, the trained network,
    the accuracies after training (None if it diverged), the seconds ``fit`` took, the
    seconds from pressing Train to the first picture of the run, and ``problem``: why the
    run failed (it diverged, or its loss went up), "" if it did not."""

    number: int
    settings: dict
    history: History
    net: Network
    train_accuracy: float | None
    test_accuracy: float | None
    test_loss: float | None
    seconds: float
    first_redraw: float | None
    problem: str = ""

    def __repr__(self) -> str:  # no timings: stable text for notebooks checked by nbval
        h = self.history
        if h.diverged:
            return f"Run {self.number}: diverged at step {h.diverged_at_step}"
        note = " (stopped early)" if h.stopped_early else ""
        return (
            f"Run {self.number}: {h.epochs_done} epochs, train accuracy "
            f"{self.train_accuracy:.1%}, test accuracy {self.test_accuracy:.1%}{note}"
        )


class _LiveBoundary(Callback):
    """Connects a running ``fit`` to the playground: the Stop flag and throttled redraws."""

    def __init__(self, playground: BoundaryPlayground, net: Network, pressed: float) -> None:
        self.playground, self.net, self.pressed = playground, net, pressed
        self.throttle = Throttle(playground.interval)
        self.first_redraw: float | None = None

    def on_step_end(self, history: History) -> None:
        if self.playground.stop_event.is_set():
            raise StopTraining(
                f"Stopped by the Stop button after {history.epochs_done} epochs "
                f"({history.steps_done} steps)."
            )

    def on_epoch_end(self, history: History) -> None:
        if self.throttle.due():  # the first epoch is always drawn
            started = time.perf_counter()
            self.playground._redraw(self.net, history, started - self.pressed)
            self.throttle.done(started)
            if self.first_redraw is None:
                self.first_redraw = time.perf_counter() - self.pressed


class BoundaryPlayground(WidgetView):
    """Controls, Train / Stop / Reset, the live decision boundary and the loss curves.

    threaded: train in a background thread (default), so Stop works and the page stays
        responsive; False trains inside the button's handler (handy in tests).
    interval: shortest time in seconds between two redraws during a run.
    defaults: starting values of the controls, e.g. ``dataset="spirals", hidden="16, 16"``
        (the keys of ``DEFAULTS``).

    ``runs`` lists the finished runs (:class:`BoundaryRun`), ``status_text`` holds the last
    message, ``redraws`` counts the pictures drawn during runs.
    """

    title = "Decision-boundary playground"

    def __init__(self, *, threaded: bool = True, interval: float = 0.25, **defaults) -> None:
        w = require_widgets()
        start = check_settings(defaults)
        self.threaded, self.interval = threaded, interval
        self.runs: list[BoundaryRun] = []
        self.status_text = ""
        self.redraws = 0
        self.stop_event = threading.Event()
        self._thread: threading.Thread | None = None
        self._data_key: tuple | None = None
        self._data: tuple | None = None
        self._picture: BoundaryFigure | None = None
        self._busy = False

        wide = {"style": {"description_width": "100px"}, "layout": w.Layout(width="300px")}
        slider = {"continuous_update": False, **wide}
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
            "optimizer": w.Dropdown(options=list(OPTIMIZERS), description="optimizer", **wide),
            "lr": w.FloatLogSlider(
                base=10,
                min=-3,
                max=1,
                step=0.1,
                description="learning rate",
                readout_format=".3g",
                **slider,
            ),
            "beta": w.FloatSlider(min=0, max=0.99, step=0.01, description="β (momentum)", **slider),
            "l2": w.Dropdown(
                options=_with_choice(L2_CHOICES, start["l2"]), description="L2", **wide
            ),
            "batch_size": w.Dropdown(
                options=_with_choice(BATCH_CHOICES, start["batch_size"]),
                description="batch size",
                **wide,
            ),
            "epochs": w.IntSlider(min=10, max=1000, step=10, description="epochs", **slider),
        }
        for key, control in self.controls.items():
            value = start[key]
            control.value = ", ".join(map(str, value)) if key == "hidden" else value
            control.add_class(f"mlp-bnd-{key.replace('_', '-')}")
        self.seed = start["seed"]
        self.train_button = w.Button(description="Train", button_style="primary", icon="play")
        self.stop_button = w.Button(description="Stop", icon="stop", disabled=True)
        self.reset_button = w.Button(description="Reset", icon="undo")
        self.progress = w.FloatProgress(value=0.0, min=0.0, max=1.0, description="progress")
        self.readout = w.HTML()
        self.status = w.HTML()
        self.plot = w.Output()
        for part, name in [
            (self.train_button, "train"),
            (self.stop_button, "stop"),
            (self.reset_button, "reset"),
            (self.progress, "progress"),
            (self.readout, "readout"),
            (self.status, "status"),
            (self.plot, "plot"),
        ]:
            part.add_class(f"mlp-bnd-{name}")
        # Three columns of controls (data, network, training) above the picture: about
        # 900 pixels wide, so it fits a notebook column in JupyterLab and on Colab.
        columns = [
            ["dataset", "n", "noise", "train_ratio"],
            ["hidden", "activation", "l2"],
            ["optimizer", "lr", "beta", "batch_size", "epochs"],
        ]
        self.widget = w.VBox(
            [
                w.HBox([w.VBox([self.controls[key] for key in keys]) for keys in columns]),
                w.HBox([self.train_button, self.stop_button, self.reset_button, self.progress]),
                self.readout,
                self.plot,
                self.status,
            ]
        )
        self.widget.add_class("mlp-bnd")
        self.train_button.on_click(self._on_train)
        self.stop_button.on_click(self._on_stop)
        self.reset_button.on_click(self._on_reset)
        self.controls["optimizer"].observe(self._on_optimizer, names="value")
        for key in ("dataset", "n", "noise", "train_ratio"):
            self.controls[key].observe(self._on_data_change, names="value")
        self.controls["beta"].disabled = start["optimizer"] == "sgd"
        self._show_data()
        self._set_status("Press Train to train a network on the training points.")

    # ------------------------------------------------------------------ public API
    def settings(self) -> dict:
        """The settings the controls show now (hidden sizes as typed; see ``check_settings``)."""
        values = {key: control.value for key, control in self.controls.items()}
        values["seed"] = self.seed
        return values

    def run(self, **changes) -> BoundaryRun:
        """Train once with the controls' settings, changed by ``changes``; return the run.

        The same code as the Train button, but it waits for the run to finish and raises
        ValueError for bad settings (the button shows them as a message instead).
        Example: ``playground.run(dataset="spirals", hidden="16, 16", lr=0.3)``.
        """
        if self.running:
            raise RuntimeError("a run is in progress; wait for it (playground.wait()) or Stop it")
        settings = check_settings({**self.settings(), **changes})
        self.stop_event.clear()
        self._set_busy(True)
        try:
            return self._execute(settings, time.perf_counter())
        finally:
            self._set_busy(False)

    @property
    def running(self) -> bool:
        """True while a run is training."""
        return self._busy

    def wait(self, timeout: float | None = None) -> None:
        """Block until the run started by the Train button has finished."""
        if self._thread is not None:
            self._thread.join(timeout)

    def stop(self) -> None:
        """Ask the current run to stop after its current step (what the Stop button does)."""
        self.stop_event.set()

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
    def _on_train(self, _button=None) -> None:
        pressed = time.perf_counter()
        if self.running:
            self._set_status("A run is in progress: wait for it or press Stop.", error=True)
            return
        try:
            settings = check_settings(self.settings())
        except ValueError as err:
            self._set_status(f"Not started: {err}", error=True)
            return
        self.stop_event.clear()  # here, not in the thread: a quick Stop must not be lost
        self._set_busy(True)  # before the thread starts, so a fast run cannot finish first
        if self.threaded:
            self._thread = threading.Thread(
                target=self._execute_safely, args=(settings, pressed), daemon=True
            )
            self._thread.start()
        else:
            self._execute_safely(settings, pressed)

    def _on_stop(self, _button=None) -> None:
        if self.running:
            self.stop()
            self._set_status("Stopping after the current step…")

    def _on_reset(self, _button=None) -> None:
        if self.running:
            self._set_status("A run is in progress: stop it before resetting.", error=True)
            return
        self.runs.clear()
        self.progress.value = 0.0
        self.readout.value = ""
        self._show_data()
        self._set_status("Reset: the runs are forgotten. Press Train to start again.")

    def _on_optimizer(self, change: dict) -> None:
        self.controls["beta"].disabled = change["new"] == "sgd"

    def _on_data_change(self, change: dict) -> None:
        if not self.running:
            self._show_data()

    # ------------------------------------------------------------------ training
    def _execute_safely(self, settings: dict, pressed: float) -> None:
        """Run ``_execute``; report any error in the status line instead of raising."""
        try:
            self._execute(settings, pressed)
        except Exception as err:  # keep the widget (and the kernel) usable
            self._set_status(f"The run failed: {type(err).__name__}: {err}", error=True)
        finally:
            self._set_busy(False)

    def _execute(self, s: dict, pressed: float) -> BoundaryRun:
        """Train one network with the checked settings ``s``; record and show the run."""
        X_train, y_train, X_test, y_test = data = self.data(s)
        init = "he" if s["activation"] == "relu" else "xavier"
        sizes = [2, *s["hidden"], 2]
        net = Network(sizes, s["activation"], "cross-entropy", init, s["l2"], seed=s["seed"])
        optimizer = make_optimizer(s["optimizer"], s["lr"], s["beta"])
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
            optimizer=optimizer,
            epochs=s["epochs"],
            batch_size=s["batch_size"],
            seed=s["seed"],
            X_val=X_test,
            y_val=y_test,
            callbacks=[live],
        )
        seconds = time.perf_counter() - start
        self._redraw(net, history, time.perf_counter() - pressed)
        train_acc = test_acc = test_loss = None
        if not history.diverged:
            train_acc = evaluate(net, X_train, y_train)[1]
            test_loss, test_acc = evaluate(net, X_test, y_test)
        problem = overshoot_message(history)
        run = BoundaryRun(
            number,
            s,
            history,
            net,
            train_acc,
            test_acc,
            test_loss,
            seconds,
            live.first_redraw,
            problem,
        )
        self.runs.append(run)
        if history.diverged:
            self._set_status(f"Run {number}: {problem}", error=True)
        elif problem:
            self._set_status(f"{run!r}. {problem}", error=True)
        else:
            note = f" {history.message}" if history.message else ""
            self._set_status(f"{run!r}, in {seconds:.1f} s.{note}")
        return run

    # ------------------------------------------------------------------- display
    def _redraw(self, net: Network, history: History, seconds: float) -> None:
        total = history.settings.get("epochs", 0) * history.steps_per_epoch
        self.progress.value = history.steps_done / total if total else 0.0
        self.readout.value = html.escape(progress_text(history, seconds))
        self._picture.update(net, history)
        show_figure(self.plot, self._picture.fig)
        self.redraws += 1

    def _show_data(self) -> None:
        """Draw the current data alone (no network yet)."""
        epochs = self.controls["epochs"].value
        previous = self.runs[-1].history if self.runs else None
        self._picture = BoundaryFigure(self.data(), epochs, previous)
        show_figure(self.plot, self._picture.fig)

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status_text = text
        color = "#D55E00" if error else "inherit"
        self.status.value = f'<span style="color:{color}">{html.escape(text)}</span>'

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for control in self.controls.values():
            control.disabled = busy
        if not busy:
            self.controls["beta"].disabled = self.controls["optimizer"].value == "sgd"
        self.train_button.disabled = busy
        self.reset_button.disabled = busy
        self.stop_button.disabled = not busy


def _with_choice(choices: list[tuple[str, object]], value) -> list[tuple[str, object]]:
    """``choices`` plus ``(str(value), value)`` if ``value`` is not among them yet."""
    if any(v == value for _, v in choices):
        return choices
    return [*choices, (str(value), value)]


def _plain_log_labels(ax) -> None:
    """Label a log axis 0.01, 0.1, 1 without minor ticks: much faster to draw than 10⁻²."""
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:g}"))
    ax.yaxis.set_minor_locator(NullLocator())
