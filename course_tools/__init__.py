"""Tooling for the course's maintainers and instructors, not for learners.

Run as ``python -m course_tools COMMAND`` from a checkout of the repository (see ``cli.py``).
Not part of the ``mlp_core`` wheel.

- ``course``    the repository address; every notebook's Colab badge and setup cell
- ``editions``  the student edition: solutions replaced by stubs, outputs cleared
- ``learner``   a learner's own copy in the git-ignored ``my-work/`` (``learn``)
- ``nbgrader``  the course as an nbgrader course directory (guide: docs/nbgrader.md)
- ``site``      the course as a static website, built offline from the notebooks' outputs
- ``cli``       the commands
"""
