"""Tests for mlp_core.diagnostics on hand-built networks with known answers."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from mlp_core import SGD, Network, fit, one_hot
from mlp_core.diagnostics import (
    UPDATE_RATIO_GUIDE,
    DiagnosticsRecorder,
    gradient_statistics,
    layer_statistics,
    plot_activation_histograms,
    plot_training_diagnostics,
    saturated_mask,
)

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def digits_like():
    """MNIST-like inputs: 300 rows of 784 values in [0, 1], about 20 % of them non-zero."""
    rng = np.random.default_rng(0)
    X = rng.random((300, 784)) * (rng.random((300, 784)) < 0.2)
    return X.astype(np.float32), rng.integers(0, 10, 300)


def tiny_relu_net() -> Network:
    """1 input -> 2 ReLU units -> 2 outputs, with weights chosen by hand."""
    net = Network([1, 2, 2], activation="relu")
    net.W[0][:] = [[1.0, -1.0]]
    net.b[0][:] = [0.0, 0.5]
    return net


def test_layer_statistics_by_hand():
    X = np.array([[1.0], [2.0], [3.0]], dtype=np.float32)
    # Z = [[1, -0.5], [2, -1.5], [3, -2.5]]; A = [[1, 0], [2, 0], [3, 0]]
    (s,) = layer_statistics(tiny_relu_net(), X)
    assert (s["layer"], s["units"]) == (1, 2)
    assert s["Z_mean"] == pytest.approx(0.25)
    assert s["Z_std"] == pytest.approx(np.std([1, -0.5, 2, -1.5, 3, -2.5]))
    assert s["A_mean"] == pytest.approx(1.0)
    assert s["saturated"] == pytest.approx(0.5)  # 3 of the 6 outputs are 0
    assert s["dead"] == pytest.approx(0.5)  # the second unit is off for every sample


def test_negative_biases_kill_every_relu(digits_like):
    X, _ = digits_like
    net = Network([784, 64, 32, 10], activation="relu", init="he")
    net.b[0][:] = -100.0
    first, second = layer_statistics(net, X)
    assert first["dead"] == 1.0 and first["saturated"] == 1.0
    assert second["dead"] == 1.0  # it only ever sees zeros (its biases are 0)


def test_uniform_init_saturates_sigmoids_on_positive_inputs(digits_like):
    X, _ = digits_like
    net = Network([784, 30, 10], activation="sigmoid", init="uniform")
    (s,) = layer_statistics(net, X)
    assert s["saturated"] > 0.99 and s["dead"] > 0.99
    assert s["A_mean"] > 0.99


def test_he_init_keeps_relus_alive(digits_like):
    X, _ = digits_like
    net = Network([784, 64, 64, 10], activation="relu", init="he")
    for s in layer_statistics(net, X):
        assert s["dead"] < 0.1
        assert 0.3 < s["saturated"] < 0.7  # about half the units are off for a given sample


def test_large_weights_saturate_tanh(digits_like):
    X, _ = digits_like
    net = Network([784, 32, 10], activation="tanh", init="xavier")
    assert layer_statistics(net, X)[0]["saturated"] < 0.2
    net.W[0] *= 50
    assert layer_statistics(net, X)[0]["saturated"] > 0.9


def test_saturated_mask_thresholds():
    A = np.array([0.01, 0.5, 0.97])
    np.testing.assert_array_equal(saturated_mask(A, "sigmoid"), [True, False, True])
    np.testing.assert_array_equal(saturated_mask(np.array([-0.99, 0.2]), "tanh"), [True, False])
    np.testing.assert_array_equal(saturated_mask(np.array([0.0, 0.3]), "relu"), [True, False])
    with pytest.raises(ValueError, match="activation='softplus'"):
        saturated_mask(A, "softplus")


def test_gradient_statistics_match_backward(digits_like):
    X, y = digits_like
    net = Network([784, 32, 16, 10], activation="relu", l2=1e-3, seed=1)
    stats = gradient_statistics(net, X, y)
    dW, db = net.backward(net.forward(X), one_hot(y, 10).astype(np.float32))
    assert [s["layer"] for s in stats] == [1, 2, 3]
    for s, W, g, gb in zip(stats, net.W, dW, db):
        assert s["W_norm"] == pytest.approx(np.linalg.norm(W), rel=1e-5)
        assert s["dW_norm"] == pytest.approx(np.linalg.norm(g), rel=1e-5)
        assert s["ratio"] == pytest.approx(s["dW_norm"] / s["W_norm"])
        assert s["db_norm"] == pytest.approx(np.linalg.norm(gb), rel=1e-5)
    # one-hot rows give the same numbers as integer labels
    same = gradient_statistics(net, X, one_hot(y, 10))
    assert [s["dW_norm"] for s in same] == pytest.approx([s["dW_norm"] for s in stats])


def test_dead_network_has_zero_gradients_below_the_output(digits_like):
    X, y = digits_like
    net = Network([784, 32, 10], activation="relu")
    net.b[0][:] = -100.0
    first, output = gradient_statistics(net, X, y)
    assert first["dW_norm"] == 0.0  # a dead ReLU passes no gradient
    assert output["dW_norm"] == 0.0  # its inputs are all 0
    assert output["db_norm"] > 0  # only the output biases still learn


def test_bad_inputs_get_clear_errors(digits_like):
    X, y = digits_like
    net = Network([784, 16, 10])
    with pytest.raises(ValueError, match=r"the network expects \(m, 784\)"):
        layer_statistics(net, X[:, :100])
    with pytest.raises(ValueError, match="y has shape"):
        gradient_statistics(net, X, y[:10])
    with pytest.raises(ValueError, match="no hidden layer"):
        plot_activation_histograms(Network([784, 10]), X)
    with pytest.raises(ValueError, match="every=0"):
        DiagnosticsRecorder(net, X, y, every=0)
    with pytest.raises(ValueError, match="y_probe"):
        DiagnosticsRecorder(net, X, y[:5])


def test_histograms_one_panel_per_hidden_layer(digits_like):
    X, _ = digits_like
    net = Network([784, 64, 32, 10], activation="relu")
    net.b[1][:] = -100.0  # kill the second hidden layer
    fig = plot_activation_histograms(net, X, title="dead second layer")
    assert len(fig.axes) == 2
    texts = [" ".join(t.get_text() for t in ax.texts) for ax in fig.axes]
    assert "dead units: 0%" in texts[0] and "dead units: 100%" in texts[1]
    assert fig._suptitle.get_text() == "dead second layer"
    sig = plot_activation_histograms(Network([784, 30, 10], "sigmoid", init="uniform"), X)
    assert "saturated: 100%" in sig.axes[0].texts[0].get_text()


def test_recorder_series_during_fit(digits_like):
    X, y = digits_like
    net = Network([784, 32, 16, 10], activation="relu", seed=2)
    rec = DiagnosticsRecorder(net, X[:100], y[:100], every=5)
    history = fit(net, X, y, optimizer=SGD(0.1), epochs=2, batch_size=20, callbacks=[rec])
    assert history.steps_done == 30
    assert rec.steps == [0, 5, 10, 15, 20, 25, 30]
    grad, ratio = np.array(rec.grad_norm), np.array(rec.update_ratio)
    assert grad.shape == ratio.shape == (7, 3)
    assert np.array(rec.dead).shape == np.array(rec.saturated).shape == (7, 2)
    assert np.isnan(ratio[0]).all() and np.isfinite(ratio[1:]).all()
    assert (grad > 0).all()
    assert ((ratio[1:] > 1e-5) & (ratio[1:] < 1)).all()


def test_recorder_update_ratio_is_one_step_of_sgd(digits_like):
    """Full batch on the probe itself: each update is lr * the gradient recorded a step earlier."""
    X, y = digits_like
    X, y = X[:64], y[:64]
    net = Network([784, 16, 10], activation="tanh", init="xavier", seed=3)
    rec = DiagnosticsRecorder(net, X, y, every=1)
    lr = 0.5
    fit(net, X, y, optimizer=SGD(lr), epochs=4, batch_size=0, callbacks=[rec])
    assert rec.steps == [0, 1, 2, 3, 4]
    grad, ratio = np.array(rec.grad_norm), np.array(rec.update_ratio)
    W_norm_now = np.array([np.linalg.norm(W) for W in net.W])
    # the last record: ||W4 - W3|| = lr * ||dW(W3)||, divided by ||W4||
    np.testing.assert_allclose(ratio[-1], lr * grad[-2] / W_norm_now, rtol=1e-3)


def test_plot_training_diagnostics(digits_like):
    X, y = digits_like
    net = Network([784, 32, 10], activation="sigmoid", init="xavier")
    rec = DiagnosticsRecorder(net, X[:50], y[:50], every=2)
    with pytest.raises(ValueError, match="nothing yet"):
        plot_training_diagnostics(rec)
    fit(net, X, y, optimizer=SGD(0.5), epochs=1, batch_size=30, callbacks=[rec])
    fig = plot_training_diagnostics(rec, title="sigmoid run")
    grad_ax, ratio_ax, share_ax = fig.axes
    assert len(grad_ax.lines) == 2 and grad_ax.get_yscale() == "log"
    guide = [line for line in ratio_ax.lines if list(line.get_ydata()) == [UPDATE_RATIO_GUIDE] * 2]
    assert len(guide) == 1
    assert "saturated" in share_ax.get_title()
    np.testing.assert_array_equal(share_ax.lines[0].get_xdata(), rec.steps)


def test_histograms_of_a_deep_network_wrap_onto_rows_of_four():
    net = Network([6, *[5] * 9, 3], seed=0)
    X = np.random.default_rng(0).standard_normal((40, 6)).astype(np.float32)
    fig = plot_activation_histograms(net, X)
    assert len(fig.axes) == 9
    assert len({round(ax.get_position().y0, 3) for ax in fig.axes}) == 3  # three rows
    plt.close(fig)


def test_statistics_of_huge_activations_do_not_overflow():
    net = Network([4, 3, 2], init="uniform", seed=0)
    net.W[0] *= 1e20  # activations near 1e20: their float32 squares would overflow
    X = np.ones((5, 4), np.float32)
    with np.errstate(over="raise"):
        stats = layer_statistics(net, X)
    assert np.isfinite(stats[0]["A_std"])
