"""Saving/loading networks without pickle, and the metrics."""

import numpy as np
import pytest

import mlp_core as mc


def test_round_trip_keeps_weights_settings_and_predictions(tmp_path):
    net = mc.Network([12, 7, 5, 3], activation="tanh", loss="mse", init="xavier", l2=0.01)
    X = np.random.default_rng(0).standard_normal((9, 12)).astype(np.float32)
    path = mc.save_network(net, tmp_path / "model")
    assert path.name == "model.npz"
    with np.load(path, allow_pickle=False) as f:  # readable without pickle
        assert sorted(f.files) == ["W1", "W2", "W3", "b1", "b2", "b3", "config"]
    back = mc.load_network(path)
    assert back.config() == net.config()
    assert all(np.array_equal(p, q) for p, q in zip(back.params, net.params))
    np.testing.assert_array_equal(back.predict_proba(X), net.predict_proba(X))


def test_loading_something_else_is_explained(tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, x=np.zeros(3))
    with pytest.raises(ValueError, match="not a network saved by mlp_core"):
        mc.load_network(bad)
    with pytest.raises(ValueError, match="not a network saved"):
        mc.load_network(tmp_path / "missing.npz")


def test_accuracy_and_confusion_matrix():
    y = np.array([0, 1, 2, 2, 1, 0])
    p = np.array([0, 2, 2, 2, 1, 1])
    assert mc.accuracy(y, p) == pytest.approx(4 / 6)
    C = mc.confusion_matrix(y, p, n_classes=3)
    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 1, 1], [0, 0, 2]])
    assert C.sum() == len(y) and np.trace(C) == 4
    assert sorted(mc.most_confused(C, k=5)) == [(0, 1, 1), (1, 2, 1)]  # a tie: order free


def test_most_confused_orders_by_count():
    C = np.array([[5, 3, 0], [1, 5, 7], [0, 0, 5]])
    assert mc.most_confused(C, k=2) == [(1, 2, 7), (0, 1, 3)]


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: mc.accuracy([1, 2], [1]), "shape"),
        (lambda: mc.accuracy([], []), "empty"),
        (lambda: mc.confusion_matrix([0, 10], [0, 1]), r"y_true must be 1-D integer labels"),
        (lambda: mc.confusion_matrix([0, 1], [0, -1]), r"y_pred"),
    ],
)
def test_metric_input_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
