"""Save a trained network to a ``.npz`` file and load it back, without pickle.

The file holds plain arrays ``W1, b1, W2, b2, ...`` and a JSON string with the settings
(``Network.config()``), so it can be read safely with ``np.load(..., allow_pickle=False)``
and inspected with any numpy.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .network import Network


def save_network(net: Network, path: str | Path) -> Path:
    """Write ``net``'s weights and settings to ``path`` (``.npz`` is added if missing)."""
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_suffix(path.suffix + ".npz")
    arrays = {f"W{l + 1}": W for l, W in enumerate(net.W)}
    arrays.update({f"b{l + 1}": b for l, b in enumerate(net.b)})
    arrays["config"] = np.array(json.dumps(net.config()))
    np.savez(path, **arrays)
    return path


def load_network(path: str | Path) -> Network:
    """Read a network written by :func:`save_network`. Returns a ready-to-use ``Network``."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as f:
            config = json.loads(str(f["config"]))
            n_layers = len(config["sizes"]) - 1
            W = [f[f"W{l + 1}"] for l in range(n_layers)]
            b = [f[f"b{l + 1}"] for l in range(n_layers)]
    except (OSError, KeyError, ValueError) as e:
        raise ValueError(
            f"{path} is not a network saved by mlp_core.save_network ({e}); "
            "check the path, or save the network again"
        ) from e
    dtype = config.pop("dtype", "float32")
    net = Network(**config, dtype=dtype)
    for l in range(n_layers):
        if W[l].shape != net.W[l].shape or b[l].shape != net.b[l].shape:
            raise ValueError(f"{path}: layer {l + 1} arrays do not match sizes {net.sizes}")
        net.W[l], net.b[l] = W[l], b[l]
    return net
