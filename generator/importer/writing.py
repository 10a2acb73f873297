"""Writing what was imported into the site: the report file (or a workbook's tables into the report file
already there), the office's office.yaml with its kind guessed from its name, the reports' JSON Schema,
and reading the written file back through every rule.

The library never prints: problems are raised as GongkaiError (findings), everything else is returned
for `gongkai import` to tell. May import the model, the readers and the checks, files.py, and the
scaffold and schema writers (which use only the model).
"""

from __future__ import annotations

from pathlib import Path

from ..check import load_report
from ..check.rules import check_report
from ..model.findings import Finding, GongkaiError, Position, error
from ..model.offices import kind_of_name
from ..model.values import Report
from ..read.files import display_path, make_folder, write_generated, write_user_file
from ..read.scaffold import SCHEMA_FILE, quoted, report_text
from ..read.schema import schema_text
from ..read.site import read_office
from . import Imported

PLACEHOLDER_NAME = "【待填写】机关名称"


def office_name(folder: Path, imported: list[Imported]) -> str:
    """The office's current name: from office.yaml, else from the newest report's title ("" if none)."""
    if (folder / "office.yaml").exists():
        office, findings = read_office(folder)
        if office is None:
            raise GongkaiError(findings)
        return office.name
    titled = sorted((i for i in imported if i.office_name), key=lambda i: i.year or 0)
    return titled[-1].office_name if titled else ""


def office_text(name: str) -> str:
    """A new office.yaml for an office known only by the name in its reports' titles."""
    kind = kind_of_name(name)
    lines = ["# 机关信息（由 gongkai import 根据报告标题创建，请核对）", f"name: {name or PLACEHOLDER_NAME}"]
    lines.append(f"kind: {kind}" if kind else "# kind: 乡镇街道  # 政府、部门、乡镇街道或其他")
    lines += ["# full_name: 机关全称", "# parent: 上级机关目录名", "# contact:", "#   phone: 电话", "#   website: 网址"]
    return "\n".join(lines) + "\n"


def report_file_text(imported: Imported, target: Path, current_name: str, office: str, force: bool) -> str:
    """The report file to write for an import: the whole report, or a workbook's tables with everything
    else of the report file already at `target` kept (GongkaiError when it is there without `force`, or
    has errors)."""
    name = imported.office_name
    if imported.tables_only:
        return _tables_into(target, imported, current_name or name or PLACEHOLDER_NAME, office, force)
    return report_text(
        imported.format,
        current_name or name or PLACEHOLDER_NAME,
        imported.year,
        values=imported.values,
        texts=imported.texts,
        free_tables=imported.free_tables,
        headline=imported.headline,
        published=imported.published,
        office_name_for_year=name if current_name and name and name != current_name else None,
        source_url=imported.source_url or None,
        header_note=_note(imported),
    )


def write_report(site: Path, folder: Path, target: Path, text: str, force: bool) -> None:
    """Write the report file, in the office's folder (made if need be); over an existing one only with `force`."""
    make_folder(folder, site)  # the office's folder, which the command is asked to make
    write_user_file(target, text, force=force)


def complete_office(site: Path, folder: Path, current_name: str) -> Path | None:
    """After a report is written: the office's office.yaml when it has none (returned when made), and the
    site's report schema."""
    made = None
    if not (folder / "office.yaml").exists():
        made = folder / "office.yaml"
        write_user_file(made, office_text(current_name))
    write_generated(site / "content" / SCHEMA_FILE, schema_text())
    return made


def check_written(target: Path, folder: Path, office: str, year: int) -> list[Finding]:
    """The written file read back with every rule applied (against last year's report when there is
    one), sorted by position."""
    report, findings = load_report(target, display_path(target), office)
    if report is not None:
        previous_file = folder / f"{year - 1}.yaml"
        previous: Report | None = None
        if previous_file.exists():
            previous, _ = load_report(previous_file, display_path(previous_file), office)
        findings = findings + check_report(report, previous)
    findings.sort(key=lambda f: (f.position, f.rule))
    return findings


def _tables_into(target: Path, imported: Imported, name: str, office: str, force: bool) -> str:
    """A workbook's tables with everything else of the report file as it is (its text, dates, draft mark,
    revisions); without a report file, a draft with the narrative to write, as `gongkai new` makes it."""
    if not target.exists():
        return report_text(imported.format, name, imported.year, values=imported.values, draft=True)
    if not force:
        write_user_file(target, "")  # refuses, with the message to use --force
    existing, findings = load_report(target, display_path(target), office)
    if existing is None:
        raise GongkaiError([*findings, error(Position(display_path(target)), "现有报告文件有错误，未写入；请先改正")])
    text = report_text(
        imported.format,
        name,
        imported.year,
        values=imported.values,
        texts=dict(existing.texts),
        free_tables=existing.free_tables,
        headline=existing.headline,
        published=existing.published,
        office_name_for_year=existing.office_name if existing.office_name != name else None,
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
