"""Plain text copied out of Word or a PDF: one line per paragraph or table row.

Word separates the cells of a pasted table with tabs (merged cells leave empty cells); text taken from
a PDF separates them with runs of spaces, or not at all. Each line becomes a Line; a line with
separators becomes a table row of cells, every cell keeping its line and column.
"""

from __future__ import annotations

import codecs
import re

from ..model.findings import Finding, GongkaiError, Position, error, warning
from .document import Document, Line, SourceCell

SPACES = " \u3000\xa0"
CELL_GAP = re.compile(r"[ \u3000\xa0]{2,}")  # a run of spaces between cells (PDF text)


BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def by_bom(data: bytes) -> tuple[bytes, str] | None:
    """The bytes after a Unicode byte-order mark and the encoding it names, or None without one."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom) :], encoding
    return None


def decode(data: bytes, path: str) -> tuple[str, list[Finding]]:
    """UTF-8 or UTF-16 (with their BOMs), else GB18030 as Chinese Windows tools save text."""
    if marked := by_bom(data):
        try:
            return marked[0].decode(marked[1]), []
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise GongkaiError(
            error(
                Position(path), "文件既不是 UTF-8 编码也不是 GB18030/GBK 编码，无法读取；请另存为 UTF-8 编码的文本文件"
            )
        ) from None
    return text, [warning(Position(path), "文件不是 UTF-8 编码，已按 GB18030（GBK）编码读取")]


def split_cells(line: str, number: int, path: str) -> list[SourceCell]:
    """The cells of one line with their columns: tab-separated, else separated by runs of spaces."""
    if "\t" in line:
        cells, start = [], 0
        for part in line.split("\t"):
            cells.append(SourceCell(part.strip(SPACES), Position(path, number, start + 1)))
            start += len(part) + 1
        return cells
    stripped = line.strip(SPACES)
    start = len(line) - len(line.lstrip(SPACES))
    cells, offset = [], 0
    for gap in CELL_GAP.finditer(stripped):
        cells.append(SourceCell(stripped[offset : gap.start()], Position(path, number, start + offset + 1)))
        offset = gap.end()
    cells.append(SourceCell(stripped[offset:], Position(path, number, start + offset + 1)))
    return cells


def read_text(data: bytes, path: str) -> Document:
    """Plain text read into lines, a cell per run of text between two or more spaces; runs of such rows are tables."""
    text, findings = decode(data, path)
    lines: list[Line] = []
    table = 0
    in_table = False
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if not raw.strip(SPACES + "\t"):
            continue
        cells = split_cells(raw, number, path)
        if len(cells) > 1:
            if not in_table:
                table += 1
                in_table = True
            lines.append(Line(tuple(cells), table=table))
        else:
            in_table = False
            lines.append(Line(tuple(cells)))
    return Document(path=path, kind="text", lines=tuple(lines), findings=tuple(findings))
