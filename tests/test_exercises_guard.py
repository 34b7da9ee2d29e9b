"""``mlp_core.exercises.forbid``: a learner's function that calls the library is refused."""

import numpy as np
import pytest

import mlp_core
import mlp_core as mc
from mlp_core.exercises import ExerciseError, forbid, run_forbidding

Z = np.array([[1.0, 2.0, 3.0]])


def by_module(Z):
    return mc.softmax(Z)


def by_submodule(Z):
    return mlp_core.activations.softmax(Z)


@pytest.mark.parametrize("cheat", [by_module, by_submodule])
def test_a_forbidden_function_raises_wherever_it_is_reached(cheat):
    with pytest.raises(ExerciseError, match="Exercise 3 asks you to write this without"):
        with forbid("softmax", exercise="Exercise 3"):
            cheat(Z)


def test_a_name_imported_into_the_notebook_is_refused_too():
    import __main__

    __main__.my_alias = mc.softmax
    try:
        with pytest.raises(ExerciseError), forbid("softmax"):
            __main__.my_alias(Z)
    finally:
        del __main__.my_alias


def test_a_forbidden_method_raises_and_everything_is_restored_after_a_failure():
    net = mc.Network([3, 4, 2], seed=0)
    A = net.forward(np.ones((2, 3), np.float32))
    Y = np.eye(2, dtype=np.float32)
    original = (mc.softmax, mc.Network.backward, mc.fit)
    with pytest.raises(ExerciseError, match="Network.backward"):
        with forbid("Network.backward", "fit", "softmax"):
            net.backward(A, Y)
    assert (mc.softmax, mc.Network.backward, mc.fit) == original
    assert np.allclose(mc.softmax(Z).sum(), 1.0)


def test_own_code_runs_normally_and_returns_its_result():
    def own(Z):
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)

    out = run_forbidding(own, Z, forbidden=("softmax",))
    assert np.allclose(out, mc.softmax(Z))


def test_an_unknown_name_is_a_clear_error():
    with pytest.raises(ValueError, match="mlp_core has no sofmax"):
        with forbid("sofmax"):
            pass
