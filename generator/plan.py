"""The site plan: every file the build writes, its URL, how it is made and the inputs it depends on.

The plan is pure data computed from the site's listing (site.yaml, offices, report file names), before
any report is read. URLs are a public interface: keep them stable. Besides its `inputs`, every page
made from a template depends on the layouts (the template, the templates it includes, static files).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import NamedTuple

from .findings import Finding, Position, error
from .site import Office, Site

HOME = "index.html"
NOT_FOUND = "404.html"
ROBOTS = "robots.txt"
SITEMAP = "sitemap.xml"
FEED = "feed.xml"
ACCESSIBILITY = "accessibility/index.html"
REPORTS_CSV = "data/reports.csv"
DATAPACKAGE = "data/datapackage.json"
SCHEMA = "data/report.schema.json"  # the JSON Schema of report files, for anyone publishing data like ours
STATIC_DIR = "static"
YEAR_PAGE_ROWS = 500  # reports listed on one year page (a page of 500 rows is about 250 KB)
MARKER = ".gongkai-output"  # marks a folder made by `gongkai build`, which a build may replace
SITE_FILE = "site.yaml"

# First path segments the site itself uses: an office folder of that name would collide.
RESERVED = ("accessibility", "data", "static", "years")

# Page kinds made per report, per office and once per site. Report and office pages are made
# office by office (see build.py); site pages from the per-report summaries afterwards.
REPORT_KINDS = ("report", "report_json", "report_csv")
SITEMAP_KIND = "sitemap"
TEMPLATES = {
    "report": "report.html",
    "office": "office.html",
    "year": "year.html",
    "home": "home.html",
    "accessibility": "accessibility.html",
    "not_found": "404.html",
    "feed": "feed.xml",
    "sitemap": "sitemap.xml",
    "robots": "robots.txt",
}


def report_url(office: str, year: int) -> str:
    return f"{office}/{year}/index.html"


def report_json_url(office: str, year: int) -> str:
    return f"{office}/{year}/report.json"


def report_csv_url(office: str, year: int) -> str:
    return f"{office}/{year}/report.csv"


def office_url(office: str) -> str:
    return f"{office}/index.html"


def year_url(year: int, number: int = 1) -> str:
    """A year's page of reports: the first at years/<year>/index.html, then page-2/, page-3/, …"""
    return f"years/{year}/index.html" if number == 1 else f"years/{year}/page-{number}/index.html"


def year_csv_url(year: int) -> str:
    return f"years/{year}/reports.csv"


def static_url(name: str) -> str:
    return f"{STATIC_DIR}/{name}"


def root_of(url: str) -> str:
    """The relative prefix from a page back to the site root: "" at the top, "../../" two folders down."""
    return "../" * url.count("/")


class Page(NamedTuple):  # a NamedTuple: a plan has a page per file of the site, 65,000 for 20,000 reports
    url: str  # the output file, relative to the output folder, "/"-separated
    kind: str
    inputs: tuple[str, ...] = ()  # site files (relative to the site folder) the page is made from
    office: str = ""
    year: int = 0
    number: int = 0  # a year page's number among the pages of its year, from 1

    @property
    def template(self) -> str:
        return TEMPLATES.get(self.kind, "")


@dataclass(frozen=True)
class Plan:
    pages: tuple[Page, ...]  # sorted by url
    offices: tuple[str, ...]  # office slugs with pages, sorted
    years: tuple[int, ...]  # years with at least one report file, newest first
    children: dict[str, tuple[str, ...]] = field(hash=False)  # office slug -> its child offices' slugs, sorted
    year_offices: dict[int, tuple[str, ...]] = field(hash=False, default_factory=dict)  # offices with a report file

    def year_page_offices(self, year: int, number: int) -> tuple[str, ...]:
        """The offices whose reports a year page lists (some may be missing: unreadable reports are left out)."""
        return self.year_offices.get(year, ())[(number - 1) * YEAR_PAGE_ROWS : number * YEAR_PAGE_ROWS]

    def year_pages(self, year: int) -> int:
        return max(1, -(-len(self.year_offices.get(year, ())) // YEAR_PAGE_ROWS))

    def office_pages(self, office: str) -> tuple[Page, ...]:
        return self._by_office.get(office, ())

    @cached_property
    def _by_office(self) -> dict[str, tuple[Page, ...]]:
        grouped: dict[str, list[Page]] = defaultdict(list)
        for page in self.pages:
            grouped[page.office].append(page)
        return {office: tuple(pages) for office, pages in grouped.items()}

    def site_pages(self) -> tuple[Page, ...]:
        return self._by_office.get("", ())

    def urls(self) -> frozenset[str]:
        return frozenset(p.url for p in self.pages)


def _content(office: str, name: str) -> str:
    return f"content/{office}/{name}"


def plan_site(site: Site, static_files: dict[str, str] | None = None) -> tuple[Plan, list[Finding]]:
    """Every page of the site; offices whose folder name the site reserves are left out with an error.

    `static_files` maps each static file's name (under static/) to the file it is copied from.
    """
    findings: list[Finding] = []
    offices: list[Office] = []
    for office in site.offices.values():
        if office.slug in RESERVED:
            findings.append(
                error(
                    Position(f"content/{office.slug}"),
                    f"机关目录名“{office.slug}”与网站自用的目录重名（{'、'.join(RESERVED)}）；请改名，如 {office.slug}-office",
                )
            )
        else:
            offices.append(office)

    pages: list[Page] = []
    by_year: dict[int, list[tuple[str, str, str]]] = defaultdict(list)  # year -> (office, office file, report file)
    everything = [SITE_FILE]
    slugs = {o.slug for o in offices}
    children: dict[str, list[str]] = defaultdict(list)
    relatives: dict[str, list[str]] = defaultdict(list)  # an office page names its parent and children
    for office in offices:
        if office.parent in slugs:
            children[office.parent].append(office.slug)
            relatives[office.slug].append(_content(office.parent, "office.yaml"))
            relatives[office.parent].append(_content(office.slug, "office.yaml"))
    for office in offices:
        office_file = _content(office.slug, "office.yaml")
        years = [year for year, _ in office.report_files]
        report_files = [_content(office.slug, f"{year}.yaml") for year in years]
        everything += [office_file] + report_files
        # The office page is made from every file any page of the office is made from: an unchanged
        # office page means an unchanged office (build.py relies on it).
        inputs = (SITE_FILE, office_file, *sorted(relatives[office.slug]), *report_files)
        pages.append(Page(office_url(office.slug), "office", inputs, office.slug))
        for index, year in enumerate(years):
            by_year[year].append((office.slug, office_file, report_files[index]))
            # The previous report feeds cross-year rules; the page links to the nearest years whose
            # reports could be read, which any other report file of the office may decide.
            inputs = (SITE_FILE, office_file, *report_files)
            pages.append(Page(report_url(office.slug, year), "report", inputs, office.slug, year))
            data_inputs = (SITE_FILE, office_file, report_files[index], *report_files[max(0, index - 1) : index])
            pages.append(Page(report_json_url(office.slug, year), "report_json", data_inputs, office.slug, year))
            pages.append(Page(report_csv_url(office.slug, year), "report_csv", data_inputs, office.slug, year))

    year_offices = {year: tuple(slug for slug, _, _ in files) for year, files in by_year.items()}
    for year, files in by_year.items():
        # A year page lists the reports of up to YEAR_PAGE_ROWS offices (a fixed range of the year's
        # offices by slug); every page says how many reports the year has, and links to the others.
        every = (SITE_FILE, *sorted(f for _, office_file, report_file in files for f in (office_file, report_file)))
        for number in range(1, max(1, -(-len(files) // YEAR_PAGE_ROWS)) + 1):
            pages.append(Page(year_url(year, number), "year", every, year=year, number=number))
        pages.append(Page(year_csv_url(year), "year_csv", every, year=year))
    everything = tuple(sorted(everything))
    pages += [
        Page(HOME, "home", everything),
        Page(ACCESSIBILITY, "accessibility", (SITE_FILE,)),
        Page(NOT_FOUND, "not_found", (SITE_FILE,)),
        Page(ROBOTS, "robots", (SITE_FILE,)),
        Page(FEED, "feed", everything),
        Page(REPORTS_CSV, "reports_csv", everything),
        Page(DATAPACKAGE, "datapackage", everything),
        Page(SCHEMA, "schema", ()),
    ]
    if site.settings.base_url:
        pages.append(Page(SITEMAP, SITEMAP_KIND, everything))
    pages += [Page(static_url(name), "static", (source,)) for name, source in sorted((static_files or {}).items())]
    plan = Plan(
        pages=tuple(sorted(pages, key=attrgetter("url"))),
        offices=tuple(o.slug for o in offices),
        years=tuple(sorted(by_year, reverse=True)),
        children={parent: tuple(sorted(kids)) for parent, kids in sorted(children.items())},
        year_offices=year_offices,
    )
    return plan, findings
