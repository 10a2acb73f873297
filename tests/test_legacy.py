"""Free-form (pre-2019) reports: text, free tables and supplied headline figures."""

from __future__ import annotations

from generator.check import load_report
from generator.check.rules import check_report
from generator.model.format import get_format
from generator.read.scaffold import report_text
from tests.helpers import line_of, write_report, write_site

LEGACY = """format: legacy
year: 2015
text: |-
  2015年，本机关依申请公开政府信息……

  | 项目 | 数量 |
  |---|---|
  | 收到申请 | 12 |
tables:
  - caption: 2015年政府信息公开申请办理情况
    header: [[项目, 数量]]
    rows:
      - [收到申请, 12]
      - [予以公开, 8]
headline:
  new_received: 12
  granted: 8
"""


def read(tmp_path, text, year=2015):
    root = write_site(tmp_path / "site")
    path = write_report(root, "old", year, text)
    return load_report(path, f"content/old/{year}.yaml", "old")


def test_legacy_report_reads(tmp_path):
    report, findings = read(tmp_path, LEGACY)
    assert findings == []
    assert report.format_id == "legacy" and report.values == {}
    assert "收到申请" in report.text("text")
    (table,) = report.free_tables
    assert table.caption == "2015年政府信息公开申请办理情况"
    assert table.header == (("项目", "数量"),)
    assert table.rows == (("收到申请", "12"), ("予以公开", "8"))
    assert report.headline == {"new_received": 12, "granted": 8}
    assert check_report(report) == []


def test_ragged_free_table_row(tmp_path):
    text = LEGACY.replace("- [予以公开, 8]", "- [予以公开, 8, 多余]")
    _, findings = read(tmp_path, text)
    (finding,) = findings
    assert finding.position.line == line_of(text, "多余") and "有 3 格，表头有 2 列" in finding.message


def test_unknown_headline_and_bad_figure(tmp_path):
    text = LEGACY.replace("granted: 8", "grantd: 8\n  lawsuits: 三")
    _, findings = read(tmp_path, text)
    messages = [f.message for f in findings]
    assert any("是否想写“granted”" in m for m in messages)
    assert any("汉字数字" in m for m in messages)


def test_legacy_format_outside_its_years(tmp_path):
    report, _ = read(tmp_path, LEGACY.replace("year: 2015", "year: 2021"), year=2021)
    (finding,) = check_report(report)
    assert finding.rule == "R7" and 'format: "2021"' in finding.message


def test_headline_only_in_free_form_reports(tmp_path):
    text = report_text(get_format("2021"), "甲", 2023, texts={"overview": "x", "problems": "y", "other": "信息处理费"})
    _, findings = read(tmp_path, text + "headline:\n  new_received: 1\n", year=2023)
    assert any("没有“headline”这一项" in f.message for f in findings)


def test_scaffold_round_trip(tmp_path):
    report, _ = read(tmp_path, LEGACY)
    text = report_text(
        get_format("legacy"), "旧", 2015, texts=report.texts, free_tables=report.free_tables, headline=report.headline
    )
    again, findings = read(tmp_path / "again", text)
    assert findings == []
    assert (again.texts, again.free_tables, again.headline) == (report.texts, report.free_tables, report.headline)


def test_office_page_notes_formats_across_the_boundary(cli, example_site):
    """The example office has reports in all three formats: its page says the comparison is not like for like."""
    out = example_site / "public"
    assert cli("build", example_site, "--out", out).code == 0
    page = (out / "hehualu" / "index.html").read_text(encoding="utf-8")
    assert "跨年度比较说明" in page
    for title in ("国办公开办函〔2021〕30号", "国办公开办函〔2019〕60号", "无全国统一格式（2008—2018年度）"):
        assert title in page
    assert "2020年度：国办公开办函〔2019〕60号" in page


def test_office_page_of_one_format_has_no_note(cli, empty_site):
    cli("new", "a", "2023", "--name", "甲", cwd=empty_site)
    cli("new", "a", "2024", cwd=empty_site)
    assert cli("build", "--drafts", cwd=empty_site).code == 0  # `new` writes drafts: the review copy shows them
    assert "跨年度比较说明" not in (empty_site / "public-drafts" / "a" / "index.html").read_text(encoding="utf-8")
