"""`gongkai workbook OFFICE YEAR [SITE] [-o FILE.xlsx]`: the report's tables as an Excel workbook to fill in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..check import load_report
from ..model.findings import GongkaiError, Position, error
from ..model.format import format_for_year
from ..read.files import display_path, write_user_file
from ..read.site import read_office
from .new import carried_over, office_year_site


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments."""
    parser.add_argument("office", help="机关目录名（slug），如 hehualu")
    parser.add_argument("year", type=int, help="报告年度，如 2024")
    parser.add_argument("site", nargs="?", default=".", help="站点目录（默认：当前目录）")
    parser.add_argument("-o", "--output", help="写入的文件（默认：OFFICE-YEAR.xlsx，在当前目录）")
    parser.add_argument("--force", action="store_true", help="覆盖已存在的文件")


def run(args: argparse.Namespace) -> int:
    """Write the report's tables as an .xlsx (with the report's figures, or last year's carried over); 0."""
    from ..importer.workbook import workbook_bytes

    site = office_year_site(args)
    folder = site / "content" / args.office
    report_file = folder / f"{args.year}.yaml"
    office_name = args.office
    if (folder / "office.yaml").exists():
        office, findings = read_office(folder)
        if office is None:
            raise GongkaiError(findings)
        office_name = office.name
    values: dict = {}
    fmt = format_for_year(args.year)
    if report_file.exists():
        report, findings = load_report(report_file, display_path(report_file), args.office)
        if report is None:
            raise GongkaiError(findings)
        fmt, values = report.format, dict(report.values)
        if not fmt.tables:
            raise GongkaiError(
                error(
                    Position(display_path(report_file)), f"这份报告的格式（{fmt.title.zh}）没有统计表格，无法生成工作簿"
                )
            )
    if fmt is None or not fmt.tables:
        raise GongkaiError(f"{args.year} 年度没有全国统一的报告格式，无法生成工作簿")
    carried = {} if values else carried_over(fmt, folder / f"{args.year - 1}.yaml", args.office)
    values = values or carried
    target = Path(args.output) if args.output else Path(f"{args.office}-{args.year}.xlsx")
    if target.suffix.lower() != ".xlsx":
        raise GongkaiError(error(Position(display_path(target)), "工作簿文件名应以 .xlsx 结尾"))
    write_user_file(target, workbook_bytes(fmt, office_name, args.year, values), force=args.force)
    source = (
        f"，已填入 {display_path(report_file)} 中的数字"
        if report_file.exists()
        else ("，上年结转已按上一年度报告的“结转下年度继续办理”填好" if carried else "")
    )
    print(
        f"已创建 {display_path(target)}（{fmt.title.zh}）{source}；填好后运行 "
        f"gongkai import {display_path(target)} --office {args.office} 导入",
        file=sys.stdout,
    )
    return 0
