"""Importing plain text copied out of Word or a PDF: the real sample, and variants of its layout."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from import_sources import (
    APPLICANTS,
    EXAMPLE,
    FEES,
    FULL_WIDTH,
    SAMPLE,
    balance,
    consistent_values,
    line_of,
    numbered_sample,
    replace_line,
    sample_with,
)

from generator.check import load_report
from generator.importer import import_file


@pytest.fixture(scope="module")
def example():
    report, findings = load_report(EXAMPLE, "content/hehualu/2023.yaml", "hehualu")
    assert report is not None, findings
    return report


def imported_text(tmp_path, text: str, name: str = "report.txt", **options):
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    return import_file(source, name, **options)


def messages(imported, severity: str | None = None) -> list[str]:
    return [str(f) for f in imported.findings if severity is None or f.severity == severity]


# --- the sample --------------------------------------------------------------------------------------


def test_the_sample_imports_to_the_example_values(example):
    imported = import_file(SAMPLE, "hehualu-2023.txt")
    assert imported.format.id == "2021"
    assert imported.year == 2023
    assert imported.office_name == "荷花路街道办事处"
    assert imported.values == example.values
    assert (imported.unplaced, imported.missing, imported.computed) == (0, (), ())
    assert messages(imported, "error") == []


def test_the_sample_narrative_is_the_example_text(example):
    imported = import_file(SAMPLE, "hehualu-2023.txt")
    for section in ("overview", "problems", "other"):
        assert imported.texts[section] == example.texts[section], section
    assert imported.texts["preface"] == ""
    assert not any(key.endswith(".intro") for key in imported.texts)


def test_the_sample_typo_is_read_and_reported_where_it_is():
    imported = import_file(SAMPLE, "hehualu-2023.txt")
    (typo,) = [m for m in messages(imported) if "本年度止件数" in m]
    assert typo.startswith("hehualu-2023.txt:20:13: warning:")
    assert "本年废止件数" in typo


def test_every_value_of_the_sample_layout_lands_in_its_own_cell(tmp_path):
    text, expected = numbered_sample()
    imported = imported_text(tmp_path, text)
    assert imported.values == expected
    assert imported.unplaced == 0 and not imported.missing
    assert messages(imported, "error") == []


# --- variants of the layout ------------------------------------------------------------------------


def test_rows_in_another_order_are_placed_by_their_labels(tmp_path):
    text, expected = numbered_sample()
    granted = line_of(text, "三、本年度办理结果⇥(一)")
    secret = line_of(text, "⇥(三) 不予公开⇥1.属于国家秘密")
    total = line_of(text, "(七) 总计")
    moved = text.replace(granted + "\n", "").replace(total + "\n", "")
    moved = moved.replace(
        secret, "\n".join([total, secret.replace("(三) 不予公开", ""), "三、本年度办理结果\t(三) 不予公开"])
    )
    moved = replace_line(moved, "四、结转下年度", line_of(text, "四、结转下年度"), granted)
    imported = imported_text(tmp_path, moved)
    assert imported.values == expected
    assert imported.unplaced == 0


def test_rows_with_the_same_numbers_still_go_by_label(tmp_path):
    text, _ = numbered_sample()
    same = "\t".join(["5"] * 7)
    text = replace_line(text, "一、本年新收", "一、本年新收政府信息公开申请数量\t\t" + "\t".join("1234567"))
    text = replace_line(text, "二、上年结转", "二、上年结转政府信息公开申请数量\t\t" + same)
    text = replace_line(text, "四、结转下年度", "四、结转下年度继续办理\t\t" + same)
    imported = imported_text(tmp_path, text)
    assert [imported.values[f"applications.new_received.{c}"] for c in ("natural_person", "other", "total")] == [
        1,
        6,
        7,
    ]
    assert imported.values["applications.carried_over.total"] == 5
    assert imported.values["applications.carried_forward.natural_person"] == 5
    assert imported.unplaced == 0


def test_cells_separated_by_spaces_as_pdf_text(tmp_path):
    text, expected = numbered_sample()
    start, end = text.index("二、主动公开"), text.index("五、存在的主要问题")
    spaced = text[:start] + text[start:end].replace("\t", "  ") + text[end:]
    imported = imported_text(tmp_path, spaced)
    assert imported.values == expected
    assert imported.unplaced == 0 and not imported.missing


def test_numbers_separated_by_single_spaces(tmp_path):
    text, expected = numbered_sample()
    text = replace_line(text, "规章", "规章 100 101 102")
    text = replace_line(text, "行政强制", "行政强制 108")
    text = replace_line(text, "3.其他", "3.其他 " + " ".join(str(n) for n in range(263, 270)))
    imported = imported_text(tmp_path, text)
    assert imported.values == expected


def test_labels_broken_over_two_lines(tmp_path):
    text, expected = numbered_sample()
    partly = line_of(text, "⇥(二) 部分公开")
    values = partly.split("\t")[2:]
    text = replace_line(
        text, "⇥(二) 部分公开", "\t(二) 部分公开（区分处理的，只计这一情形，", "不计其他情形）\t" + "\t".join(values)
    )
    secret = line_of(text, "⇥(三) 不予公开⇥1.属于国家秘密")
    values = secret.split("\t")[3:]
    text = replace_line(
        text, "⇥(三) 不予公开⇥1.属于国家秘密", "\t(三) 不予公开\t1.属于国家\t" + "\t".join(values), "\t\t秘密"
    )
    imported = imported_text(tmp_path, text)
    assert imported.values == expected
    assert imported.unplaced == 0
    assert not [m for m in messages(imported) if "未能识别" in m]


def test_extra_blank_lines_and_label_only_lines(tmp_path):
    text, expected = numbered_sample()
    text = text.replace("\n", "\n\n")
    enforcement = line_of(text, "行政强制")
    text = text.replace(enforcement, "行政强制\n\n" + enforcement.split("\t")[1])
    imported = imported_text(tmp_path, text)
    assert imported.values == expected
    assert imported.unplaced == 0


def test_full_width_digits_brackets_and_numbering(tmp_path):
    text, expected = numbered_sample()
    start, end = text.index("二、主动公开"), text.index("五、存在的主要问题")
    table = text[start:end].translate(FULL_WIDTH)
    table = table.replace("(", "（").replace(")", "）").replace("“三安全一稳定”", '"三安全一稳定"')
    table = table.replace("1．", "1、").replace("2．", "2、").replace("3．", "3、")
    imported = imported_text(tmp_path, text[:start] + table + text[end:])
    assert imported.values == expected
    assert imported.unplaced == 0


def test_known_typos_in_labels(tmp_path):
    text, expected = numbered_sample()
    text = text.replace("行政复议\t", "行政法复议\t").replace("法人或其他组织", "法人或者其他组织")
    imported = imported_text(tmp_path, text)
    assert imported.values == expected
    assert any("行政法复议" in m and "行政复议" in m for m in messages(imported, "warning"))


def test_a_missing_total_column_is_computed(tmp_path):
    text, expected = numbered_sample()
    lines = []
    start = text.index("三、收到和处理")
    end = text.index("四、政府信息公开行政复议")
    for line in text[start:end].split("\n"):
        cells = line.split("\t")
        numbers = [i for i, c in enumerate(cells) if c.isdigit()]
        if numbers:
            del cells[numbers[-1]]
        lines.append("\t".join(cells).replace("\t总计", ""))
    imported = imported_text(tmp_path, text[:start] + "\n".join(lines) + text[end:])
    for key, value in expected.items():
        if key.startswith("applications.") and key.endswith(".total"):
            row = key.rsplit(".", 1)[0]
            parts = [v for k, v in expected.items() if k.startswith(row + ".") and k != key]
            assert imported.values[key] == sum(parts), key
        else:
            assert imported.values[key] == value, key
    assert len(imported.computed) == 25
    assert imported.unplaced == 0 and not imported.missing
    assert any("25 个总计" in m for m in messages(imported, "warning"))


def test_blank_cells_dashes_and_slashes_mean_zero_and_are_flagged(tmp_path):
    text, expected = numbered_sample()
    text = replace_line(text, "规章", "规章\t—\t/\t无")
    text = replace_line(text, "⇥⇥2.重复申请", "\t\t2.重复申请\t-\t222\t223\t\t225\t226\t227")
    for key in ("regulations.issued", "regulations.repealed", "regulations.in_force"):
        expected[f"proactive.{key}"] = 0
    expected["applications.repeated.natural_person"] = 0
    expected["applications.repeated.public_welfare"] = 0
    imported = imported_text(tmp_path, text)
    assert imported.values == expected
    flagged = messages(imported, "warning")
    assert any(m.startswith("report.txt:") and "“规章”一行" in m and "按 0 导入" in m for m in flagged)
    assert any("“2.重复申请”一行" in m and "空格" in m and "“-”" in m for m in flagged)


def test_thousands_separators_and_amounts_with_decimals(tmp_path):
    text, expected = numbered_sample()
    text = replace_line(text, "行政事业性收费", "行政事业性收费\t9,116.36")
    text = replace_line(
        text, "一、本年新收", "一、本年新收政府信息公开申请数量\t\t1,203\t110\t111\t112\t113\t114\t1,763"
    )
    expected[FEES] = Decimal("9116.36")
    expected["applications.new_received.natural_person"] = 1203
    expected["applications.new_received.total"] = 1763
    imported = imported_text(tmp_path, text)
    assert imported.values == expected


@pytest.mark.parametrize("seed", range(6))
def test_fused_rows_of_many_digits_are_split_by_the_columns_of_the_form(tmp_path, seed):
    """(七) 总计 and 四、结转 run together: many cuts fit each row's total, only one fits every column."""
    values = consistent_values(random.Random(seed))
    text = sample_with(values)
    for label, row in (("(七) 总计", "outcome_total"), ("四、结转下年度继续办理", "carried_forward")):
        line = line_of(text, label)
        digits = "".join(str(values[f"applications.{row}.{c}"]) for c in APPLICANTS)
        text = text.replace(line, line.split("\t")[0] + "\t" + digits.replace("", " ")[1:-1].replace(" ", ""), 1)
    imported = imported_text(tmp_path, text)
    assert imported.values == values
    assert imported.unplaced == 0
    split = " ".join(str(values[f"applications.outcome_total.{c}"]) for c in APPLICANTS)
    assert any("连在一起" in m and f"勾稽关系只能拆为 {split}，" in m for m in messages(imported, "warning"))


def test_fused_rows_that_split_several_ways_are_refused_with_the_readings(tmp_path):
    """（一） and （二） both run together: each row's total fits two cuts, and the columns cannot tell
    while the other row is unknown. Nothing is guessed."""
    values = consistent_values(random.Random(1))
    for row, numbers in (("granted", (1, 10, 0, 0, 0, 0)), ("partly_granted", (11, 0, 0, 0, 0, 0))):
        values.update({f"applications.{row}.{c}": n for c, n in zip(APPLICANTS, numbers)})
    balance(values)
    text = sample_with(values)
    fused = {"granted": "110000011", "partly_granted": "110000011"}
    for row, label in (("granted", "予以公开"), ("partly_granted", "部分公开")):
        line = next(x for x in text.split("\n") if label in x and "\t" in x)
        cells = line.rstrip("\t").split("\t")
        text = text.replace(line, "\t".join(cells[:-7] + [fused[row]]), 1)
    imported = imported_text(tmp_path, text)
    assert not any(k.startswith(("applications.granted.", "applications.partly_granted.")) for k in imported.values)
    problems = [m for m in messages(imported, "error") if "无法确定如何拆分" in m]
    assert all("“110000011”" in m and "1 10 0 0 0 0 11 或 11 0 0 0 0 0 11" in m for m in problems), problems
    assert len(problems) == 2


def test_a_fused_row_whose_only_split_breaks_the_row_total_is_refused(tmp_path):
    text, _ = numbered_sample()
    text = replace_line(text, "(七) 总计", "(七) 总计0010002")  # 0+0+1+0+0+0 is not 2
    imported = imported_text(tmp_path, text)
    assert not any(k.startswith("applications.outcome_total.") for k in imported.values)
    (problem,) = [m for m in messages(imported, "error") if "0010002" in m]
    assert "无法确定如何拆分" in problem and "0 0 1 0 0 0 2" in problem and "没有一种符合" in problem


def test_a_fused_row_that_cannot_be_split_is_reported(tmp_path):
    text, expected = numbered_sample()
    text = replace_line(text, "(七) 总计", "(七) 总计\t12000012")
    imported = imported_text(tmp_path, text)
    assert imported.unplaced == 1
    assert len([k for k in imported.missing if k.startswith("applications.outcome_total.")]) == 7
    (problem,) = [m for m in messages(imported, "error") if "12000012" in m]
    assert problem.startswith("report.txt:") and "无法确定如何拆分" in problem
    line = text.split("\n").index(line_of(text, "(七) 总计")) + 1
    assert problem.startswith(f"report.txt:{line}:")


def test_values_that_cannot_be_placed_are_reported_with_their_line(tmp_path):
    text, _ = numbered_sample()
    text = replace_line(text, "行政强制", "行政强制\t108", "行政复核\t999")
    text = replace_line(text, "⇥⇥2.重复申请", "\t\t2.重复申请\t221\t222\t223")
    imported = imported_text(tmp_path, text)
    errors = messages(imported, "error")
    line = text.split("\n").index("行政复核\t999") + 1
    assert any(m.startswith(f"report.txt:{line}:") and "行政复核" in m for m in errors)
    assert any("“2.重复申请”一行有 3 个数值，应为 7 个" in m for m in errors)
    assert imported.unplaced == 1 + 3
    assert any("2.重复申请" in m and "没有找到" in m for m in errors)


def test_year_and_office_come_from_the_title_or_the_option(tmp_path):
    text, _ = numbered_sample()
    text = text.replace(
        "荷花路街道办事处 2023 年政府信息公开工作年度 报告", "2022年度 柳树镇人民政府政府信息公开工作年度报告"
    )
    imported = imported_text(tmp_path, text)
    assert (imported.year, imported.office_name) == (2022, "柳树镇人民政府")
    assert imported_text(tmp_path, text, year=2021).year == 2021


def test_a_text_without_a_title_needs_the_year(tmp_path):
    text, _ = numbered_sample()
    text = text.replace("荷花路街道办事处 2023 年政府信息公开工作年度 报告", "")
    imported = imported_text(tmp_path, text)
    assert imported.year is None
    assert any("--year" in m for m in messages(imported, "error"))


def test_gbk_text_from_windows_is_read(tmp_path):
    source = tmp_path / "gbk.txt"
    source.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    imported = import_file(source, "gbk.txt")
    assert imported.year == 2023 and imported.unplaced == 0 and not imported.missing
    assert any("GB18030" in m for m in messages(imported, "warning"))


def test_publication_date_and_sub_headings_from_the_text(tmp_path):
    text, _ = numbered_sample()
    text = text.replace(
        "一、总体情况\n", "发布日期：2024-01-19\n\n本报告根据条例编制。\n\n一、总体情况\n\n（一）主动公开\n"
    )
    text = text.rstrip("\n") + "\n\n荷花路街道办事处\n2024年1月25日\n"
    imported = imported_text(tmp_path, text)
    assert imported.published.isoformat() == "2024-01-19"
    assert imported.texts["preface"] == "发布日期：2024-01-19\n\n本报告根据条例编制。"
    assert imported.texts["overview"].startswith("## （一）主动公开\n\n2023 年，在区委")
    assert imported.texts["other"] == "无"


def test_the_closing_date_is_the_publication_date(tmp_path):
    text, _ = numbered_sample()
    text = text.rstrip("\n") + "\n\n荷花路街道办事处\n二〇二四年一月十九日\n"
    imported = imported_text(tmp_path, text)
    assert imported.published.isoformat() == "2024-01-19"
    assert imported.texts["other"] == "无"


PROACTIVE_2019 = """二、主动公开政府信息情况

第二十条第（一）项\t\t\t
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t1\t2\t3
规范性文件\t4\t5\t6
第二十条第（五）项\t\t\t
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t7\t-1\t9
其他对外管理服务事项\t10\t+2\t12
第二十条第（六）项\t\t\t
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政处罚\t13\t－15\t15
行政强制\t16\t0\t18
第二十条第（八）项\t\t\t
信息内容\t上一年项目数量\t本年增/减\t
行政事业性收费\t19\t-3\t
第二十条第（九）项\t\t\t
信息内容\t采购项目数量\t采购总金额\t
政府集中采购\t21\t251000元\t
"""


def report_2019(title_year: int) -> tuple[str, dict]:
    """The sample laid out in the 2019 form: five blocks in table 二, one row for （六）其他处理."""
    text, numbered = numbered_sample()
    start, end = text.index("二、主动公开政府信息情况"), text.index("三、收到和处理政府信息公开申请情况")
    text = text[:start] + PROACTIVE_2019 + "\n" + text[end:]
    text = replace_line(text, "⇥(六) 其他处理", "\t(六) 其他处理\t\t" + "\t".join(str(n) for n in range(900, 907)))
    text = replace_line(text, "⇥⇥2.申请人逾期未按收费通知")
    text = replace_line(text, "3.其他")
    text = text.replace("荷花路街道办事处 2023 年", f"荷花路街道办事处 {title_year} 年")
    columns = ("natural_person", "business", "research", "public_welfare", "legal_services", "other", "total")
    expected = {k: v for k, v in numbered.items() if k.startswith(("applications.", "review_litigation."))}
    for row in ("no_correction", "fees_unpaid", "other_reasons"):
        for column in columns:
            del expected[f"applications.{row}.{column}"]
    expected.update({f"applications.other_handling.{c}": 900 + i for i, c in enumerate(columns)})
    made, items = ("made", "published", "published_total"), ("previous_items", "change", "decisions")
    proactive = {
        "regulations": dict(zip(made, (1, 2, 3))),
        "normative_documents": dict(zip(made, (4, 5, 6))),
        "licensing": dict(zip(items, (7, -1, 9))),
        "other_services": dict(zip(items, (10, 2, 12))),
        "penalties": dict(zip(items, (13, -15, 15))),
        "enforcement": dict(zip(items, (16, 0, 18))),
        "administrative_fees": dict(zip(items, (19, -3))),
        "central_procurement": {"procurement_items": 21, "procurement_amount": Decimal("25.1")},
    }
    for row, cells in proactive.items():
        expected.update({f"proactive.{row}.{column}": value for column, value in cells.items()})
    return text, expected


def test_a_2019_format_report_is_recognised_by_its_labels(tmp_path):
    text, expected = report_2019(2020)
    imported = imported_text(tmp_path, text)
    assert imported.format.id == "2019"
    assert imported.values == expected
    assert imported.unplaced == 0 and not imported.missing
    assert any("251000元" in m for m in messages(imported, "warning"))


def test_labels_decide_the_format_over_the_year(tmp_path):
    text, expected = report_2019(2021)  # published on the old form after the new one was in force
    imported = imported_text(tmp_path, text)
    assert (imported.format.id, imported.year) == ("2019", 2021)
    assert imported.values == expected
    text, expected = numbered_sample()
    imported = imported_text(tmp_path, text.replace("2023 年", "2020 年"))
    assert (imported.format.id, imported.year) == ("2021", 2020)


def test_table_four_laid_out_as_rows(tmp_path):
    text, expected = numbered_sample()
    start, end = text.index("四、政府信息公开行政复议"), text.index("五、存在的主要问题")
    grid = [
        "四、政府信息公开行政复议、行政诉讼情况",
        "",
        "\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计",
        "行政复议\t\t284\t285\t286\t287\t288",
        "行政诉讼\t未经复议直接起诉\t289\t290\t291\t292\t293",
        "\t复议后起诉\t294\t295\t296\t297\t298",
        "",
    ]
    imported = imported_text(tmp_path, text[:start] + "\n".join(grid) + "\n" + text[end:])
    assert imported.values == expected
    assert imported.unplaced == 0


def pdf_text(text: str) -> str:
    """The sample as text extracted from a PDF: cells run together with single spaces, no empty cells,
    long labels wrapped onto the next line (before or after the numbers)."""
    pdf = "\n".join(" ".join(c for c in line.split("\t") if c.strip()) for line in text.split("\n"))
    pdf = pdf.replace("不计其他情形） 130", "不计其 130").replace(" 136\n", " 136\n他情形）\n", 1)
    pdf = pdf.replace("不再处理其政府信息公开申请 249", "不再处理\n其政府信息公开申请 249")
    return pdf.replace("结果 维持 结果 纠正 其他 结果 尚未 审结 总计", "结果维持 结果纠正 其他结果 尚未审结 总计")


def test_text_from_a_pdf(tmp_path):
    text, expected = numbered_sample()
    pdf = pdf_text(text)
    assert "三、本年度办理结果 (一) 予以公开 123" in pdf and "\n他情形）\n" in pdf
    imported = imported_text(tmp_path, pdf)
    assert imported.values == expected
    assert imported.unplaced == 0 and not imported.missing
    assert messages(imported, "error") == []


def test_text_from_a_pdf_with_a_fused_line_of_fifteen_zeros(tmp_path):
    text, expected = numbered_sample()
    pdf = pdf_text(text).replace(" ".join(str(n) for n in range(284, 299)), "0" * 15)
    expected.update({key: 0 for key in expected if key.startswith("review_litigation.")})
    imported = imported_text(tmp_path, pdf)
    assert imported.values == expected
    assert any("连在一起" in m for m in messages(imported, "warning"))


def collapsed(text: str) -> str:
    """The text as some portals serve it: every line break and space lost, labels and numbers fused."""
    return "".join(text.split())


@pytest.mark.parametrize("seed", range(4))
def test_collapsed_text_is_read_by_its_labels_and_the_form_s_arithmetic(tmp_path, seed):
    rng = random.Random(seed)
    values = consistent_values(rng)
    for key in values:  # table 二 has no row rule: its fused digits have one reading only one digit a cell
        if key.startswith("proactive.") and key != FEES:
            values[key] = rng.randint(0, 9)
    text = collapsed(sample_with(values))
    assert "\n" not in text and "规章" in text
    imported = imported_text(tmp_path, text)
    assert imported.values == values
    assert (imported.unplaced, imported.missing) == (0, ())
    assert imported.year == 2023 and imported.office_name == "荷花路街道办事处"
    assert imported.texts["other"] == "无" and imported.texts["problems"].startswith("2023年，我办政务公开工作")


def test_collapsed_digits_of_table_two_with_several_readings_are_refused(tmp_path):
    rng = random.Random(0)
    values = consistent_values(rng)
    for key in values:
        if key.startswith("proactive.") and key != FEES:
            values[key] = rng.randint(0, 9)
    values.update({"proactive.regulations.issued": 12, "proactive.regulations.repealed": 3})
    values["proactive.regulations.in_force"] = 45
    imported = imported_text(tmp_path, collapsed(sample_with(values)))
    assert not any(key.startswith("proactive.regulations.") for key in imported.values)
    (problem,) = [m for m in messages(imported, "error") if "“12345”" in m]
    assert "1 2 345 或 1 23 45" in problem and "无法确定" in problem
    assert {k: v for k, v in values.items() if not k.startswith("proactive.regulations.")} == imported.values


def test_a_label_spelt_otherwise_is_kept_only_where_the_rules_confirm_it(tmp_path):
    values = consistent_values(random.Random(2))
    text = sample_with(values).replace("4.保护第三方合法权益", "4.保护第三人合法权益")
    imported = imported_text(tmp_path, text)
    assert imported.values == values  # the columns add up with the row read as 4.保护第三方合法权益
    assert any("保护第三人合法权益" in m and "不完全一致" in m for m in messages(imported, "warning"))

    text, expected = numbered_sample()  # the sample numbered: no column adds up
    imported = imported_text(tmp_path, text.replace("4.保护第三方合法权益", "4.保护第三人合法权益"))
    assert not any(key.startswith("applications.third_party_rights.") for key in imported.values)
    (refused,) = [m for m in messages(imported, "error") if "保护第三人合法权益" in m]
    assert "勾稽关系不成立" in refused and "未能导入" in refused
    assert not imported.complete

    imported = imported_text(tmp_path, sample_with(values).replace("行政事业性收费", "行政事业收费"))
    assert FEES not in imported.values  # table 二 has no rule that could confirm it
    assert any("行政事业收费" in m and "没有能核对" in m for m in messages(imported, "error"))
