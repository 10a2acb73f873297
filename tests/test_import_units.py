"""The importer's small parts: label normalisation and scores, value cells, dates, titles, Markdown."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

import markdown
import pytest

from generator.importer.alignment import Slots, align
from generator.importer.document import Line, SourceCell
from generator.importer.labels import ACCEPT, EXACT, normalise, similarity, split_numbering
from generator.importer.narrative import escape, heading_of, labelled_date, parse_date, read_title
from generator.importer.split import readings
from generator.importer.values import is_numeric, is_value, read_value
from generator.importer.writing import office_text
from generator.model.findings import Position
from generator.model.format import get_format
from generator.model.offices import kind_of_name


@pytest.mark.parametrize(
    ("published", "official"),
    [
        ("（三）不予公开", "(三) 不予公开"),
        ("1、属于国家\n秘密", "1.属于国家秘密"),
        ("１．属于国家秘密", "1.属于国家秘密"),
        ('3.危及"三安全一稳定"', "3.危及“三安全一稳定”"),
        ("本年收费金额(单位:万元)", "本年收费金额（单位：万元）"),
        ("结果 维持", "结果维持"),
        ("本年度止件数", "本年废止件数"),
        ("行政法复议", "行政复议"),
    ],
)
def test_labels_that_differ_only_in_form_are_the_same(published, official):
    assert normalise(published) == normalise(official)
    assert similarity(normalise(published), normalise(official)).score >= EXACT


def test_numbering_tells_apart_labels_with_the_same_words():
    other = normalise("3.其他")
    assert (
        similarity(other, normalise("3.其他")).score > similarity(other, normalise("2.其他法律行政法规禁止公开")).score
    )
    assert similarity(other, normalise("（六）其他处理")).score < ACCEPT  # another level of the form
    assert similarity(normalise("法人或其他组织"), normalise("3.其他")).score < ACCEPT
    assert split_numbering(normalise("（二）部分公开")) == (
        ("paren", "二"),
        "部分公开(区分处理的,只计这一情形,不计其他情形)"[:4],
    )


def test_shortened_and_misspelt_labels_are_near_but_not_exact():
    partly = normalise("（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
    shortened = similarity(normalise("（二）部分公开"), partly)
    assert ACCEPT <= shortened.score < EXACT and shortened.kind == "partial"
    misspelt = similarity(
        normalise("5.要求行政机关确认或重新出具已获得信息"), normalise("5.要求行政机关确认或重新出具已获取信息")
    )
    assert ACCEPT <= misspelt.score < EXACT and misspelt.kind == "fuzzy"


@pytest.mark.parametrize(
    ("text", "kind", "value", "blank"),
    [
        ("12", "count", 12, None),
        ("１２", "count", 12, None),
        ("1,203", "count", 1203, None),
        ("", "count", 0, ""),
        ("\xa0", "count", 0, ""),
        ("—", "count", 0, "—"),
        ("／", "count", 0, "/"),
        ("无", "count", 0, "无"),
        ("5件", "count", 5, None),
        ("-15", "signed_count", -15, None),
        ("－15", "signed_count", -15, None),
        ("+2", "signed_count", 2, None),
        ("9,116.36", "amount", Decimal("9116.36"), None),
        ("25.1万元", "amount", Decimal("25.1"), None),
        ("251000元", "amount", Decimal("25.1000"), None),
        ("5949.088667", "amount", Decimal("5949.088667"), None),
        ("24252.311082万元", "amount", Decimal("24252.311082"), None),
        ("73802895.90元", "amount", Decimal("7380.289590"), None),
        ("0.000001", "amount", Decimal("0.000001"), None),
    ],
)
def test_value_cells(text, kind, value, blank):
    reading = read_value(text, kind)
    assert (reading.value, reading.blank, reading.problem) == (value, blank, "")
    assert type(reading.value) is type(value)
    assert str(reading.value) == str(value)  # every digit as published, none added or dropped


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("-3", "count"),
        ("2.5", "count"),
        ("若干", "count"),
        ("3万元", "count"),
        ("5件", "amount"),
        ("-1.5", "amount"),
    ],
)
def test_value_cells_that_cannot_be_read(text, kind):
    reading = read_value(text, kind)
    assert reading.value is None and reading.problem


def test_values_and_labels_are_told_apart():
    assert is_value("0") and is_value("—") and is_value("") and is_value("1,234")
    assert not is_value("1.属于国家秘密") and not is_value("（七）总计")
    assert is_numeric("12件（含3件）") and not is_numeric("1.属于国家秘密") and not is_numeric("1、重复申请")


def cells(*texts: str) -> list[SourceCell]:
    return [SourceCell(t, Position("t.txt", 1, n)) for n, t in enumerate(texts, 1)]


def test_values_align_from_the_right_and_fused_digits_split_only_when_unambiguous():
    block = get_format("2021").tables["applications"].blocks[0]
    row = block.find_row("granted")
    full = [(row, c) for c in block.leaf_columns]
    slots = Slots(full, full[:-1])
    aligned = align(slots, cells("", "1", "2", "3", "4", "5", "6", "21", ""))
    assert [c.text for _, _, c in aligned.cells] == ["1", "2", "3", "4", "5", "6", "21"]
    aligned = align(slots, cells("1", "2", "3", "4", "5", "6"))
    assert [c.text if c else None for _, _, c in aligned.cells] == ["1", "2", "3", "4", "5", "6", None]
    assert align(slots, cells("0010001")).cells is None  # digits run together: split by the rules, not here
    assert align(slots, cells("12000012")).cells is None
    assert align(slots, cells("12", "3")).cells is None  # 12 may be a number: not split
    assert [c.text for c in align(slots, cells("9", "1", "2", "3", "4", "5", "6", "21")).extra] == ["9"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("发布日期：2024-01-19", date(2024, 1, 19)),
        ("发布时间: 2024年1月9日 09:30", date(2024, 1, 9)),
        ("成文日期 2024/01/19", date(2024, 1, 19)),
        ("日期：2024-01-19", None),
        ("发布日期：未注明", None),
    ],
)
def test_labelled_dates(text, found):
    assert labelled_date(text) == found


def test_dates_in_words_and_numbers():
    assert parse_date("二〇二四年一月十九日", whole=True) == date(2024, 1, 19)
    assert parse_date("2024年12月31日", whole=True) == date(2024, 12, 31)
    assert parse_date("2024年2月30日", whole=True) is None
    assert parse_date("截至2024年1月19日，共计", whole=True) is None


@pytest.mark.parametrize(
    ("title", "year", "office"),
    [
        ("荷花路街道办事处 2023 年政府信息公开工作年度 报告", 2023, "荷花路街道办事处"),
        ("2022年度柳树镇人民政府政府信息公开工作年度报告", 2022, "柳树镇人民政府"),
        ("荷花区人民政府办公室关于2021年政府信息公开工作的年度报告", 2021, "荷花区人民政府办公室"),
        ("荷花区2020年政务公开工作年度报告", 2020, "荷花区"),
    ],
)
def test_titles(title, year, office):
    found = read_title(title)
    assert (found.year, found.office_name) == (year, office)


def test_not_titles():
    assert (
        read_title("2015年，本街道按照《中华人民共和国政府信息公开条例》推进政府信息公开工作，现将本报告公布如下。")
        is None
    )
    assert read_title("政府信息公开工作年度报告") is None


def test_section_headings_in_their_variants():
    sections = [s for s in get_format("2021").sections if s.number]
    assert heading_of("一、 总体情况", sections).id == "overview"
    assert heading_of("五、政府信息公开工作存在的主要问题及改进情况", sections).id == "problems"
    assert heading_of("四．政府信息公开行政复议、行政诉讼情况：", sections).id == "review_litigation"
    assert heading_of("一、加强组织领导。调整政务公开领导小组", sections) is None
    assert heading_of("二、加大公开力度", sections) is None


@pytest.mark.parametrize(
    "text", ["1. 加强学习", "# 不是标题", "- 不是列表", "共 *3* 条", "a_b_c", "<script>x</script>", "> 引用", "+ 加"]
)
def test_escaped_text_renders_as_the_same_text(text):
    rendered = markdown.markdown(escape(text))
    assert rendered.startswith("<p>") and rendered.endswith("</p>")
    assert html.unescape(rendered[3:-4]) == text


def test_a_line_is_its_cells():
    line = Line(tuple(cells("规章", "", "0")), table=1)
    assert line.texts == ["规章", "0"] and line.text == "规章 0"


def test_digits_run_together_are_cut_every_way_without_leading_zeros():
    assert readings(["6000017"], 7) == [list("6000017")]
    found = readings(["110000011"], 7)
    assert ["1", "10", "0", "0", "0", "0", "11"] in found and ["11", "0", "0", "0", "0", "0", "11"] in found
    assert all(len(parts) == 7 and "".join(parts) == "110000011" for parts in found)
    assert len(found) == len({tuple(parts) for parts in found})
    assert readings(["007"], 2) == []  # 07 is no number a publisher writes
    assert readings(["258", "12"], 2) == [["258", "12"]]  # separate tokens stay separate
    assert readings(["9116.36", "12"], 3) == [["9116.36", "1", "2"]]
    assert readings(["1" * 40], 20, limit=1000) is None


@pytest.mark.parametrize(
    "name, kind",
    [
        ("荷花路街道办事处", "乡镇街道"),
        ("城关镇", "乡镇街道"),
        ("某某县人民政府", "政府"),
        ("某某县教育局", ""),
        ("", ""),
    ],
)
def test_an_offices_kind_is_guessed_from_how_its_name_ends(name, kind):
    assert kind_of_name(name) == kind
    assert (f"\nkind: {kind}\n" in office_text(name)) == bool(kind)
