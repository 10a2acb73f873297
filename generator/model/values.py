"""Report values: what a report file says, as data (Report, Number, FreeTable, cell_key) and the
names report files use (REPORT_KEYS, SCOPES, INTRO_KEY, PLACEHOLDER).

Part of the model: imports nothing of generator but the model (format.py, until it moves here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .findings import Position
from .format import Format, get_format

Number = int | Decimal

# Top-level keys of a report file besides the sections of its format: key -> zh description.
REPORT_KEYS = {
    "format": "报告格式版本",
    "year": "报告年度",
    "published": "发布日期",
    "office_name": "当年的机关名称",
    "source_url": "原文地址",
    "draft": "草稿（true 时不发布）",
    "revisions": "发布后的修订记录",
    "scope": "数据范围（本级：本机关自身；汇总：各下级单位之和）",
}
SCOPES = ("本级", "汇总")  # a report's own figures (the default), or the sum of its child offices' reports
INTRO_KEY = "intro"
HEADLINE_KEY = "headline"
PLACEHOLDER = "【待填写】"  # marks scaffold text that staff still have to write
TEXT_START = "~text"  # positions[<text key> + TEXT_START]: where the text's first line starts (see text_position)


@dataclass(frozen=True)
class FreeTable:
    """A table of text in a free-form (legacy) report: caption, header rows, body rows."""

    caption: str
    header: tuple[tuple[str, ...], ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Revision:
    """A correction made after publication: when, and what changed (shown under the report's title)."""

    date: date
    note: str


@dataclass(frozen=True)
class Report:
    """One office's annual report for one year, as written in its file."""

    office: str  # office slug
    year: int
    format_id: str
    path: str  # the file as users see it, e.g. content/hehualu/2023.yaml
    published: date | None = None
    office_name: str | None = None
    source_url: str | None = None
    texts: dict[str, str] = field(default_factory=dict, hash=False)  # section id (or "<table>.intro") -> Markdown
    values: dict[str, Number] = field(default_factory=dict, hash=False)  # "table.row.column" -> value
    computed: frozenset[str] = frozenset()  # cells left out of the file, computed by check.complete (totals)
    free_tables: tuple[FreeTable, ...] = ()  # free-form reports only
    headline: dict[str, Number] = field(default_factory=dict, hash=False)  # supplied headline figures
    draft: bool = False  # not published (shown only by the preview and `build --drafts`)
    revisions: tuple[Revision, ...] = ()  # corrections after publication, as written (oldest first)
    scope: str = SCOPES[0]  # 汇总: its tables are the sum of its child offices' (checked by regions.py)
    positions: Mapping[str, tuple[int, int]] = field(default_factory=dict, hash=False, compare=False)  # (line, column)

    @property
    def format(self) -> Format:
        """The report's format definition."""
        return get_format(self.format_id)

    def value(self, table: str, row: str, column: str) -> Number | None:
        """A cell's value, or None when the report has none there."""
        return self.values.get(f"{table}.{row}.{column}")

    def position_of(self, key: str) -> Position:
        """Where a cell, section or key is written; falls back to the enclosing item, then the file."""
        while key:
            if key in self.positions:
                return Position(self.path, *self.positions[key])
            key = key.rpartition(".")[0]
        return Position(self.path, 1, 1)

    def text(self, section_id: str) -> str:
        """A section's (or a table's intro's) text; "" when the report has none."""
        return self.texts.get(section_id, "")

    def text_position(self, key: str, offset: int) -> Position:
        """Where a character of a text (a section, or a table's intro) is written in the file: its line
        and column inside a literal block (`|-`) or a one-line value; the text's key for another style."""
        start = self.positions.get(key + TEXT_START)
        if start is None:
            return self.position_of(key)
        text = self.texts.get(key, "")
        line_start = text.rfind("\n", 0, offset) + 1
        return Position(self.path, start[0] + text.count("\n", 0, offset), start[1] + offset - line_start)


def cell_key(table: str, row: str, column: str) -> str:
    """The key of a table's cell in Report.values: "table.row.column"."""
    return f"{table}.{row}.{column}"
