"""Tests for mlp_core.toy_data: shapes, labels, determinism, the clean shapes, bad input."""

import numpy as np
import pytest

from mlp_core.toy_data import _SCALE, TOY_DATASETS, make_toy, toy_split


@pytest.mark.parametrize("name", TOY_DATASETS)
def test_shapes_dtypes_and_range(name):
    X, y = make_toy(name, 301, noise=0.1, seed=3)
    assert X.shape == (301, 2) and X.dtype == np.float32
    assert y.shape == (301,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1}
    assert np.abs(X).max() < 4  # roughly standardised
    assert 0.5 < X.std() < 1.6


@pytest.mark.parametrize("name", TOY_DATASETS)
def test_labels_are_balanced_and_shuffled(name):
    _, y = make_toy(name, 401)
    assert sorted(np.bincount(y)) == [200, 201]
    assert np.count_nonzero(np.diff(y)) > 100  # shuffled: the label changes often


@pytest.mark.parametrize("name", TOY_DATASETS)
def test_same_seed_same_points_other_seed_other_points(name):
    X1, y1 = make_toy(name, 100, seed=7)
    X2, y2 = make_toy(name, 100, seed=7)
    X3, _ = make_toy(name, 100, seed=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(X1, X3)


def test_noise_moves_the_points():
    clean, y = make_toy("circles", 200, noise=0.0)
    noisy, y_noisy = make_toy("circles", 200, noise=0.3)
    np.testing.assert_array_equal(y, y_noisy)  # noise is drawn after the shape and labels
    assert np.abs(noisy - clean).mean() > 0.2


def test_clean_circles_lie_on_two_rings():
    X, y = make_toy("circles", 200, noise=0.0)
    radius = np.hypot(*X.T) / _SCALE
    np.testing.assert_allclose(radius[y == 0], 1.0, rtol=1e-5)
    np.testing.assert_allclose(radius[y == 1], 0.45, rtol=1e-5)


def test_clean_xor_labels_follow_the_signs():
    X, y = make_toy("xor", 400, noise=0.0)
    opposite = np.sign(X[:, 0]) != np.sign(X[:, 1])
    np.testing.assert_array_equal(y, opposite.astype(int))


def test_clean_moons_lie_on_half_circles_of_radius_one():
    X, y = make_toy("moons", 200, noise=0.0)
    P = X / _SCALE * 1.25
    upper = P[y == 0] + [0.5, 0.25]  # centre of the upper moon moved to the origin
    lower = P[y == 1] - [0.5, 0.25]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0, rtol=1e-5)
    np.testing.assert_allclose(np.hypot(*lower.T), 1.0, rtol=1e-5)
    assert (upper[:, 1] >= -1e-6).all() and (lower[:, 1] <= 1e-6).all()


def test_spiral_arms_wind_around_each_other():
    X, y = make_toy("spirals", 400, noise=0.0)
    # Point reflection through the origin maps one arm onto the other.
    arm0, arm1 = X[y == 0], X[y == 1]
    nearest = np.abs(-arm0[:, None, :] - arm1[None, :, :]).sum(axis=2).min(axis=1)
    assert np.median(nearest) < 0.1
    radius = np.hypot(*X.T)
    assert radius.max() <= _SCALE + 1e-5


def test_blobs_can_have_more_classes():
    X, y = make_toy("blobs", 300, n_classes=3)
    assert sorted(np.bincount(y)) == [100, 100, 100]
    centres = np.array([X[y == k].mean(axis=0) for k in range(3)])
    gaps = np.linalg.norm(centres[:, None] - centres[None, :], axis=2)
    assert gaps[np.triu_indices(3, 1)].min() > 1.5  # three separate clouds


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"name": "moon"}, "name='moon'"),
        ({"name": "moons", "n_classes": 3}, "only possible for 'blobs'"),
        ({"name": "blobs", "n_classes": 1}, "n_classes=1"),
        ({"name": "moons", "n": 3}, "n=3"),
        ({"name": "moons", "n": 10.5}, "n=10.5"),
        ({"name": "moons", "noise": -0.1}, "noise=-0.1"),
        ({"name": "moons", "noise": float("nan")}, "noise=nan"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_toy(**kwargs)


def test_toy_split_partitions_the_points():
    X, y = make_toy("moons", 200, noise=0.2, seed=4)
    X_tr, y_tr, X_te, y_te = toy_split("moons", 200, noise=0.2, train_ratio=0.7, seed=4)
    assert (len(X_tr), len(X_te)) == (140, 60)
    together = np.concatenate([X_tr, X_te])
    assert {tuple(p) for p in together} == {tuple(p) for p in X}
    assert y_tr.sum() + y_te.sum() == y.sum()


def test_toy_split_keeps_at_least_one_point_on_each_side():
    X_tr, _, X_te, _ = toy_split("xor", 10, train_ratio=0.99)
    assert (len(X_tr), len(X_te)) == (9, 1)


@pytest.mark.parametrize("ratio", [0, 1, 1.5, -0.2])
def test_toy_split_rejects_bad_ratio(ratio):
    with pytest.raises(ValueError, match="train_ratio"):
        toy_split("moons", 100, train_ratio=ratio)
