"""The page contexts' pure functions (generator/pages.py): a report's summary line, the findings a page
shows, the headline columns of a set of reports, the totals, rates and trend charts, titles and links."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from generator.check.rules import check_report, headline_value
from generator.model.findings import Finding, Position
from generator.model.format import all_formats, get_format
from generator.model.values import Report
from generator.read.reports import read_report
from generator.read.settings import Settings
from generator.read.site import Office
from generator.render.pages import (
    CHART_LABEL,
    CHART_VALUE,
    CHART_WIDTH,
    contact_lines,
    notice_title,
    rate_lines,
    report_context,
    report_title,
    site_totals,
    trend_charts,
    web_link,
)
from generator.site.summaries import ReportSummary, headline_columns, rule_findings, summarize, used_headlines

ROOT = Path(__file__).resolve().parent.parent
OFFICE = Office("hehualu", "荷花路街道办事处", "content/hehualu")


def summary(office: str, year: int, format_id: str = "2021", scope: str = "本级", **figures) -> ReportSummary:
    ids = [h.id for h in get_format(format_id).headlines]
    return ReportSummary(
        office, office, year, format_id, None, tuple((i, figures.get(i)) for i in ids), 0, 0, scope=scope
    )


def finding(severity: str, rule: str = "", message: str = "m") -> Finding:
    return Finding(Position("content/a/2023.yaml", 3, 1), severity, message, rule)


@pytest.mark.parametrize("year", [2023, 2020, 2015])
def test_summarize_takes_the_headline_figures_and_counts_the_broken_rules(year):
    path = ROOT / "content" / "hehualu" / f"{year}.yaml"
    report, findings = read_report(path, f"content/hehualu/{year}.yaml", "hehualu")
    findings = findings + check_report(report)
    extra = [finding("error", "R1"), finding("warning", "R5"), finding("error")]  # the last: a reading problem
    line = summarize(report, findings + extra, OFFICE)
    assert (line.office, line.office_name, line.year, line.format_id) == (
        "hehualu",
        OFFICE.name,
        year,
        report.format_id,
    )
    assert line.published == report.published
    assert line.headlines == tuple((h.id, headline_value(report, h.id)) for h in report.format.headlines)
    assert any(value is not None for _, value in line.headlines)
    rules = rule_findings(findings + extra)
    assert line.errors == sum(f.severity == "error" for f in rules) and line.warnings == len(rules) - line.errors
    assert line.url == f"hehualu/{year}/index.html"


def test_a_summarys_status_in_words():
    plain = summary("a", 2023)
    assert plain.status == "符合"
    assert plain._replace(errors=2, warnings=1).status == "2 处不符合，1 项提示"
    assert plain._replace(warnings=3).status == "3 项提示"


def test_a_page_shows_the_broken_rules_in_order_not_reading_problems():
    found = [
        finding("warning", "R5", "b"),
        finding("error"),
        finding("error", "R1", "a"),
        finding("warning", "R1", "a"),
    ]
    assert [(f.rule, f.severity) for f in rule_findings(found)] == [
        ("R1", "error"),
        ("R1", "warning"),
        ("R5", "warning"),
    ]
    assert notice_title(rule_findings(found)) == "本报告的数据有 1 处不符合勾稽关系，另有 2 项提示"
    assert notice_title([finding("warning", "R8")]) == "本报告有 1 项提示"
    assert notice_title([finding("error", "R2")]) == "本报告的数据有 1 处不符合勾稽关系"


def test_headline_columns_are_every_formats_figures_once_newest_order_first():
    columns = headline_columns()
    ids = [hid for hid, _ in columns]
    assert len(ids) == len(set(ids))
    assert set(ids) == {h.id for fmt in all_formats().values() for h in fmt.headlines}
    newest = next(iter(all_formats().values()))
    assert ids[: len(newest.headlines)] == [h.id for h in newest.headlines]
    # the columns of a set of reports: those of their formats only
    assert used_headlines([]) == ()
    assert {hid for hid, _ in used_headlines([summary("a", 2023)])} == {h.id for h in newest.headlines}


def test_site_totals_add_up_own_reports_and_leave_out_summed_ones():
    rows = [
        summary("a", 2023, new_received=3, lawsuits=1),
        summary("b", 2023, new_received=4),
        summary("county", 2023, scope="汇总", new_received=7),
    ]
    totals, summed = site_totals(rows)
    assert summed == 1
    by_label = {label.zh: value for label, value in totals}
    assert by_label["新收申请"] == 7 and by_label["行政诉讼"] == 1
    assert "予以公开" not in by_label  # no report gives it: no total of nothing


def test_rates_are_computed_from_the_summed_figures_and_say_how():
    fmt = get_format("2021")
    (name, value, definition), *_ = rate_lines(fmt, {"granted": 3, "partly_granted": 1, "handled": 8})
    assert (name, value) == ("公开率", "50.0%")
    assert definition == "（予以公开 + 部分公开）÷ 办理总数"
    assert rate_lines(fmt, {"granted": 3, "partly_granted": 1, "handled": 0})[0][1] == "—"
    assert rate_lines(fmt, {"granted": None, "partly_granted": 1, "handled": 5})[0][1] == "—"


def test_trend_charts_draw_a_bar_per_year_scaled_to_the_largest():
    rows = [
        summary("a", 2021, new_received=10),
        summary("a", 2023, new_received=40),
        summary("a", 2022, new_received=0),
    ]
    charts = {chart.id: chart for chart in trend_charts(rows)}
    chart = charts["trend-new_received"]
    assert [bar.year for bar in chart.bars] == [2021, 2022, 2023]
    room = CHART_WIDTH - CHART_LABEL - CHART_VALUE
    assert [bar.width for bar in chart.bars] == [round(room / 4), 1, room]  # a 0 still shows
    assert chart.title == "新收申请（件），2021—2023年度"
    assert chart.description == "2021年度 10 件；2022年度 0 件；2023年度 40 件"
    assert "trend-handled" not in charts  # fewer than two years with the figure: no chart
    assert trend_charts([summary("a", 2023, new_received=5)]) == []


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://www.example.gov.cn/xxgk/1.html", True),
        ("HTTP://example.gov.cn", True),
        ("  https://example.gov.cn/a  ", True),
        ("javascript:alert(1)", False),
        ("www.example.gov.cn", False),
        ('https://example.gov.cn/"onmouseover=x', False),
        (None, False),
    ],
)
def test_only_a_plain_web_address_is_linked(url, linked):
    assert bool(web_link(url)) == linked
    assert not linked or web_link(url) == url.strip()


def test_titles_and_contact_lines():
    assert report_title("荷花路街道办事处", 2023) == "荷花路街道办事处2023年政府信息公开工作年度报告"
    lines = contact_lines({"phone": "010-1", "address": "某路1号", "unknown": "x", "email": ""})
    keys = [key for key, _, _ in lines]
    assert "unknown" not in keys and "email" not in keys and set(keys) == {"phone", "address"}
    assert all(label and value for _, label, value in lines)


def test_the_formats_opening_section_stands_above_the_others_without_a_heading(monkeypatch):
    path = ROOT / "content" / "hehualu" / "2020.yaml"
    report, _ = read_report(path, "content/hehualu/2020.yaml", "hehualu")
    page = report_context(Settings(name="x"), OFFICE, report, [], (2020,))
    assert page["preface"].id == "preface" and "统计期限" in page["preface"].html
    assert [s.id for s in page["sections"]] == [
        "overview",
        "proactive",
        "applications",
        "review_litigation",
        "problems",
        "other",
    ]
    # the format data decides, not the section's id: mark 一 as the opening words instead
    fmt = report.format
    moved = dataclasses.replace(
        fmt, sections=tuple(dataclasses.replace(s, opening=s.id == "overview") for s in fmt.sections)
    )
    monkeypatch.setattr(Report, "format", property(lambda self: moved))
    page = report_context(Settings(name="x"), OFFICE, report, [], (2020,))
    assert page["preface"].id == "overview"
    assert [s.id for s in page["sections"]][:2] == ["preface", "proactive"]
