"""`python -m generator` runs the Gongkai command line."""

from .cli import command_line

if __name__ == "__main__":  # not when a worker process of the build imports this as the main module
    command_line()
