"""The statistical tables laid out for HTML: header and body rows of cells, computed from a format's blocks.

A block's row and column trees (generator/format.py) become the merged header cells of the national
form: group headings span their leaves, a leaf shallower than the deepest branch stretches down (or
across) to the data. Every data cell names all of its headers by id (the W3C WAI pattern for tables
with multi-level headers), so templates only loop over rows and cells and never know the form.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from typing import NamedTuple

from markupsafe import Markup

from ..model.format import Block, Column, Row, Table
from ..model.numbers import format_number
from ..model.values import FreeTable, Report, cell_key


@dataclass(frozen=True)
class TableCell:
    """One `th` or `td`. Header cells have an id and a scope; data cells name their headers."""

    text: str
    header: bool = False
    id: str = ""
    scope: str = ""  # "col" | "colgroup" | "row" | "rowgroup" for header cells
    colspan: int = 1
    rowspan: int = 1
    headers: str = ""  # the ids of the header cells it belongs to, space-separated (the `headers` attribute)
    numeric: bool = False
    computed: bool = False  # left out of the report file and computed from its rule
    missing: bool = False
    kind: str = ""  # "corner", "block", "group", "leaf", "value": a styling hint
    key: str = ""  # a value cell's "table.row.column"
    label: str = ""  # a value cell's column headings in words, shown beside it where the table is stacked
    group: str = ""  # the row headings a one-line block's row of values opens with (on its first value)


@dataclass(frozen=True)
class TablePart:
    """One block of a table: its header rows, then its data rows."""

    head: tuple[tuple[TableCell, ...], ...]
    body: tuple[tuple[TableCell, ...], ...]


@dataclass(frozen=True, eq=False)
class TableView:
    """A table for the `statistical_table` macro. Its cells are laid out only when a template asks for
    `parts`: a report page normally prints `html`, the report's values filled into the table's markup
    compiled once per format (see render.TableSkeleton)."""

    id: str  # unique on the page; prefixes every header id
    caption: str
    width: int  # columns
    layout: Callable[[], tuple[TablePart, ...]] = field(repr=False)
    kind: str = "stats"  # "stats": a table of the national form; "free": a free-form report's table
    html: Markup | str = ""  # the whole table's markup, when already made; "" to lay it out from `parts`
    label_rules: Markup | None = field(default=None, repr=False)  # `labels`, when already made

    @cached_property
    def parts(self) -> tuple[TablePart, ...]:
        """The table's parts (a block each: header rows and body rows), laid out when first asked for."""
        return self.layout()

    @cached_property
    def labels(self) -> Markup:
        """CSS for the page's <style>: each value cell's headings in words, by the id of its column header
        (the last of its `headers`), as custom properties the stylesheet shows where the table is stacked.
        One rule per column, not an attribute per cell: table 三 alone has 175 value cells."""
        if self.label_rules is not None:
            return self.label_rules
        rules: dict[str, str] = {}
        for cell in value_cells(self):
            words = f"--label: {css_string(cell.label)}"
            if cell.group:
                words += f"; --group: {css_string(cell.group)}; --label-row: 2"
            rules.setdefault(cell.headers.rsplit(" ", 1)[-1], words)
        return Markup(
            "".join(f'#{self.id} td[headers$=" {column}"] {{ {words}; }}\n' for column, words in rules.items())
        )


NUMERIC_TEXT = re.compile(r"^[-+−]?[\d,，]+(\.\d+)?%?$")  # a free table's cell that reads as a number


def column_text(column: Column) -> str:
    """A column heading as printed: the official label, with the unit when the label does not say it."""
    if column.unit and column.unit not in column.label.zh:
        return f"{column.label.zh}（{column.unit}）"
    return column.label.zh


def table_view(
    table: Table, report: Report | None, html: Markup | str = "", width: int = 0, labels: Markup | None = None
) -> TableView:
    """The whole table of a report, block after block, all blocks as wide as the widest (`width`, and its
    `labels`, when the caller knows them already).

    Without a report every value cell is missing: the shape of the table alone.
    """
    width = width or table_width(table)
    return TableView(
        f"table-{table.id}",
        table.section.heading,
        width,
        partial(_parts, table, report, width),
        html=html,
        label_rules=labels,
    )


def table_width(table: Table) -> int:
    """The table's width in columns: that of its widest block."""
    return max(_block_width(b) for b in table.blocks)


def _parts(table: Table, report: Report | None, width: int) -> tuple[TablePart, ...]:
    return tuple(_block_part(table, block, report, width, len(table.blocks) > 1) for block in table.blocks)


def value_cells(view: TableView) -> list[TableCell]:
    """The value cells of a table, in the order of the page."""
    return [cell for part in view.parts for line in part.head + part.body for cell in line if cell.kind == "value"]


# Header cells' ids are short, as every value cell lists all its headers' ids (the `headers`
# attribute is most of a report page's size): "t3" for the table of section 三, "t2b2" for its second
# block, then "r5" / "c2" for a block's fifth row and second column heading (counted in tree order),
# "h" for the row headers' corner. Section numbers are unique within a format, so ids are on a page.
SECTION_NUMBERS = {n: str(i) for i, n in enumerate("一二三四五六七八九十", 1)}


def _prefix(table: Table, block: Block) -> str:
    number = SECTION_NUMBERS.get(table.section.number)
    short = f"t{number}" if number else table.id
    if len(table.blocks) == 1:
        return short
    return f"{short}b{table.blocks.index(block) + 1}"


def _block_width(block: Block) -> int:
    if block.layout == "one_line":
        return len(block.leaf_rows) * len(block.leaf_columns)
    return _depth(block.rows) + len(block.leaf_columns)


def _depth(nodes: tuple[Row | Column, ...]) -> int:
    return max((n.depth for n in nodes), default=0)


class _Heading(NamedTuple):
    """A node of a row or column tree placed in the header rows."""

    node: Row | Column
    id: str
    path: tuple[str, ...]  # ids of the node and its groups, outermost first
    colspan: int
    rowspan: int


def _levels(nodes: tuple[Row | Column, ...], children: str, prefix: str) -> list[list[_Heading]]:
    """A header tree as rows of headings, top level first; a leaf above the deepest level spans down to it."""
    depth = _depth(nodes)
    levels: list[list[_Heading]] = [[] for _ in range(depth)]

    count = itertools.count()

    def walk(node: Row | Column, level: int, path: tuple[str, ...]) -> None:
        node_id = f"{prefix}{next(count)}"
        kids = getattr(node, children)
        levels[level].append(_Heading(node, node_id, path + (node_id,), len(node.leaves), 1 if kids else depth - level))
        for kid in kids:
            walk(kid, level + 1, path + (node_id,))

    for node in nodes:
        walk(node, 0, ())
    return levels


def _paths(levels: list[list[_Heading]]) -> dict[str, tuple[str, ...]]:
    return {heading.node.id: heading.path for level in levels for heading in level}


def _column_cell(heading: _Heading, grow: int = 0) -> TableCell:
    column = heading.node
    return TableCell(
        column_text(column),
        header=True,
        id=heading.id,
        scope="colgroup" if column.columns else "col",
        colspan=heading.colspan + grow,
        rowspan=heading.rowspan,
        kind="group" if column.columns else "leaf",
    )


def _value_cell(
    report: Report | None,
    table: Table,
    row: Row,
    column: Column,
    headers: tuple[str, ...],
    colspan: int,
    label: str = "",
    group: str = "",
) -> TableCell:
    key = cell_key(table.id, row.id, column.id)
    value = report.values.get(key) if report is not None else None
    return TableCell(
        text=format_number(value) if value is not None else "—",
        headers=" ".join(headers),
        numeric=True,
        computed=report is not None and key in report.computed,
        missing=value is None,
        colspan=colspan,
        kind="value",
        key=key,
        label=label,
        group=group,
    )


LABEL_JOINER = " · "


def css_string(text: str) -> str:
    """Text as a quoted CSS string for a <style> element: each character that could end the string, the
    declaration or the element written as a CSS escape."""
    return '"' + "".join(f"\\{ord(c):x} " if c in "\"\\<>&'" or ord(c) < 32 else c for c in text) + '"'


def _tree_labels(nodes: tuple[Row | Column, ...], children: str, text: Callable) -> dict[str, str]:
    """Each leaf's headings in words, outermost first (for a value cell of a stacked table): a group
    heading over every leaf (申请人情况) tells nothing about one value and is left out."""
    total = sum(len(node.leaves) for node in nodes)
    labels: dict[str, str] = {}

    def walk(node: Row | Column, path: tuple[str, ...]) -> None:
        kids = getattr(node, children)
        here = path + (text(node),) if len(node.leaves) < total or not kids else path
        if kids:
            for kid in kids:
                walk(kid, here)
        else:
            labels[node.id] = LABEL_JOINER.join(here)

    for node in nodes:
        walk(node, ())
    return labels


def _column_labels(block: Block) -> dict[str, str]:
    return _tree_labels(block.columns, "columns", column_text)


def _row_labels(block: Block) -> dict[str, str]:
    return _tree_labels(block.rows, "rows", lambda row: row.label.zh)


def _block_part(table: Table, block: Block, report: Report | None, width: int, labelled: bool) -> TablePart:
    if block.layout == "one_line":
        return _one_line_part(table, block, report, width, labelled)
    return _grid_part(table, block, report, width, labelled)


def _block_label(block: Block, prefix: str, width: int) -> tuple[list[tuple[TableCell, ...]], tuple[str, ...]]:
    if block.label is None:
        return [], ()
    cell = TableCell(block.label.zh, header=True, id=prefix, scope="colgroup", colspan=width, kind="block")
    return [(cell,)], (cell.id,)


def _grid_part(table: Table, block: Block, report: Report | None, width: int, labelled: bool) -> TablePart:
    prefix = _prefix(table, block)
    head, block_ids = _block_label(block, prefix, width) if labelled else ([], ())
    row_depth = _depth(block.rows)
    column_levels = _levels(block.columns, "columns", f"{prefix}c")
    extra = width - _block_width(block)  # narrower blocks stretch their last column
    last_leaf = block.leaf_columns[-1]

    corner_ids: tuple[str, ...] = ()
    for level, entries in enumerate(column_levels):
        cells: list[TableCell] = []
        if level == 0:
            label = block.row_header or block.corner
            corner = TableCell(
                label.zh if label else "",
                header=block.row_header is not None,
                id=f"{prefix}h" if block.row_header else "",
                scope="col" if block.row_header else "",
                colspan=row_depth,
                rowspan=len(column_levels),
                kind="corner",
            )
            corner_ids = (corner.id,) if corner.id else ()
            cells.append(corner)
        for heading in entries:
            cells.append(_column_cell(heading, grow=extra if last_leaf in heading.node.leaves else 0))
        head.append(tuple(cells))

    column_paths = _paths(column_levels)
    labels = _column_labels(block)
    body = []
    for row, row_cells, row_path in _row_headers(block, prefix, row_depth, block_ids + corner_ids):
        cells = list(row_cells)
        for column in block.leaf_columns:
            colspan = 1 + (extra if column is last_leaf else 0)
            headers = block_ids + row_path + column_paths[column.id]
            cells.append(_value_cell(report, table, row, column, headers, colspan, labels[column.id]))
        body.append(tuple(cells))
    return TablePart(head=tuple(head), body=tuple(body))


def _row_headers(block: Block, prefix: str, depth: int, outer: tuple[str, ...]):
    """For each leaf row: the header cells that open in its line, and the ids of all its row headers."""
    lines = []
    count = itertools.count()

    def walk(rows: tuple[Row, ...], level: int, path: tuple[str, ...], opening: list[TableCell]) -> None:
        for row in rows:
            row_id = f"{prefix}r{next(count)}"
            here = path + (row_id,)
            header = TableCell(
                row.label.zh,
                header=True,
                id=row_id,
                scope="rowgroup" if row.rows else "row",
                rowspan=len(row.leaves),
                colspan=1 if row.rows else depth - level,
                headers=" ".join(outer + path),
                kind="group" if row.rows else "leaf",
            )
            if row.rows:
                walk(row.rows, level + 1, here, opening + [header])
            else:
                lines.append((row, tuple(opening + [header]), here))
            opening = []  # only the first leaf of a group opens the group's cells

    walk(block.rows, 0, (), [])
    return lines


def _one_line_part(table: Table, block: Block, report: Report | None, width: int, labelled: bool) -> TablePart:
    """Rows side by side as column groups, each leaf row's columns under it, and one line of values."""
    prefix = _prefix(table, block)
    head, block_ids = _block_label(block, prefix, width) if labelled else ([], ())
    row_levels = _levels(block.rows, "rows", f"{prefix}r")
    column_depth = _depth(block.columns)
    for entries in row_levels:
        head.append(
            tuple(
                TableCell(
                    h.node.label.zh,
                    header=True,
                    id=h.id,
                    scope="colgroup",
                    colspan=h.colspan * len(block.leaf_columns),
                    rowspan=h.rowspan,
                    kind="group",
                )
                for h in entries
            )
        )
    row_paths = _paths(row_levels)
    column_rows: list[list[TableCell]] = [[] for _ in range(column_depth)]
    values: list[TableCell] = []
    labels, groups = _column_labels(block), _row_labels(block)
    for index, row in enumerate(block.leaf_rows):
        levels = _levels(block.columns, "columns", f"{prefix}l{index}c")
        for level, entries in enumerate(levels):
            column_rows[level] += [_column_cell(heading) for heading in entries]
        column_paths = _paths(levels)
        for position, column in enumerate(block.leaf_columns):
            headers = block_ids + row_paths[row.id] + column_paths[column.id]
            group = groups[row.id] if position == 0 else ""
            values.append(_value_cell(report, table, row, column, headers, 1, labels[column.id], group))
    head.extend(tuple(cells) for cells in column_rows)
    extra = width - _block_width(block)
    if extra:
        values[-1] = replace(values[-1], colspan=1 + extra)
    return TablePart(head=tuple(head), body=(tuple(values),))


def free_table_view(table: FreeTable, table_id: str) -> TableView:
    """A free-form (legacy) report's table of text: header rows of column headings, then rows whose
    first cell heads the row. Empty header cells (merged in the original) stay plain cells."""
    width = max((len(r) for r in table.header + table.rows), default=0)
    head = tuple(
        tuple(
            TableCell(text, header=bool(text), scope="col" if text else "", kind="leaf" if text else "corner")
            for text in row
        )
        for row in table.header
    )
    body = tuple(
        tuple(
            TableCell(text, header=True, scope="row", kind="leaf")
            if index == 0 and text
            else TableCell(text, numeric=bool(NUMERIC_TEXT.match(text.strip())), kind="text")
            for index, text in enumerate(row)
        )
        for row in table.rows
    )
    parts = (TablePart(head=head, body=body),)
    return TableView(table_id, table.caption, width, lambda: parts, kind="free")
