"""Activations and losses: values, derivatives, numerical stability (with hypothesis)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import mlp_core as mc

finite32 = st.floats(allow_nan=False, allow_infinity=False, width=32)  # up to ±3.4e38
logits = arrays(np.float32, st.tuples(st.integers(1, 8), st.integers(2, 12)), elements=finite32)


@given(logits)
def test_softmax_rows_are_probabilities_even_for_huge_logits(Z):
    A = mc.softmax(Z)
    assert np.isfinite(A).all() and (A >= 0).all()
    np.testing.assert_allclose(A.sum(axis=1), 1, rtol=1e-5)
    rows = np.arange(len(Z))
    assert (A[rows, Z.argmax(axis=1)] == A.max(axis=1)).all()  # the largest score wins


@given(logits, st.floats(-100, 100, width=32))
def test_softmax_ignores_a_constant_shift(Z, c):
    Z = np.clip(Z, -1e4, 1e4)
    np.testing.assert_allclose(mc.softmax(Z), mc.softmax(Z + np.float32(c)), atol=1e-5)


@given(arrays(np.float32, st.integers(1, 50), elements=finite32))
def test_sigmoid_is_finite_bounded_and_keeps_dtype(Z):
    A = mc.sigmoid(Z)
    assert A.dtype == np.float32 and np.isfinite(A).all()
    assert (A >= 0).all() and (A <= 1).all()


def test_sigmoid_values_and_symmetry():
    Z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(mc.sigmoid(Z), 1 / (1 + np.exp(-Z)), rtol=1e-12)
    np.testing.assert_allclose(mc.sigmoid(-Z), 1 - mc.sigmoid(Z), rtol=1e-12)


@pytest.mark.parametrize(
    "g, g_prime",
    [(mc.sigmoid, mc.sigmoid_prime), (mc.tanh, mc.tanh_prime), (mc.relu, mc.relu_prime)],
)
def test_derivatives_written_with_A_match_finite_differences(g, g_prime):
    Z = np.linspace(-3, 3, 61) + 0.013  # avoid ReLU's kink at exactly 0
    eps = 1e-6
    numeric = (g(Z + eps) - g(Z - eps)) / (2 * eps)
    np.testing.assert_allclose(g_prime(g(Z)), numeric, atol=1e-8)


def test_cross_entropy_of_a_uniform_guess_is_log_k_and_stays_finite_at_zero():
    A = np.full((4, 10), 0.1)
    Y = mc.one_hot(np.array([0, 3, 5, 9]))
    assert mc.cross_entropy(A, Y) == pytest.approx(np.log(10))
    A0 = np.eye(10)[[1, 1, 1, 1]]  # all mass on the wrong class
    assert np.isfinite(mc.cross_entropy(A0, Y))


def test_fused_output_deltas_match_finite_differences_of_the_losses():
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((5, 4))
    Y = mc.one_hot(rng.integers(0, 4, 5), 4)
    for out, loss, delta in [
        (mc.softmax, mc.cross_entropy, mc.cross_entropy_output_delta),
        (mc.sigmoid, mc.mse, mc.mse_output_delta),
    ]:
        numeric = mc.numerical_gradient(lambda: loss(out(Z), Y), Z)  # noqa: B023 (used at once)
        np.testing.assert_allclose(delta(out(Z), Y), numeric, atol=1e-8)


def test_mse_value():
    A = np.array([[0.5, 0.5], [1.0, 0.0]])
    Y = np.array([[1.0, 0.0], [1.0, 0.0]])
    assert mc.mse(A, Y) == pytest.approx((0.5 * (0.25 + 0.25) + 0) / 2)
