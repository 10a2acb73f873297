"""`gongkai check [SITE]`: read every report, apply the schema and every rule, print the findings."""

from __future__ import annotations

import sys
from pathlib import Path

from ..findings import findings_json, summary_counts
from ..site import check_site


def add_arguments(parser) -> None:
    parser.add_argument("site", nargs="?", default=".", help="站点目录（默认：当前目录）")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="输出格式：text 或 json（供 CI 工具使用）"
    )


def run(args) -> int:
    site, reports, findings = check_site(Path(args.site))
    findings.sort(key=lambda f: (f.position.path, f.position.line, f.position.column, f.rule))
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
