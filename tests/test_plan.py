"""The site plan: every page's URL (a public interface), kind and inputs, before any report is read."""

from __future__ import annotations

from dataclasses import replace

from generator.read.site import load_site
from generator.site.plan import SUMMARY_KINDS, plan_site, root_of
from tests.helpers import report_yaml, write_office, write_report, write_site


def make_site(tmp_path):
    root = write_site(tmp_path / "site")
    write_office(root, "quzhengfu", "某某区人民政府")
    write_office(root, "hehualu", "荷花路街道办事处", "parent: quzhengfu\n")
    for year in (2021, 2022, 2023):
        write_report(root, "hehualu", year, report_yaml(year))
    write_report(root, "quzhengfu", 2023, report_yaml(2023))
    site, findings = load_site(root)
    assert not findings
    return site


def test_urls_of_every_page(tmp_path):
    plan, findings = plan_site(make_site(tmp_path), {"style.css": "layouts/static/style.css"})
    assert not findings
    by_url = {p.url: p for p in plan.pages}
    assert {url: p.kind for url, p in by_url.items()} == {
        "index.html": "home",
        "404.html": "not_found",
        "robots.txt": "robots",
        "feed.xml": "feed",
        "accessibility/index.html": "accessibility",
        "status/index.html": "status",
        "status/status.csv": "status_csv",
        "data/reports.csv": "reports_csv",
        "data/datapackage.json": "datapackage",
        "data/report.schema.json": "schema",
        "static/style.css": "static",
        "hehualu/index.html": "office",
        "quzhengfu/index.html": "office",
        "years/2021/index.html": "year",
        "years/2022/index.html": "year",
        "years/2023/index.html": "year",
        **{f"years/{y}/reports.csv": "year_csv" for y in (2021, 2022, 2023)},
        **{f"hehualu/{y}/index.html": "report" for y in (2021, 2022, 2023)},
        **{f"hehualu/{y}/report.csv": "report_csv" for y in (2021, 2022, 2023)},
        **{f"hehualu/{y}/report.json": "report_json" for y in (2021, 2022, 2023)},
        "quzhengfu/2023/index.html": "report",
        "quzhengfu/2023/report.csv": "report_csv",
        "quzhengfu/2023/report.json": "report_json",
        # the 下级汇总 of the office with a child office, for each year the child has a report
        **{f"quzhengfu/{y}/summary/index.html": "summary" for y in (2021, 2022, 2023)},
        **{f"quzhengfu/{y}/summary/summary.csv": "summary_csv" for y in (2021, 2022, 2023)},
        **{f"quzhengfu/{y}/summary/summary.json": "summary_json" for y in (2021, 2022, 2023)},
    }
    assert [p.url for p in plan.pages] == sorted(by_url)
    assert plan.years == (2023, 2022, 2021) and plan.offices == ("hehualu", "quzhengfu")


def test_each_page_names_the_files_it_is_made_from(tmp_path):
    plan, _ = plan_site(make_site(tmp_path))
    by_url = {p.url: p for p in plan.pages}
    report = by_url["hehualu/2022/index.html"]
    assert set(report.inputs) == {
        "site.yaml",
        "content/hehualu/office.yaml",
        "content/hehualu/2022.yaml",
        "content/hehualu/2021.yaml",  # cross-year rules and the previous-year link
        "content/hehualu/2023.yaml",  # the next-year link (any report file can decide which year it is)
    }
    assert report.template == "report.html" and report.office == "hehualu" and report.year == 2022
    assert "content/hehualu/2023.yaml" not in by_url["hehualu/2022/report.csv"].inputs
    office = by_url["hehualu/index.html"]
    assert "content/quzhengfu/office.yaml" in office.inputs  # its parent's name is shown
    # Index pages are made from the offices' report summaries, which their keys name (build.py).
    assert by_url["years/2023/index.html"].inputs == by_url["index.html"].inputs == ("site.yaml",)


def test_sitemap_only_with_base_url(tmp_path):
    site = make_site(tmp_path)
    assert "sitemap.xml" not in plan_site(site)[0].urls()
    site = replace(site, settings=replace(site.settings, base_url="https://www.example.gov.cn/xxgk/"))
    assert "sitemap.xml" in plan_site(site)[0].urls()


def test_an_office_named_like_a_site_folder_is_left_out(tmp_path):
    root = write_site(tmp_path / "site")
    for slug in ("data", "static", "hehualu"):
        write_office(root, slug, "某机关")
        write_report(root, slug, 2023, report_yaml(2023))
    plan, findings = plan_site(load_site(root)[0])
    assert plan.offices == ("hehualu",)
    assert sorted(f.position.path for f in findings) == ["content/data", "content/static"]
    assert all(f.severity == "error" and "改名" in f.message for f in findings)


def test_root_prefix_leads_back_to_the_top():
    assert root_of("index.html") == ""
    assert root_of("hehualu/index.html") == "../"
    assert root_of("hehualu/2023/index.html") == "../../"


def test_an_office_page_is_made_from_every_file_its_offices_pages_are_made_from(tmp_path):
    """The build takes an unchanged office page for an unchanged office: it must name all their files."""
    plan, _ = plan_site(make_site(tmp_path))
    for office in plan.offices:
        pages = plan.office_pages(office)
        office_page = next(p for p in pages if p.kind == "office")
        assert all(set(p.inputs) <= set(office_page.inputs) for p in pages)
        assert {p.kind for p in pages} == {"office", "report", "report_json", "report_csv"}
        assert plan.office_page(office) == office_page
        # asked for one office or all (its 下级汇总 pages are made once per site, from its children's reports)
        assert pages == tuple(p for p in plan.pages if p.office == office and p.kind not in SUMMARY_KINDS)


def test_year_pages_split_the_offices_of_a_year(tmp_path, monkeypatch):
    import generator.site.plan

    monkeypatch.setattr(generator.site.plan, "YEAR_PAGE_ROWS", 1)
    plan, _ = plan_site(make_site(tmp_path))
    assert plan.year_offices[2023] == ("hehualu", "quzhengfu")
    assert plan.year_pages(2023) == 2 and plan.year_pages(2021) == 1
    assert [plan.year_page_offices(2023, n) for n in (1, 2)] == [("hehualu",), ("quzhengfu",)]
    urls = {p.url: p for p in plan.pages if p.year == 2023 and p.kind == "year"}
    assert set(urls) == {"years/2023/index.html", "years/2023/page-2/index.html"}
    assert urls["years/2023/page-2/index.html"].number == 2
