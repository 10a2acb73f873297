"""The site plan: every file the build writes, its URL, how it is made and the inputs it depends on.

The plan is pure data computed from the site's listing (site.yaml, offices, report file names), before
any report is read. URLs are a public interface: keep them stable. Besides its `inputs`, every page
made from a template depends on the layouts (the template, the templates it includes, static files).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from operator import attrgetter
from typing import NamedTuple

from ..model.findings import Finding, Position, error
from ..model.format import format_for_year
from ..read.files import SITE_FILE
from ..read.site import Office, Site

HOME = "index.html"
NOT_FOUND = "404.html"
ROBOTS = "robots.txt"
SITEMAP = "sitemap.xml"
FEED = "feed.xml"
ACCESSIBILITY = "accessibility/index.html"
REPORTS_CSV = "data/reports.csv"
DATAPACKAGE = "data/datapackage.json"
STATUS = "status/index.html"  # 发布情况: every office's publication status per year, as of a date
STATUS_CSV = "status/status.csv"
SCHEMA = "data/report.schema.json"  # the JSON Schema of report files, for anyone publishing data like ours
STATIC_DIR = "static"
YEAR_PAGE_ROWS = 500  # reports listed on one year page (a page of 500 rows is about 250 KB)
MARKER = ".gongkai-output"  # marks a folder made by `gongkai build`, which a build may replace
INDEX_DIR = "pagefind"  # the search index and pagefind.js, in the output (made by build/search.py)
SEARCH = "search/index.html"
SEARCH_SCRIPT = "search.js"  # a static file of the search page: copied only with `search: true`

# First path segments the site itself uses: an office folder of that name would collide.
RESERVED = ("accessibility", "data", "pagefind", "search", "static", "status", "years")

# Page kinds made per report, per office and once per site. Report and office pages are made
# office by office (see build.py); site pages from the per-report summaries afterwards.
REPORT_KINDS = ("report", "report_json", "report_csv", "report_docx")  # report_docx: when site.yaml asks
SITEMAP_KIND = "sitemap"
TEMPLATES = {
    "report": "report.html",
    "office": "office.html",
    "year": "year.html",
    "home": "home.html",
    "accessibility": "accessibility.html",
    "status": "status.html",
    "not_found": "404.html",
    "feed": "feed.xml",
    "sitemap": "sitemap.xml",
    "robots": "robots.txt",
    "search": "search.html",
    "summary": "summary.html",
}
SUMMARY_KINDS = ("summary", "summary_csv", "summary_json")  # an office's 下级汇总 of a year (regions.py)


def report_url(office: str, year: int) -> str:
    """A report's page: <office>/<year>/index.html."""
    return f"{office}/{year}/index.html"


def is_report_url(url: str) -> bool:
    """Whether a URL of the site is a report page's (<office>/<year>/index.html)."""
    office, _, rest = url.partition("/")
    return office not in RESERVED and len(rest) == 15 and rest[:4].isdigit() and rest[4:] == "/index.html"


def report_json_url(office: str, year: int) -> str:
    """A report's values and texts as JSON, beside its page."""
    return f"{office}/{year}/report.json"


def report_csv_url(office: str, year: int) -> str:
    """A report's tables as CSV, a line per cell, beside its page."""
    return f"{office}/{year}/report.csv"


def summary_url(office: str, year: int) -> str:
    """An office's 下级汇总 of a year (its child offices' reports added up): <office>/<year>/summary/."""
    return f"{office}/{year}/summary/index.html"


def summary_csv_url(office: str, year: int) -> str:
    """The 下级汇总's tables as CSV, a line per cell, beside its page."""
    return f"{office}/{year}/summary/summary.csv"


def summary_json_url(office: str, year: int) -> str:
    """The 下级汇总's tables as JSON, with which child offices it adds up and which not, beside its page."""
    return f"{office}/{year}/summary/summary.json"


def report_docx_url(office: str, year: int) -> str:
    """A report as a Word document in the national format, beside its page (site.yaml's downloads)."""
    return f"{office}/{year}/report.docx"


def office_url(office: str) -> str:
    """An office's page, listing its reports: <office>/index.html."""
    return f"{office}/index.html"


def year_url(year: int, number: int = 1) -> str:
    """A year's page of reports: the first at years/<year>/index.html, then page-2/, page-3/, …"""
    return f"years/{year}/index.html" if number == 1 else f"years/{year}/page-{number}/index.html"


def year_csv_url(year: int) -> str:
    """A year's reports as CSV, a line per report with its headline figures."""
    return f"years/{year}/reports.csv"


def year_page_rows(number: int) -> slice:
    """Which of a year's offices (sorted by slug) its page `number` lists."""
    return slice((number - 1) * YEAR_PAGE_ROWS, number * YEAR_PAGE_ROWS)


def static_url(name: str) -> str:
    """A file of the layouts' static/ folder, as the site serves it."""
    return f"{STATIC_DIR}/{name}"


def root_of(url: str) -> str:
    """The relative prefix from a page back to the site root: "" at the top, "../../" two folders down."""
    return "../" * url.count("/")


class Page(NamedTuple):  # a NamedTuple: a plan has a page per file of the site, 65,000 for 20,000 reports
    """A file the build writes: its URL, its kind, the site files it is made from, and whose it is."""

    url: str  # the output file, relative to the output folder, "/"-separated
    kind: str
    inputs: tuple[str, ...] = ()  # site files (relative to the site folder) the page is made from
    office: str = ""
    year: int = 0
    number: int = 0  # a year page's number among the pages of its year, from 1

    @property
    def template(self) -> str:
        """The layout that renders the page's kind ("" for a file not made from a template: CSV, JSON, Word)."""
        return TEMPLATES.get(self.kind, "")


@dataclass(frozen=True)
class Plan:
    """Every page of the site. An office's pages are listed when first asked for: a build that finds an
    office unchanged asks for its office page alone (see build.py), and 65,000 pages cost a tenth of
    a second to make."""

    offices: tuple[str, ...]  # office slugs with pages, sorted
    years: tuple[int, ...]  # years with at least one report file, newest first
    children: dict[str, tuple[str, ...]] = field(hash=False)  # office slug -> its child offices' slugs, sorted
    year_offices: dict[int, tuple[str, ...]] = field(hash=False, default_factory=dict)  # offices with a report file
    index_pages: tuple[Page, ...] = ()  # the pages made once per site, sorted by url
    office_files: dict[str, tuple[Office, tuple[str, ...]]] = field(hash=False, default_factory=dict, repr=False)
    as_of: date | None = None  # the date the status page is computed for (its key names it)
    docx: bool = False  # report.docx beside each report page (site.yaml's downloads)
    _made: dict[str, tuple[Page, ...]] = field(hash=False, default_factory=dict, repr=False, compare=False)
    _office_page: dict[str, Page] = field(hash=False, default_factory=dict, repr=False, compare=False)

    def year_page_offices(self, year: int, number: int) -> tuple[str, ...]:
        """The offices whose reports a year page lists (some may be missing: unreadable reports are left out)."""
        return self.year_offices.get(year, ())[year_page_rows(number)]

    def year_pages(self, year: int) -> int:
        """How many pages the year's list of reports takes (one at least)."""
        return max(1, -(-len(self.year_offices.get(year, ())) // YEAR_PAGE_ROWS))

    def office_page(self, office: str) -> Page:
        """The office's page, made from every file any page of the office is made from: an unchanged
        office page means an unchanged office (build.py relies on it)."""
        page = self._office_page.get(office)
        if page is None:
            found, relatives = self.office_files[office]
            inputs = (SITE_FILE, _content(office, "office.yaml"), *relatives, *_report_files(found))
            page = self._office_page[office] = Page(office_url(office), "office", inputs, office)
        return page

    def office_pages(self, office: str) -> tuple[Page, ...]:
        """The office's pages, sorted by url."""
        made = self._made.get(office)
        if made is None and office in self.office_files:
            made = self._made[office] = _office_pages(self.office_page(office), self.office_files[office][0], self.docx)
        return made or ()

    def site_pages(self) -> tuple[Page, ...]:
        """The pages made once per site, not office by office (home, years, 下级汇总, data, static files), by url."""
        return self.index_pages

    @cached_property
    def pages(self) -> tuple[Page, ...]:
        """Every page, sorted by url."""
        every = [page for office in self.offices for page in self.office_pages(office)]
        return tuple(sorted(every + list(self.index_pages), key=attrgetter("url")))

    def urls(self) -> frozenset[str]:
        """Every page's URL."""
        return frozenset(p.url for p in self.pages)


def _content(office: str, name: str) -> str:
    return f"content/{office}/{name}"


def _report_files(office: Office) -> list[str]:
    return [_content(office.slug, f"{year}.yaml") for year, _ in office.report_files]


def _office_pages(office_page: Page, office: Office, docx: bool = False) -> tuple[Page, ...]:
    slug = office.slug
    office_file = _content(slug, "office.yaml")
    report_files = _report_files(office)
    pages = [office_page]
    for index, (year, _) in enumerate(office.report_files):
        # The previous report feeds cross-year rules; the page links to the nearest years whose
        # reports could be read, which any other report file of the office may decide.
        inputs = (SITE_FILE, office_file, *report_files)
        pages.append(Page(report_url(slug, year), "report", inputs, slug, year))
        data_inputs = (SITE_FILE, office_file, report_files[index], *report_files[max(0, index - 1) : index])
        pages.append(Page(report_json_url(slug, year), "report_json", data_inputs, slug, year))
        pages.append(Page(report_csv_url(slug, year), "report_csv", data_inputs, slug, year))
        if docx:
            pages.append(Page(report_docx_url(slug, year), "report_docx", data_inputs, slug, year))
    return tuple(sorted(pages, key=attrgetter("url")))


def _extra_pages(
    extra_files: dict[str, str], pages: list[Page], slugs: list[str], findings: list[Finding]
) -> list[Page]:
    """The pages of the site's extra/ files: none may take the place of a page, or of a folder, of the site."""
    taken = {page.url for page in pages} | {MARKER}
    folders = {*slugs, *RESERVED, *(page.url.partition("/")[0] for page in pages if "/" in page.url)}
    extra = []
    for name, source in sorted(extra_files.items()):
        if name in taken or name.partition("/")[0] in folders:
            message = f"extra 中的 {name} 会替换网站生成的页面或目录，未发布；请改名或移到别的目录"
            findings.append(error(Position(source), message))
        else:
            extra.append(Page(name, "static", (source,)))
    return extra


def _summary_pages(site: Site, children: dict[str, list[str]]) -> list[Page]:
    """An office's 下级汇总 of each year a child office has a report file of, in a format with tables.
    Made once per site from the children's tallies (build.py), like the index pages: a child's
    report changes its parent's summary of that year, not its parent's own pages."""
    made = []
    for parent, kids in children.items():
        years = {year for kid in kids for year, _ in site.offices[kid].report_files}
        for year in sorted(years):
            fmt = format_for_year(year)
            if fmt is None or not fmt.tables:
                continue
            made.append(Page(summary_url(parent, year), "summary", (SITE_FILE,), parent, year))
            made.append(Page(summary_csv_url(parent, year), "summary_csv", (SITE_FILE,), parent, year))
            made.append(Page(summary_json_url(parent, year), "summary_json", (SITE_FILE,), parent, year))
    return made


def plan_site(
    site: Site,
    static_files: dict[str, str] | None = None,
    extra_files: dict[str, str] | None = None,
    as_of: date | None = None,
) -> tuple[Plan, list[Finding]]:
    """Every page of the site; offices whose folder name the site reserves are left out with an error.
    `as_of`: the date the status page is computed for (default: today).

    `static_files` maps each static file's name (under static/) to the file it is copied from;
    `extra_files` each file of the site's extra/ folder, published at the root under its name there,
    unless it would replace or stand in the folder of a page the site makes (an error then).
    Index pages (home, year pages, feed, data files, sitemap) name site.yaml alone as their input:
    they are made from the summaries of the offices' reports, and their keys say which (build.py).
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

    slugs = {o.slug for o in offices}
    children: dict[str, list[str]] = defaultdict(list)
    relatives: dict[str, list[str]] = defaultdict(list)  # an office page names its parent and children
    for office in offices:
        if office.parent in slugs:
            children[office.parent].append(office.slug)
            relatives[office.slug].append(_content(office.parent, "office.yaml"))
            relatives[office.parent].append(_content(office.slug, "office.yaml"))
    by_year: dict[int, list[str]] = defaultdict(list)  # year -> offices with a report file of that year
    for office in offices:
        for year, _ in office.report_files:
            by_year[year].append(office.slug)

    pages: list[Page] = []
    for year, year_slugs in by_year.items():
        # A year page lists the reports of up to YEAR_PAGE_ROWS offices (a fixed range of the year's
        # offices by slug); every page says how many reports the year has, and links to the others.
        for number in range(1, max(1, -(-len(year_slugs) // YEAR_PAGE_ROWS)) + 1):
            pages.append(Page(year_url(year, number), "year", (SITE_FILE,), year=year, number=number))
        pages.append(Page(year_csv_url(year), "year_csv", (SITE_FILE,), year=year))
    pages += _summary_pages(site, children)
    pages += [
        Page(HOME, "home", (SITE_FILE,)),
        Page(ACCESSIBILITY, "accessibility", (SITE_FILE,)),
        Page(STATUS, "status", (SITE_FILE,)),
        Page(STATUS_CSV, "status_csv", (SITE_FILE,)),
        Page(NOT_FOUND, "not_found", (SITE_FILE,)),
        Page(ROBOTS, "robots", (SITE_FILE,)),
        Page(FEED, "feed", (SITE_FILE,)),
        Page(REPORTS_CSV, "reports_csv", (SITE_FILE,)),
        Page(DATAPACKAGE, "datapackage", (SITE_FILE,)),
        Page(SCHEMA, "schema", ()),
    ]
    if site.settings.base_url:
        pages.append(Page(SITEMAP, SITEMAP_KIND, (SITE_FILE,)))
    if site.settings.search:
        pages.append(Page(SEARCH, "search", (SITE_FILE,)))
    statics = {
        name: source for name, source in (static_files or {}).items() if site.settings.search or name != SEARCH_SCRIPT
    }
    pages += [Page(static_url(name), "static", (source,)) for name, source in sorted(statics.items())]
    if extra_files:
        pages += _extra_pages(extra_files, pages, [o.slug for o in offices], findings)
    plan = Plan(
        offices=tuple(o.slug for o in offices),
        years=tuple(sorted(by_year, reverse=True)),
        children={parent: tuple(sorted(kids)) for parent, kids in sorted(children.items())},
        year_offices={year: tuple(year_slugs) for year, year_slugs in by_year.items()},
        index_pages=tuple(sorted(pages, key=attrgetter("url"))),
        office_files={o.slug: (o, tuple(sorted(relatives[o.slug]))) for o in offices},
        as_of=as_of or date.today(),
        docx="docx" in site.settings.downloads,
    )
    return plan, findings
