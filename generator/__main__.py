"""`python -m generator` runs the Gongkai command line."""

import sys

from .cli import main

if __name__ == "__main__":  # not when a worker process of the build imports this as the main module
    sys.exit(main())
