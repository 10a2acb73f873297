"""Placing a published table's numbers into the cells of the form, by the labels of the format definition.

The format's blocks, row trees and column trees give every label a table may show (vocabulary.py). Each
source row is split into its label cells and its value cells; the labels find the row of the form
(rows.py), and the values are aligned to the row's leaf columns counting from the right, which survives
header and data spans that do not line up (alignment.py). This module runs that over every table of a
format, confirms rows found by a label spelt otherwise, computes totals left out and lists what is
missing. Every value or label that cannot be placed is reported where it was found.
"""

from __future__ import annotations

from ..model.findings import Position, error, warning
from ..model.format import Format
from ..model.values import cell_key
from .alignment import split_fused
from .document import Line
from .rows import Placement, TableReader
from .split import holds
from .vocabulary import Vocabulary

CLAIM = 3  # a table found outside its section belongs to the form's table whose labels it shows this often


def confirm_guesses(fmt: Format, placement: Placement) -> None:
    """Rows found by a label spelt otherwise than the form's are kept only where the form's rules that
    involve the row can be checked and hold: a guess is confirmed by the arithmetic or not made."""
    for table_id, target, cell, text in placement.guessed:
        keys = [cell_key(table_id, target.row.id, column.id) for column in target.block.leaf_columns]
        row = {key: placement.values[key] for key in keys if key in placement.values}
        if not row:
            continue
        holding, checked = holds(fmt, row, placement.values)
        if holding and checked:
            continue
        for key in row:
            del placement.values[key]
            placement.sources.pop(key, None)
        placement.rejected.update(keys)
        placement.unplaced += len(row)
        why = "按它读入后表中的勾稽关系不成立" if not holding else "表中没有能核对这一行的勾稽关系"
        placement.findings.append(
            error(
                cell.position,
                f"{cell.where}“{text.strip()}”与表中标签“{target.zh}”不完全一致，{why}，无法确认是这一行；"
                "这一行的数值未能导入，请把标签改为表中的写法后重新导入",
            )
        )


def _segments(lines: list[Line]) -> list[list[Line]]:
    """Runs of lines of the same source table."""
    runs: list[list[Line]] = []
    for line in lines:
        if not line.table:
            continue
        if runs and runs[-1][-1].table == line.table:
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def place_tables(
    fmt: Format, regions: dict[str, list[Line]], headings: dict[str, Line], path: str, exact_cells: bool
) -> Placement:
    """Read every table of the format from the lines of its section (and tables found elsewhere)."""
    placement = Placement()
    vocabularies = {table_id: Vocabulary(table) for table_id, table in fmt.tables.items()}
    feeds: dict[str, list[Line]] = {table_id: list(regions.get(table_id, [])) for table_id in fmt.tables}
    for section_id, lines in regions.items():  # a table outside its section, e.g. under a heading that was not found
        if section_id in fmt.tables:
            continue
        for run in _segments(lines):
            hits = sorted(((v.exact_hits(run), table_id) for table_id, v in vocabularies.items()), reverse=True)
            if hits and hits[0][0] >= CLAIM:
                feeds[hits[0][1]].extend(run)
                placement.claimed.update(id(line) for line in run)
    for table_id, table in fmt.tables.items():
        reader = TableReader(table, placement, vocabularies[table_id], exact_cells)
        for line in feeds[table_id]:
            reader.read(line)
        reader.finish()
    split_fused(fmt, placement)
    confirm_guesses(fmt, placement)
    _complete(fmt, placement, headings, path)
    return placement


def _complete(fmt: Format, placement: Placement, headings: dict[str, Line], path: str) -> None:
    """Compute totals the source left out; list the cells of the form still without a value."""
    computed = set()
    for key in placement.computed:
        table, row, column = key.split(".")
        if key not in placement.values:
            total = fmt.computed_total(table, row, column, placement.values)
            if total is not None:
                placement.values[key] = total
                computed.add(key)
    placement.computed = sorted(computed)
    for table in fmt.tables.values():
        heading = headings.get(table.id)
        where = heading.position if heading is not None else Position(path)
        totals = [key for key in placement.computed if key.startswith(table.id + ".")]
        if totals:
            placement.findings.append(
                warning(
                    where, f"“{table.section.heading}”中有 {len(totals)} 个总计在原文中为空或缺少，已按各项之和计算"
                )
            )
        keys = [
            (block, row, cell_key(table.id, row.id, c.id))
            for block, row in table.row_entries()
            for c in block.leaf_columns
        ]
        absent = [key for _, _, key in keys if key not in placement.values]
        placement.missing += absent
        if absent and len(absent) == len(keys):
            message = (
                f"原文中有“{table.section.heading}”的标题，但没有找到表中的数值"
                if heading is not None
                else f"原文中没有找到“{table.section.heading}”的标题和表格"
            )
            placement.findings.append(error(where, message))
            continue
        for block, row in table.row_entries():
            columns = [
                c
                for c in block.leaf_columns
                if cell_key(table.id, row.id, c.id) not in placement.values
                and cell_key(table.id, row.id, c.id) not in placement.rejected
            ]
            if columns:
                what = (
                    "一行"
                    if len(columns) == len(block.leaf_columns)
                    else "一行的" + "、".join(c.label.zh for c in columns)
                )
                placement.findings.append(
                    error(where, f"原文“{table.section.heading}”中没有找到“{row.label.zh}”{what}的数值")
                )
