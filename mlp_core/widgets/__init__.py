"""Interactive widgets for the notebooks (need ``ipywidgets``; work on ipywidgets 7.7 and 8).

- ``LiveMonitor`` / ``train_live``  loss and accuracy curves redrawn while ``fit`` runs
- ``HyperparameterExplorer``         train MNIST networks from controls, compare the runs
- ``OptimizerPlayground``            SGD / momentum / Nesterov on a 2-D loss surface
- ``BoundaryPlayground``             decision boundaries on 2-D toy data
- ``DigitCanvas``                    draw a digit, see the network's input and answer (anywidget)

Every widget also works without a browser: see ``_common.py`` for the conventions.
"""

from .boundary_playground import BoundaryPlayground
from .draw import DigitCanvas
from .explorer import HyperparameterExplorer
from .monitor import LiveMonitor, train_live
from .optimizer_playground import OptimizerPlayground

__all__ = [
    "BoundaryPlayground",
    "DigitCanvas",
    "HyperparameterExplorer",
    "LiveMonitor",
    "OptimizerPlayground",
    "train_live",
]
