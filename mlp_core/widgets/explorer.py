"""The hyperparameter explorer: train small networks from a panel of controls, compare runs.

Pick the hidden layer sizes, activation, loss, initialisation, optimizer and its beta,
learning rate, batch size, L2 strength, epochs and training-set size, then press **Train**.
Every run is kept: its curves are overlaid on the earlier ones (the legend names its
settings) and it gets a row in the table of runs (final train / validation / test accuracy
and seconds). Choosing a run in "show run" draws its confusion matrix and the validation
digits it got wrong, with the probability it gave its (wrong) answer (drawn only when
asked for: each figure takes a moment).

A run whose loss blows up (a learning rate far too high) stops with a message saying at
which step it diverged; the earlier runs stay, and the kernel is fine.

Training runs in a background thread, so the page stays responsive and **Stop** works: it
sets a flag that the run's callback turns into ``StopTraining``. Without a browser, call
``explorer.run(lr=0.05, ...)``: it runs the same code as the Train button (and waits for
it), and ``explorer.figure()`` returns the curves of all runs as a static figure.
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from ..activations import HIDDEN_ACTIVATIONS
from ..data import Dataset, load_mnist, train_val_split
from ..initializers import INIT_SCHEMES
from ..losses import LOSSES
from ..metrics import confusion_matrix
from ..network import Network
from ..optimizers import OPTIMIZERS, make_optimizer
from ..plots import describe, plot_confusion_matrix, plot_digits, plot_history
from ..training import Callback, History, StopTraining, evaluate, fit
from ._common import (
    WidgetView,
    check_common_settings,
    detach,
    require_widgets,
    set_tooltip,
    show_figure,
    show_text,
)
from .monitor import Throttle, show_progress

DEFAULTS = {
    "hidden": (100,),  # widths of the hidden layers; () = no hidden layer
    "activation": "relu",
    "loss": "cross-entropy",
    "init": "he",
    "optimizer": "sgd",
    "beta": 0.9,
    "lr": 0.1,
    "batch_size": 32,  # 1 = one sample per step, 0 = full batch
    "l2": 0.0,
    "epochs": 5,
    "n_train": 5000,
    "seed": 0,
}
LOSS_CHOICES = [("softmax + cross-entropy", "cross-entropy"), ("sigmoid + MSE", "mse")]
BATCH_CHOICES = [("1 (one sample)", 1), ("8", 8), ("32", 32), ("128", 128), ("512", 512)]
BATCH_CHOICES += [("full batch", 0)]
L2_CHOICES = [("0 (off)", 0.0), ("1e-5", 1e-5), ("1e-4", 1e-4), ("1e-3", 1e-3), ("1e-2", 1e-2)]
TOOLTIPS = {
    "hidden": "widths of the hidden layers, separated by commas: 100 or 128, 64 (empty: none)",
    "beta": "momentum: the fraction of the previous update that is kept (SGD has none)",
    "lr": "learning rate (log scale): how far each update moves the weights",
    "batch_size": "samples per update: 1 = one at a time, full batch = all of them",
    "l2": "weight decay: l2 * W is added to every weight gradient",
    "n_train": "how many training samples to use (a random subset, chosen with the seed)",
    "seed": "seeds the first weights, the training subset and the shuffling",
}
BLOWUP_WINDOW, BLOWUP_FACTOR = 10, 3  # see _RunCallback
MAX_OVERLAY = 8  # the curves show at most this many runs (the newest), one colour each


def parse_hidden(text: str | int | tuple | list) -> tuple[int, ...]:
    """Hidden layer widths from text like ``"100"`` or ``"128, 64"`` ("" = no hidden layer).

    Also accepts an int or a sequence of ints. Returns a tuple of positive ints.
    """
    if isinstance(text, str):
        items = [t.strip() for t in text.replace(";", ",").split(",") if t.strip()]
        if not all(t.isdigit() for t in items):
            raise ValueError(
                f"hidden sizes {text!r}: write layer widths separated by commas, e.g. 100 or "
                "128, 64 (leave empty for no hidden layer)"
            )
        sizes = tuple(int(t) for t in items)
    else:
        sizes = (text,) if isinstance(text, (int, np.integer)) else tuple(text)
    if not all(isinstance(n, (int, np.integer)) and n >= 1 for n in sizes):
        raise ValueError(f"hidden sizes {text!r}: every layer needs at least 1 unit")
    return tuple(int(n) for n in sizes)


def check_settings(settings: dict, n_available: int) -> dict:
    """Validate a complete settings dict (the keys of ``DEFAULTS``); return a cleaned copy.

    n_available: how many training samples there are. Raises ValueError naming the
    setting and what is allowed.
    """
    unknown = set(settings) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}; known: {list(DEFAULTS)}")
    s = {**DEFAULTS, **settings}
    s["hidden"] = parse_hidden(s["hidden"])
    check_common_settings(
        s,
        [
            ("activation", list(HIDDEN_ACTIVATIONS)),
            ("loss", list(LOSSES)),
            ("init", list(INIT_SCHEMES)),
            ("optimizer", list(OPTIMIZERS)),
        ],
    )
    for key in ("epochs", "n_train", "batch_size", "seed"):
        if not isinstance(s[key], (int, np.integer)) or isinstance(s[key], bool):
            raise ValueError(f"{key}={s[key]!r} must be a whole number")
    if s["epochs"] < 1:
        raise ValueError(f"epochs={s['epochs']} must be at least 1")
    if not 1 <= s["n_train"] <= n_available:
        raise ValueError(
            f"training-set size {s['n_train']} must be between 1 and {n_available} "
            "(the training samples available)"
        )
    if s["batch_size"] < 0:
        raise ValueError(f"batch size {s['batch_size']} must be >= 1, or 0 for full batch")
    if s["batch_size"] > s["n_train"]:
        raise ValueError(
            f"batch size {s['batch_size']} is larger than the training set "
            f"({s['n_train']} samples): pick a smaller batch, 'full batch', or more samples"
        )
    if s["seed"] < 0:
        raise ValueError(f"seed={s['seed']} must be >= 0")
    return s


@dataclass
class Run:
    """One finished training run of the explorer.

    settings: the explorer settings used (keys of ``DEFAULTS``); label: its short name;
    history: what ``fit`` recorded; net: the trained network; seconds: wall-clock time of
    ``fit``; the accuracies are measured after training (None if the run diverged).
    """

    number: int
    settings: dict
    label: str
    history: History
    net: Network
    seconds: float
    train_accuracy: float | None
    val_accuracy: float | None
    test_accuracy: float | None

    @property
    def note(self) -> str:
        """Empty for a normal run, else why it ended early."""
        h = self.history
        if h.diverged:
            return f"diverged at step {h.diverged_at_step}"
        return "stopped early" if h.stopped_early else ""

    def __repr__(self) -> str:  # no seconds: stable text for notebooks checked by nbval
        if self.history.diverged:
            return f"Run {self.number}: {self.label}: {self.note}"
        accs = [
            f"{name} {100 * acc:.2f}%"
            for name, acc in [
                ("train", self.train_accuracy),
                ("validation", self.val_accuracy),
                ("test", self.test_accuracy),
            ]
            if acc is not None
        ]
        note = f" ({self.note})" if self.note else ""
        return f"Run {self.number}: {self.label}: {', '.join(accs)}{note}"


class _RunCallback(Callback):
    """Connects a running ``fit`` to the explorer: progress, live curves, the Stop flag,
    and the blow-up check.

    ``fit`` itself only stops when the loss becomes NaN or infinite. Cross-entropy clips
    probabilities (so its loss stays below about 16) and a dead ReLU network just sits at a
    high loss, so a learning rate far too high rarely gets that far. The explorer therefore
    also calls a run diverged when its loss, averaged over the last ``BLOWUP_WINDOW``
    steps, exceeds ``BLOWUP_FACTOR`` times the loss of a network whose output scores are
    all zero (uniform guessing: ln 10 = 2.3 for cross-entropy on digits).
    """

    def __init__(self, explorer: HyperparameterExplorer, label: str, net: Network, lr: float):
        self.explorer, self.label, self.lr = explorer, label, lr
        # A run shorter than the interval gets only its final drawing, which comes soon.
        self.curves = Throttle(explorer.interval, wait_first=True)
        self.readout = Throttle(0.1)
        self.start = time.perf_counter()
        k = net.sizes[-1]
        guess = net.output_activation(np.zeros((1, k), net.dtype))  # all scores 0
        self.guess_loss = net.data_loss(guess, np.eye(k, dtype=net.dtype)[:1])

    def on_step_end(self, history: History) -> None:
        if self.explorer.stop_event.is_set():
            raise StopTraining(f"Stopped by the Stop button after {history.steps_done} steps.")
        recent = history.step_loss[-BLOWUP_WINDOW:]
        mean = sum(recent) / len(recent)
        if mean > BLOWUP_FACTOR * self.guess_loss:
            history.diverged_at_step = history.steps_done
            raise StopTraining(
                f"Training diverged at step {history.steps_done}: the loss rose to {mean:.1f} "
                f"(mean of the last {len(recent)} steps), more than {BLOWUP_FACTOR} times the "
                f"{self.guess_loss:.2f} of guessing uniformly. The learning rate "
                f"({self.lr:g}) is probably too large; try one 3-10 times smaller."
            )
        if self.readout.due():
            started = time.perf_counter()
            self.explorer._show_progress(history, started - self.start)
            self.readout.done(started)

    def on_epoch_end(self, history: History) -> None:
        if self.curves.due():
            started = time.perf_counter()
            self.explorer._show_progress(history, started - self.start)
            self.explorer._draw_curves(live=(self.label, history))
            self.curves.done(started)


class HyperparameterExplorer(WidgetView):
    """Controls, a Train button, overlaid curves and a table of every run.

    data: a ``Dataset`` (default: MNIST via ``load_mnist()``, loaded at the first run). Any
        object with ``X_train, y_train, X_val, y_val, X_test, y_test`` (rows are samples) and
        ``classes`` works. With no validation split, ``n_validation`` training samples are
        split off (seeded) for validation.
    max_train: largest training-set size the slider offers (default: all available).
    threaded: train in a background thread (default) so Stop works and the page stays
        responsive; False runs in the button's handler (useful in tests).
    interval: shortest time in seconds between two redraws of the curves during a run.
    defaults: starting values of the controls, e.g. ``lr=0.05, hidden="128, 64"``
        (the keys of ``DEFAULTS``).

    ``runs`` lists the finished runs (:class:`Run`); ``status_text`` is the last message.
    """

    title = "Hyperparameter explorer"

    def __init__(
        self,
        data: Dataset | None = None,
        *,
        n_validation: int = 5000,
        max_train: int | None = None,
        threaded: bool = True,
        interval: float = 0.5,
        dpi: int = 80,
        **defaults,
    ) -> None:
        widgets = require_widgets()
        self.threaded, self.interval, self.dpi = threaded, interval, dpi
        self.n_validation = n_validation
        self.runs: list[Run] = []
        self.status_text = ""
        self.shown_confusion: np.ndarray | None = None  # of the run shown in the details
        self.stop_event = threading.Event()
        self._thread: threading.Thread | None = None
        self._data: dict | None = None
        self._counter = 0
        if data is not None:
            self._data = self._prepare(data)
            n_available = len(self._data["X_train"])
        else:
            n_available = 60_000 - min(n_validation, 60_000 // 5)  # MNIST, as _prepare splits it
        self.n_available = min(n_available, max_train) if max_train else n_available
        start = {**DEFAULTS, "n_train": min(DEFAULTS["n_train"], self.n_available), **defaults}
        start = check_settings(start, self.n_available)

        # ------------------------------------------------------------------ controls
        wide = {"description_width": "initial"}
        c = {
            "hidden": widgets.Text(
                value=", ".join(str(n) for n in start["hidden"]),
                description="hidden layers",
                placeholder="e.g. 100 or 128, 64",
                continuous_update=False,
                style=wide,
            ),
            "activation": widgets.Dropdown(
                options=list(HIDDEN_ACTIVATIONS),
                value=start["activation"],
                description="activation",
            ),
            "loss": widgets.Dropdown(
                options=LOSS_CHOICES, value=start["loss"], description="output + loss", style=wide
            ),
            "init": widgets.Dropdown(
                options=list(INIT_SCHEMES), value=start["init"], description="init"
            ),
            "optimizer": widgets.Dropdown(
                options=[("SGD", "sgd"), ("momentum", "momentum"), ("Nesterov", "nesterov")],
                value=start["optimizer"],
                description="optimizer",
            ),
            "beta": widgets.FloatSlider(
                value=start["beta"], min=0.0, max=0.99, step=0.01, description="β"
            ),
            "lr": widgets.FloatLogSlider(
                value=start["lr"],
                base=10,
                min=-4,
                max=1.5,
                step=0.1,
                description="learning rate",
                style=wide,
            ),
            "batch_size": widgets.Dropdown(
                options=_with_choice(BATCH_CHOICES, start["batch_size"]),
                value=start["batch_size"],
                description="batch size",
            ),
            "l2": widgets.Dropdown(
                options=_with_choice(L2_CHOICES, start["l2"]), value=start["l2"], description="L2"
            ),
            "epochs": widgets.IntSlider(value=start["epochs"], min=1, max=50, description="epochs"),
            "n_train": widgets.IntSlider(
                value=start["n_train"],
                min=min(100, self.n_available),
                max=self.n_available,
                step=100 if self.n_available >= 1000 else 1,
                description="training samples",
                style=wide,
            ),
            "seed": widgets.BoundedIntText(
                value=start["seed"], min=0, max=10**6, description="seed", layout={"width": "160px"}
            ),
        }
        self.controls = c
        for name, control in c.items():
            control.add_class(f"mlp-explorer-{name.replace('_', '-')}")
            if name in TOOLTIPS:
                set_tooltip(control, TOOLTIPS[name])
        c["beta"].disabled = start["optimizer"] == "sgd"
        c["optimizer"].observe(self._on_optimizer, names="value")

        self.train_button = widgets.Button(description="Train", button_style="primary", icon="play")
        self.stop_button = widgets.Button(description="Stop", icon="stop", disabled=True)
        self.clear_button = widgets.Button(description="Clear runs", icon="trash")
        self.status = widgets.HTML("Choose settings and press Train.")
        self.progress = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, description="progress")
        self.readout = widgets.HTML("")
        self.plot = widgets.Output()
        self.table = widgets.HTML(self._table_html(), layout={"overflow": "auto"})
        self.select = widgets.Dropdown(options=[], value=None, description="show run")
        self.details = widgets.Output()
        self.train_button.on_click(self._on_train)
        self.stop_button.on_click(self._on_stop)
        self.clear_button.on_click(self._on_clear)
        self.select.observe(self._on_select, names="value")

        row = {"flex_flow": "row wrap"}
        self.widget = widgets.VBox(
            [
                widgets.HBox([c["hidden"], c["activation"], c["loss"], c["init"]], layout=row),
                widgets.HBox([c["optimizer"], c["beta"], c["lr"]], layout=row),
                widgets.HBox([c["batch_size"], c["l2"], c["epochs"]], layout=row),
                widgets.HBox([c["n_train"], c["seed"]], layout=row),
                widgets.HBox([self.train_button, self.stop_button, self.clear_button]),
                self.status,
                widgets.HBox([self.progress, self.readout]),
                self.plot,
                self.table,
                self.select,
                self.details,
            ]
        )
        for part, name in [
            (self.widget, "mlp-explorer"),
            (self.train_button, "mlp-explorer-train"),
            (self.stop_button, "mlp-explorer-stop"),
            (self.clear_button, "mlp-explorer-clear"),
            (self.status, "mlp-explorer-status"),
            (self.progress, "mlp-explorer-progress"),
            (self.readout, "mlp-explorer-readout"),
            (self.plot, "mlp-explorer-plot"),
            (self.table, "mlp-explorer-table"),
            (self.select, "mlp-explorer-select"),
            (self.details, "mlp-explorer-details"),
        ]:
            part.add_class(name)

    # ------------------------------------------------------------------ public API
    def settings(self) -> dict:
        """The settings the controls show now, checked (raises ValueError if they are bad)."""
        return check_settings(self._control_values(), self.n_available)

    def run(self, **changes) -> Run:
        """Train once with the controls' settings, changed by ``changes``; return the Run.

        The same code as the Train button, but it waits for the run to finish and raises
        ValueError for bad settings (the button shows them as a message instead). The
        controls keep their values. Example:
        ``explorer.run(lr=0.05, optimizer="nesterov", hidden="128, 64")``.
        """
        if self.running:
            raise RuntimeError("a run is in progress; wait for it (explorer.wait()) or press Stop")
        settings = check_settings({**self._control_values(), **changes}, self.n_available)
        self._set_busy(True)
        try:
            return self._execute(settings)
        finally:
            self._set_busy(False)

    @property
    def running(self) -> bool:
        """True while a run started from the Train button is training."""
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the run started by the Train button has finished."""
        if self._thread is not None:
            self._thread.join(timeout)

    def stop(self) -> None:
        """Ask the current run to stop after its current step (what the Stop button does)."""
        self.stop_event.set()

    def rows(self) -> list[dict]:
        """The table of runs as dicts: number, settings label, accuracies, seconds, note."""
        return [
            {
                "run": r.number,
                "settings": r.label,
                "n_train": r.settings["n_train"],
                "epochs": r.history.epochs_done,
                "train_accuracy": r.train_accuracy,
                "val_accuracy": r.val_accuracy,
                "test_accuracy": r.test_accuracy,
                "seconds": r.seconds,
                "note": r.note,
            }
            for r in self.runs
        ]

    def figure(self) -> Figure:
        """The curves of the newest runs (up to 8) as a static figure.

        End a notebook cell with ``explorer.figure()`` to show it (also without a browser,
        e.g. under nbconvert or nbval); in a script, save it with ``.savefig(path)``.
        """
        if not self.runs:
            raise ValueError("there are no runs yet: press Train or call explorer.run() first")
        return detach(self._curves_figure({f"#{r.number} {r.label}": r.history for r in self.runs}))

    def show_run(self, number: int) -> None:
        """Show the confusion matrix and misclassified digits of run ``number``."""
        run = next((r for r in self.runs if r.number == number), None)
        if run is None:
            raise ValueError(f"there is no run {number}; runs: {[r.number for r in self.runs]}")
        self.shown_confusion = None
        if run.history.diverged:
            show_text(
                self.details,
                f"Run {number} {run.note}: its weights are not usable, so there is no "
                "confusion matrix. Try a learning rate 3-10 times smaller.",
            )
            return
        X, y, split = self._data["X_val"], self._data["y_val"], "validation"
        if len(X) == 0:
            X, y, split = self._data["X_test"], self._data["y_test"], "test"
        P = run.net.predict_proba(X)
        pred = P.argmax(axis=1)
        C = confusion_matrix(y, pred, n_classes=P.shape[1])
        self.shown_confusion = C
        classes = self._data["classes"]
        if [str(c) for c in classes] == [str(k) for k in range(len(classes))]:
            classes = None  # the labels are their own names (digits)
        figs = [
            plot_confusion_matrix(
                C, classes=classes, title=f"Run {number}: confusion matrix ({split} data)"
            )
        ]
        wrong = np.flatnonzero(pred != y)
        if X.shape[1] == 784 and len(wrong):  # images: show the digits it got wrong
            figs.append(
                plot_digits(
                    X[wrong],
                    y[wrong],
                    probs=P[wrong],
                    n=10,
                    classes=classes,
                    title=f"Run {number}: {len(wrong)} of {len(y)} {split} samples wrong "
                    "(label→prediction, probability of the prediction)",
                )
            )
        show_figure(self.details, *figs, dpi=self.dpi)

    # --------------------------------------------------------------- the handlers
    def _on_train(self, _button=None) -> None:
        if self.running:
            self._set_status("A run is in progress: wait for it or press Stop.", error=True)
            return
        try:
            settings = self.settings()
        except ValueError as err:
            self._set_status(f"Not started: {err}", error=True)
            return
        self._set_busy(True)  # before the thread starts, so a fast run cannot finish first
        if self.threaded:
            self._thread = threading.Thread(target=self._execute_safely, args=(settings,))
            self._thread.start()
        else:
            self._execute_safely(settings)

    def _on_stop(self, _button=None) -> None:
        if self.running:
            self.stop()
            self._set_status("Stopping after the current step…")

    def _on_clear(self, _button=None) -> None:
        if self.running:
            self._set_status("A run is in progress: stop it before clearing.", error=True)
            return
        self.runs.clear()
        self._list_runs()
        self.table.value = self._table_html()
        self.plot.outputs = ()
        self._set_status("Cleared all runs.")

    def _on_select(self, change: dict) -> None:
        if change["new"] is not None:
            self.show_run(change["new"])

    def _on_optimizer(self, change: dict) -> None:
        self.controls["beta"].disabled = change["new"] == "sgd"

    # ------------------------------------------------------------------ training
    def _control_values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def _execute_safely(self, settings: dict) -> None:
        """Run ``_execute``; report any error in the status line instead of raising."""
        try:
            self._execute(settings)
        except Exception as err:  # keep the widget (and the kernel) usable
            self._set_status(f"The run failed: {type(err).__name__}: {err}", error=True)
        finally:
            self._set_busy(False)

    def _execute(self, s: dict) -> Run:
        """Train one network with the checked settings ``s``, record and show the run."""
        self.stop_event.clear()
        if self._data is None:
            self._set_status("Loading MNIST (first run only)…")
            self._data = self._prepare(load_mnist())
        d = self._data
        rng = np.random.default_rng(s["seed"])
        subset = rng.choice(len(d["X_train"]), size=s["n_train"], replace=False)
        X, y = d["X_train"][subset], d["y_train"][subset]
        sizes = [X.shape[1], *s["hidden"], len(d["classes"])]
        net = Network(sizes, s["activation"], s["loss"], s["init"], s["l2"], seed=s["seed"])
        optimizer = make_optimizer(s["optimizer"], s["lr"], s["beta"])
        self._counter += 1
        number = self._counter
        label = describe({"sizes": sizes, **s})
        if s["n_train"] != DEFAULTS["n_train"]:
            label += f" n={s['n_train']}"
        self._set_status(f"Run {number} is training: {label}")
        has_val = len(d["X_val"]) > 0
        start = time.perf_counter()
        history = fit(
            net,
            X,
            y,
            optimizer=optimizer,
            epochs=s["epochs"],
            batch_size=s["batch_size"],
            seed=s["seed"],
            X_val=d["X_val"] if has_val else None,
            y_val=d["y_val"] if has_val else None,
            callbacks=[_RunCallback(self, f"#{number} {label}", net, s["lr"])],
        )
        seconds = time.perf_counter() - start
        accs: list[float | None] = [None, None, None]
        if not history.diverged:
            accs[0] = evaluate(net, X, y)[1]
            accs[1] = evaluate(net, d["X_val"], d["y_val"])[1] if has_val else None
            accs[2] = evaluate(net, d["X_test"], d["y_test"])[1] if len(d["X_test"]) else None
        run = Run(number, s, label, history, net, seconds, *accs)
        self.runs.append(run)
        self._show_progress(history, seconds)
        self._draw_curves()
        self.table.value = self._table_html()
        if history.diverged:
            self._set_status(
                f"Run {number}: {history.message} The earlier runs are kept.", error=True
            )
        elif history.stopped_early:
            self._set_status(f"{history.message} {run!r}")
        else:
            self._set_status(f"Run {number} finished in {_seconds(seconds)} s: {run!r}")
        self._list_runs()
        return run

    def _prepare(self, data) -> dict:
        """The arrays of ``data``, with a validation split made if it has none."""
        names = ("X_train", "y_train", "X_val", "y_val", "X_test", "y_test")
        d: dict = {name: np.asarray(getattr(data, name)) for name in names}
        if len(d["X_train"]) == 0 or d["X_train"].ndim != 2:
            raise ValueError("data.X_train must be a non-empty (m, n_features) array")
        n_classes = int(max(d["y_train"].max(), d["y_test"].max(initial=0))) + 1
        d["classes"] = list(getattr(data, "classes", None) or range(n_classes))
        if len(d["X_val"]) == 0 and self.n_validation > 0:
            n_val = min(self.n_validation, len(d["X_train"]) // 5)
            d["X_train"], d["y_train"], d["X_val"], d["y_val"] = train_val_split(
                d["X_train"], d["y_train"], n_val, seed=0
            )
        return d

    # ------------------------------------------------------------------- display
    def _list_runs(self) -> None:
        """Offer the runs, newest first, in "show run", with none chosen yet."""
        self.select.unobserve(self._on_select, names="value")
        self.select.options = [(f"#{r.number} {r.label}", r.number) for r in self.runs[::-1]]
        self.select.value = None
        self.select.observe(self._on_select, names="value")
        self.shown_confusion = None
        self.details.outputs = ()
        if self.runs:
            show_text(self.details, "Choose a run in 'show run' to see its details.")

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status_text = text
        color = "#D55E00" if error else "inherit"
        self.status.value = f'<span style="color:{color}">{html.escape(text)}</span>'

    def _set_busy(self, busy: bool) -> None:
        for control in self.controls.values():
            control.disabled = busy
        if not busy:
            self.controls["beta"].disabled = self.controls["optimizer"].value == "sgd"
        self.train_button.disabled = busy
        self.clear_button.disabled = busy
        self.stop_button.disabled = not busy

    def _show_progress(self, history: History, seconds: float) -> None:
        show_progress(self.progress, self.readout, history, seconds)

    def _draw_curves(self, live: tuple[str, History] | None = None) -> None:
        runs = {f"#{r.number} {r.label}": r.history for r in self.runs}
        if live is not None:
            runs[live[0]] = live[1]
        show_figure(self.plot, self._curves_figure(runs), dpi=self.dpi)

    def _curves_figure(self, runs: dict[str, History]) -> Figure:
        names = list(runs)[-MAX_OVERLAY:]
        title = "Loss and accuracy per epoch"
        if len(runs) > MAX_OVERLAY:
            title += f" (the newest {MAX_OVERLAY} of {len(runs)} runs)"
        return plot_history({name: runs[name] for name in names}, title=title)

    def _table_html(self) -> str:
        head = ["run", "settings", "samples", "epochs", "train", "validation", "test"]
        head += ["seconds", "note"]
        rows = []
        for r in self.rows():
            cells = [f"#{r['run']}", html.escape(r["settings"]), r["n_train"], r["epochs"]]
            cells += [_percent(r[k]) for k in ("train_accuracy", "val_accuracy", "test_accuracy")]
            cells += [_seconds(r["seconds"]), html.escape(r["note"])]
            rows.append("<tr>" + "".join(f'<td style="{PAD}">{c}</td>' for c in cells) + "</tr>")
        return (
            '<table class="mlp-runs" style="border-collapse:collapse">'
            + "<thead><tr>"
            + "".join(f'<th style="{PAD}">{h}</th>' for h in head)
            + "</tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
            + ("" if rows else "<p>No runs yet.</p>")
        )


PAD = "padding:1px 6px; text-align:left; white-space:nowrap"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.2f}%"


def _with_choice(choices: list[tuple[str, object]], value) -> list[tuple[str, object]]:
    """The dropdown choices, plus ``value`` if it is not one of them (a custom default)."""
    if any(v == value for _, v in choices):
        return choices
    return [*choices, (str(value), value)]


def _seconds(seconds: float) -> str:
    """A duration for the table and status line: 0.03, 0.8, 12.4 (no "0.0" for short runs)."""
    return f"{seconds:.2f}" if seconds < 1 else f"{seconds:.1f}"
