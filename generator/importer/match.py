"""Placing a published table's numbers into the cells of the form, by the labels of the format definition.

The format's blocks, row trees and column trees give every label a table may show. Each source row is
split into its label cells and its value cells; the labels find the row of the form (the row tree's
current group and the form's order settle labels that fit more than one row), and the values are
aligned to the row's leaf columns counting from the right, which survives header and data spans that
do not line up. Every value or label that cannot be placed is reported where it was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import product
from math import prod

from ..check.rules import rule_defining, show
from ..format import Block, Column, Format, Row, Table
from ..model.findings import Finding, Position, error, warning
from ..model.values import Number, cell_key
from .document import Cell, Line
from .labels import ACCEPT, Similarity, is_variant, normalise, similarity, split_numbering
from .split import holds, readings, show_reading, show_readings
from .values import is_blank, is_digits, is_numeric, is_value, plain, read_value

NEAR = 0.03  # candidates this close to the best are told apart by the row tree and the form's order
CLAIM = 3  # a table found outside its section belongs to the form's table whose labels it shows this often
TOKEN = re.compile(r"\S+")
SPACE = re.compile(r"\s+")
TRAILING_DIGITS = re.compile(r"^(?P<label>.*[^\d\s.,+-])(?P<digits>\d+(?:\.\d+)?)$")
SENTENCE = re.compile(r"[。；;！？!?]")


@dataclass(frozen=True)
class Target:
    """A label of the form: a block heading, a row (group or leaf), a column, the corner cell."""

    kind: str  # "row" | "column" | "block" | "corner" | "row_header"
    label: str  # normalised
    zh: str  # as the format writes it
    block: Block
    row: Row | None = None
    column: Column | None = None
    order: int = 0  # rows: place of the row (of a group's first leaf) in the table
    groups: tuple[str, ...] = ()  # rows: ids of the groups above

    @property
    def leaf(self) -> bool:
        return self.row is not None and not self.row.rows


@lru_cache(maxsize=65536)
def _similarity(source: str, target: str) -> Similarity:
    return similarity(source, target)


class Vocabulary:
    """Every label of one table of the form."""

    def __init__(self, table: Table):
        self.table = table
        self.targets: list[Target] = []
        order = 0

        def rows(block: Block, nodes: tuple[Row, ...], groups: tuple[str, ...]) -> None:
            nonlocal order
            for row in nodes:
                self.targets.append(
                    Target("row", normalise(row.label.zh), row.label.zh, block, row=row, order=order, groups=groups)
                )
                if row.rows:
                    rows(block, row.rows, groups + (row.id,))
                else:
                    order += 1

        def columns(block: Block, nodes: tuple[Column, ...]) -> None:
            for column in nodes:
                self.targets.append(Target("column", normalise(column.label.zh), column.label.zh, block, column=column))
                columns(block, column.columns)

        for block in self.table.blocks:
            for kind in ("label", "corner", "row_header"):
                label = getattr(block, kind)
                if label is not None:
                    self.targets.append(
                        Target("block" if kind == "label" else kind, normalise(label.zh), label.zh, block)
                    )
            rows(block, block.rows, ())
            columns(block, block.columns)
        self.rows = {t.row.id: t for t in self.targets if t.row is not None}  # row id -> its target

    def candidates(self, text: str, kinds: tuple[str, ...]) -> list[tuple[Similarity, Target]]:
        """Targets of these kinds that the label may be, best first."""
        label = normalise(text)
        if not label:
            return []
        found = [(_similarity(label, t.label), t) for t in self.targets if t.kind in kinds]
        found = [(s, t) for s, t in found if s.score >= ACCEPT]
        found.sort(key=lambda item: -item[0].score)
        return found

    def exact_hits(self, lines: list[Line]) -> int:
        """How many cells of these lines are labels of this table, word for word (to tell tables apart)."""
        hits = 0
        for line in lines:
            for text in line.texts:
                if not is_value(text) and any(s.kind == "exact" for s, _ in self.candidates(text, ALL_KINDS)):
                    hits += 1
        return hits


ALL_KINDS = ("row", "column", "block", "corner", "row_header")


@dataclass
class Placement:
    """The values placed for one format, and everything the importer has to say about them."""

    values: dict[str, Number] = field(default_factory=dict)
    sources: dict[str, Cell] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    unplaced: int = 0  # values of the source that could not be placed
    missing: list[str] = field(default_factory=list)  # cells of the form without a value
    computed: list[str] = field(default_factory=list)  # totals left out or blank in the source, computed
    exact_labels: int = 0
    fuzzy_labels: int = 0
    unknown_labels: int = 0
    rejected: set[str] = field(default_factory=set)  # cells whose source value was reported as unreadable
    claimed: set[int] = field(default_factory=set)  # id() of lines read as table rows
    intros: dict[str, list[Line]] = field(default_factory=dict)  # table id -> text lines before/around it
    fused: list[Fused] = field(default_factory=list)  # rows of digits run together, split once all are read
    conversions: list[str] = field(default_factory=list)  # values converted to the form's unit, as notes
    guessed: list[tuple] = field(default_factory=list)  # (table id, target, cell, text) of rows found by a fuzzy label

    @property
    def score(self) -> float:
        """How well the source fits this format: placed values and exact labels, less what did not fit."""
        return len(self.values) - len(self.computed) + 0.5 * self.exact_labels - 2 * self.unplaced - self.unknown_labels


@dataclass
class Carry:
    """A row label on a line of its own, waiting for its values (or the rest of its text) on the next line."""

    text: str
    cell: Cell
    target: Target | None
    score: float
    line: Line | None = None  # the line it stands on, when that line is nothing but this text


@dataclass
class Previous:
    """The label of the line before, which the next line may continue."""

    text: str
    target: Target
    score: float


def _split_paragraph(line: Line) -> list[Cell]:
    """A paragraph inside a table's section as cells: its label, then the numbers at its end."""
    cell = line.cells[0]
    tokens = list(TOKEN.finditer(cell.text))
    first_value = len(tokens)
    while first_value > 0 and is_value(tokens[first_value - 1].group()):
        first_value -= 1
    cells = []
    if first_value:
        label = cell.text[: tokens[first_value - 1].end()].strip()
        cells.append(replace(cell, text=label))
    for token in tokens[first_value:]:
        where = Position(cell.position.path, cell.position.line, cell.position.column + token.start())
        cells.append(replace(cell, text=token.group(), position=where))
    return cells


def _split_row(cells: list[Cell]) -> tuple[list[Cell], list[Cell], list[Cell]]:
    """Label cells, value cells (after the last label), and numbers found before a label."""
    labels: list[tuple[int, Cell]] = []
    for index, cell in enumerate(cells):
        text = cell.text.strip()
        if not text or is_numeric(text):
            continue
        if cell.copy and labels and labels[-1][1].text.strip() == text:
            continue  # a colspan repeat of the label before
        labels.append((index, cell))
    last = labels[-1][0] if labels else -1
    values = [c for c in cells[last + 1 :] if not c.copy]
    strays = [c for c in cells[: last + 1] if not c.copy and c.text.strip() and is_numeric(c.text)]
    label_cells = [part for _, c in labels for part in _numbered_parts(c)]
    if label_cells:  # PDF text may fuse the first numbers to the label: 「（七）总计0000000」
        fused = TRAILING_DIGITS.match(label_cells[-1].text.strip())
        if fused and not is_value(fused.group("label")):
            label_cells[-1] = replace(label_cells[-1], text=fused.group("label"))
            values.insert(0, replace(label_cells[-1], text=fused.group("digits")))
    return label_cells, values, strays


def _numbered_parts(cell: Cell) -> list[Cell]:
    """A cell holding labels of several levels (「三、本年度办理结果 (一) 予以公开」, as PDF text runs the
    cells of a row together), split before each numbering that follows a space."""
    starts = [0] + [m.end() for m in SPACE.finditer(cell.text) if split_numbering(normalise(cell.text[m.end() :]))[0]]
    if len(starts) == 1:
        return [cell]
    ends = starts[1:] + [len(cell.text)]
    return [replace(cell, text=cell.text[a:b].strip()) for a, b in zip(starts, ends) if cell.text[a:b].strip()]


def _show_cells(cells: list[Cell]) -> str:
    return "、".join(f"“{c.text.strip()}”" if c.text.strip() else "空格" for c in cells)


class TableReader:
    """Reads the rows of one table of the form from lines of the source, one line after the other."""

    def __init__(self, table: Table, placement: Placement, vocabulary: Vocabulary, exact_cells: bool):
        self.table = table
        self.exact_cells = exact_cells  # empty cells are cells of the table (HTML, Word), not separators (text)
        self.vocabulary = vocabulary
        self.placement = placement
        self.context: Target | None = None  # the row group the last rows were in
        self.last_order = -1
        self.carry: Carry | None = None
        self.previous: Previous | None = None
        self.headers: set[str] = set()  # column ids seen in header rows
        self.intro: list[Line] = []
        self.grid: tuple[Cell, ...] = ()  # the current line's cells when they are a table's real cells
        self.column_at: dict[int, int] = {}  # id() of a leaf column -> its grid column in the header rows
        self.source_table = 0  # the source's table the last line was in
        self.header_width = 0  # grid columns of the header rows

    # --- findings ----------------------------------------------------------------------------------

    def _note(self, cell: Cell, message: str) -> None:
        self.placement.findings.append(warning(cell.position, cell.where + message))

    def _unplaced(self, cells: list[Cell], message: str) -> None:
        cells = [c for c in cells if c.text.strip()] or cells
        self.placement.unplaced += len(cells)
        self.placement.findings.append(error(cells[0].position, cells[0].where + message))

    # --- lines -------------------------------------------------------------------------------------

    def read(self, line: Line) -> None:
        paragraph = not line.table
        self.grid = line.cells if line.grid else ()
        if line.table != self.source_table:  # another table (a PDF's next page): its own header geometry
            self.source_table = line.table
            self.column_at = {}
        cells = _split_paragraph(line) if paragraph else list(line.cells)
        labels, values, strays = _split_row(cells)
        if strays or (len(labels) > 1 and not self.vocabulary.candidates(labels[-1].text, ("row",))):
            labels, values, strays = self._bad_values(cells, labels, values, strays)
        filled = any(c.text.strip() for c in values)
        if not labels and not filled:
            return  # an empty row
        if not filled and values and labels and self.exact_cells:
            found = self.vocabulary.candidates(labels[-1].text, ("row",))
            filled = bool(found) and self._pick(found)[1].leaf  # a row of the form left blank: 0s
        if not filled:
            values = []
        if paragraph and not values and self._is_text(line):
            self.intro.append(line)
            return
        if strays:
            self._unplaced(strays, f"数值{_show_cells(strays)}位于行标签之前，无法确定属于哪一格")
        if values:
            self._data_row(labels, values)
        else:
            self._label_row(labels, line)

    def _bad_values(self, cells: list[Cell], labels, values, strays):
        """A row whose numbers are interrupted by a text (「若干」 in a value cell): the values start after the
        last label that names a row of the form, when the row's cells fit there."""
        for cell in reversed(labels[:-1] if not strays else labels):
            found = self.vocabulary.candidates(cell.text, ("row",))
            if not found or not self._pick(found)[1].leaf:
                continue
            target = self._pick(found)[1]
            at = next(i for i, c in enumerate(cells) if c.position == cell.position and cell.text in c.text)
            after = cells[at + 1 :]
            rest = [c for c in after if not c.copy]
            aligned = align(self._slots(target.block, [target.row]), rest)
            if aligned.cells is None or aligned.extra:
                return labels, values, strays
            head = labels[: labels.index(cell) + 1]
            before = [c for c in cells[:at] if not c.copy and c.text.strip() and is_numeric(c.text)]
            return head, rest, before
        return labels, values, strays

    def _is_text(self, line: Line) -> bool:
        """A sentence before or after the table (说明文字), not a label of the form."""
        text = line.text.strip()
        if text.startswith(("注", "单位", "说明", "备注", "数据来源")):
            return True
        if len(text) <= 30 and not SENTENCE.search(text):
            return False
        return not self.vocabulary.candidates(text, ALL_KINDS)

    def finish(self) -> None:
        self._drop_carry()
        self.placement.intros.setdefault(self.table.id, []).extend(self.intro)

    def _drop_carry(self) -> None:
        carry, self.carry = self.carry, None
        if carry is None or carry.target is not None:
            return
        self.placement.unknown_labels += 1
        if carry.line is not None and not carry.line.table:
            self.intro.append(carry.line)
            self._note(
                carry.cell,
                f"未能识别的文字“{carry.text}”，不是“{self.table.section.heading}”表中的标签，已作为表格说明文字保留",
            )
        else:
            self._note(
                carry.cell, f"未能识别的文字“{carry.text}”，不是“{self.table.section.heading}”表中的标签，已忽略"
            )

    # --- choosing targets --------------------------------------------------------------------------

    def _pick(self, found: list[tuple[Similarity, Target]]) -> tuple[Similarity, Target]:
        best = found[0][0].score
        near = [item for item in found if item[0].score >= best - NEAR]
        if len(near) == 1:
            return near[0]
        group = self.context.row.id if self.context is not None and self.context.row is not None else None

        def rank(item: tuple[Similarity, Target]):
            score, target = item
            in_group = group is not None and group in target.groups
            return (in_group, target.order > self.last_order, -abs(target.order - self.last_order), score.score)

        return max(near, key=rank)

    def _label_seen(self, cell: Cell, found: Similarity, target: Target) -> None:
        if found.kind == "exact":
            self.placement.exact_labels += 1
            if is_variant(cell.text):
                self._note(cell, f"“{cell.text.strip()}”与表中标签“{target.zh}”不一致，已按“{target.zh}”读取")
        elif found.kind == "fuzzy":
            self.placement.fuzzy_labels += 1
            self._note(cell, f"“{cell.text.strip()}”与表中标签“{target.zh}”不完全一致，已按“{target.zh}”读取，请核对")
        if target.kind == "row":
            if target.leaf:
                self.context = self.vocabulary.rows.get(target.groups[-1]) if target.groups else None
                self.last_order = target.order
            else:
                self.context = target
        elif target.kind == "column":
            self.headers.add(target.column.id)
            at = next((i for i, c in enumerate(self.grid) if c is cell), None)
            if at is not None and not target.column.columns:
                self.column_at[id(target.column)] = at
                self.header_width = len(self.grid)

    def _row_of(self, labels: list[Cell]) -> tuple[Similarity, Target, str, Cell] | None:
        """The row of the form that these labels name (the last one naming a leaf row wins)."""
        leaf = group = None
        for cell in labels:
            found = self.vocabulary.candidates(cell.text, ("row",))
            if not found:
                leaf = group = None  # the row's own label comes last: an unknown one is not its group's
                continue
            score, target = self._pick(found)
            self._label_seen(cell, score, target)
            if target.leaf:
                leaf = (score, target, cell.text, cell)
            else:
                group = (score, target, cell.text, cell)
        chosen = leaf or group
        if self.carry is not None and labels:
            joined = self.carry.text + labels[0].text
            found = self.vocabulary.candidates(joined, ("row",))
            if found and (chosen is None or found[0][0].score > chosen[0].score):
                score, target = self._pick(found)
                self._label_seen(self.carry.cell, score, target)
                chosen = (score, target, joined, self.carry.cell)
                self.carry = None
        return chosen

    # --- label rows --------------------------------------------------------------------------------

    def _continues(self, text: str) -> bool:
        """A line that finishes the label of the line before (a label broken over two lines)."""
        for pending in (self.previous, self.carry):
            if pending is None or pending.target is None:
                continue
            joined = pending.text + text
            found = _similarity(normalise(joined), pending.target.label)
            if found.score > pending.score + 0.01:
                pending.text, pending.score = joined, found.score
                return True
        if self.carry is not None and self.carry.target is None:
            joined = self.carry.text + text
            found = self.vocabulary.candidates(joined, ("row",))
            if found:
                score, target = self._pick(found)
                self.carry = Carry(joined, self.carry.cell, target, score.score)
                return True
        return False

    def _label_row(self, labels: list[Cell], line: Line | None) -> None:
        if len(labels) == 1 and self._continues(labels[0].text):
            return
        self.previous = None
        known: list[Target] = []
        unknown: list[Cell] = []
        for cell in labels:
            found = self.vocabulary.candidates(cell.text, ALL_KINDS)
            parts = cell.text.split()
            matches = [self.vocabulary.candidates(p, ALL_KINDS) for p in parts] if len(parts) > 1 else []
            if (not found or found[0][0].kind != "exact") and matches and all(matches):
                # several labels in one cell, as text from a PDF runs a header row together
                for part, found in zip(parts, matches):
                    score, target = self._pick(found)
                    self._label_seen(replace(cell, text=part), score, target)
                    known.append(target)
            elif found:
                score, target = self._pick(found)
                self._label_seen(cell, score, target)
                known.append(target)
            else:
                unknown.append(cell)
        self._drop_carry()
        leaves = [t for t in known if t.leaf]
        only_row = len(leaves) == 1 and known[-1] is leaves[0] and not any(t.kind == "column" for t in known)
        if only_row and not unknown:
            found = _similarity(normalise(labels[-1].text), leaves[0].label)
            self.carry = Carry(labels[-1].text, labels[-1], leaves[0], found.score)
        elif unknown and not known and len(unknown) == 1:
            self.carry = Carry(unknown[0].text.strip(), unknown[0], None, 0.0, line if len(labels) == 1 else None)
        else:
            for cell in unknown:
                self.placement.unknown_labels += 1
                self._note(
                    cell, f"未能识别的文字“{cell.text.strip()}”，不是“{self.table.section.heading}”表中的标签，已忽略"
                )

    # --- data rows ---------------------------------------------------------------------------------

    def _data_row(self, labels: list[Cell], values: list[Cell]) -> None:
        if labels and self._headers_only(labels):  # a header row run together with the values under it
            self._label_row(labels, None)
            labels = []
        chosen = self._row_of(labels) if labels else None
        if chosen is None and not labels:
            if self.carry is not None and self.carry.target is not None and self.carry.target.leaf:
                target = self.carry.target
                if self._fits(self._slots(target.block, [target.row]), values):
                    chosen = (Similarity(self.carry.score, "exact"), target, self.carry.text, self.carry.cell)
                    self.carry = None
            if chosen is None:
                for block in self.table.blocks:
                    if block.layout == "one_line" and self._fits(self._slots(block, list(block.leaf_rows)), values):
                        self._drop_carry()
                        self._place(
                            self._slots(block, list(block.leaf_rows)),
                            values,
                            block.label.zh if block.label else self.table.section.label.zh,
                        )
                        return
        self._drop_carry()
        if chosen is None:
            unknown = [c for c in labels if not self.vocabulary.candidates(c.text, ("row",))] or labels
            names = "、".join(f"“{c.text.strip()}”" for c in unknown)
            why = f"行标签{names}未能识别" if labels else "这一行没有行标签"
            self._unplaced(values, f"{why}，这一行的 {len([v for v in values if v.text.strip()])} 个数值未能导入")
            self.previous = None
            return
        score, target, text, cell = chosen
        if not target.leaf:
            self._unplaced(values, f"“{target.zh}”是分组标题，表中没有它自己的数值格；这一行的数值未能导入")
            self.previous = None
            return
        self.previous = Previous(text, target, score.score)
        self._place(self._slots(target.block, [target.row]), values, target.zh)
        if score.kind == "fuzzy":  # a label spelt otherwise: the rules must confirm it (confirm_guesses)
            self.placement.guessed.append((self.table.id, target, cell, text))

    def _headers_only(self, labels: list[Cell]) -> bool:
        """Labels that name columns or blocks of the table and no row."""
        for cell in labels:
            found = self.vocabulary.candidates(cell.text, ALL_KINDS)
            if not found or found[0][0].kind != "exact" or found[0][1].kind == "row":
                return False
            if self.vocabulary.candidates(cell.text, ("row",)):
                return False
        return True

    def _slots(self, block: Block, rows: list[Row]) -> Slots:
        full = [(row, column) for row in rows for column in block.leaf_columns]
        short = [(row, column) for row, column in full if not column.may_omit]
        shown = {c.id for _, c in short} <= self.headers  # the header rows name every other column
        return Slots(full, short, shown and not ({c.id for _, c in full if c.may_omit} & self.headers))

    def _fits(self, slots: Slots, values: list[Cell]) -> bool:
        aligned = align(slots, values)
        return (aligned.cells is not None and not aligned.extra) or (not self.grid and _fused(slots, values))

    def _by_position(self, slots: Slots, values: list[Cell]) -> Alignment | None:
        """Values of real cells placed by the grid column of their column's header (colspan, rowspan and
        merged Word cells included), each blank cell in its own place; None when the header did not
        show every column, or a cell under a column is not one of this row's values."""
        starts = [self.column_at.get(id(column)) for _, column in slots.full]
        if not self.grid or None in starts or len(set(starts)) < len(starts):
            return None
        if len(self.grid) != self.header_width:  # a row of other spans than the header's: counted from the right
            return None
        own = {id(c) for c in values}
        picked: list[Cell] = []
        for start in starts:
            cell = self.grid[start] if start < len(self.grid) else None
            if cell is None or (cell.copy and not cell.text.strip()):
                cell = cell or Cell("", self.grid[-1].position, self.grid[-1].place, copy=True)
            elif id(cell) not in own:
                return None  # a label, or a merged value cell reaching over this column
            picked.append(cell)
        placed = {id(c) for c in picked}
        if any(c.text.strip() and id(c) not in placed for c in values):
            return None
        return Alignment([(row, column, cell) for (row, column), cell in zip(slots.full, picked)])

    def _place(self, slots: Slots, values: list[Cell], label: str) -> None:
        aligned = self._by_position(slots, values) or align(slots, values)
        if aligned.extra:
            self._unplaced(
                aligned.extra,
                f"“{label}”一行多出 {len(aligned.extra)} 个数值{_show_cells(aligned.extra)}（应为 {len(slots.full)} 个），"
                "按从右数的列对齐后这些数值未能导入",
            )
        if aligned.cells is None and not self.grid and _fused(slots, values):
            self.placement.fused.append(Fused(self, slots, [c for c in values if c.text.strip()], label))
            return  # split once every other row is in, by the form's rules (split_fused)
        if aligned.cells is None:
            numbers = [c for c in values if c.text.strip()] or values
            self._unplaced(numbers, f"“{label}”一行{aligned.problem}（{_show_cells(values)}），这一行未能导入")
            return
        self._put(aligned, label)

    def _put(self, aligned: Alignment, label: str) -> None:
        """Read the aligned cells into the placement, noting blanks, units and duplicates."""
        blanks: dict[str, list[str]] = {}
        first_blank: Cell | None = None
        several_rows = len({row.id for row, _, _ in aligned.cells}) > 1
        for row, column, cell in aligned.cells:
            key = cell_key(self.table.id, row.id, column.id)
            if cell is None or (column.may_omit and is_blank(cell.text)):
                self.placement.computed.append(key)  # computed once every other cell is in
                continue
            reading = read_value(cell.text, column.type)
            if reading.problem:
                self._unplaced([cell], f"“{row.label.zh}”的“{column.label.zh}”：{reading.problem}，未能导入")
                self.placement.rejected.add(key)
                continue
            if key in self.placement.values:
                first = self.placement.sources[key]
                self._unplaced(
                    [cell],
                    f"“{row.label.zh}”的“{column.label.zh}”重复出现（已在 {first.position} 读到 "
                    f"{show(self.placement.values[key])}），未能导入",
                )
                continue
            if reading.note:
                self._note(cell, f"“{row.label.zh}”的“{column.label.zh}”：{reading.note}")
                self.placement.conversions.append(f"{key}：{reading.note}")
            if reading.blank is not None:
                first_blank = first_blank or cell
                name = f"{row.label.zh}的{column.label.zh}" if several_rows else column.label.zh
                blanks.setdefault(reading.blank, []).append(name)
            self.placement.values[key] = reading.value
            self.placement.sources[key] = cell
        if first_blank is not None:
            shown = "；".join(
                f"{'、'.join(names)}为{'空格' if mark == '' else f'“{mark}”'}" for mark, names in blanks.items()
            )
            self._note(first_blank, f"“{label}”一行的{shown}，按 0 导入")


@dataclass
class Fused:
    """A row of text whose digits ran together, waiting for the form's rules to say how they split."""

    reader: TableReader
    slots: Slots
    values: list[Cell]  # its non-empty cells, in order
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
        values = {}
        for (row, column), part in zip(target, parts):
            reading = read_value(part, column.type)
            if reading.problem:
                return None
            values[cell_key(self.reader.table.id, row.id, column.id)] = reading.value
        return values


def _fused(slots: Slots, values: list[Cell]) -> bool:
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
            count = f"有 {len(fused.values)} 个数值，应为 {len(fused.slots.full)} 个（{_show_cells(fused.values)}）"
            message = f"“{fused.label}”一行{count}；若是数字连在一起：{why}；这一行未能导入"
        fused.reader._unplaced(fused.values, message)


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
    fused.reader._note(
        fused.values[0], f"“{fused.label}”一行的数字连在一起（“{shown}”），{how} {show_reading(parts)}，已按此导入"
    )
    placed = dict(zip(target, _cut_cells(fused.values, parts)))
    fused.reader._put(
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


def _cut_cells(cells: list[Cell], parts: list[str]) -> list[Cell]:
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
    cells: list[tuple[Row, Column, Cell | None]] | None  # None: the values do not fit (see problem)
    extra: list[Cell] = field(default_factory=list)  # numbers left over on the left
    problem: str = ""


def align(slots: Slots, values: list[Cell]) -> Alignment:
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
    trailing: list[Cell] = []
    while cells and is_blank(cells[-1].text):
        trailing.insert(0, cells.pop())
    extra: list[Cell] = []
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
            total = rule_defining(fmt, table, row, column, placement.values)
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
