"""The course as an nbgrader course (course_tools/nbgrader.py), checked with nbgrader itself.

The unit tests need no nbgrader. ``test_nbgrader_*`` run the real nbgrader: it needs
Python >= 3.11 and pins JupyterLab < 5 and Notebook < 8, which must not constrain a learner's
install, so it lives in its own virtual environment, built once and kept under
``build/test-envs/`` (git-ignored; ``MLP_CORE_TEST_ENVS`` moves it), named after the
requirement and the Python that built it; delete the folder to rebuild. The notebooks'
kernels still run this interpreter (the course's own environment), through a kernel spec on
``JUPYTER_PATH``.

Every assignment is generated. Three are autograded, each with three submissions: the
release copy unchanged (must score 0), the source with the solutions (full marks) and the
source with one recorded wrong answer from ``WRONG_ANSWERS`` (that exercise scores 0).
A small extra assignment shows how stderr is graded: a Python warning in a check cell
costs nothing, any other stderr output costs the point.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import nbformat
import pytest
from helpers import NOTEBOOKS, ROOT, jupyter_env, make_notebook
from traitlets.config import Config

from course_tools.editions import BEGIN, END, cell_source, find_exercises
from course_tools.nbgrader import (
    CELL_TIMEOUT,
    DEFAULT_COURSE_ID,
    SCHEMA_VERSION,
    WARNING_PATTERN,
    cell_metadata,
    config_text,
    grader_notebook,
    write_course,
)

NBGRADER_REQUIREMENTS = ["nbgrader>=0.9.6"]
# Where the nbgrader environment is kept between runs; CI can point this outside its clone.
ENVS = Path(os.environ.get("MLP_CORE_TEST_ENVS", ROOT / "build" / "test-envs"))

# Recorded wrong answers of the exercise checks: (the solution line, the wrong line). Each
# picks the notebook (assignment) whose exercise holds that line; its check names the mistake.
WRONG_ANSWERS = {
    "one_hot: every 1 one column to the left": (
        "Y[np.arange(len(y)), y] = 1.0",
        "Y[np.arange(len(y)), y - 1] = 1.0",
    ),
    "my_softmax: a sign error in the shift, so huge logits overflow": (
        "shifted = Z - Z.max(axis=1, keepdims=True)",
        "shifted = Z + Z.max(axis=1, keepdims=True)",
    ),
    "weight_decay_step: the decay factor without the learning rate": (
        "return (1 - lr * l2) * W - lr * dW_data",
        "return (1 - l2) * W - lr * dW_data",
    ),
}

EXERCISE = f"def double(x):\n    {BEGIN}\n    return 2 * x\n    {END}"


# --- the metadata ----------------------------------------------------------------------------


def test_cell_metadata_follows_nbgraders_schema():
    assert cell_metadata("solution", "a") == {
        "schema_version": SCHEMA_VERSION,
        "grade_id": "a",
        "task": False,
        "grade": False,
        "solution": True,
        "locked": False,
    }
    tests = cell_metadata("tests", "a_check", 2.0)
    assert tests["grade"] and tests["locked"] and not tests["solution"] and tests["points"] == 2
    readonly = cell_metadata("readonly", "setup")
    assert readonly["locked"] and not readonly["grade"] and not readonly["solution"]
    assert "points" not in readonly
    with pytest.raises(ValueError, match="expected one of"):
        cell_metadata("manual", "x")


def test_grader_notebook_marks_exercises_checks_and_the_setup_cell():
    nb = make_notebook(
        [
            ("markdown", "# Title"),
            ("code", "# Course setup: on Colab ...\nimport sys"),
            ("code", "import math"),
            ("code", EXERCISE),
            ("markdown", "Check:"),
            ("code", "assert double(2) == 4"),
            ("code", f"{BEGIN}\nanswer = 42\n{END}"),
            ("code", "assert answer == 42"),
        ]
    )
    nb.cells[7].metadata["tags"] = ["points:2.5", "other"]
    before = json.dumps(nb, sort_keys=True)
    out, graded = grader_notebook(nb)
    assert json.dumps(nb, sort_keys=True) == before  # the input is not changed
    assert graded == [("ex1_double_check", 1.0), ("ex2_answer_check", 2.5)]
    meta = [c["metadata"].get("nbgrader") for c in out["cells"]]
    assert meta[0] is None and meta[2] is None and meta[4] is None
    assert meta[1] == cell_metadata("readonly", "setup")
    assert meta[3] == cell_metadata("solution", "ex1_double")
    assert meta[5] == cell_metadata("tests", "ex1_double_check", 1.0)
    assert meta[6] == cell_metadata("solution", "ex2_answer")
    assert meta[7] == cell_metadata("tests", "ex2_answer_check", 2.5)
    assert out["cells"][7]["metadata"]["tags"] == ["points:2.5", "other"]
    assert [cell_source(c) for c in out["cells"]] == [cell_source(c) for c in nb.cells]


def test_two_exercises_defining_the_same_function_get_distinct_ids():
    nb = make_notebook([("code", EXERCISE), ("code", "assert 1"), ("code", EXERCISE)])
    nb.cells.append(nbformat.v4.new_code_cell("assert 2"))
    _, graded = grader_notebook(nb)
    assert [g for g, _ in graded] == ["ex1_double_check", "ex2_double_check"]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([("markdown", f"Write between {BEGIN} and ..."), ("code", "x = 1")], "cell 0 .markdown"),
        ([("code", f"print('{BEGIN}')"), ("code", "x = 1")], "cell 0 .code"),
        ([("code", f"x = 1  {END}")], "would be read by nbgrader"),
    ],
)
def test_text_nbgrader_would_take_for_a_marker_is_refused(cells, message):
    with pytest.raises(ValueError, match=message):
        grader_notebook(make_notebook(cells))


@pytest.mark.parametrize("tag", ["points:0", "points:-1", "points:two"])
def test_bad_points_tags_are_refused(tag):
    nb = make_notebook([("code", EXERCISE), ("code", "assert double(2) == 4")])
    nb.cells[1].metadata["tags"] = [tag]
    with pytest.raises(ValueError, match=r"cell 1: tag .* not a positive number.*points:2"):
        grader_notebook(nb)


def test_config_sets_course_timeout_stub_and_warnings(tmp_path):
    config = Config()
    namespace = {"get_config": lambda: config}
    os.environ.pop("MLP_CORE_DATA_PROBE", None)
    text = config_text("my-course", data_dir=str(tmp_path)).replace(
        '"MLP_CORE_DATA"', '"MLP_CORE_DATA_PROBE"'
    )
    exec(compile(text, "nbgrader_config.py", "exec"), namespace)
    assert os.environ.pop("MLP_CORE_DATA_PROBE") == str(tmp_path)
    assert config.CourseDirectory.course_id == "my-course"
    assert config.Execute.timeout == CELL_TIMEOUT >= 5 * 60  # every notebook runs in < 60 s
    assert config.ClearSolutions.code_stub == {
        "python": "# YOUR CODE HERE\nraise NotImplementedError"
    }
    assert config.IgnorePattern.enabled and config.IgnorePattern.pattern == WARNING_PATTERN
    # What the warnings module prints matches; other stderr output does not.
    for category in (RuntimeWarning, UserWarning, DeprecationWarning):
        line = warnings.formatwarning("overflow", category, "/tmp/ipykernel_1/2.py", 3, "x")
        assert re.search(WARNING_PATTERN, "before\n" + line), line
    for other in ("epoch 3/10  loss 0.21\n", "Traceback (most recent call last):\n", "Warning!\n"):
        assert not re.search(WARNING_PATTERN, other), other


def test_cli_writes_a_course_directory_of_every_notebook(tmp_path):
    out = tmp_path / "course"
    cmd = [sys.executable, "-m", "course_tools", "nbgrader", str(out)]
    cmd += ["--source", str(ROOT / "notebooks"), "--data-dir", str(tmp_path)]
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    n_exercises = 0
    for path in NOTEBOOKS:
        source = nbformat.read(out / "source" / path.stem / path.name, as_version=4)
        nbformat.validate(source)
        pairs = find_exercises(source)
        n_exercises += len(pairs)
        roles = {
            i: c.metadata["nbgrader"]
            for i, c in enumerate(source.cells)
            if "nbgrader" in c.metadata
        }
        assert {i for i, m in roles.items() if m["solution"]} == {i for i, _ in pairs}, path.name
        assert {i for i, m in roles.items() if m["grade"]} == {j for _, j in pairs}, path.name
        readonly = [i for i, m in roles.items() if m["locked"] and not m["grade"]]
        assert len(readonly) == 1 and source.cells[readonly[0]].source.startswith("# Course setup")
        ids = [m["grade_id"] for m in roles.values()]
        assert len(ids) == len(set(ids)), path.name
    summary = f"course '{DEFAULT_COURSE_ID}': {len(NOTEBOOKS)} assignments, {n_exercises} exercises"
    assert summary in done.stdout
    assert f'"MLP_CORE_DATA", "{tmp_path}"' in (out / "nbgrader_config.py").read_text()
    bad = subprocess.run([*cmd, "--course-id", "my course"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--course-id 'my course': use letters" in bad.stderr
    with pytest.raises(ValueError, match="no .ipynb notebooks"):
        write_course(tmp_path / "empty", tmp_path / "out")


# --- nbgrader itself ---------------------------------------------------------------------------


def nbgrader_python() -> str:
    """An interpreter nbgrader supports (>= 3.11): NBGRADER_PYTHON, this one, or one on PATH."""
    candidates = [os.environ.get("NBGRADER_PYTHON"), sys.executable]
    candidates += [shutil.which(f"python3.{minor}") for minor in (13, 12, 11)]
    for candidate in filter(None, candidates):
        probe = [candidate, "-c", "import sys; print(sys.version_info >= (3, 11))"]
        done = subprocess.run(probe, capture_output=True, text=True)
        if done.stdout.strip() == "True":
            return candidate
    pytest.fail(
        "nbgrader needs Python 3.11 or newer and none was found: put python3.11 (or newer) on "
        "PATH or set NBGRADER_PYTHON=/path/to/python3.11"
    )


def nbgrader_env_dir() -> Path:
    """The cached virtual environment with nbgrader, built on first use (about a minute)."""
    python = nbgrader_python()
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True
    ).stdout
    key = hashlib.sha256("\n".join([*NBGRADER_REQUIREMENTS, version]).encode()).hexdigest()
    venv = ENVS / f"nbgrader-{key[:12]}"
    ready = venv / "ready"  # written last: a half-built environment is built again
    if not ready.exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        pip += ["--disable-pip-version-check", *NBGRADER_REQUIREMENTS]
        done = subprocess.run(pip, capture_output=True, text=True)
        assert done.returncode == 0, f"{' '.join(pip)} failed:\n{done.stderr[-3000:]}"
        ready.write_text("\n".join(NBGRADER_REQUIREMENTS) + "\n")
    return venv


PROBE = [  # an assignment that shows how nbgrader grades output on stderr
    ("code", "import sys\nimport warnings\n\nimport numpy as np"),
    (
        "code",
        f"def warns(x):\n    {BEGIN}\n    warnings.warn('from a correct answer')\n"
        f"    return x\n    {END}",
    ),
    ("code", "assert warns(1) == 1  # a UserWarning on stderr"),
    ("code", f"def overflows(x):\n    {BEGIN}\n    return np.exp(x)\n    {END}"),
    ("code", "assert np.isinf(overflows(np.float64(1000)))  # numpy's RuntimeWarning"),
    ("code", f"def quiet(x):\n    {BEGIN}\n    return x\n    {END}"),
    (
        "code",
        "print('progress: 50%', file=sys.stderr)  # not a warning: costs the point\n"
        "assert quiet(1) == 1",
    ),
]

# Run by nbgrader's interpreter: every submission's scores, from nbgrader's gradebook.
SCORES = """
import json
from nbgrader.api import Gradebook

scores = {}
with Gradebook("sqlite:///gradebook.db") as gb:
    for assignment in gb.assignments:
        for sub in assignment.submissions:
            cells = {g.name: g.score for nb in sub.notebooks for g in nb.grades}
            scores.setdefault(assignment.name, {})[sub.student_id] = {
                "score": sub.score, "max_score": sub.max_score, "cells": cells
            }
print(json.dumps(scores))
"""


def run(cmd: list[str], cwd: Path, env: dict) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    return done, time.perf_counter() - start


def grade_id_of(nb: dict, line: str) -> str:
    """The grade id of the check of the exercise whose solution holds ``line``."""
    for exercise, check in find_exercises(nb):
        if line in cell_source(nb["cells"][exercise]):
            return nb["cells"][check]["metadata"]["nbgrader"]["grade_id"]
    return ""


@pytest.fixture(scope="module")
def graded(tmp_path_factory, mnist_dir):
    """Build the course directory, generate every assignment, autograde the submissions."""
    timings = {}
    start = time.perf_counter()
    venv = nbgrader_env_dir()
    timings["nbgrader environment (cached after the first run)"] = time.perf_counter() - start
    tmp = tmp_path_factory.mktemp("nbgrader")
    course = tmp / "course"
    build = [sys.executable, "-m", "course_tools", "nbgrader", str(course)]
    done = subprocess.run(
        [*build, "--data-dir", str(mnist_dir)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    probe, _ = grader_notebook(make_notebook(PROBE))
    (course / "source" / "stderr_probe").mkdir()
    nbformat.write(
        nbformat.from_dict(probe), course / "source" / "stderr_probe" / "stderr_probe.ipynb"
    )

    # The notebooks' kernels run this interpreter, the course's environment (a kernel spec on
    # JUPYTER_PATH comes before nbgrader's own); MNIST comes from nbgrader_config.py.
    kernel = tmp / "jupyter-path" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec = {"argv": argv, "display_name": "Python 3", "language": "python"}
    (kernel / "kernel.json").write_text(json.dumps(spec))
    env = jupyter_env(tmp, mnist_dir, JUPYTER_PATH=str(kernel.parents[1]), MPLBACKEND="Agg")
    env.pop("MLP_CORE_DATA")
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"  # nbgrader runs alembic from PATH
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[variable] = "1"
    nbgrader = str(venv / "bin" / "nbgrader")

    generated, timings["nbgrader generate_assignment (all)"] = run(
        [nbgrader, "generate_assignment", "*"], course, env
    )

    # Submissions: the release copy unchanged, the solutions, one wrong answer.
    sampled, wrong_ids = [], {}
    for what, (right, wrong) in WRONG_ANSWERS.items():
        found = [p for p in sorted((course / "source").glob("*/*.ipynb")) if right in p.read_text()]
        assert len(found) == 1, (
            f"{what}: {right!r} is in {len(found)} notebooks; update WRONG_ANSWERS"
        )
        path = found[0]
        name = path.parent.name
        nb = json.loads(path.read_text())
        wrong_ids[name] = grade_id_of(nb, right)
        assert wrong_ids[name], f"{what}: {right!r} is not in an exercise of {path.name}"
        sampled.append(name)
        text = path.read_text()
        submissions = {
            "unchanged": (course / "release" / name / path.name).read_text(),
            "solution": text,
            "wrong": text.replace(json.dumps(right)[1:-1], json.dumps(wrong)[1:-1]),
        }
        assert submissions["wrong"] != text
        for student, content in submissions.items():
            folder = course / "submitted" / student / name
            folder.mkdir(parents=True)
            (folder / path.name).write_text(content)
    folder = course / "submitted" / "solution" / "stderr_probe"
    folder.mkdir(parents=True)
    shutil.copy(course / "source" / "stderr_probe" / "stderr_probe.ipynb", folder)

    autograded, timings["nbgrader autograde (3 x 3 submissions + probe)"] = run(
        [nbgrader, "autograde", "*"], course, env
    )
    scores = subprocess.run(
        [str(venv / "bin" / "python"), "-c", SCORES],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
    )
    assert scores.returncode == 0, scores.stderr
    print("\n".join(f"{what}: {seconds:.0f} s" for what, seconds in timings.items()))
    return {
        "course": course,
        "generated": generated,
        "autograded": autograded,
        "scores": json.loads(scores.stdout),
        "sampled": sampled,
        "wrong_ids": wrong_ids,
    }


def test_nbgrader_generates_every_assignment(graded):
    done = graded["generated"]
    assert done.returncode == 0 and "ERROR" not in done.stderr, done.stderr[-5000:]
    course = graded["course"]
    for path in NOTEBOOKS:
        source = nbformat.read(course / "source" / path.stem / path.name, as_version=4)
        release = nbformat.read(course / "release" / path.stem / path.name, as_version=4)
        assert len(release.cells) == len(source.cells), path.name
        for exercise, check in find_exercises(source):
            stub = release.cells[exercise].source
            assert "# YOUR CODE HERE\nraise NotImplementedError" in stub.replace("    ", "")
            assert BEGIN not in stub and END not in stub, path.name
            assert release.cells[check].source == source.cells[check].source, path.name
            assert release.cells[check].metadata["nbgrader"]["locked"], path.name
        for cell in release.cells:
            assert cell.cell_type != "code" or cell.outputs == [], path.name


def test_nbgrader_autogrades_release_solution_and_wrong_answer(graded):
    done, scores = graded["autograded"], graded["scores"]
    assert done.returncode == 0, done.stderr[-5000:]
    report = []
    for name in graded["sampled"]:
        subs = scores[name]
        full = subs["solution"]["max_score"]
        n_exercises = len(
            find_exercises(
                json.loads((graded["course"] / "source" / name / f"{name}.ipynb").read_text())
            )
        )
        assert full == n_exercises, name  # one point per exercise
        assert subs["unchanged"]["score"] == 0, (name, subs["unchanged"])
        assert subs["solution"]["score"] == full, (name, subs["solution"])
        wrong = subs["wrong"]
        assert wrong["score"] < full, (name, wrong)
        # exactly the exercise with the wrong answer loses its point
        wrong_id = graded["wrong_ids"][name]
        assert wrong["cells"][wrong_id] == 0, (name, wrong)
        assert all(score == 1 for g, score in wrong["cells"].items() if g != wrong_id), wrong
        report.append(
            f"{name}: release {subs['unchanged']['score']:g}, "
            f"solution {subs['solution']['score']:g}, wrong answer {wrong['score']:g} of {full:g}"
        )
    print("\n".join(report))


def test_nbgrader_ignores_warnings_but_not_other_stderr(graded):
    cells = graded["scores"]["stderr_probe"]["solution"]["cells"]
    assert cells == {"ex1_warns_check": 1.0, "ex2_overflows_check": 1.0, "ex3_quiet_check": 0.0}
