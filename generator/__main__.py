"""`python -m generator` runs the `journeys` command line."""

import sys

from generator.cli import main

sys.exit(main())
