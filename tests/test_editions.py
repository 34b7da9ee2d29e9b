"""Student and instructor editions (course_tools/editions.py) and proof that the exercises are real.

The unit tests use small notebooks made here. ``test_exercises_are_real`` runs every course
notebook, up to its last check, in one fresh kernel; at each exercise it first runs the
student-edition cell (the stub) and the check, which must fail *because of the stub*, then
the instructor cell and the check, which must pass. So every check is shown to fail on the
student edition and to pass on the instructor edition, without running a notebook twice.
Two notebooks run at a time, one per core of the CI machine.
"""

import ast
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import ipykernel.kernelspec
import nbformat
import pytest
from helpers import NOTEBOOKS, ROOT, make_notebook
from IPython.core.inputtransformer2 import TransformerManager
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from course_tools import course
from course_tools.editions import (
    BEGIN,
    END,
    MISTAKES,
    cell_source,
    find_exercises,
    has_solution,
    replace_solutions,
    stub_solutions,
    student_edition,
    student_notebook,
)

ANSI = re.compile(r"\x1b\[[0-9;]*m")

EXERCISE = f"""def double(x):
    \"\"\"Twice x.\"\"\"
    {BEGIN}
    y = 2 * x
    return y
    {END}


result = double(21)"""


# --- stubbing solution regions ------------------------------------------------------------


def test_stub_keeps_the_region_indentation_and_the_code_around_it():
    stubbed = stub_solutions(EXERCISE)
    assert stubbed == (
        "def double(x):\n"
        '    """Twice x."""\n'
        "    # YOUR CODE HERE\n"
        "    raise NotImplementedError\n"
        "\n"
        "\n"
        "result = double(21)"
    )
    namespace: dict = {}
    with pytest.raises(NotImplementedError):
        exec(compile(stubbed, "stub", "exec"), namespace)
    assert callable(namespace["double"]) and "result" not in namespace


def test_stub_handles_top_level_and_several_regions_per_cell():
    source = f"{BEGIN}\na = 1\n{END}\nb = 2\nif b:\n        {BEGIN}\n        c = 3\n        {END}\n"
    assert stub_solutions(source) == (
        "# YOUR CODE HERE\nraise NotImplementedError\nb = 2\nif b:\n"
        "        # YOUR CODE HERE\n        raise NotImplementedError\n"
    )


def test_marker_must_be_a_line_of_its_own():
    source = f'print("{BEGIN}")  # mentioned, not a marker\nx = 1'
    assert not has_solution(source)
    assert stub_solutions(source) == source


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (f"{BEGIN}\nx = 1\n", "never closed"),
        (f"x = 1\n{END}\n", "without a"),
        (f"{BEGIN}\n{BEGIN}\n{END}\n{END}\n", "inside another"),
    ],
)
def test_unmatched_markers_are_refused(source, message):
    with pytest.raises(ValueError, match=message):
        stub_solutions(source)


# --- finding exercises and their checks ----------------------------------------------------


def test_find_exercises_pairs_each_exercise_with_the_next_code_cell():
    nb = make_notebook(
        [
            ("markdown", "# Title"),
            ("code", "import math"),
            ("code", EXERCISE),
            ("markdown", "Now the check:"),
            ("code", "assert result == 42"),
            ("code", f"{BEGIN}\nz = 0\n{END}"),
            ("code", "assert z == 0"),
        ]
    )
    assert find_exercises(nb) == [(2, 4), (5, 6)]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([("code", EXERCISE), ("markdown", "the end")], "no code cell follows"),
        ([("code", EXERCISE), ("code", EXERCISE), ("code", "assert True")], "another exercise"),
    ],
)
def test_an_exercise_without_its_own_check_is_refused(cells, message):
    with pytest.raises(ValueError, match=message):
        find_exercises(make_notebook(cells))


# --- the student edition -------------------------------------------------------------------


def executed_notebook() -> nbformat.NotebookNode:
    nb = make_notebook(
        [
            ("markdown", f"# Title\n{BEGIN} in markdown is left alone"),
            ("code", "# NBVAL_IGNORE_OUTPUT\nprint('hello')"),
            ("code", EXERCISE),
            ("code", "assert result == 42"),
        ]
    )
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.metadata["language_info"] = {"name": "python"}
    for count, cell in enumerate(nb.cells[1:], start=1):
        cell.execution_count = count
        cell.metadata["execution"] = {"iopub.execute_input": "2025-01-01T00:00:00Z"}
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
    nb.cells[1].metadata["tags"] = ["keep-me"]
    return nb


def test_student_notebook_stubs_solutions_and_clears_outputs_only():
    nb = executed_notebook()
    before = json.dumps(nb, sort_keys=True)
    student = student_notebook(nb)
    assert json.dumps(nb, sort_keys=True) == before  # the instructor notebook is untouched
    assert "widgets" not in student["metadata"]
    assert student["metadata"]["kernelspec"]["name"] == "python3"
    assert student["metadata"]["language_info"] == {"name": "python"}
    assert cell_source(student["cells"][0]) == cell_source(nb.cells[0])
    assert cell_source(student["cells"][1]) == "# NBVAL_IGNORE_OUTPUT\nprint('hello')"
    assert student["cells"][1]["metadata"] == {"tags": ["keep-me"]}
    assert cell_source(student["cells"][2]) == stub_solutions(EXERCISE)
    assert cell_source(student["cells"][3]) == "assert result == 42"
    for cell in student["cells"][1:]:
        assert cell["outputs"] == [] and cell["execution_count"] is None
        assert "execution" not in cell["metadata"]


def test_student_edition_writes_valid_notebooks_and_never_overwrites_the_source(tmp_path):
    src = tmp_path / "instructor"
    src.mkdir()
    nbformat.write(executed_notebook(), src / "01_a.ipynb")
    nbformat.write(make_notebook([("markdown", "# no exercises")]), src / "02_b.ipynb")
    written = student_edition(src, tmp_path / "student")
    assert [p.name for p in written] == ["01_a.ipynb", "02_b.ipynb"]
    for path in written:
        nbformat.validate(nbformat.read(path, as_version=4))
    with pytest.raises(ValueError, match="must differ from the source"):
        student_edition(src, src)
    with pytest.raises(ValueError, match="no .ipynb notebooks"):
        student_edition(tmp_path / "student" / "empty", tmp_path / "out")


def test_cli_builds_the_student_edition_of_the_course(tmp_path):
    out = tmp_path / "student"
    cmd = [sys.executable, "-m", "course_tools", "student-edition", str(out)]
    cmd += ["--source", str(ROOT / "notebooks")]
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"{len(NOTEBOOKS)} student notebooks" in done.stdout
    to_python = TransformerManager().transform_cell  # IPython magics, as the kernel sees them
    for path in NOTEBOOKS:
        instructor = nbformat.read(path, as_version=4)
        student = nbformat.read(out / path.name, as_version=4)
        nbformat.validate(student)
        assert student.metadata.get("kernelspec") == instructor.metadata.get("kernelspec")
        assert "widgets" not in student.metadata
        assert len(student.cells) == len(instructor.cells)
        for i, (mine, theirs) in enumerate(zip(student.cells, instructor.cells)):
            where = f"{path.name} cell {i}"
            if i == 0:  # the badge opens the student notebook, in OUTDIR of this repository
                badge = course.colab_badge(f"student/{path.name}")
                assert mine.source == course.replace_badge(theirs.source, badge), where
                assert "/notebooks/" not in mine.source, where
                continue
            if mine.cell_type != "code":
                assert mine == theirs, where
                continue
            assert mine.outputs == [] and mine.execution_count is None, where
            assert BEGIN not in mine.source and END not in mine.source, where
            compile(to_python(mine.source), where, "exec")  # still valid Python
            if not has_solution(theirs.source):
                assert mine.source == theirs.source, where
    bad = subprocess.run(
        [*cmd[:4], str(ROOT / "notebooks")], cwd=ROOT, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "must differ from the source" in bad.stderr


def test_student_badges_open_where_the_student_edition_is_published(tmp_path):
    src = tmp_path / "instructor"
    src.mkdir()
    nb = make_notebook([("markdown", course.colab_badge("notebooks/01_a.ipynb") + "\n# 01 · A")])
    nbformat.write(nb, src / "01_a.ipynb")
    student_edition(src, tmp_path / "plain")
    assert "blob/main/notebooks/01_a.ipynb" in (tmp_path / "plain" / "01_a.ipynb").read_text()
    student_edition(src, tmp_path / "out", ("school/nn-student", "fall", "week1"))
    first = nbformat.read(tmp_path / "out" / "01_a.ipynb", as_version=4).cells[0].source
    assert (
        first == course.colab_badge("week1/01_a.ipynb", "school/nn-student", "fall") + "\n# 01 · A"
    )
    cmd = [sys.executable, "-m", "course_tools", "student-edition", "out2", "--source", str(src)]
    cmd += ["--repository", "school/nn-student", "--colab-folder", "/"]
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "github/school/nn-student/blob/main/..." in done.stdout
    first = nbformat.read(tmp_path / "out2" / "01_a.ipynb", as_version=4).cells[0].source
    assert course.colab_url("01_a.ipynb", "school/nn-student") in first


# --- the exercises are real ------------------------------------------------------------------


class ThisPython(KernelSpecManager):
    """Kernel specs that always start this interpreter (as nbval's --nbval-current-env)."""

    def get_kernel_spec(self, kernel_name):
        return self.kernel_spec_class(
            resource_dir=ipykernel.kernelspec.RESOURCES, **ipykernel.kernelspec.get_kernel_dict()
        )


class Client(NotebookClient):
    def create_kernel_manager(self):
        self.km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=ThisPython())
        return self.km


def error_of(cell) -> dict | None:
    """The error output of an executed cell (ename, evalue, traceback without colours)."""
    for out in cell.outputs:
        if out.output_type == "error":
            return {
                "ename": out.ename,
                "evalue": out.evalue,
                "traceback": ANSI.sub("", "\n".join(out.traceback)),
            }
    return None


def names_bound(source: str, top_level: bool = False) -> set[str]:
    """Names a cell binds (assignments, defs, imports, loops), anywhere in it; with
    ``top_level`` only those it binds in the notebook's namespace, not inside functions,
    classes, lambdas or comprehensions."""
    names: set[str] = set()
    defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    own_scope = (*defs, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.add(child.id)
            elif isinstance(child, defs):
                names.add(child.name)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in child.names)
            if not (top_level and isinstance(child, own_scope)):
                visit(child)

    visit(ast.parse(TransformerManager().transform_cell(source)))
    return names


def caused_by_stub(check_error: dict, stub_error: dict | None, solution: str) -> bool:
    """Did the check fail because of the stub, rather than for some unrelated reason?

    Yes if the check called the stub (NotImplementedError, or an AssertionError raised while
    handling it), or if the stubbed cell stopped at its stub before binding
    a name the check then missed (NameError for a name the solution cell binds).
    """
    if check_error["ename"] == "NotImplementedError":
        return True
    if check_error["ename"] == "AssertionError":  # raised while handling the stub's error
        text = check_error["traceback"]
        return bool(
            re.search(r"^NotImplementedError\b", text, re.M)
            and re.search(r"^(The above exception|During handling)", text, re.M)
        )
    if check_error["ename"] == "NameError" and stub_error is not None:
        missing = re.search(r"name '(\w+)' is not defined", check_error["evalue"])
        return (
            stub_error["ename"] == "NotImplementedError"
            and missing is not None
            and missing.group(1) in names_bound(solution)
        )
    return False


def exercise_problems(nb, cwd: Path, env: dict | None = None, course: bool = False) -> list[str]:
    """Run ``nb`` up to its last check as described at the top; return what is wrong.

    Before the stub, each recorded mistake of an exercise (``MISTAKES`` in the exercise
    cell's metadata) runs in place of the solution, and the check must fail on it with a
    message that matches the mistake's ``expect``. With ``course`` (a course notebook) there
    must be at least ``MIN_EXERCISES`` exercises, each recording at least one mistake.
    """
    exercises = find_exercises(nb)
    if course and len(exercises) < MIN_EXERCISES:
        return [
            f"{len(exercises)} checked exercises; every notebook needs at least {MIN_EXERCISES}"
        ]
    student = student_notebook(nb)
    check_of = dict(exercises)
    checks = set(check_of.values())

    # The cells to run, in order, each with its role: the instructor notebook up to its last
    # check and, before each exercise, its student cell and a first run of its check.
    run, roles, problems = nbformat.v4.new_notebook(metadata=nb.metadata), [], []
    for i, cell in enumerate(nb.cells[: exercises[-1][1] + 1]):
        if cell.cell_type != "code":
            continue
        if i in check_of:
            check = nb.cells[check_of[i]].source
            if course and not cell.metadata.get(MISTAKES):
                problems.append(f"cell {i}: the exercise records no typical mistake ({MISTAKES})")
            stale: set[str] = set()
            for k, mistake in enumerate(cell.metadata.get(MISTAKES, [])):
                wrong = replace_solutions(cell.source, mistake["code"])
                run.cells += [nbformat.v4.new_code_cell(wrong), nbformat.v4.new_code_cell(check)]
                roles += [(f"mistake {k + 1}", i), (f"check on mistake {k + 1}", mistake["expect"])]
                stale |= names_bound(wrong, top_level=True)
            stub_source = cell_source(student["cells"][i])
            stale -= names_bound(stub_source, top_level=True)
            if stale:  # what the mistakes bound and the stub does not: as if never run
                forget = f"for _name in {sorted(stale)!r}:\n    globals().pop(_name, None)"
                run.cells.append(nbformat.v4.new_code_cell(forget))
                roles.append(("cell", i))
            stub = nbformat.v4.new_code_cell(stub_source)
            run.cells += [stub, nbformat.v4.new_code_cell(nb.cells[check_of[i]].source)]
            roles += [("student cell", i), ("check on the student cell", check_of[i])]
        run.cells.append(nbformat.v4.new_code_cell(cell.source))
        roles.append(("solution" if i in check_of else "check" if i in checks else "cell", i))
    resources = {"metadata": {"path": str(cwd)}}
    # Agg: figures are drawn but not turned into PNGs (nobody looks at them here).
    env = {**(os.environ if env is None else env), "MPLBACKEND": "Agg"}
    Client(run, timeout=300, allow_errors=True, resources=resources).execute(env=env)

    stub_error, solution = None, ""
    for cell, (role, i) in zip(run.cells, roles):
        error = error_of(cell)
        where = f"cell {i} ({role})"
        if role.startswith("mistake"):
            if error is not None:
                problems.append(f"{where} raises {error['ename']}: {error['evalue']}")
            continue
        if role.startswith("check on mistake"):
            where = f"{role} (expecting {i!r})"
            if error is None:
                problems.append(f"{where}: the check passes a recorded wrong answer")
            elif not re.search(i, f"{error['ename']}: {error['evalue']}"):
                problems.append(
                    f"{where}: fails, but its message does not match: "
                    f"{error['ename']}: {error['evalue']}"
                )
            continue
        if role == "student cell":
            stub_error, solution = error, nb.cells[i].source
            if error is not None and error["ename"] != "NotImplementedError":
                problems.append(f"{where} raises {error['ename']}: {error['evalue']}")
        elif role == "check on the student cell":
            if error is None:
                problems.append(f"{where}: passes although the exercise is not done")
            elif not caused_by_stub(error, stub_error, solution):
                problems.append(
                    f"{where}: fails, but not because of the stub: {error['ename']}: "
                    f"{error['evalue']}\n{error['traceback'][-1500:]}"
                )
        elif error is not None:
            problems.append(
                f"{where} fails on the instructor edition: {error['ename']}: "
                f"{error['evalue']}\n{error['traceback'][-1500:]}"
            )
    return problems


# Every course notebook has at least this many checked exercises.
MIN_EXERCISES = 3


WRAPPED = """try:
    answer = g()
except NotImplementedError as e:
    raise AssertionError("g is not written yet") from e
assert answer == 1"""


def test_exercise_problems_catches_checks_that_prove_nothing(tmp_path):
    nb = make_notebook(
        [
            ("code", "M = 'stale'"),
            ("code", EXERCISE),  # good: the check calls the stub
            ("code", "assert double(2) == 4"),
            ("code", f"{BEGIN}\nM = 2\n{END}"),  # top-level stub; M is stale, not missing
            ("code", "assert M"),
            ("code", f"{BEGIN}\nN = 2\n{END}"),  # good: N is never bound on the stub
            ("code", "assert N == 2"),
            ("code", f"def f():\n    {BEGIN}\n    return 1\n    {END}"),
            ("code", "assert undefined_name or f() == 1"),  # fails for another reason
            ("code", f"def g():\n    {BEGIN}\n    return 1\n    {END}"),
            ("code", WRAPPED),  # good: its AssertionError comes from the stub's error
        ]
    )
    problems = exercise_problems(nb, tmp_path)
    assert problems[0].startswith("cell 4 (check on the student cell): passes although")
    assert problems[1].startswith("cell 8 (check on the student cell): fails, but not because")
    assert "NameError" in problems[1]
    assert problems[2].startswith("cell 8 (check) fails on the instructor edition")
    assert len(problems) == 3
    with_mistakes = make_notebook(
        [
            ("code", EXERCISE),
            ("code", "assert double(2) == 4, 'double(2) should be 4: multiply, do not add'"),
            ("code", EXERCISE),
            ("code", "assert double(3) == 6, 'double(3) should be 6'"),
        ]
    )
    with_mistakes.cells[0].metadata[MISTAKES] = [
        {"code": "return x + 1", "expect": "multiply, do not add"},  # caught, with its hint
        {"code": "return 4", "expect": "multiply"},  # a constant the check lets through
    ]
    with_mistakes.cells[2].metadata[MISTAKES] = [{"code": "return x + 1", "expect": "hint"}]
    assert exercise_problems(with_mistakes, tmp_path) == [
        "check on mistake 2 (expecting 'multiply'): the check passes a recorded wrong answer",
        "check on mistake 1 (expecting 'hint'): fails, but its message does not match: "
        "AssertionError: double(3) should be 6",
    ]
    # a top-level answer: what a mistake bound must not look like the stub's leftover; a
    # global that a mistaken function uses as a local name stays
    answer = make_notebook(
        [
            ("code", "m = 5"),
            ("code", f"{BEGIN}\nN = 2\n{END}"),
            ("code", "assert N == 2, 'no'"),
            ("code", f"def f():\n    {BEGIN}\n    return m\n    {END}"),
            ("code", "assert f() == m == 5, 'five'"),
        ]
    )
    answer.cells[1].metadata[MISTAKES] = [{"code": "N = 3", "expect": "no"}]
    answer.cells[3].metadata[MISTAKES] = [{"code": "m = 4\nreturn m", "expect": "five"}]
    assert exercise_problems(answer, tmp_path) == []
    one = make_notebook([("code", EXERCISE), ("code", "assert double(2) == 4")])
    assert exercise_problems(one, tmp_path, course=True) == [
        f"1 checked exercises; every notebook needs at least {MIN_EXERCISES}"
    ]


@pytest.fixture(scope="module")
def proofs(request, mnist_dir):
    """The runs of the selected notebooks, started at once, two at a time (one per core)."""
    selected = [
        item.callspec.params["path"]
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_exercises_are_real"
    ]
    env = dict(os.environ, MLP_CORE_DATA=str(mnist_dir))
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {
            path: pool.submit(
                exercise_problems, nbformat.read(path, as_version=4), path.parent, env, True
            )
            for path in selected
        }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercises_are_real(path, proofs):
    """Each check fails on the student edition's stub and passes on the instructor's solution."""
    problems = proofs[path].result()
    assert not problems, f"{path.name}:\n" + "\n".join(problems)
