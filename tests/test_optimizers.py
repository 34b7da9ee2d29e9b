"""Optimizer maths on a small quadratic, by hand, and the two Nesterov forms agreeing."""

import numpy as np
import pytest

import mlp_core as mc

H = np.diag([1.0, 10.0])  # f(p) = 1/2 p^T H p, gradient H p


def grad(p):
    return H @ p


def trajectory(opt, steps, start=(1.0, 1.0)):
    p = np.array(start)
    points = [p.copy()]
    for _ in range(steps):
        opt.step([p], [grad(p)])
        points.append(p.copy())
    return np.array(points)


def test_sgd_by_hand():
    # p1 = p0 - 0.1 * (1, 10) = (0.9, 0); p2 = (0.81, 0)
    np.testing.assert_allclose(trajectory(mc.SGD(0.1), 2), [[1, 1], [0.9, 0], [0.81, 0]])


def test_momentum_by_hand():
    # v1 = (-0.1, -1), p1 = (0.9, 0); g1 = (0.9, 0), v2 = 0.9 v1 - 0.1 g1 = (-0.18, -0.9)
    np.testing.assert_allclose(
        trajectory(mc.Momentum(0.1, 0.9), 2), [[1, 1], [0.9, 0], [0.72, -0.9]], atol=1e-12
    )


def test_nesterov_lookahead_by_hand():
    # step 1: look-ahead = p0, v1 = (-0.1, -1), p1 = (0.9, 0)
    # step 2: look-ahead = p1 + 0.9 v1 = (0.81, -0.9), g = (0.81, -9),
    #         v2 = 0.9 v1 - 0.1 g = (-0.171, 0), p2 = (0.729, 0)
    opt = mc.NesterovLookAhead(0.1, 0.9)
    p = np.array([1.0, 1.0])
    path = [p.copy()]
    for _ in range(2):
        opt.step([p], lambda ahead: [grad(ahead[0])])
        path.append(p.copy())
    np.testing.assert_allclose(path, [[1, 1], [0.9, 0], [0.729, 0]], atol=1e-12)


def test_nesterov_framework_form_by_hand():
    # It tracks the look-ahead point q = p + beta v: q1 = (0.81, -0.9), q2 = (0.5751, 0)
    np.testing.assert_allclose(
        trajectory(mc.Nesterov(0.1, 0.9), 2), [[1, 1], [0.81, -0.9], [0.5751, 0]], atol=1e-12
    )


@pytest.mark.parametrize("lr, beta", [(0.05, 0.9), (0.15, 0.5), (0.01, 0.99)])
def test_both_nesterov_forms_give_the_same_trajectory(lr, beta):
    """Frameworks' parameters are the look-ahead points p + beta v of the derived form."""
    rng = np.random.default_rng(0)
    M = rng.standard_normal((3, 3))
    A = M @ M.T + np.eye(3)  # a random positive-definite quadratic
    start = rng.standard_normal(3)

    derived, v_form = mc.NesterovLookAhead(lr, beta), mc.Nesterov(lr, beta)
    p, q = start.copy(), start.copy()
    for _ in range(60):
        derived.step([p], lambda ahead: [A @ ahead[0]])
        v_form.step([q], [A @ q])
        np.testing.assert_allclose(q, p + beta * derived.v[0], atol=1e-12)


def test_momentum_beats_sgd_on_an_ill_conditioned_quadratic():
    def f(p):
        return 0.5 * p @ H @ p

    sgd = f(trajectory(mc.SGD(0.05), 40)[-1])
    heavy_ball = f(trajectory(mc.Momentum(0.05, 0.8), 40)[-1])
    nesterov = f(trajectory(mc.Nesterov(0.05, 0.8), 40)[-1])
    assert nesterov < heavy_ball / 10 < sgd / 100


def test_updates_are_in_place_on_float32_arrays():
    p = np.ones(3, np.float32)
    ref = p
    for opt in (mc.SGD(0.1), mc.Momentum(0.1), mc.Nesterov(0.1)):
        opt.step([p], [np.ones(3, np.float32)])
    assert p is ref and p.dtype == np.float32


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), float("inf"), "0.1"])
def test_bad_learning_rates_are_rejected(lr):
    with pytest.raises(ValueError, match="lr="):
        mc.SGD(lr)


@pytest.mark.parametrize("beta", [-0.1, 1.0, 1.5])
def test_bad_momentum_is_rejected(beta):
    with pytest.raises(ValueError, match="beta="):
        mc.Nesterov(0.1, beta)


def test_make_optimizer_by_name():
    assert isinstance(mc.make_optimizer("nesterov", 0.1, 0.8), mc.Nesterov)
    assert mc.make_optimizer("momentum", 0.1, 0.8).beta == 0.8
    with pytest.raises(ValueError, match="optimizer='adam'.*sgd"):
        mc.make_optimizer("adam", 0.1)


def test_schedules():
    assert [mc.constant(0.1)(e) for e in (0, 5)] == [0.1, 0.1]
    cos = mc.cosine(0.1, 10)
    assert cos(0) == pytest.approx(0.1) and cos(5) == pytest.approx(0.05) and cos(9) < 0.01
    assert [mc.step_decay(1.0, 0.5, 2)(e) for e in range(5)] == [1, 1, 0.5, 0.5, 0.25]
