"""PDF files read with pdfplumber: tables drawn with ruling lines as real cells, other text as lines.

A table found by its lines keeps its grid: a merged cell (one that spans columns or rows) is repeated
over the grid positions it covers, marked as a copy, as in HTML and Word files, and a label broken
over lines inside a cell is joined. Text outside such tables becomes lines by the words' positions:
words far apart on a line are separate cells (as in text copied from a PDF), page numbers in the
margins are left out. A PDF without a text layer (a scan) cannot be read without OCR.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING, Any

from ..model.findings import GongkaiError, Position, error, warning
from .document import Document, Line, SourceCell
from .text import split_cells

if TYPE_CHECKING:  # pdfplumber itself is imported when needed: the build never reads PDFs
    from pdfplumber.page import Page
    from pdfplumber.table import CellGroup, Table

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
PAGE_NUMBER = re.compile(r"^(?:[-—–\s]*\d+[-—–\s]*|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$")
MARGIN = 0.08  # of the page's height: where page numbers and running heads are
RULED = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.、．])")  # a heading
SENTENCE_END = re.compile(r"[。：:；;！？!?]$")
LINE_GAP = 3  # points: words whose tops differ less are on one line

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points, as pdfplumber gives a cell's or table's


def join_lines(text: str) -> str:
    """A cell's lines as one text: no space between Chinese characters broken over lines."""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    joined = parts[0] if parts else ""
    for part in parts[1:]:
        joined += ("" if CJK.match(joined[-1:]) or CJK.match(part[:1]) else " ") + part
    return joined


@dataclass
class _Block:
    top: float
    lines: list[Line]


def read_pdf(data: bytes, path: str) -> Document:
    """A PDF's text layer read into lines (ruled tables as grids, other text by the words' positions), and its title."""
    import pdfplumber  # imported when needed: the build never reads PDFs

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its notes on fonts are not the user's business
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            lines, tables, findings = _read_pages(list(pdf.pages), path)
            title = str((pdf.metadata or {}).get("Title") or "").strip()
    except GongkaiError:
        raise
    except Exception:  # pdfminer raises many kinds of errors of its own on a damaged file
        raise GongkaiError(
            error(Position(path), "无法读取 PDF 文件：文件不完整或已损坏；请重新下载或从原文件另存为 PDF")
        ) from None
    return Document(path=path, kind="pdf", lines=_numbered(lines, tables), title=title, findings=tuple(findings))


def _read_pages(pages: list, path: str) -> tuple[list[Line], int, list]:
    if not any(page.chars for page in pages):
        raise GongkaiError(
            error(
                Position(path),
                "这个 PDF 文件没有文字层（是扫描的图片），无法读取其中的文字；需要先做文字识别（OCR），"
                "或找到报告的网页、Word 版本再导入",
            )
        )
    findings = []
    lines: list[Line] = []
    tables = 0
    for number, page in enumerate(pages, 1):
        if not page.chars:
            findings.append(warning(Position(path), f"第 {number} 页没有文字层（是扫描的图片），这一页未能读取"))
            continue
        blocks: list[_Block] = []
        found = _innermost(page.find_tables(RULED))
        for table in found:
            tables += 1
            blocks.append(_Block(table.bbox[1], _table_lines(page, table, tables, number, path)))
        blocks += _text_blocks(page, [t.bbox for t in found], number, path)
        blocks.sort(key=lambda b: b.top)
        for block in blocks:
            lines.extend(block.lines)
    return lines, tables, findings


def _numbered(lines: list[Line], tables: int) -> tuple[Line, ...]:
    """Runs of text lines of several cells numbered as tables (as text.py numbers them), after the ruled ones."""
    out = []
    previous = None
    for line in lines:
        if not line.grid and len(line.cells) > 1:
            if previous is None or previous.grid or len(previous.cells) < 2:
                tables += 1
            line = Line(line.cells, table=tables)
        out.append(line)
        previous = line
    return tuple(out)


def _innermost(tables: list) -> list:
    """The tables that hold no other table and have rows and columns: a box drawn around the text (a
    page's frame, shaded backgrounds) is layout, as HTML's layout tables are."""

    def inside(inner: Table, outer: Table) -> bool:
        a, b = inner.bbox, outer.bbox
        return inner is not outer and b[0] - 1 <= a[0] and b[1] - 1 <= a[1] and a[2] <= b[2] + 1 and a[3] <= b[3] + 1

    def grid(table: Table) -> bool:  # a frame around text has one row or one column
        return len(table.rows) > 1 and max(len(row.cells) for row in table.rows) > 1

    return [t for t in tables if grid(t) and not any(inside(other, t) for other in tables)]


def _table_lines(page: Page, table: Table, number: int, page_number: int, path: str) -> list[Line]:
    """A ruled table's rows with merged cells expanded over the grid, as html.grid_lines does."""
    rows = table.rows
    grid: dict[tuple[int, int], SourceCell] = {}
    boxes: dict[tuple[int, int], Box] = {}
    lines = []
    for r, row in enumerate(rows):
        for c, box in enumerate(row.cells):
            if box is None:
                continue
            text = join_lines(page.crop(box).extract_text() or "")
            place = f"第 {page_number} 页第 {number} 个表格第 {r + 1} 行第 {c + 1} 格"
            grid[(r, c)] = SourceCell(text, Position(path), place)
            boxes[(r, c)] = box
    width = max((len(row.cells) for row in rows), default=0)
    for r in range(len(rows)):
        cells = []
        for c in range(width):
            cell = grid.get((r, c))
            if cell is None:
                cell = _covering(grid, boxes, r, c, rows)
            cells.append(cell)
        lines.append(Line(tuple(cells), table=number, grid=True))
    return lines


def _covering(
    grid: dict[tuple[int, int], SourceCell], boxes: dict[tuple[int, int], Box], r: int, c: int, rows: list[CellGroup]
) -> SourceCell:
    """The merged cell that covers grid position (r, c), as a copy; a hole when none does."""
    for left in range(c - 1, -1, -1):  # a cell spanning columns, to the left in this row
        box = boxes.get((r, left))
        if box is not None:
            if _column_inside(rows, c, box):
                return SourceCell(grid[(r, left)].text, grid[(r, left)].position, grid[(r, left)].place, copy=True)
            break
    for up in range(r - 1, -1, -1):  # a cell spanning rows, above in this column
        for left in range(c, -1, -1):
            box = boxes.get((up, left))
            if box is not None and box[3] > rows[r].bbox[1] + 1 and _column_inside(rows, c, box):
                source = grid[(up, left)]
                return SourceCell(source.text, source.position, source.place, copy=True)
    place = grid[next(iter(grid))].place if grid else ""
    return SourceCell("", Position(""), place, copy=True)


def _column_inside(rows: list[CellGroup], c: int, box: Box) -> bool:
    """Whether grid column c lies within the box (the column's left edge taken from any row that has it)."""
    for row in rows:
        if c < len(row.cells) and row.cells[c] is not None:
            return box[0] - 1 <= row.cells[c][0] < box[2] - 1
    return False


def _text_blocks(page: Page, boxes: list[Box], page_number: int, path: str) -> list[_Block]:
    """The page's text outside the ruled tables, a line per line of words; far-apart words are cells."""

    def outside(obj: dict[str, Any]) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    words = page.filter(outside).extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5)
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        middle = (word["top"] + word["bottom"]) / 2  # words of one line overlap, whatever their size
        if rows and min(w["top"] for w in rows[-1]) - LINE_GAP < middle < max(w["bottom"] for w in rows[-1]):
            rows[-1].append(word)
        else:
            rows.append([word])
    blocks: list[_Block] = []
    height = float(page.height)
    right = max((c["x1"] for c in page.chars), default=0)  # the text's right margin, tables included
    wrapped = False  # the line before reached the right margin: a paragraph that goes on
    for index, row in enumerate(rows, 1):
        row.sort(key=lambda w: w["x0"])
        size = max(w["bottom"] - w["top"] for w in row)
        text = row[0]["text"]
        for before, word in zip(row, row[1:]):
            gap = word["x0"] - before["x1"]
            if gap > 1.5 * size:
                text += "  "  # a cell boundary, as split_cells reads it
            elif not (CJK.match(before["text"][-1:]) and CJK.match(word["text"][:1])) or gap > 0.3 * size:
                text += " "
            text += word["text"]
        top = row[0]["top"]
        in_margin = top < MARGIN * height or top > (1 - MARGIN) * height
        if in_margin and PAGE_NUMBER.match(text.strip()):
            continue
        place = f"第 {page_number} 页第 {index} 行"
        cells = tuple(SourceCell(c.text, Position(path), place) for c in split_cells(text, index, path))
        if wrapped and len(cells) == 1 and len(blocks[-1].lines[0].cells) == 1 and not NUMBERED.match(text):
            before = blocks[-1].lines[0].cells[0]
            blocks[-1].lines[0] = Line(
                (SourceCell(join_lines(before.text + "\n" + text), before.position, before.place),)
            )
        else:
            blocks.append(_Block(top, [Line(cells, table=0)]))
        wrapped = len(cells) == 1 and row[-1]["x1"] >= right - 2 * size and not SENTENCE_END.search(text)
    return blocks
