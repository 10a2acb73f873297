"""The neutral shape every reader turns a source document into: lines of cells in reading order.

A paragraph is a line of one cell; a table row is a line of several cells. Cells keep where they were
found (line and column in the source file, and for tables also which table, row and cell), so that
anything the importer cannot place can be reported where the user can look it up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..model.findings import Finding, Position


@dataclass(frozen=True)
class SourceCell:
    """One cell of a published source: a paragraph's text, or a table cell's, with where it was found."""

    text: str
    position: Position
    place: str = ""  # "第 2 个表格第 3 行第 4 格" for tables of HTML and Word files; "" for plain text
    copy: bool = False  # a repeat of a merged cell (rowspan/colspan, Word's merged cells): not a value of its own

    @property
    def where(self) -> str:
        """The place for messages: the table cell when known."""
        return f"{self.place}：" if self.place else ""


@dataclass(frozen=True)
class Line:
    """One paragraph or table row. `table` numbers the source's tables from 1 (0: not in a table)."""

    cells: tuple[SourceCell, ...]
    table: int = 0
    heading: int = 0  # heading level given by the source's markup (h2, Word's 标题 2), 0 for body text
    scope: tuple[int, ...] = field(default=(), compare=False)  # HTML: the elements the line is in, innermost first
    role: str = ""  # "caption": a table's caption; "head": a header row of a table
    grid: bool = False  # the cells are a table's real cells, one per grid column (merged cells repeated)
    item: str = ""  # a list item, by Word's list styles: "bullet" or "number", with its level ("bullet 2")
    # The paragraph as Markdown when its source marks phrases in it (Word's Strong and Emphasis character
    # styles, as **x** and *x*); "" when it is plain text, read as `text`.
    markdown: str = field(default="", compare=False)

    @property
    def position(self) -> Position:
        """Where the line starts in the source (its first cell)."""
        return self.cells[0].position

    @property
    def own_cells(self) -> tuple[SourceCell, ...]:
        """The cells that are not repeats of a merged cell."""
        return tuple(c for c in self.cells if not c.copy)

    @property
    def texts(self) -> list[str]:
        """The non-empty texts of the line's own cells."""
        return [c.text.strip() for c in self.own_cells if c.text.strip()]

    @property
    def text(self) -> str:
        """The line as one text: a paragraph's text, a row's non-empty cells joined by spaces."""
        return " ".join(self.texts)


@dataclass(frozen=True)
class Document:
    """A source file read into lines, with what its metadata says (HTML meta tags, page title)."""

    path: str  # the source file as users see it
    kind: str  # "text" | "html" | "docx"
    lines: tuple[Line, ...]
    title: str = ""  # the page's <title> or the document's title property, as a hint
    published: date | None = None  # from metadata (HTML <meta name="PubDate">)
    source_url: str = ""  # from metadata (HTML <link rel="canonical">, <meta name="url">)
    findings: tuple[Finding, ...] = field(default=(), hash=False)  # reading problems (encoding)


def paragraph(text: str, position: Position, heading: int = 0) -> Line:
    """A line of one cell: a paragraph of text, or a heading of that level."""
    return Line((SourceCell(text, position),), heading=heading)
