"""mlp_core: the small numpy library behind the course "Neural networks from scratch".

The core, in reading order (each module holds one idea):

- ``data``         load MNIST / Fashion-MNIST (verified, cached), one-hot labels, splits
- ``activations``  sigmoid, ReLU, tanh, softmax and their derivatives
- ``losses``       MSE (with sigmoid outputs) and cross-entropy (with softmax outputs)
- ``initializers`` how the first weights are drawn: he, xavier, small, uniform
- ``network``      the ``Network``: forward pass, backward pass, prediction
- ``optimizers``   SGD, momentum, Nesterov (both forms), learning-rate schedules
- ``training``     ``fit``: shuffle, batches, forward/backward/step, record a ``History``

What ``fit`` composes, each apart so the core stays short:

- ``batches``      shuffling and cutting an epoch into batches (into buffers made once)
- ``callbacks``    divergence guard, early stopping, progress line; the ``Callback`` base
- ``divergence``   the one rule for "training has diverged"
- ``per_sample``   the marked FAST PATH for per-sample training (same numbers, faster)
- ``threads``      one BLAS thread for small batches (fast on a busy laptop)
- ``checks``       the input checks every entry point shares

Tools around it:

- ``gradcheck``    finite-difference gradient checks
- ``metrics``      accuracy, confusion matrix, most confused pairs
- ``plots``        loss curves, digit grids, confusion matrices, first-layer weights
- ``saving``       save and load a trained network as ``.npz``
- ``diagnostics``  per-layer health: dead ReLUs, saturated sigmoids, gradient/update sizes
- ``toy_data``     2-D datasets for the decision-boundary playground
- ``preprocess``   turn a drawn digit into an MNIST-style 28x28 input
- ``exercises``    the notebooks' checks: ``forbid`` refuses library calls in "write it yourself"
- ``widgets``      live monitor, hyperparameter explorer, optimizer and boundary playgrounds,
                   digit canvas
- ``cli``          ``python -m mlp_core train ...``

``plots``, ``diagnostics`` and ``widgets`` import matplotlib (and ipywidgets); import them
explicitly, e.g. ``from mlp_core.plots import plot_history``, so ``import mlp_core`` stays
quick for scripts and the command line. The course's maintainer tools (student edition,
notebook stamping, demo, nbgrader, website) are in ``course_tools/``, not in this package.
"""

from .activations import relu, relu_prime, sigmoid, sigmoid_prime, softmax, tanh, tanh_prime
from .callbacks import Callback, EarlyStopping, ProgressBar, StopTraining
from .data import DataError, Dataset, load_mnist, one_hot, read_idx, train_val_split
from .gradcheck import check_gradients, numerical_gradient, relative_error
from .losses import cross_entropy, cross_entropy_output_delta, mse, mse_output_delta
from .metrics import accuracy, confusion_matrix, most_confused
from .network import Network
from .optimizers import (
    SGD,
    Momentum,
    Nesterov,
    NesterovLookAhead,
    constant,
    cosine,
    make_optimizer,
    step_decay,
)
from .saving import load_network, save_network
from .training import History, evaluate, fit, train_step

__version__ = "0.1.0"

__all__ = [
    "SGD",
    "Callback",
    "DataError",
    "EarlyStopping",
    "Dataset",
    "History",
    "Momentum",
    "Nesterov",
    "NesterovLookAhead",
    "Network",
    "ProgressBar",
    "StopTraining",
    "accuracy",
    "check_gradients",
    "confusion_matrix",
    "constant",
    "cosine",
    "cross_entropy",
    "cross_entropy_output_delta",
    "evaluate",
    "fit",
    "load_mnist",
    "load_network",
    "make_optimizer",
    "most_confused",
    "mse",
    "mse_output_delta",
    "numerical_gradient",
    "one_hot",
    "read_idx",
    "relative_error",
    "relu",
    "relu_prime",
    "save_network",
    "sigmoid",
    "sigmoid_prime",
    "softmax",
    "step_decay",
    "tanh",
    "tanh_prime",
    "train_step",
    "train_val_split",
]
