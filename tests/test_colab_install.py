"""The Colab setup cell installs a working mlp_core from the repository.

On Colab the first cell runs ``pip install -q "mlp_core @ git+https://github.com/...@main"``.
This test runs that same cell, with ``google.colab`` faked, in a throwaway virtual
environment, against a ``git clone`` of this checkout (so what is tested is the committed
HEAD, under the branch name of course_tools/course.py), and then imports and uses the package.

Colab ships numpy, matplotlib and ipywidgets, so the throwaway environment sees the
packages of the environment running the tests (a ``.pth`` line, like Colab's preinstalled
packages), but not their ``.pth`` files, so the editable install of this checkout stays
invisible. If the test environment has setuptools (the build backend), pip is told to use
no index and no build isolation, so the test is offline and takes seconds.
"""

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from helpers import ROOT

from course_tools import course

SMOKE = """
import json, sys
import numpy as np
import mlp_core, mlp_core.plots, mlp_core.widgets
from importlib.metadata import distribution

X = np.random.default_rng(0).normal(size=(200, 4)).astype(np.float32)
y = (X[:, 0] > 0).astype(int)
net = mlp_core.Network([4, 8, 2], seed=0)
history = mlp_core.fit(net, X, y, optimizer=mlp_core.SGD(0.5), epochs=5, batch_size=20, seed=0)
print(json.dumps({
    "file": mlp_core.__file__,
    "direct_url": json.loads(distribution("mlp_core").read_text("direct_url.json")),
    "accuracy": history.train_accuracy[-1],
}))
"""


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout}\n{done.stderr}"
    return done


def test_setup_cell_installs_mlp_core_from_a_git_url(tmp_path):
    seconds = {}
    start = time.perf_counter()
    clone = tmp_path / "repo"
    run(["git", "clone", "--quiet", str(ROOT), str(clone)])
    run(["git", "checkout", "--quiet", "-B", course.BRANCH], cwd=clone)
    head = run(["git", "rev-parse", "HEAD"], cwd=clone).stdout.strip()
    seconds["clone"] = time.perf_counter() - start

    start = time.perf_counter()
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(
        run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
        ).stdout.strip()
    )
    outer = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site / "_test_environment.pth").write_text("\n".join(outer) + "\n")
    seconds["venv"] = time.perf_counter() - start

    # The setup cell as Colab runs it, with the GitHub address replaced by the local clone
    # (pip's requirement parser needs a host in a git+file URL, hence "localhost").
    github = f"git+https://github.com/{course.REPOSITORY}@{course.BRANCH}"
    local = f"git+file://localhost{clone.as_posix()}@{course.BRANCH}"
    assert github in course.pip_requirement()
    cell = course.setup_cell_source()
    assert course.pip_requirement() in cell
    cell = cell.replace(course.pip_requirement(), course.pip_requirement().replace(github, local))
    script = tmp_path / "setup_cell.py"
    script.write_text(
        'import sys, types\nsys.modules["google.colab"] = types.ModuleType("x")\n' + cell
    )
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", MPLBACKEND="Agg")
    if importlib.util.find_spec("setuptools"):  # the build backend is at hand: stay offline
        env.update(PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0")  # "0": do not isolate
    env.pop("PYTHONPATH", None)
    start = time.perf_counter()
    run([str(python), str(script)], env=env, cwd=tmp_path)
    seconds["setup cell (pip install)"] = time.perf_counter() - start

    start = time.perf_counter()
    result = json.loads(
        run([str(python), "-c", SMOKE], env=env, cwd=tmp_path).stdout.splitlines()[-1]
    )
    seconds["import and train"] = time.perf_counter() - start
    assert Path(result["file"]).is_relative_to(site), f"mlp_core imported from {result['file']}"
    assert result["direct_url"]["url"] == f"file://localhost{clone.as_posix()}"
    assert result["direct_url"]["vcs_info"]["commit_id"] == head
    assert result["accuracy"] > 0.8
    print(", ".join(f"{what}: {s:.1f} s" for what, s in seconds.items()))
