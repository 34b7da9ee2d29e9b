"""The speed-ups in mlp_core change no numbers.

``fit`` with ``batch_size=1`` takes a fast path (``per_sample.OneSampleStep``); every other
batch size takes the general one (``training.train_step``: ``forward``, ``backward``,
``optimizer.step``). A Network subclass that rewrites ``forward`` makes ``fit`` use the general
path for every batch size, so comparing the two shows the fast path computes the same weights
(to float32 rounding) for every activation, loss and optimizer.
"""

import itertools

import numpy as np
import pytest

import mlp_core as mc
from mlp_core import per_sample, training
from mlp_core.activations import HIDDEN_ACTIVATIONS
from mlp_core.losses import LOSSES

OPTIMIZERS = {
    "sgd": lambda: mc.SGD(0.05),
    "momentum": lambda: mc.Momentum(0.05, 0.9),
    "nesterov": lambda: mc.Nesterov(0.05, 0.9),
}
COMBOS = list(itertools.product(HIDDEN_ACTIVATIONS, LOSSES, OPTIMIZERS, [0.0, 0.01]))


class GeneralPathNetwork(mc.Network):
    """The same network; rewriting ``forward`` (here: unchanged) turns the fast path off."""

    def forward(self, X):
        return super().forward(X)


def general_copy(net: mc.Network) -> GeneralPathNetwork:
    twin = GeneralPathNetwork.__new__(GeneralPathNetwork)
    twin.__dict__.update(net.copy().__dict__)
    return twin


@pytest.fixture
def data():
    """40 samples, 12 features, 3 classes; zeros inside and at the ends of rows, like MNIST."""
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 12)).astype(np.float32)
    X[X < -1] = 0
    X[::2, :3] = 0  # a zero "border" on the left of every second sample
    X[::3, -2:] = 0  # and on the right of every third
    X[5] = 0  # and one blank sample
    return X, rng.integers(0, 3, 40)


def test_the_general_path_twin_really_takes_the_general_path(data, monkeypatch):
    calls = []
    original = per_sample.OneSampleStep.__call__
    monkeypatch.setattr(
        per_sample.OneSampleStep, "__call__", lambda *a: calls.append(1) or original(*a)
    )
    net = mc.Network([12, 8, 3])
    mc.fit(net, *data, epochs=1, batch_size=1)
    assert len(calls) == 40
    mc.fit(general_copy(net), *data, epochs=1, batch_size=1)
    mc.fit(net, *data, epochs=1, batch_size=2)
    assert len(calls) == 40


@pytest.mark.parametrize("activation, loss, optimizer, l2", COMBOS)
def test_one_sample_step_equals_the_general_step(data, activation, loss, optimizer, l2):
    X, y = data
    Y = mc.one_hot(y, 3)
    fast = mc.Network([12, 8, 6, 3], activation=activation, loss=loss, l2=l2, seed=3)
    slow = fast.copy()
    opt_fast, opt_slow = OPTIMIZERS[optimizer](), OPTIMIZERS[optimizer]()
    step = per_sample.OneSampleStep(fast, opt_fast)
    for j in range(len(X)):
        span = per_sample.nonzero_spans(X[j : j + 1])[0]
        loss_f, hit_f = step(X[j], Y[j], y[j], span)
        loss_s, hit_s = training.train_step(
            slow, opt_slow, X[j : j + 1], Y[j : j + 1], y[j : j + 1]
        )
        assert loss_f == pytest.approx(loss_s, rel=1e-5, abs=1e-7) and hit_f == hit_s
    for p, q in zip(fast.params, slow.params):
        assert p.dtype == q.dtype == np.float32
        np.testing.assert_allclose(p, q, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("activation, loss, optimizer, l2", COMBOS)
def test_per_sample_fit_gives_the_same_weights_and_history(data, activation, loss, optimizer, l2):
    fast = mc.Network([12, 8, 6, 3], activation=activation, loss=loss, l2=l2, seed=4)
    slow = general_copy(fast)
    runs = [
        mc.fit(n, *data, epochs=3, batch_size=1, seed=5, optimizer=OPTIMIZERS[optimizer]())
        for n in (fast, slow)
    ]
    assert runs[0].steps_done == runs[1].steps_done == 120
    np.testing.assert_allclose(runs[0].step_loss, runs[1].step_loss, rtol=1e-4, atol=1e-6)
    assert runs[0].train_accuracy == runs[1].train_accuracy
    for p, q in zip(fast.params, slow.params):
        np.testing.assert_allclose(p, q, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("loss", LOSSES)
def test_fast_path_runs_a_replaced_loss_function_instead_of_its_fused_output(data, loss):
    """The fused output layer is used only for the standard pairings; anything else is called."""
    calls = []

    def counted_loss(A, Y):
        calls.append(A.shape)
        return LOSSES[loss][1](A, Y)

    fast = mc.Network([12, 8, 3], loss=loss, seed=12)
    fast.data_loss = counted_loss
    slow = general_copy(fast)
    h_fast, h_slow = (mc.fit(n, *data, epochs=1, batch_size=1, seed=1) for n in (fast, slow))
    assert calls[:40] == [(1, 3)] * 40  # the fast path called it once per sample, with a batch of 1
    np.testing.assert_allclose(h_fast.step_loss, h_slow.step_loss, rtol=1e-5)
    for p, q in zip(fast.params, slow.params):
        np.testing.assert_allclose(p, q, rtol=1e-5, atol=1e-6)


def test_fast_path_in_float64_matches_too(data):
    X, y = data
    fast = mc.Network([12, 8, 3], activation="tanh", dtype=np.float64, seed=6)
    slow = general_copy(fast)
    for n in (fast, slow):
        mc.fit(n, X.astype(np.float64), y, epochs=2, batch_size=1, optimizer=mc.Nesterov(0.05))
    for p, q in zip(fast.params, slow.params):
        assert p.dtype == np.float64
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-13)


def test_fast_path_follows_a_learning_rate_schedule(data):
    fast = mc.Network([12, 8, 3], seed=7)
    slow = general_copy(fast)
    for n in (fast, slow):
        h = mc.fit(n, *data, epochs=3, batch_size=1, lr_schedule=mc.step_decay(0.1, 0.5, 1))
    assert h.lr == [0.1, 0.05, 0.025]
    for p, q in zip(fast.params, slow.params):
        np.testing.assert_allclose(p, q, rtol=1e-5, atol=1e-6)


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning", "ignore:invalid:RuntimeWarning")
def test_fast_path_detects_divergence_at_the_same_step(data):
    fast = mc.Network([12, 8, 3], seed=8)
    slow = general_copy(fast)
    runs = [mc.fit(n, *data, epochs=3, batch_size=1, optimizer=mc.SGD(1e30)) for n in (fast, slow)]
    assert runs[0].diverged and runs[0].diverged_at_step == runs[1].diverged_at_step
    assert runs[0].steps_done == runs[0].diverged_at_step  # the blown-up step is recorded
    assert runs[0].message == runs[1].message


def test_fast_path_calls_callbacks_every_step_and_can_be_stopped(data):
    class StopAt(mc.Callback):
        def __init__(self):
            self.steps = []

        def on_step_end(self, history):
            self.steps.append(history.steps_done)
            if history.steps_done == 55:
                raise mc.StopTraining("enough")

    cb = StopAt()
    h = mc.fit(mc.Network([12, 8, 3]), *data, epochs=3, batch_size=1, callbacks=[cb])
    assert cb.steps == list(range(1, 56))
    assert h.stopped_early and h.epochs_done == 1 and h.message == "enough"


def test_fast_path_and_general_path_agree_on_real_mnist(mnist):
    """The course's per-sample network, 784-30-10 sigmoid/MSE, on 300 real digits."""
    X, y = mnist.X_train[:300], mnist.y_train[:300]
    fast = mc.Network([784, 30, 10], activation="sigmoid", loss="mse", init="xavier")
    slow = general_copy(fast)
    runs = [mc.fit(n, X, y, epochs=1, batch_size=1, optimizer=mc.SGD(0.3)) for n in (fast, slow)]
    assert runs[0].train_accuracy == runs[1].train_accuracy
    for p, q in zip(fast.params, slow.params):
        np.testing.assert_allclose(p, q, rtol=1e-4, atol=1e-6)
    assert not np.array_equal(fast.W[0], mc.Network([784, 30, 10], init="xavier").W[0])


def test_nesterov_step_gives_bit_identical_numbers_to_its_formula():
    """The step computes lr * g once; the rounding is that of p += beta * v - lr * g."""
    rng = np.random.default_rng(9)
    p = rng.standard_normal(50).astype(np.float32)
    q, v = p.copy(), np.zeros_like(p)
    opt = mc.Nesterov(0.07, 0.85)
    for _ in range(20):
        g = rng.standard_normal(50).astype(np.float32)
        opt.step([p], [g])
        v *= 0.85
        v -= 0.07 * g
        q += 0.85 * v - 0.07 * g
        assert np.array_equal(p, q)


def test_a_single_training_sample_works_with_batch_size_one(data):
    X, y = data
    h = mc.fit(mc.Network([12, 8, 3]), X[:1], y[:1], epochs=3, batch_size=1)
    assert h.steps_done == 3 and h.train_loss[2] < h.train_loss[0]


def test_nonzero_spans_bracket_every_non_zero_input():
    X = np.array([[0, 0, 3, 0, 5, 0], [1, 0, 0, 0, 0, 2], [0, 0, 0, 0, 0, 0], [0, 0, 0, 7, 0, 0]])
    assert per_sample.nonzero_spans(X.astype(np.float32)) == [(2, 5), (0, 6), (0, 6), (3, 4)]
    X = np.random.default_rng(11).random((25_000, 30)) * (np.arange(30) % 7 > 1)
    spans = per_sample.nonzero_spans(X)  # more rows than one chunk
    assert len(spans) == 25_000
    for row, (lo, hi) in zip(X[::997], spans[::997]):
        assert (row[:lo] == 0).all() and (row[hi:] == 0).all() and row[lo] != 0 != row[hi - 1]


def test_cross_entropy_is_the_mean_negative_log_probability():
    rng = np.random.default_rng(10)
    A = mc.softmax(rng.standard_normal((7, 4)).astype(np.float32))
    Y = mc.one_hot(rng.integers(0, 4, 7), 4)
    expected = -np.mean(np.log(np.sum(A * Y, axis=1)))
    assert mc.cross_entropy(A, Y) == pytest.approx(float(expected), rel=1e-6)


def test_epoch_loss_weights_the_short_last_batch_by_its_size(data):
    h = mc.fit(mc.Network([12, 8, 3]), *data, epochs=1, batch_size=16)  # batches 16, 16, 8
    expected = (16 * h.step_loss[0] + 16 * h.step_loss[1] + 8 * h.step_loss[2]) / 40
    assert h.train_loss[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_non_finite_inputs_are_still_refused(data, bad):
    X, y = data
    X = X.copy()
    X[7, 3] = bad
    with pytest.raises(ValueError, match="X contains NaN or infinite values"):
        mc.fit(mc.Network([12, 8, 3]), X, y, epochs=1)
