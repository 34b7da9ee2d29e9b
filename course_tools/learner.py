"""A learner's own copy of the course: ``python -m course_tools learn``.

The repository holds two editions: ``notebooks/`` (the instructor edition, with solutions
and outputs, for reading) and ``student/`` (exercises as stubs, no outputs). A learner
works in ``my-work/``, a folder git ignores: ``learn`` copies every student notebook that
is not there yet and opens JupyterLab on it. A notebook already in ``my-work/`` is never
overwritten, so running ``learn`` again (after a ``git pull`` that brought new notebooks,
say) adds the new ones and keeps the learner's work. ``--fresh NAME`` gives a fresh copy of
one notebook and keeps the old one beside it, renamed.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

WORK_FOLDER = "my-work"  # git-ignored (see .gitignore)
STUDENT_FOLDER = "student"


def copy_missing(root: Path) -> tuple[list[Path], list[Path]]:
    """Copy the student notebooks missing from ``root/my-work``. Returns (copied, kept)."""
    student, work = root / STUDENT_FOLDER, root / WORK_FOLDER
    sources = sorted(student.glob("*.ipynb"))
    if not sources:
        raise ValueError(
            f"{student}: no student notebooks. Run this from the course repository's root "
            "(the folder with README.md), or build them: python -m course_tools "
            "student-edition student"
        )
    work.mkdir(exist_ok=True)
    copied, kept = [], []
    for source in sources:
        target = work / source.name
        if target.exists():
            kept.append(target)
        else:
            shutil.copy2(source, target)
            copied.append(target)
    return copied, kept


def fresh_copy(root: Path, name: str) -> tuple[Path, Path | None]:
    """A fresh copy of one student notebook in my-work; the old one is renamed, not lost.

    ``name`` is a file name (``03_what_went_wrong.ipynb``) or its number (``03``).
    Returns (the fresh notebook, where the old one went or None).
    """
    student = root / STUDENT_FOLDER
    matches = [p for p in sorted(student.glob("*.ipynb")) if p.name == name or p.name[:2] == name]
    if len(matches) != 1:
        known = ", ".join(p.name for p in sorted(student.glob("*.ipynb")))
        raise ValueError(f"--fresh {name}: no single student notebook by that name; known: {known}")
    source = matches[0]
    work = root / WORK_FOLDER
    work.mkdir(exist_ok=True)
    target, old = work / source.name, None
    if target.exists():
        old = target.with_name(f"{target.stem}.before-{time.strftime('%Y%m%d-%H%M%S')}.ipynb")
        target.rename(old)
    shutil.copy2(source, target)
    return target, old
