"""`gongkai schema [-o FILE]`: the JSON Schema of report files, generated from the format definitions."""

from __future__ import annotations

import sys
from pathlib import Path

from ..files import write_generated
from ..schema import schema_text


def add_arguments(parser) -> None:
    parser.add_argument("-o", "--output", help="写入此文件（默认：输出到屏幕）")


def run(args) -> int:
    if args.output:
        write_generated(Path(args.output), schema_text())
    else:
        sys.stdout.write(schema_text())
    return 0
