"""Command line: train a network on MNIST from a terminal (for instructors and benchmarks).

    python -m mlp_core train --hidden 256 --activation relu --loss cross-entropy \\
        --optimizer nesterov --lr 0.05 --momentum 0.9 --batch-size 128 --epochs 10 --json

Progress goes to stderr; with ``--json`` the last line on stdout is one JSON object with
the results. Problems (bad flags, missing data) print one line on stderr and exit with 2.

The other commands are for course maintainers and instructors: ``stamp-notebooks``
(Colab badges and setup cells, see ``course.py``), ``student-edition OUTDIR`` (the
notebooks with solutions stubbed, see ``editions.py``) and ``demo`` (the hyperparameter
lab and the optimizer playground as a Voila dashboard with the code hidden, to project).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .data import DataError, load_mnist
from .network import Network
from .optimizers import cosine, make_optimizer, step_decay
from .training import fit

# The instructor dashboard (``python -m mlp_core demo``), in a checkout of the repository.
DASHBOARD = Path(__file__).resolve().parent.parent / "demo" / "lab_dashboard.ipynb"


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
    s = commands.add_parser(
        "stamp-notebooks",
        help="rewrite every notebook's Colab badge and setup cell, and the README's badges",
    )
    s.add_argument("--root", default=".", help="repository root (holds notebooks/)")
    s.add_argument("--check", action="store_true", help="only report; exit 1 if any differ")
    e = commands.add_parser(
        "student-edition", help="write the notebooks with solutions stubbed and outputs cleared"
    )
    e.add_argument("outdir", metavar="OUTDIR", help="folder for the student notebooks")
    e.add_argument("--source", default="notebooks", help="folder of the instructor notebooks")
    e.add_argument(
        "--repository", default=None, help="GitHub owner/name the student edition is published in"
    )
    e.add_argument("--branch", default=None, help="its branch (default: mlp_core/course.py's)")
    e.add_argument(
        "--colab-folder",
        default=None,
        help="folder of the student notebooks in that repository (default: OUTDIR)",
    )
    d = commands.add_parser(
        "demo", help="show the hyperparameter lab and optimizer playground as a Voila dashboard"
    )
    d.add_argument("--port", type=int, default=8866, help="port of the dashboard server")
    d.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    d.add_argument("--notebook", default=str(DASHBOARD), help="the dashboard notebook to show")
    return parser


def stamp_notebooks(args: argparse.Namespace) -> int:
    """Run the ``stamp-notebooks`` command; returns the exit code."""
    from .course import stamp_notebook, stamp_readme

    root = Path(args.root)
    paths = sorted((root / "notebooks").glob("*.ipynb"))
    if not paths:
        raise ValueError(f"no notebooks in {root / 'notebooks'}; run this from the repository root")
    changed = [p for p in paths if stamp_notebook(p, root, check=args.check)]
    readme = root / "README.md"
    readme_changed = readme.exists() and stamp_readme(readme, check=args.check)
    verb = "differ from mlp_core/course.py" if args.check else "restamped"
    for p in changed + ([readme] if readme_changed else []):
        print(f"{p}: {verb}")
    print(
        f"{len(changed)} of {len(paths)} notebooks {verb}"
        + (", and README.md" if readme_changed else "")
    )
    return 1 if (args.check and (changed or readme_changed)) else 0


def student_edition(args: argparse.Namespace) -> int:
    """Run the ``student-edition`` command; returns the exit code."""
    from . import course
    from .editions import find_exercises
    from .editions import student_edition as write_edition

    # Colab badges must open the student notebooks, not the instructor edition's solutions.
    folder = args.colab_folder
    if folder is None:
        out = Path(args.outdir).resolve()
        folder = (
            out.relative_to(Path.cwd()).as_posix() if out.is_relative_to(Path.cwd()) else out.name
        )
    folder = folder.strip("/")
    repository = args.repository or course.REPOSITORY
    branch = args.branch or course.BRANCH
    written = write_edition(args.source, args.outdir, (repository, branch, folder))
    n_exercises = 0
    for path in written:
        source = Path(args.source) / path.name
        n = len(find_exercises(json.loads(source.read_text(encoding="utf-8"))))
        n_exercises += n
        print(f"{path}: {n} exercises stubbed")
    print(f"{len(written)} student notebooks, {n_exercises} exercises, in {args.outdir}")
    where = course.colab_url(f"{folder}/" if folder else "", repository, branch)
    print(
        f"Their Colab badges open {where}...: publish the student edition there "
        "(or set --repository, --branch, --colab-folder)."
    )
    return 0


def demo(args: argparse.Namespace) -> int:
    """Run the ``demo`` command: serve the dashboard with Voila until Ctrl-C."""
    import importlib.util
    import subprocess

    if importlib.util.find_spec("voila") is None:
        raise ValueError("the demo needs Voila, which is not installed: pip install voila")
    notebook = Path(args.notebook)
    if not notebook.is_file():
        raise ValueError(
            f"--notebook {notebook}: no such file (the dashboard comes with a checkout of the "
            "course repository, in demo/)"
        )
    # Voila hides the code cells and shows only their outputs: the widgets.
    cmd = [sys.executable, "-m", "voila", str(notebook), f"--port={args.port}"]
    cmd += ["--theme=light", "--show_tracebacks=True"]
    if args.no_browser:
        cmd.append("--no-browser")
    print(f"python -m mlp_core: {' '.join(cmd)}", file=sys.stderr, flush=True)
    server = subprocess.Popen(cmd)
    try:
        return server.wait()
    except KeyboardInterrupt:  # Voila got the Ctrl-C too; let it shut its kernels down
        try:
            return server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.terminate()
            return server.wait()


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
        if args.command == "stamp-notebooks":
            return stamp_notebooks(args)
        if args.command == "student-edition":
            return student_edition(args)
        if args.command == "demo":
            return demo(args)
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
