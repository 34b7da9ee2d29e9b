"""Command line: train a network on MNIST from a terminal (for instructors and benchmarks).

    python -m mlp_core train --hidden 256 --activation relu --loss cross-entropy \\
        --optimizer nesterov --lr 0.05 --momentum 0.9 --batch-size 128 --epochs 10 --json

Progress goes to stderr; with ``--json`` the last line on stdout is one JSON object with
the results. Problems (bad flags, missing data) print one line on stderr and exit with 2.

The course's maintainer and instructor commands (student edition, notebook stamping, the
Voila demo) are not part of the learner's library: see ``python -m course_tools``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from .data import DataError, load_mnist
from .network import Network
from .optimizers import cosine, make_optimizer, step_decay
from .training import fit


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line (argparse prints the whole usage otherwise)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _hidden(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) <= 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of positive layer widths, e.g. 256 or 104,64"
        )
    return sizes


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m mlp_core", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    t = commands.add_parser("train", help="train a network on MNIST and report test accuracy")
    t.add_argument("--hidden", type=_hidden, default=[256], help="hidden widths, e.g. 104,64")
    t.add_argument("--activation", choices=["relu", "sigmoid", "tanh"], default="relu")
    t.add_argument("--loss", choices=["cross-entropy", "mse"], default="cross-entropy")
    t.add_argument("--optimizer", choices=["sgd", "momentum", "nesterov"], default="sgd")
    t.add_argument("--lr", type=float, default=0.1, help="learning rate")
    t.add_argument("--momentum", type=float, default=0.9, help="beta for momentum/nesterov")
    t.add_argument("--batch-size", type=int, default=128, help="1 = per sample, 0 = full batch")
    t.add_argument("--epochs", type=int, default=10)
    t.add_argument("--l2", type=float, default=0.0, help="L2 weight decay coefficient")
    t.add_argument("--init", choices=["he", "xavier", "small", "uniform"], default="he")
    t.add_argument("--schedule", choices=["constant", "cosine", "step"], default="constant")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--dataset", choices=["mnist", "fashion-mnist"], default="mnist")
    t.add_argument("--data-dir", default=None, help="folder with the four .gz files")
    t.add_argument("--validation", type=int, default=0, help="hold out this many for validation")
    t.add_argument("--save", default=None, help="save the trained network to this .npz file")
    t.add_argument("--quiet", action="store_true", help="no progress on stderr")
    t.add_argument("--json", action="store_true", help="print results as JSON on stdout")
    return parser


def train(args: argparse.Namespace) -> dict:
    """Run the ``train`` command; returns the results dictionary."""
    # Check the cheap things first, so a typo fails at once rather than after loading data.
    optimizer = make_optimizer(args.optimizer, args.lr, args.momentum)
    if args.epochs < 1:
        raise ValueError(f"--epochs {args.epochs}: train for at least 1 epoch")
    if args.batch_size < 0:
        raise ValueError(f"--batch-size {args.batch_size}: use 0 (full batch), 1 or more")
    net = Network(
        [784, *args.hidden, 10],
        activation=args.activation,
        loss=args.loss,
        init=args.init,
        l2=args.l2,
        seed=args.seed,
    )
    data = load_mnist(args.data_dir, dataset=args.dataset, n_validation=args.validation)
    schedule = {
        "constant": None,
        "cosine": cosine(args.lr, args.epochs),
        "step": step_decay(args.lr, drop=0.1, every=max(1, args.epochs // 2)),
    }[args.schedule]
    has_val = len(data.y_val) > 0
    start = time.perf_counter()
    history = fit(
        net,
        data.X_train,
        data.y_train,
        optimizer=optimizer,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        lr_schedule=schedule,
        X_val=data.X_val if has_val else None,
        y_val=data.y_val if has_val else None,
        X_test=data.X_test,
        y_test=data.y_test,
        progress=not args.quiet,
    )
    seconds = time.perf_counter() - start
    if args.save:
        from .saving import save_network

        save_network(net, args.save)
    return {
        "network": "-".join(str(n) for n in net.sizes),
        "settings": history.settings,
        "epochs": history.epochs_done,
        "test_accuracy": history.test_accuracy[-1] if history.test_accuracy else None,
        "test_accuracy_per_epoch": history.test_accuracy,
        "val_accuracy": history.val_accuracy[-1] if history.val_accuracy else None,
        "train_accuracy": history.train_accuracy[-1] if history.train_accuracy else None,
        "train_loss": history.train_loss[-1] if history.train_loss else None,
        "seconds": seconds,
        "seconds_per_epoch": (sum(history.seconds) / len(history.seconds))
        if history.seconds
        else None,
        "diverged_at_step": history.diverged_at_step,
        "message": history.message,
    }


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m mlp_core``. Returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        result = train(args)
    except (ValueError, DataError, OSError) as e:
        print(f"python -m mlp_core: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("python -m mlp_core: interrupted", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps(result))
    else:
        acc = result["test_accuracy"]
        print(
            f"{result['network']}: test accuracy {100 * acc:.2f}% after {result['epochs']} "
            f"epochs, {result['seconds_per_epoch']:.2f} s per epoch"
            if acc is not None
            else result["message"]
        )
    return 1 if result["diverged_at_step"] else 0
