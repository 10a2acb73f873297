"""The index pages, made once per site from the offices' summaries: home, year pages, the 下级汇总
(summary) pages of offices with child offices, feed, sitemap, data files, static files.
May import the layers below build, and build.csvlines, build.manifest."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..model.findings import Finding, GongkaiError
from ..read.schema import schema_text
from ..read.settings import Settings
from ..read.site import Office, Site
from ..render import export, pages
from ..render.renderer import Renderer
from ..site import plan, regions
from ..site.regions import Tally  # a data record of the site layer
from ..site.summaries import ReportSummary, used_headlines  # a data record of the site layer
from .csvlines import ReportLines
from .keys import PageInputs, index_digests, page_key, site_page_key
from .manifest import OfficeRecord, digest
from .outputs import write_file

if TYPE_CHECKING:
    from concurrent.futures import Future


class Regions:
    """The 下级汇总 of offices with child offices, each made from the children's tallies when first asked for."""

    def __init__(self, site: Site, site_plan: plan.Plan, records: dict[str, OfficeRecord]) -> None:
        self.site = site
        self.plan = site_plan
        self.records = records
        self.made: dict[tuple[str, int], regions.Region] = {}
        self.summed: regions.Region | None = None  # the region whose sums the last page made used
        self.facts_made: dict[tuple[str, int], bytes] = {}

    def tally(self, slug: str, year: int) -> Tally | None:
        """What an office's report of the year gives its parent's summary; None without a record."""
        record = self.records.get(slug)
        return record.tallies.get(year) if record is not None else None

    def get(self, office: str, year: int) -> regions.Region:
        """The office's region of the year (made once)."""
        area = self.made.get((office, year))
        if area is None:
            kids = [(kid, self.site.offices[kid].name, self.tally(kid, year)) for kid in self.listed(office)]
            area = self.made[(office, year)] = regions.region(office, year, kids)
        return area

    def listed(self, office: str) -> list[str]:
        """The office's children that are published: an office whose every report is a draft is in no region."""
        return [kid for kid in self.plan.children.get(office, ()) if plan.office_url(kid) in self.records[kid].written]

    def summaries(self, slug: str) -> dict[int, ReportSummary]:
        """An office's report summaries, by year."""
        record = self.records.get(slug)
        return {s.year: s for s in record.summaries} if record is not None else {}

    @functools.cached_property
    def years(self) -> dict[str, list[int]]:
        """The years of each office's summary pages."""
        years: dict[str, list[int]] = {}
        for page in self.plan.site_pages():
            if page.kind == "summary":
                years.setdefault(page.office, []).append(page.year)
        return years

    def trend(self, office: str) -> list[ReportSummary]:
        """The office's region over the years: each year's headline figures summed over the children summed."""
        rows = []
        for year in self.years.get(office, ()):
            area = self.get(office, year)
            kids = [s for c in area.included if (s := self.summaries(c.slug).get(year)) is not None]
            if not kids:
                continue
            headlines = []
            for hid, _ in used_headlines(kids):
                figures = [value for s in kids if (value := s.headline(hid)) is not None]
                headlines.append((hid, sum(figures) if figures else None))
            name = self.site.offices[office].name
            rows.append(ReportSummary(office, name, year, area.format_id, None, tuple(headlines), 0, 0))
        return rows

    @functools.cache  # noqa: B019 (one Regions per build)
    def trend_facts(self, office: str) -> bytes:
        """What the office's trend is made from: its children's summaries (their digests), and which of
        their reports are summed."""
        parts = []
        for kid in self.plan.children.get(office, ()):
            record = self.records.get(kid)
            if record is not None:
                summed = sorted((year, t.state, t.format_id) for year, t in record.tallies.items())
                parts.append((kid, sorted(record.year_digests.items()), summed))
        return digest(repr(parts).encode())

    def facts(self, office: str, year: int, written: set[str], trend: bool = False) -> bytes:
        """All a summary's files show: the office and its children, their tallies and summaries (by their
        digests) of the year and the year before (for the change from last year), which offices have a page.
        (Plain tuples of strings: their repr is quick, a NamedTuple's is not.) Worked out once for a
        region's three files."""
        made = self.facts_made.get((office, year))
        if made is None:
            made = self.facts_made[(office, year)] = self._facts(office, year, written)
        return made + self.trend_facts(office) if trend else made

    def _facts(self, office: str, year: int, written: set[str]) -> bytes:
        parts: list = [(office, self.site.offices[office].name, plan.office_url(office) in written)]
        for kid in self.plan.children.get(office, ()):
            record = self.records.get(kid)
            digests = record.year_digests if record is not None else {}
            item = self.tally(kid, year)
            shown = (digests.get(year), digests.get(year - 1), plan.office_url(kid) in written)
            parts.append((kid, self.site.offices[kid].name, tuple(item) if item else None, shown))
        return repr(parts).encode()

    def page(self, page: plan.Page, renderer: Renderer, written: set[str]) -> bytes | str:
        """One file of a summary page (its page, CSV or JSON); `written`: the pages the output has."""
        office = self.site.offices[page.office]
        area = self.get(page.office, page.year)
        if self.summed is not area:  # a region's three files are made one after the other: keep one region's sums
            if self.summed is not None:
                self.summed.forget()
            self.summed = area
        report = pages.summary_report(area, office)
        if page.kind == "summary_csv":
            return export.report_csv(report, office)
        if page.kind == "summary_json":
            return export.summary_json(area, report, office)
        rows = [
            (self.summaries(c.slug).get(page.year), self.summaries(c.slug).get(page.year - 1)) for c in area.included
        ]
        linked = {
            slug for slug in (page.office, *self.plan.children.get(page.office, ())) if plan.office_url(slug) in written
        }
        views = [renderer.table_view(table, report) for table in report.format.tables.values()]
        context = pages.summary_context(self.site.settings, office, area, report, rows, views, linked)
        context["charts"] = charts = pages.trend_charts(self.trend(page.office), "region-trend")
        by_year = [{bar.year: bar.value for bar in chart.bars} for chart in charts]
        context["trend_rows"] = [(year, [b.get(year, "—") for b in by_year]) for year in sorted(set().union(*by_year))]
        return renderer.render(page.template, context)

    def check(self) -> list[Finding]:
        """Every 汇总 report against its children (see regions.check_summed_reports)."""
        tallies = {slug: record.tallies for slug, record in self.records.items() if record.tallies}
        names = {slug: self.site.offices[slug].name for slug in self.records}
        return regions.check_summed_reports(tallies, self.plan.children, names)


def site_page(
    page: plan.Page,
    site: Site,
    site_plan: plan.Plan,
    years: tuple[int, ...],
    renderer: Renderer,
    summaries: list[ReportSummary],
    by_year: dict[int, list[ReportSummary]],
    written: set[str],
    lines: ReportLines,
) -> bytes | str:
    """One page made once per site (home, feed, data files, static files) from the summaries."""
    settings = site.settings
    if page.kind == "static":
        return Path(site.root, page.inputs[0]).read_bytes()
    if page.kind == "reports_csv":
        return export.reports_csv(summaries, lines.headlines, lines.every())
    if page.kind == "year_csv":
        rows = by_year.get(page.year, [])
        headlines = used_headlines(rows)
        return export.reports_csv(rows, headlines, lines.of_year(rows) if headlines == lines.headlines else None)
    if page.kind == "datapackage":
        return export.datapackage(settings, lines.headlines)
    if page.kind == "schema":
        return schema_text()
    if page.kind == "status_csv":
        offices = public_offices(site, site_plan, written)
        return export.status_csv(pages.publication_statuses(settings, offices, summaries, site_plan.as_of))
    if page.kind == "home":
        summary_pages = [p for p in site_plan.site_pages() if p.kind == "summary" and p.url in written]
        regions_shown = [(site.offices[p.office].name, p.year, p.url) for p in summary_pages]
        offices = public_offices(site, site_plan, written)
        context = pages.home_context(settings, offices, summaries, years, regions_shown)
    elif page.kind == "status":
        offices = public_offices(site, site_plan, written)
        context = pages.status_context(settings, offices, summaries, site_plan.as_of)
    elif page.kind == "search":
        context = pages.search_context(settings, public_offices(site, site_plan, written), years)
    elif page.kind == "accessibility":
        context = pages.accessibility_context(settings)
    elif page.kind == "not_found":
        context = pages.not_found_context(settings)
    elif page.kind == "robots":
        context = pages.robots_context(settings)
    elif page.kind == "feed":
        context = pages.feed_context(settings, summaries)
    elif page.kind == plan.SITEMAP_KIND:
        context = pages.sitemap_context(settings, sorted(written))
    else:
        raise ValueError(f"no way to make {page}")
    return renderer.render(page.template, context)


def public_offices(site: Site, site_plan: plan.Plan, written: set[str]) -> list[Office]:
    """The offices the site shows: those with a page (an office whose reports are all drafts has none)."""
    return [site.offices[slug] for slug in site_plan.offices if plan.office_url(slug) in written]


# A year page to make: the page, the reports it lists, the site's years, the year's pages and reports.
# The offices' reports of the year before, and the year's comparisons (its first page's).
YearPageJob = tuple[
    plan.Page,
    list[ReportSummary],
    tuple[int, ...],
    int,
    int,
    list[tuple[str, str]],
    dict[str, ReportSummary],
    pages.YearComparison | None,
]


def year_page(
    settings: Settings,
    renderer: Renderer,
    page: plan.Page,
    rows: list[ReportSummary],
    years: tuple[int, ...],
    pages_count: int,
    count: int,
    summaries: list[tuple[str, str]] = (),
    last: dict[str, ReportSummary] | None = None,
    compared: pages.YearComparison | None = None,
) -> str:
    """A year page (or one page of a year) listing `rows`, the reports of its offices."""
    context = pages.year_context(
        settings, page.year, rows, years, page.number, pages_count, count, summaries, last, compared
    )
    return renderer.render(page.template, context)


class IndexPages(NamedTuple):
    """What making the index pages leaves for the rest of the build."""

    made: list[str]  # urls written into the staging folder
    site_pages: tuple[str, ...]  # urls of the pages made once per site that the output has
    written: set[str]  # every page in the output after this build
    reports: int  # reports published
    findings: list[Finding]  # of the 汇总 reports against their children
    lines: ReportLines


def make_index_pages(
    inputs: PageInputs,
    staging: Path,
    records: dict[str, OfficeRecord],
    keys: dict[str, bytes],
    submit: Callable[[YearPageJob], Future] | None = None,
) -> IndexPages:
    """Make the pages made once per site whose key changed (noted in `keys`) into `staging`, from the
    offices' records. `submit`: hands a year page to a worker process (see workers.year_page_job);
    those no worker has begun when the rest are made are made here."""
    site, site_plan, renderer, base, files, previous = (
        inputs.site, inputs.plan, inputs.renderer, inputs.base, inputs.files, inputs.previous
    )  # fmt: skip
    made: list[str] = []
    summaries = [s for record in records.values() for s in record.summaries]
    by_year: dict[int, list[ReportSummary]] = {}
    for summary in summaries:
        by_year.setdefault(summary.year, []).append(summary)
    counts = {year: len(rows) for year, rows in by_year.items()}
    years = tuple(year for year in site_plan.years if counts.get(year))  # a year of drafts only has no page
    lines = ReportLines(records, summaries, previous)
    digests = index_digests(site_plan, records)
    written = {url for record in records.values() for url in record.written}
    areas = Regions(site, site_plan, records)
    site_pages = tuple(
        p
        for p in site_plan.site_pages()
        if (p.kind not in ("year", "year_csv") or p.year in years)
        and (p.kind not in plan.SUMMARY_KINDS or areas.get(p.office, p.year).included)
    )
    written |= {page.url for page in site_pages}
    public = written.difference(url for record in records.values() for url in record.drafts)
    # A year's first page lists the 下级汇总 of that year (office name, url): the way to each summary page.
    summary_links: dict[int, list[tuple[str, str]]] = {}
    for p in site_pages:
        if p.kind == "summary":
            summary_links.setdefault(p.year, []).append((site.offices[p.office].name, p.url))

    def shown(page: plan.Page) -> list[tuple[str, str]]:
        return summary_links.get(page.year, []) if page.kind == "year" and page.number == 1 else []

    elsewhere = []  # year pages made by the worker processes meanwhile: handed out first
    for page in sorted(site_pages, key=lambda page: page.kind != "year"):
        if page.kind == "static":
            key = page_key(b"", page, files)
        elif page.kind in plan.SUMMARY_KINDS:
            key = digest(
                base,
                page.url.encode(),
                files(plan.SITE_FILE),
                areas.facts(page.office, page.year, public, page.kind == "summary"),
            )
        else:
            key = site_page_key(base, page, site_plan, years, files, digests, counts, repr(shown(page)))
        keys[page.url] = key
        if previous is not None and previous.pages.get(page.url) == key:
            continue
        made.append(page.url)
        if page.kind == "year":
            listed = set(site_plan.year_page_offices(page.year, page.number))
            rows = [s for s in by_year.get(page.year, []) if s.office in listed]
            before = {s.office: s for s in by_year.get(page.year - 1, [])}
            last = {s.office: before[s.office] for s in rows if s.office in before}
            compared = pages.year_comparison(by_year[page.year], before) if page.number == 1 else None
            job = (page, rows, years, site_plan.year_pages(page.year), counts.get(page.year, 0), shown(page))
            job += (last, compared)
            if submit is not None:
                elsewhere.append((submit(job), job))
            else:
                write_file(staging, page.url, year_page(site.settings, renderer, *job))
            continue
        if page.kind in plan.SUMMARY_KINDS:
            write_file(staging, page.url, areas.page(page, renderer, public))
            continue
        write_file(
            staging, page.url, site_page(page, site, site_plan, years, renderer, summaries, by_year, public, lines)
        )
    for future, job in reversed(elsewhere):  # the last ones no worker has begun are made here meanwhile
        if future.cancel():
            write_file(staging, job[0].url, year_page(site.settings, renderer, *job))
    for future, _ in elsewhere:
        if not future.cancelled() and (failure := future.result()):
            raise GongkaiError(list(failure))

    site_urls = tuple(p.url for p in site_pages)
    return IndexPages(made, site_urls, written, len(summaries), areas.check(), lines)
