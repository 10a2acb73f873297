"""Year pages of many offices: split into pages of plan.YEAR_PAGE_ROWS reports, the whole year one click away as CSV."""

from __future__ import annotations

import csv
import dataclasses
import io
import multiprocessing
import os
import random
import time
from datetime import date

import pytest

from generator.build import build_site, indexes, workers
from generator.read.settings import Settings
from generator.read.site import Office
from generator.render import pages
from generator.render.pages import year_context
from generator.render.renderer import Renderer
from generator.site import plan
from generator.site.summaries import ReportSummary
from tests.helpers import report_yaml, write_office, write_report, write_site
from tests.html_tree import parse_html
from tests.test_build import snapshot
from tests.test_build_links import check_site_links

OFFICES = [f"office-{n:02d}" for n in range(10)]


@pytest.fixture
def many_offices(tmp_path, monkeypatch):
    monkeypatch.setattr(plan, "YEAR_PAGE_ROWS", 4)  # 10 offices: pages of 4, 4 and 2
    site = write_site(tmp_path / "site")
    for slug in OFFICES:
        write_office(site, slug, f"机关{slug[-2:]}")
        write_report(site, slug, 2023, report_yaml(2023))
    write_report(site, OFFICES[0], 2022, report_yaml(2022))
    return site


def rows_of(page) -> list[str]:
    """The offices a year page lists, by the folder of each report linked (../../<office>/2023/index.html)."""
    return [th.find("a").attrs["href"].split("/")[-3] for th in page.find("tbody").iter("th")]


def test_a_year_of_many_offices_is_split_into_pages_that_list_each_report_once(many_offices):
    build_site(many_offices)
    out = many_offices / "public"
    urls = ["years/2023/index.html", "years/2023/page-2/index.html", "years/2023/page-3/index.html"]
    pages = [parse_html((out / url).read_text("utf-8")) for url in urls]
    assert [rows_of(page) for page in pages] == [OFFICES[:4], OFFICES[4:8], OFFICES[8:]]
    assert not (out / "years/2023/page-4").exists()
    for number, page in enumerate(pages, 1):
        assert f"（第 {number} 页，共 3 页）" in page.find("title").text
        assert "10 个机关发布了 2023 年度的报告" in page.find("p", class_="lead").text
        pager = page.find("nav", class_="year-list")
        links = [(a.text, a.attrs["href"], a.attrs.get("aria-current")) for a in pager.iter("a")]
        assert [text for text, _, _ in links] == ["第 1 页", "第 2 页", "第 3 页"]
        assert [current for _, _, current in links] == [None if n != number else "page" for n in (1, 2, 3)]
        downloads = [a.attrs["href"] for a in page.iter("a") if a.attrs.get("href", "").endswith("reports.csv")]
        assert any(href.endswith("years/2023/reports.csv") for href in downloads)
    assert "下一页：第 2 页" in pages[0].text and "下一页" not in pages[2].text
    assert check_site_links(out) > 0


def test_the_years_csv_has_every_report_of_the_year(many_offices):
    build_site(many_offices)
    data = (many_offices / "public/years/2023/reports.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["office"] for row in rows] == OFFICES and {row["year"] for row in rows} == {"2023"}
    site_wide = (many_offices / "public/data/reports.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert data.decode("utf-8-sig").splitlines() == [site_wide[0]] + [line for line in site_wide if ",2023," in line]


def test_a_small_year_is_one_page_without_a_pager(many_offices):
    build_site(many_offices)
    page = parse_html((many_offices / "public/years/2022/index.html").read_text("utf-8"))
    assert rows_of(page) == [OFFICES[0]] and page.find("nav", class_="year-list") is not None  # other years
    assert "页" not in page.find("title").text.replace("页面", "")
    assert not any(a.text.startswith("第 ") for a in page.iter("a"))


def test_a_draft_leaves_a_gap_on_its_page_only(many_offices):
    path = many_offices / "content" / OFFICES[5] / "2023.yaml"
    path.write_text("draft: true\n" + report_yaml(2023), encoding="utf-8")
    build_site(many_offices)
    out = many_offices / "public"
    first = parse_html((out / "years/2023/index.html").read_text("utf-8"))
    second = parse_html((out / "years/2023/page-2/index.html").read_text("utf-8"))
    assert rows_of(first) == OFFICES[:4]  # the other pages keep their offices
    assert rows_of(second) == [OFFICES[4], *OFFICES[6:8]]
    assert "9 个机关发布了 2023 年度的报告" in second.find("p", class_="lead").text


def test_a_full_year_page_stays_under_300_kb():
    settings = Settings(name="某省政府信息公开")
    headlines = tuple((hid, 12345) for hid in ("new_received", "carried_over", "granted", "partly_granted", "handled"))
    rows = [
        ReportSummary(f"county-{n:04d}-{n % 40:02d}", "某某县人力资源和社会保障局", 2023, "2021", date(2024, 1, 20),
                      headlines + (("carried_forward", 3), ("reconsiderations", 1), ("lawsuits", 0),
                                    ("normative_documents", 321)), n % 3, n % 2)
        for n in range(plan.YEAR_PAGE_ROWS)
    ]  # fmt: skip
    last = {row.office: row._replace(year=2022, headlines=(("new_received", 12000),)) for row in rows}  # +345（+2.9%）
    context = year_context(settings, 2023, rows, (2024, 2023, 2022), number=3, pages=10, count=5000, last=last)
    html = Renderer().render("year.html", context)
    assert len(html.encode("utf-8")) < 300_000, len(html.encode("utf-8"))
    assert html.count("<tr>") == plan.YEAR_PAGE_ROWS + 1


def test_the_home_page_of_a_big_site_lists_recent_reports_and_the_top_offices(tmp_path, monkeypatch):
    monkeypatch.setattr(pages, "HOME_LATEST", 3)
    monkeypatch.setattr(pages, "HOME_OFFICES", 5)
    site = write_site(tmp_path / "site")
    write_office(site, "county", "某某县人民政府")
    for n, slug in enumerate(OFFICES[:8]):
        write_office(site, slug, f"机关{n}", "parent: county\n" if n < 6 else "")
        text = report_yaml(2023).replace("format:", f"published: 2024-01-{10 + n}\nformat:")
        write_report(site, slug, 2023, text)
    build_site(site)
    home = parse_html((site / "public/index.html").read_text("utf-8"))
    latest = home.find("section", id="latest")
    assert [a.text for a in latest.find("ul").iter("a")] == [f"机关{n}2023年度报告" for n in (7, 6, 5)]
    assert "共 8 份，以下是最近发布的 3 份" in latest.text
    tree = home.find("ul", class_="office-tree")
    assert [a.text for a in tree.iter("a") if a.attrs.get("class") == "office-link"] == [
        "某某县人民政府",
        "机关6",
        "机关7",
    ]
    assert "下属机关 6 个" in tree.text
    assert check_site_links(site / "public") > 0


def _trimmed(node: pages.OfficeNode) -> pages.OfficeNode:
    def count(n: pages.OfficeNode) -> int:
        return sum(1 + count(child) for child in n.children)

    return dataclasses.replace(node, children=(), hidden=count(node))


@pytest.mark.parametrize("seed", range(40))
def test_the_top_of_the_office_tree_is_the_whole_tree_cut_at_its_roots(seed):
    """Parents at random, loops included (an office whose parent is under it): each root says how many
    offices are under it, as the whole tree would show."""
    chance = random.Random(seed)
    slugs = [f"office-{n:02d}" for n in range(chance.randint(1, 30))]
    offices = [Office(slug, slug, f"content/{slug}", parent=chance.choice([*slugs, "", "elsewhere"])) for slug in slugs]
    summaries = [
        ReportSummary(slug, slug, year, "2021", None, (), 0, 0)
        for slug in slugs
        for year in chance.sample(range(2019, 2025), chance.randint(0, 3))
    ]
    chance.shuffle(summaries)
    whole = pages.office_tree(offices, summaries)
    assert pages.office_tree(offices, summaries, top_only=True) == tuple(map(_trimmed, whole))
    assert sum(1 + node.hidden for node in map(_trimmed, whole)) == len(offices)


_year_page_job = workers.year_page_job


def slow_year_page_job(job):
    """Busy workers: the build must not wait for them to begin the last year pages."""
    time.sleep(0.3)
    return _year_page_job(job)


def test_year_pages_no_worker_has_begun_are_made_by_the_build_itself_the_same(many_offices, tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "POOL_MIN_REPORTS", 0)
    monkeypatch.setattr(plan, "YEAR_PAGE_ROWS", 1)  # ten pages of 2023
    fork = multiprocessing.get_context("fork")  # so that the workers have the patches below
    monkeypatch.setattr(workers, "pool_context", lambda: fork)
    made_here = []
    real = indexes.year_page

    def counted(*args):
        made_here.append(os.getpid())
        return real(*args)

    monkeypatch.setattr(workers, "year_page_job", slow_year_page_job)
    monkeypatch.setattr(indexes, "year_page", counted)
    build_site(many_offices, tmp_path / "two", jobs=2)
    assert os.getpid() in made_here and len(made_here) < 11  # of the 11 year pages: some here, some by the workers
    build_site(many_offices, tmp_path / "one", jobs=1)
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")
