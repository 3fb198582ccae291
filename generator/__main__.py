"""`python -m generator` runs the `journeys` command line."""

import sys

from .cli import main

sys.exit(main())
