"""Not implemented yet."""


def add_arguments(parser) -> None:
    parser.add_argument("site", nargs="?", default=".")


def run(args) -> int:
    raise SystemExit("not implemented yet")
