"""Writing new report files from a format definition (`gongkai new`) and report values (`import`).

Everything it writes comes from the format's data: sections, hints, tables, labels. Uses only the
model (format, report values, number formatting).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from ..model.format import Block, Format, Row
from ..model.numbers import format_number
from ..model.values import PLACEHOLDER, FreeTable, Number, cell_key

SCHEMA_FILE = "report.schema.json"  # written into content/, referenced from every report file


def quoted(text: str) -> str:
    """A text as a double-quoted YAML scalar."""
    return json.dumps(text, ensure_ascii=False)


def block_text(text: str, indent: str = "  ") -> str:
    """A Markdown text as a YAML literal block (keeps line breaks exactly)."""
    text = text.strip("\n")
    if not text:
        return '""'
    lines = [indent + line if line.strip() else "" for line in text.split("\n")]
    return "|-\n" + "\n".join(lines)


def report_text(
    fmt: Format,
    office_name: str,
    year: int,
    *,
    values: dict[str, Number] | None = None,
    texts: dict[str, str] | None = None,
    published: date | None = None,
    source_url: str | None = None,
    office_name_for_year: str | None = None,
    schema_ref: str = f"../{SCHEMA_FILE}",
    header_note: str = "",
    free_tables: tuple[FreeTable, ...] = (),
    headline: dict[str, Number] | None = None,
    draft: bool = False,
) -> str:
    """A complete report file. Without values and texts: a scaffold with zeros and placeholders.
    `draft`: marked as a draft, which is not published until the mark is removed."""
    values = values or {}
    scaffold = texts is None
    texts = texts if texts is not None else {}
    out = [
        f"# yaml-language-server: $schema={schema_ref}",
        f"# {office_name} {year} 年政府信息公开工作年度报告",
        f"# 格式：{fmt.title.zh}。{'表格中的数字没有就写 0；' if fmt.tables else ''}文字部分用 Markdown 书写（空一行分段，“## ”开头为小标题）。",
    ]
    if header_note:
        out += [f"# {line}" for line in header_note.splitlines()]
    if draft:
        out += ["# 草稿：这份报告不会发布。填写完成后删去下面这一行（或改为 draft: false）即可发布。", "draft: true"]
    out += [f'format: "{fmt.id}"', f"year: {year}"]
    if published:
        out.append(f"published: {published.isoformat()}  # 发布日期")
    else:
        out.append(f"# published: {year + 1}-01-20  # 发布日期：发布时填写")
    if office_name_for_year:
        out.append(f"office_name: {quoted(office_name_for_year)}  # 当年的机关名称（与现名不同时填写）")
    if source_url:
        out.append(f"source_url: {quoted(source_url)}  # 原文地址")
    for section in fmt.sections:
        if section.kind == "narrative":
            text = texts.get(section.id, "")
            if scaffold:  # the format's hint; a section that must be written starts with the placeholder
                hint = section.hint.format(year=year)
                text = hint if section.optional else PLACEHOLDER + hint
            if not text and section.optional:
                continue
            out += ["", f"# {section.heading}", f"{section.id}: {block_text(text)}"]
        elif section.kind == "free_tables":
            out += [
                "",
                f"# {section.heading}（可选）：每个表格写标题、表头行和数据行",
                *_free_table_lines(section.id, free_tables),
            ]
        else:
            out += ["", f"# {section.heading}", *_table_lines(fmt, section.id, values, texts)]
    if fmt.supplied_headlines:
        out += ["", "# 主要数字（可选，填写后显示在机关页和年度页上；没有的项删去）"]
        if headline:
            out.append("headline:")
            out += [f"  {h.id}: {headline[h.id]}  # {h.label.zh}" for h in fmt.headlines if h.id in headline]
        else:
            out.append("# headline:")
            out += [f"#   {h.id}: 0  # {h.label.zh}" for h in fmt.headlines]
    return "\n".join(out) + "\n"


def _table_lines(fmt: Format, table_id: str, values: dict[str, Number], texts: dict[str, str]) -> list[str]:
    table = fmt.tables[table_id]
    lines = [f"{table_id}:"]
    intro = texts.get(f"{table_id}.intro", "")
    if intro:
        lines.append(f"  intro: {block_text(intro, '    ')}")
    for block in table.blocks:
        columns = block.leaf_columns
        names = [c.label.zh + ("（可省略，自动计算）" if c.may_omit else "") for c in columns]
        heading = f"{block.label.zh}：" if block.label else ""
        lines.append(f"  # {heading}{'每行依次为 ' if len(columns) > 1 else '数值为 '}{'、'.join(names)}")
        for row in block.leaf_rows:
            cells = [values.get(cell_key(table_id, row.id, c.id), 0) for c in columns]
            shown = [_number(v) for v in cells]
            value = shown[0] if len(shown) == 1 else "[" + ", ".join(shown) + "]"
            lines.append(f"  {row.id}: {value}  # {_row_path(block, row.id)}")
    return lines


def _free_table_lines(key: str, tables: tuple[FreeTable, ...]) -> list[str]:
    if not tables:
        return [
            f"# {key}:",
            "#   - caption: 2015年政府信息公开申请办理情况",
            "#     header: [[项目, 数量]]",
            "#     rows: [[收到申请, 0], [予以公开, 0]]",
        ]
    lines = [f"{key}:"]
    for table in tables:
        lines.append(f"  - caption: {quoted(table.caption)}")
        lines.append("    header:")
        lines += ["      - [" + ", ".join(quoted(c) for c in row) + "]" for row in table.header]
        lines.append("    rows:")
        lines += ["      - [" + ", ".join(quoted(c) for c in row) + "]" for row in table.rows]
    return lines


def _number(value: Number) -> str:
    return format_number(value) if isinstance(value, Decimal) else str(value)


def _row_path(block: Block, row_id: str) -> str:
    """The row's label with its group labels, e.g. 三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密."""

    def walk(rows: tuple[Row, ...], trail: list[str]) -> list[str] | None:
        for row in rows:
            here = trail + [row.label.zh]
            if row.id == row_id:
                return here
            found = walk(row.rows, here)
            if found:
                return found
        return None

    return " / ".join(walk(block.rows, []) or [row_id])
