"""fit: batch sizes, determinism, history, callbacks, divergence, bad input, a real MNIST run."""

import numpy as np
import pytest

import mlp_core as mc


@pytest.fixture
def toy():
    """Two well-separated Gaussian classes in 6 dimensions: easy to learn."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 120)
    X = (rng.standard_normal((120, 6)) + 2.0 * y[:, None]).astype(np.float32)
    return X, y


def net(**kw):
    return mc.Network([6, 8, 2], seed=0, **kw)


@pytest.mark.parametrize("batch_size, steps", [(1, 120), (32, 4), (120, 1), (0, 1)])
def test_steps_per_epoch_follow_the_batch_size(toy, batch_size, steps):
    h = mc.fit(net(), *toy, epochs=2, batch_size=batch_size, optimizer=mc.SGD(0.05))
    assert h.steps_per_epoch == steps and h.steps_done == 2 * steps
    assert len(h.train_loss) == len(h.train_accuracy) == len(h.seconds) == len(h.lr) == 2


@pytest.mark.parametrize("batch_size, lr", [(1, 0.1), (16, 0.1), (0, 1.0)])
def test_training_learns_an_easy_problem(toy, batch_size, lr):
    h = mc.fit(net(), *toy, epochs=15, batch_size=batch_size, optimizer=mc.SGD(lr))
    assert h.train_loss[-1] < h.train_loss[0] / 2
    assert h.train_accuracy[-1] > 0.95


def test_full_batch_equals_plain_gradient_descent_by_hand(toy):
    X, y = toy
    a, b = net(), net()
    mc.fit(a, X, y, epochs=3, batch_size=0, optimizer=mc.SGD(0.5))
    Y = mc.one_hot(y, 2)
    for _ in range(3):
        dW, db = b.backward(b.forward(X), Y)
        for p, g in zip(b.params, dW + db):
            p -= 0.5 * g
    for p, q in zip(a.params, b.params):
        np.testing.assert_allclose(p, q, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("batch_size", [1, 16, 0])
def test_same_seed_gives_bit_identical_weights(toy, batch_size):
    runs = []
    for _ in range(2):
        n = net()
        mc.fit(n, *toy, epochs=2, batch_size=batch_size, seed=7, optimizer=mc.Nesterov(0.05))
        runs.append(n)
    assert all(np.array_equal(p, q) for p, q in zip(runs[0].params, runs[1].params))


def test_shuffle_seed_changes_the_run(toy):
    a, b = net(), net()
    mc.fit(a, *toy, epochs=1, batch_size=8, seed=1)
    mc.fit(b, *toy, epochs=1, batch_size=8, seed=2)
    assert not np.array_equal(a.W[0], b.W[0])


def test_history_records_validation_test_and_settings(toy):
    X, y = toy
    h = mc.fit(
        net(l2=0.01),
        X[:80],
        y[:80],
        X_val=X[80:100],
        y_val=y[80:100],
        X_test=X[100:],
        y_test=y[100:],
        epochs=3,
        batch_size=10,
        optimizer=mc.Momentum(0.05, 0.8),
        lr_schedule=mc.cosine(0.05, 3),
    )
    assert len(h.val_loss) == len(h.val_accuracy) == len(h.test_accuracy) == 3
    assert all(0 <= a <= 1 for a in h.val_accuracy + h.test_accuracy)
    assert h.lr == pytest.approx([0.05, 0.0375, 0.0125])
    s = h.settings
    assert (s["optimizer"], s["beta"], s["batch_size"], s["l2"], s["n_train"]) == (
        "momentum",
        0.8,
        10,
        0.01,
        80,
    )
    assert s["sizes"] == [6, 8, 2] and not h.diverged and h.message == ""


def test_callbacks_see_every_step_and_epoch(toy):
    class Counter(mc.Callback):
        def __init__(self):
            self.calls = []

        def on_train_begin(self, history):
            self.calls.append("begin")

        def on_step_end(self, history):
            self.calls.append(history.steps_done)

        def on_epoch_end(self, history):
            self.calls.append(f"epoch {history.epochs_done}")

        def on_train_end(self, history):
            self.calls.append("end")

    c = Counter()
    mc.fit(net(), *toy, epochs=2, batch_size=60, callbacks=[c])
    assert c.calls == ["begin", 1, 2, "epoch 1", 3, 4, "epoch 2", "end"]


def test_a_callback_can_stop_training_cleanly(toy):
    class StopAfter(mc.Callback):
        def on_step_end(self, history):
            if history.steps_done == 5:
                raise mc.StopTraining("stopped by the test")

    h = mc.fit(net(), *toy, epochs=3, batch_size=10, callbacks=[StopAfter()])
    assert h.stopped_early and h.steps_done == 5 and h.message == "stopped by the test"


def test_divergence_stops_with_a_readable_message(toy, capsys):
    n = net()
    h = mc.fit(n, *toy, epochs=5, batch_size=10, optimizer=mc.SGD(1e30), progress=True)
    assert h.diverged and isinstance(h.diverged_at_step, int)
    assert h.steps_done == h.diverged_at_step  # the step whose loss blew up is recorded
    assert not np.isfinite(h.step_loss[-1])
    assert f"diverged at step {h.diverged_at_step}" in h.message
    assert "learning rate" in h.message and "1e+30" in h.message
    assert h.message in capsys.readouterr().err
    # a fresh network on the same data still trains fine: nothing global was broken
    assert mc.fit(net(), *toy, epochs=2, batch_size=10).train_accuracy[-1] > 0.8


def test_progress_bar_writes_to_stderr_only_outside_a_notebook(toy, capsys):
    mc.fit(net(), *toy, epochs=2, batch_size=10, progress=True)
    out, err = capsys.readouterr()
    assert out == "" and "epoch 2/2" in err and "train" in err


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda X, y: (X, np.where(y == 1, 10, y)), r"y must.*\[0, 2\)"),
        (lambda X, y: (X, mc.one_hot(y, 2)), r"y has shape \(120, 2\).*one integer label"),
        (lambda X, y: (X[:, :5], y), r"X has shape \(120, 5\).*\(m, 6\)"),
        (lambda X, y: (np.where(X > 3, np.nan, X), y), "X contains NaN"),
        (lambda X, y: (X, y[:-1]), r"y has shape \(119,\)"),
        (lambda X, y: (X[:0], y[:0]), "X is empty"),
    ],
)
def test_bad_data_is_explained(toy, change, match):
    with pytest.raises(ValueError, match=match):
        mc.fit(net(), *change(*toy), epochs=1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"batch_size": -1}, "batch_size=-1"),
        ({"batch_size": 121}, r"batch_size=121.*\(120\)"),
        ({"batch_size": 2.5}, "batch_size=2.5"),
        ({"epochs": 0}, "epochs=0"),
        ({"X_val": np.zeros((3, 6), np.float32)}, "X_val and y_val"),
    ],
)
def test_bad_settings_are_explained(toy, kwargs, match):
    with pytest.raises(ValueError, match=match):
        mc.fit(net(), *toy, **kwargs)


def test_real_mnist_run_crosses_a_meaningful_threshold(mnist):
    """784-64-10 ReLU/softmax, Nesterov, 1 epoch on 20,000 digits: well above 90 %."""
    n = mc.Network([784, 64, 10], seed=0)
    h = mc.fit(
        n,
        mnist.X_train[:20000],
        mnist.y_train[:20000],
        optimizer=mc.Nesterov(0.05, 0.9),
        epochs=1,
        batch_size=64,
        X_test=mnist.X_test,
        y_test=mnist.y_test,
    )
    assert h.test_accuracy[-1] > 0.93
    assert mc.evaluate(n, mnist.X_test, mnist.y_test)[1] == h.test_accuracy[-1]
