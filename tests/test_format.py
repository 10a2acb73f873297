"""The format definitions (generator/model/format.py over generator/formats/*.yaml): loading, labels,
rules, the scaffold's hints, the importer's label aliases, and a malformed format file."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest

from generator.importer import labels
from generator.model.format import (
    FORMATS_DIR,
    FormatError,
    all_formats,
    format_for_year,
    get_format,
    label_aliases,
    load_format,
)
from generator.model.values import PLACEHOLDER
from generator.read.scaffold import report_text

FORM_SECTIONS = ["preface", "overview", "proactive", "applications", "review_litigation", "problems", "other"]


def test_every_shipped_format_loads_newest_first():
    formats = all_formats()
    assert list(formats) == ["2021", "2019", "legacy"]
    assert [(f.first_year, f.last_year) for f in formats.values()] == [(2021, None), (2019, 2020), (2008, 2018)]
    for year, expected in [(2007, None), (2008, "legacy"), (2018, "legacy"), (2019, "2019"), (2020, "2019")]:
        found = format_for_year(year)
        assert (found.id if found else None) == expected
    assert format_for_year(2035).id == "2021"
    assert get_format(2021) is formats["2021"] and get_format("2022") is None


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_national_formats_have_the_sections_and_tables_of_the_form(format_id):
    fmt = get_format(format_id)
    assert [s.id for s in fmt.sections] == FORM_SECTIONS
    assert [s.heading for s in fmt.sections if s.number] == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    assert list(fmt.tables) == ["proactive", "applications", "review_litigation"]
    (applications,) = fmt.tables["applications"].blocks
    assert [c.id for c in applications.leaf_columns] == [
        "natural_person", "business", "research", "public_welfare", "legal_services", "other", "total",
    ]  # fmt: skip
    assert (
        applications.find_column("organisation").depth == 2 and len(applications.find_column("applicant").leaves) == 7
    )
    rows = [r.id for r in applications.leaf_rows]
    assert rows[:3] == ["new_received", "carried_over", "granted"] and rows[-2:] == ["outcome_total", "carried_forward"]
    assert len(rows) == (25 if format_id == "2021" else 23)  # 2019: （六）其他处理 has no sub-rows
    (review,) = fmt.tables["review_litigation"].blocks
    assert review.layout == "one_line" and len(review.leaf_rows) * len(review.leaf_columns) == 15


def test_labels_are_the_official_wording_with_english_beside():
    fmt = get_format("2021")
    block = fmt.tables["applications"].block_of("outcome_total")
    assert block.find_row("outcome_total").label.zh == "（七）总计"
    assert block.find_row("security_stability").label.zh == "3.危及“三安全一稳定”"
    assert block.find_row("withheld").label.en == "(3) Not disclosed"
    assert str(block.find_column("organisation").label) == "法人或其他组织"
    fees = fmt.column_of("proactive", "administrative_fees", "fees")
    assert (fees.type, fees.unit) == ("amount", "万元")
    assert fmt.column_of("proactive", "administrative_fees", "in_force") is None
    assert len(fmt.cell_keys()) == len(set(fmt.cell_keys())) == 6 + 1 + 2 + 1 + 25 * 7 + 15


def test_rules_of_the_2021_format():
    fmt = get_format("2021")
    assert [r.id for r in fmt.rules] == ["R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"]
    rules = {r.id: r for r in fmt.rules}
    assert (rules["R1"].for_each, [t.row for t in rules["R1"].left]) == ("column", ["new_received", "carried_over"])
    assert rules["R5"].across_years and not rules["R1"].across_years
    r6 = rules["R6"]
    assert r6.members == ("regulations", "normative_documents")
    assert [(t.column, t.report, t.sign) for t in r6.right] == [
        ("in_force", "previous", 1),
        ("issued", "this", 1),
        ("repealed", "this", -1),
    ]
    r8 = rules["R8"]
    assert (r8.kind, r8.section, r8.any_of) == ("mentions", "other", ("信息处理费", "处理费"))
    assert r8.message.zh == "第六部分应说明本年度是否收取信息处理费（如“本年度未收取信息处理费”）"


def test_a_left_out_total_is_computed_by_the_rule_that_defines_it():
    fmt = get_format("2021")
    values = {f"applications.granted.{c}": n for c, n in [("natural_person", 3), ("business", 1), ("research", 0)]}
    assert fmt.computed_total("applications", "granted", "total", values) is None  # not every part known
    values |= {"applications.granted.public_welfare": 0, "applications.granted.legal_services": 2}
    values["applications.granted.other"] = 1
    assert fmt.computed_total("applications", "granted", "total", values) == 7
    review = {f"review_litigation.reconsideration.{c}": 1 for c in ("upheld", "corrected", "other_result", "pending")}
    assert fmt.computed_total("review_litigation", "reconsideration", "total", review) == 4
    amounts = {"proactive.administrative_fees.fees": Decimal("1.5")}
    assert fmt.computed_total("proactive", "administrative_fees", "fees", amounts) is None  # no rule defines it


def test_the_scaffold_writes_each_sections_hint_from_the_format():
    fmt = get_format("2019")
    hints = {s.id: s.hint for s in fmt.sections if s.hint}
    assert hints == {
        "preface": "本报告根据《中华人民共和国政府信息公开条例》编制，统计期限为{year}年1月1日至12月31日。",
        "other": "本年度未收取信息处理费。",
    }
    text = report_text(fmt, "测试街道办事处", 2020)
    assert "preface: |-\n  本报告根据《中华人民共和国政府信息公开条例》编制，统计期限为2020年1月1日至12月31日。" in text
    assert f"other: |-\n  {PLACEHOLDER}本年度未收取信息处理费。" in text  # a required section: placeholder first
    assert f"overview: |-\n  {PLACEHOLDER}\n" in text
    assert "legacy" not in {s.id for s in get_format("legacy").sections if s.hint}


def test_label_aliases_are_read_from_the_format_files():
    fmt = get_format("2021")
    assert fmt.column_of("proactive", "regulations", "repealed").aliases == ("本年度止件数", "本年度废止件数")
    assert fmt.tables["review_litigation"].blocks[0].find_row("reconsideration").aliases == ("行政法复议",)
    assert label_aliases() == (
        ("本年度止件数", "本年废止件数"),
        ("本年度废止件数", "本年废止件数"),
        ("法人或者其他组织", "法人或其他组织"),
        ("其它", "其他"),
        ("行政法复议", "行政复议"),
    )


def test_the_importer_corrects_exactly_the_aliases_of_the_format_data(monkeypatch):
    assert labels.normalise("本年度止件数") == "本年废止件数" and labels.is_variant("行政法复议")
    monkeypatch.setattr(labels, "label_aliases", lambda: (("规定文件", "规章"),))
    labels.known_variants.cache_clear()
    try:
        assert labels.normalise("本年度止件数") == "本年度止件数"  # no longer listed: not corrected
        assert labels.normalise("规定文件") == "规章" and labels.is_variant("规定文件")
    finally:
        monkeypatch.undo()
        labels.known_variants.cache_clear()
    assert labels.normalise("本年度止件数") == "本年废止件数"


def test_a_format_file_with_a_new_alias_loads_it(tmp_path):
    path = tmp_path / "2021.yaml"
    text = (FORMATS_DIR / "2021.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "{id: regulations, label: {zh: 规章, en: Regulations}}",
        "{id: regulations, label: {zh: 规章, en: Regulations}, aliases: [政府规章]}",
    )
    path.write_text(text, encoding="utf-8")
    fmt = load_format(path)
    assert fmt.tables["proactive"].blocks[0].find_row("regulations").aliases == ("政府规章",)


def test_a_malformed_format_file_is_one_line_naming_the_file(tmp_path):
    source = FORMATS_DIR / "2021.yaml"
    missing = tmp_path / "missing.yaml"
    missing.write_text(source.read_text(encoding="utf-8").replace("years: {first: 2021}\n", ""), encoding="utf-8")
    with pytest.raises(FormatError) as raised:
        load_format(missing)
    assert str(raised.value) == f"{missing}: 格式定义缺少 years"

    broken = tmp_path / "broken.yaml"
    shutil.copy(source, broken)
    lines = broken.read_text(encoding="utf-8").split("\n")
    at = lines.index("sections:")
    lines[at + 2] = "  - {id: overview, number: 一, label: {zh: 总体情况, en: Overview}"  # unclosed mapping
    broken.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(FormatError) as raised:
        load_format(broken)
    message = str(raised.value)
    assert message.startswith(f"{broken}:{at + 4}:") and "不是有效的 YAML" in message and "\n" not in message

    aliases = tmp_path / "aliases.yaml"
    aliases.write_text(
        source.read_text(encoding="utf-8").replace("aliases: [行政法复议]", "aliases: 行政法复议"), encoding="utf-8"
    )
    with pytest.raises(FormatError, match="“reconsideration”的 aliases 应为文字的列表"):
        load_format(aliases)


def test_the_opening_section_is_marked_in_the_format_files():
    for format_id in ("2019", "2021"):
        assert [s.id for s in get_format(format_id).sections if s.opening] == ["preface"]
    assert not any(s.opening for s in get_format("legacy").sections)  # its whole text is a titled section
