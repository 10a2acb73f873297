"""The table views (generator/tables.py): header and data cells of the national tables laid out from the
format definition, their spans, the headers every value cell names, and the free-form report's tables."""

from __future__ import annotations

import pytest

from generator.model.format import all_formats, get_format
from generator.model.values import FreeTable, Report, cell_key
from generator.render.tables import column_text, css_string, free_table_view, table_view, table_width, value_cells

TABLES = [(fmt.id, table.id) for fmt in all_formats().values() for table in fmt.tables.values()]


def grid(part_rows) -> list[list]:
    """Each row's cells placed on the grid of columns, a cell spanning rows repeated below it."""
    below: dict[int, tuple[int, object]] = {}
    placed = []
    for cells in part_rows:
        line: list = []
        queue = list(cells)
        while queue or any(column >= len(line) for column in below):
            column = len(line)
            if column in below:
                left, cell = below.pop(column)
                if left > 1:
                    below[column] = (left - 1, cell)
                line += [cell] * cell.colspan
                continue
            if not queue:
                break
            cell = queue.pop(0)
            if cell.rowspan > 1:
                below[column] = (cell.rowspan - 1, cell)
            line += [cell] * cell.colspan
        placed.append(line)
    return placed


@pytest.mark.parametrize(("format_id", "table_id"), TABLES)
def test_every_row_of_a_table_fills_its_width_exactly_spans_included(format_id, table_id):
    table = get_format(format_id).tables[table_id]
    view = table_view(table, None)
    assert view.width == table_width(table)
    for part in view.parts:
        for line in grid(part.head + part.body):
            assert len(line) == view.width


@pytest.mark.parametrize(("format_id", "table_id"), TABLES)
def test_every_cell_of_the_form_has_one_value_cell_naming_headers_that_exist(format_id, table_id):
    fmt = get_format(format_id)
    view = table_view(fmt.tables[table_id], None)
    keys = [cell.key for cell in value_cells(view)]
    assert sorted(keys) == sorted(cell_key(*k) for k in fmt.cell_keys() if k[0] == table_id)
    ids = {cell.id for part in view.parts for line in part.head + part.body for cell in line if cell.header}
    for cell in value_cells(view):
        named = cell.headers.split()
        assert named and set(named) <= ids, cell.key
        row, column = cell.key.split(".")[1:]
        block = fmt.tables[table_id].block_of(row)
        assert cell.label.endswith(column_text(block.find_column(column)))  # its column's words, for a phone
    for part in view.parts:
        for line in part.head + part.body:
            for cell in line:
                assert cell.header == (cell.kind != "value") or cell.kind == "corner"  # a corner note heads nothing
                assert not cell.header or (cell.id and cell.scope in ("col", "colgroup", "row", "rowgroup"))


def test_table_three_has_the_official_two_level_header():
    view = table_view(get_format("2021").tables["applications"], None)
    first, second, third = view.parts[0].head
    corner, applicants = first
    assert (corner.kind, corner.rowspan, corner.colspan) == ("corner", 3, 3)
    assert (applicants.text, applicants.scope, applicants.colspan) == ("申请人情况", "colgroup", 7)
    assert [(c.text, c.scope, c.colspan, c.rowspan) for c in second] == [
        ("自然人", "col", 1, 2),
        ("法人或其他组织", "colgroup", 5, 1),
        ("总计", "col", 1, 2),
    ]
    assert [c.text for c in third] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    # a row group spans its rows; its rows' headers name it
    outcomes = next(line[0] for line in view.parts[0].body if line[0].text == "三、本年度办理结果")
    assert outcomes.scope == "rowgroup" and outcomes.rowspan == 22
    granted = next(c for c in value_cells(view) if c.key == "applications.granted.business")
    assert granted.headers.split()[0] == outcomes.id


def test_the_one_line_table_opens_each_group_of_values_with_its_row_headings():
    view = table_view(get_format("2021").tables["review_litigation"], None)
    cells = value_cells(view)
    assert len(cells) == 15 and len(view.parts[0].body) == 1  # the national form's one line of 15 numbers
    groups = [c.group for c in cells if c.group]
    assert groups == ["行政复议", "行政诉讼 · 未经复议直接起诉", "行政诉讼 · 复议后起诉"]


def test_a_reports_values_fill_the_value_cells_missing_and_computed_marked():
    fmt = get_format("2021")
    keys = [cell_key(*k) for k in fmt.cell_keys() if k[0] == "proactive"]
    values = {key: number * 1000 for number, key in enumerate(keys[1:], 1)}
    report = Report("ceshi", 2023, "2021", "p", values=values, computed=frozenset(keys[1:2]))
    cells = {c.key: c for c in value_cells(table_view(fmt.tables["proactive"], report))}
    assert cells[keys[0]].missing and cells[keys[0]].text == "—"
    assert cells[keys[1]].computed and not cells[keys[1]].missing
    assert cells[keys[2]].text == "2000" and cells[keys[2]].numeric and not cells[keys[2]].computed


def test_a_free_tables_headers_and_cells():
    table = FreeTable("附表一", (("项目", "", "数量（件）"),), (("收到申请", "说明", "1,024"), ("", "x", "12%")))
    view = free_table_view(table, "tables-1")
    assert (view.id, view.caption, view.width, view.kind) == ("tables-1", "附表一", 3, "free")
    (head,), body = view.parts[0].head, view.parts[0].body
    assert [(c.header, c.scope, c.kind) for c in head] == [
        (True, "col", "leaf"),
        (False, "", "corner"),
        (True, "col", "leaf"),
    ]
    assert [(c.header, c.scope) for c in body[0]] == [(True, "row"), (False, ""), (False, "")]
    assert [c.numeric for c in body[0]] == [False, False, True]
    assert [c.header for c in body[1]] == [False, False, False] and body[1][2].numeric  # no heading: a plain cell


@pytest.mark.parametrize("text", ['a"b', "a\\b", "</style>", "x'y&z", "换\n行"])
def test_css_string_cannot_end_the_string_or_the_style_element(text):
    quoted = css_string(text)
    inner = quoted[1:-1]
    assert quoted[0] == quoted[-1] == '"'
    assert not any(c in inner for c in "\"'<>&\n")
    assert "\\" in inner  # each is written as a CSS escape
