"""Importing HTML pages as government portals publish them: the article inside the page's layout."""

from __future__ import annotations

from decimal import Decimal

import pytest
from import_sources import (
    APPLICANTS,
    APPLICATIONS,
    CORNER,
    FEES,
    FULL_WIDTH,
    PROACTIVE,
    RESULT_LABELS,
    RESULTS,
    REVIEW_ROWS,
    numbered_values,
    shown,
)

from generator.importer import import_file

OVERVIEW = "2023年，荷花路街道办事处认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进政务公开工作。"


def td(text: str, rowspan: int = 1, colspan: int = 1, style: str = 'style="border:1px solid #000;"') -> str:
    spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f'<td{spans} {style} valign="middle"><p align="center"><span style="font-size:12pt;font-family:仿宋">{text}</span></p></td>'


def proactive_table(values, value=shown) -> str:
    rows = []
    for heading, columns, body, column_ids in PROACTIVE:
        rows.append(f"<tr>{td(heading, colspan=4)}</tr>")
        span = 3 // len(columns)
        rows.append("<tr>" + td("信息内容") + "".join(td(c, colspan=span) for c in columns) + "</tr>")
        for label, row_id in body:
            cells = "".join(td(value(values[f"proactive.{row_id}.{c}"]), colspan=span) for c in column_ids)
            rows.append(f"<tr>{td(label)}{cells}</tr>")
    return (
        '<table border="1" cellspacing="0" cellpadding="0" width="600"><tbody>' + "\n".join(rows) + "</tbody></table>"
    )


def applications_table(values, value=shown, label=lambda text: text, label_colspan=0) -> str:
    rows = [
        "<tr>" + td(CORNER, rowspan=3, colspan=3) + td("申请人情况", colspan=7) + "</tr>",
        "<tr>" + td("自然人", rowspan=2) + td("法人或其他组织", colspan=5) + td("总计", rowspan=2) + "</tr>",
        "<tr>" + "".join(td(t) for t in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")) + "</tr>",
    ]
    for labels, row_id in APPLICATIONS:
        cells = ""
        for text, rowspan, colspan in labels:
            if label_colspan and colspan == 3:  # a data row whose label spans fewer columns than the header's
                cells += td(label(text), rowspan, label_colspan) + td("&nbsp;")
            else:
                cells += td(label(text), rowspan, colspan)
        cells += "".join(td(value(values[f"applications.{row_id}.{c}"])) for c in APPLICANTS)
        rows.append(f"<tr>{cells}</tr>")
    return '<table border="1" cellspacing="0" cellpadding="0"><tbody>' + "\n".join(rows) + "</tbody></table>"


def review_table(values, value=shown, reconsideration="行政复议") -> str:
    rows = [
        "<tr>" + td(reconsideration, colspan=5) + td("行政诉讼", colspan=10) + "</tr>",
        "<tr>"
        + "".join(td(t, rowspan=2) for t in RESULT_LABELS)
        + td("未经复议直接起诉", colspan=5)
        + td("复议后起诉", colspan=5)
        + "</tr>",
        "<tr>" + "".join(td(t) for t in RESULT_LABELS * 2) + "</tr>",
        "<tr>"
        + "".join(td(value(values[f"review_litigation.{r}.{c}"])) for r in REVIEW_ROWS for c in RESULTS)
        + "</tr>",
    ]
    return '<table border="1" cellspacing="0" cellpadding="0"><tbody>' + "\n".join(rows) + "</tbody></table>"


def portal_page(
    tables: list[str], *, charset: str = "gb2312", pubdate: str = "2024-01-19 09:30", closing: str = "2024年1月19日"
) -> str:
    """A report page as portals built on common CMSs publish it: layout tables, navigation, the article."""
    headings = [
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    body = "\n".join(f'<p style="text-indent:2em"><strong>{h}</strong></p>\n{t}' for h, t in zip(headings, tables))
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<title>荷花路街道办事处2023年政府信息公开工作年度报告_荷花区人民政府</title>
<meta name="ArticleTitle" content="荷花路街道办事处2023年政府信息公开工作年度报告">
<meta name="PubDate" content="{pubdate}">
<link rel="canonical" href="http://www.hehua.gov.cn/xxgk/ndbg/202401/t20240119_123.html">
<style type="text/css">td {{ font-size: 14px }} .title {{ font-weight: bold }}</style>
<script type="text/javascript">var nav = "<table><tr><td>一、总体情况</td><td>1</td></tr></table>"; document.write("");</script>
</head>
<body>
<table width="100%" class="top"><tr><td><a href="/">首页</a></td><td><a href="/xxgk/">政务公开</a></td><td><a href="/ndbg/">年度报告</a></td><td>1</td></tr></table>
<table width="1000" align="center" cellpadding="0" cellspacing="0"><tr>
<td width="200" valign="top">
  <table class="menu"><tr><td><a href="/ndbg/2022.html">2022年度报告</a></td></tr><tr><td><a href="/ndbg/2021.html">2021年度报告</a></td></tr><tr><td>访问量：12345</td></tr></table>
</td>
<td valign="top">
  <div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政务公开</a> &gt; 荷花路街道办事处2023年政府信息公开工作年度报告</div>
  <div class="title">荷花路街道办事处2023年政府信息公开工作年度报告</div>
  <div class="info">来源：荷花路街道办事处&nbsp;&nbsp;【字体：<a>大</a> <a>中</a> <a>小</a>】&nbsp;<a href="javascript:window.print()">打印</a></div>
  <div class="TRS_Editor" id="zoom">
  <p style="text-indent:2em">&nbsp;&nbsp;本报告根据《中华人民共和国政府信息公开条例》编制，
  统计期限为2023年1月1日至12月31日。</p>
  <p style="text-indent:2em"><strong>一、总体情况</strong></p>
  <p style="text-indent:2em"><strong>（一）主动公开</strong></p>
  <p style="text-indent:2em"><span style="font-family:仿宋_GB2312">{OVERVIEW}</span></p>
  <div>全年主动公开政府信息<span>１２</span>条。<br/>其中政策解读<b>3</b>条。</div>
  {body}
  <p style="text-indent:2em"><strong>五、存在的主要问题及改进情况</strong></p>
  <p>一是公开内容还不够全面。</p>
  <p style="text-indent:2em"><strong>六、其他需要报告的事项</strong></p>
  <p>本年度未收取信息处理费。</p>
  <p style="text-align:right">荷花路街道办事处</p>
  <p style="text-align:right">{closing}</p>
  </div>
</td></tr></table>
<div class="footer"><table><tr><td>版权所有：荷花区人民政府 网站标识码：1234000001</td><td>联系电话：0000-1234567</td></tr></table></div>
<script>window.onload = function () {{}};</script>
</body></html>"""


def import_page(tmp_path, page: str, encoding: str = "gb18030", name: str = "t20240119_123.html", **options):
    source = tmp_path / name
    source.write_bytes(page.encode(encoding))
    return import_file(source, name, **options)


def messages(imported, severity: str | None = None) -> list[str]:
    return [str(f) for f in imported.findings if severity is None or f.severity == severity]


@pytest.fixture
def values():
    return numbered_values()


def test_a_portal_page_imports_every_value_to_its_cell(tmp_path, values):
    page = portal_page([proactive_table(values), applications_table(values), review_table(values)])
    imported = import_page(tmp_path, page)
    assert imported.format.id == "2021" and imported.year == 2023
    assert imported.office_name == "荷花路街道办事处"
    assert imported.values == values
    assert (imported.unplaced, imported.missing) == (0, ())
    assert messages(imported, "error") == []


def test_the_page_around_the_article_is_left_out(tmp_path, values):
    page = portal_page([proactive_table(values), applications_table(values), review_table(values)])
    imported = import_page(tmp_path, page)
    text = "\n".join(imported.texts.values())
    for outside in ("首页", "2022年度报告", "访问量", "版权所有", "字体", "打印", "当前位置", "document.write"):
        assert outside not in text
    assert (
        imported.texts["preface"]
        == "本报告根据《中华人民共和国政府信息公开条例》编制，统计期限为2023年1月1日至12月31日。"
    )
    assert (
        imported.texts["overview"]
        == f"## （一）主动公开\n\n{OVERVIEW}\n\n全年主动公开政府信息１２条。\n\n其中政策解读3条。"
    )
    assert imported.texts["problems"] == "一是公开内容还不够全面。"
    assert imported.texts["other"] == "本年度未收取信息处理费。"


def test_dates_and_address_come_from_the_page(tmp_path, values):
    page = portal_page([proactive_table(values), applications_table(values), review_table(values)])
    imported = import_page(tmp_path, page)
    assert imported.published.isoformat() == "2024-01-19"
    assert imported.source_url == "http://www.hehua.gov.cn/xxgk/ndbg/202401/t20240119_123.html"
    page = portal_page(
        [proactive_table(values), applications_table(values), review_table(values)], pubdate="", closing="2024年1月22日"
    )
    assert import_page(tmp_path, page).published.isoformat() == "2024-01-22"


def test_utf8_and_a_byte_order_mark(tmp_path, values):
    page = portal_page([proactive_table(values), applications_table(values), review_table(values)], charset="utf-8")
    assert import_page(tmp_path, page, encoding="utf-8").values == values
    assert import_page(tmp_path, page.replace("charset=utf-8", ""), encoding="utf-8-sig").values == values


def test_full_width_digits_split_labels_variant_numbering_and_quotes(tmp_path, values):
    def label(text: str) -> str:
        text = text.replace("1.属于国家秘密", "1、属于国家<br/>秘密").replace("“三安全一稳定”", '"三安全一稳定"')
        text = text.replace("2.没有现成信息", "2．没有现成信息").replace("本年新收", "本年新收<br>")
        return text.replace("（一）", "(一)")

    page = portal_page(
        [
            proactive_table(values, value=lambda v: shown(v).translate(FULL_WIDTH)),
            applications_table(values, value=lambda v: shown(v).translate(FULL_WIDTH), label=label),
            review_table(values, reconsideration="行政法复议"),
        ]
    )
    imported = import_page(tmp_path, page)
    assert imported.values == values
    assert imported.unplaced == 0
    assert any("行政法复议" in m for m in messages(imported, "warning"))


def test_header_and_data_spans_that_do_not_line_up(tmp_path, values):
    page = portal_page([proactive_table(values), applications_table(values, label_colspan=2), review_table(values)])
    imported = import_page(tmp_path, page)
    assert imported.values == values
    assert messages(imported, "error") == []


def test_blank_cells_are_zero_and_flagged_with_table_row_and_cell(tmp_path, values):
    blank = {"applications.granted.research", "applications.repeated.total", "proactive.licensing.decisions"}

    marks = {values[key]: "&nbsp;" for key in blank}  # every value is different: a value names its cell
    page = portal_page(
        [
            proactive_table(values, value=lambda v: marks.get(v, shown(v))),
            applications_table(values, value=lambda v: marks.get(v, shown(v))),
            review_table(values),
        ]
    )
    imported = import_page(tmp_path, page)
    expected = dict(values)
    expected["applications.granted.research"] = 0
    expected["proactive.licensing.decisions"] = 0
    repeated = [values[f"applications.repeated.{c}"] for c in APPLICANTS[:-1]]
    expected["applications.repeated.total"] = sum(repeated)  # a blank total is computed, not 0
    assert imported.values == expected
    assert imported.computed == ("applications.repeated.total",)
    flagged = [m for m in messages(imported, "warning") if "按 0 导入" in m]
    assert any("第 2 个表格第 6 行第 5 格" in m and "（一）予以公开" in m and "科研机构" in m for m in flagged)
    assert any("第 1 个表格第 7 行第 2 格" in m and "行政许可" in m for m in flagged)


def test_values_that_cannot_be_placed_name_their_table_row_and_cell(tmp_path, values):
    table = applications_table(values).replace("4.无正当理由大量反复申请", "4.无正当理由多次申请（其他）")
    table = table.replace(f">{values['applications.partly_granted.other']}<", ">12件（含3件）<")
    page = portal_page([proactive_table(values), table, review_table(values)])
    imported = import_page(tmp_path, page)
    errors = messages(imported, "error")
    assert imported.unplaced == 7 + 1
    assert any("第 2 个表格第 22 行" in m and "4.无正当理由多次申请（其他）" in m for m in errors), errors
    assert any("第 2 个表格第 7 行第 7 格" in m and "12件（含3件）" in m for m in errors), errors
    line = page.split("\n").index(next(x for x in page.split("\n") if "12件（含3件）" in x)) + 1
    assert any(m.startswith(f"t20240119_123.html:{line}:") for m in errors if "12件" in m)


def test_amounts_in_yuan_and_thousands_separators(tmp_path, values):
    values[FEES] = Decimal("25.1")
    values["applications.new_received.natural_person"] = 1234
    page = portal_page([proactive_table(values), applications_table(values), review_table(values)])
    page = page.replace(">25.1<", ">251000元<").replace(">1234<", ">1,234<")
    imported = import_page(tmp_path, page)
    assert imported.values == values
    assert any("251000元" in m and "25.1000 万元" in m for m in messages(imported, "warning"))  # exact, no digit lost


def test_tables_under_headings_that_are_not_text_are_found_by_their_labels(tmp_path, values):
    page = portal_page([proactive_table(values), applications_table(values), review_table(values)])
    for heading in (
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ):
        page = page.replace(f"<strong>{heading}</strong>", '<img src="title.png" alt="">')
    imported = import_page(tmp_path, page)
    assert imported.values == values
    assert imported.texts["overview"].startswith("## （一）主动公开")
    assert "|" not in imported.texts["overview"]  # the tables were not left in the text


def test_separate_cells_are_never_re_split_and_blanks_keep_their_place(tmp_path, values):
    """The issue's row `258 | 12 | &nbsp; | &nbsp; | 1 | 1 | &nbsp;`: seven real cells, total left blank.
    Every row of table 三 is written so, each with other digits."""
    rows = [row_id for _, row_id in APPLICATIONS]
    for index, row_id in enumerate(rows):
        figures = (258 + index, 12, 0, 0, 1, index % 3)
        for column, figure in zip(APPLICANTS, figures):
            values[f"applications.{row_id}.{column}"] = figure
        values[f"applications.{row_id}.total"] = sum(figures)
    blank = lambda key: key.endswith((".research", ".public_welfare", ".total")) or values[key] == 0  # noqa: E731

    def cell(key: str) -> str:
        return "&nbsp;" if key.startswith("applications.") and blank(key) else shown(values[key])

    page = portal_page([proactive_table(values), applications_with(values, cell), review_table(values)])
    imported = import_page(tmp_path, page)
    assert imported.values == values
    assert not any("连在一起" in m for m in messages(imported))
    assert len(imported.computed) == len(rows)  # each blank 总计 computed from its row
    assert any("按 0 导入" in m and "科研机构" in m for m in messages(imported, "warning"))


def applications_with(values, cell, **layout) -> str:
    """Table 三 with each value cell's text given by cell(key)."""
    keys = iter(f"applications.{row_id}.{c}" for _, row_id in APPLICATIONS for c in APPLICANTS)
    marker = "\0"
    table = applications_table(values, value=lambda v: marker, **layout)
    return "".join((cell(next(keys)) if i else "") + part for i, part in enumerate(table.split(marker)))


def test_columns_are_placed_by_the_header_geometry(tmp_path, values):
    """Rows whose label spans two columns and a blank filler cell, with 其他 and 总计 left blank: counted from
    the right, every value would move one column left; the header's columns say where each one is."""
    for _, row_id in APPLICATIONS:
        values[f"applications.{row_id}.other"] = 0
        values[f"applications.{row_id}.total"] = sum(values[f"applications.{row_id}.{c}"] for c in APPLICANTS[:-1])
    blank = lambda key: key.endswith((".other", ".total"))  # noqa: E731
    cell = lambda key: "&nbsp;" if blank(key) else shown(values[key])  # noqa: E731
    table = applications_with(values, cell, label_colspan=2)
    page = portal_page([proactive_table(values), table, review_table(values)])
    imported = import_page(tmp_path, page)
    assert imported.values == values
    assert messages(imported, "error") == []


def test_a_row_narrower_than_the_header_is_not_placed_by_the_header(tmp_path, values):
    """Labels spanning two columns where the header's span three, no filler cell, 自然人 blank: by the
    header's positions every value would move one column right; such rows are counted from the right."""
    for _, row_id in APPLICATIONS:
        values[f"applications.{row_id}.natural_person"] = 0
    cell = lambda key: " " if key.endswith(".natural_person") else shown(values[key])  # noqa: E731
    table = applications_with(values, cell, label_colspan=2).replace(td("&nbsp;"), "")  # the filler cells
    assert table.count(td(" ")) == len(APPLICATIONS)
    imported = import_page(tmp_path, portal_page([proactive_table(values), table, review_table(values)]))
    assert imported.values == values
