"""Support for the notebooks' exercise checks: "write it yourself" is enforced.

An exercise that says "without ``mlp_core.fit``" checks the learner's function under
:func:`forbid`, so a solution that quietly calls the library fails with a clear message
instead of passing::

    with forbid("fit", "Network.backward", exercise="Exercise 1"):
        history = my_training_loop(net, X, y)

While the ``with`` block runs, each named ``mlp_core`` function (a module-level name such
as ``"fit"`` or ``"softmax"``, or a method such as ``"Network.backward"``) raises
:class:`ExerciseError` when called, wherever the learner's code found it: ``mc.fit``,
``mlp_core.training.fit``, or a ``from mlp_core import fit`` in the notebook. Everything is
restored afterwards, also when the learner's code fails.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class ExerciseError(AssertionError):
    """A check found something the exercise does not allow (an assertion, for nbgrader)."""


def _resolve(name: str) -> tuple[object, str, object]:
    """The (owner, attribute, original) that ``name`` refers to in ``mlp_core``."""
    import mlp_core

    owner: object = mlp_core
    *path, attr = name.split(".")
    for part in path:
        owner = getattr(owner, part)
    if not hasattr(owner, attr):
        raise ValueError(f"forbid({name!r}): mlp_core has no {name}")
    return owner, attr, getattr(owner, attr)


@contextmanager
def forbid(*names: str, exercise: str = "this exercise") -> Iterator[None]:
    """Make the named ``mlp_core`` functions raise :class:`ExerciseError` inside the block."""
    patches: list[tuple[object, str, object]] = []
    for name in names:
        owner, attr, original = _resolve(name)

        def refuse(*args, _name=name, **kwargs):
            raise ExerciseError(
                f"{exercise} asks you to write this without mlp_core's {_name}: "
                "do the computation yourself (numpy is fine)."
            )

        if isinstance(owner, type):  # a method: patch the class once
            places = [owner]
        else:  # a function: every mlp_core module, and the notebook, that holds it
            places = [m for m in list(sys.modules.values()) if _holds(m, attr, original)]
        for place in places:
            patches.append((place, attr, original))
            setattr(place, attr, refuse)
        # names under another name in the notebook (``from mlp_core import fit as train``)
        main = sys.modules.get("__main__")
        if main is not None and not isinstance(owner, type):
            for other, value in list(vars(main).items()):
                if value is original and other != attr:
                    patches.append((main, other, original))
                    setattr(main, other, refuse)
    try:
        yield
    finally:
        for place, attr, original in reversed(patches):
            setattr(place, attr, original)


def _holds(module: object, attr: str, original: object) -> bool:
    name = getattr(module, "__name__", "")
    return (name == "mlp_core" or name.startswith("mlp_core.") or name == "__main__") and (
        getattr(module, attr, None) is original
    )


def run_forbidding(
    function: Callable, *args, forbidden: tuple[str, ...], exercise: str = "this exercise", **kw
):
    """``function(*args, **kw)`` with ``forbidden`` mlp_core functions refused; its result."""
    with forbid(*forbidden, exercise=exercise):
        return function(*args, **kw)
