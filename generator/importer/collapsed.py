"""Text whose line breaks and spaces were lost: the whole report on one line, labels and numbers fused.

Reports copied from some portals arrive as 「…规章007规范性文件7777166第二十条第（五）项…」. Such a line is
cut back into lines before the labels of the formats: the section headings wherever they are, and the
labels of the tables (rows, columns, blocks) between the first and the last table's heading. A label's
numbering is part of it (「1.属于国家秘密」), so the digits before it stay with the row before. The
numbers fused to a label are then split by the form's arithmetic like any fused row (split.py).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from ..model.findings import Position, warning
from ..model.format import all_formats, label_aliases
from .document import Document, Line

LONG = 300  # characters: a line this long holding two section headings is a collapsed report
TITLE_END = re.compile(r"政府信息公开工作年度报告")
_SAME = {
    "（": "[（(]", "(": "[（(]", "）": "[）)]", ")": "[）)]", "、": "[、.．,，]", ".": "[.．、]",
    "“": "[“\"]?", "”": "[”\"]?", "，": "[，,]", "：": "[：:]",
}  # fmt: skip


def _pattern(label: str) -> str:
    """A label as it may be written in running text: full- or half-width brackets, 「1、」 for 「1.」."""
    return "".join(_SAME.get(ch, re.escape(ch)) for ch in label)


def _alternation(labels: set[str]) -> re.Pattern:
    ordered = sorted(labels, key=lambda label: (-len(label), label))  # the longest label at a place wins
    return re.compile("|".join(_pattern(label) for label in ordered))


@cache
def _markers() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """The section headings, those of the tables, and every label of the formats' tables (with the
    known variants)."""
    headings: set[str] = set()
    tables: set[str] = set()
    labels: set[str] = set()
    for fmt in all_formats().values():
        for section in fmt.sections:
            if section.number:
                headings.add(section.heading)
            if section.number and section.kind == "table":
                tables.add(section.heading)
        for table in fmt.tables.values():
            for block in table.blocks:
                for label in (block.label, block.corner, block.row_header):
                    if label is not None:
                        labels.add(label.zh)
                stack = list(block.rows)
                while stack:
                    row = stack.pop()
                    labels.add(row.label.zh)
                    stack.extend(row.rows)
                stack = list(block.columns)
                while stack:
                    column = stack.pop()
                    labels.add(column.label.zh)
                    stack.extend(column.columns)
    labels |= {alias for alias, official in label_aliases() if any(official in label for label in labels)}
    return _alternation(headings), _alternation(tables), _alternation(labels - headings)


def is_collapsed(text: str) -> bool:
    """Whether a line is a whole report run together: long, with at least two section headings."""
    headings, _, _ = _markers()
    return len(text) >= LONG and len({m.group() for m in headings.finditer(text)}) >= 2


def unfold(document: Document) -> Document:
    """The document with each collapsed line cut into lines at the section headings and table labels."""
    if not any(len(line.cells) == 1 and is_collapsed(line.text) for line in document.lines):
        return document
    lines: list[Line] = []
    findings = list(document.findings)
    for line in document.lines:
        cell = line.cells[0]
        if len(line.cells) != 1 or not is_collapsed(cell.text):
            lines.append(line)
            continue
        cuts = _cuts(cell.text)
        findings.append(
            warning(
                cell.position,
                f"这一行是整篇报告连在一起的文字（{len(cell.text)} 字），已按章节标题和表格标签拆为 {len(cuts)} 段读取",
            )
        )
        for start, end in zip(cuts, cuts[1:] + [len(cell.text)]):
            piece = cell.text[start:end].strip()
            if piece:
                where = Position(cell.position.path, cell.position.line, cell.position.column + start)
                lines.append(Line((replace(cell, text=piece, position=where),)))
    return replace(document, lines=tuple(lines), findings=tuple(findings))


def _cuts(text: str) -> list[int]:
    """Where the lines begin: the text, each section heading, each table label between the first and
    the last table's heading and the next section's, and after a title at the start."""
    headings, tables, labels = _markers()
    cuts = {0}
    title = TITLE_END.search(text[:120])
    if title:
        cuts.add(title.end())
    found = list(headings.finditer(text))
    cuts |= {m.start() for m in found} | {m.end() for m in found}  # a heading is a line of its own
    inside = {at for m in found for at in range(m.start() + 1, m.end())}
    table_headings = [m for m in found if tables.fullmatch(m.group())]
    if table_headings:
        first = table_headings[0].end()
        after = [m.start() for m in found if m.start() > table_headings[-1].start()]
        last = after[0] if after else len(text)
        cuts |= {first + m.start() for m in labels.finditer(text[first:last])} - inside
    return sorted(cuts)
