"""The labels of one table of the form, for reading a published copy of it: every row (group or leaf),
column, block heading and corner cell, normalised, and the candidates a label of the copy may be.

Part of the importer; imports the model and the importer's label comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..model.format import Block, Column, Row, Table
from .document import Line
from .labels import ACCEPT, Similarity, normalise, similarity
from .values import is_value


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
        """Whether the target is a row that holds values (not a group heading)."""
        return self.row is not None and not self.row.rows


@lru_cache(maxsize=65536)
def cached_similarity(source: str, target: str) -> Similarity:
    """labels.similarity, remembered: a table's labels are compared with the same few dozen again and again."""
    return similarity(source, target)


class Vocabulary:
    """Every label of one table of the form."""

    def __init__(self, table: Table) -> None:
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
        found = [(cached_similarity(label, t.label), t) for t in self.targets if t.kind in kinds]
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
