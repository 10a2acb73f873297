"""`gongkai new <office> <year> [SITE]`: write a complete report file to fill in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..check import load_report
from ..model.findings import GongkaiError, Position, error
from ..model.format import Format, format_for_year, get_format
from ..read.files import make_folder, write_generated, write_user_file
from ..read.scaffold import SCHEMA_FILE, report_text
from ..read.schema import schema_text
from ..read.site import SLUG, display_path, read_office

OFFICE_TEMPLATE = """# 机关信息
name: {name}
# full_name: 机关全称
# parent: 上级机关的目录名
# kind: 乡镇街道  # 政府、部门、乡镇街道或其他
# contact:
#   address: 地址
#   phone: 电话
#   email: 电子邮箱
#   website: 网址
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments."""
    parser.add_argument("office", help="机关目录名（slug），只用小写字母、数字和连字符，如 hehualu")
    parser.add_argument("year", type=int, help="报告年度，如 2024")
    parser.add_argument("site", nargs="?", default=".", help="站点目录（默认：当前目录）")
    parser.add_argument("--name", help="新机关的名称，如 荷花路街道办事处（写入 office.yaml）")
    parser.add_argument("--format", dest="format_id", help="报告格式版本（默认：该年度适用的格式）")
    parser.add_argument("--force", action="store_true", help="覆盖已存在的报告文件")


def office_year_site(args: argparse.Namespace) -> Path:
    """Check the office slug, the year and the site of `new` and `workbook`; the site's folder."""
    if not SLUG.match(args.office):
        raise GongkaiError(f"机关目录名“{args.office}”不合规：只能用小写字母、数字和连字符，如 hehualu")
    if not 1990 <= args.year <= 2100:
        raise GongkaiError(f"年度 {args.year} 无效，请写四位数字的年份，如 2024")
    site = Path(args.site)
    if not (site / "site.yaml").exists():
        message = "找不到 site.yaml：请在站点目录中运行，或在命令最后写上站点目录"
        raise GongkaiError(error(Position(display_path(site / "site.yaml")), message))
    return site


def run(args: argparse.Namespace) -> int:
    """Write a draft report file (and office.yaml for a new office); 0 when written."""
    site = office_year_site(args)
    fmt = get_format(args.format_id) if args.format_id else format_for_year(args.year)
    if fmt is None:
        raise GongkaiError(
            f"{args.year} 年度没有可用的报告格式" if not args.format_id else f"不认识的报告格式“{args.format_id}”"
        )

    folder = site / "content" / args.office
    office_file = folder / "office.yaml"
    target = folder / f"{args.year}.yaml"
    if target.exists() and not args.force:
        write_user_file(target, "")  # refuses, with the message to use --force
    new_office = not office_file.exists()
    if new_office:
        office_name = args.name or "【待填写】机关名称"
    else:
        office, findings = read_office(folder)
        if office is None:
            raise GongkaiError(findings)
        office_name = office.name

    values = carried_over(fmt, folder / f"{args.year - 1}.yaml", args.office)
    text = report_text(fmt, office_name, args.year, values=values, draft=True)
    make_folder(folder, site)  # the office's folder, which the command is asked to make
    if new_office:
        write_user_file(office_file, OFFICE_TEMPLATE.format(name=office_name))
        print(f"已创建 {display_path(office_file)}" + ("" if args.name else "：请填写机关名称（name）"))
    write_user_file(target, text, force=args.force)
    write_generated(site / "content" / SCHEMA_FILE, schema_text())
    note = "，上年结转已按上一年度报告的“结转下年度继续办理”填好" if values else ""
    print(
        f"已创建 {display_path(target)}（{fmt.title.zh}）{note}；这是草稿（draft: true），填写后运行 gongkai check 检查，删去 draft 一行即可发布",
        file=sys.stdout,
    )
    return 0


def carried_over(fmt: Format, previous_file: Path, office: str) -> dict:
    """This year's 上年结转 row from last year's 结转下年度继续办理, cell by cell."""
    if not previous_file.exists():
        return {}
    previous, _ = load_report(previous_file, display_path(previous_file), office)
    if previous is None:
        print(f"注意：{display_path(previous_file)} 有错误，上年结转未能预填", file=sys.stderr)
        return {}
    values = {}
    for rule in fmt.rules:  # the cross-year rule that links the two rows says which cells to copy
        if rule.kind != "equation" or rule.for_each != "column" or len(rule.left) != 1 or len(rule.right) != 1:
            continue
        this, last = rule.left[0], rule.right[0]
        if this.report != "this" or last.report != "previous":
            continue
        for block, row in fmt.tables[rule.table].row_entries():
            if row.id != this.row:
                continue
            for column in block.leaf_columns:
                value = previous.value(rule.table, last.row, column.id)
                if value is not None:
                    values[f"{rule.table}.{this.row}.{column.id}"] = value
    return values
