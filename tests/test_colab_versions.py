"""The widget, playground and plot tests pass with the versions Google Colab ships.

Colab runs Python 3.13 with numpy 2.1, matplotlib 3.10 and ipywidgets 7.7.1 (the course's
own environment has ipywidgets 8). ``.ci/colab-versions`` builds a throwaway virtual
environment with exactly those versions, installs this checkout into it without letting pip
change them, and runs the widget, drawing, playground and plot tests there. This test runs
that script.

Python 3.13 is taken from ``COLAB_PYTHON``, ``python3.13`` on PATH or pyenv; a machine without
it runs the same check on its own Python (the script says so), unless
``MLP_CORE_REQUIRE_COLAB_PYTHON=1`` (as in ``.ci/run``) makes that a failure.
"""

import os
import re
import subprocess

from helpers import ROOT


def test_widget_and_plot_tests_pass_with_colabs_versions():
    script = ROOT / ".ci" / "colab-versions"
    done = subprocess.run(["bash", str(script)], capture_output=True, text=True, cwd=ROOT)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{script} failed:\n{output[-5000:]}"
    versions = re.search(
        r"Python (\S+), numpy (\S+), matplotlib (\S+), ipywidgets (\S+)", done.stdout
    )
    assert versions, output
    python, numpy, matplotlib, ipywidgets = versions.groups()
    assert numpy.startswith("2.1.") and matplotlib.startswith("3.10.") and ipywidgets == "7.7.1"
    if os.environ.get("MLP_CORE_REQUIRE_COLAB_PYTHON") == "1":
        assert python.startswith("3.13."), f"Colab runs Python 3.13, this check ran {python}"
    summary = re.search(r"(\d+) passed", done.stdout)
    assert summary and int(summary.group(1)) >= 90, output[-3000:]
    assert " failed" not in done.stdout and " error" not in done.stdout, output[-3000:]
    print(versions.group(0), "-", summary.group(0))
