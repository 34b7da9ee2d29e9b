"""Tests for mlp_core.plots: every figure is built, labelled, and shows what it was given."""

import matplotlib

matplotlib.use("Agg")  # draw without a screen

import functools
import importlib

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from mlp_core import plots
from mlp_core.network import Network
from mlp_core.optimizers import make_optimizer
from mlp_core.plots import (
    WRONG_COLOR,
    describe,
    plot_class_balance,
    plot_confusion_matrix,
    plot_digits,
    plot_history,
    plot_weights,
    use_course_style,
)
from mlp_core.training import History, fit


@pytest.fixture(autouse=True)
def no_show_and_close(monkeypatch):
    """The plot functions must never call plt.show(); close every figure after each test."""

    def fail_show(*args, **kwargs):
        raise AssertionError("plot functions must return the figure, not call plt.show()")

    monkeypatch.setattr(plt, "show", fail_show)
    yield
    plt.close("all")


@functools.cache
def tiny_run(lr: float = 0.1, optimizer: str = "sgd") -> History:
    """A real History: a [4, 8, 3] network on 64 random rows, with validation and test data.

    Cached: tests must not change the History they get.
    """
    rng = np.random.default_rng(0)
    X = rng.random((64, 4), dtype=np.float32)
    y = rng.integers(0, 3, 64)
    return fit(
        Network([4, 8, 3], seed=0),
        X,
        y,
        optimizer=make_optimizer(optimizer, lr),
        epochs=3,
        batch_size=16,
        X_val=X[:20],
        y_val=y[:20],
        X_test=X[20:40],
        y_test=y[20:40],
    )


def diverged_run() -> History:
    """A hand-built History of a run whose loss blew up at step 7 (in its second epoch)."""
    return History(
        settings={"sizes": [4, 8, 3], "optimizer": "sgd", "lr": 50.0, "batch_size": 16},
        steps_per_epoch=4,
        step_loss=[1.1, 1.5, 3.0, 9.0, 40.0, 300.0],
        train_loss=[3.6],
        train_accuracy=[0.3],
        seconds=[0.01],
        diverged_at_step=7,
        message="Training diverged at step 7",
    )


def labelled_lines(ax) -> list[str]:
    return [line.get_label() for line in ax.get_lines()]


def legend_texts(legend) -> list[str]:
    return [t.get_text() for t in legend.get_texts()]


# ------------------------------------------------------------------------ style
def test_importing_changes_no_settings_and_use_course_style_does():
    with matplotlib.rc_context():
        before = dict(matplotlib.rcParams)
        importlib.reload(plots)
        assert dict(matplotlib.rcParams) == before
        use_course_style()
        assert matplotlib.rcParams["font.size"] >= 14
        assert matplotlib.rcParams["lines.linewidth"] >= 2.5
        assert matplotlib.rcParams["axes.grid"]
        colors = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
        assert colors[:3] == plots.COLORS[:3]


def test_figures_use_large_fonts_without_use_course_style():
    fig = plot_history(tiny_run())
    ax = fig.axes[0]
    assert ax.xaxis.label.get_fontsize() >= 14
    assert ax.title.get_fontsize() >= 14
    assert ax.get_lines()[0].get_linewidth() >= 2.5


# --------------------------------------------------------------------- describe
def test_describe_matches_the_documented_example():
    settings = {
        "sizes": [784, 256, 10],
        "activation": "relu",
        "loss": "cross-entropy",
        "init": "he",
        "l2": 0.0,
        "optimizer": "nesterov",
        "lr": 0.05,
        "beta": 0.9,
        "batch_size": 128,
        "epochs": 10,
    }
    assert describe(settings) == "784-256-10 relu nesterov lr=0.05 bs=128"


def test_describe_shows_only_unusual_settings():
    settings = {
        "sizes": [784, 30, 10],
        "activation": "sigmoid",
        "loss": "mse",
        "init": "small",
        "optimizer": "momentum",
        "beta": 0.5,
        "lr": 3.0,
        "batch_size": 0,
        "l2": 1e-4,
    }
    assert (
        describe(settings)
        == "784-30-10 sigmoid mse init=small momentum β=0.5 lr=3 bs=full l2=0.0001"
    )
    assert describe({"optimizer": "sgd", "beta": 0.0, "lr": 0.1}) == "sgd lr=0.1"
    assert describe({}) == "run"


def test_describe_of_a_real_run():
    h = tiny_run(0.05, "nesterov")
    assert describe(h.settings) == "4-8-3 relu nesterov lr=0.05 bs=16"


# ----------------------------------------------------------------- plot_history
def test_history_one_run_per_epoch():
    h = tiny_run()
    fig = plot_history(h)
    assert isinstance(fig, Figure)
    loss_ax, acc_ax = fig.axes
    for ax in fig.axes:
        assert ax.get_xlabel() == "epoch"
        assert ax.get_ylabel() and ax.get_title()
    assert fig.get_suptitle()
    name = describe(h.settings)
    assert labelled_lines(loss_ax) == [f"{name}: train", f"{name}: validation"]
    assert labelled_lines(acc_ax) == [f"{name}: {s}" for s in ("train", "validation", "test")]
    assert loss_ax.get_yscale() == "log"
    train = loss_ax.get_lines()[0]
    assert list(train.get_xdata()) == [1, 2, 3]
    assert np.allclose(train.get_ydata(), h.train_loss)
    assert np.allclose(acc_ax.get_lines()[2].get_ydata(), 100 * np.array(h.test_accuracy))
    # Line style per split: train solid, validation dashed, test dotted.
    assert [line.get_linestyle() for line in acc_ax.get_lines()] == ["-", "--", ":"]
    assert legend_texts(loss_ax.get_legend()) == ["train", "validation"]
    assert legend_texts(fig.legends[0]) == [name]


def test_history_two_runs_have_two_legend_entries_and_two_colours():
    runs = [tiny_run(lr=0.1), tiny_run(lr=0.01)]
    fig = plot_history(runs)
    assert legend_texts(fig.legends[0]) == [describe(h.settings) for h in runs]
    loss_ax = fig.axes[0]
    assert len(loss_ax.get_lines()) == 4  # train and validation for each run
    colors = {line.get_color() for line in loss_ax.get_lines()}
    assert len(colors) == 2


def test_history_names_from_dict_or_labels():
    a, b = tiny_run(lr=0.1), tiny_run(lr=0.01)
    fig = plot_history({"fast": a, "slow": b}, metrics=("accuracy",))
    assert len(fig.axes) == 1
    assert legend_texts(fig.legends[0]) == ["fast", "slow"]
    fig = plot_history([a, b], labels=["A", "B"], title="Two runs")
    assert legend_texts(fig.legends[0]) == ["A", "B"]
    assert fig.get_suptitle() == "Two runs"
    fig = plot_history([a, a])  # identical settings still get distinct names
    assert len(set(legend_texts(fig.legends[0]))) == 2


def test_history_per_step_is_smoothed_with_raw_values_behind():
    h = History(steps_per_epoch=100, step_loss=list(np.linspace(2.0, 0.1, 300)))
    h.train_loss, h.val_loss = [1.0, 0.5, 0.2], [1.1, 0.6, 0.3]
    fig = plot_history(h, x="step", metrics="loss", logy=False)
    ax = fig.axes[0]
    raw, smooth, val = ax.get_lines()
    assert raw.get_alpha() < 0.5 and len(raw.get_xdata()) == 300
    assert len(smooth.get_xdata()) == 300 - 3 + 1  # a moving average over 3 steps (1 %)
    assert smooth.get_xdata()[0] == 3 and np.isclose(
        smooth.get_ydata()[0], np.mean(h.step_loss[:3])
    )
    assert list(val.get_xdata()) == [100, 200, 300]  # end of each epoch, in steps
    assert ax.get_yscale() == "linear"
    assert "step" in ax.get_xlabel()


def test_history_against_seconds():
    h = tiny_run()
    fig = plot_history(h, x="seconds")
    line = fig.axes[0].get_lines()[0]
    assert np.allclose(line.get_xdata(), np.cumsum(h.seconds))
    assert "(s)" in fig.axes[0].get_xlabel()


def test_history_marks_divergence_and_does_not_crash():
    for x in ("epoch", "step", "seconds"):
        fig = plot_history([tiny_run(), diverged_run()], x=x)
        name = describe(diverged_run().settings)
        assert any("diverged at step 7" in t for t in legend_texts(fig.legends[0]))
        assert "diverged" in fig.get_suptitle()
        for ax in fig.axes:
            crosses = [line for line in ax.get_lines() if line.get_label() == f"{name}: diverged"]
            assert len(crosses) == 1 and crosses[0].get_marker() == "x"
    fig = plot_history(diverged_run())
    fig.canvas.draw()
    cross = fig.axes[0].get_lines()[-1]
    assert cross.get_xdata() == pytest.approx(7 / 4)  # in its second epoch


def test_history_of_a_run_that_diverged_at_once():
    h = History(steps_per_epoch=4, diverged_at_step=1)
    fig = plot_history(h, x="step")
    fig.canvas.draw()
    assert "no data yet" in [t.get_text() for t in fig.axes[0].texts]


def test_history_empty_or_with_bad_numbers_does_not_crash():
    fig = plot_history(History())
    fig.canvas.draw()
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert "no data yet" in [t.get_text() for t in ax.texts]
    assert "(no data)" in legend_texts(fig.legends[0])[0]
    weird = History(train_loss=[1.0, float("inf"), float("nan"), 0.5], train_accuracy=[0.1] * 4)
    plot_history([weird, History()], labels=["weird", "empty"]).canvas.draw()


def test_history_bad_arguments_are_clear():
    h = tiny_run()
    with pytest.raises(ValueError, match="x="):
        plot_history(h, x="time")
    with pytest.raises(ValueError, match="metrics"):
        plot_history(h, metrics=("loss", "f1"))
    with pytest.raises(ValueError, match="labels"):
        plot_history([h, h], labels=["only one"])
    with pytest.raises(ValueError, match="histories"):
        plot_history([1.0, 2.0])
    with pytest.raises(ValueError, match="histories"):
        plot_history([])
    with pytest.raises(ValueError, match="seconds"):
        plot_history(History(train_loss=[1.0, 0.5]), x="seconds")


# ------------------------------------------------------------------ plot_digits
@pytest.fixture(scope="module")
def images():
    """30 random 'images' in [0, 1] with labels 0..9 repeated."""
    rng = np.random.default_rng(1)
    return rng.random((30, 784), dtype=np.float32), np.arange(30) % 10


def test_digits_grid_with_labels(images):
    X, y = images
    fig = plot_digits(X, y)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 20  # n=20 by default
    assert [ax.get_title() for ax in fig.axes] == [str(label) for label in y[:20]]
    assert fig.get_suptitle()
    image = fig.axes[0].get_images()[0]
    assert image.get_clim() == (0.0, 1.0)
    assert np.allclose(image.get_array(), X[0].reshape(28, 28))
    fig = plot_digits(X.reshape(-1, 28, 28), n=13, ncols=5)
    assert len(fig.axes) == 13  # the two empty cells of the last row are removed


def test_digits_wrong_predictions_are_red(images):
    X, y = images
    pred = y.copy()
    pred[[1, 4]] = [7, 0]
    fig = plot_digits(X, y, pred=pred, n=10)
    titles = [ax.title for ax in fig.axes]
    assert titles[1].get_text() == "1→7" and titles[0].get_text() == "0→0"
    red = [i for i, t in enumerate(titles) if to_rgba(t.get_color()) == to_rgba(WRONG_COLOR)]
    assert red == [1, 4]
    assert to_rgba(titles[0].get_color()) == to_rgba("black")
    assert "2 wrong" in fig.get_suptitle()


def test_digits_with_probabilities_and_class_names(images):
    X, y = images
    probs = np.full((30, 10), 0.05)
    probs[np.arange(30), (y + 1) % 10] = 0.55  # every prediction is one too high
    names = [f"class {k}" for k in range(10)]
    fig = plot_digits(X, y, probs=probs, n=3, classes=names)
    assert fig.axes[0].get_title() == "class 0\n→class 1\n55%"
    assert all(to_rgba(ax.title.get_color()) == to_rgba(WRONG_COLOR) for ax in fig.axes)
    fig = plot_digits(X, y, probs=probs, n=1)
    assert fig.axes[0].get_title() == "0→1 55%"


def test_digits_bad_input_is_clear(images):
    X, y = images
    with pytest.raises(ValueError, match="784"):
        plot_digits(np.zeros((5, 100)))
    with pytest.raises(ValueError, match="784"):
        plot_digits(X[0])
    with pytest.raises(ValueError, match="empty"):
        plot_digits(X[:0])
    with pytest.raises(ValueError, match="y has shape"):
        plot_digits(X, y[:5])
    with pytest.raises(ValueError, match="pred"):
        plot_digits(X, y, pred=y.astype(float))
    with pytest.raises(ValueError, match="probs"):
        plot_digits(X, y, probs=np.ones(30))
    with pytest.raises(ValueError, match="n="):
        plot_digits(X, n=0)
    with pytest.raises(ValueError, match="classes"):
        plot_digits(X, y, classes=["a", "b"])


# -------------------------------------------------------- plot_confusion_matrix
def test_confusion_matrix_cells_show_the_counts():
    C = np.array([[5, 1, 0], [2, 7, 1], [0, 0, 4]])
    fig = plot_confusion_matrix(C)
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == [str(v) for v in C.ravel()]
    assert ax.get_xlabel() == "predicted label" and ax.get_ylabel() == "true label"
    assert "80.0 %" in ax.get_title()  # 16 of 20 correct
    assert np.array_equal(ax.get_images()[0].get_array(), C)


def test_confusion_matrix_normalized_rows_and_names():
    C = np.array([[3, 1], [0, 0]])  # the second class never occurs
    fig = plot_confusion_matrix(C, normalize=True, classes=["cat", "dog"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["75.0", "25.0", "0.0", "0.0"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["cat", "dog"]
    assert "%" in ax.get_title()


def test_confusion_matrix_into_a_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    assert plot_confusion_matrix(np.eye(3, dtype=int) * 4, ax=right, title="mine") is fig
    assert right.get_title() == "mine" and len(right.texts) == 9 and not left.texts


def test_confusion_matrix_bad_input_is_clear():
    with pytest.raises(ValueError, match="square"):
        plot_confusion_matrix(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="square"):
        plot_confusion_matrix(np.zeros(9))
    with pytest.raises(ValueError, match="counts"):
        plot_confusion_matrix(-np.eye(2))
    with pytest.raises(ValueError, match="classes"):
        plot_confusion_matrix(np.eye(3), classes=["a", "b"])


# ----------------------------------------------------------------- plot_weights
def test_weights_one_symmetric_image_per_unit():
    rng = np.random.default_rng(2)
    W = rng.normal(0.3, 1.0, (784, 12)).astype(np.float32)  # mostly positive on purpose
    W[:, 5] = 0.0  # a dead unit must not break the colour scale
    fig = plot_weights(W)
    assert isinstance(fig, Figure) and len(fig.axes) == 12
    assert fig.get_suptitle()
    for j, ax in enumerate(fig.axes):
        low, high = ax.get_images()[0].get_clim()
        assert low == -high > -np.inf
        if j != 5:
            assert high == pytest.approx(np.abs(W[:, j]).max())
    assert np.allclose(fig.axes[3].get_images()[0].get_array(), W[:, 3].reshape(28, 28))
    assert len(plot_weights(W, n=5, ncols=3, title="five").axes) == 5


def test_weights_bad_input_is_clear():
    W = np.zeros((784, 4))
    with pytest.raises(ValueError, match="W.T"):
        plot_weights(W.T)
    with pytest.raises(ValueError, match="784"):
        plot_weights(np.zeros((100, 4)))
    with pytest.raises(ValueError, match="n="):
        plot_weights(W, n=5)


# ----------------------------------------------------------- plot_class_balance
def test_class_balance_bars_are_the_counts():
    y = np.array([0, 0, 1, 2, 2, 2, 4])
    fig = plot_class_balance(y)
    ax = fig.axes[0]
    assert [bar.get_height() for bar in ax.patches] == [2, 1, 3, 0, 1]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    names = ["a", "b", "c", "d", "e", "f"]
    fig = plot_class_balance(y, classes=names, title="Mine")
    ax = fig.axes[0]
    assert len(ax.patches) == 6
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    assert ax.get_title() == "Mine"


def test_class_balance_into_a_given_axes():
    fig, ax = plt.subplots()
    assert plot_class_balance(np.array([1, 1, 0]), ax=ax) is fig
    assert len(ax.patches) == 2


def test_class_balance_bad_input_is_clear():
    with pytest.raises(ValueError, match="integer"):
        plot_class_balance(np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="1-D"):
        plot_class_balance(np.zeros((3, 3), dtype=int))
    with pytest.raises(ValueError, match="empty"):
        plot_class_balance(np.array([], dtype=int))
    with pytest.raises(ValueError, match="classes"):
        plot_class_balance(np.array([0, 3]), classes=["a", "b"])


def test_plots_leave_interactive_mode_on_in_a_notebook_kernel():
    """Regression: the first figure drawn inside rc_context used to switch interactive mode
    off for the rest of the notebook, so later plots silently stopped showing."""
    import nbclient
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import numpy as np\nfrom mlp_core.plots import plot_class_balance"
        ),
        nbformat.v4.new_code_cell("fig = plot_class_balance(np.array([0, 1, 1, 2]))"),
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nprint(plt.isinteractive())"),
        nbformat.v4.new_code_cell("fig = plot_class_balance(np.array([0, 1, 2]))"),
    ]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    assert nb.cells[2].outputs[0]["text"].strip() == "True"
    for cell in (nb.cells[1], nb.cells[3]):
        assert ["image/png" in o.get("data", {}) for o in cell.outputs] == [True]
