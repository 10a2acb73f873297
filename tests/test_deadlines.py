"""Publication deadlines per office kind, each report's status as of a date, and `gongkai status`."""

from __future__ import annotations

import json
from datetime import date

import pytest

from generator.check import deadlines
from generator.model.format import get_format
from generator.read.scaffold import report_text
from generator.read.settings import Settings, read_settings
from tests.helpers import valid_texts, write_office, write_report, write_site

DUE = date(2024, 1, 31)


@pytest.mark.parametrize(
    ("published", "reported", "as_of", "state", "days"),
    [
        (date(2024, 1, 20), True, date(2024, 3, 1), deadlines.ON_TIME, 0),
        (date(2024, 1, 31), True, date(2024, 3, 1), deadlines.ON_TIME, 0),  # on the day is on time
        (date(2024, 2, 3), True, date(2024, 3, 1), deadlines.LATE, 3),
        (None, False, date(2024, 2, 1), deadlines.MISSING, 1),
        (None, False, date(2024, 1, 31), deadlines.NOT_DUE, 0),
        (None, True, date(2024, 3, 1), deadlines.UNDATED, 0),
        (date(2024, 2, 10), True, date(2024, 1, 15), deadlines.NOT_DUE, 0),  # published after the date asked
        (date(2024, 2, 10), True, date(2024, 2, 5), deadlines.MISSING, 5),
    ],
)
def test_status_of_a_report(published, reported, as_of, state, days):
    assert deadlines.status_of(DUE, published, reported, as_of) == (state, days)


def test_deadlines_by_kind_with_the_regulation_as_default():
    plain = Settings(name="x")
    assert deadlines.deadline(plain, "部门", 2023) == date(2024, 1, 31)
    assert deadlines.deadline(plain, "政府", 2023) == date(2024, 3, 31)
    assert deadlines.deadline(plain, "乡镇街道", 2023) == date(2024, 1, 31)
    assert deadlines.deadline(plain, "", 2023) == date(2024, 1, 31)  # no kind: 其他
    own = Settings(name="x", deadlines={"乡镇街道": "01-15", "政府": "3-20"})
    assert deadlines.deadline(own, "乡镇街道", 2023) == date(2024, 1, 15)
    assert deadlines.deadline(own, "政府", 2023) == date(2024, 3, 20)
    assert deadlines.deadline(own, "部门", 2023) == date(2024, 1, 31)


def test_a_deadline_that_is_not_a_day_is_an_error(tmp_path):
    root = write_site(tmp_path / "site")
    (root / "site.yaml").write_text("name: 测试站点\ndeadlines:\n  部门: 02-30\n  政府: 03-31\n", encoding="utf-8")
    settings, findings = read_settings(root)
    assert settings.deadlines == {"部门": "02-30", "政府": "03-31"}
    (finding,) = findings
    assert finding.severity == "error" and "“部门”的“02-30”不是有效的月-日" in finding.message
    assert (finding.position.line, finding.position.column) == (3, 3)


def county(tmp_path, site_yaml: str = "name: 测试站点\n"):
    """A 政府 late by two days, a 部门 on time, a 乡镇街道 without its 2023 report."""
    root = write_site(tmp_path / "site")
    (root / "site.yaml").write_text(site_yaml, encoding="utf-8")
    write_office(root, "gov", "某县人民政府", "kind: 政府\n")
    write_office(root, "edu", "某县教育局", "kind: 部门\nparent: gov\n")
    write_office(root, "town", "某某镇人民政府", "kind: 乡镇街道\nparent: gov\n")
    write_report(root, "gov", 2023, dated_report(published=date(2024, 4, 2)))
    write_report(root, "edu", 2023, dated_report(published=date(2024, 1, 20)))
    write_report(root, "town", 2022, dated_report(year=2022, published=date(2023, 1, 10)))
    return root


def dated_report(year: int = 2023, published: date | None = None) -> str:
    return report_text(get_format("2021"), "测试", year, values={}, texts=valid_texts(), published=published)


def test_status_command_lists_every_office_and_fails_when_one_is_overdue(cli, tmp_path):
    root = county(tmp_path)
    result = cli("status", root, "--as-of", "2024-05-01")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == "发布情况（统计截至 2024-05-01）"
    assert "2023 年度：按时 1，逾期 1，未发布 1" in lines
    rows = [line.split() for line in lines if line.startswith("2023 ") and "年度：" not in line]
    assert rows == [
        ["2023", "某县教育局", "部门", "2024-01-31", "2024-01-20", "按时"],
        ["2023", "某县人民政府", "政府", "2024-03-31", "2024-04-02", "逾期", "2", "天"],
        ["2023", "某某镇人民政府", "乡镇街道", "2024-01-31", "—", "未发布"],
    ]
    assert ["2022", "某某镇人民政府", "乡镇街道", "2023-01-31", "2023-01-10", "按时"] in [
        line.split() for line in lines
    ]


def test_status_before_the_deadline_and_one_year_as_json(cli, tmp_path):
    root = county(tmp_path)
    result = cli("status", root, "--as-of", "2024-01-25", "--year", "2023", "--format", "json")
    assert result.code == 0, result.out
    data = json.loads(result.out)
    assert data["as_of"] == "2024-01-25" and data["overdue"] == 0
    assert data["counts"] == {"2023": {"按时": 1, "逾期": 0, "未发布": 0, "未到期": 2, "未注明发布日期": 0}}
    assert [(s["office"], s["status"], s["deadline"]) for s in data["statuses"]] == [
        ("edu", "按时", "2024-01-31"),
        ("gov", "未到期", "2024-03-31"),  # published later than the date asked: not yet
        ("town", "未到期", "2024-01-31"),
    ]


def test_status_follows_the_sites_deadlines(cli, tmp_path):
    root = county(tmp_path, "name: 测试站点\ndeadlines:\n  政府: 04-15\n")
    result = cli("status", root, "--as-of", "2024-01-31", "--year", "2023", "--format", "json")
    gov = next(s for s in json.loads(result.out)["statuses"] if s["office"] == "gov")
    assert gov["deadline"] == "2024-04-15"
    result = cli("status", root, "--as-of", "2024-05-01", "--year", "2023", "--format", "json")
    gov = next(s for s in json.loads(result.out)["statuses"] if s["office"] == "gov")
    assert gov["status"] == "按时"


@pytest.mark.parametrize("args", [("--as-of", "2024-13-01"), ("--year", "23")])
def test_status_usage_errors(cli, tmp_path, args):
    result = cli("status", county(tmp_path), *args)
    assert result.code == 2
    assert "应" in result.err


def test_reports_before_2019_were_due_by_march_from_everyone():
    own = Settings(name="x", deadlines={"部门": "01-15"})
    assert deadlines.deadline(own, "部门", 2018) == date(2019, 3, 31)
    assert deadlines.deadline(own, "部门", 2019) == date(2020, 1, 15)


def test_check_warns_of_a_report_published_late(cli, tmp_path):
    root = county(tmp_path)
    result = cli("check", root, "--format", "json")
    (late,) = [f for f in json.loads(result.out)["findings"] if f["rule"] == deadlines.LATE_RULE]
    text = (root / "content/gov/2023.yaml").read_text(encoding="utf-8")
    assert (late["path"].endswith("content/gov/2023.yaml"), late["severity"]) == (True, "warning")
    assert late["line"] == next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith("published:"))
    assert late["message"].startswith("发布日期 2024-04-02 晚于发布期限 2024-03-31，逾期 2 天（政府；")
    (root / "site.yaml").write_text("name: 测试站点\ndeadlines: {政府: 04-30}\n", encoding="utf-8")
    result = cli("check", root, "--format", "json")
    assert [f for f in json.loads(result.out)["findings"] if f["rule"] == deadlines.LATE_RULE] == []


def test_reports_published_late_are_listed_but_do_not_fail_the_status(cli, tmp_path):
    root = county(tmp_path)
    write_report(root, "town", 2023, dated_report(published=date(2024, 2, 5)))
    result = cli("status", root, "--as-of", "2024-05-01", "--year", "2023")
    assert result.code == 0, result.out
    assert "2023 年度：按时 1，逾期 2" in result.out.splitlines()


def test_a_report_before_2019_is_late_after_march(cli, tmp_path):
    root = county(tmp_path)
    legacy = "format: legacy\nyear: 2015\npublished: {day}\ntext: |-\n  2015年，本机关认真落实条例。\n"
    write_report(root, "edu", 2015, legacy.format(day="2016-03-31"))  # a 部门: on time then
    result = json.loads(cli("check", root, "--format", "json").out)
    assert not [f for f in result["findings"] if f["rule"] == deadlines.LATE_RULE and "2015" in f["path"]]
    write_report(root, "edu", 2015, legacy.format(day="2016-04-05"))
    result = json.loads(cli("check", root, "--format", "json").out)
    (late,) = [f for f in result["findings"] if f["rule"] == deadlines.LATE_RULE and "2015" in f["path"]]
    assert late["message"].startswith("发布日期 2016-04-05 晚于发布期限 2016-03-31，逾期 5 天（各类机关；2008 年施行")
