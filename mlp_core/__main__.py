"""``python -m mlp_core ...``: see ``mlp_core/cli.py``."""

import sys

from .cli import main

sys.exit(main())
