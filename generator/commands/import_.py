"""`gongkai import FILE... --office SLUG`: published reports (text, HTML, .docx, PDF) into report files.

Every file is read and matched first; then the reports are written in year order (each checked
against the year before), and a summary table ends the output.
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..check import load_report
from ..check.rules import check_report
from ..format import all_formats
from ..importer import SUFFIXES, Imported, import_file
from ..model.findings import Finding, GongkaiError, Position, error, summary_counts
from ..model.offices import kind_of_name
from ..model.values import Report
from ..read.files import make_folder, write_generated, write_user_file
from ..read.site import SLUG, display_path, read_office
from ..read.source import excerpt
from ..scaffold import SCHEMA_FILE, quoted, report_text
from ..schema import schema_text

PLACEHOLDER_NAME = "【待填写】机关名称"


def add_arguments(parser) -> None:
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
class Outcome:
    """One source file's row of the summary."""

    source: str
    imported: Imported | None = None
    status: str = "未写入"
    rule_errors: int = 0
    ok: bool = False


def _usage(message: str) -> int:
    print(f"gongkai import: 错误：{message}", file=sys.stderr)
    return 2


def run(args) -> int:
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
        outcome = Outcome(display_path(file))
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
    office_name = _office_name(folder, [o.imported for o in outcomes if o.imported])
    written: dict[int, str] = {}
    for outcome in sorted((o for o in outcomes if o.imported), key=lambda o: (o.imported.year or 0, outcomes.index(o))):
        _write(outcome, args, site, folder, office_name, written)
    _summary(outcomes)
    return 0 if outcomes and all(o.ok for o in outcomes) else 1


def _sources(arguments: list[str]) -> tuple[list[Path], list[Outcome]]:
    """The files to import: each file named, and the importable files of each folder named (sorted)."""
    files: list[Path] = []
    failed: list[Outcome] = []
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
                failed.append(Outcome(display_path(path), status="无文件"))
            files += found
        elif path.is_file():
            files.append(path)
        else:
            print(f"{display_path(path)}: error: 找不到这个文件", file=sys.stderr)
            failed.append(Outcome(display_path(path), status="找不到"))
    return files, failed


def _office_name(folder: Path, imported: list[Imported]) -> str:
    """The office's current name: from office.yaml, else from the newest report's title."""
    if (folder / "office.yaml").exists():
        office, findings = read_office(folder)
        if office is None:
            raise GongkaiError(findings)
        return office.name
    titled = sorted((i for i in imported if i.office_name), key=lambda i: i.year or 0)
    return titled[-1].office_name if titled else ""


def _office_text(name: str) -> str:
    kind = kind_of_name(name)
    lines = ["# 机关信息（由 gongkai import 根据报告标题创建，请核对）", f"name: {name or PLACEHOLDER_NAME}"]
    lines.append(f"kind: {kind}" if kind else "# kind: 乡镇街道  # 政府、部门、乡镇街道或其他")
    lines += ["# full_name: 机关全称", "# parent: 上级机关目录名", "# contact:", "#   phone: 电话", "#   website: 网址"]
    return "\n".join(lines) + "\n"


def _write(outcome: Outcome, args, site: Path, folder: Path, office_name: str, written: dict[int, str]) -> None:
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
    name = imported.office_name
    if imported.tables_only:
        try:
            text = _tables_into(target, imported, args, office_name or name or PLACEHOLDER_NAME)
        except GongkaiError as exc:
            _print(exc.findings)
            outcome.status = "已存在"
            return
    else:
        text = report_text(
            imported.format,
            office_name or name or PLACEHOLDER_NAME,
            year,
            values=imported.values,
            texts=imported.texts,
            free_tables=imported.free_tables,
            published=imported.published,
            office_name_for_year=name if office_name and name and name != office_name else None,
            source_url=imported.source_url or None,
            header_note=_note(imported),
        )
    try:
        make_folder(folder, site)  # the office's folder, which the command is asked to make
        write_user_file(target, text, force=args.force)
    except GongkaiError as exc:
        _print(exc.findings)
        outcome.status = "已存在"
        return
    written[year] = outcome.source
    if not (folder / "office.yaml").exists():
        write_user_file(folder / "office.yaml", _office_text(office_name))
        print(f"已创建 {display_path(folder / 'office.yaml')}（机关名称：{office_name or PLACEHOLDER_NAME}，请核对）")
    write_generated(site / "content" / SCHEMA_FILE, schema_text())
    outcome.status = "已写入（部分）" if problems else "已写入"
    outcome.ok = True
    print(
        f"已写入 {display_path(target)}：{imported.format.title.zh}，导入 {imported.placed} 个数值"
        + (f"，计算 {len(imported.computed)} 个总计" if imported.computed else "")
        + (f"，{problems} 个未能对应（已写 0）" if problems else "")
    )
    outcome.rule_errors = _check(target, year - 1, folder, args.office)


def _tables_into(target: Path, imported: Imported, args, office_name: str) -> str:
    """A workbook's tables with everything else of the report file as it is (its text, dates, draft mark,
    revisions); without a report file, a draft with the narrative to write, as `gongkai new` makes it."""
    if not target.exists():
        return report_text(imported.format, office_name, imported.year, values=imported.values, draft=True)
    if not args.force:
        write_user_file(target, "")  # refuses, with the message to use --force
    existing, findings = load_report(target, display_path(target), args.office)
    if existing is None:
        raise GongkaiError([*findings, error(Position(display_path(target)), "现有报告文件有错误，未写入；请先改正")])
    text = report_text(
        imported.format,
        office_name,
        imported.year,
        values=imported.values,
        texts=dict(existing.texts),
        free_tables=existing.free_tables,
        published=existing.published,
        office_name_for_year=existing.office_name if existing.office_name != office_name else None,
        source_url=existing.source_url,
        header_note=f"表格由 gongkai import 从 {imported.path} 导入；文字部分保持原样。",
        draft=existing.draft,
    )
    if existing.revisions:
        text += "\n# 修订记录\nrevisions:\n" + "".join(
            f"  - {{date: {quoted(r.date.isoformat())}, note: {quoted(r.note)}}}\n" for r in existing.revisions
        )
    return text


def _note(imported: Imported) -> str:
    lines = [f"由 gongkai import 从 {imported.path} 导入；表格数字与原文一致，原文违反勾稽关系之处保留原样。"]
    if imported.computed:
        lines.append("原文缺少的总计已按各项之和计算：" + "、".join(imported.computed))
    if imported.conversions:
        lines.append("按表中的单位换算（数字未舍入）：" + "；".join(imported.conversions))
    if imported.missing:
        lines.append("以下格在原文中没有找到，已写 0，请核对：" + "、".join(imported.missing))
    return "\n".join(lines)


def _check(target: Path, previous_year: int, folder: Path, office: str) -> int:
    """Read the written file back and apply every rule; prints the findings, returns the rule errors."""
    report, findings = load_report(target, display_path(target), office)
    if report is not None:
        previous_file = folder / f"{previous_year}.yaml"
        previous: Report | None = None
        if previous_file.exists():
            previous, _ = load_report(previous_file, display_path(previous_file), office)
        findings = findings + check_report(report, previous)
    findings.sort(key=lambda f: (f.position, f.rule))
    _print(findings)
    errors, _ = summary_counts(findings)
    if findings:
        print(f"检查 {display_path(target)}：{errors} 个错误，{len(findings) - errors} 个警告（原文如此，已照录）")
    return errors


def _print(findings: list[Finding]) -> None:
    for finding in findings:
        print(finding)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _summary(outcomes: list[Outcome]) -> None:
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
