"""`gongkai status [SITE] [--year Y] [--as-of DATE] [--format json]`: who has published, who is late.

The reports are read as `gongkai check` reads them (checking.py: what the last build noted of offices
unchanged since). Exit status: 0, or 1 when an office has not published a report whose deadline has
passed (for a supervisor's scheduled job); 2 for usage errors.
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from datetime import date
from pathlib import Path

from ..build.checking import check_site
from ..check import deadlines
from ..model.findings import GongkaiError

COLUMNS = ("年度", "机关", "类型", "发布期限", "发布日期", "状态")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments."""
    parser.add_argument("site", nargs="?", default=".", help="站点目录（默认：当前目录）")
    parser.add_argument("--year", type=_year, metavar="Y", help="只列出这一年度的报告（默认：所有年度）")
    parser.add_argument(
        "--as-of", type=as_of_date, metavar="YYYY-MM-DD", help="统计截至哪一天（默认：今天），如 2024-02-01"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="输出格式：text 或 json")
    parser.add_argument(
        "--out", "-o", metavar="DIR", help="沿用这个输出目录上次构建读取的结果（默认：站点目录下的 public）"
    )


def as_of_date(text: str) -> date:
    """--as-of YYYY-MM-DD (also used by `gongkai build`)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 YYYY-MM-DD，如 2024-02-01；这里是“{text}”") from None


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"年度应为四位数字，如 2023；这里是“{text}”")
    return int(text)


def run(args: argparse.Namespace) -> int:
    """Print each report's publication status and the counts per year; 1 when a report is overdue, else 0."""
    checked = check_site(Path(args.site), Path(args.out) if args.out else None)
    site = checked.site
    if errors := [f for f in checked.findings if f.severity == "error" and f.position.path.endswith("site.yaml")]:
        raise GongkaiError(errors)
    as_of = args.as_of or date.today()
    published = checked.published
    years = [args.year] if args.year else None
    found = deadlines.statuses(site.settings, site.offices.values(), published, as_of, years)
    overdue = sum(1 for status in found if status.overdue)
    counts = deadlines.counts(found)
    if args.format == "json":
        payload = {
            "as_of": as_of.isoformat(),
            "counts": {str(year): row for year, row in counts.items()},
            "overdue": overdue,
            "statuses": [status.as_json() for status in found],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(f"发布情况（统计截至 {as_of.isoformat()}）")
        for year, row in counts.items():
            print(f"{year} 年度：" + "，".join(f"{state} {row[state]}" for state in deadlines.STATES if row[state]))
        rows = [COLUMNS] + [
            (
                str(s.year),
                s.office_name,
                s.kind,
                s.deadline.isoformat(),
                s.published.isoformat() if s.published else "—",
                s.label,
            )
            for s in found
        ]
        for row in _aligned(rows):
            print(row)
        if overdue:
            print(f"{overdue} 份报告已过发布期限仍未发布")
    return 1 if overdue else 0


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _aligned(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows in columns as wide as their widest cell (Chinese characters take two places in a terminal)."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(row, widths)).rstrip() for row in rows]
