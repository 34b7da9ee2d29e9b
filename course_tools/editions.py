"""Instructor and student editions of the notebooks.

The notebooks in ``notebooks/`` are the instructor edition: every exercise holds its
solution between two marker lines, inside a code cell::

    def one_hot(y, n_classes=10):
        ### BEGIN SOLUTION
        Y = np.zeros((len(y), n_classes), dtype=np.float32)
        Y[np.arange(len(y)), y] = 1.0
        return Y
        ### END SOLUTION

The student edition replaces each such region by a stub at the region's indentation, so
the cell is still valid Python and fails loudly until the learner fills it in::

    def one_hot(y, n_classes=10):
        # YOUR CODE HERE
        raise NotImplementedError

Conventions (the tests check the course notebooks follow them):

- a marker is a line that holds only ``### BEGIN SOLUTION`` or ``### END SOLUTION``
  (leading and trailing spaces aside); regions do not nest;
- an *exercise* is a code cell with at least one region; its *check* is the next code cell
  (markdown may sit in between), which tests the learner's answer with ``assert``.

Build the student edition with

    python -m course_tools student-edition OUTDIR [--source notebooks]
        [--repository OWNER/NAME] [--branch BRANCH] [--colab-folder FOLDER]

It writes one ``.ipynb`` per notebook of the source folder into OUTDIR, with solutions
stubbed, outputs and execution counts cleared and saved widget state dropped. The Colab
badges are pointed at where the student edition will be published (by default this
repository and OUTDIR), so learners do not open the solutions. Everything else stays: cell
tags, ``# NBVAL_...`` comments, the kernelspec and the other metadata.
Only the standard library is used (notebooks are JSON), so no Jupyter tools are needed.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from .course import colab_badge as course_badge
from .course import replace_badge

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError")


def cell_source(cell: dict) -> str:
    """The source of a notebook cell as one string (files store it as a list of lines)."""
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def has_solution(source: str) -> bool:
    """True if ``source`` holds at least one ``### BEGIN SOLUTION`` marker line."""
    return any(line.strip() == BEGIN for line in source.splitlines())


def stub_solutions(source: str) -> str:
    """Replace every solution region of ``source`` (markers included) by the stub.

    The stub's lines get the indentation of the region's ``### BEGIN SOLUTION`` line.
    Raises ValueError for an unmatched or nested marker.
    """
    return replace_solutions(source, "\n".join(STUB))


def replace_solutions(source: str, code: str) -> str:
    """Replace every solution region of ``source`` (markers included) by ``code``.

    Each line of ``code`` gets the indentation of the region's ``### BEGIN SOLUTION`` line.
    Used for the stub and for the recorded wrong answers (see :data:`MISTAKES`).
    Raises ValueError for an unmatched or nested marker.
    """
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise ValueError(f"line {number}: {BEGIN!r} inside another solution region")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(f"{indent}{part}\n" if part else "\n" for part in code.splitlines())
        elif marker == END:
            if not inside:
                raise ValueError(f"line {number}: {END!r} without a {BEGIN!r} before it")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"a {BEGIN!r} region is never closed by {END!r}")
    text = "".join(out)
    return text if source.endswith("\n") else text.removesuffix("\n")


# An exercise cell may record typical wrong answers in its metadata, under this key:
#   "mistakes": [{"code": "return A - Y", "expect": "1/m|mean"}, ...]
# ``code`` replaces the solution region; the tests run it with the exercise's check, which
# must fail with a message matching the regular expression ``expect`` (the hint the learner
# sees). The student edition drops the key.
MISTAKES = "mistakes"


def find_exercises(nb: dict) -> list[tuple[int, int]]:
    """The exercises of a notebook as (exercise cell index, check cell index) pairs.

    nb: a notebook as read from its JSON file (or by nbformat). An exercise is a code cell
    with a solution region; its check is the next code cell. Raises ValueError if an
    exercise has no code cell after it, or if that cell is itself an exercise.
    """
    cells = nb["cells"]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    exercises = [i for i in code if has_solution(cell_source(cells[i]))]
    pairs = []
    for i in exercises:
        later = [j for j in code if j > i]
        if not later:
            raise ValueError(f"cell {i} is an exercise but no code cell follows to check it")
        if later[0] in exercises:
            raise ValueError(
                f"cell {i} is an exercise, but the code cell after it ({later[0]}) is another "
                "exercise, not a check"
            )
        pairs.append((i, later[0]))
    return pairs


def student_notebook(nb: dict, colab_badge: str | None = None) -> dict:
    """A student-edition copy of notebook ``nb`` (``nb`` itself is not changed).

    Solution regions become stubs, code cells lose their outputs, execution counts and
    ``execution`` timing metadata, and the notebook loses its saved widget state
    (``metadata.widgets``). ``colab_badge``, if given, replaces the "Open in Colab" badge of
    the first cell (which opens the instructor edition). Everything else is kept as it is.
    """
    student = copy.deepcopy(nb)
    student.get("metadata", {}).pop("widgets", None)
    cells = student["cells"]
    if colab_badge is not None and cells and cells[0]["cell_type"] == "markdown":
        cells[0]["source"] = replace_badge(cell_source(cells[0]), colab_badge).splitlines(True)
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        source = cell_source(cell)
        if has_solution(source):
            try:
                source = stub_solutions(source)
            except ValueError as e:
                raise ValueError(f"cell {index}: {e}") from None
            cell["source"] = source.splitlines(keepends=True)
        cell["outputs"] = []
        cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)
        cell.get("metadata", {}).pop(MISTAKES, None)
    return student


def student_edition(
    src_dir: str | Path, out_dir: str | Path, published_at: tuple[str, str, str] | None = None
) -> list[Path]:
    """Write the student edition of every ``*.ipynb`` in ``src_dir`` into ``out_dir``.

    published_at: ``(repository, branch, folder)`` where the student edition will be on
    GitHub ("owner/name", branch, folder inside the repository); every notebook's Colab badge
    is pointed there. Without it the badges are left as they are (they open the instructor
    edition). Returns the paths written, in name order. Raises ValueError if ``src_dir`` holds no
    notebooks, if ``out_dir`` is ``src_dir`` (that would overwrite the solutions), or if a
    notebook's solution markers do not pair up.
    """
    src, out = Path(src_dir), Path(out_dir)
    paths = sorted(src.glob("*.ipynb"))
    if not paths:
        raise ValueError(f"source {src}: no .ipynb notebooks in it")
    if out.resolve() == src.resolve():
        raise ValueError(f"OUTDIR {out}: must differ from the source folder, or it is overwritten")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        try:
            badge = None
            if published_at is not None:
                repository, branch, folder = published_at
                where = f"{folder}/{path.name}" if folder else path.name
                badge = course_badge(where, repository, branch)
            student = student_notebook(nb, badge)
        except ValueError as e:
            raise ValueError(f"{path}: {e}") from None
        target = out / path.name
        text = json.dumps(student, indent=1, ensure_ascii=False) + "\n"
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
