"""Offices compared on the year page (and a summary page): ranking, shares, distribution in words, the
change from last year, rates from sums; and figures counted differently across the 2020/2021 format
boundary, which are never compared or charted across it.

Expected values are worked out here from the report.csv files the build writes, not written down."""

from __future__ import annotations

import csv
import io
import random
from decimal import Decimal
from pathlib import Path

import pytest

from generator.build import build_site
from tests.helpers import report_yaml, write_office, write_report, write_site
from tests.html_tree import parse_html

TOWNS = 13  # more than the 10 the year page ranks per figure: the others are one line


def cells(received: int, granted: int, documents: int = 0, fmt: str = "2021") -> dict[str, int]:
    """Figures that keep the rules: `received` applications, `granted` of them disclosed, the rest withheld
    as state secrets; `documents` normative documents in force (2019 format: published in total)."""
    withheld = received - granted
    values = {}
    for row, count in (("new_received", received), ("granted", granted), ("state_secret", withheld)):
        values[f"applications.{row}.natural_person"] = count
        values[f"applications.{row}.total"] = count
    values["applications.outcome_total.natural_person"] = received
    values["applications.outcome_total.total"] = received
    column = "in_force" if fmt == "2021" else "published_total"
    values[f"proactive.normative_documents.{column}"] = documents
    return values


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    """A county whose own 2023 report is a 汇总, and 13 towns under it reporting on 2022 and 2023 (but one,
    on 2023 only); figures drawn at random (fixed seed), with zeros and ties."""
    root = write_site(tmp_path_factory.mktemp("comparisons") / "site")
    write_office(root, "county", "测试县人民政府")
    pick = random.Random(20)
    sums = {}
    for n in range(TOWNS):
        slug = f"town{n:02d}"
        write_office(root, slug, f"第{n:02d}镇人民政府", "parent: county\n")
        for year in (2022, 2023):
            if (n, year) == (3, 2022):
                continue
            received = pick.choice([0, 0, 0, 5, 5, 8, 12, 30, 31, 47, 60, 99])
            granted = pick.randint(0, received)
            write_report(root, slug, year, report_yaml(year, values=cells(received, granted)))
            if year == 2023:
                sums[slug] = received
    summed = report_yaml(2023, values=cells(sum(sums.values()), 0))
    write_report(root, "county", 2023, summed.replace("year: 2023\n", "year: 2023\nscope: 汇总\n", 1))
    build_site(root)
    return root


def csv_values(path: Path) -> dict[tuple[str, str, str], Decimal]:
    lines = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))[1:]
    return {(line[3], line[4], line[6]): Decimal(line[8]) for line in lines}


def figures(root: Path, year: int) -> dict[str, dict[str, Decimal]]:
    """Each town's headline figures of the year, read from its report.csv (the county's are its towns')."""
    found = {}
    for path in sorted((root / "public").glob(f"*/{year}/report.csv")):
        if path.parent.parent.name == "county":
            continue
        values = csv_values(path)
        found[path.parent.parent.name] = {
            "new_received": values[("applications", "new_received", "total")],
            "granted": values[("applications", "granted", "total")],
            "partly_granted": values[("applications", "partly_granted", "total")],
            "handled": values[("applications", "outcome_total", "total")],
        }
    return found


def change(now: Decimal, before: Decimal | None) -> str:
    if before is None:
        return "—"
    delta = now - before
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    return f"{sign}{abs(delta)}" + (f"（{sign}{abs(delta) * 100 / before:.1f}%）" if before else "")


def office_of(href: str) -> str:
    return href.split("/")[-3]  # ../../<office>/<year>/index.html


def comparison(page, figure: str):
    return page.find("section", **{"aria-labelledby": f"compare-{figure}-title"})


def test_the_year_page_ranks_offices_with_shares_changes_and_the_rest_in_one_line(county):
    now, before = figures(county, 2023), figures(county, 2022)
    page = parse_html((county / "public/years/2023/index.html").read_text("utf-8"))
    section = comparison(page, "new_received")
    values = {slug: f["new_received"] for slug, f in now.items()}
    total = sum(values.values())
    assert section.find("h3").text == f"新收申请：合计 {total} 件"
    rows = [tr for tr in section.find("tbody").iter("tr")]
    listed = [tr for tr in rows if tr.find("a") is not None]
    assert len(listed) == 10
    shown = []
    for tr in listed:
        rank, value, share, changed = (td.text for td in tr.iter("td"))
        slug = office_of(tr.find("a").attrs["href"])
        shown.append(slug)
        assert Decimal(value) == values[slug]
        assert int(rank) == 1 + sum(1 for v in values.values() if v > values[slug])  # ties share a rank
        assert share == (f"{values[slug] * 100 / total:.1f}%" if total else "—")
        assert changed == change(values[slug], before.get(slug, {}).get("new_received"))
    assert sorted(values[slug] for slug in shown) == sorted(values.values())[-10:]  # the ten with the most
    rest = [td.text for td in rows[-1].iter("td")]
    assert rows[-1].find("th").text == f"其余 {TOWNS - 10} 个单位合计"
    assert Decimal(rest[1]) == total - sum(values[slug] for slug in shown)
    zeros = sum(1 for v in values.values() if not v)
    lines = [li.text for li in section.find("ul").iter("li")]
    assert f"{TOWNS} 个单位中 {zeros} 个全年未收到政府信息公开申请。" in lines
    top3 = sum(sorted(values.values())[-3:])
    assert f"数字最多的 3 个单位占合计的 {top3 * 100 / total:.1f}%。" in lines
    # the county's 汇总 report is its towns' sum: it is not ranked (it would count everything twice)
    assert "county/2023" not in str([tr.find("a").attrs["href"] for tr in listed])
    assert "另有 1 份注明为“汇总”的报告" in page.find("section", id="comparisons").text


def test_the_year_pages_table_gives_every_offices_change_from_last_year(county):
    now, before = figures(county, 2023), figures(county, 2022)
    page = parse_html((county / "public/years/2023/index.html").read_text("utf-8"))
    table = page.find("table", **{"data-sortable": ""})
    heads = [th.text for th in table.find("thead").iter("th")]
    column = heads.index("新收申请比上年") - 1  # the cells after the row's heading
    for tr in table.find("tbody").iter("tr"):
        slug = office_of(tr.find("a").attrs["href"])
        cell = list(tr.iter("td"))[column]
        if slug == "county":
            assert cell.text == "—"  # no 2022 report
            continue
        last = before.get(slug, {}).get("new_received")
        assert cell.text == change(now[slug]["new_received"], last)
        sort_value = cell.attrs.get("data-sort-value")
        assert sort_value == (None if last is None else str(now[slug]["new_received"] - last))


def test_the_disclosure_rate_is_from_the_years_sums_not_an_average(county):
    now = figures(county, 2023)
    top = sum(f["granted"] + f["partly_granted"] for f in now.values())
    bottom = sum(f["handled"] for f in now.values())
    page = (county / "public/years/2023/index.html").read_text("utf-8")
    assert (
        f"<strong>公开率 {top * 100 / bottom:.1f}%</strong>：（予以公开 + 部分公开）÷ 办理总数，由本年度各机关之和计算"
        in page
    )


def test_the_summary_page_compares_its_children_with_the_same_code(county):
    now, before = figures(county, 2023), figures(county, 2022)
    page = parse_html((county / "public/county/2023/summary/index.html").read_text("utf-8"))
    section = comparison(page, "new_received")
    assert section is not None
    listed = [tr for tr in section.find("tbody").iter("tr") if tr.find("a") is not None]
    for tr in listed:
        slug = office_of(tr.find("a").attrs["href"])
        *_, changed = (td.text for td in tr.iter("td"))
        assert changed == change(now[slug]["new_received"], before.get(slug, {}).get("new_received"))


def test_a_figure_of_zeros_is_said_in_words_without_a_ranking(county):
    page = parse_html((county / "public/years/2023/index.html").read_text("utf-8"))
    section = comparison(page, "lawsuits")
    assert [li.text for li in section.find("ul").iter("li")] == [
        f"{TOWNS} 个单位中 {TOWNS} 个未发生政府信息公开行政诉讼。"
    ]
    assert section.find("table") is None


# --- across the 2020/2021 format boundary ---------------------------------------------------------------


@pytest.fixture(scope="module")
def boundary(tmp_path_factory) -> Path:
    """Two towns under a county reporting on 2020 (2019 format), 2021 and 2022 (2021 format)."""
    root = write_site(tmp_path_factory.mktemp("boundary") / "site")
    write_office(root, "county", "测试县人民政府")
    for slug, name, base in (("east", "东镇人民政府", 10), ("west", "西镇人民政府", 20)):
        write_office(root, slug, name, "parent: county\n")
        for year in (2020, 2021, 2022):
            fmt = "2019" if year == 2020 else "2021"
            received, documents = base + year - 2020, base * 10 + year - 2020
            write_report(root, slug, year, report_yaml(year, values=cells(received, 0, documents, fmt), format_id=fmt))
    assert not [f for f in build_site(root).findings if f.severity == "error"]
    return root


def chart_years(page, chart_id: str) -> list[str]:
    svg = page.find("svg", **{"aria-labelledby": f"{chart_id}-title {chart_id}-desc"})
    return [text.text for text in svg.find_all("text", **{"class": "trend-year"})] if svg is not None else []


def test_a_figure_counted_differently_is_charted_only_on_its_side_of_the_boundary(boundary):
    page = parse_html((boundary / "public/east/index.html").read_text("utf-8"))
    assert chart_years(page, "trend-new_received") == ["2020", "2021", "2022"]  # the same in both formats
    assert chart_years(page, "trend-normative_documents") == ["2021", "2022"]
    note = page.find("p", **{"class": "trend-note"})
    assert note.text == "2020年度的报告采用另一格式，此项统计口径不同，不列入图中。"
    summary = parse_html((boundary / "public/county/2022/summary/index.html").read_text("utf-8"))
    assert chart_years(summary, "region-trend-new_received") == ["2020", "2021", "2022"]
    assert chart_years(summary, "region-trend-normative_documents") == ["2021", "2022"]


@pytest.mark.parametrize("url", ["years/2021/index.html", "county/2021/summary/index.html"])
def test_a_figure_counted_differently_has_no_change_across_the_boundary(boundary, url):
    page = parse_html((boundary / "public" / url).read_text("utf-8"))
    now, before = figures(boundary, 2021), figures(boundary, 2020)
    for tr in comparison(page, "new_received").find("tbody").iter("tr"):
        slug = office_of(tr.find("a").attrs["href"])
        assert list(tr.iter("td"))[-1].text == change(now[slug]["new_received"], before[slug]["new_received"])
    documents = comparison(page, "normative_documents")
    assert [list(tr.iter("td"))[-1].text for tr in documents.find("tbody").iter("tr")] == ["—", "—"]
    # within the 2021 format it is compared
    later = parse_html((boundary / "public" / url.replace("2021", "2022")).read_text("utf-8"))
    changes = [list(tr.iter("td"))[-1].text for tr in comparison(later, "normative_documents").find("tbody").iter("tr")]
    assert changes == ["+1（+0.5%）", "+1（+1.0%）"]  # west 201 → 202, east 101 → 102
