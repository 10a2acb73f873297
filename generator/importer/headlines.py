"""The headline figures of a free-form report (format: legacy, `headline:`), read back from the table
its Word document ends with.

generator/word.py lists them in a table captioned 主要数字 among the report's tables (附表), each row a
figure in the national form's wording where it has one (本年新收政府信息公开申请数量), else in its
label (办理总数), and its count (the names in render/wordstyles.py).
"""

from __future__ import annotations

from ..model.format import Format
from ..model.values import FreeTable
from ..render.wordstyles import HEADLINE_CAPTION, headline_label


def read_headline(fmt: Format, tables: tuple[FreeTable, ...]) -> tuple[dict[str, int], tuple[FreeTable, ...]]:
    """The headline figures of the table captioned 主要数字 whose every row names a figure of the format
    (in either wording) once with a count, and the other tables; none when there is no such table (a
    table that only looks like it stays a table)."""
    names = {}
    for headline in fmt.headlines:
        names[headline.label.zh] = names[headline_label(headline.id, headline.label.zh)] = headline.id
    for index, table in enumerate(tables):
        if table.caption != HEADLINE_CAPTION or not table.rows:
            continue
        figures: dict[str, int] = {}
        for row in table.rows:
            figure = names.get(row[0]) if len(row) == 2 else None
            if figure is None or figure in figures or not (row[1].isascii() and row[1].isdigit()):
                break
            figures[figure] = int(row[1])
        else:
            return figures, tables[:index] + tables[index + 1 :]
    return {}, tables
