"""Importing PDF files: tables drawn with lines read as real cells, other PDFs by their words' positions.

The PDFs are made by the tests with a PDF library (pdf_sources.py) from known values, and each value
imported is compared with the value it was made from. PDFs printed by Chromium are in
tests/browser/test_import_printed.py.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from fpdf import FPDF
from import_sources import FEES, blank_zeros_and_totals, consistent_values
from pdf_sources import report_pdf

from generator.importer import import_file
from generator.model.findings import GongkaiError


def messages(imported, severity: str | None = None) -> list[str]:
    return [str(f) for f in imported.findings if severity is None or f.severity == severity]


@pytest.mark.parametrize("seed", range(2))
def test_a_pdf_with_ruled_tables_imports_every_value(tmp_path, seed):
    values = consistent_values(random.Random(seed))  # the fees with 6 decimals
    imported = import_file(report_pdf(tmp_path / "report.pdf", values), "report.pdf")
    assert imported.values == values
    assert (imported.unplaced, imported.missing) == (0, ())
    assert messages(imported, "error") == []
    assert imported.year == 2023 and imported.office_name == "荷花路街道办事处"
    assert imported.texts["other"] == "本年度未收取信息处理费。"


def test_blank_cells_a_blank_total_column_and_yuan_in_a_ruled_pdf(tmp_path):
    values = consistent_values(random.Random(7))
    values[FEES] = Decimal("7380.289590")
    texts = blank_zeros_and_totals(values)
    assert texts[FEES] == "73802895.90元"
    imported = import_file(report_pdf(tmp_path / "report.pdf", values, texts), "report.pdf")
    assert imported.values == values
    assert str(imported.values[FEES]) == "7380.289590"  # exact, no digit lost or added
    assert len(imported.computed) == 25
    assert any("73802895.90元" in m and "7380.289590 万元" in m for m in messages(imported, "warning"))
    flagged = [m for m in messages(imported, "warning") if "按 0 导入" in m]
    assert flagged and all(m.startswith("report.pdf: warning: 第 ") and "页第" in m for m in flagged)


@pytest.mark.parametrize("seed", range(2))
def test_a_pdf_without_lines_is_read_by_its_words(tmp_path, seed):
    values = consistent_values(random.Random(seed))
    imported = import_file(report_pdf(tmp_path / "report.pdf", values, ruled=False), "report.pdf")
    assert imported.values == values
    assert (imported.unplaced, imported.missing) == (0, ())


def test_blank_cells_without_lines_are_refused_never_guessed(tmp_path):
    """Without lines, a blank cell leaves no trace: such rows are listed with their page, never shifted."""
    values = consistent_values(random.Random(7))
    texts = blank_zeros_and_totals(values)
    imported = import_file(report_pdf(tmp_path / "report.pdf", values, texts, ruled=False), "report.pdf")
    assert all(values[key] == value for key, value in imported.values.items())  # nothing wrong
    assert not imported.complete
    gaps = [
        key for key in values if key.startswith("applications.") and not key.endswith(".total") and texts.get(key) == ""
    ]
    assert gaps and all(key not in imported.values or imported.values[key] == 0 for key in gaps)
    errors = messages(imported, "error")
    assert any("第 1 页" in m for m in errors), errors


def test_a_scanned_pdf_needs_ocr(tmp_path):
    from PIL import Image

    picture = tmp_path / "scan.png"
    Image.new("RGB", (200, 280), "white").save(picture)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(picture), x=10, y=10, w=180)
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(GongkaiError) as caught:
        import_file(tmp_path / "scan.pdf", "scan.pdf")
    assert "没有文字层" in str(caught.value) and "OCR" in str(caught.value)


def test_a_damaged_pdf_is_one_clear_error(tmp_path, cli):
    values = consistent_values(random.Random(1))
    data = report_pdf(tmp_path / "good.pdf", values).read_bytes()
    (tmp_path / "bad.pdf").write_bytes(data[: len(data) // 3])
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.yaml").write_text("name: 测试\n", encoding="utf-8")
    result = cli("import", tmp_path / "bad.pdf", "--office", "hehualu", "--site", site)
    assert result.code == 1 and "Traceback" not in result.out + result.err
    assert "bad.pdf" in result.out + result.err


def test_labels_broken_over_lines_inside_cells_are_joined(tmp_path):
    from generator.importer.pdf import read_pdf

    values = consistent_values(random.Random(3))
    document = read_pdf(report_pdf(tmp_path / "report.pdf", values).read_bytes(), "report.pdf")
    cells = {c.text for line in document.lines if line.grid for c in line.cells}
    assert {"社会公益组织", "法律服务机构", "三、本年度办理结果"} <= cells  # narrow columns wrap them in the PDF
    assert any(c.startswith("（本列数据的勾稽关系为") and c.endswith("第三项加第四项之和）") for c in cells)


def test_an_amount_in_yuan_is_written_exactly_with_a_note(tmp_path, cli):
    values = consistent_values(random.Random(9))
    values[FEES] = Decimal("7380.289590")
    report_pdf(tmp_path / "2023.pdf", values, {FEES: "73802895.90元"})
    site = tmp_path / "site"
    site.mkdir()
    (site / "site.yaml").write_text("name: 测试\n", encoding="utf-8")
    assert cli("import", tmp_path / "2023.pdf", "--office", "hehualu", "--site", site).code == 0
    written = (site / "content" / "hehualu" / "2023.yaml").read_text(encoding="utf-8")
    assert "  administrative_fees: 7380.289590  #" in written
    assert "# 按表中的单位换算（数字未舍入）：proactive.administrative_fees.fees：“73802895.90元”" in written
    assert cli("check", site).code == 0
