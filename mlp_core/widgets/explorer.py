"""The hyperparameter explorer: train small networks from a panel of controls, compare runs.

Set the layers, activation, loss, initialisation, optimizer, learning rate, batch size, L2,
epochs and training-set size, then press **Train**. Every run is kept: its curves join the
earlier ones in a colour of its own, and the table of runs says what happened (epochs, where
it diverged or stopped), its train and validation accuracy and seconds. "show run" draws a
run's confusion matrix and wrong validation digits. The test accuracy stays hidden until
"evaluate on test" is pressed for the chosen run: the test set is for the end, after the
settings have been chosen by validation accuracy (the explorer counts the looks).

Training runs in a background thread (``_training.py``), so Stop works. Without a browser,
``explorer.run(lr=0.05, ...)`` runs the Train button's code and waits for it,
``explorer.figure()`` returns the curves as a static figure and
``explorer.evaluate_on_test(number)`` measures one run's test accuracy.
"""

from __future__ import annotations

import time

import numpy as np
from matplotlib.figure import Figure

from ..data import Dataset, load_mnist
from ..network import Network
from ..optimizers import make_optimizer
from ..plots import describe
from ..training import History, evaluate, fit
from . import _explorer_runs as record
from ._common import detach, parse_hidden, require_widgets, show_figure, show_text
from ._explorer_runs import MAX_OVERLAY, Run
from ._explorer_settings import DEFAULTS, check_settings, make_controls, prepare_data
from ._training import TrainingWidget, show_progress, what_happened

__all__ = ["DEFAULTS", "MAX_OVERLAY", "HyperparameterExplorer", "Run", "check_settings"]
__all__ += ["parse_hidden"]  # re-exported: tests and notebooks import them from here
CHOOSE = "Choose a run in 'show run' to see its confusion matrix and wrong digits."


class HyperparameterExplorer(TrainingWidget):
    """Controls, Train / Stop / Clear runs, overlaid curves and a table of every run.

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

    ``runs`` lists the finished runs (:class:`Run`); ``status_text`` is the last message;
    ``test_looks`` counts the runs evaluated on the test set.
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
        w = require_widgets()
        self.interval, self.dpi, self.n_validation = interval, dpi, n_validation
        self.runs: list[Run] = []
        self.test_looks = 0
        self.shown_confusion: np.ndarray | None = None  # of the run shown in the details
        self._data: dict | None = None
        self._counter = 0
        if data is not None:
            self._data = prepare_data(data, n_validation)
            n_available = len(self._data["X_train"])
        else:
            n_available = 60_000 - min(n_validation, 60_000 // 5)  # MNIST, as _prepare splits it
        self.n_available = min(n_available, max_train) if max_train else n_available
        start = {**DEFAULTS, "n_train": min(DEFAULTS["n_train"], self.n_available), **defaults}
        start = check_settings(start, self.n_available)
        self.controls, self.lr_slider, lr_box = make_controls(w, start, self.n_available)
        self._build_lifecycle(w, threaded, "mlp-explorer")
        self.locked = [self.lr_slider]
        self.controls["optimizer"].observe(self._on_optimizer, names="value")
        self._set_status("Choose settings and press Train.")
        self.progress = w.FloatProgress(value=0.0, min=0.0, max=1.0, layout={"width": "160px"})
        self.readout = w.HTML("", layout={"margin": "0 0 0 8px"})
        self.plot = w.Output()
        self.table = w.HTML(record.table_html(self.runs))
        self.select = w.Dropdown(options=[("choose a run", 0)], value=0, description="show run")
        self.test_button = w.Button(description="evaluate on test", icon="flask", disabled=True)
        self.details = w.Output()
        self.select.observe(self._on_select, names="value")
        self.test_button.on_click(self._on_test)
        c, wrap = self.controls, {"flex_flow": "row wrap"}
        self.widget = w.VBox(
            [
                w.HBox([c["hidden"], c["activation"], c["loss"], c["init"]], layout=wrap),
                w.HBox([c["optimizer"], c["beta"], lr_box], layout=wrap),
                w.HBox([c["batch_size"], c["l2"], c["epochs"]], layout=wrap),
                w.HBox([c["n_train"], c["seed"]], layout=wrap),
                w.HBox([self.train_button, self.stop_button, self.clear_button], layout=wrap),
                self.status,
                w.HBox([self.progress, self.readout], layout=wrap),
                self.plot,
                self.table,
                w.HBox([self.select, self.test_button], layout=wrap),
                self.details,
            ]
        )
        for part, name in [
            (self.widget, "mlp-explorer"),
            (self.progress, "mlp-explorer-progress"),
            (self.readout, "mlp-explorer-readout"),
            (self.plot, "mlp-explorer-plot"),
            (self.table, "mlp-explorer-table"),
            (self.select, "mlp-explorer-select"),
            (self.test_button, "mlp-explorer-test"),
            (self.details, "mlp-explorer-details"),
        ]:
            part.add_class(name)

    # ------------------------------------------------------------------ public API
    def settings(self) -> dict:
        """The settings the controls show now, checked (raises ValueError if they are bad)."""
        return self._check(self._control_values())

    def rows(self) -> list[dict]:
        """The table of runs as dicts: number, settings label, accuracies, seconds, note.

        ``test_accuracy`` is None until the run has been evaluated on the test set.
        """
        return record.table_rows(self.runs)

    def figure(self) -> Figure:
        """The curves of the newest runs (up to 8) as a static figure.

        End a notebook cell with ``explorer.figure()`` to show it (also without a browser,
        e.g. under nbconvert or nbval); in a script, save it with ``.savefig(path)``.
        """
        if not self.runs:
            raise ValueError("there are no runs yet: press Train or call explorer.run() first")
        return detach(record.curves_figure([(r.number, r.label, r.history) for r in self.runs]))

    def show_run(self, number: int) -> None:
        """Show the confusion matrix and misclassified validation digits of run ``number``."""
        run = self._find(number)
        if self.select.value != number:  # keep "show run" and the details in agreement
            self.select.value = number
            return  # _on_select calls show_run again
        self.shown_confusion = None
        self.test_button.disabled = run.history.diverged or self.running
        if run.history.diverged:
            show_text(self.details, f"Run {number} {run.note}: its weights are not usable.")
            return
        figs = record.details_figures(run, self._data)
        if not figs:
            show_text(self.details, f"Run {number}: there is no validation data to look at.")
            return
        self.shown_confusion = figs[0].confusion
        show_figure(self.details, *figs, dpi=self.dpi)

    def evaluate_on_test(self, number: int) -> float:
        """Measure run ``number``'s accuracy on the test set (what "evaluate on test" does).

        Use it once, for the run chosen by validation accuracy: every look at the test set
        makes it a little less of an unseen test. The run records the look; the table
        shows the accuracy. Returns it (in [0, 1]).
        """
        run = self._find(number)
        if run.history.diverged:
            raise ValueError(f"run {number} diverged: there is nothing to evaluate")
        if len(self._data["X_test"]) == 0:
            raise ValueError("there is no test data (data.X_test is empty)")
        if run.test_accuracy is None:
            self.test_looks += 1
            run.test_looked_at = self.test_looks
            run.test_accuracy = evaluate(run.net, self._data["X_test"], self._data["y_test"])[1]
        self.table.value = record.table_html(self.runs)
        self._set_status(
            f"Run {number} on the test set: {100 * run.test_accuracy:.2f}%. Runs looked at on "
            f"test so far: {self.test_looks}. Choose settings by validation, not by this number."
        )
        return run.test_accuracy

    # --------------------------------------------------------------- the handlers
    def _on_select(self, change: dict) -> None:
        if change["new"]:  # 0: "choose a run"
            self.show_run(change["new"])

    def _on_test(self, _button=None) -> None:
        if self.select.value:
            try:
                self.evaluate_on_test(self.select.value)
            except ValueError as err:
                self._set_status(str(err), error=True)

    def _clear(self) -> None:
        self.runs.clear()
        self._list_runs()
        self.table.value = record.table_html(self.runs)
        self.plot.outputs = ()
        self._set_status("Cleared all runs.")

    # ------------------------------------------------------------------ training
    def _check(self, values: dict) -> dict:
        return check_settings(values, self.n_available)

    def _execute(self, s: dict, pressed: float) -> Run:
        """Train one network with the checked settings ``s``, record and show the run."""
        if self._data is None:
            self._set_status("Loading MNIST (first run only)…")
            self._data = prepare_data(load_mnist(), self.n_validation)
        d = self._data
        rng = np.random.default_rng(s["seed"])
        subset = rng.choice(len(d["X_train"]), size=s["n_train"], replace=False)
        X, y = d["X_train"][subset], d["y_train"][subset]
        sizes = [X.shape[1], *s["hidden"], len(d["classes"])]
        net = Network(sizes, s["activation"], s["loss"], s["init"], s["l2"], seed=s["seed"])
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
            optimizer=make_optimizer(s["optimizer"], s["lr"], s["beta"]),
            epochs=s["epochs"],
            batch_size=s["batch_size"],
            seed=s["seed"],
            X_val=d["X_val"] if has_val else None,
            y_val=d["y_val"] if has_val else None,
            callbacks=[record.LiveCurves(self, number, label)],
        )
        seconds = time.perf_counter() - start
        train = val = None
        if not history.diverged:
            train = evaluate(net, X, y)[1]
            val = evaluate(net, d["X_val"], d["y_val"])[1] if has_val else None
        run = Run(number, s, label, history, net, seconds, train, val)
        self.runs.append(run)
        self._draw_curves()
        self.table.value = record.table_html(self.runs)
        accs = f"train {100 * train:.2f}%" if train is not None else ""
        accs += f", validation {100 * val:.2f}%" if val is not None else ""
        self._show_progress(history, seconds)  # then the final numbers, as in the status:
        self.readout.value = f"Run {number}: {what_happened(history)} · {accs or 'no accuracy'}"
        if history.diverged:
            self._set_status(f"Run {number}: {history.message} The earlier runs are kept.", True)
        elif history.stopped_early:
            self._set_status(f"Run {number}: {history.message} Then: {accs}.")
        else:
            self._set_status(f"Run {number} finished in {record.seconds_text(seconds)} s: {accs}.")
        self._list_runs()
        return run

    # ------------------------------------------------------------------- display
    def _find(self, number: int) -> Run:
        run = next((r for r in self.runs if r.number == number), None)
        if run is None:
            raise ValueError(f"there is no run {number}; runs: {[r.number for r in self.runs]}")
        return run

    def _list_runs(self) -> None:
        """Offer the runs, newest first, in "show run", with none chosen yet."""
        self.select.unobserve(self._on_select, names="value")
        options = [(f"#{r.number} {r.label}", r.number) for r in self.runs[::-1]]
        self.select.options = [("choose a run", 0), *options]  # 0, not None: shown as chosen
        self.select.value = 0
        self.select.observe(self._on_select, names="value")
        self.shown_confusion = None
        self.test_button.disabled = True
        self.details.outputs = ()
        if self.runs:
            show_text(self.details, CHOOSE)

    def _show_progress(self, history: History, seconds: float) -> None:
        show_progress(self.progress, self.readout, history, seconds)

    def _draw_curves(self, live: tuple[int, str, History] | None = None) -> None:
        runs = [(r.number, r.label, r.history) for r in self.runs]
        runs += [live] if live else []
        show_figure(self.plot, record.curves_figure(runs, short=True), dpi=self.dpi)
