"""Round trip: a report built into its page by `gongkai build`, that page imported, gives the same report.

Run for every format shipped: every value of the form different from all others (so that a value in
the wrong cell shows), with the narrative, a table's intro text, the publication date and, for the
free-form format, its tables of text.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from helpers import write_office, write_report, write_site

from generator.check import load_report
from generator.model.format import all_formats, get_format
from generator.model.values import FreeTable
from generator.read.scaffold import report_text

YEARS = {"2021": 2023, "2019": 2020, "legacy": 2015}


def distinct_values(format_id: str) -> dict:
    """A different value in every cell; negative ones where the column may be negative."""
    fmt = get_format(format_id)
    values = {}
    for number, (table, row, column) in enumerate(fmt.cell_keys(), 1):
        kind = fmt.column_of(table, row, column).type
        key = f"{table}.{row}.{column}"
        values[key] = (
            Decimal(f"{number}.{number % 100:02d}")
            if kind == "amount"
            else -number
            if kind == "signed_count"
            else number
        )
    return values


def texts(format_id: str) -> dict[str, str]:
    fmt = get_format(format_id)
    found = {}
    for section in fmt.sections:
        if section.kind != "narrative":
            continue
        found[section.id] = (
            f"{section.label.zh}的第一段，含数字 12 条。\n\n## （一）小标题\n\n第二段：本年度未收取信息处理费。"
        )
    for table_id in fmt.tables:
        found[f"{table_id}.intro"] = f"{table_id} 表前的说明文字。"
        break
    return found


def free_tables(format_id: str) -> tuple:
    if not any(s.kind == "free_tables" for s in get_format(format_id).sections):
        return ()
    return (FreeTable("依申请公开情况统计表", (("项目", "数量（件）"),), (("收到申请", "12"), ("同意公开", "7"))),)


@pytest.mark.parametrize("format_id", sorted(all_formats()))
def test_a_built_report_page_imports_to_the_same_report(tmp_path, cli, format_id):
    fmt = get_format(format_id)
    year = YEARS.get(format_id, fmt.first_year)
    source = write_site(tmp_path / "source")
    write_office(source, "hehualu", "荷花路街道办事处")
    text = report_text(
        fmt,
        "荷花路街道办事处",
        year,
        values=distinct_values(format_id),
        texts=texts(format_id),
        free_tables=free_tables(format_id),
        published=date(year + 1, 1, 19),
    )
    original_file = write_report(source, "hehualu", year, text)
    assert cli("build", source).code == 0
    page = source / "public" / "hehualu" / str(year) / "index.html"

    target = write_site(tmp_path / "target")
    result = cli("import", page, "--office", "hehualu", "--site", target)
    assert result.code == 0, result.out + result.err
    imported_file = target / "content" / "hehualu" / f"{year}.yaml"
    original, _ = load_report(original_file, "original", "hehualu")
    imported, findings = load_report(imported_file, "imported", "hehualu")
    assert imported is not None, findings
    assert imported.format_id == format_id
    assert len(imported.values) == len(fmt.cell_keys())
    assert imported.values == original.values
    assert imported.texts == original.texts
    assert imported.published == original.published
    assert imported.free_tables == original.free_tables
    assert (target / "content" / "hehualu" / "office.yaml").read_text(encoding="utf-8").count("荷花路街道办事处") == 1
