"""The repository address lives in course_tools/course.py; every notebook's badge and setup cell
are generated from it."""

import json
import subprocess
import sys

import nbformat
import pytest
from helpers import ROOT

from course_tools import course


def make_notebook(path, badge="[![Open In Colab](https://x/badge.svg)](https://old/link)"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"{badge}\n# 99 · A test notebook"),
        nbformat.v4.new_code_cell(course.SETUP_MARKER + ": old text\nprint('old')"),
        nbformat.v4.new_code_cell("import mlp_core"),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_setup_cell_installs_only_on_colab_and_is_valid_python():
    src = course.setup_cell_source()
    compile(src, "setup", "exec")
    assert src.startswith(course.SETUP_MARKER)
    assert 'if "google.colab" in sys.modules:' in src
    assert f"git+https://github.com/{course.REPOSITORY}@{course.BRANCH}" in src
    namespace = {}
    exec(src, namespace)  # off Colab: runs and installs nothing


def test_stamp_rewrites_badge_and_setup_cell(tmp_path):
    path = make_notebook(tmp_path / "notebooks" / "99_test.ipynb")
    assert course.stamp_notebook(path, tmp_path, check=True)  # reports a difference...
    assert "https://old/link" in path.read_text()  # ...without writing
    assert course.stamp_notebook(path, tmp_path)
    nb = nbformat.read(path, as_version=4)
    assert course.colab_url("notebooks/99_test.ipynb") in nb.cells[0].source
    assert nb.cells[0].source.endswith("# 99 · A test notebook")
    assert nb.cells[1].source == course.setup_cell_source()
    assert nb.cells[2].source == "import mlp_core"
    assert not course.stamp_notebook(path, tmp_path)  # now up to date


def test_stamp_refuses_a_notebook_without_badge(tmp_path):
    path = make_notebook(tmp_path / "notebooks" / "98_nobadge.ipynb", badge="no badge here")
    with pytest.raises(ValueError, match="first cell must be markdown holding the Colab badge"):
        course.stamp_notebook(path, tmp_path)


def test_cli_check_mode_exit_codes(tmp_path):
    make_notebook(tmp_path / "notebooks" / "99_test.ipynb")
    cmd = [sys.executable, "-m", "course_tools", "stamp-notebooks", "--root", str(tmp_path)]
    assert subprocess.run([*cmd, "--check"], capture_output=True).returncode == 1
    assert subprocess.run(cmd, capture_output=True).returncode == 0
    assert subprocess.run([*cmd, "--check"], capture_output=True).returncode == 0


def test_every_course_notebook_agrees_with_course_py():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    stale = [p.name for p in notebooks if course.stamp_notebook(p, ROOT, check=True)]
    assert not stale, f"run `python -m course_tools stamp-notebooks`: {stale} disagree"
    for p in notebooks:
        first = json.loads(p.read_text())["cells"][0]
        assert course.colab_url(f"notebooks/{p.name}") in "".join(first["source"])


def test_readme_badges_agree_with_course_py():
    readme = ROOT / "README.md"
    assert not course.stamp_readme(readme, check=True), (
        "run `python -m course_tools stamp-notebooks`"
    )
    text = readme.read_text()
    assert course.binder_url(course.README_NOTEBOOK) in text
    assert course.colab_url(course.README_NOTEBOOK) in text
    assert (ROOT / course.README_NOTEBOOK).exists()
    # Binder (repo2docker) installs the course from requirements.txt at the root
    assert "-e ." in (ROOT / "requirements.txt").read_text().splitlines()


def test_stamp_readme_rewrites_both_badges_and_needs_them(tmp_path):
    readme = tmp_path / "README.md"
    stale = (
        "# Course\n\n[![Open In Colab](https://x/badge.svg)](https://old/colab) "
        "[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/old/repo/x)\n"
        "Text.\n"
    )
    readme.write_text(stale)
    assert course.stamp_readme(readme, check=True) and readme.read_text() == stale
    assert course.stamp_readme(readme)
    expected = (
        f"# Course\n\n{course.colab_badge(course.README_NOTEBOOK)} "
        f"{course.binder_badge(course.README_NOTEBOOK)}\nText.\n"
    )
    assert readme.read_text() == expected
    assert not course.stamp_readme(readme)
    readme.write_text("# Course\n\n[![Open In Colab](a)](b)\n")
    with pytest.raises(ValueError, match="no \\[!\\[Binder\\]"):
        course.stamp_readme(readme)
