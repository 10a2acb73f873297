"""The narrative's checks: figures stated in the text against the tables (N1), the wrong year (N2), a
section 五 that says nothing (N3); each sentence with the reading expected of it."""

from __future__ import annotations

import json

import pytest

from generator.check.narrative import check_narrative, read_number, statements
from generator.read.reports import read_composed_report, read_plain_report, read_report
from tests.conftest import SAMPLES
from tests.helpers import col_of, line_of, report_yaml, write_report, write_site
from tests.html_tree import parse_html
from tests.test_rules import consistent_values

# consistent_values(): 5 new, 2 carried over, 6 handled, 1 carried forward, 3 reconsiderations, 0 lawsuits


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("75", 75),
        ("７５", 75),
        ("七十五", 75),
        ("一百零二", 102),
        ("两千零三", 2003),
        ("十二", 12),
        ("十", 10),
        ("一万二千", 12000),
        ("二〇二三", 2023),
        ("零", 0),
        ("件", None),
    ],
)
def test_numbers_as_written(text, number):
    assert read_number(text) == number


# Each sentence and what it states: (figure, value, the phrase quoted in a finding).
SENTENCES = [
    # the issue's sentences that must not be read as figures
    ("全年收到群众来信来访12次，其中涉及政府信息公开申请的3件", []),
    ("共收到申请人提出的申请，其中2件为重复申请", []),
    (
        "本年度未收到政府信息公开申请，办理上年结转申请2件",
        [("new_received", 0, "未收到政府信息公开申请"), ("carried_over", 2, "上年结转申请2件")],
    ),
    # how figures are stated
    ("2023年，本机关共收到政府信息公开申请75件。", [("new_received", 75, "共收到政府信息公开申请75件")]),
    ("本年度新收政府信息公开申请七十五件。", [("new_received", 75, "新收政府信息公开申请七十五件")]),
    ("全年受理依申请公开事项１０２件。", [("new_received", 102, "受理依申请公开事项１０２件")]),
    (
        "共收到申请75件，上年结转3件，办结政府信息公开申请一百零二件，结转下年度继续办理3件。",
        [
            ("new_received", 75, "共收到申请75件"),
            ("carried_over", 3, "上年结转3件"),
            ("handled", 102, "办结政府信息公开申请一百零二件"),
            ("carried_forward", 3, "结转下年度继续办理3件"),
        ],
    ),
    ("另有2件申请结转下一年度办理。", [("carried_forward", 2, "2件申请结转下一年度")]),
    ("2件申请结转下年度，合计", [("carried_forward", 2, "2件申请结转下年度")]),  # at the start, a lead word at the end
    ("共发生行政复议1件。", [("reconsiderations", 1, "共发生行政复议1件")]),
    (
        "发生行政复议1件，行政诉讼２起。",
        [("reconsiderations", 1, "发生行政复议1件"), ("lawsuits", 2, "行政诉讼２起")],
    ),
    (
        "本年度无行政复议、行政诉讼案件。",
        [("lawsuits", 0, "无行政复议、行政诉讼"), ("reconsiderations", 0, "无行政复议")],
    ),
    (
        "未发生因政府信息公开引起的行政复议和行政诉讼。",
        [
            ("lawsuits", 0, "未发生因政府信息公开引起的行政复议和行政诉讼"),
            ("reconsiderations", 0, "未发生因政府信息公开引起的行政复议"),
        ],
    ),
    (
        "因政府信息公开工作引起的行政复议案件为0件，行政诉讼案件为0件。",
        [("reconsiderations", 0, "行政复议案件为0件"), ("lawsuits", 0, "行政诉讼案件为0件")],
    ),
    (
        "全年未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。",
        [("reconsiderations", 0, "未发生因政府信息公开工作被申请行政复议")],
    ),
    ("全年共受理政府信息公开申请二十三件，较上年增加5件。", [("new_received", 23, "共受理政府信息公开申请二十三件")]),
    (
        "共收到政府信息公开申请12件（其中当面申请3件，网络申请9件），上年结转申请0件。",
        [("new_received", 12, "共收到政府信息公开申请12件"), ("carried_over", 0, "上年结转申请0件")],
    ),
    # words that look like figures and are not
    ("按期答复12件。其中予以公开5件，部分公开2件，无法提供3件，不予处理1件。", []),
    ("共办理人大代表建议12件、政协委员提案8件；发布政策解读15件。", []),
    ("本年度收到行政复议申请书2件，均为其他事项。", []),
    ("收到申请的当日即登记，3个工作日内答复。", []),
    ("本年度没有产生信息公开处理费。", []),
    ("制发规范性文件12件，均按规定公开。", []),
    ("对尚未审结的行政复议案件，将依法跟进。", []),
    ("无正当理由大量反复申请的，不予处理。", []),
    ("一是政务公开工作起步较晚，二是人员不足。", []),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES, ids=[s[0][:14] for s in SENTENCES])
def test_each_sentence_reads_as_expected(text, expected):
    found = [(s.figure, s.value, text[s.start : s.end]) for s in statements(text)]
    assert found == expected


def test_the_sample_report_states_no_figure():
    """The real report's narrative (its 2023 figures are all in the tables) gives no reading and no finding."""
    text = (SAMPLES / "hehualu-2023.txt").read_text(encoding="utf-8")
    assert statements(text) == []


def read(tmp_path, text, year=2023):
    root = write_site(tmp_path / "site")
    file = write_report(root, "x", year, text)
    report, findings = read_report(file, f"content/x/{year}.yaml", "x")
    assert report is not None, findings
    return report


def test_a_mismatch_is_a_warning_where_the_number_stands(tmp_path):
    values = consistent_values()  # 5 new applications in the table
    overview = "本机关认真贯彻落实条例。\n\n2023年，本机关共收到政府信息公开申请75件，办理政府信息公开申请6件。"
    text = report_yaml(values=values, overview=overview)
    report = read(tmp_path, text)
    line = line_of(text, "共收到政府信息公开申请75件")
    column = col_of(text, "共收到政府信息公开申请75件", "75件")
    assert [str(f) for f in check_narrative(report)] == [
        f"content/x/2023.yaml:{line}:{column}: warning: "
        "正文“共收到政府信息公开申请75件”与表三“本年新收政府信息公开申请数量”总计 5 不一致"
    ]
    assert check_narrative(report)[0].rule == "N1"


def test_every_match_is_checked_not_only_the_first(tmp_path):
    overview = "共收到申请5件。\n\n其中复议后，另收到政府信息公开申请4件；发生行政复议2件，行政诉讼1件。"
    report = read(tmp_path, report_yaml(values=consistent_values(), overview=overview))
    messages = [f.message for f in check_narrative(report)]
    assert messages == [
        "正文“收到政府信息公开申请4件”与表三“本年新收政府信息公开申请数量”总计 5 不一致",
        "正文“发生行政复议2件”与表四“行政复议”总计 3 不一致",
        "正文“行政诉讼1件”与表四“行政诉讼”总计 0 不一致",
    ]


def test_a_phrase_meaning_zero_is_checked(tmp_path):
    report = read(tmp_path, report_yaml(values=consistent_values(), overview="本年度未收到政府信息公开申请。"))
    (finding,) = check_narrative(report)
    assert finding.message == "正文“未收到政府信息公开申请”与表三“本年新收政府信息公开申请数量”总计 5 不一致"


def test_the_issue_sentences_are_quiet_on_a_matching_report(tmp_path):
    values = consistent_values()
    for key in [k for k in values if k.startswith("applications.new_received.")]:
        values[key] = 0
    values["applications.carried_over.total"] = 2  # the table's 上年结转 is 2, as the sentence says
    overview = "全年收到群众来信来访12次，其中涉及政府信息公开申请的3件。共收到申请人提出的申请，其中2件为重复申请。本年度未收到政府信息公开申请，办理上年结转申请2件。"
    report = read(tmp_path, report_yaml(values=values, overview=overview))
    assert [f for f in check_narrative(report) if f.rule == "N1"] == []


def test_positions_agree_between_the_quick_and_the_full_reading(tmp_path):
    overview = "第一段。\n\n  缩进的一行\n共收到政府信息公开申请75件。"
    text = report_yaml(values=consistent_values(), overview=overview, other="本年度未收取信息处理费，发生行政诉讼2件。")
    root = write_site(tmp_path / "site")
    file = write_report(root, "x", 2023, text)
    quick, _ = read_plain_report(file.read_bytes(), "content/x/2023.yaml", "x", 2023)
    full, _ = read_composed_report(file, "content/x/2023.yaml", "x")
    assert quick is not None
    found = [str(f) for f in check_narrative(quick)]
    assert found == [str(f) for f in check_narrative(full)]
    other, overview = found  # in the order of their keys
    line = line_of(text, "共收到政府信息公开申请75件")
    assert overview.startswith(f"content/x/2023.yaml:{line}:{col_of(text, '共收到', '75件')}: warning:")
    where = f"{line_of(text, '发生行政诉讼2件')}:{col_of(text, '发生行政诉讼2件', '2件')}"
    assert other.startswith(f"content/x/2023.yaml:{where}: warning:")
    one_line = text.replace("other: |-\n  本年度", "other: 本年度")  # a value on the key's line
    assert one_line != text
    file.write_text(one_line, encoding="utf-8")
    for report in read_plain_report(file.read_bytes(), "x", "x", 2023)[0], read_composed_report(file, "x", "x")[0]:
        (finding,) = [f for f in check_narrative(report) if "2件" in f.message]
        assert (finding.position.line, finding.position.column) == (
            line_of(one_line, "发生行政诉讼2件"),
            col_of(one_line, "发生行政诉讼2件", "2件"),
        )


def test_a_statistics_sentence_naming_another_year(tmp_path):
    overview = (
        "本机关2022年共收到政府信息公开申请5件。\n\n"
        "与2022年相比，收到申请5件，增加2件。\n\n"  # a comparison names last year rightly
        "2023年1月1日至12月31日，共收到申请5件；截至2024年1月20日已全部办结。\n\n"
        "2021年，本机关完善了制度。"  # no figure stated: not a statistics sentence
    )
    text = report_yaml(values=consistent_values(), overview=overview)
    report = read(tmp_path, text)
    found = [f for f in check_narrative(report) if f.rule == "N2"]
    assert [(f.position.line, f.position.column) for f in found] == [
        (line_of(text, "本机关2022年"), col_of(text, "本机关2022年", "2022年"))
    ]
    assert "“2022年”" in found[0].message and "2023 年度" in found[0].message
    assert found[0].severity == "warning"


@pytest.mark.parametrize(
    ("problems", "warned"),
    [("无", True), ("", True), ("暂无。", True), ("人员不足，待改进。", True), ("一是公开内容还不够全面。", False)],
)
def test_section_five_that_says_nothing(tmp_path, problems, warned):
    report = read(tmp_path, report_yaml(values=consistent_values(), problems=problems))
    found = [f for f in check_narrative(report) if f.rule == "N3"]
    assert bool(found) == warned
    if warned:
        assert found[0].severity == "warning" and "五、存在的主要问题及改进情况" in found[0].message


def test_free_form_reports_are_checked_against_their_headline(tmp_path):
    text = "format: legacy\nyear: 2015\ntext: |-\n  2015年共收到政府信息公开申请3件。\nheadline: {new_received: 2}\n"
    report = read(tmp_path, text, year=2015)
    (finding,) = check_narrative(report)
    assert finding.message == "正文“共收到政府信息公开申请3件”与主要数字“新收申请” 2 不一致"
    assert (finding.position.line, finding.position.column) == (4, col_of(text, "2015年共", "3件"))


def test_check_and_the_report_page_show_the_narrative_findings(cli, tmp_path):
    root = write_site(tmp_path / "site")
    (root / "content/x").mkdir(parents=True)
    (root / "content/x/office.yaml").write_text("name: 测试街道办事处\n", encoding="utf-8")
    overview = "2023年，本机关共收到政府信息公开申请75件。\n\n本机关2022年办理政府信息公开申请6件。"
    text = report_yaml(values=consistent_values(), overview=overview, problems="无")
    write_report(root, "x", 2023, text)
    mismatch = (
        f"content/x/2023.yaml:{line_of(text, '75件')}:{col_of(text, '75件')}: warning: "
        "正文“共收到政府信息公开申请75件”与表三“本年新收政府信息公开申请数量”总计 5 不一致"
    )
    result = cli("check", cwd=root)
    assert result.code == 0  # warnings only
    assert mismatch in result.lines
    year = f"content/x/2023.yaml:{line_of(text, '本机关2022年')}:{col_of(text, '本机关2022年', '2022年')}: warning: "
    assert any(line.startswith(year + "正文中陈述统计数字的句子提到“2022年”") for line in result.lines)
    assert result.lines[-1] == "检查了 1 个机关的 1 份报告：0 个错误，3 个警告"

    data = json.loads(cli("check", "--format", "json", cwd=root).out)
    assert sorted(f["rule"] for f in data["findings"]) == ["N1", "N2", "N3"]
    first = next(f for f in data["findings"] if f["rule"] == "N1")
    assert (first["line"], first["column"], first["severity"]) == (
        line_of(text, "75件"),
        col_of(text, "75件"),
        "warning",
    )

    assert cli("build", cwd=root).code == 0
    page = parse_html((root / "public/x/2023/index.html").read_text(encoding="utf-8"))
    items = [li.text for li in page.find("section", class_="notice").iter("li")]
    assert (
        items[0] == "提示（规则 N1）：正文“共收到政府信息公开申请75件”与表三“本年新收政府信息公开申请数量”总计 5 不一致"
    )
    assert [item[:10] for item in items[1:]] == ["提示（规则 N2）：", "提示（规则 N3）："]
    assert "本报告有 3 项提示" in page.find("section", class_="notice").text
