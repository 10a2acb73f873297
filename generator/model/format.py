"""The national report formats, loaded from the data files in generator/formats/.

Everything that knows about sections, tables, rows, columns, consistency rules, the scaffold's hints
and the label variants of published copies gets them from here; no other module names a row or a
column of the national form. Part of the model: imports nothing else of `generator`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path

import yaml

try:  # the package's own trusted data: libyaml's loader when present
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as Loader

FORMATS_DIR = Path(__file__).parent.parent / "formats"
NOT_FORMATS = ("narrative.yaml",)  # data beside the formats: the phrases the narrative is checked for
# The ordinal a row label starts with: 一、 （七） 1.
ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")


class FormatError(Exception):
    """A format definition file that cannot be read: one line, `path:line:col: message` where known."""


@dataclass(frozen=True)
class Label:
    """A label of the form in Chinese (the official wording) and English (ours)."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh


@dataclass(frozen=True)
class Column:
    """A column of a table block; a column with sub-columns is a group heading."""

    id: str
    label: Label
    type: str = "count"
    may_omit: bool = False  # the value may be left out of a row and is then computed by its rule
    unit: str = ""  # for amounts: the unit the value is in, e.g. 万元
    additive: bool = True  # a 下级汇总 sums this column's cells over child offices (regions.py)
    columns: tuple[Column, ...] = ()  # sub-columns: this column is a group heading
    aliases: tuple[str, ...] = ()  # other wordings of the label seen in published copies (the importer)

    @cached_property
    def leaves(self) -> tuple[Column, ...]:
        """The columns under this one that hold values (itself when it has no sub-columns)."""
        if not self.columns:
            return (self,)
        return tuple(leaf for child in self.columns for leaf in child.leaves)

    @property
    def depth(self) -> int:
        """Levels of heading this column takes: 1, plus those of its deepest sub-column."""
        return 1 + max((c.depth for c in self.columns), default=0)


@dataclass(frozen=True)
class Row:
    """A row of a table block; a row with sub-rows is a group heading."""

    id: str
    label: Label
    rows: tuple[Row, ...] = ()  # sub-rows: this row is a group heading
    aliases: tuple[str, ...] = ()  # other wordings of the label seen in published copies (the importer)

    @cached_property
    def leaves(self) -> tuple[Row, ...]:
        """The rows under this one that hold values (itself when it has no sub-rows)."""
        if not self.rows:
            return (self,)
        return tuple(leaf for child in self.rows for leaf in child.leaves)

    @property
    def depth(self) -> int:
        """Levels of heading this row takes: 1, plus those of its deepest sub-row."""
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
        """The block's columns that hold values, left to right."""
        return tuple(leaf for c in self.columns for leaf in c.leaves)

    @cached_property
    def leaf_rows(self) -> tuple[Row, ...]:
        """The block's rows that hold values, top to bottom."""
        return tuple(leaf for r in self.rows for leaf in r.leaves)

    @cached_property
    def _rows_by_id(self) -> dict[str, Row]:
        return _index(self.rows, "rows")

    @cached_property
    def _columns_by_id(self) -> dict[str, Column]:
        return _index(self.columns, "columns")

    def find_row(self, row_id: str) -> Row | None:
        """The row (leaf or group) of this id, or None."""
        return self._rows_by_id.get(row_id)

    def find_column(self, column_id: str) -> Column | None:
        """The column (leaf or group) of this id, or None."""
        return self._columns_by_id.get(column_id)


def _index(nodes: tuple, children: str) -> dict:
    """Every node of a row or column tree by id, groups included."""
    return {node.id: node for node in _tree(nodes, children)}


@dataclass(frozen=True)
class Section:
    """A part of the report: a narrative, a statistical table, or free-form tables."""

    id: str
    number: str
    label: Label
    kind: str  # "narrative" | "table" | "free_tables" (captioned tables of text, free-form reports)
    optional: bool = False
    hint: str = ""  # the scaffold's suggested text for a narrative ({year}: the report's year)
    aliases: tuple[str, ...] = ()  # other wordings of the label seen in published copies (the importer)
    opening: bool = False  # the report's opening words (前言): on its page above the sections, without a heading

    @property
    def heading(self) -> str:
        """The heading as the form writes it, e.g. 一、总体情况."""
        return f"{self.number}、{self.label.zh}" if self.number else self.label.zh


@dataclass(frozen=True)
class Table:
    """A statistical table of the form: the blocks of its section."""

    id: str
    section: Section
    blocks: tuple[Block, ...]

    def block_of(self, row_id: str) -> Block | None:
        """The block that has a row (leaf or group) of this id, or None."""
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
    """A consistency rule (勾稽关系): an equation over cells, the format's years, or words a section must use."""

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
        """Whether the rule takes a value from the previous year's report."""
        return any(t.report == "previous" for t in self.left + self.right)


@dataclass(frozen=True)
class Headline:
    """A headline figure (new applications, lawsuits, ...): the cells it adds up."""

    id: str
    label: Label
    terms: tuple[tuple[str, str, str], ...]  # (table, row or row group, column)
    chart: bool = False  # shown over the years in the trend charts of office and summary pages
    across_formats: bool = True  # False: counted differently in the other formats, never compared with them
    none: str = ""  # what a 0 means, in words (「全年未收到政府信息公开申请」), for the distribution lines


@dataclass(frozen=True)
class Rate:
    """A ratio of headline figures, shown beside summed figures."""

    id: str
    label: Label
    numerator: tuple[str, ...]  # headline ids, added up
    denominator: str  # a headline id


@dataclass(frozen=True)
class Format:
    """One version of the national format (or the free-form one): one data file of generator/formats/."""

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
        """Whether reports on this year use this format."""
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def cell_keys(self) -> list[tuple[str, str, str]]:
        """Every (table, row, column) of the form, in reading order."""
        return [
            (table.id, row.id, column.id)
            for table in self.tables.values()
            for block, row in table.row_entries()
            for column in block.leaf_columns
        ]

    def computed_total(
        self, table_id: str, row_id: str, column_id: str, values: dict[str, int | Decimal]
    ) -> int | Decimal | None:
        """A cell left out, computed from the equation within one report whose left side is that cell's
        column alone (a total, such as 总计 = the applicant columns); None when no such equation has
        every cell of its right side in `values`."""
        table = self.tables[table_id]
        for rule in self.rules:
            if rule.kind != "equation" or rule.table != table_id or rule.for_each != "row" or rule.across_years:
                continue
            if len(rule.left) != 1 or rule.left[0].column != column_id:
                continue
            parts = []
            for term in rule.right:
                row = term.row or row_id
                block = table.block_of(row)
                column = block.find_column(term.column) if block is not None else None
                if column is not None:
                    parts += [(f"{table_id}.{row}.{leaf.id}", term.sign) for leaf in column.leaves]
            if parts and all(key in values for key, _ in parts):
                return sum((values[key] * sign for key, sign in parts), 0)
        return None

    def column_of(self, table_id: str, row_id: str, column_id: str) -> Column | None:
        """The leaf column of a cell, or None when the table has no such row and column."""
        block = self.tables[table_id].block_of(row_id)
        return block.find_column(column_id) if block else None


# --- every cell with its labels (exports, messages that name a cell) ---------------------------------

PATH_SEPARATOR = " / "  # between the labels of a nested row or column, e.g. 三、本年度办理结果 / （一）予以公开


@dataclass(frozen=True)
class CellLabel:
    """A cell of the form by its ids, with its row's and column's labels as paths through their groups."""

    table: str
    row: str
    row_label: str
    column: str
    column_label: str


def _paths(nodes: Iterable[Row | Column], children: str, trail: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
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


def _label(data: dict) -> Label:
    return Label(zh=data["zh"], en=data["en"])


def _aliases(data: dict) -> tuple[str, ...]:
    aliases = data.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise ValueError(f"“{data.get('id', '')}”的 aliases 应为文字的列表")
    return tuple(aliases)


def _column(data: dict) -> Column:
    return Column(
        id=data["id"],
        label=_label(data["label"]),
        type=data.get("type", "count"),
        may_omit=data.get("may_omit", False),
        unit=data.get("unit", ""),
        additive=data.get("additive", True),
        columns=tuple(_column(c) for c in data.get("columns", ())),
        aliases=_aliases(data),
    )


def _row(data: dict) -> Row:
    return Row(
        id=data["id"],
        label=_label(data["label"]),
        rows=tuple(_row(r) for r in data.get("rows", ())),
        aliases=_aliases(data),
    )


def _block(data: dict) -> Block:
    optional = {key: _label(data[key]) for key in ("label", "row_header", "corner") if key in data}
    return Block(
        id=data["id"],
        columns=tuple(_column(c) for c in data["columns"]),
        rows=tuple(_row(r) for r in data["rows"]),
        layout=data.get("layout", "grid"),
        **optional,
    )


def _section(data: dict) -> Section:
    return Section(
        id=data["id"],
        number=data["number"],
        label=_label(data["label"]),
        kind=data["kind"],
        optional=data.get("optional", False),
        hint=data.get("hint", ""),
        aliases=_aliases(data),
        opening=data.get("opening", False),
    )


def _term(data: str | dict, axis: str) -> Term:
    if isinstance(data, str):
        data = {axis: data}
    return Term(
        row=data.get("row"),
        column=data.get("column"),
        report=data.get("report", "this"),
        sign=data.get("sign", 1),
    )


def _rule(data: dict) -> Rule:
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
    """The format defined in a data file; FormatError (one line, with the file) when it is malformed."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise FormatError(f"{where}: 格式定义不是有效的 YAML：{problem.problem or problem.context}") from None
    try:
        return _format(data)
    except KeyError as missing:
        raise FormatError(f"{path}: 格式定义缺少 {missing.args[0]}") from None
    except (TypeError, ValueError, AttributeError) as problem:
        raise FormatError(f"{path}: 格式定义有误：{problem}") from None


def _format(data: dict) -> Format:
    sections = tuple(_section(s) for s in data["sections"])
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
    """The shipped format of this id, or None."""
    return all_formats().get(str(format_id))


def format_for_year(year: int) -> Format | None:
    """The format a report on this year must use, or None when no national format applies."""
    for fmt in all_formats().values():
        if fmt.covers(year):
            return fmt
    return None


def headline_wording(headline_id: str) -> str | None:
    """How the newest national form words a headline figure: the label, without its ordinal, of the row
    whose total it is (本年新收政府信息公开申请数量 for new_received), or None where no row names it on
    its own (handled is the row 「（七）总计」, the column's own word)."""
    for fmt in all_formats().values():
        headline = next((h for h in fmt.headlines if h.id == headline_id), None)
        if headline is None or len(headline.terms) != 1:
            continue
        table, row, column = headline.terms[0]
        block = fmt.tables[table].block_of(row)
        label = ORDINAL.sub("", block.find_row(row).label.zh)
        return label if label != block.find_column(column).label.zh else None
    return None


@cache
def label_aliases() -> tuple[tuple[str, str], ...]:
    """(alias, label) for every other wording of a label that the shipped formats list (`aliases:` on
    sections, rows and columns), newest format first and in each format's order, each pair once."""
    pairs: dict[tuple[str, str], None] = {}
    for fmt in all_formats().values():
        nodes: list[Section | Row | Column] = list(fmt.sections)
        for table in fmt.tables.values():
            for block in table.blocks:
                nodes += _tree(block.columns, "columns") + _tree(block.rows, "rows")
        for node in nodes:
            pairs.update(dict.fromkeys((alias, node.label.zh) for alias in node.aliases))
    return tuple(pairs)


def _tree(nodes: tuple, children: str) -> list:
    """A row or column tree's nodes, groups before their members."""
    return [found for node in nodes for found in (node, *_tree(getattr(node, children), children))]


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
