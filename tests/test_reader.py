"""Reading report files: every bad input gives its message at the right line and column."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from generator.check import load_report
from tests.helpers import col_of, line_of, report_yaml, write_office, write_report, write_site


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site with one office, test, and no report yet."""
    root = write_site(tmp_path / "site")
    write_office(root, "test", "测试街道办事处")
    return root


def check(cli: Callable[..., Any], site: Path) -> tuple[Any, list[str]]:
    """`gongkai check` of the site: its result, and its lines that are findings."""
    result = cli("check", ".", cwd=site)
    return result, [line for line in result.lines if ": error: " in line or ": warning: " in line]


def only(findings: list[str], severity: str = "error") -> str:
    """The one finding of this severity among the lines (asserting there is exactly one)."""
    chosen = [f for f in findings if f": {severity}: " in f]
    assert len(chosen) == 1, findings
    return chosen[0]


def replace_line(text: str, needle: str, new_line: str) -> str:
    """The text with the line holding `needle` replaced by `new_line`."""
    lines = text.splitlines()
    index = line_of(text, needle) - 1
    lines[index] = new_line
    return "\n".join(lines) + "\n"


def test_valid_report_reads_clean(cli: Callable[..., Any], site: Path) -> None:
    """A scaffolded report is checked with no finding, and the summary line says so."""
    write_report(site, "test", 2023, report_yaml())
    result, findings = check(cli, site)
    assert result.code == 0
    assert findings == []
    assert result.lines[-1] == "检查了 1 个机关的 1 份报告：0 个错误，0 个警告"


def test_values_and_positions_are_kept(site: Path) -> None:
    """A count and an amount are read as written, and a cell's position is where it stands."""
    values = {"applications.new_received.natural_person": 3, "proactive.administrative_fees.fees": Decimal("9116.36")}
    text = report_yaml(values=values)
    path = write_report(site, "test", 2023, text)
    report, findings = load_report(path, "content/test/2023.yaml", "test")
    assert findings == []
    assert report.value("applications", "new_received", "natural_person") == 3
    assert report.value("proactive", "administrative_fees", "fees") == Decimal("9116.36")
    position = report.position_of("applications.new_received.natural_person")
    assert (position.line, position.column) == (line_of(text, "new_received:"), col_of(text, "new_received:", "3"))


def test_yaml_syntax_error(cli: Callable[..., Any], site: Path) -> None:
    """Broken YAML is one positioned error, and check exits 1."""
    text = report_yaml().replace("year: 2023", "year: 2023\n  bad: [1, 2")
    write_report(site, "test", 2023, text)
    result, findings = check(cli, site)
    assert result.code == 1
    message = only(findings)
    assert message.startswith("content/test/2023.yaml:")
    assert "YAML 语法错误" in message


def test_tab_indentation_explained(cli: Callable[..., Any], site: Path) -> None:
    """A tab used for indentation is named as such, at its line."""
    text = report_yaml().replace("  regulations:", "\tregulations:")
    write_report(site, "test", 2023, text)
    _, findings = check(cli, site)
    message = only(findings)
    assert f":{line_of(text, 'regulations:')}:" in message
    assert "Tab" in message


def test_gb18030_file_is_read_with_a_warning(cli: Callable[..., Any], site: Path) -> None:
    """A GB18030 file is read, with a warning that says how to convert it."""
    path = site / "content" / "test" / "2023.yaml"
    path.write_bytes(report_yaml().encode("gb18030"))
    result, findings = check(cli, site)
    assert result.code == 0
    message = only(findings, "warning")
    assert "GB18030" in message and "UTF-8" in message and "iconv" in message


def test_utf8_bom_is_accepted(cli: Callable[..., Any], site: Path) -> None:
    """A UTF-8 byte order mark is no problem."""
    path = site / "content" / "test" / "2023.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + report_yaml().encode("utf-8"))
    result, findings = check(cli, site)
    assert result.code == 0 and findings == []


def test_unknown_key_suggests_the_right_one(cli: Callable[..., Any], site: Path) -> None:
    """A misspelt top-level key is an error at its place, suggesting the key meant."""
    text = report_yaml().replace("overview:", "overveiw:")
    write_report(site, "test", 2023, text)
    _, findings = check(cli, site)
    unknown = [f for f in findings if "overveiw" in f]
    assert unknown and f"2023.yaml:{line_of(text, 'overveiw:')}:1: error:" in unknown[0]
    assert "是否想写“overview”" in unknown[0]


def test_unknown_row_key_suggests_the_row(cli: Callable[..., Any], site: Path) -> None:
    """A misspelt row key is an error at its place, suggesting the row meant."""
    text = report_yaml().replace("  new_received:", "  new_recieved:")
    write_report(site, "test", 2023, text)
    _, findings = check(cli, site)
    assert any(f":{line_of(text, 'new_recieved')}:3: error:" in f and "new_received" in f for f in findings)


def test_chinese_label_as_key_names_the_id(cli: Callable[..., Any], site: Path) -> None:
    """A row's Chinese label written as its key is answered with the key to write."""
    text = report_yaml().replace("  licensing:", "  行政许可:")
    write_report(site, "test", 2023, text)
    _, findings = check(cli, site)
    assert any("“行政许可”应写作“licensing”" in f for f in findings)


def test_missing_year(cli: Callable[..., Any], site: Path) -> None:
    """A report without its year is told the line to add."""
    text = report_yaml().replace("year: 2023\n", "")
    write_report(site, "test", 2023, text)
    _, findings = check(cli, site)
    assert any("缺少必填项“year”" in f and "year: 2023" in f for f in findings)


def test_missing_section_and_row(cli: Callable[..., Any], site: Path) -> None:
    """A missing section and a missing row are each named, with their keys."""
    text = report_yaml()
    text = replace_line(text, "  penalties:", "")
    start = line_of(text, "problems:")
    lines = text.splitlines()
    del lines[start - 1 : start + 1]
    write_report(site, "test", 2023, "\n".join(lines) + "\n")
    _, findings = check(cli, site)
    assert any("缺少第五部分“存在的主要问题及改进情况”（键 problems）" in f for f in findings)
    assert any("缺少“行政处罚”一行（键 penalties）" in f for f in findings)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("十", "汉字数字"),
        ("1.5", "不是整数"),
        ("-3", "负数"),
        ('""', "缺少数值"),
        ('"5"', "带引号的文字"),
        ("null", "缺少数值"),
        ("", "缺少值"),
        ("0755", "八进制"),
        ("no", "不是数字"),
        ("2024-01-01", "不是数字"),
        ("１２", "全角"),
        ("1,200", "有 8 个数值"),
    ],
)
def test_bad_counts(cli: Callable[..., Any], site: Path, value: str, expected: str) -> None:
    """Each kind of wrong count is explained at the cell's line and column."""
    text = replace_line(report_yaml(), "  granted:", f"  granted: [0, {value}, 0, 0, 0, 0, 0]")
    write_report(site, "test", 2023, text)
    result, findings = check(cli, site)
    assert result.code == 1
    line = line_of(text, "  granted:")
    column = text.splitlines()[line - 1].index(", ") + 3
    if expected == "有 8 个数值":
        column = text.splitlines()[line - 1].index("[") + 1
    assert any(f"2023.yaml:{line}:{column}: error:" in f and expected in f for f in findings), findings


def test_scalar_count_in_single_column_row(cli: Callable[..., Any], site: Path) -> None:
    """A single-column row's value is checked like a list's cell, at its column."""
    text = replace_line(report_yaml(), "  licensing:", "  licensing: 十二")
    write_report(site, "test", 2023, text)
    _, findings = check(cli, site)
    assert any(f":{line_of(text, 'licensing')}:14: error:" in f and "汉字数字" in f for f in findings)


def test_amount_with_decimals_and_bad_amounts(cli: Callable[..., Any], site: Path) -> None:
    """Amounts of any scale are accepted; a negative one is not."""
    text = replace_line(report_yaml(), "  administrative_fees:", "  administrative_fees: 9116.36")
    write_report(site, "test", 2023, text)
    assert check(cli, site)[0].code == 0
    text = replace_line(report_yaml(), "  administrative_fees:", "  administrative_fees: 5949.088667")
    write_report(site, "test", 2023, text)
    assert check(cli, site)[0].code == 0  # any scale: the published figure as written
    text = replace_line(report_yaml(), "  administrative_fees:", "  administrative_fees: -1.5")
    write_report(site, "test", 2023, text)
    _, findings = check(cli, site)
    assert any("不是有效金额" in f for f in findings)


def test_wrong_number_of_values(cli: Callable[..., Any], site: Path) -> None:
    """A row of the wrong length says how many values, in which order, it should have."""
    text = replace_line(report_yaml(), "  carried_over:", "  carried_over: [0, 0, 0, 0, 0]")
    write_report(site, "test", 2023, text)
    _, findings = check(cli, site)
    message = only([f for f in findings if "个数值" in f])
    assert f":{line_of(text, 'carried_over')}:17: error:" in message
    assert "有 5 个数值，应为 7 个" in message and "自然人、商业企业" in message


def test_total_may_be_omitted_and_is_computed(site: Path) -> None:
    """A row may leave out its total, which is then computed and marked as such."""
    text = replace_line(report_yaml(), "  new_received:", "  new_received: [1, 2, 0, 0, 0, 3]")
    text = replace_line(text, "  granted:", "  granted: [1, 2, 0, 0, 0, 3]")
    path = write_report(
        site, "test", 2023, text.replace("outcome_total: [0, 0, 0, 0, 0, 0, 0]", "outcome_total: [1, 2, 0, 0, 0, 3, 6]")
    )
    report, findings = load_report(path, "x.yaml", "test")
    assert report.value("applications", "new_received", "total") == 6
    assert "applications.new_received.total" in report.computed
    assert findings == []


def test_year_in_file_differs_from_name(cli: Callable[..., Any], site: Path) -> None:
    """A year other than the file name's is an error at the year."""
    text = report_yaml(year=2023)
    write_report(site, "test", 2024, text)
    _, findings = check(cli, site)
    assert any(
        f"2024.yaml:{line_of(text, 'year:')}:7: error:" in f and "与文件名 2024.yaml 不一致" in f for f in findings
    )


def test_duplicate_key(cli: Callable[..., Any], site: Path) -> None:
    """A key written twice is an error at the second, naming the line of the first."""
    text = report_yaml().replace("  licensing: 0", "  licensing: 0\n  licensing: 5")
    write_report(site, "test", 2023, text)
    _, findings = check(cli, site)
    second = line_of(text, "licensing: 5")
    assert any(f":{second}:3: error:" in f and "重复" in f and f"第 {second - 1} 行" in f for f in findings)


@pytest.mark.parametrize("word, kind", [("no", "是/否"), ("null", "空值"), ("2023-01-01", "日期")])
def test_yaml11_surprises_in_text_are_kept_as_text(site: Path, word: str, kind: str) -> None:
    """Words YAML 1.1 reads as something else are kept as text, with a warning saying as what."""
    text = report_yaml().replace("year: 2023", f"year: 2023\noffice_name: {word}")
    path = write_report(site, "test", 2023, text)
    report, findings = load_report(path, "x.yaml", "test")
    assert report is not None and report.office_name == word
    assert len(findings) == 1 and kind in findings[0].message and findings[0].severity == "warning"


def test_unknown_format(cli: Callable[..., Any], site: Path) -> None:
    """A format that does not exist is an error at its value."""
    text = report_yaml().replace('format: "2021"', 'format: "2022"')
    write_report(site, "test", 2023, text)
    _, findings = check(cli, site)
    assert any(f":{line_of(text, 'format:')}:9: error:" in f and "不认识的报告格式" in f for f in findings)


def test_empty_file(cli: Callable[..., Any], site: Path) -> None:
    """An empty file is one error that says how to make a report."""
    write_report(site, "test", 2023, "")
    _, findings = check(cli, site)
    assert findings == ["content/test/2023.yaml:1:1: error: 文件是空的；可用 gongkai new 生成完整的报告模板"]


def test_top_level_list_is_rejected(cli: Callable[..., Any], site: Path) -> None:
    """A file that is a list, not a mapping, is rejected."""
    write_report(site, "test", 2023, "- a\n- b\n")
    _, findings = check(cli, site)
    assert any("报告文件应为“键: 值”的映射" in f for f in findings)


def test_published_date(site: Path) -> None:
    """A date in Chinese is read; a day that does not exist is an error."""
    text = report_yaml().replace("# published: 2024-01-20", "published: 2024年1月19日")
    report, findings = load_report(write_report(site, "test", 2023, text), "x.yaml", "test")
    assert str(report.published) == "2024-01-19" and findings == []
    text = report_yaml().replace("# published: 2024-01-20", "published: 2024-02-30")
    report, findings = load_report(write_report(site, "test", 2023, text), "x.yaml", "test")
    assert report is None and "发布日期" in findings[0].message
