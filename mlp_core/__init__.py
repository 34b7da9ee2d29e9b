"""mlp_core: the small numpy library behind the course "Neural networks from scratch".

Read the modules in this order; each holds one idea:

- ``data``         load MNIST / Fashion-MNIST, one-hot labels, train/validation split
- ``activations``  sigmoid, ReLU, tanh, softmax and their derivatives
- ``losses``       MSE (with sigmoid outputs) and cross-entropy (with softmax outputs)
- ``initializers`` how the first weights are drawn: he, xavier, small, uniform
- ``network``      the ``Network``: forward pass, backward pass, prediction
- ``optimizers``   SGD, momentum, Nesterov (both forms), learning-rate schedules
- ``training``     ``fit``: one loop for per-sample, mini-batch and full-batch training
- ``gradcheck``    finite-difference gradient checks
- ``metrics``      accuracy, confusion matrix
- ``plots``        loss curves, digit grids, confusion matrices, first-layer weights
- ``saving``       save and load a trained network as ``.npz``
- ``diagnostics``  per-layer health: dead ReLUs, saturated sigmoids, gradient/update sizes
- ``toy_data``     2-D datasets for the decision-boundary playground
- ``widgets``      live monitor, hyperparameter explorer, optimizer and boundary playgrounds

``plots``, ``diagnostics`` and ``widgets`` import matplotlib (and ipywidgets); import them
explicitly, e.g. ``from mlp_core.plots import plot_history``, so ``import mlp_core`` stays
quick for scripts and the command line.
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
