"""Golden tests of the report page: every cell of the statistical tables, its value and its headers.

Expected values and header labels come from walking the format definition here, independently of
generator/tables.py, and the page is parsed as HTML: a swapped column or a wrong `headers` list fails.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator.build import build_site
from generator.model.format import get_format
from tests.helpers import report_yaml, write_office, write_report, write_site
from tests.html_tree import Element, parse_html

FEE = Decimal("9116.36")


def printed_label(node) -> str:
    """A heading as the form prints it: the label, and an amount's unit when the label lacks it."""
    unit = getattr(node, "unit", "")
    return node.label.zh + (f"（{unit}）" if unit and unit not in node.label.zh else "")


def label_paths(nodes, children: str, trail=()) -> dict[str, tuple[str, ...]]:
    """Leaf id -> the labels of the leaf and all its groups, as the national form prints them."""
    paths = {}
    for node in nodes:
        here = trail + (printed_label(node),)
        kids = getattr(node, children)
        if kids:
            paths.update(label_paths(kids, children, here))
        else:
            paths[node.id] = here
    return paths


def expected_cells(format_id: str, table_id: str) -> dict[frozenset[str], tuple[str, str]]:
    """frozenset of header texts -> (row id, column id), for every cell of a table."""
    table = get_format(format_id).tables[table_id]
    expected = {}
    for block in table.blocks:
        outer = (block.label.zh,) if block.label and len(table.blocks) > 1 else ()
        for row_id, row_labels in label_paths(block.rows, "rows").items():
            for column_id, column_labels in label_paths(block.columns, "columns").items():
                key = frozenset(outer + row_labels + column_labels)
                assert key not in expected, f"ambiguous labels for {row_id}/{column_id}"
                expected[key] = (row_id, column_id)
    return expected


def distinct_values(format_id: str) -> dict[str, object]:
    """A different non-zero number in every cell (so that any swap shows), fees as an amount."""
    values = {}
    for index, (table, row, column) in enumerate(get_format(format_id).cell_keys()):
        column_type = get_format(format_id).column_of(table, row, column).type
        values[f"{table}.{row}.{column}"] = FEE + index if column_type == "amount" else 101 + index
    return values


def cells_by_headers(page: Element, table_id: str) -> dict[frozenset[str], str]:
    """Every data cell of a table: the texts of the headers it names -> its printed value."""
    ids = {e.attrs["id"]: e for e in page.iter() if "id" in e.attrs}
    table = page.find("table", id=f"table-{table_id}")
    assert table is not None, f"no table {table_id}"
    cells = {}
    for td in table.iter("td"):
        if "headers" not in td.attrs:
            continue
        texts = []
        for header_id in td.attrs["headers"].split():
            assert header_id in ids, f"headers names a missing id {header_id}"
            header = ids[header_id]
            assert header.tag == "th", f"{header_id} is not a header cell"
            texts.append(header.text.strip())
        key = frozenset(texts)
        assert key not in cells, f"two cells with headers {sorted(key)}"
        cells[key] = td.visible_text().strip()
    return cells


@pytest.fixture
def crafted_site(tmp_path) -> Path:
    site = write_site(tmp_path / "site")
    write_office(site, "ceshi", "测试街道办事处")
    write_report(site, "ceshi", 2023, report_yaml(2023, values=distinct_values("2021")))
    return site


def test_every_cell_of_table_three_has_its_value_and_its_headers(crafted_site):
    build_site(crafted_site)
    page = parse_html((crafted_site / "public/ceshi/2023/index.html").read_text(encoding="utf-8"))
    values = distinct_values("2021")
    expected = expected_cells("2021", "applications")
    cells = cells_by_headers(page, "applications")

    assert len(expected) == 25 * 7
    assert set(cells) == set(expected)
    for labels, (row, column) in expected.items():
        assert cells[labels] == str(values[f"applications.{row}.{column}"]), (row, column)


@pytest.mark.parametrize("table_id", ["proactive", "review_litigation"])
def test_the_other_tables_associate_every_cell_too(crafted_site, table_id):
    build_site(crafted_site)
    page = parse_html((crafted_site / "public/ceshi/2023/index.html").read_text(encoding="utf-8"))
    values = distinct_values("2021")
    expected = expected_cells("2021", table_id)
    cells = cells_by_headers(page, table_id)

    assert set(cells) == set(expected)
    for labels, (row, column) in expected.items():
        assert cells[labels] == str(values[f"{table_id}.{row}.{column}"])
    if table_id == "proactive":
        assert str(FEE + 9) in cells.values()  # the amount, printed as written (no exponent)


def test_ids_are_unique_and_tables_have_their_parts(crafted_site):
    build_site(crafted_site)
    page = parse_html((crafted_site / "public/ceshi/2023/index.html").read_text(encoding="utf-8"))
    ids = [e.attrs["id"] for e in page.iter() if "id" in e.attrs]
    assert len(ids) == len(set(ids))
    assert len(list(page.iter("h1"))) == 1
    for table in page.iter("table"):
        caption = table.find("caption")
        assert caption is not None and caption.text.strip()
        assert table.find("thead") is not None and table.find("tbody") is not None
        assert all(th.attrs.get("scope") for th in table.iter("th"))
        region = next(e for e in page.iter("div") if table in e.children)
        assert region.attrs["role"] == "region" and region.attrs["tabindex"] == "0"
        assert region.attrs["aria-labelledby"] == caption.attrs["id"]
    assert all(
        "num" in td.attrs["class"]
        for td in page.find("table", id="table-applications").iter("td")
        if "headers" in td.attrs
    )


def test_the_example_report_shows_all_its_cells(example_site):
    build_site(example_site)
    for year, format_id in ((2023, "2021"), (2020, "2019")):
        page = parse_html((example_site / f"public/hehualu/{year}/index.html").read_text(encoding="utf-8"))
        cells = cells_by_headers(page, "applications")
        expected = expected_cells(format_id, "applications")
        assert set(cells) == set(expected)
        assert len(cells) == (25 if format_id == "2021" else 23) * 7
        for table_id in get_format(format_id).tables:
            assert set(cells_by_headers(page, table_id)) == set(expected_cells(format_id, table_id))

    page = parse_html((example_site / "public/hehualu/2020/index.html").read_text(encoding="utf-8"))
    cells = cells_by_headers(page, "applications")
    # Figures of the example's 2019-format report, as written in content/hehualu/2020.yaml.
    assert cells[frozenset({"申请人情况", "自然人", "一、本年新收政府信息公开申请数量"})] == "3"
    assert cells[frozenset({"申请人情况", "总计", "一、本年新收政府信息公开申请数量"})] == "4"
    proactive = cells_by_headers(page, "proactive")
    assert proactive[frozenset({"第二十条第（五）项", "行政许可", "本年增/减"})] == "-1"
    assert proactive[frozenset({"第二十条第（九）项", "政府集中采购", "采购总金额（万元）"})] == "25.1"


def test_a_report_that_breaks_rules_is_published_as_written_with_a_notice(crafted_site):
    build_site(crafted_site)
    page = parse_html((crafted_site / "public/ceshi/2023/index.html").read_text(encoding="utf-8"))
    notice = page.find("section", class_="notice")
    assert notice is not None
    text = notice.text
    assert "不符合勾稽关系" in text and "按原文发布" in text
    for rule in ("R1", "R2", "R3", "R4"):
        assert f"规则 {rule}" in text
    assert "总计应等于各类申请人之和" in text  # the rule's message in plain Chinese


def test_omitted_totals_are_computed_and_noted_for_screen_readers(tmp_path):
    site = write_site(tmp_path / "site")
    write_office(site, "ceshi", "测试街道办事处")
    text = report_yaml(2023, values={"applications.new_received.natural_person": 2})
    text = text.replace("new_received: [2, 0, 0, 0, 0, 0, 0]", "new_received: [2, 0, 0, 0, 0, 0]")
    write_report(site, "ceshi", 2023, text)
    build_site(site)
    page = parse_html((site / "public/ceshi/2023/index.html").read_text(encoding="utf-8"))
    total = [
        td
        for td in page.find("table", id="table-applications").iter("td")
        if td.attrs.get("headers", "").split()[:1] == ["t3r0"] and "computed" in td.attrs["class"]
    ]
    assert len(total) == 1
    assert total[0].visible_text() == "2"
    assert "计算" in total[0].text


def test_report_page_has_the_facts_meta_tags_and_neighbour_links(example_site):
    (example_site / "site.yaml").write_text(
        "name: 示例区政务公开\nsite_id_code: '1234000001'\ndomain: www.example.gov.cn\n", encoding="utf-8"
    )
    build_site(example_site)
    html = (example_site / "public/hehualu/2020/index.html").read_text(encoding="utf-8")
    page = parse_html(html)
    meta = {m.attrs["name"]: m.attrs["content"] for m in page.iter("meta") if "name" in m.attrs}
    assert meta["SiteName"] == "示例区政务公开"
    assert meta["SiteIDCode"] == "1234000001"
    assert meta["SiteDomain"] == "www.example.gov.cn"
    assert meta["ArticleTitle"] == "荷花路街道办事处2020年政府信息公开工作年度报告"
    assert meta["PubDate"] == "2021-01-28"
    assert meta["ContentSource"] == "荷花路街道办事处"
    assert page.find("title").text == "荷花路街道办事处2020年政府信息公开工作年度报告_示例区政务公开"
    assert page.find("html").attrs["lang"] == "zh-CN"
    pager = page.find("nav", class_="pager")
    links = {a.attrs["href"] for a in pager.iter("a")}
    assert links == {"../../hehualu/2015/index.html", "../../hehualu/2023/index.html"}
    headings = [h.text.strip() for h in page.iter("h2")]
    assert (
        headings.index("一、总体情况")
        < headings.index("二、主动公开政府信息情况")
        < headings.index("六、其他需要报告的事项")
    )
    assert "2021年1月28日" in html and "国办公开办函〔2019〕60号" in html
