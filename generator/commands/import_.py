"""`gongkai import FILE... --office SLUG`: published reports (text, HTML, .docx, PDF) into report files.

Every file is read and matched first; then the reports are written in year order (each checked
against the year before), and a summary table ends the output.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..importer import SUFFIXES, Imported, import_file
from ..importer.writing import (
    PLACEHOLDER_NAME,
    check_written,
    complete_office,
    office_name,
    report_file_text,
    write_report,
)
from ..model.findings import Finding, GongkaiError, Position, error, summary_counts
from ..model.format import all_formats
from ..read.files import display_path
from ..read.site import SLUG
from ..read.source import excerpt


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments."""
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="要导入的文件或文件夹（.txt、.html、.htm、.docx、.pdf、.xlsx）"
    )
    parser.add_argument("--office", required=True, help="机关目录名（slug），如 hehualu")
    parser.add_argument("--year", type=int, help="报告年度（默认：从标题中识别；只能用于单个文件）")
    parser.add_argument(
        "--format",
        dest="format_id",
        default="auto",
        choices=["auto", *all_formats()],
        help="报告格式版本（默认 auto：按表格标签和年度识别）",
    )
    parser.add_argument("--force", action="store_true", help="覆盖已存在的报告文件")
    parser.add_argument("--partial", action="store_true", help="有数值未能对应时仍写入能导入的部分（缺少的格写 0）")
    parser.add_argument("--site", default=".", help="站点目录（默认：当前目录）")


@dataclass
class SourceOutcome:
    """One source file's row of the summary."""

    source: str
    imported: Imported | None = None
    status: str = "未写入"
    rule_errors: int = 0
    ok: bool = False


def _usage(message: str) -> int:
    print(f"gongkai import: 错误：{message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Import the files; 0 when every file was written, 1 when some were not, 2 for a usage error."""
    if not SLUG.match(args.office):
        return _usage(f"机关目录名“{args.office}”不合规：只能用小写字母、数字和连字符，如 hehualu")
    if args.year is not None and not 1990 <= args.year <= 2100:
        return _usage(f"年度 {args.year} 无效，请写四位数字的年份，如 2023")
    site = Path(args.site)
    if not (site / "site.yaml").exists():
        raise GongkaiError(
            f"{display_path(site / 'site.yaml')}: 找不到 site.yaml：请在站点目录中运行，或用 --site 指定站点目录"
        )
    sources, outcomes = _sources(args.files)
    if args.year is not None and len(sources) > 1:
        return _usage("--year 只能用于导入单个文件；导入多个文件时年度从各自的标题中识别")

    for file in sources:
        outcome = SourceOutcome(display_path(file))
        outcomes.append(outcome)
        try:
            outcome.imported = import_file(file, outcome.source, args.format_id, args.year)
        except GongkaiError as exc:
            _print(exc.findings)
            outcome.status = "无法读取"
        except Exception as exc:  # noqa: BLE001 - whatever a broken file makes a reader raise: the batch goes on
            problem = excerpt(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            print(f"{outcome.source}: error: 无法读取这个文件（{problem}）；请确认文件完好、类型与扩展名相符")
            outcome.status = "无法读取"

    folder = site / "content" / args.office
    current_name = office_name(folder, [o.imported for o in outcomes if o.imported])
    written: dict[int, str] = {}
    for outcome in sorted((o for o in outcomes if o.imported), key=lambda o: (o.imported.year or 0, outcomes.index(o))):
        _write(outcome, args, site, folder, current_name, written)
    _summary(outcomes)
    return 0 if outcomes and all(o.ok for o in outcomes) else 1


def _sources(arguments: list[str]) -> tuple[list[Path], list[SourceOutcome]]:
    """The files to import: each file named, and the importable files of each folder named (sorted)."""
    files: list[Path] = []
    failed: list[SourceOutcome] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found = sorted(
                p
                for p in path.iterdir()
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not p.name.startswith((".", "~$"))  # ~$: Office's lock files
            )
            if not found:
                print(
                    f"{display_path(path)}: error: 文件夹中没有可导入的文件（.txt、.html、.htm、.docx、.pdf、.xlsx）",
                    file=sys.stderr,
                )
                failed.append(SourceOutcome(display_path(path), status="无文件"))
            files += found
        elif path.is_file():
            files.append(path)
        else:
            print(f"{display_path(path)}: error: 找不到这个文件", file=sys.stderr)
            failed.append(SourceOutcome(display_path(path), status="找不到"))
    return files, failed


def _write(
    outcome: SourceOutcome,
    args: argparse.Namespace,
    site: Path,
    folder: Path,
    current_name: str,
    written: dict[int, str],
) -> None:
    imported = outcome.imported
    _print(sorted(imported.findings, key=lambda f: f.position))
    year = imported.year
    if year is None:
        outcome.status = "无年度"
        return
    if year in written:
        _print(
            [
                error(
                    Position(outcome.source),
                    f"与 {written[year]} 是同一年度（{year}），未写入；请分开导入或用 --year 指定",
                )
            ]
        )
        outcome.status = "年度重复"
        return
    problems = imported.unplaced + len(imported.missing)
    if problems and not args.partial:
        print(
            f"{outcome.source}: 未写入：{problems} 个数值未能对应（见上）；请核对原文后重试，"
            "或加 --partial 写入已导入的部分（缺少的格写 0）"
        )
        return
    target = folder / f"{year}.yaml"
    try:
        text = report_file_text(imported, target, current_name, args.office, args.force)
        write_report(site, folder, target, text, args.force)
    except GongkaiError as exc:
        _print(exc.findings)
        outcome.status = "已存在"
        return
    written[year] = outcome.source
    office_file = complete_office(site, folder, current_name)
    if office_file is not None:
        print(f"已创建 {display_path(office_file)}（机关名称：{current_name or PLACEHOLDER_NAME}，请核对）")
    outcome.status = "已写入（部分）" if problems else "已写入"
    outcome.ok = True
    print(
        f"已写入 {display_path(target)}：{imported.format.title.zh}，导入 {imported.placed} 个数值"
        + (f"，计算 {len(imported.computed)} 个总计" if imported.computed else "")
        + (f"，{problems} 个未能对应（已写 0）" if problems else "")
    )
    findings = check_written(target, folder, args.office, year)
    _print(findings)
    errors, _ = summary_counts(findings)
    if findings:
        print(f"检查 {display_path(target)}：{errors} 个错误，{len(findings) - errors} 个警告（原文如此，已照录）")
    outcome.rule_errors = errors


def _print(findings: list[Finding]) -> None:
    for finding in findings:
        print(finding)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _summary(outcomes: list[SourceOutcome]) -> None:
    header = ("文件", "年度", "格式", "已导入", "未对应", "规则错误", "结果")
    rows = [header]
    for o in outcomes:
        i = o.imported
        if i is None:
            rows.append((o.source, "", "", "", "", "", o.status))
            continue
        rows.append(
            (
                o.source,
                str(i.year or ""),
                i.format.id,
                str(i.placed),
                str(i.unplaced + len(i.missing)),
                str(o.rule_errors),
                o.status,
            )
        )
    widths = [max(_width(row[k]) for row in rows) for k in range(len(header))]
    print()
    for number, row in enumerate(rows):
        print("  ".join(cell + " " * (widths[k] - _width(cell)) for k, cell in enumerate(row)).rstrip())
        if number == 0:
            print("  ".join("-" * w for w in widths))
    written = sum(1 for o in outcomes if o.ok)
    print(f"共 {len(outcomes)} 个文件，写入 {written} 份报告")
