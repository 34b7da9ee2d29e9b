"""Every course notebook has the agreed structure and is committed clean.

Structure: the Colab badge and "Learning goals" in the first cell, the generated setup cell
as the first code cell, at least two exercises each followed by its check, a summary and
"what's next" at the end. Clean: ruff-clean code, every code cell executed once in order
(nbval only compares the outputs of cells that have an execution count), no errors or
stderr in the saved outputs, and no metadata beyond the kernel's: no saved widget state,
no timings, nothing personal.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import NOTEBOOKS, ROOT

from course_tools import course
from course_tools.editions import cell_source, find_exercises

NOTEBOOK_KEYS = {"kernelspec", "language_info"}
# nbval reads tags such as nbval-ignore-output; an exercise may record its typical wrong
# answers (course_tools.editions.MISTAKES, proven by tests/test_editions.py); nothing else
CELL_KEYS = {"tags", "mistakes"}
NBVAL_MARKER = re.compile(r"^# NBVAL_\w+", re.M)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean_on_the_library_tests_and_notebooks(command):
    """Lint and format with the settings in pyproject.toml (notebooks included)."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            *command,
            "mlp_core",
            "course_tools",
            "tests",
            "notebooks",
            "demo",
            "benchmarks",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_there_are_course_notebooks():
    assert len(NOTEBOOKS) >= 5, [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_structure(path):
    nb = load(path)
    cells = nb["cells"]
    first = cell_source(cells[0])
    assert cells[0]["cell_type"] == "markdown", "cell 0 must be markdown"
    assert first.splitlines()[0] == course.colab_badge(f"notebooks/{path.name}"), (
        "the first line must be the Colab badge: run `python -m course_tools stamp-notebooks`"
    )
    assert re.search(rf"^# {path.name[:2]} · ", first, re.M), "a '# NN · Title' heading"
    assert "Learning goals" in first, "the first cell states the learning goals"
    assert cell_source(code_cells(nb)[0]) == course.setup_cell_source(), (
        "the first code cell must be the generated setup cell (stamp-notebooks)"
    )
    exercises = find_exercises(nb)  # ValueError if an exercise has no check after it
    assert len(exercises) >= 2, f"{len(exercises)} exercises; at least 2 with checks"
    for exercise, check in exercises:
        assert "assert" in cell_source(cells[check]), f"cell {check} checks cell {exercise}"
    headings = [
        line
        for c in cells
        if c["cell_type"] == "markdown"
        for line in cell_source(c).splitlines()
        if line.startswith("## ")
    ]
    assert headings[-2:] == ["## Summary", "## What's next"], headings[-2:]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_clean(path):
    nb = load(path)
    assert set(nb["metadata"]) <= NOTEBOOK_KEYS, (
        f"notebook metadata {sorted(set(nb['metadata']) - NOTEBOOK_KEYS)}: only the kernel's "
        "belongs here (delete saved widget state and editor settings)"
    )
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = code_cells(nb)
    for i, cell in enumerate(nb["cells"]):
        extra = set(cell.get("metadata", {})) - CELL_KEYS
        assert not extra, f"cell {i} has metadata {sorted(extra)} (timings or editor state)"
    assert all(cell_source(c).strip() for c in code), "remove empty code cells"
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"execution counts {counts}: execute the notebook top to bottom in a fresh kernel "
        "(nbval does not check cells without a count)"
    )
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"cell {i} has an error output"
            assert out.get("name") != "stderr", f"cell {i} wrote to stderr: {out.get('text')}"
    marked = [c for c in code if NBVAL_MARKER.search(cell_source(c))]
    assert len(marked) <= len(code) // 4, (
        f"{len(marked)} of {len(code)} code cells carry # NBVAL_ markers: mark only cells "
        "whose output really depends on the machine"
    )
