"""The shared input checks and the one divergence rule."""

import math

import numpy as np
import pytest

from mlp_core import checks
from mlp_core.divergence import DivergenceRule, uniform_guess_loss
from mlp_core.losses import cross_entropy, mse


def test_checks_name_the_value_the_user_typed():
    with pytest.raises(ValueError, match=r"--lr=0\.0 must be a finite number > 0"):
        checks.check_lr(0.0, "--lr")
    with pytest.raises(ValueError, match=r"beta=1\.0 must be in \[0, 1\)"):
        checks.check_beta(1.0)
    with pytest.raises(ValueError, match="l2=-1 must be a finite number >= 0"):
        checks.check_l2(-1)
    with pytest.raises(ValueError, match="epochs=0 must be a whole number >= 1"):
        checks.check_whole(0, "epochs")
    with pytest.raises(ValueError, match="use one of"):
        checks.check_choice("relux", ["relu", "tanh"], "activation")
    assert checks.check_lr(1) == 1.0 and checks.check_whole(np.int64(3), "n") == 3


def test_input_and_label_checks():
    with pytest.raises(ValueError, match=r"expects \(m, 4\)"):
        checks.check_X(np.zeros((2, 3)), 4)
    with pytest.raises(ValueError, match="NaN or infinite"):
        checks.check_X(np.array([[0.0, np.nan]]), 2)
    with pytest.raises(ValueError, match="is empty"):
        checks.check_X(np.zeros((0, 2)), 2)
    with pytest.raises(ValueError, match="not one-hot rows"):
        checks.check_labels(np.eye(3), 3, 3)
    with pytest.raises(ValueError, match=r"in \[0, 3\) for a network with 3 outputs"):
        checks.check_labels(np.array([0, 3]), 2, 3)
    assert checks.check_labels(np.array([0.0, 2.0]), 2, 3).dtype.kind == "i"


def test_uniform_guess_losses():
    assert uniform_guess_loss(cross_entropy, 10) == pytest.approx(math.log(10))
    assert uniform_guess_loss(mse, 10) == pytest.approx(0.5 * (0.9**2 + 9 * 0.01))


def test_rule_fires_on_nan_and_on_a_loss_far_above_the_start():
    rule = DivergenceRule(math.log(10))
    assert not rule.update(2.3, 128)
    assert not rule.update(5.0, 128)  # worse, but within 3 x 2.3
    assert rule.update(7.5, 128)
    assert "more than 3 times" in rule.explain(7.5)
    assert DivergenceRule().update(float("nan"))


def test_one_confidently_wrong_sample_is_not_divergence():
    rule = DivergenceRule(math.log(10))
    losses = [2.3] * 50 + [16.1] + [0.5] * 50  # a sample at the clip of cross-entropy
    assert not any(rule.update(loss, 1) for loss in losses)
    # ... but a run of them is
    assert any(rule.update(16.1, 1) for _ in range(200))
