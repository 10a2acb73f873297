"""`python -m generator` runs the Gongkai command line."""

import sys

from .cli import main

sys.exit(main())
