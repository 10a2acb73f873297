"""Reading the rows of one table of the form from the lines of a published copy, one line after the other:
each line split into label cells and value cells, the labels finding the row of the form (the row tree's
current group and the form's order settle labels that fit more than one row), the values handed to the
alignment. Everything found goes into a Placement.

Part of the importer; imports the model and the importer's vocabulary, alignment and value reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..model.findings import Finding, Position, error, warning
from ..model.format import Block, Row, Table
from ..model.numbers import format_number
from ..model.values import Number, cell_key
from .alignment import Alignment, Fused, Slots, align, may_be_fused, show_cells
from .document import Line, SourceCell
from .labels import Similarity, is_variant, normalise, split_numbering
from .values import is_blank, is_numeric, is_value, read_value
from .vocabulary import ALL_KINDS, Target, Vocabulary, cached_similarity

NEAR = 0.03  # candidates this close to the best are told apart by the row tree and the form's order
TOKEN = re.compile(r"\S+")
SPACE = re.compile(r"\s+")
TRAILING_DIGITS = re.compile(r"^(?P<label>.*[^\d\s.,+-])(?P<digits>\d+(?:\.\d+)?)$")
SENTENCE = re.compile(r"[。；;！？!?]")


@dataclass
class Placement:
    """The values placed for one format, and everything the importer has to say about them."""

    values: dict[str, Number] = field(default_factory=dict)
    sources: dict[str, SourceCell] = field(default_factory=dict)
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
    cell: SourceCell
    target: Target | None
    score: float
    line: Line | None = None  # the line it stands on, when that line is nothing but this text


@dataclass
class Previous:
    """The label of the line before, which the next line may continue."""

    text: str
    target: Target
    score: float


def _split_paragraph(line: Line) -> list[SourceCell]:
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


def _split_row(cells: list[SourceCell]) -> tuple[list[SourceCell], list[SourceCell], list[SourceCell]]:
    """Label cells, value cells (after the last label), and numbers found before a label."""
    labels: list[tuple[int, SourceCell]] = []
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


def _numbered_parts(cell: SourceCell) -> list[SourceCell]:
    """A cell holding labels of several levels (「三、本年度办理结果 (一) 予以公开」, as PDF text runs the
    cells of a row together), split before each numbering that follows a space."""
    starts = [0] + [m.end() for m in SPACE.finditer(cell.text) if split_numbering(normalise(cell.text[m.end() :]))[0]]
    if len(starts) == 1:
        return [cell]
    ends = starts[1:] + [len(cell.text)]
    return [replace(cell, text=cell.text[a:b].strip()) for a, b in zip(starts, ends) if cell.text[a:b].strip()]


class TableReader:
    """Reads the rows of one table of the form from lines of the source, one line after the other."""

    def __init__(self, table: Table, placement: Placement, vocabulary: Vocabulary, exact_cells: bool) -> None:
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
        self.grid: tuple[SourceCell, ...] = ()  # the current line's cells when they are a table's real cells
        self.column_at: dict[int, int] = {}  # id() of a leaf column -> its grid column in the header rows
        self.source_table = 0  # the source's table the last line was in
        self.header_width = 0  # grid columns of the header rows

    # --- findings ----------------------------------------------------------------------------------

    def note(self, cell: SourceCell, message: str) -> None:
        """A warning at the cell: something was read otherwise than written."""
        self.placement.findings.append(warning(cell.position, cell.where + message))

    def not_imported(self, cells: list[SourceCell], message: str) -> None:
        """An error at the first of these cells, whose values could not be placed (counted as unplaced)."""
        cells = [c for c in cells if c.text.strip()] or cells
        self.placement.unplaced += len(cells)
        self.placement.findings.append(error(cells[0].position, cells[0].where + message))

    # --- lines -------------------------------------------------------------------------------------

    def read(self, line: Line) -> None:
        """Read the next line of the source: a data row, a header or label row, or text around the table."""
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
            self.not_imported(strays, f"数值{show_cells(strays)}位于行标签之前，无法确定属于哪一格")
        if values:
            self._data_row(labels, values)
        else:
            self._label_row(labels, line)

    def _bad_values(
        self, cells: list[SourceCell], labels: list[SourceCell], values: list[SourceCell], strays: list[SourceCell]
    ) -> tuple[list[SourceCell], list[SourceCell], list[SourceCell]]:
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
        """After the table's last line: report a label left waiting, keep the text around the table."""
        self._drop_carry()
        self.placement.intros.setdefault(self.table.id, []).extend(self.intro)

    def _drop_carry(self) -> None:
        carry, self.carry = self.carry, None
        if carry is None or carry.target is not None:
            return
        self.placement.unknown_labels += 1
        if carry.line is not None and not carry.line.table:
            self.intro.append(carry.line)
            self.note(
                carry.cell,
                f"未能识别的文字“{carry.text}”，不是“{self.table.section.heading}”表中的标签，已作为表格说明文字保留",
            )
        else:
            self.note(carry.cell, f"未能识别的文字“{carry.text}”，不是“{self.table.section.heading}”表中的标签，已忽略")

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

    def _label_seen(self, cell: SourceCell, found: Similarity, target: Target) -> None:
        if found.kind == "exact":
            self.placement.exact_labels += 1
            if is_variant(cell.text):
                self.note(cell, f"“{cell.text.strip()}”与表中标签“{target.zh}”不一致，已按“{target.zh}”读取")
        elif found.kind == "fuzzy":
            self.placement.fuzzy_labels += 1
            self.note(cell, f"“{cell.text.strip()}”与表中标签“{target.zh}”不完全一致，已按“{target.zh}”读取，请核对")
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

    def _row_of(self, labels: list[SourceCell]) -> tuple[Similarity, Target, str, SourceCell] | None:
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
            found = cached_similarity(normalise(joined), pending.target.label)
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

    def _label_row(self, labels: list[SourceCell], line: Line | None) -> None:
        if len(labels) == 1 and self._continues(labels[0].text):
            return
        self.previous = None
        known: list[Target] = []
        unknown: list[SourceCell] = []
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
            found = cached_similarity(normalise(labels[-1].text), leaves[0].label)
            self.carry = Carry(labels[-1].text, labels[-1], leaves[0], found.score)
        elif unknown and not known and len(unknown) == 1:
            self.carry = Carry(unknown[0].text.strip(), unknown[0], None, 0.0, line if len(labels) == 1 else None)
        else:
            for cell in unknown:
                self.placement.unknown_labels += 1
                self.note(
                    cell, f"未能识别的文字“{cell.text.strip()}”，不是“{self.table.section.heading}”表中的标签，已忽略"
                )

    # --- data rows ---------------------------------------------------------------------------------

    def _data_row(self, labels: list[SourceCell], values: list[SourceCell]) -> None:
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
            self.not_imported(values, f"{why}，这一行的 {len([v for v in values if v.text.strip()])} 个数值未能导入")
            self.previous = None
            return
        score, target, text, cell = chosen
        if not target.leaf:
            self.not_imported(values, f"“{target.zh}”是分组标题，表中没有它自己的数值格；这一行的数值未能导入")
            self.previous = None
            return
        self.previous = Previous(text, target, score.score)
        self._place(self._slots(target.block, [target.row]), values, target.zh)
        if score.kind == "fuzzy":  # a label spelt otherwise: the rules must confirm it (confirm_guesses)
            self.placement.guessed.append((self.table.id, target, cell, text))

    def _headers_only(self, labels: list[SourceCell]) -> bool:
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

    def _fits(self, slots: Slots, values: list[SourceCell]) -> bool:
        aligned = align(slots, values)
        return (aligned.cells is not None and not aligned.extra) or (not self.grid and may_be_fused(slots, values))

    def _by_position(self, slots: Slots, values: list[SourceCell]) -> Alignment | None:
        """Values of real cells placed by the grid column of their column's header (colspan, rowspan and
        merged Word cells included), each blank cell in its own place; None when the header did not
        show every column, or a cell under a column is not one of this row's values."""
        starts = [self.column_at.get(id(column)) for _, column in slots.full]
        if not self.grid or None in starts or len(set(starts)) < len(starts):
            return None
        if len(self.grid) != self.header_width:  # a row of other spans than the header's: counted from the right
            return None
        own = {id(c) for c in values}
        picked: list[SourceCell] = []
        for start in starts:
            cell = self.grid[start] if start < len(self.grid) else None
            if cell is None or (cell.copy and not cell.text.strip()):
                cell = cell or SourceCell("", self.grid[-1].position, self.grid[-1].place, copy=True)
            elif id(cell) not in own:
                return None  # a label, or a merged value cell reaching over this column
            picked.append(cell)
        placed = {id(c) for c in picked}
        if any(c.text.strip() and id(c) not in placed for c in values):
            return None
        return Alignment([(row, column, cell) for (row, column), cell in zip(slots.full, picked)])

    def _place(self, slots: Slots, values: list[SourceCell], label: str) -> None:
        aligned = self._by_position(slots, values) or align(slots, values)
        if aligned.extra:
            self.not_imported(
                aligned.extra,
                f"“{label}”一行多出 {len(aligned.extra)} 个数值{show_cells(aligned.extra)}（应为 {len(slots.full)} 个），"
                "按从右数的列对齐后这些数值未能导入",
            )
        if aligned.cells is None and not self.grid and may_be_fused(slots, values):
            self.placement.fused.append(Fused(self, slots, [c for c in values if c.text.strip()], label))
            return  # split once every other row is in, by the form's rules (split_fused)
        if aligned.cells is None:
            numbers = [c for c in values if c.text.strip()] or values
            self.not_imported(numbers, f"“{label}”一行{aligned.problem}（{show_cells(values)}），这一行未能导入")
            return
        self.put(aligned, label)

    def put(self, aligned: Alignment, label: str) -> None:
        """Read the aligned cells into the placement, noting blanks, units and duplicates."""
        blanks: dict[str, list[str]] = {}
        first_blank: SourceCell | None = None
        several_rows = len({row.id for row, _, _ in aligned.cells}) > 1
        for row, column, cell in aligned.cells:
            key = cell_key(self.table.id, row.id, column.id)
            if cell is None or (column.may_omit and is_blank(cell.text)):
                self.placement.computed.append(key)  # computed once every other cell is in
                continue
            reading = read_value(cell.text, column.type)
            if reading.problem:
                self.not_imported([cell], f"“{row.label.zh}”的“{column.label.zh}”：{reading.problem}，未能导入")
                self.placement.rejected.add(key)
                continue
            if key in self.placement.values:
                first = self.placement.sources[key]
                self.not_imported(
                    [cell],
                    f"“{row.label.zh}”的“{column.label.zh}”重复出现（已在 {first.position} 读到 "
                    f"{format_number(self.placement.values[key])}），未能导入",
                )
                continue
            if reading.note:
                self.note(cell, f"“{row.label.zh}”的“{column.label.zh}”：{reading.note}")
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
            self.note(first_blank, f"“{label}”一行的{shown}，按 0 导入")
