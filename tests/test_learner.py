"""A learner's own copy: the committed student edition is in step, and ``my-work/`` is
made once, never overwritten, and leaves ``git status`` clean after a notebook is run."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from helpers import ROOT
from nbclient import NotebookClient


def course_tools(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "course_tools", *args], cwd=cwd, capture_output=True, text=True
    )


def test_the_committed_student_edition_is_in_step_with_the_notebooks():
    done = course_tools("student-edition", "student", "--check", cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 of" in done.stdout


def test_student_edition_check_reports_a_stale_folder(tmp_path):
    out = tmp_path / "student"
    out.mkdir()
    first = sorted((ROOT / "student").glob("*.ipynb"))[0]
    shutil.copy(first, out / first.name)
    cmd = ["student-edition", str(out), "--source", str(ROOT / "notebooks"), "--check"]
    done = course_tools(*cmd, "--colab-folder", "student", cwd=tmp_path)
    assert done.returncode == 1 and "stale: run python -m course_tools" in done.stdout


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def test_my_work_is_made_once_kept_after_and_git_stays_clean(tmp_path, mnist_dir):
    clone = tmp_path / "course"
    git("clone", "-q", str(ROOT), str(clone), cwd=tmp_path)
    n_student = len(list((clone / "student").glob("*.ipynb")))
    assert n_student == len(list((clone / "notebooks").glob("*.ipynb")))

    first = course_tools("learn", "--no-lab", cwd=clone)
    assert first.returncode == 0, first.stderr
    work = clone / "my-work"
    assert sorted(p.name for p in work.glob("*.ipynb")) == sorted(
        p.name for p in (clone / "student").glob("*.ipynb")
    )
    # the learner runs the first notebook and saves it with their work in it
    path = work / "00_meet_mnist.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("my_answer = 42"))
    env = dict(os.environ, MLP_CORE_DATA=str(mnist_dir))
    client = NotebookClient(
        nb, timeout=300, allow_errors=True, resources={"metadata": {"path": str(work)}}
    )
    client.execute(env=env)
    nbformat.write(nb, path)
    assert git("status", "--porcelain", cwd=clone) == ""

    again = course_tools("learn", "--no-lab", cwd=clone)
    assert (
        again.returncode == 0 and f"0 notebooks copied from student/, {n_student}" in again.stdout
    )
    assert "my_answer = 42" in path.read_text()  # kept, not overwritten

    fresh = course_tools("learn", "--no-lab", "--fresh", "00", cwd=clone)
    assert fresh.returncode == 0, fresh.stderr
    assert "my_answer = 42" not in path.read_text()  # a fresh copy ...
    old = [p for p in work.glob("00_meet_mnist.before-*.ipynb")]
    assert len(old) == 1 and "my_answer = 42" in old[0].read_text()  # ... and nothing lost
    assert git("status", "--porcelain", cwd=clone) == ""


def test_learn_outside_the_repository_says_where_to_run_it(tmp_path):
    done = course_tools("learn", "--no-lab", "--root", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 2 and "no student notebooks" in done.stderr
