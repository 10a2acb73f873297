"""The quick path of reading reports (simpleyaml.py, read.reports.read_plain_report), site.yaml and
office.yaml (read/settings.py's quick_nodes) against the full one.

Whatever the text, the quick path either declines it or returns exactly the report and the findings
the full reader returns. The texts are report files as `gongkai new` and
`gongkai import` write them, with clerks' edits and mistakes made to them at random.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator.model.format import get_format
from generator.model.values import Report
from generator.read import settings as settings_module
from generator.read import simpleyaml, site, source
from generator.read.reports import read_composed_report, read_plain_report, read_report
from generator.read.scaffold import report_text

EXAMPLE = Path(__file__).resolve().parent.parent / "content"
FIELDS = ("office", "year", "format_id", "path", "published", "office_name", "source_url", "computed", "draft")


def same_report(quick: Report, full: Report) -> None:
    """Assert that the two readings made the same report: every field, value (and its type) and position."""
    for name in FIELDS:
        assert getattr(quick, name) == getattr(full, name), name
    assert quick.texts == full.texts
    assert quick.values == full.values
    assert {k: type(v) for k, v in quick.values.items()} == {k: type(v) for k, v in full.values.items()}
    assert quick.positions == full.positions


def both_ways(text: str | bytes, year: int = 2023) -> tuple[Report | None, list] | None:
    """The quick reading of a text (None when it declines it), after checking it against the full
    reading: the same report (or none) and the same findings."""
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    file = Path(f"content/test/{year}.yaml")
    quick = read_plain_report(data, str(file), "test", year)
    if quick is not None:
        full, findings = read_composed_report(file, str(file), "test", data)
        assert quick[1] == findings
        assert (quick[0] is None) == (full is None)
        if full is not None:
            same_report(quick[0], full)
    return quick


values_2021 = st.fixed_dictionaries(
    {
        "applications.new_received.natural_person": st.integers(0, 10**6),
        "applications.granted.total": st.integers(0, 99),
        "proactive.regulations.in_force": st.integers(0, 500),
        "proactive.administrative_fees.fees": st.one_of(
            st.integers(0, 10**5), st.decimals(0, 10**5, places=2).map(lambda d: d.normalize() if d else d)
        ),
    }
)
narratives = st.lists(
    st.sampled_from(
        list("本机关公开申请。，、：；（）《》“”0123456789abc #:-*|>'\"[]{}&!%@`\t\n") + ["\n\n", "  ", "\n  "]
    ),
    max_size=60,
).map("".join)


def scaffold(values: dict, texts: dict, year: int = 2023, format_id: str = "2021") -> str:
    """A report file as `gongkai new` writes it, with these values and texts."""
    return report_text(
        get_format(format_id), "测试街道办事处", year, values=values, texts=texts, published=date(year + 1, 1, 20)
    )


TOKENS = [
    "0", "1", "007", "-1", "-0", "+1", "1.5", "1.50", "1.23456", "1e3", "1_000", "0x1F", "十", "１２", "", "~", "null",
    "no", "yes", "on", "true", "2023-01-01", '"3"', "'3'", "[1, 2]", "[1,2]", "[ 1 ,2 ]", "[]", "{a: 1}", "|-", "|", "|+",
    ">", "|2-", "# c", " # c", "a: b", "a:", "&x 1", "*x", "!!str 1", "%", "@", "`", "- 1", "? a", "\t", ":", "，", "【待填写】",
]  # fmt: skip
CHARACTERS = [
    "\t",
    ":",
    "#",
    "'",
    '"',
    "[",
    "]",
    "{",
    "-",
    "|",
    ">",
    " ",
    "\r",
    "\u2028",
    "\x85",
    "\ufeff",
    "\x00",
    "０",
]


@st.composite
def edited(draw: st.DrawFn) -> str:
    """A report file with a few edits of the kind clerks make, or mistakes."""
    text = scaffold(draw(values_2021), {"overview": draw(narratives), "problems": draw(narratives), "other": "无"})
    text = draw(st.sampled_from(["", "draft: true\n", "draft: false\n"])) + text
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        action = draw(st.sampled_from(["token", "char", "indent", "delete", "duplicate", "insert", "trail", "blank"]))
        if action == "token" and ": " in line:
            head, _, rest = line.partition(": ")
            if rest.startswith("["):
                cells = rest[1 : rest.index("]")].split(", ")
                cells[draw(st.integers(0, len(cells) - 1))] = draw(st.sampled_from(TOKENS))
                rest = "[" + ", ".join(cells) + rest[rest.index("]") :]
            else:
                rest = draw(st.sampled_from(TOKENS))
            lines[index] = f"{head}: {rest}"
        elif action == "char":
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.sampled_from(CHARACTERS)) + line[at:]
        elif action == "indent":
            lines[index] = " " * draw(st.integers(0, 4)) + line.lstrip(" ")
        elif action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, line)
        elif action == "insert":
            lines.insert(index, draw(st.sampled_from(["#", "  #", "x: 1", "  intro: 说明", "---", "...", "  ", "   "])))
        elif action == "trail":
            lines[index] = line + draw(st.sampled_from([" ", "  # 注", "#", " #", "\t"]))
        else:
            lines[index] = ""
    joined = "\n".join(lines)
    return draw(st.sampled_from([joined, joined.rstrip("\n"), joined.replace("\n", "\r\n"), "\ufeff" + joined]))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited())
def test_quick_path_declines_or_agrees(text: str) -> None:
    """An edited report file: the quick path declines it or reads what the full reader reads."""
    both_ways(text)


@settings(max_examples=150, deadline=None)
@given(values_2021, narratives, narratives)
def test_unedited_files_take_the_quick_path(values: dict, overview: str, problems: str) -> None:
    """Also those with a narrative YAML reads as something else (e.g. "no"): the same warning either way."""
    text = scaffold(values, {"overview": overview or "无", "problems": problems or "无", "other": "无"})
    _, findings = read_composed_report(Path("content/test/2023.yaml"), "x", "test", text.encode())
    assume(all(f.severity == "warning" for f in findings))  # not a narrative that breaks the YAML (a tab)
    assert both_ways(text) is not None


@pytest.mark.parametrize("format_id, year", [("2021", 2023), ("2019", 2020)])
def test_scaffold_of_each_table_format_takes_the_quick_path(format_id: str, year: int) -> None:
    """The scaffold of each format with tables is read the quick way, with no finding."""
    values = {"proactive.regulations.in_force": 3} if format_id == "2021" else {}
    report, findings = both_ways(
        scaffold(values, {s.id: "无" for s in get_format(format_id).sections}, year, format_id), year
    )
    assert findings == [] and report.format_id == format_id


def test_example_reports_take_the_quick_path_where_they_can() -> None:
    """The example site's table reports are read the quick way; its free-form one the full way."""
    files = sorted(EXAMPLE.glob("*/[0-9][0-9][0-9][0-9].yaml"))
    quick = {file.name: both_ways(file.read_bytes(), int(file.stem)) is not None for file in files}
    assert quick["2023.yaml"] and quick["2020.yaml"]  # the 2021 and 2019 formats
    assert not quick["2015.yaml"]  # free-form reports (captioned tables) are read the full way


@pytest.mark.parametrize(
    "line, draft", [("draft: true", True), ("draft: false  # 发布", False), ("draft: yes", None), ("draft: True", None)]
)
def test_the_quick_path_reads_the_draft_mark_as_the_full_one_does(line: str, draft: bool | None) -> None:
    """true and false are the draft mark's only spellings, either way of reading."""
    text = scaffold({}, {"overview": "【待填写】" if draft else "无", "problems": "无", "other": "无"})
    text = text.replace('format: "2021"', f'{line}\nformat: "2021"')
    full, findings = read_composed_report(Path("content/test/2023.yaml"), "x", "test", text.encode())
    if draft is None:  # YAML 1.1's other spellings are refused, not taken for either: the same finding either way
        quick = both_ways(text)
        assert quick is not None and quick[0] is None and full is None and "draft 应为 true" in findings[0].message
    elif draft:  # a placeholder is allowed in a draft, with a warning (the same check either way)
        assert both_ways(text)[0].draft and full.draft and [f.severity for f in findings] == ["warning"]
    else:
        assert both_ways(text)[0].draft is False


def test_the_quick_path_keeps_amounts_counts_and_signed_changes() -> None:
    """Amounts, counts and signed changes are read the quick way, with their types."""
    text = scaffold(
        {"proactive.administrative_fees.fees": Decimal("9116.36"), "applications.new_received.business": 12},
        {"overview": "无", "problems": "无", "other": "无"},
    )
    report, _ = both_ways(text)
    assert report.value("proactive", "administrative_fees", "fees") == Decimal("9116.36")
    assert report.value("applications", "new_received", "business") == 12
    changes = scaffold({}, {s.id: "无" for s in get_format("2019").sections}, 2020, "2019")
    changes = changes.replace("licensing: [0, 0, 0]", "licensing: [3, -2, 7]", 1)
    changes = changes.replace("central_procurement: [0, 0]", "central_procurement: [2, 35.5]", 1)
    assert "[3, -2, 7]" in changes and "[2, 35.5]" in changes
    report, _ = both_ways(changes, 2020)
    assert report.value("proactive", "licensing", "change") == -2
    assert report.value("proactive", "central_procurement", "procurement_amount") == Decimal("35.5")


def test_the_quick_path_finds_the_year_and_placeholder_problems_as_the_full_one(tmp_path: Path) -> None:
    """The year against the file name, and a placeholder left in, are found the quick way."""
    text = scaffold({}, {"overview": "无", "problems": "无", "other": "无"}).replace("year: 2023", "year: 2022")
    file = tmp_path / "2023.yaml"
    file.write_text(text, encoding="utf-8")
    report, findings = both_ways(text)
    assert report is None and "与文件名 2023.yaml 不一致" in findings[0].message
    assert [f.message for f in read_report(file, "x", "test")[1]] == [f.message for f in findings]
    text = scaffold({}, {"overview": "【待填写】", "problems": "无", "other": "无"})
    report, (finding,) = both_ways(text)
    assert report is None and finding.severity == "error" and "尚未填写" in finding.message


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a: |-\n  one\n\n  two\n\nb: x\n", {"a": "one\n\ntwo", "b": "x"}),
        ("a: |\n  one\n\n\nb: x\n", {"a": "one\n", "b": "x"}),
        ("a: |\n  one", {"a": "one"}),
        ("a: |-\nb: x\n", {"a": "", "b": "x"}),
        ("a: 'it' # c\nb: \"x\"\n", {"a": "it", "b": "x"}),
    ],
)
def test_block_and_quoted_scalars(text: str, expected: dict) -> None:
    """Literal block and quoted scalars read as libyaml reads them."""
    parsed = simpleyaml.parse(text)
    assert {key: item.value for key, item in parsed.items()} == expected


@pytest.mark.parametrize(
    "text", ["a: >\n  x\n", "a: |+\n  x\n", "a: [1,\n  2]\n", "- a\n", "a: {b: 1}\n", "a:\n\tb: 1\n"]
)
def test_other_yaml_is_left_to_the_full_reader(text: str) -> None:
    """YAML outside the subset is declined."""
    assert simpleyaml.parse(text) is None


# --- site.yaml and office.yaml ----------------------------------------------------------------------

OFFICE_YAML = """\
# 机关信息
name: 荷花路街道办事处
full_name: "某市某区荷花路街道办事处"
parent: county-0084  # 上级
kind: 乡镇街道
contact:
  address: 某市某区荷花路 1 号
  phone: '0571-12345678'
  website: https://example.gov.cn/
"""
SITE_YAML = """\
name: 某区政府信息公开
base_url: https://www.example.gov.cn/xxgk/
contact:
  email: xxgk@example.gov.cn
accessibility:
  reviewed: "2024-03-01"
  limitations: |-
    部分早年的报告只有扫描件。

    正在补录。
"""


def mapping_both_ways(text: str, keys: dict) -> dict | None:
    """The quick reading of a settings or office file (None when it declines the text), after checking
    that it reads the same values and finds the same problems as the full reading."""
    data = text.encode("utf-8")
    node = settings_module.quick_nodes(data)
    if node is None:
        return None
    quick_findings: list = []
    quick = settings_module.declared_values(node, "x.yaml", keys, "office.yaml", quick_findings)
    text, findings = source.decode(data, "x.yaml")
    full = settings_module.declared_values(source.parse(text, "x.yaml"), "x.yaml", keys, "office.yaml", findings)
    assert quick_findings == findings
    assert quick == full
    return quick


def test_office_and_site_files_take_the_quick_path() -> None:
    """Plain office.yaml and site.yaml files are read the quick way, the same as the full way."""
    office = mapping_both_ways(OFFICE_YAML, site.OFFICE_KEYS)
    assert office["full_name"] == "某市某区荷花路街道办事处" and office["contact"]["phone"] == "0571-12345678"
    assert office["_positions"]["parent"].line == 4
    settings = mapping_both_ways(SITE_YAML, settings_module.SITE_KEYS)
    assert settings["accessibility"]["limitations"] == "部分早年的报告只有扫描件。\n\n正在补录。"


@pytest.mark.parametrize(
    "old, new, quick",
    [
        ("kind: 乡镇街道", "kind: 街道", True),  # not one of the kinds: read_office says so, not the reading
        ("# 机关信息\n", "\ufeff", True),
        ("kind: 乡镇街道", "kinds: 乡镇街道", True),  # the same finding either way
        ("kind: 乡镇街道", "kind: yes", True),
        ("kind: 乡镇街道", "kind: 2024-03-01", True),
        ("kind: 乡镇街道", "kind: null", True),
        ("kind: 乡镇街道", "kind:", False),  # an empty value: where it is, is libyaml's to say
        ("name: 荷花路街道办事处\n", "", True),
        ("  phone: '0571-12345678'", "  phone: 0571-12345678", True),
        ("  phone: '0571-12345678'", "  fax: 1", True),
        ("contact:\n", "contact: 无\n", False),  # then indented lines: a syntax error, libyaml says where
        ("parent: county-0084", "parent: county-0084\nparent: county-0085", False),
        ("# 机关信息\n", "---\n", False),
        ("  address:", "\taddress:", False),
        ("name: 荷花路街道办事处", "name: ~", True),
    ],
)
def test_office_files_take_the_quick_path_when_plain_and_read_the_same(old: str, new: str, quick: bool) -> None:
    """An office file's edits: read the quick way when plain, the same as the full way."""
    assert old in OFFICE_YAML
    assert (mapping_both_ways(OFFICE_YAML.replace(old, new, 1), site.OFFICE_KEYS) is not None) == quick


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_office_files_quick_path_declines_or_agrees(data: st.DataObject) -> None:
    """An edited office file: the quick path declines it or reads what the full reader reads."""
    lines = OFFICE_YAML.split("\n")
    for _ in range(data.draw(st.integers(1, 3))):
        index = data.draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        if ": " in line and data.draw(st.booleans()):
            lines[index] = line.partition(": ")[0] + ": " + data.draw(st.sampled_from(TOKENS))
        else:
            at = data.draw(st.integers(0, len(line)))
            lines[index] = line[:at] + data.draw(st.sampled_from(CHARACTERS)) + line[at:]
    mapping_both_ways("\n".join(lines), site.OFFICE_KEYS)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("licensing: 0", "licensing: 十二", "汉字数字"),
        ("licensing: 0", 'licensing: "3"', "带引号"),
        ("licensing: 0", "licensing: ~", "缺少数值"),
        ("licensing: 0", "licensing: １２", "全角字符"),
        ("regulations: [0, 0, 0]", "regulations: [0, 007, 0]", "八进制"),
        ("regulations: [0, 0, 0]", "regulations: [0, 0, -1]", "负数"),
        ("regulations: [0, 0, 0]", "regulations: [ 0 ,1.5, 0]", "不是整数"),
        ("administrative_fees: 0", "administrative_fees: -3.5", "不是有效金额"),
        ("published: 2024-01-20", "published: 2024-02-30", "应为日期"),
        ("published: 2024-01-20", "published: 下月", "应为日期"),
        ("format: ", "scope: 全部\nformat: ", "数据范围 scope"),
        ("year: 2023", "year: 2O23", "年度应为四位数字"),
        ("year: 2023", "year: 2024", "与文件名 2023.yaml 不一致"),
    ],
)
def test_the_quick_path_reads_a_wrong_value_with_the_same_check_as_the_full_one(
    old: str, new: str, expected: str
) -> None:
    """A value the quick path does not recognise is handed to the one function that decides it (e.g.
    source.number_value), not back to the full reader: the same finding, at the same place."""
    text = scaffold({}, {"overview": "无", "problems": "无", "other": "无"})
    assert old in text
    quick = both_ways(text.replace(old, new, 1))
    assert quick is not None, "declined"
    report, findings = quick
    assert report is None and len(findings) == 1 and expected in findings[0].message, findings
