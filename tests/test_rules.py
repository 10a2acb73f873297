"""The consistency rules (勾稽关系): each fires on a crafted violation, with its numbers and position."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.check import load_report
from generator.check.rules import check_report, headline_value, members
from generator.model.format import all_formats, get_format
from generator.read.scaffold import report_text
from tests.helpers import col_of, line_of, report_yaml, write_report, write_site

APPLICANTS = ["natural_person", "business", "research", "public_welfare", "legal_services", "other"]


def consistent_values(fmt_id: str = "2021") -> dict:
    """A report whose every rule holds: 5 new + 2 carried = 6 handled + 1 forward, spread over columns."""
    values = {}

    def row(row_id, numbers):
        for column, number in zip(APPLICANTS, numbers):
            values[f"applications.{row_id}.{column}"] = number
        values[f"applications.{row_id}.total"] = sum(numbers)

    row("new_received", [3, 2, 0, 0, 0, 0])
    row("carried_over", [1, 1, 0, 0, 0, 0])
    row("granted", [2, 1, 0, 0, 0, 0])
    row("partly_granted", [1, 0, 0, 0, 0, 0])
    row("not_held", [0, 1, 0, 0, 0, 0])
    row("repeated", [1, 0, 0, 0, 0, 0])
    row("outcome_total", [4, 2, 0, 0, 0, 0])
    row("carried_forward", [0, 1, 0, 0, 0, 0])
    values["review_litigation.reconsideration.upheld"] = 2
    values["review_litigation.reconsideration.pending"] = 1
    values["review_litigation.reconsideration.total"] = 3
    return values


def read(tmp_path, text, year=2023, office="test"):
    root = write_site(tmp_path / "site")
    path = write_report(root, office, year, text)
    report, findings = load_report(path, f"content/{office}/{year}.yaml", office)
    assert report is not None, findings
    return report


def rule_findings(report, previous=None, rule=None):
    found = check_report(report, previous)
    return [f for f in found if rule is None or f.rule == rule]


def test_consistent_report_is_quiet(tmp_path):
    report = read(tmp_path, report_yaml(values=consistent_values()))
    assert rule_findings(report) == []


def test_each_rule_checks_every_member():
    fmt = get_format("2021")
    by_id = {r.id: r for r in fmt.rules}
    assert len(members(fmt, by_id["R1"])) == 7
    assert len(members(fmt, by_id["R2"])) == 25
    assert members(fmt, by_id["R4"]) == ["reconsideration", "lawsuit_direct", "lawsuit_after_review"]


def test_r1_message_and_position(tmp_path):
    values = consistent_values()
    values["applications.new_received.natural_person"] = 4  # 4 + 1 != 4 + 0
    values["applications.new_received.total"] = 6
    text = report_yaml(values=values)
    report = read(tmp_path, text)
    finding, totals = rule_findings(report, rule="R1")
    assert finding.severity == "error"
    line = line_of(text, "new_received:")
    assert (finding.position.line, finding.position.column) == (line, col_of(text, "new_received:", "[") + 1)
    assert finding.message == "第一项加第二项之和应等于第三项加第四项之和（自然人列：4 + 1 ≠ 4 + 0）"
    # the total column breaks R1 as well
    assert totals.message.endswith("（总计列：6 + 2 ≠ 6 + 1）")


def test_r2_row_total(tmp_path):
    values = consistent_values()
    values["applications.granted.total"] = 4
    values["applications.outcome_total.total"] = 7
    values["applications.carried_forward.total"] = 0
    report = read(tmp_path, report_yaml(values=values))
    found = rule_findings(report, rule="R2")
    assert [f.message for f in found] == [
        "总计应等于各类申请人之和（“（一）予以公开”行：4 ≠ 2 + 1 + 0 + 0 + 0 + 0）",
        "总计应等于各类申请人之和（“（七）总计”行：7 ≠ 4 + 2 + 0 + 0 + 0 + 0）",
        "总计应等于各类申请人之和（“四、结转下年度继续办理”行：0 ≠ 0 + 1 + 0 + 0 + 0 + 0）",
    ]


def test_r3_outcome_total_with_many_terms(tmp_path):
    values = consistent_values()
    values["applications.state_secret.research"] = 2
    values["applications.state_secret.total"] = 2
    report = read(tmp_path, report_yaml(values=values))
    found = rule_findings(report, rule="R3")
    assert [f.message for f in found] == [
        "（七）总计应等于（一）至（六）各项之和（科研机构列：0 ≠ 2）",
        "（七）总计应等于（一）至（六）各项之和（总计列：6 ≠ 8）",
    ]


def test_r4_review_litigation(tmp_path):
    values = consistent_values()
    values["review_litigation.lawsuit_direct.corrected"] = 1
    text = report_yaml(values=values)
    report = read(tmp_path, text)
    (finding,) = rule_findings(report, rule="R4")
    assert (
        finding.message
        == "总计应等于结果维持、结果纠正、其他结果、尚未审结之和（“未经复议直接起诉”行：0 ≠ 0 + 1 + 0 + 0）"
    )
    assert finding.position.line == line_of(text, "lawsuit_direct:")


def test_r5_across_years(tmp_path):
    values = consistent_values()
    last = read(tmp_path / "a", report_yaml(year=2022, values=values), year=2022)
    this_values = consistent_values()
    report = read(tmp_path / "b", report_yaml(values=this_values))
    found = rule_findings(report, last, rule="R5")
    # last year carried forward [0, 1, ...]; this year says carried over [1, 1, ...]
    assert [f.severity for f in found] == ["warning", "warning"]
    assert found[0].message.startswith(
        "本年“上年结转”应等于上一年度报告的“结转下年度继续办理”（自然人列：1 ≠ 0；上一年度见"
    )
    assert rule_findings(report, None, rule="R5") == []


def test_r6_in_force_across_years(tmp_path):
    values = consistent_values()
    values.update({"proactive.regulations.in_force": 10})
    last = read(tmp_path / "a", report_yaml(year=2022, values=values), year=2022)
    values.update(
        {"proactive.regulations.issued": 3, "proactive.regulations.repealed": 1, "proactive.regulations.in_force": 12}
    )
    good = read(tmp_path / "b", report_yaml(values=values))
    assert rule_findings(good, last, rule="R6") == []
    values["proactive.regulations.in_force"] = 13
    bad = read(tmp_path / "c", report_yaml(values=values))
    (finding,) = rule_findings(bad, last, rule="R6")
    assert "（“规章”行：13 ≠ 10 + 3 − 1；上一年度见" in finding.message


def test_r7_format_must_fit_the_year(tmp_path):
    text = report_yaml(year=2020, values=consistent_values())
    report = read(tmp_path, text, year=2020)
    (finding,) = rule_findings(report, rule="R7")
    assert finding.severity == "error"
    assert 'format: "2019"' in finding.message
    assert finding.position.line == line_of(text, "format:")
    text = report_yaml(year=2022, values=consistent_values("2019"), format_id="2019")
    (finding,) = rule_findings(read(tmp_path / "x", text, year=2022), rule="R7")
    assert 'format: "2021"' in finding.message


def test_r8_information_processing_fees(tmp_path):
    text = report_yaml(values=consistent_values(), other="无")
    report = read(tmp_path, text)
    (finding,) = rule_findings(report, rule="R8")
    assert finding.severity == "warning" and finding.position.line == line_of(text, "other:")
    assert rule_findings(read(tmp_path / "b", report_yaml(other="本年度收取信息处理费0元。")), rule="R8") == []


def test_amounts_compare_exactly(tmp_path):
    values = consistent_values()
    values["proactive.administrative_fees.fees"] = Decimal("0.10")
    report = read(tmp_path, report_yaml(values=values))
    assert report.value("proactive", "administrative_fees", "fees") == Decimal("0.1")


def test_2019_format_rules(tmp_path):
    values = consistent_values("2019")
    values["applications.other_handling.business"] = 1  # a single row in 2019
    text = report_yaml(year=2020, values=values, format_id="2019")
    report = read(tmp_path, text, year=2020)
    found = rule_findings(report)
    assert {f.rule for f in found} == {"R2", "R3"}
    assert any("商业企业列：2 ≠ 3" in f.message for f in found)


def test_2019_r6_items_across_years(tmp_path):
    values = {"proactive.licensing.previous_items": 20, "proactive.licensing.change": -15}
    last = read(tmp_path / "a", report_yaml(year=2019, values=values, format_id="2019"), year=2019)
    values = {"proactive.licensing.previous_items": 6}
    report = read(tmp_path / "b", report_yaml(year=2020, values=values, format_id="2019"), year=2020)
    (finding,) = rule_findings(report, last, rule="R6")
    assert "（“行政许可”行：6 ≠ 20 + (−15)；上一年度见" in finding.message


def test_r5_across_the_2020_2021_boundary(tmp_path):
    last = read(tmp_path / "a", report_yaml(year=2020, values=consistent_values("2019"), format_id="2019"), year=2020)
    report = read(tmp_path / "b", report_yaml(year=2021, values=consistent_values()), year=2021)
    assert [f.rule for f in rule_findings(report, last)] == ["R5", "R5"]


@pytest.mark.parametrize("fmt", list(all_formats().values()), ids=lambda f: f.id)
def test_headlines_mean_the_same_in_every_format(tmp_path, fmt):
    year = fmt.first_year
    if fmt.supplied_headlines:
        figures = {"new_received": 5, "reconsiderations": 3, "lawsuits": 0}
        text = report_text(fmt, "甲", year, texts={"text": "正文"}, headline=figures)
    else:
        text = report_yaml(year=year, values=consistent_values(), format_id=fmt.id)
    report = read(tmp_path, text, year=year)
    assert headline_value(report, "new_received") == 5
    assert headline_value(report, "reconsiderations") == 3
    assert headline_value(report, "lawsuits") == 0
    assert [h.id for h in fmt.headlines] == [h.id for h in get_format("2021").headlines]
