"""The report's text: its title, where each section starts, the narrative as Markdown, the dates it states.

Sections are found by their headings (「一、总体情况」 … 「六、其他需要报告的事项」, as the format names
them, tolerant to spacing, numbering and wording variants) in the order of the form; text after the
title and before 一 is the preface.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher

from ..model.format import Format, Section
from ..model.numbers import read_number
from .document import Document, Line
from .labels import normalise

TITLE_PARTS = re.compile(
    r"^(?P<before>.*?)(?P<year>(?:19|20)\d\d)年度?(?P<after>.*?)政(?:府信息|务)公开(?:工作)?的?(?:年度)?报告"
)
MAX_TITLE = 60
SECTION_NUMBER = re.compile(r"^第?(?P<number>[一二三四五六七八九十]+)(?:部分)?[、.,:]?")
SUBHEADING = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")
SENTENCE_PUNCTUATION = re.compile(r"[。；;，,：:！？!?]")
MAX_HEADING = 40  # characters; a longer line is a paragraph even if it starts like a heading
MAX_SUBHEADING = 30
TABLE_OF_CONTENTS = 3  # consecutive headings with nothing between them

_DATE_NUMBER = r"\d{1,4}|[〇零○一二三四五六七八九十]{1,4}"
DATE = re.compile(
    rf"(?P<year>(?:19|20)\d\d|[〇零○一二三四五六七八九]{{4}})\s*(?:年|-|/|\.)\s*(?P<month>{_DATE_NUMBER})\s*(?:月|-|/|\.)"
    rf"\s*(?P<day>{_DATE_NUMBER})\s*日?"
)
LABELLED_DATE = re.compile(r"(?:发布|公开|成文|印发)(?:日期|时间)\s*[:：]?\s*")


def parse_date(text: str, whole: bool = False) -> date | None:
    """The first date in a text (2024-01-19, 2024年1月19日, 二〇二四年一月十九日); `whole`: the text is only a date."""
    text = text.strip()
    match = DATE.fullmatch(text) if whole else DATE.search(text)
    if not match:
        return None
    parts = [read_number(match.group(k)) for k in ("year", "month", "day")]
    if None in parts:
        return None
    try:
        return date(*parts)
    except ValueError:
        return None


def labelled_date(text: str) -> date | None:
    """A date given as 「发布日期：2024-01-19」 (or 发布时间, 成文日期)."""
    for match in LABELLED_DATE.finditer(text):
        found = parse_date(DATE.match(text, match.end()).group(0)) if DATE.match(text, match.end()) else None
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class Title:
    """A report's title, with the year and office name read from it."""

    text: str
    year: int | None
    office_name: str


def read_title(text: str) -> Title | None:
    """The year and office name in a title like 「荷花路街道办事处 2023 年政府信息公开工作年度 报告」."""
    plain = normalise(text)
    match = TITLE_PARTS.search(plain)
    if not match or len(plain) > MAX_TITLE:
        return None
    name = match.group("before") or match.group("after")
    name = re.sub(r"(关于|的|发布)$", "", name)
    return Title(text.strip(), int(match.group("year")), name)


def _similar(found: str, label: str) -> bool:
    if found == label:
        return True
    if label in found and len(found) <= len(label) + 12:
        return True
    if found in label and len(found) >= 4 and len(found) >= len(label) / 2:
        return True
    return SequenceMatcher(None, found, label, autojunk=False).ratio() >= 0.6


def heading_of(text: str, sections: list[Section]) -> Section | None:
    """The section this line is the heading of, e.g. 「四、 政府信息公开行政复议、行政诉讼情况」."""
    plain = normalise(text).rstrip(":。.")
    if not plain or len(plain) > MAX_HEADING:
        return None
    numbered = SECTION_NUMBER.match(plain)
    for section in sections:
        label = normalise(section.label.zh)
        if numbered and numbered.group("number") == section.number:
            if _similar(plain[numbered.end() :], label):
                return section
        elif plain == label:
            return section
    return None


@dataclass
class DocumentLayout:
    """Where the parts of the report are among the document's lines."""

    title: Title | None = None
    headings: dict[str, Line] = field(default_factory=dict)  # section id -> its heading line
    regions: dict[str, list[Line]] = field(default_factory=dict)  # section id -> the lines under it
    aside: list[Line] = field(default_factory=list)  # headings of boxes left out before the first section


def _untitled(lines: list[Line], start: int, end: int, layout: DocumentLayout) -> list[Line]:
    """The preface: the text before the first section, without boxes that carry their own heading
    (a page's notice or summary box, enclosed with its heading in an element of its own)."""
    kept: list[Line] = []
    index = start
    while index < end:
        line = lines[index]
        if line.heading and line.scope:
            box_end = _enclosed_end(lines, index, end, set(range(start, index)) | {end})
            if box_end is not None:
                layout.aside.append(line)
                index = box_end
                continue
        kept.append(line)
        index += 1
    return kept


def _headings(lines: list[Line], sections: list[Section]) -> list[tuple[int, Section]]:
    """The section headings in the form's order. A run of headings with nothing between them is a table
    of contents, not the report's headings."""
    candidates = [heading_of(line.texts[0], sections) if len(line.texts) == 1 else None for line in lines]
    contents = set()
    index = 0
    while index < len(lines):
        end = index
        while end < len(lines) and candidates[end] is not None:
            end += 1
        if end - index >= TABLE_OF_CONTENTS:
            contents.update(range(index, end))
        index = end + 1
    order = {s.id: k for k, s in enumerate(sections)}
    found: list[tuple[int, Section]] = []
    next_section = 0
    for index, line in enumerate(lines):
        if index in contents or len(line.texts) != 1:
            continue
        section = heading_of(line.texts[0], sections[next_section:])
        if section is not None:
            found.append((index, section))
            next_section = order[section.id] + 1
    return found


def _enclosed_end(lines: list[Line], index: int, end: int, outside: set[int]) -> int | None:
    """Where the content starting at lines[index] ends when the source encloses it in an element (HTML
    <section>, <div>): at the end of the largest element around it that holds none of the lines at the
    `outside` positions (and no further than `end`). None when no element encloses more than this line."""
    scope = lines[index].scope
    enclosing = None
    for element in scope:
        if any(element in lines[other].scope for other in outside if 0 <= other < len(lines)):
            break
        enclosing = element
    if enclosing is None:
        return None
    last = index
    for following in range(index + 1, end):
        if enclosing not in lines[following].scope:
            break
        last = following
    return last + 1 if last > index else None


def lay_out(fmt: Format, document: Document) -> DocumentLayout:
    """Find the title and the section headings, and give every line after the title to a section."""
    lines = list(document.lines)
    # numbered sections by their headings; a section without a number only by its exact name (前言, 附表)
    found = _headings(lines, [s for s in fmt.sections if s.number or s.kind != "table"])

    layout = DocumentLayout()
    body_start = 0
    first_heading = found[0][0] if found else len(lines)
    for index, line in enumerate(lines[:first_heading]):
        title = read_title(line.text)
        if title is not None:
            layout.title = title
            body_start = index + 1
            break
    if layout.title is None and document.title:
        layout.title = read_title(document.title)

    # the text before the first heading: the preface, or in a free-form format the report's whole text
    unnumbered = [s for s in fmt.sections if not s.number and s.kind == "narrative"]
    lead = next((s for s in unnumbered if s.optional), None) or next(iter(unnumbered), None)
    if lead is not None:
        layout.regions[lead.id] = _untitled(lines, body_start, first_heading, layout)
    positions = {index for index, _ in found}
    for number, (index, section) in enumerate(found):
        end = found[number + 1][0] if number + 1 < len(found) else len(lines)
        end = _enclosed_end(lines, index, end, (positions - {index}) | {index - 1}) or end
        layout.headings[section.id] = lines[index]
        region = lines[index + 1 : end]
        # a table's caption or a running head repeating the section's heading is not its content
        layout.regions[section.id] = [
            line for line in region if not (len(line.texts) == 1 and heading_of(line.texts[0], [section]))
        ]
    return layout


@dataclass(frozen=True)
class TextTable:
    """A table of text (a free-form report's 附表): caption, header rows, body rows, all as wide."""

    caption: str
    header: tuple[tuple[str, ...], ...]
    rows: tuple[tuple[str, ...], ...]


def text_tables(lines: list[Line]) -> tuple[list[TextTable], list[Line]]:
    """The tables among these lines as tables of text (with their captions), and the lines left."""
    tables: list[TextTable] = []
    rest: list[Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.table:
            rest.append(line)
            index += 1
            continue
        rows = []
        while index < len(lines) and lines[index].table == line.table:
            rows.append(lines[index])
            index += 1
        caption = ""
        if rest and (rest[-1].role == "caption" or _is_caption(rest[-1].text)):
            caption = rest.pop().text
        width = max(len(r.cells) for r in rows)
        grid = [
            tuple(("" if c.copy else " ".join(c.text.split())) for c in r.cells) + ("",) * (width - len(r.cells))
            for r in rows
        ]
        heads = 0
        while heads < len(rows) and rows[heads].role == "head":
            heads += 1
        heads = min(max(heads, 1), len(grid))  # without marked header rows, the first row is the header
        tables.append(TextTable(caption or f"附表{len(tables) + 1}", tuple(grid[:heads]), tuple(grid[heads:])))
    return tables, rest


def _is_caption(text: str) -> bool:
    return len(text) <= 40 and "表" in text and not SENTENCE_PUNCTUATION.search(text[-1:])


def is_subheading(line: Line) -> bool:
    """Whether a line of a narrative is a sub-heading (marked as a heading, or numbered and short)."""
    text = line.text.strip()
    if not text or SENTENCE_PUNCTUATION.search(text[-1]) or "。" in text:
        return False
    if line.heading:
        return len(text) <= MAX_HEADING
    return bool(SUBHEADING.match(text)) and len(text) <= MAX_SUBHEADING


_ESCAPE = str.maketrans({"\\": "\\\\", "*": "\\*", "_": "\\_", "`": "\\`"})
_LINE_START = re.compile(r"^(#|>|[-+] |\d+[.)] )")


def escape(text: str, line_start: bool = True) -> str:
    """Plain text as Markdown that renders as the same text (no emphasis, list or heading by accident).
    `line_start`: the text begins a line (where `# `, `- `, `1. ` would open a heading or a list)."""
    text = text.translate(_ESCAPE)
    text = re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)
    match = _LINE_START.match(text) if line_start else None
    if match:
        mark = match.group(1)
        text = ("\\" + mark if not mark[0].isdigit() else mark[:-2] + "\\" + mark[-2:]) + text[len(mark) :]
    return text


def pipe_table(rows: list[Line]) -> str:
    """A table found among the narrative, as a Markdown table (merged cells repeat as empty cells)."""
    width = max(len(r.cells) for r in rows)
    out = []
    for number, row in enumerate(rows):
        cells = ["" if c.copy else escape(" ".join(c.text.split())).replace("|", "\\|") for c in row.cells]
        cells += [""] * (width - len(cells))
        out.append("| " + " | ".join(cells) + " |")
        if number == 0:
            out.append("|" + "---|" * width)
    return "\n".join(out)


def markdown(lines: list[Line], kind: str) -> str:
    """The lines of a narrative section as Markdown: a paragraph per line, sub-headings as `## `."""
    blocks: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.table and kind != "text":
            rows = []
            while index < len(lines) and lines[index].table == line.table:
                rows.append(lines[index])
                index += 1
            blocks.append(pipe_table(rows))
            continue
        index += 1
        text = line.text.strip()
        if not text:
            continue
        if line.item:  # a list: its items in consecutive lines, numbered items counted
            items = []
            numbers: dict[int, int] = {}
            while True:
                kind, level = line.item.split()
                depth = int(level) - 1
                numbers = {d: n for d, n in numbers.items() if d <= depth}
                numbers[depth] = numbers.get(depth, 0) + 1
                mark = f"{numbers[depth]}. " if kind == "number" else "- "
                items.append("    " * depth + mark + _line_markdown(line))  # Markdown nests by 4
                if index >= len(lines) or not lines[index].item or lines[index].table:
                    break
                line = lines[index]
                index += 1
            blocks.append("\n".join(items))
            continue
        blocks.append(f"## {_line_markdown(line)}" if is_subheading(line) else _line_markdown(line))
    return "\n\n".join(blocks)


def _line_markdown(line: Line) -> str:
    """A paragraph's text as Markdown: as its source marked it up, else its plain text escaped."""
    return line.markdown or escape(line.text.strip())
