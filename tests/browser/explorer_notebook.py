"""The notebook that ``tests/test_browser.py`` opens in JupyterLab.

It is written fresh into the test's temporary folder every time (JupyterLab autosaves open
notebooks, so the test never opens a file of the repository), and it lives here as Python
rather than as an ``.ipynb`` so that nbval does not collect it as a course notebook.
"""

from pathlib import Path

import nbformat
from helpers import make_notebook  # tests/ is on sys.path under pytest

CELLS = [
    (
        "markdown",
        "# Browser test\nThe hyperparameter explorer on 2,000 MNIST digits, the optimizer "
        "playground and the live training monitor.",
    ),
    (
        "code",
        "from mlp_core.data import Dataset, load_mnist\n"
        "from mlp_core.widgets import HyperparameterExplorer, OptimizerPlayground\n"
        "\n"
        "mnist = load_mnist()  # from $MLP_CORE_DATA\n"
        "small = Dataset(\n"
        "    mnist.X_train[:2000], mnist.y_train[:2000],\n"
        "    mnist.X_train[2000:2500], mnist.y_train[2000:2500],\n"
        "    mnist.X_test[:500], mnist.y_test[:500], mnist.classes,\n"
        ")",
    ),
    (
        "code",
        'explorer = HyperparameterExplorer(small, hidden="16", epochs=2, n_train=1000)\nexplorer',
    ),
    ("code", "playground = OptimizerPlayground()\nplayground"),
    (
        "code",
        "from mlp_core.widgets import BoundaryPlayground\n"
        "\n"
        "boundary = BoundaryPlayground(n=200, epochs=40, interval=0.5)\n"
        "boundary",
    ),
    (
        "code",
        "from mlp_core.network import Network\n"
        "from mlp_core.widgets import train_live\n"
        "\n"
        "history = train_live(\n"
        "    Network([784, 16, 10]), small.X_train, small.y_train, epochs=2,\n"
        "    X_val=small.X_val, y_val=small.y_val,\n"
        ")",
    ),
    # run by the test after the boundary playground's runs (not by "run all")
    ("code", 'print("TITLE:", boundary.figure().axes[0].get_title().replace("\\n", " | "))'),
]
TITLE_CELL = len(CELLS) - 1  # tests/test_browser.py runs it by this index


def write_notebook(path: Path) -> Path:
    """Write the test notebook (no outputs) to ``path`` and return it."""
    nbformat.write(make_notebook(CELLS), path)
    return path
