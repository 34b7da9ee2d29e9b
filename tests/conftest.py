"""Shared fixtures: where the real MNIST files are, and MNIST loaded once per test session."""

import os
from pathlib import Path

import pytest

from mlp_core.data import Dataset, load_mnist, locate

REPO = Path(__file__).resolve().parent.parent

# ``course_tools`` (the maintainers' commands) is not installed: it runs from the checkout, as
# ``python -m course_tools`` in the repository root. Tests that start it in another folder
# find it through PYTHONPATH.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p
)


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """Folder with the four MNIST .gz files: $MLP_CORE_DATA, the shared copy, or a download."""
    if os.environ.get("MLP_CORE_DATA"):
        return Path(os.environ["MLP_CORE_DATA"])
    shared = REPO.parent / "shared" / "data" / "mnist"
    if shared.is_dir():
        return shared
    return locate("mnist")


@pytest.fixture(scope="session")
def mnist(mnist_dir: Path) -> Dataset:
    """The full MNIST dataset (flattened, float32 in [0, 1], no validation split)."""
    return load_mnist(mnist_dir)
