"""`python -m pilotchain`: the CLI, for a process that must run this checkout's code (e.g. on a
test host's network namespace) rather than the installed console script."""

import sys

from pilotchain.cli import main

sys.exit(main())
