"""Tests for the optimizer playground and the decision-boundary playground.

No browser is needed: the tests set control values, press buttons (``button.click()``) and
check the state the handlers leave behind: trajectories, runs, messages, figures.
"""

import re
import warnings

import matplotlib
import numpy as np
import pytest

from mlp_core import SGD, Momentum, Nesterov, NesterovLookAhead, evaluate
from mlp_core.toy_data import toy_split
from mlp_core.widgets.boundary_playground import (
    BoundaryPlayground,
    check_settings,
    n_train_of,
    probability_grid,
)
from mlp_core.widgets.optimizer_playground import (
    OptimizerPlayground,
    diverged_at,
    exit_step,
    make_2d_optimizer,
    make_surface,
    plot_runs,
    quadratic,
    run_optimizer,
)

matplotlib.use("Agg")

SURFACE_NAMES = ["quadratic", "valley", "saddle"]


def has_png(output) -> bool:
    """True when an Output widget shows one PNG image (what show_figure puts there)."""
    return len(output.outputs) == 1 and "image/png" in output.outputs[0]["data"]


def line_data(fig) -> list[np.ndarray]:
    """The data of every line of the figure, for comparing two drawings."""
    return [line.get_xydata().copy() for ax in fig.axes for line in ax.lines]


def same_drawing(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(x.shape == y.shape and np.allclose(x, y) for x, y in zip(a, b))


# ---------------------------------------------------------------- the surfaces
@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_gradients_match_finite_differences(name):
    surface = make_surface(name, kappa=7.0)
    rng = np.random.default_rng(0)
    for p in rng.uniform(-1.5, 1.5, (5, 2)):
        numeric = [
            (surface.f(p + h) - surface.f(p - h)) / 2e-6 for h in (np.array([1e-6, 0]), [0, 1e-6])
        ]
        np.testing.assert_allclose(surface.grad(p), numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_minima_are_stationary_with_value_f_min(name):
    surface = make_surface(name)
    for point in surface.minima:
        p = np.array(point)
        assert surface.f(p) == pytest.approx(surface.f_min)
        np.testing.assert_allclose(surface.grad(p), 0, atol=1e-12)
    assert exit_step(surface, np.array([surface.start])) is None  # the start is in view


def test_saddle_point_is_flat_but_not_a_minimum():
    s = make_surface("saddle")
    np.testing.assert_allclose(s.grad(np.zeros(2)), 0)
    assert s.f(np.zeros(2)) > s.f_min


def test_quadratic_condition_number():
    s = quadratic(kappa=100.0)
    # curvature 1/kappa along x and 1 along y: f(1, 0) = 1/200, f(0, 1) = 1/2
    assert s.f(np.array([1.0, 0.0])) == pytest.approx(0.005)
    assert s.f(np.array([0.0, 1.0])) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="kappa=0.5"):
        quadratic(0.5)
    with pytest.raises(ValueError, match="surface='bowl'"):
        make_surface("bowl")


# ------------------------------------------------------------- run_optimizer
def test_gradient_descent_first_steps_by_hand():
    s = quadratic(kappa=4.0)
    trajectory, losses = run_optimizer(s, SGD(0.5), (2.0, 1.0), steps=2)
    # grad = (x/4, y): (2, 1) -> (2 - 0.25, 1 - 0.5) = (1.75, 0.5) -> (1.53125, 0.25)
    np.testing.assert_allclose(trajectory, [[2.0, 1.0], [1.75, 0.5], [1.53125, 0.25]])
    np.testing.assert_allclose(losses, s.f(trajectory))


def test_momentum_first_steps_by_hand():
    s = quadratic(kappa=4.0)
    trajectory, _ = run_optimizer(s, Momentum(0.5, beta=0.9), (2.0, 1.0), steps=2)
    v1 = -0.5 * np.array([0.5, 1.0])  # v = beta * 0 - lr * grad(2, 1)
    p1 = np.array([2.0, 1.0]) + v1
    v2 = 0.9 * v1 - 0.5 * np.array([p1[0] / 4, p1[1]])
    np.testing.assert_allclose(trajectory[1], p1)
    np.testing.assert_allclose(trajectory[2], p1 + v2)


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_both_nesterov_forms_draw_the_same_path(name):
    s = make_surface(name)
    framework, losses_a = run_optimizer(s, Nesterov(s.lr, 0.9), s.start, 80)
    look_ahead, losses_b = run_optimizer(s, NesterovLookAhead(s.lr, 0.9), s.start, 80)
    np.testing.assert_allclose(framework, look_ahead, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(losses_a, losses_b, rtol=1e-9, atol=1e-12)
    momentum, _ = run_optimizer(s, Momentum(s.lr, 0.9), s.start, 80)
    assert not np.allclose(framework, momentum)  # and they differ from plain momentum


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_default_settings_approach_the_minimum(name):
    s = make_surface(name)
    for optimizer in ("momentum", "nesterov"):
        _, losses = run_optimizer(s, make_2d_optimizer(optimizer, s.lr, 0.9), s.start, s.steps)
        assert losses[-1] - s.f_min < 0.01 * (losses[0] - s.f_min)


def test_a_huge_learning_rate_flies_off_without_warnings():
    s = quadratic(10.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow RuntimeWarning may escape
        trajectory, losses = run_optimizer(s, SGD(50.0), s.start, 200)
    assert trajectory.shape == (201, 2) and losses.shape == (201,)
    assert exit_step(s, trajectory) == 1
    assert np.isnan(trajectory[-1]).all() and np.isnan(losses[-1])  # cut off, not inf


def test_run_optimizer_rejects_bad_input():
    s = quadratic()
    with pytest.raises(ValueError, match="steps=-1"):
        run_optimizer(s, SGD(0.1), (0, 0), -1)
    with pytest.raises(ValueError, match="start="):
        run_optimizer(s, SGD(0.1), (0, 0, 1), 5)
    with pytest.raises(ValueError, match="optimizer='adam'"):
        make_2d_optimizer("adam", 0.1, 0.9)


# ------------------------------------------------------ the optimizer playground
@pytest.fixture
def optimizer_playground():
    return OptimizerPlayground()


def test_optimizer_playground_draws_the_ticked_optimizers(optimizer_playground):
    pg = optimizer_playground
    assert list(pg.runs) == ["sgd", "momentum", "nesterov"]
    assert has_png(pg.output)
    contour, loss = pg.figure().axes[:2]
    labels = [line.get_label() for line in contour.lines]
    assert {"gradient descent", "momentum", "Nesterov"} <= set(labels)
    assert loss.get_yscale() == "log"
    assert len(pg.messages) == 3 and "after 60 steps" in pg.messages[0]
    assert pg.status.value == "<br>".join(pg.messages)
    # the drawn path is the computed one
    drawn = next(line for line in contour.lines if line.get_label() == "momentum")
    np.testing.assert_allclose(drawn.get_xydata(), pg.runs["momentum"][0])
    # hooks for browser tests, and a fixed text form for notebooks without widgets
    assert "mlp-opt-lr" in pg.lr_control._dom_classes
    assert "mlp-opt-plot" in pg.output._dom_classes
    assert "mlp-opt-status" in pg.status._dom_classes
    bundle = pg._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Optimizer playground")
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_optimizer_playground_rejects_unknown_names():
    with pytest.raises(ValueError, match="optimizer='adam'"):
        OptimizerPlayground(optimizers=("adam",))
    with pytest.raises(ValueError, match="surface='bowl'"):
        OptimizerPlayground("bowl")


def test_changing_a_control_changes_the_figure(optimizer_playground):
    pg = optimizer_playground
    before = line_data(pg.figure())
    pg.beta_control.value = 0.5
    after = line_data(pg.figure())
    assert not same_drawing(before, after)
    pg.beta_control.value = 0.9
    assert same_drawing(before, line_data(pg.figure()))  # same settings, same drawing
    pg.steps_control.value = 10
    assert len(pg.runs["sgd"][0]) == 11
    pg.x_control.value = 3.0
    np.testing.assert_allclose(pg.runs["sgd"][0][0], [3.0, pg.y_control.value])
    pg.kappa_control.value = 100.0
    assert "100" in pg.figure().axes[0].get_title()
    flat = pg.runs["sgd"][1][-1]
    pg.kappa_control.value = 1.0
    assert pg.runs["sgd"][1][-1] < flat  # a round bowl is easy


def test_surface_change_brings_its_own_settings(optimizer_playground):
    pg = optimizer_playground
    pg.surface_control.value = "valley"
    valley = make_surface("valley")
    assert (pg.x_control.min, pg.x_control.max) == valley.xlim
    assert (pg.y_control.min, pg.y_control.max) == valley.ylim
    assert (pg.x_control.value, pg.y_control.value) == valley.start
    assert pg.lr_control.value == pytest.approx(valley.lr)
    assert pg.steps_control.value == valley.steps
    assert pg.kappa_control.disabled
    assert len(pg.runs["sgd"][0]) == valley.steps + 1  # redrawn once, with the new settings
    pg.surface_control.value = "quadratic"
    assert not pg.kappa_control.disabled
    assert pg.x_control.max == 5.0


def test_look_ahead_checkbox_adds_an_identical_path(optimizer_playground):
    pg = optimizer_playground
    pg.show_controls["nesterov-lookahead"].value = True
    assert len(pg.runs) == 4
    np.testing.assert_allclose(pg.runs["nesterov-lookahead"][0], pg.runs["nesterov"][0])


def test_divergence_is_reported_at_its_step(optimizer_playground):
    pg = optimizer_playground
    pg.lr_control.value = 10.0
    assert all("diverged at step 1" in m for m in pg.messages)
    assert "diverged at step 1" in pg.status.value
    contour = pg.figure().axes[0]
    drawn = next(line for line in contour.lines if line.get_label() == "gradient descent")
    assert len(drawn.get_xydata()) == 2  # the start and the first point outside
    # lr = 1.9 < 2 is stable for gradient descent on this quadratic, not for Nesterov
    pg.lr_control.value = 1.9
    assert pg.messages[0].startswith("gradient descent: f − f_min")
    assert pg.messages[2].startswith("Nesterov: diverged at step")


def test_no_optimizer_ticked_gives_a_hint(optimizer_playground):
    pg = optimizer_playground
    for box in pg.show_controls.values():
        box.value = False
    assert pg.runs == {}
    assert pg.messages == ["Tick at least one optimizer to draw its path."]
    assert has_png(pg.output)  # the bare contour plot


# --------------------------------------------------- the boundary playground
SMALL = {"n": 200, "epochs": 60, "batch_size": 16}


@pytest.fixture
def boundary():
    return BoundaryPlayground(threaded=False, **SMALL)


def assert_numbers_agree(pg) -> None:
    """The picture's title, the readout and the status line show the same figures: those
    of the last run's final weights."""
    final = pg.runs[-1].final
    title = pg.figure().axes[0].get_title()
    for text in (title, pg.readout_text, pg.status_text):
        assert final.done in text and final.accuracies in text, (text, final)
    percents = [re.findall(r"\d+\.\d%", t) for t in (title, pg.readout_text, pg.status_text)]
    assert percents[0] == percents[1] == percents[2] and len(percents[0]) == 2


def test_boundary_playground_shows_the_data_first(boundary):
    assert has_png(boundary.plot)
    assert repr(boundary).startswith("Decision-boundary playground")
    parts = {
        "train": boundary.train_button,
        "stop": boundary.stop_button,
        "reset": boundary.reset_button,
        "status": boundary.status,
        "plot": boundary.plot,
        "hidden": boundary.controls["hidden"],
        "lr": boundary.controls["lr"],
    }
    for name, part in parts.items():  # hooks for browser tests
        assert f"mlp-bnd-{name}" in part._dom_classes
    assert "100 training points" in boundary.figure().axes[0].get_title()
    boundary.controls["train_ratio"].value = 0.7
    assert "140 training points" in boundary.figure().axes[0].get_title()
    assert boundary.runs == []


def test_train_click_records_a_run_with_the_settings(boundary):
    pg = boundary
    pg.controls["dataset"].value = "moons"
    pg.controls["optimizer"].value = "nesterov"
    pg.controls["lr"].value = 0.05
    pg.controls["hidden"].value = "8, 8"
    pg.controls["epochs"].value = 80
    pg.train_button.click()
    assert len(pg.runs) == 1
    run = pg.runs[0]
    s = run.settings
    assert (s["dataset"], s["optimizer"], s["lr"], s["hidden"]) == (
        "moons",
        "nesterov",
        0.05,
        (8, 8),
    )
    assert run.net.sizes == [2, 8, 8, 2]
    h = run.history
    assert h.settings["optimizer"] == "nesterov" and h.settings["lr"] == 0.05
    assert h.epochs_done == 80 and len(h.val_loss) == 80  # test loss every epoch
    assert h.train_loss[-1] < 0.5 * h.train_loss[0]
    assert run.test_accuracy > 0.9
    assert run.problem == ""
    assert pg.redraws >= 2 and run.first_redraw is not None
    assert has_png(pg.plot)
    assert_numbers_agree(pg)
    assert not pg.train_button.disabled and pg.stop_button.disabled  # idle again
    # the picture is the trained network's probability map
    image = pg.figure().axes[0].images[0].get_array()
    np.testing.assert_allclose(image, probability_grid(run.net, pg._picture.limit), rtol=1e-6)


def test_a_second_run_is_compared_with_the_first(boundary):
    boundary.controls["epochs"].value = 20
    boundary.train_button.click()
    boundary.controls["optimizer"].value = "sgd"
    assert boundary.controls["beta"].disabled  # beta means nothing for plain SGD
    boundary.train_button.click()
    assert [r.settings["optimizer"] for r in boundary.runs] == ["momentum", "sgd"]
    loss_axes = boundary.figure().axes[1]
    assert "previous run" in [line.get_label() for line in loss_axes.lines]


def test_a_run_on_other_data_than_the_controls_is_measured_on_its_own_data(boundary):
    assert boundary.controls["dataset"].value != "circles"
    run = boundary.run(dataset="circles", hidden="3", epochs=60)
    s = run.settings
    split = toy_split(
        "circles", s["n"], noise=s["noise"], train_ratio=s["train_ratio"], seed=s["seed"]
    )
    X_train, y_train, X_test, y_test = split
    assert run.final.train_accuracy == pytest.approx(evaluate(run.net, X_train, y_train)[1])
    assert run.final.test_accuracy == pytest.approx(evaluate(run.net, X_test, y_test)[1])
    assert_numbers_agree(boundary)


def test_run_method_applies_changes_and_rejects_bad_ones(boundary):
    run = boundary.run(dataset="circles", hidden="6", activation="tanh", epochs=20)
    assert run.settings["dataset"] == "circles" and run.net.sizes == [2, 6, 2]
    assert run.net.activation == "tanh"
    with pytest.raises(ValueError, match="hidden sizes 'x'"):
        boundary.run(hidden="x")
    assert len(boundary.runs) == 1


def test_bad_hidden_text_gives_a_message_not_a_crash(boundary):
    for text, message in [
        ("8, x", "hidden sizes '8, x'"),
        ("8, 0", "at least 1 unit"),
        ("100", "at most 6 layers of at most 64 units"),
        ("4, 4, 4, 4, 4, 4, 4", "at most 6 layers"),
    ]:
        boundary.controls["hidden"].value = text
        boundary.train_button.click()
        assert boundary.runs == []
        assert boundary.status_text.startswith("Not started:")
        assert message in boundary.status_text
        assert "#D55E00" in boundary.status.value  # shown as an error
        assert not boundary.train_button.disabled
    boundary.controls["hidden"].value = ""  # no hidden layer: a linear classifier is allowed
    boundary.controls["epochs"].value = 10
    boundary.train_button.click()
    assert boundary.runs[0].net.sizes == [2, 2]


def test_batch_larger_than_training_set_is_refused(boundary):
    boundary.controls["n"].value = 50
    boundary.controls["train_ratio"].value = 0.1  # 5 training points
    boundary.controls["batch_size"].value = 16
    boundary.train_button.click()
    assert boundary.runs == []
    assert "batch size 16 is larger than the training set (5 points" in boundary.status_text
    boundary.controls["batch_size"].value = 0  # full batch is fine
    boundary.train_button.click()
    assert len(boundary.runs) == 1 and boundary.runs[0].history.steps_per_epoch == 1


def test_too_large_learning_rate_is_reported(boundary):
    boundary.controls["optimizer"].value = "sgd"
    boundary.controls["lr"].value = 10.0
    boundary.controls["epochs"].value = 20
    boundary.train_button.click()
    run = boundary.runs[-1]
    assert "too large" in run.problem and "try one 3-10 times smaller" in run.problem
    assert run.problem in boundary.status_text
    assert "#D55E00" in boundary.status.value


def test_reset_forgets_the_runs(boundary):
    boundary.run(epochs=10)
    boundary.reset_button.click()
    assert boundary.runs == []
    assert boundary.status_text.startswith("Reset")
    image = boundary.figure().axes[0].images[0].get_array()
    assert np.ma.count(image) == 0  # no probabilities shown: the data only


def test_stop_button_ends_a_threaded_run():
    pg = BoundaryPlayground(threaded=True, n=1000, epochs=1000, batch_size=1, interval=10.0)
    pg.train_button.click()
    assert pg.running and not pg.stop_button.disabled and pg.train_button.disabled
    pg.train_button.click()  # a second Train while running is refused
    assert "in progress" in pg.status_text
    pg.stop_button.click()
    pg.wait(timeout=30)
    assert not pg.running
    (run,) = pg.runs
    assert run.history.stopped_early and run.history.epochs_done < 1000
    assert "stopped after" in pg.status_text
    assert not pg.train_button.disabled and pg.stop_button.disabled
    assert_numbers_agree(pg)  # title, readout and status agree after Stop too
    pg.controls["dataset"].value = "circles"  # another dataset: the old readout goes
    assert pg.readout_text == "" and pg.progress.value == 0


def test_threaded_run_finishes_and_draws():
    pg = BoundaryPlayground(threaded=True, dataset="xor", n=200, epochs=30)
    pg.train_button.click()
    pg.wait(timeout=60)
    (run,) = pg.runs
    assert run.history.epochs_done == 30 and pg.redraws >= 1 and has_png(pg.plot)


def test_check_settings_and_sizes():
    s = check_settings({"n": 100, "train_ratio": 0.3})
    assert n_train_of(s) == 30 and s["hidden"] == (8, 8)
    with pytest.raises(ValueError, match="unknown settings"):
        check_settings({"learning_rate": 0.1})
    with pytest.raises(ValueError, match="dataset='moon'"):
        check_settings({"dataset": "moon"})
    with pytest.raises(ValueError, match="train_ratio=1"):
        check_settings({"train_ratio": 1})


def test_optimizer_figure_says_what_it_plots_and_keeps_the_minima_clear():
    pg = OptimizerPlayground("saddle")
    contour, gap = pg.figure().axes[:2]
    assert gap.get_title().startswith("f − f_min")  # what the right panel plots
    assert contour.get_legend() is None and gap.get_legend() is None  # the widget's: below
    assert [t.get_text() for t in pg.figure().legends[0].get_texts()][0] == "gradient descent"
    surface = make_surface("saddle")
    static = plot_runs(surface, {"sgd": run_optimizer(surface, SGD(0.1), surface.start, 20)})
    assert static.axes[0].get_legend() is None and static.axes[1].get_legend() is not None
    assert quadratic(1000).formula == "f = ½(x²/1000 + y²)"  # not 1e+03
    fig = pg.figure()
    fig.canvas.draw()
    # the "step" label and the y tick labels stay inside the figure and apart
    label = gap.xaxis.label.get_window_extent()
    assert label.y0 >= 0
    ticks = [t.get_window_extent() for t in gap.get_yticklabels() if t.get_text()]
    assert all(t.x1 < gap.get_window_extent().x0 + 1 for t in ticks)
    assert all(t.x0 > contour.get_window_extent().x1 for t in ticks)


def test_the_divergence_rule_reads_f_minus_f_min():
    s = quadratic(10.0)
    _, losses = run_optimizer(s, SGD(2.5), s.start, 20)  # > 2: grows along y every step
    step = diverged_at(s, losses)
    gap = losses - s.f_min
    assert step is not None and gap[step] > 3 * gap[0] and (gap[1:step] <= 3 * gap[0]).all()
    _, calm = run_optimizer(s, SGD(0.5), s.start, 20)
    assert diverged_at(s, calm) is None
