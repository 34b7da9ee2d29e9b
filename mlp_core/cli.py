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
from pathlib import Path

from .activations import HIDDEN_ACTIVATIONS
from .checks import check_beta, check_l2, check_lr, check_whole
from .data import DataError, load_mnist
from .initializers import INIT_SCHEMES
from .losses import LOSSES
from .network import Network
from .optimizers import OPTIMIZERS, SCHEDULES, make_optimizer
from .training import fit


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line (argparse prints the whole usage otherwise)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _hidden(text: str) -> list[int]:
    """``"104,64"`` -> ``[104, 64]``; every part must be a positive whole number."""
    parts = [part.strip() for part in text.split(",")]
    if not all(part.isdigit() and int(part) > 0 for part in parts):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of positive layer widths, e.g. 256 or "
            "104,64 (no empty or zero entries)"
        )
    return [int(part) for part in parts]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m mlp_core", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    t = commands.add_parser("train", help="train a network on MNIST and report test accuracy")
    t.add_argument("--hidden", type=_hidden, default=[256], help="hidden widths, e.g. 104,64")
    t.add_argument("--activation", choices=list(HIDDEN_ACTIVATIONS), default="relu")
    t.add_argument("--loss", choices=list(LOSSES), default="cross-entropy")
    t.add_argument("--optimizer", choices=list(OPTIMIZERS), default="sgd")
    t.add_argument("--lr", type=float, default=0.1, help="learning rate")
    t.add_argument("--momentum", type=float, default=0.9, help="beta for momentum/nesterov")
    t.add_argument("--batch-size", type=int, default=128, help="1 = per sample, 0 = full batch")
    t.add_argument("--epochs", type=int, default=10)
    t.add_argument("--l2", type=float, default=0.0, help="L2 weight decay coefficient")
    t.add_argument("--init", choices=list(INIT_SCHEMES), default="he")
    t.add_argument("--schedule", choices=list(SCHEDULES), default="constant")
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
    # Check the cheap things first, so a typo fails at once rather than after loading data,
    # and name the flags the user typed (the library's own messages name its parameters).
    lr = check_lr(args.lr, "--lr")
    optimizer = make_optimizer(args.optimizer, lr, check_beta(args.momentum, "--momentum"))
    check_whole(args.epochs, "--epochs")
    check_whole(args.batch_size, "--batch-size", low=0)
    check_whole(args.validation, "--validation", low=0)
    check_l2(args.l2, "--l2")
    if args.data_dir is not None and not Path(args.data_dir).expanduser().is_dir():
        raise ValueError(
            f"--data-dir {args.data_dir}: no such folder; give the folder that holds the four "
            ".gz files, or leave --data-dir out to use the cache"
        )
    net = Network(
        [784, *args.hidden, 10],
        activation=args.activation,
        loss=args.loss,
        init=args.init,
        l2=args.l2,
        seed=args.seed,
    )
    data = load_mnist(args.data_dir, dataset=args.dataset, n_validation=args.validation)
    if args.batch_size > len(data.y_train):
        raise ValueError(
            f"--batch-size {args.batch_size} is more than the {len(data.y_train)} training "
            "images; use 0 for full batch"
        )
    schedule = SCHEDULES[args.schedule](lr, args.epochs)
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
