"""`gongkai check [SITE] [--format json] [--out DIR] [--jobs N]`: every report's findings, printed.

The findings of offices unchanged since the last build into DIR come from its manifest; the others
are read by worker processes when there are many (checking.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..build.checking import check_site
from ..model.findings import findings_json, summary_counts
from .build import _jobs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments."""
    parser.add_argument("site", nargs="?", default=".", help="站点目录（默认：当前目录）")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="输出格式：text 或 json（供 CI 工具使用）"
    )
    parser.add_argument(
        "--out", "-o", metavar="DIR", help="沿用这个输出目录上次构建的检查结果（默认：站点目录下的 public）"
    )
    parser.add_argument("--jobs", "-j", type=_jobs, metavar="N", help="并行进程数（默认：CPU 核数）")


def run(args: argparse.Namespace) -> int:
    """Print every report's findings and a summary line; 1 when there is an error, else 0."""
    checked = check_site(Path(args.site), Path(args.out) if args.out else None, args.jobs)
    site, reports, findings = checked.site, checked.reports, checked.findings
    findings.sort(key=lambda f: (f.position.path, f.position.line, f.position.column, f.rule, f.message))
    errors, warnings = summary_counts(findings)
    if args.format == "json":
        print(findings_json(findings, reports=reports, offices=len(site.offices)))
    else:
        for finding in findings:
            print(finding)
        print(
            f"检查了 {len(site.offices)} 个机关的 {reports} 份报告：{errors} 个错误，{warnings} 个警告", file=sys.stdout
        )
    return 1 if errors else 0
