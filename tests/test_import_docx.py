"""Importing Word files (.docx) with real tables and merged cells, generated here with python-docx."""

from __future__ import annotations

import docx
import pytest
from import_sources import (
    APPLICANTS,
    APPLICATIONS,
    CORNER,
    PROACTIVE,
    RESULT_LABELS,
    RESULTS,
    REVIEW_ROWS,
    numbered_values,
    shown,
)

from generator.importer import import_file


def put(table, row: int, column: int, text: str, rowspan: int = 1, colspan: int = 1) -> None:
    cell = table.cell(row, column)
    if rowspan > 1 or colspan > 1:
        cell = cell.merge(table.cell(row + rowspan - 1, column + colspan - 1))
    cell.text = text


def proactive(document, values, value=shown) -> None:
    rows = sum(2 + len(body) for _, _, body, _ in PROACTIVE)
    table = document.add_table(rows=rows, cols=4)
    row = 0
    for heading, columns, body, column_ids in PROACTIVE:
        put(table, row, 0, heading, colspan=4)
        put(table, row + 1, 0, "信息内容")
        span = 3 // len(columns)
        for number, column in enumerate(columns):
            put(table, row + 1, 1 + number * span, column, colspan=span)
        for offset, (label, row_id) in enumerate(body, 2):
            put(table, row + offset, 0, label)
            for number, column in enumerate(column_ids):
                put(table, row + offset, 1 + number * span, value(values[f"proactive.{row_id}.{column}"]), colspan=span)
        row += 2 + len(body)


def applications(document, values, value=shown) -> None:
    table = document.add_table(rows=3 + len(APPLICATIONS), cols=10)
    put(table, 0, 0, CORNER, rowspan=3, colspan=3)
    put(table, 0, 3, "申请人情况", colspan=7)
    put(table, 1, 3, "自然人", rowspan=2)
    put(table, 1, 4, "法人或其他组织", colspan=5)
    put(table, 1, 9, "总计", rowspan=2)
    for number, text in enumerate(("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")):
        put(table, 2, 4 + number, text)
    taken: set[tuple[int, int]] = set()
    for row, (labels, row_id) in enumerate(APPLICATIONS, 3):
        column = 0
        for text, rowspan, colspan in labels:
            while (row, column) in taken:
                column += 1
            put(table, row, column, text, rowspan, colspan)
            taken.update((row + r, column + c) for r in range(rowspan) for c in range(colspan))
            column += colspan
        for number, applicant in enumerate(APPLICANTS):
            put(table, row, 3 + number, value(values[f"applications.{row_id}.{applicant}"]))


def review(document, values) -> None:
    table = document.add_table(rows=4, cols=15)
    put(table, 0, 0, "行政复议", colspan=5)
    put(table, 0, 5, "行政诉讼", colspan=10)
    for number, text in enumerate(RESULT_LABELS):
        put(table, 1, number, text, rowspan=2)
    put(table, 1, 5, "未经复议直接起诉", colspan=5)
    put(table, 1, 10, "复议后起诉", colspan=5)
    for number, text in enumerate(RESULT_LABELS * 2):
        put(table, 2, 5 + number, text)
    cells = [values[f"review_litigation.{r}.{c}"] for r in REVIEW_ROWS for c in RESULTS]
    for number, v in enumerate(cells):
        put(table, 3, number, shown(v))


def word_report(path, values, value=shown, year: int = 2023) -> None:
    document = docx.Document()
    document.add_heading(f"荷花路街道办事处{year}年政府信息公开工作年度报告", 0)
    document.add_paragraph("本报告根据《中华人民共和国政府信息公开条例》编制。")
    document.add_heading("一、总体情况", 1)
    document.add_heading("（一）主动公开", 2)
    document.add_paragraph("本年度主动公开政府信息 12 条。")
    document.add_paragraph("加强组织领导")
    document.add_heading("二、主动公开政府信息情况", 1)
    proactive(document, values, value)
    document.add_heading("三、收到和处理政府信息公开申请情况", 1)
    applications(document, values, value)
    document.add_heading("四、政府信息公开行政复议、行政诉讼情况", 1)
    review(document, values)
    document.add_heading("五、存在的主要问题及改进情况", 1)
    document.add_paragraph("一是公开内容还不够全面。")
    document.add_heading("六、其他需要报告的事项", 1)
    document.add_paragraph("本年度未收取信息处理费。")
    document.add_paragraph("荷花路街道办事处")
    document.add_paragraph(f"{year + 1}年1月19日")
    document.save(path)


@pytest.fixture
def values():
    return numbered_values()


def test_a_word_file_with_merged_cells_imports_every_value(tmp_path, values):
    word_report(tmp_path / "2023.docx", values)
    imported = import_file(tmp_path / "2023.docx", "2023.docx")
    assert imported.format.id == "2021" and imported.year == 2023
    assert imported.values == values
    assert (imported.unplaced, imported.missing) == (0, ())
    assert [str(f) for f in imported.findings if f.severity == "error"] == []


def test_word_headings_become_sub_headings_and_the_date_is_read(tmp_path, values):
    word_report(tmp_path / "2023.docx", values)
    imported = import_file(tmp_path / "2023.docx", "2023.docx")
    assert imported.office_name == "荷花路街道办事处"
    assert imported.texts["preface"] == "本报告根据《中华人民共和国政府信息公开条例》编制。"
    assert imported.texts["overview"] == "## （一）主动公开\n\n本年度主动公开政府信息 12 条。\n\n加强组织领导"
    assert imported.texts["other"] == "本年度未收取信息处理费。"
    assert imported.published.isoformat() == "2024-01-19"


def test_merged_value_cells_are_read_once(tmp_path, values):
    word_report(tmp_path / "2023.docx", values)
    document = docx.Document(tmp_path / "2023.docx")
    licensing = document.tables[0].rows[4].cells
    assert licensing[1] is licensing[3] or licensing[1]._tc is licensing[3]._tc  # one cell over three columns
    imported = import_file(tmp_path / "2023.docx", "2023.docx")
    assert imported.values["proactive.licensing.decisions"] == values["proactive.licensing.decisions"]
    assert not [f for f in imported.findings if "多出" in f.message]


def test_problems_in_a_word_table_name_the_table_row_and_cell(tmp_path, values):
    bad = values["applications.petitions.research"]
    word_report(tmp_path / "2023.docx", values, value=lambda v: "若干" if v == bad else shown(v))
    imported = import_file(tmp_path / "2023.docx", "2023.docx")
    (problem,) = [str(f) for f in imported.findings if f.severity == "error" and "若干" in f.message]
    assert problem.startswith("2023.docx: error: 第 2 个表格第 19 行第 6 格：")
    assert "1.信访举报投诉类申请" in problem and "科研机构" in problem
    assert imported.unplaced == 1
    assert imported.missing == ("applications.petitions.research",)
    del values["applications.petitions.research"]
    assert imported.values == values  # the rest of the row is placed


def test_a_file_that_is_not_a_word_file(tmp_path):
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    from generator.model.findings import GongkaiError

    with pytest.raises(GongkaiError) as raised:
        import_file(tmp_path / "broken.docx", "broken.docx")
    assert "broken.docx" in str(raised.value) and ".docx" in str(raised.value)


def test_a_report_framed_in_a_layout_table_and_content_controls(tmp_path, values):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    word_report(tmp_path / "plain.docx", values)
    document = docx.Document(tmp_path / "plain.docx")
    body = document.element.body
    content = [c for c in body.iterchildren() if c.tag != qn("w:sectPr")]
    control, inside = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")  # a content control around table 三
    control.append(inside)
    applications = document.tables[1]._tbl
    applications.addprevious(control)
    inside.append(applications)
    content[content.index(applications)] = control
    frame = document.add_table(rows=1, cols=1).cell(0, 0)._tc  # and the whole report in a one-cell table
    for child in content:
        body.remove(child)
        frame.append(child)
    frame.append(OxmlElement("w:p"))
    document.save(tmp_path / "framed.docx")
    imported = import_file(tmp_path / "framed.docx", "framed.docx")
    assert imported.values == values
    assert imported.texts["other"] == "本年度未收取信息处理费。"


def test_phrases_in_words_character_styles_become_markdown_and_direct_bold_stays_plain(tmp_path, values):
    """Strong and Emphasis (the styles of a Gongkai document, and of a clerk who uses Word's 要点/强调)
    are marks of the text; bold or italic set directly on a run is its look, read as plain text as before."""
    word_report(tmp_path / "2023.docx", values)
    document = docx.Document(tmp_path / "2023.docx")
    marked = next(p for p in document.paragraphs if p.text == "一是公开内容还不够全面。")
    marked.text = ""
    for text, style in (("一是", None), ("公开 内容 ", "Strong"), ("还不够", "Emphasis"), ("全面。", None)):
        marked.add_run(text, style)
    direct = next(p for p in document.paragraphs if p.text == "本年度主动公开政府信息 12 条。")
    direct.text = ""
    direct.add_run("本年度主动公开")
    direct.add_run("政府信息").bold = True
    direct.add_run(" 12 条。").italic = True
    table_cell = document.tables[1].rows[3].cells[0].paragraphs[0].runs[0]
    table_cell.bold = True  # a label in a table, set in bold: still found by its words
    document.save(tmp_path / "2023.docx")
    imported = import_file(tmp_path / "2023.docx", "2023.docx")
    assert imported.texts["problems"] == "一是**公开 内容** *还不够*全面。"  # a mark's end blank outside it
    assert imported.texts["overview"] == "## （一）主动公开\n\n本年度主动公开政府信息 12 条。\n\n加强组织领导"
    assert imported.values == values
