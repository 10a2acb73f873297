"""One thin module per CLI verb; each defines add_arguments(parser) and run(args) -> exit code, prints,
and calls into the library (which never prints or exits).

May import: every stage.
"""
