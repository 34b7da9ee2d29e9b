"""The explorer's settings: their defaults, the controls that show them and their checks.

The choices offered come from the library's registries (``HIDDEN_ACTIVATIONS``, ``LOSSES``,
``INIT_SCHEMES``, ``OPTIMIZERS``) and the checks from ``mlp_core.checks``, so a new
activation or optimizer appears here without touching this file.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..activations import HIDDEN_ACTIVATIONS
from ..checks import check_whole
from ..data import train_val_split
from ..initializers import INIT_SCHEMES
from ..losses import LOSSES
from ..optimizers import OPTIMIZERS
from ._common import lr_controls, set_tooltip, with_choice
from ._training import check_common

DEFAULTS = {
    "hidden": (100,),  # widths of the hidden layers; () = no hidden layer
    "activation": "relu",
    "loss": "cross-entropy",
    "init": "he",
    "optimizer": "sgd",
    "beta": 0.9,
    "lr": 0.1,
    "batch_size": 32,  # 1 = one sample per step, 0 = full batch
    "l2": 0.0,
    "epochs": 5,
    "n_train": 5000,
    "seed": 0,
}
LOSS_NAMES = {"cross-entropy": "softmax + cross-entropy", "mse": "sigmoid + MSE"}
OPTIMIZER_NAMES = {"sgd": "SGD", "momentum": "momentum", "nesterov": "Nesterov"}
BATCH_CHOICES = [("1 (one sample)", 1), ("8", 8), ("32", 32), ("128", 128), ("512", 512)]
BATCH_CHOICES += [("full batch", 0)]
L2_CHOICES = [("0 (off)", 0.0), ("1e-5", 1e-5), ("1e-4", 1e-4), ("1e-3", 1e-3), ("1e-2", 1e-2)]
TOOLTIPS = {
    "hidden": "widths of the hidden layers, separated by commas: 100 or 128, 64 (empty: none)",
    "beta": "momentum: the fraction of the previous update that is kept (SGD has none)",
    "batch_size": "samples per update: 1 = one at a time, full batch = all of them",
    "l2": "weight decay: l2 * W is added to every weight gradient",
    "n_train": "how many training samples to use (a random subset, chosen with the seed)",
    "seed": "seeds the first weights, the training subset and the shuffling",
}


def check_settings(settings: dict, n_available: int) -> dict:
    """Validate a complete settings dict (the keys of ``DEFAULTS``); return a cleaned copy.

    n_available: how many training samples there are. Raises ValueError naming the
    setting and what is allowed.
    """
    choices = {"activation": HIDDEN_ACTIVATIONS, "loss": LOSSES, "init": INIT_SCHEMES}
    s = check_common(DEFAULTS, settings, choices)
    s["n_train"] = check_whole(s["n_train"], "training-set size", 1, n_available)
    s["batch_size"] = check_whole(s["batch_size"], "batch size (0 = full batch)", 0)
    if s["batch_size"] > s["n_train"]:
        raise ValueError(
            f"batch size {s['batch_size']} is larger than the training set "
            f"({s['n_train']} samples): pick a smaller batch, 'full batch', or more samples"
        )
    return s


def make_controls(w: Any, start: dict, n_available: int) -> tuple[dict, Any, Any]:
    """The explorer's controls, showing the checked settings ``start``.

    Returns ``(controls, lr_slider, lr_box)``: controls maps each key of ``DEFAULTS`` to its
    widget (``controls[key].value`` is the setting); lr_slider moves the learning rate on a
    log scale; lr_box shows the learning-rate box and its slider side by side.
    """
    wide = {"description_width": "initial"}
    lr, lr_slider, lr_box = lr_controls(w, start["lr"], -4, 1, "mlp-explorer")
    c = {
        "hidden": w.Text(
            value=", ".join(str(n) for n in start["hidden"]),
            description="hidden layers",
            placeholder="e.g. 100 or 128, 64",
            continuous_update=False,
            style=wide,
            layout={"width": "290px"},
        ),
        "activation": w.Dropdown(
            options=list(HIDDEN_ACTIVATIONS), value=start["activation"], description="activation"
        ),
        "loss": w.Dropdown(
            options=[(LOSS_NAMES.get(k, k), k) for k in LOSSES],
            value=start["loss"],
            description="output + loss",
            style=wide,
        ),
        "init": w.Dropdown(options=list(INIT_SCHEMES), value=start["init"], description="init"),
        "optimizer": w.Dropdown(
            options=[(OPTIMIZER_NAMES.get(k, k), k) for k in OPTIMIZERS],
            value=start["optimizer"],
            description="optimizer",
        ),
        "beta": w.FloatSlider(value=start["beta"], min=0.0, max=0.99, step=0.01, description="β"),
        "lr": lr,
        "batch_size": w.Dropdown(
            options=with_choice(BATCH_CHOICES, start["batch_size"]),
            value=start["batch_size"],
            description="batch size",
        ),
        "l2": w.Dropdown(
            options=with_choice(L2_CHOICES, start["l2"]), value=start["l2"], description="L2"
        ),
        "epochs": w.IntSlider(value=start["epochs"], min=1, max=50, description="epochs"),
        "n_train": w.IntSlider(
            value=start["n_train"],
            min=min(100, n_available),
            max=n_available,
            step=100 if n_available >= 1000 else 1,
            description="training samples",
            style=wide,
        ),
        "seed": w.BoundedIntText(
            value=start["seed"], min=0, max=10**6, description="seed", layout={"width": "160px"}
        ),
    }
    for name, control in c.items():  # two controls side by side in a 600-pixel notebook
        if name not in ("lr", "seed", "hidden"):
            control.layout.width = "290px"
        if name != "lr":
            control.add_class(f"mlp-explorer-{name.replace('_', '-')}")
        if name in TOOLTIPS:
            set_tooltip(control, TOOLTIPS[name])
    c["beta"].disabled = start["optimizer"] == "sgd"
    return c, lr_slider, lr_box


def prepare_data(data, n_validation: int) -> dict:
    """The arrays of ``data``, with ``n_validation`` training samples split off for
    validation if it has no validation split (at most a fifth of them; seeded)."""
    names = ("X_train", "y_train", "X_val", "y_val", "X_test", "y_test")
    d: dict = {name: np.asarray(getattr(data, name)) for name in names}
    if len(d["X_train"]) == 0 or d["X_train"].ndim != 2:
        raise ValueError("data.X_train must be a non-empty (m, n_features) array")
    n_classes = int(max(d["y_train"].max(), d["y_test"].max(initial=0))) + 1
    d["classes"] = list(getattr(data, "classes", None) or range(n_classes))
    if len(d["X_val"]) == 0 and n_validation > 0:
        n_val = min(n_validation, len(d["X_train"]) // 5)
        d["X_train"], d["y_train"], d["X_val"], d["y_val"] = train_val_split(
            d["X_train"], d["y_train"], n_val, seed=0
        )
    return d
