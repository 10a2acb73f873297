"""`gongkai schema [-o FILE]`: the JSON Schema of report files, generated from the format definitions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..read.files import write_user_file
from ..read.schema import schema_text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments."""
    parser.add_argument("-o", "--output", help="写入此文件（默认：输出到屏幕）；不会覆盖已有文件，也不会新建目录")
    parser.add_argument("--force", action="store_true", help="覆盖已存在的文件（保留其权限）")


def run(args: argparse.Namespace) -> int:
    """Print the JSON Schema, or write it to --output; 0."""
    if args.output:
        write_user_file(Path(args.output), schema_text(), force=args.force)
    else:
        sys.stdout.write(schema_text())
    return 0
