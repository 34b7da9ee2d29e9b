"""Maintainers' and instructors' commands: ``python -m course_tools COMMAND``.

- ``stamp-notebooks [--check]``: every notebook's Colab badge and setup cell, and the
  README's badges, from ``course.py``;
- ``student-edition OUTDIR``: the notebooks with solutions stubbed and outputs cleared
  (``editions.py``);
- ``learn``: a learner's own copy: the student notebooks copied into the git-ignored
  ``my-work/`` (never overwriting one already there), then JupyterLab on it (``learner.py``);
- ``demo``: the hyperparameter lab and the optimizer playground as a Voila dashboard with
  the code hidden, to project;
- ``nbgrader OUTDIR``: the course as an nbgrader course directory, for autograding on
  JupyterHub (``nbgrader.py``, guide in docs/nbgrader.md);
- ``site OUTDIR``: the course as a static website built from the notebooks and their saved
  outputs, offline (``site.py``).

These are not part of the ``mlp_core`` package a learner installs. Problems print one line
on stderr and exit with 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# The instructor dashboard (``python -m course_tools demo``), in a checkout of the repository.
DASHBOARD = Path(__file__).resolve().parent.parent / "demo" / "lab_dashboard.ipynb"


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line (argparse prints the whole usage otherwise)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m course_tools", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
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
    e.add_argument("--branch", default=None, help="its branch (default: course_tools/course.py's)")
    e.add_argument(
        "--colab-folder",
        default=None,
        help="folder of the student notebooks in that repository (default: OUTDIR)",
    )
    e.add_argument(
        "--check", action="store_true", help="only compare with OUTDIR; exit 1 if it is stale"
    )
    lrn = commands.add_parser(
        "learn", help="copy the student notebooks you do not have yet into my-work/, open it"
    )
    lrn.add_argument("--root", default=".", help="repository root (holds student/)")
    lrn.add_argument(
        "--fresh", default=None, metavar="NOTEBOOK", help="a fresh copy of one notebook (e.g. 03)"
    )
    lrn.add_argument("--no-lab", action="store_true", help="only copy; do not start JupyterLab")
    d = commands.add_parser(
        "demo", help="show the hyperparameter lab and optimizer playground as a Voila dashboard"
    )
    d.add_argument("--port", type=int, default=8866, help="port of the dashboard server")
    d.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    d.add_argument("--notebook", default=str(DASHBOARD), help="the dashboard notebook to show")
    g = commands.add_parser(
        "nbgrader", help="write the course as an nbgrader course directory (one assignment each)"
    )
    g.add_argument("outdir", metavar="OUTDIR", help="the nbgrader course directory to write")
    g.add_argument("--source", default="notebooks", help="folder of the instructor notebooks")
    g.add_argument("--course-id", default=None, help="nbgrader's course_id (default: the repo's)")
    g.add_argument(
        "--data-dir", default=None, help="MNIST folder for the autograding kernels (MLP_CORE_DATA)"
    )
    w = commands.add_parser("site", help="build the course website from the notebooks' outputs")
    w.add_argument("outdir", metavar="OUTDIR", help="folder for the site (new, empty or a site)")
    w.add_argument("--source", default="notebooks", help="folder of the instructor notebooks")
    w.add_argument("--readme", default="README.md", help="the README with the course table")
    w.add_argument("--mathjax", default=None, help="a MathJax 3 folder to copy (default: bundled)")
    w.add_argument(
        "--student-folder",
        default="student",
        help="folder of the student edition in the repository, for the Colab and Binder links",
    )
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
    verb = "differ from course_tools/course.py" if args.check else "restamped"
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
    if args.check:
        return _check_student_edition(args, (repository, branch, folder))
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


def _check_student_edition(args: argparse.Namespace, published: tuple[str, str, str]) -> int:
    """``student-edition OUTDIR --check``: is OUTDIR what the command would write now?"""
    import tempfile

    from .editions import student_edition as write_edition

    with tempfile.TemporaryDirectory() as tmp:
        fresh = {p.name: p.read_bytes() for p in write_edition(args.source, tmp, published)}
    committed = {p.name: p.read_bytes() for p in Path(args.outdir).glob("*.ipynb")}
    stale = sorted(n for n in fresh.keys() | committed.keys() if fresh.get(n) != committed.get(n))
    for name in stale:
        print(f"{Path(args.outdir) / name}: differs from the instructor edition's stubs")
    print(
        f"{len(stale)} of {len(fresh)} student notebooks stale"
        + (f": run python -m course_tools student-edition {args.outdir}" if stale else "")
    )
    return 1 if stale else 0


def learn(args: argparse.Namespace) -> int:
    """Run the ``learn`` command: fill my-work/ from student/ (never overwriting), open it."""
    import subprocess

    from .learner import WORK_FOLDER, copy_missing, fresh_copy

    root = Path(args.root)
    if args.fresh:
        target, old = fresh_copy(root, args.fresh)
        print(f"{target}: a fresh copy" + (f"; your old one is now {old.name}" if old else ""))
    copied, kept = copy_missing(root)
    print(
        f"{root / WORK_FOLDER}: {len(copied)} notebooks copied from student/, {len(kept)} of "
        "yours kept as they are (a notebook there is never overwritten; for a fresh copy of "
        "one: python -m course_tools learn --fresh 03)"
    )
    if args.no_lab:
        return 0
    return subprocess.call([sys.executable, "-m", "jupyter", "lab", str(root / WORK_FOLDER)])


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
    print(f"python -m course_tools: {' '.join(cmd)}", file=sys.stderr, flush=True)
    server = subprocess.Popen(cmd)
    try:
        return server.wait()
    except KeyboardInterrupt:  # Voila got the Ctrl-C too; let it shut its kernels down
        try:
            return server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.terminate()
            return server.wait()


def nbgrader_course(args: argparse.Namespace) -> int:
    """Run the ``nbgrader`` command; returns the exit code."""
    from .nbgrader import DEFAULT_COURSE_ID, write_course

    course_id = args.course_id or DEFAULT_COURSE_ID
    assignments = write_course(args.source, args.outdir, course_id, args.data_dir)
    for a in assignments:
        print(f"{a.path}: {len(a.grade_ids)} autograded exercises, {a.points:g} points")
    total = sum(a.points for a in assignments)
    n_exercises = sum(len(a.grade_ids) for a in assignments)
    print(
        f"course {course_id!r}: {len(assignments)} assignments, {n_exercises} exercises, "
        f"{total:g} points, in {args.outdir}"
    )
    print(f"Next, in {args.outdir}: nbgrader generate_assignment {assignments[0].name}")
    return 0


def site(args: argparse.Namespace) -> int:
    """Run the ``site`` command; returns the exit code."""
    from .site import build_site

    report = build_site(args.outdir, args.source, args.readme, args.mathjax, args.student_folder)
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    print(
        f"{len(report.pages)} notebook pages and the course map in {report.seconds:.0f} s; "
        f"open {report.index} (or: python -m http.server -d {args.outdir})"
    )
    return 0


COMMANDS = {
    "stamp-notebooks": stamp_notebooks,
    "student-edition": student_edition,
    "learn": learn,
    "demo": demo,
    "nbgrader": nbgrader_course,
    "site": site,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m course_tools``. Returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (ValueError, OSError) as e:
        print(f"python -m course_tools: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("python -m course_tools: interrupted", file=sys.stderr)
        return 130
