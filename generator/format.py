"""The national report formats, loaded from the data files in generator/formats/.

Everything that knows about sections, tables, rows, columns and consistency rules gets them from
here; no other module names a row or a column of the national form.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import yaml

from .source import Loader

FORMATS_DIR = Path(__file__).parent / "formats"
NOT_FORMATS = ("narrative.yaml",)  # data beside the formats: the phrases the narrative is checked for
VALUE_TYPES = ("count", "signed_count", "amount")


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh


@dataclass(frozen=True)
class Column:
    id: str
    label: Label
    type: str = "count"
    may_omit: bool = False  # the value may be left out of a row and is then computed by its rule
    unit: str = ""  # for amounts: the unit the value is in, e.g. 万元
    additive: bool = True  # a 下级汇总 sums this column's cells over child offices (regions.py)
    columns: tuple[Column, ...] = ()  # sub-columns: this column is a group heading

    @cached_property
    def leaves(self) -> tuple[Column, ...]:
        if not self.columns:
            return (self,)
        return tuple(leaf for child in self.columns for leaf in child.leaves)

    @property
    def depth(self) -> int:
        return 1 + max((c.depth for c in self.columns), default=0)


@dataclass(frozen=True)
class Row:
    id: str
    label: Label
    rows: tuple[Row, ...] = ()  # sub-rows: this row is a group heading

    @cached_property
    def leaves(self) -> tuple[Row, ...]:
        if not self.rows:
            return (self,)
        return tuple(leaf for child in self.rows for leaf in child.leaves)

    @property
    def depth(self) -> int:
        return 1 + max((r.depth for r in self.rows), default=0)


@dataclass(frozen=True)
class Block:
    """One grid of a statistical table: a row tree against a column tree."""

    id: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    label: Label | None = None
    row_header: Label | None = None
    corner: Label | None = None
    layout: str = "grid"  # "grid", or "one_line": rows laid side by side as column groups

    @cached_property
    def leaf_columns(self) -> tuple[Column, ...]:
        return tuple(leaf for c in self.columns for leaf in c.leaves)

    @cached_property
    def leaf_rows(self) -> tuple[Row, ...]:
        return tuple(leaf for r in self.rows for leaf in r.leaves)

    @cached_property
    def _rows_by_id(self) -> dict[str, Row]:
        return _index(self.rows, "rows")

    @cached_property
    def _columns_by_id(self) -> dict[str, Column]:
        return _index(self.columns, "columns")

    def find_row(self, row_id: str) -> Row | None:
        return self._rows_by_id.get(row_id)

    def find_column(self, column_id: str) -> Column | None:
        return self._columns_by_id.get(column_id)


def _index(nodes, children: str) -> dict:
    """Every node of a row or column tree by id, groups included."""
    found = {}
    for node in nodes:
        found[node.id] = node
        found.update(_index(getattr(node, children), children))
    return found


@dataclass(frozen=True)
class Section:
    id: str
    number: str
    label: Label
    kind: str  # "narrative" | "table" | "free_tables" (captioned tables of text, free-form reports)
    optional: bool = False

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.label.zh}" if self.number else self.label.zh


@dataclass(frozen=True)
class Table:
    id: str
    section: Section
    blocks: tuple[Block, ...]

    @cached_property
    def leaf_rows(self) -> tuple[Row, ...]:
        return tuple(r for b in self.blocks for r in b.leaf_rows)

    def block_of(self, row_id: str) -> Block | None:
        for block in self.blocks:
            if block.find_row(row_id) is not None:
                return block
        return None

    def row_entries(self) -> tuple[tuple[Block, Row], ...]:
        """Every leaf row with its block, in the order of the form."""
        return self._row_entries

    @cached_property
    def _row_entries(self) -> tuple[tuple[Block, Row], ...]:
        return tuple((b, r) for b in self.blocks for r in b.leaf_rows)


@dataclass(frozen=True)
class Term:
    """One side's summand in a rule: a row (or column) name, from this or the previous report."""

    row: str | None = None
    column: str | None = None
    report: str = "this"  # "this" | "previous"
    sign: int = 1


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    message: Label
    kind: str = "equation"  # "equation" | "format_years" | "mentions"
    table: str = ""
    for_each: str = ""  # "column" | "row"
    members: tuple[str, ...] = ()  # limits for_each to these rows/columns; empty means all
    left: tuple[Term, ...] = ()
    right: tuple[Term, ...] = ()
    section: str = ""
    any_of: tuple[str, ...] = ()

    @property
    def across_years(self) -> bool:
        return any(t.report == "previous" for t in self.left + self.right)


@dataclass(frozen=True)
class Headline:
    id: str
    label: Label
    terms: tuple[tuple[str, str, str], ...]  # (table, row or row group, column)
    chart: bool = False  # shown over the years in the trend charts of office and summary pages
    across_formats: bool = True  # False: counted differently in the other formats, never compared with them
    none: str = ""  # what a 0 means, in words (「全年未收到政府信息公开申请」), for the distribution lines


@dataclass(frozen=True)
class Rate:
    id: str
    label: Label
    numerator: tuple[str, ...]  # headline ids, added up
    denominator: str  # a headline id


@dataclass(frozen=True)
class Format:
    id: str
    title: Label
    first_year: int
    last_year: int | None
    sections: tuple[Section, ...]
    tables: dict[str, Table] = field(hash=False)
    rules: tuple[Rule, ...]
    headlines: tuple[Headline, ...]
    supplied_headlines: bool = False  # headline figures are written in the report (free-form formats)
    rates: tuple[Rate, ...] = ()  # ratios of headline figures, shown beside sums (never averaged)

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    @property
    def narrative_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.kind == "narrative")

    def cell_keys(self) -> list[tuple[str, str, str]]:
        """Every (table, row, column) of the form, in reading order."""
        return [
            (table.id, row.id, column.id)
            for table in self.tables.values()
            for block, row in table.row_entries()
            for column in block.leaf_columns
        ]

    def column_of(self, table_id: str, row_id: str, column_id: str) -> Column | None:
        block = self.tables[table_id].block_of(row_id)
        return block.find_column(column_id) if block else None


# --- every cell with its labels (exports, messages that name a cell) ---------------------------------

PATH_SEPARATOR = " / "  # between the labels of a nested row or column, e.g. 三、本年度办理结果 / （一）予以公开


@dataclass(frozen=True)
class CellLabel:
    table: str
    row: str
    row_label: str
    column: str
    column_label: str


def _paths(nodes, children: str, trail: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """(leaf id, "group / … / leaf" label) for every leaf of a row or column tree, in order."""
    for node in nodes:
        here = trail + (node.label.zh,)
        kids = getattr(node, children)
        if kids:
            yield from _paths(kids, children, here)
        else:
            yield node.id, PATH_SEPARATOR.join(here)


def _block_cells(table_id: str, block: Block) -> Iterator[CellLabel]:
    columns = list(_paths(block.columns, "columns"))
    for row_id, row_label in _paths(block.rows, "rows"):
        for column_id, column_label in columns:
            yield CellLabel(table_id, row_id, row_label, column_id, column_label)


def cell_labels(fmt: Format) -> list[CellLabel]:
    """Every cell of the format with its labels, in the reading order of the form."""
    return list(_cell_labels(fmt.id))


@cache
def _cell_labels(format_id: str) -> tuple[CellLabel, ...]:
    fmt = get_format(format_id)
    return tuple(
        cell for table in fmt.tables.values() for block in table.blocks for cell in _block_cells(table.id, block)
    )


# --- loading -------------------------------------------------------------------------------------


def _label(data) -> Label:
    return Label(zh=data["zh"], en=data["en"])


def _column(data) -> Column:
    return Column(
        id=data["id"],
        label=_label(data["label"]),
        type=data.get("type", "count"),
        may_omit=data.get("may_omit", False),
        unit=data.get("unit", ""),
        additive=data.get("additive", True),
        columns=tuple(_column(c) for c in data.get("columns", ())),
    )


def _row(data) -> Row:
    return Row(id=data["id"], label=_label(data["label"]), rows=tuple(_row(r) for r in data.get("rows", ())))


def _block(data) -> Block:
    optional = {key: _label(data[key]) for key in ("label", "row_header", "corner") if key in data}
    return Block(
        id=data["id"],
        columns=tuple(_column(c) for c in data["columns"]),
        rows=tuple(_row(r) for r in data["rows"]),
        layout=data.get("layout", "grid"),
        **optional,
    )


def _term(data, axis: str) -> Term:
    if isinstance(data, str):
        data = {axis: data}
    return Term(
        row=data.get("row"),
        column=data.get("column"),
        report=data.get("report", "this"),
        sign=data.get("sign", 1),
    )


def _rule(data) -> Rule:
    for_each = data.get("for_each", "")
    members: tuple[str, ...] = ()
    if isinstance(for_each, dict):
        ((for_each, members),) = for_each.items()
        for_each = for_each.rstrip("s")
        members = tuple(members)
    # With for_each column, a bare name in a term is a row; with for_each row, it is a column.
    axis = "row" if for_each == "column" else "column"
    return Rule(
        id=data["id"],
        severity=data["severity"],
        message=_label(data["message"]),
        kind=data.get("kind", "equation"),
        table=data.get("table", ""),
        for_each=for_each,
        members=members,
        left=tuple(_term(t, axis) for t in data.get("left", ())),
        right=tuple(_term(t, axis) for t in data.get("right", ())),
        section=data.get("section", ""),
        any_of=tuple(data.get("any_of", ())),
    )


def load_format(path: Path) -> Format:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
    sections = tuple(
        Section(
            id=s["id"], number=s["number"], label=_label(s["label"]), kind=s["kind"], optional=s.get("optional", False)
        )
        for s in data["sections"]
    )
    by_id = {s.id: s for s in sections}
    tables = {
        table_id: Table(id=table_id, section=by_id[table_id], blocks=tuple(_block(b) for b in spec["blocks"]))
        for table_id, spec in data.get("tables", {}).items()
    }
    headlines = tuple(
        Headline(
            id=h["id"],
            label=_label(h["label"]),
            terms=tuple((t["table"], t["row"], t["column"]) for t in h["terms"]),
            chart=h.get("chart", False),
            across_formats=h.get("across_formats", True),
            none=h.get("none", ""),
        )
        for h in data.get("headlines", ())
    )
    years = data["years"]
    return Format(
        id=str(data["id"]),
        title=_label(data["title"]),
        first_year=years["first"],
        last_year=years.get("last"),
        sections=sections,
        tables=tables,
        rules=tuple(_rule(r) for r in data.get("rules", ())),
        headlines=headlines,
        supplied_headlines=data.get("supplied_headlines", False),
        rates=tuple(
            Rate(r["id"], _label(r["label"]), tuple(r["numerator"]), r["denominator"]) for r in data.get("rates", ())
        ),
    )


@cache
def all_formats() -> dict[str, Format]:
    """Every format shipped with Gongkai, by id, newest first."""
    loaded = [load_format(p) for p in sorted(FORMATS_DIR.glob("*.yaml")) if p.name not in NOT_FORMATS]
    loaded.sort(key=lambda f: f.first_year, reverse=True)  # newest first: the default for new reports
    return {f.id: f for f in loaded}


def get_format(format_id: str) -> Format | None:
    return all_formats().get(str(format_id))


def format_for_year(year: int) -> Format | None:
    """The format a report on this year must use, or None when no national format applies."""
    for fmt in all_formats().values():
        if fmt.covers(year):
            return fmt
    return None


@cache
def comparable(headline_id: str, format_id: str, other_id: str) -> bool:
    """Whether a headline figure of a report in one format may be compared with (or charted beside) the
    same figure of a report in another: always within a format; across formats only when both define it
    and neither says `across_formats: false` (it is counted differently there)."""
    if format_id == other_id:
        return True
    found = [
        next((h for h in fmt.headlines if h.id == headline_id), None)
        for fmt in (get_format(format_id), get_format(other_id))
        if fmt is not None
    ]
    return len(found) == 2 and all(h is not None and h.across_formats for h in found)


def latest_format() -> Format:
    return next(iter(all_formats().values()))
