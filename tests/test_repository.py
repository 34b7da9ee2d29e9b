"""Repository promises: the README's two commands, CI running the same test command,
lower-bound-only dependencies, no MNIST files committed."""

import re
import subprocess

from helpers import ROOT


def readme_commands():
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return [b.strip() for b in blocks]


def test_readme_has_an_open_and_a_test_command_and_ci_runs_the_test_command():
    commands = readme_commands()
    open_cmd = next(c for c in commands if c.endswith("python -m course_tools learn"))
    test_cmd = next(c for c in commands if c.endswith("python -m pytest"))
    assert "pip install -r requirements.txt" in open_cmd and "pip install -r" in test_cmd
    assert test_cmd in (ROOT / ".ci" / "run").read_text()


def test_dependencies_have_lower_bounds_only():
    lines = [
        line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
    ]
    pyproject = (ROOT / "pyproject.toml").read_text()
    deps = re.findall(
        r'^    "([^"]+)",$', pyproject.split("dependencies = [")[1].split("]")[0], re.M
    )
    assert deps, "no dependencies found in pyproject.toml"
    for spec in [*filter(None, lines), *deps]:
        assert not re.search(r"==|<|~=", spec), f"{spec!r}: use lower bounds only"


def test_no_mnist_files_are_committed():
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [f for f in files if re.search(r"idx[13]-ubyte", f)]
