"""Aligning a row's values to the cells of the form: counting from the right, by the header's grid columns,
and splitting digits run together (PDF text) the one way the form's rules allow.

Part of the importer; imports the model and the importer's value reading and splitting.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import product
from math import prod
from typing import TYPE_CHECKING

from ..model.findings import Position
from ..model.format import Column, Format, Row
from ..model.values import Number, cell_key
from .document import SourceCell
from .split import holds, readings, show_reading, show_readings
from .values import is_blank, is_digits, plain, read_value

if TYPE_CHECKING:
    from .rows import Placement, TableReader


def show_cells(cells: list[SourceCell]) -> str:
    """Cells as a finding quotes them: “3”、空格、“5”."""
    return "、".join(f"“{c.text.strip()}”" if c.text.strip() else "空格" for c in cells)


@dataclass
class Fused:
    """A row of text whose digits ran together, waiting for the form's rules to say how they split."""

    reader: TableReader
    slots: Slots
    values: list[SourceCell]  # its non-empty cells, in order
    label: str

    def readings(self) -> list[tuple[list[tuple[Row, Column]], list[str]]] | None:
        """Every way of cutting the cells into the row's cells (into all but the total, too, where the
        header showed no total column); None when there are too many to search."""
        targets = [self.slots.full]
        if self.slots.total_left_out and len(self.slots.short) < len(self.slots.full):
            targets.append(self.slots.short)
        tokens = [plain(c.text) for c in self.values]
        found = []
        for target in targets:
            ways = readings(tokens, len(target))
            if ways is None:
                return None
            found += [(target, parts) for parts in ways]
        return found

    def row_values(self, target: list[tuple[Row, Column]], parts: list[str]) -> dict[str, Number] | None:
        """The cells' values when the row is cut into these parts; None when a part is no value of its column."""
        values = {}
        for (row, column), part in zip(target, parts):
            reading = read_value(part, column.type)
            if reading.problem:
                return None
            values[cell_key(self.reader.table.id, row.id, column.id)] = reading.value
        return values


def may_be_fused(slots: Slots, values: list[SourceCell]) -> bool:
    """Whether the cells may be digits run together into fewer cells than the row has."""
    tokens = [plain(c.text) for c in values if c.text.strip()]
    runs = [t for t in tokens if t.isdigit() and len(t) > 1]
    room = sum(len(t) if t.isdigit() else 1 for t in tokens)
    return bool(runs) and len(tokens) < len(slots.full) and room >= len(slots.short)


def split_fused(fmt: Format, placement: Placement) -> None:
    """Split each row of digits run together the one way the form's rules allow, once the other rows are
    in (rows that only the columns of the form can tell apart are tried together); rows that split
    several ways or none are reported with their readings and not imported."""
    pending = list(placement.fused)
    searched: dict[int, list | None] = {id(f): f.readings() for f in pending}
    progress = True
    while pending and progress:
        progress = False
        for fused in list(pending):
            found = searched[id(fused)]
            if found is None:
                continue
            survivors, checked = _survivors(fmt, fused, found, placement.values)
            searched[id(fused)] = survivors or found  # more rows known only rule out more cuts
            if len(survivors) == 1:
                pending.remove(fused)
                progress = True
                _use(fused, survivors[0], "按表中的勾稽关系只能拆为" if checked else "按位数只能拆为")
        if not progress and len(pending) > 1:
            for fused, reading in _jointly(fmt, pending, searched, placement.values):
                pending.remove(fused)
                progress = True
                _use(fused, reading, "与其他数字连在一起的行一起，按表中的勾稽关系只能拆为")
    for fused in pending:
        found = searched[id(fused)]
        survivors, checked = _survivors(fmt, fused, found, placement.values) if found else ([], 0)
        if found is None:
            why = "可能的拆法过多，无法确定"
        elif survivors and not checked:
            why = f"可拆为 {show_readings([parts for _, parts in survivors])}，表中没有能核对这一行的勾稽关系，无法确定"
        elif survivors:
            why = f"可拆为 {show_readings([parts for _, parts in survivors])}，都符合表中的勾稽关系，无法确定"
        elif found:
            why = f"可拆为 {show_readings([parts for _, parts in found])}，但没有一种符合表中的勾稽关系"
        else:
            why = "没有一种拆法能填满这一行"
        shown = " ".join(c.text.strip() for c in fused.values)
        if len(fused.values) == 1:
            message = f"“{fused.label}”一行的数字连在一起（“{shown}”），无法确定如何拆分：{why}；这一行未能导入"
        else:
            count = f"有 {len(fused.values)} 个数值，应为 {len(fused.slots.full)} 个（{show_cells(fused.values)}）"
            message = f"“{fused.label}”一行{count}；若是数字连在一起：{why}；这一行未能导入"
        fused.reader.not_imported(fused.values, message)


JOINT = 100000  # combinations of several fused rows' readings tried together, at most
GOOD = 64  # combinations that fit every rule, beyond which the rows are left as they are


def _jointly(fmt: Format, pending: list[Fused], searched: dict, known: dict[str, Number]) -> list:
    """Rows of one table that each split several ways, tried together against the rules down the columns:
    the rows whose reading is the same in every combination that fits."""
    for table in dict.fromkeys(f.reader.table.id for f in pending):
        group, options = [], []
        for fused in pending:
            found = searched[id(fused)]
            if fused.reader.table.id != table or not found:
                continue
            survivors, checked = _survivors(fmt, fused, found, known)
            if survivors and checked:
                group.append(fused)
                options.append(survivors)
        if len(group) < 2 or prod(len(o) for o in options) > JOINT:
            continue
        good = []
        for combination in product(*options):
            rows: dict[str, Number] = {}
            for fused, (target, parts) in zip(group, combination):
                rows.update(fused.row_values(target, parts) or {})
            if holds(fmt, rows, known)[0]:
                good.append(combination)
                if len(good) > GOOD:
                    break
        if not good or len(good) > GOOD:
            continue
        settled = [(f, good[0][i]) for i, f in enumerate(group) if all(c[i] == good[0][i] for c in good)]
        if settled:
            return settled
    return []


def _use(fused: Fused, reading: tuple[list[tuple[Row, Column]], list[str]], how: str) -> None:
    target, parts = reading
    shown = " ".join(c.text.strip() for c in fused.values)
    fused.reader.note(
        fused.values[0], f"“{fused.label}”一行的数字连在一起（“{shown}”），{how} {show_reading(parts)}，已按此导入"
    )
    placed = dict(zip(target, _cut_cells(fused.values, parts)))
    fused.reader.put(
        Alignment([(row, column, placed.get((row, column))) for row, column in fused.slots.full]), fused.label
    )


def _survivors(fmt: Format, fused: Fused, found: list, known: dict[str, Number]) -> tuple[list, int]:
    survivors = []
    checked = 0
    for target, parts in found:
        row = fused.row_values(target, parts)
        if row is None:
            continue
        ok, count = holds(fmt, row, known)  # the row's own cells are not known yet: row first
        checked = max(checked, count)
        if ok:
            survivors.append((target, parts))
    return survivors, checked


def _cut_cells(cells: list[SourceCell], parts: list[str]) -> list[SourceCell]:
    """The parts as cells, each at the cell (and column within it) it was cut from."""
    out = []
    queue = iter(parts)
    for cell in cells:
        text = plain(cell.text)
        taken = 0
        while taken < len(text):
            part = next(queue)
            where = Position(cell.position.path, cell.position.line, cell.position.column + taken)
            out.append(replace(cell, text=part, position=where))
            taken += len(part)
    return out


@dataclass(frozen=True)
class Slots:
    """The cells a line of values fills: every column, and every column but those that may be left out."""

    full: list[tuple[Row, Column]]
    short: list[tuple[Row, Column]]
    total_left_out: bool = False  # the header rows show the columns but not the one that may be left out


@dataclass(frozen=True)
class Alignment:
    """A row's values placed in its cells, or why they do not fit."""

    cells: list[tuple[Row, Column, SourceCell | None]] | None  # None: the values do not fit (see problem)
    extra: list[SourceCell] = field(default_factory=list)  # numbers left over on the left
    problem: str = ""


def align(slots: Slots, values: list[SourceCell]) -> Alignment:
    """Values to cells counting from the right, so that a label spanning more or fewer columns than the
    header does not shift them. Blank cells at the end may be merged-cell leftovers and are used only
    when needed. Digits run together (PDF text) are never split here: see split_fused."""
    full, short = slots.full, slots.short
    filled = [c for c in values if not is_blank(c.text)]
    if slots.total_left_out and len(short) < len(full) and len(filled) <= len(short):  # no 总计 in the header
        aligned = align(Slots(short, short), values)
        if aligned.cells is not None:
            placed = {(row.id, column.id): cell for row, column, cell in aligned.cells}
            aligned.cells[:] = [(row, column, placed.get((row.id, column.id))) for row, column in full]
        return aligned
    cells = list(values)
    trailing: list[SourceCell] = []
    while cells and is_blank(cells[-1].text):
        trailing.insert(0, cells.pop())
    extra: list[SourceCell] = []
    if len(cells) > len(full):
        left, cells = cells[: len(cells) - len(full)], cells[len(cells) - len(full) :]
        extra = [c for c in left if not is_blank(c.text)]
    filled = [c for c in cells if not is_blank(c.text)]
    if len(cells) < len(full):
        cells += trailing[: len(full) - len(cells)]
    if len(cells) == len(full):
        return Alignment([(row, column, cell) for (row, column), cell in zip(full, cells)], extra)
    if len(short) < len(full) and len(cells) == len(short):
        placed = dict(zip(short, cells))
        return Alignment([(row, column, placed.get((row, column))) for row, column in full], extra)
    run_together = len(filled) == 1 and is_digits(filled[0].text) and len(filled[0].text.strip()) > 1
    problem = "的数字连在一起，无法确定如何拆分" if run_together else f"有 {len(cells)} 个数值，应为 {len(full)} 个"
    return Alignment(None, extra, problem=problem)
