"""Word files (.docx) read with python-docx: paragraphs with their heading styles, and real tables.

Merged cells are expanded over the table's grid: a horizontally merged cell (gridSpan) and the
continuation of a vertically merged one (vMerge) repeat the cell they belong to, marked as copies so
that a merged value is never counted twice.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import _Cell
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from lxml import etree

from ..model.findings import GongkaiError, Position, error
from ..read.source import excerpt
from ..render.wordstyles import (
    CAPTION_STYLE,
    EMPHASIS_STYLE,
    NOTICE_STYLE,
    QUOTE_STYLE,
    STRONG_EMPHASIS_STYLE,
    STRONG_STYLE,
)
from .document import Document, Line, SourceCell
from .narrative import escape

HEADING_STYLE = re.compile(r"(?:heading|标题)\s*(\d)", re.IGNORECASE)
LIST_STYLE = re.compile(r"List (Bullet|Number)(?: (\d))?")
_MARKS = {STRONG_STYLE: ("**",), EMPHASIS_STYLE: ("*",), STRONG_EMPHASIS_STYLE: ("**", "*")}
_BLANK = " \u3000\xa0\t"


def _heading(paragraph: Paragraph) -> int:
    name = paragraph.style.name if paragraph.style is not None else ""
    if name.lower() in ("title", "标题"):
        return 1
    match = HEADING_STYLE.search(name or "")
    return int(match.group(1)) if match else 0


def _paragraph_lines(paragraph: Paragraph, path: str, marks: dict[str, tuple[str, ...]]) -> list[Line]:
    name = paragraph.style.name if paragraph.style is not None else ""
    if name == NOTICE_STYLE:
        return []
    heading = _heading(paragraph)
    listed = LIST_STYLE.fullmatch(name or "")
    item = f"{listed.group(1).lower()} {listed.group(2) or 1}" if listed else ""
    role = "caption" if name in (CAPTION_STYLE, "题注") else ""
    parts = paragraph.text.split("\n")
    marked = _marked_parts(paragraph, marks) if marks else None
    if name in (QUOTE_STYLE, "引用"):
        marked = [
            "> " + (markup or escape(part.strip(_BLANK))) for part, markup in zip(parts, marked or [""] * len(parts))
        ]
    return [
        Line((SourceCell(part.strip(_BLANK), Position(path)),), heading=heading, item=item, role=role, markdown=markup)
        for part, markup in zip(parts, marked or [""] * len(parts), strict=True)
        if part.strip(_BLANK)
    ]


def _marked_parts(paragraph: Paragraph, marks: dict[str, tuple[str, ...]]) -> list[str] | None:
    """Each line of a paragraph with phrases in a character style of `marks` as Markdown, or None when
    it has none (or its runs do not add up to its text, which is then read as it is)."""
    lines: list[list[tuple[str, tuple[str, ...]]]] = [[]]
    found = False
    for run in paragraph.iter_inner_content():
        for piece in run.runs if isinstance(run, Hyperlink) else (run,):
            style = piece._r.style
            mark = marks.get(style, ()) if style else ()
            found = found or bool(mark and piece.text.strip(_BLANK))
            first, *rest = piece.text.split("\n")
            lines[-1].append((first, mark))
            lines += [[(text, mark)] for text in rest]
    if not found or "\n".join("".join(t for t, _ in line) for line in lines) != paragraph.text:
        return None
    return [_marked_markdown(line) for line in lines]


def _marked_markdown(pieces: list[tuple[str, tuple[str, ...]]]) -> str:
    """A line of text pieces, each with its marks (**, *), as Markdown: a mark's blanks stay outside it,
    marks open and close as the pieces change, and the plain text is escaped."""
    text = "".join(t for t, _ in pieces)
    start, end = len(text) - len(text.lstrip(_BLANK)), len(text.rstrip(_BLANK))
    chars = [(c, mark) for t, mark in pieces for c in t][start:end]
    alike: list[tuple[str, tuple[str, ...]]] = []  # runs of characters with the same marks
    for char, mark in chars:
        if alike and alike[-1][1] == mark:
            alike[-1] = (alike[-1][0] + char, mark)
        else:
            alike.append((char, mark))
    spans: list[tuple[str, tuple[str, ...]]] = []  # the same, the blanks at a mark's ends taken out of it
    for span, mark in alike:
        core = span.strip(_BLANK)
        if not mark or not core:
            spans.append((span, ()))
            continue
        before, after = span[: len(span) - len(span.lstrip(_BLANK))], span[len(span.rstrip(_BLANK)) :]
        spans += [(before, ()), (core, mark), (after, ())]
    spans = [(span, mark) for span, mark in spans if span]
    out: list[str] = []
    open_marks: list[str] = []
    for number, (span, mark) in enumerate(spans):
        kept = 0
        while kept < len(open_marks) and open_marks[kept] in mark:
            kept += 1
        out += reversed(open_marks[kept:])
        open_marks = open_marks[:kept] + [m for m in mark if m not in open_marks[:kept]]
        out += open_marks[kept:]
        out.append(escape(span, line_start=number == 0))
    out += reversed(open_marks)
    return "".join(out)


def _table_lines(tbl: BaseOxmlElement, parent: DocxDocument, number: int, path: str) -> list[Line]:
    grid: dict[tuple[int, int], SourceCell] = {}
    rows = list(tbl.iterchildren(qn("w:tr")))
    lines = []
    for row_number, tr in enumerate(rows):
        before = tr.find(qn("w:trPr") + "/" + qn("w:gridBefore"))
        repeated = tr.find(qn("w:trPr") + "/" + qn("w:tblHeader")) is not None  # Word's 重复标题行
        column = int(before.get(qn("w:val"), 0)) if before is not None else 0
        for cell_number, tc in enumerate(tr.iterchildren(qn("w:tc")), 1):
            span = tc.grid_span
            above = grid.get((row_number - 1, column))
            if tc.vMerge == "continue" and above is not None:
                cell = SourceCell(above.text, above.position, above.place, copy=True)
                cells = [cell] * span
            else:
                text = "\n".join(p.text for p in _Cell(tc, parent).paragraphs)
                text = "\n".join(" ".join(part.split()) for part in text.split("\n") if part.strip())
                place = f"第 {number} 个表格第 {row_number + 1} 行第 {cell_number} 格"
                first = SourceCell(text, Position(path), place)
                cells = [first] + [SourceCell(text, first.position, place, copy=True)] * (span - 1)
            for offset, cell in enumerate(cells):
                grid[(row_number, column + offset)] = cell
            column += span
        columns = [c for r, c in grid if r == row_number]
        if columns:
            hole = SourceCell("", Position(path), f"第 {number} 个表格第 {row_number + 1} 行", copy=True)
            cells = tuple(grid.get((row_number, c), hole) for c in range(max(columns) + 1))
            lines.append(Line(cells, table=number, role="head" if repeated else "", grid=True))
    return lines


def read_docx(data: bytes, path: str) -> Document:
    """A .docx file's paragraphs and tables as lines (read_docx_file: with any file it cannot read one line)."""
    try:
        document = docx.Document(BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise GongkaiError(
            error(
                Position(path),
                f"无法读取 Word 文件（{exc}）；请确认是 .docx 格式（旧的 .doc 请在 Word 中另存为 .docx）",
            )
        ) from None
    lines: list[Line] = []
    tables = 0
    marks = {
        style.style_id: _MARKS[style.name]
        for style in document.styles
        if style.type == WD_STYLE_TYPE.CHARACTER and style.name in _MARKS
    }

    def walk(container: BaseOxmlElement) -> None:
        nonlocal tables
        for child in container.iterchildren():
            if child.tag == qn("w:p"):
                lines.extend(_paragraph_lines(Paragraph(child, document), path, marks))
            elif child.tag == qn("w:sdt"):  # a content control around paragraphs or tables
                for content in child.iterchildren(qn("w:sdtContent")):
                    walk(content)
            elif child.tag == qn("w:tbl") and child.find(".//" + qn("w:tbl")) is not None:
                for cell in child.iter(qn("w:tc")):  # a layout table around the report: read its cells
                    if cell.getparent().getparent() is child:
                        walk(cell)
            elif child.tag == qn("w:tbl"):
                tables += 1
                lines.extend(_table_lines(child, document, tables, path))

    walk(document.element.body)
    title = (document.core_properties.title or "").strip()
    return Document(path=path, kind="docx", lines=tuple(lines), title=title)


MAX_UNPACKED_BYTES = 200 << 20  # what a .docx's parts may unpack to: a zip bomb is refused unread
# What a file that is no .docx python-docx can read raises, wherever the reading finds it out (some
# parts, such as the styles, are parsed only when first used).
_BROKEN = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, OpcError, etree.LxmlError, OSError,
           EOFError, zlib.error, NotImplementedError)  # fmt: skip


def read_docx_file(data: bytes, path: str) -> Document:
    """read_docx, with any file it cannot read (not a zip, a part missing, XML that does not parse, a
    zip bomb) a GongkaiError that says so in one line."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            message = f"Word 文件解压后超过 {MAX_UNPACKED_BYTES >> 20} MiB 的上限，未导入；请检查是否选错了文件"
            raise GongkaiError(error(Position(path), message))
        return read_docx(data, path)
    except _BROKEN as exc:
        raise GongkaiError(error(Position(path), _unreadable(exc))) from None


def _unreadable(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile):
        problem = "不是有效的 .docx 文件（不是 zip 压缩包，或已损坏）"
    elif isinstance(exc, etree.LxmlError):
        problem = f"文件中的 XML 已损坏（{excerpt(str(exc))}）"
    else:
        problem = f"文件已损坏（{excerpt(str(exc) or type(exc).__name__)}）"
    return f"无法读取 Word 文件：{problem}；请在 Word 中打开并另存为 .docx 后重试（旧的 .doc 也请另存为 .docx）"
