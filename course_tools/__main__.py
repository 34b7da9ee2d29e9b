"""``python -m course_tools ...``: see ``course_tools/cli.py``."""

import sys

from .cli import main

sys.exit(main())
