"""Tooling for the course's maintainers and instructors, not for learners.

Run as ``python -m course_tools COMMAND`` from a checkout of the repository (see ``cli.py``).
Not part of the ``mlp_core`` wheel.

- ``course``    the repository address; every notebook's Colab badge and setup cell
- ``editions``  the student edition: solutions replaced by stubs, outputs cleared
- ``cli``       the commands
"""
