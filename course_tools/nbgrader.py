"""The course as an nbgrader course directory, for autograding a class on JupyterHub.

nbgrader reads the same ``### BEGIN SOLUTION`` / ``### END SOLUTION`` markers as the course,
but it also needs every cell's role in the cell's metadata. This module adds it:

- an *exercise* cell (see :func:`course_tools.editions.find_exercises`) becomes a
  **solution cell**: nbgrader replaces each region by the same stub as the student edition;
- its *check* cell becomes a locked **autograded test cell** worth one point, or N points if
  the check cell carries the tag ``points:N``;
- the Colab setup cell (the code cell starting with ``# Course setup``) is locked read-only.

Every other cell is left as it is. Build the course directory with

    python -m course_tools nbgrader OUTDIR [--source notebooks] [--course-id ID]
        [--data-dir FOLDER]

It writes ``OUTDIR/nbgrader_config.py`` and ``OUTDIR/source/<stem>/<stem>.ipynb``, one
assignment per notebook, named after the notebook. Then, in OUTDIR,
``nbgrader generate_assignment <stem>`` makes the release copy. docs/nbgrader.md is the
instructor guide. Only the standard library is used here: nbgrader itself need not be
installed to build the directory.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import course
from .editions import BEGIN, END, STUB, cell_source, find_exercises

SCHEMA_VERSION = 3  # nbgrader's cell metadata schema (nbgrader 0.6 and later)
DEFAULT_COURSE_ID = course.REPOSITORY.split("/")[1]
# nbgrader's Execute.timeout is per cell. Every course notebook runs in under 60 s in all,
# so no cell comes near this even on an autograding machine five times slower.
CELL_TIMEOUT = 300  # seconds
# A Python warning as the warnings module prints it: "file.py:12: RuntimeWarning: message".
# nbgrader would score a check cell 0 for it; its IgnorePattern preprocessor drops such
# stderr outputs before grading. Anything else on stderr still scores 0.
WARNING_PATTERN = r"(?m)^.+:\d+: \w*Warning: "
POINTS_TAG = "points:"
_ID_OK = re.compile(r"[^A-Za-z0-9_]+")


@dataclass(frozen=True)
class Assignment:
    """One notebook turned into an nbgrader assignment."""

    name: str  # assignment id = the notebook's stem
    path: Path  # the source notebook written, OUTDIR/source/<name>/<name>.ipynb
    grade_ids: tuple[str, ...]  # the autograded test cells, in notebook order
    points: float  # total points


def cell_metadata(role: str, grade_id: str, points: float = 0.0) -> dict:
    """nbgrader metadata (schema 3) for a cell.

    role: ``"solution"`` (the learner edits it), ``"tests"`` (locked, autograded, worth
    ``points``) or ``"readonly"`` (locked, not graded). grade_id: unique in the notebook.
    """
    flags = {
        "solution": {"grade": False, "solution": True, "locked": False},
        "tests": {"grade": True, "solution": False, "locked": True},
        "readonly": {"grade": False, "solution": False, "locked": True},
    }
    if role not in flags:
        raise ValueError(f"role {role!r}: expected one of {', '.join(flags)}")
    meta = {"schema_version": SCHEMA_VERSION, "grade_id": grade_id, "task": False, **flags[role]}
    if role == "tests":
        meta["points"] = points
    return meta


def exercise_name(source: str) -> str:
    """A short name for an exercise cell: its first ``def`` or else its first assignment.

    Used in grade ids (letters, digits and ``_`` only); ``""`` if there is neither.
    """
    match = re.search(r"^def\s+(\w+)", source, re.M) or re.search(r"^\s*(\w+)\s*=", source, re.M)
    return _ID_OK.sub("_", match.group(1)) if match else ""


def points_of(cell: dict, index: int) -> float:
    """The points of a check cell: 1, or N when it is tagged ``points:N`` (N > 0)."""
    tags = [t for t in cell.get("metadata", {}).get("tags", []) if t.startswith(POINTS_TAG)]
    if not tags:
        return 1.0
    if len(tags) > 1:
        raise ValueError(f"cell {index}: tagged {tags}; give one {POINTS_TAG}N tag")
    value = tags[0][len(POINTS_TAG) :]
    try:
        points = float(value)
    except ValueError:
        points = -1.0
    if not points > 0:
        raise ValueError(
            f"cell {index}: tag {tags[0]!r} is not a positive number of points; "
            f"write it as {POINTS_TAG}2 (or {POINTS_TAG}0.5)"
        )
    return points


def _check_markers(nb: dict, exercises: set[int]) -> None:
    """Refuse text nbgrader would take for a solution region where the course sees none.

    nbgrader treats any line *containing* "BEGIN SOLUTION" (in any cell) as a marker; the
    course only lines that hold nothing else, in code cells.
    """
    for index, cell in enumerate(nb["cells"]):
        for line in cell_source(cell).splitlines():
            if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line:
                continue
            if index in exercises and line.strip() in (BEGIN, END):
                continue
            raise ValueError(
                f"cell {index} ({cell['cell_type']}): the line {line.strip()!r} would be read "
                f"by nbgrader as a solution marker. Markers are lines holding only {BEGIN!r} "
                f"or {END!r} in a code cell; reword other mentions (e.g. 'BEGIN-SOLUTION')"
            )


def grader_notebook(nb: dict) -> tuple[dict, list[tuple[str, float]]]:
    """A copy of notebook ``nb`` with nbgrader's cell metadata (``nb`` is not changed).

    Returns the copy and its autograded test cells as ``(grade_id, points)`` in order.
    Raises ValueError if an exercise has no check, or if a line outside the course's
    solution markers would look like a marker to nbgrader.
    """
    out = copy.deepcopy(nb)
    cells = out["cells"]
    pairs = find_exercises(out)
    _check_markers(out, {i for i, _ in pairs})
    graded = []
    for number, (exercise, check) in enumerate(pairs, start=1):
        name = exercise_name(cell_source(cells[exercise]))
        base = f"ex{number}_{name}" if name else f"ex{number}"  # unique: the number
        points = points_of(cells[check], check)
        cells[exercise].setdefault("metadata", {})["nbgrader"] = cell_metadata("solution", base)
        cells[check].setdefault("metadata", {})["nbgrader"] = cell_metadata(
            "tests", f"{base}_check", points
        )
        graded.append((f"{base}_check", points))
    for cell in cells:
        if cell["cell_type"] == "code" and cell_source(cell).startswith(course.SETUP_MARKER):
            cell.setdefault("metadata", {})["nbgrader"] = cell_metadata("readonly", "setup")
            break
    return out, graded


def config_text(course_id: str, data_dir: str | None = None) -> str:
    """The ``nbgrader_config.py`` of the course directory."""
    stub = "\\n".join(STUB)
    data = (
        f'os.environ.setdefault("MLP_CORE_DATA", {json.dumps(data_dir)})\n'
        if data_dir
        else '# os.environ.setdefault("MLP_CORE_DATA", "/srv/data/mnist")\n'
    )
    return f'''"""nbgrader settings for the course {course_id!r}.

Written by `python -m course_tools nbgrader`; docs/nbgrader.md in the course repository
explains every step. Run nbgrader from the folder that holds this file.
"""

import os

c = get_config()  # noqa: F821 (nbgrader defines it)

c.CourseDirectory.course_id = {json.dumps(course_id)}
# On a JupyterHub, the exchange is a folder every user can reach (the default below); on
# Kubernetes it is a shared volume mounted there in every pod (see docs/nbgrader.md).
# c.Exchange.root = "/srv/nbgrader/exchange"

# The stub that replaces each solution region: the same as the course's student edition.
c.ClearSolutions.code_stub = {{"python": "{stub}"}}

# Seconds per cell when autograding. Every notebook runs in under 60 s in all.
c.Execute.timeout = {CELL_TIMEOUT}

# nbgrader scores a test cell 0 if it writes anything to stderr. A Python warning (say a
# RuntimeWarning from np.exp in a correct answer) must not cost the point, so warnings are
# dropped from the outputs before grading; any other stderr output still scores 0.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"{WARNING_PATTERN}"

# The autograding kernels inherit this environment: where mlp_core finds MNIST (otherwise
# each submission's kernel looks in its cache and may download it).
{data}'''


def write_course(
    src_dir: str | Path,
    out_dir: str | Path,
    course_id: str = DEFAULT_COURSE_ID,
    data_dir: str | None = None,
) -> list[Assignment]:
    """Write an nbgrader course directory for every ``*.ipynb`` of ``src_dir``.

    Writes ``out_dir/nbgrader_config.py`` and ``out_dir/source/<stem>/<stem>.ipynb``.
    Returns the assignments in name order. Raises ValueError if ``src_dir`` holds no
    notebooks, ``course_id`` is not a plain name, or a notebook cannot be graded (see
    :func:`grader_notebook`); nothing is written then.
    """
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", course_id):
        raise ValueError(
            f"--course-id {course_id!r}: use letters, digits, '.', '_' and '-' only (it names "
            "a folder in nbgrader's exchange)"
        )
    src, out = Path(src_dir), Path(out_dir)
    paths = sorted(src.glob("*.ipynb"))
    if not paths:
        raise ValueError(f"source {src}: no .ipynb notebooks in it")
    converted = []
    for path in paths:
        try:
            nb, graded = grader_notebook(json.loads(path.read_text(encoding="utf-8")))
        except ValueError as e:
            raise ValueError(f"{path}: {e}") from None
        converted.append((path.stem, nb, graded))
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(config_text(course_id, data_dir), encoding="utf-8")
    assignments = []
    for stem, nb, graded in converted:
        target = out / "source" / stem / f"{stem}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        ids = tuple(g for g, _ in graded)
        assignments.append(Assignment(stem, target, ids, sum(p for _, p in graded)))
    return assignments
