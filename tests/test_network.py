"""Network: shapes, gradient checks for every activation x loss x depth x L2, bad input."""

import numpy as np
import pytest

import mlp_core as mc
from mlp_core.activations import HIDDEN_ACTIVATIONS
from mlp_core.initializers import INIT_SCHEMES
from mlp_core.losses import LOSSES


def _small_problem(sizes, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((7, sizes[0]))
    Y = mc.one_hot(rng.integers(0, sizes[-1], 7), sizes[-1])
    return X, Y


def _with_random_biases(net, seed=1):
    # Zero biases can put a ReLU pre-activation exactly on its kink (Z = 0), where the
    # centred difference sees slope 1/2 and the derivative is 0 by convention.
    rng = np.random.default_rng(seed)
    for b in net.b:
        b[:] = rng.uniform(-0.5, 0.5, b.shape)
    return net


@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("hidden", [[6], [6, 5], [6, 5, 4]], ids=["1h", "2h", "3h"])
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_backward_matches_finite_differences(activation, loss, hidden, l2):
    sizes = [5, *hidden, 4]
    net = _with_random_biases(mc.Network(sizes, activation, loss, "xavier", l2=l2, seed=3))
    X, Y = _small_problem(sizes)
    errors = mc.check_gradients(net, X, Y)
    assert set(errors) == {f"{p}{l}" for l in range(1, len(sizes)) for p in "Wb"}
    assert max(errors.values()) < 1e-6, errors


def test_gradient_check_catches_a_wrong_derivative():
    """The course's "what went wrong" bug: sigmoid's derivative used for a ReLU layer."""
    net = _with_random_biases(mc.Network([5, 6, 4], "relu", "mse", "xavier", seed=0))
    X, Y = _small_problem([5, 6, 4])

    def buggy_backward(net, A, Y):
        dZ = mc.mse_output_delta(A[2], Y)
        dW2, db2 = A[1].T @ dZ, dZ.sum(axis=0)
        dZ1 = (dZ @ net.W[1].T) * mc.sigmoid_prime(A[1])  # wrong: layer 1 is ReLU
        return [A[0].T @ dZ1, dW2], [dZ1.sum(axis=0), db2]

    errors = mc.check_gradients(net, X, Y, backward=buggy_backward)
    assert errors["W2"] < 1e-6 and errors["b2"] < 1e-6
    assert errors["W1"] > 1e-2 and errors["b1"] > 1e-2


def test_forward_shapes_and_dtypes():
    net = mc.Network([784, 104, 64, 10], seed=0)
    X = np.zeros((3, 784), np.float32)
    A = net.forward(X)
    assert [a.shape for a in A] == [(3, 784), (3, 104), (3, 64), (3, 10)]
    assert all(a.dtype == np.float32 for a in A)
    assert [W.shape for W in net.W] == [(784, 104), (104, 64), (64, 10)]
    assert [b.shape for b in net.b] == [(104,), (64,), (10,)]
    np.testing.assert_allclose(A[-1].sum(axis=1), 1, rtol=1e-6)
    dW, db = net.backward(A, mc.one_hot(np.array([1, 2, 3])))
    assert [d.shape for d in dW] == [W.shape for W in net.W]
    assert all(d.dtype == np.float32 for d in dW + db)
    assert net.n_params() == 784 * 104 + 104 + 104 * 64 + 64 + 64 * 10 + 10


@pytest.mark.parametrize("scheme", INIT_SCHEMES)
def test_init_schemes_have_their_documented_spread(scheme):
    net = mc.Network([400, 300, 10], init=scheme, seed=0)
    W = net.W[0]
    expected_std = {
        "he": np.sqrt(2 / 400),
        "xavier": np.sqrt(2 / 700),
        "small": 0.01,
        "uniform": np.sqrt(1 / 12),
    }[scheme]
    assert W.std() == pytest.approx(expected_std, rel=0.02)
    if scheme == "uniform":
        assert W.min() >= 0 and W.max() < 1 and net.b[0].min() >= 0 and net.b[0].std() > 0.2
    else:
        assert abs(W.mean()) < 0.01 * expected_std * 10 and not net.b[0].any()


def test_same_seed_same_weights_other_seed_other_weights():
    a, b, c = (mc.Network([20, 7, 3], seed=s) for s in (5, 5, 6))
    assert all(np.array_equal(x, y) for x, y in zip(a.params, b.params))
    assert not np.array_equal(a.W[0], c.W[0])


def test_loss_includes_the_l2_penalty():
    net = mc.Network([5, 4, 3], l2=0.5, seed=0)
    X, Y = _small_problem([5, 4, 3])
    data_loss = net.data_loss(net.forward(X)[-1], Y)
    penalty = 0.25 * sum(float((W.astype(np.float64) ** 2).sum()) for W in net.W)
    assert net.loss(X, Y) == pytest.approx(data_loss + penalty, rel=1e-6)


def test_copy_is_independent_and_can_change_dtype():
    net = mc.Network([5, 4, 3], seed=0)
    net64 = net.copy(np.float64)
    net64.W[0][0, 0] += 1
    assert net.W[0][0, 0] != net64.W[0][0, 0]
    assert net64.W[0].dtype == np.float64 and net.W[0].dtype == np.float32


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"sizes": [784]}, "sizes"),
        ({"sizes": [784, 0, 10]}, "sizes"),
        ({"sizes": [784, 2.5, 10]}, "sizes"),
        ({"sizes": [4, 3], "activation": "swish"}, "activation='swish'"),
        ({"sizes": [4, 3], "loss": "hinge"}, "loss='hinge'"),
        ({"sizes": [4, 3], "init": "zeros"}, "init='zeros'"),
        ({"sizes": [4, 3], "l2": -1}, "l2=-1"),
        ({"sizes": [4, 3], "l2": float("nan")}, "l2=nan"),
    ],
)
def test_bad_settings_raise_value_errors_naming_the_parameter(kwargs, words):
    with pytest.raises(ValueError, match=words.replace("[", r"\[")):
        mc.Network(**kwargs)


def test_wrong_input_shape_is_explained():
    net = mc.Network([784, 10, 10])
    with pytest.raises(ValueError, match=r"\(m, 784\).*reshape"):
        net.forward(np.zeros((2, 28, 28), np.float32))
    with pytest.raises(ValueError, match="784"):
        net.predict(np.zeros((2, 100), np.float32))


def test_gradient_check_runs_a_subclass_own_backward_pass():
    """A subclass with a wrong backward pass must fail the check (copy keeps the class)."""

    class DoublesdW(mc.Network):
        def backward(self, A, Y):
            dW, db = super().backward(A, Y)
            return [2 * d for d in dW], db

    net = DoublesdW([4, 5, 3], activation="sigmoid", loss="mse", seed=0)
    X = np.random.default_rng(0).random((3, 4))
    Y = mc.one_hot(np.array([0, 1, 2]), 3)
    errors = mc.check_gradients(net, X, Y)
    assert type(net.copy()) is DoublesdW
    assert errors["W1"] > 0.1 and errors["W2"] > 0.1 and errors["b1"] < 1e-6


def test_numerical_gradient_of_a_non_contiguous_array():
    x = np.arange(6.0).reshape(2, 3).T  # a transposed view: reshape(-1) would be a copy
    grad = mc.numerical_gradient(lambda: float(np.sum(x**2)), x)
    np.testing.assert_allclose(grad, 2 * x, rtol=1e-6)
    np.testing.assert_array_equal(x, np.arange(6.0).reshape(2, 3).T)  # restored
