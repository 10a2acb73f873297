"""`gongkai docx OFFICE YEAR [SITE] [-o FILE] [--force]`: one report as an official Word document."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..check import read_reports
from ..model.findings import GongkaiError, Position, error
from ..read.files import write_user_file
from ..read.site import load_site


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments."""
    parser.add_argument("office", help="机关目录名，如 hehualu")
    parser.add_argument("year", type=int, help="报告年度，如 2023")
    parser.add_argument("site", nargs="?", default=".", help="站点目录（默认：当前目录）")
    parser.add_argument(
        "-o", "--output", help="写入此文件（默认：当前目录下的 <机关目录名>-<年度>.docx）；不会覆盖已有文件"
    )
    parser.add_argument("--force", action="store_true", help="覆盖已存在的文件")


def run(args: argparse.Namespace) -> int:
    """Write the office's report of that year as a .docx; 0 when written (errors are raised)."""
    from ..render.word import report_docx

    root = Path(args.site)
    site, findings = load_site(root)
    office = site.offices.get(args.office)
    if office is None:
        problems = [f for f in findings if f.severity == "error"]
        if problems:
            raise GongkaiError(problems)
        raise GongkaiError(error(Position(str(root / "content")), f"没有名为“{args.office}”的机关目录"))
    read = zip((year for year, _ in office.report_files), read_reports(office, settings=site.settings))
    for year, (report, more) in read:
        if year != args.year:
            continue
        if report is None:  # the file does not read: its errors, as `gongkai check` prints them
            raise GongkaiError([f for f in more if f.severity == "error"])
        output = Path(args.output) if args.output else Path(f"{office.slug}-{report.year}.docx")
        write_user_file(output, report_docx(report, more, office), force=args.force)
        print(f"已写入 {output}")
        return 0
    raise GongkaiError(error(Position(office.path), f"{office.name}没有 {args.year} 年度的报告"))
