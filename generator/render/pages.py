"""What each page shows, as plain values for its template: report pages, office, year and home pages,
trend charts, and offices compared by headline figure (the year page's and a summary page's).

Index pages never see a Report: they are made from small per-report summaries collected while the
reports are read office by office, so a site of any size never holds its reports in memory.
"""

from __future__ import annotations

import heapq
import operator
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from markupsafe import Markup

from ..check import deadlines
from ..check.rules import headline_value
from ..model.collation import name_key
from ..model.findings import Finding, summary_counts
from ..model.format import Format, Label, Table, all_formats, comparable, get_format
from ..model.numbers import format_number
from ..model.offices import OFFICE_KINDS
from ..model.values import INTRO_KEY, Number, Report
from ..read.settings import CONTACT_KEYS, Settings
from ..read.site import Office
from ..site import plan
from ..site.regions import SUMMED  # 汇总: a report of its child offices' sums
from ..site.summaries import ReportSummary, headline_columns, rule_findings, used_headlines
from .renderer import markdown_html
from .tables import TableView, free_table_view, table_view

if TYPE_CHECKING:
    from ..site.regions import Region


# --- what every page has -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Crumb:
    """One step of the breadcrumb trail above a page's title."""

    label: str
    url: str = ""  # "" for the current page


def page_title(title: str, settings: Settings) -> str:
    """The convention of government sites: 「信息标题_网站名称」."""
    return f"{title}_{settings.name}" if title != settings.name else title


def common(settings: Settings, url: str, title: str, crumbs: list[Crumb], meta: list[tuple[str, str]] = ()) -> dict:
    """What every page's template is given: the site, the way back to its root, titles, the `meta` tags
    government sites carry (empty ones left out), breadcrumbs, footer and contact lines."""
    site_meta = [("SiteName", settings.name), ("SiteDomain", settings.domain), ("SiteIDCode", settings.site_id_code)]
    return {
        "site": settings,
        "root": plan.root_of(url),
        "url": url,
        "title": title,
        "head_title": page_title(title, settings),
        "meta": [(name, value) for name, value in [*site_meta, *meta] if value],
        "breadcrumbs": crumbs,
        "footer": footer(settings),
        "contact": contact_lines(settings.contact),
    }


def footer(settings: Settings) -> list[tuple[str, str]]:
    """(label, value) of the site's registration lines in the footer, those given, in a fixed order."""
    lines = [
        ("主办单位", settings.organiser),
        ("网站标识码", settings.site_id_code),
        ("ICP备案号", settings.icp),
        ("公安机关备案号", settings.police_record),
    ]
    return [(label, value) for label, value in lines if value]


def contact_lines(contact: dict[str, str]) -> list[tuple[str, str, str]]:
    """(key, zh label, value) for each contact detail given, in a fixed order."""
    return [(key, label, contact[key]) for key, label in CONTACT_KEYS.items() if contact.get(key)]


def home_crumb() -> Crumb:
    """The first step of every breadcrumb trail: the home page."""
    return Crumb("首页", plan.HOME)


# --- report page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionView:
    """A section of the report page: its heading, its text as HTML and its tables' views."""

    id: str
    heading: str
    html: Markup
    tables: tuple[TableView, ...] = ()


def report_title(summary_name: str, year: int) -> str:
    """A report's title as the national form words it: 「<office>YYYY年政府信息公开工作年度报告」."""
    return f"{summary_name}{year}年政府信息公开工作年度报告"


def web_link(url: str | None) -> str:
    """A URL from content, only if it is a plain web address: anything else is shown as text, never linked."""
    url = (url or "").strip()
    return url if re.fullmatch(r"https?://[^\s\"'<>]+", url, flags=re.IGNORECASE) else ""


def notice_title(notices: list[Finding]) -> str:
    """The heading of a report page's notice of broken rules: how many are errors, how many warnings."""
    errors, warnings = summary_counts(notices)
    if not errors:
        return f"本报告有 {warnings} 项提示"
    title = f"本报告的数据有 {errors} 处不符合勾稽关系"
    return title + (f"，另有 {warnings} 项提示" if warnings else "")


def report_context(
    settings: Settings,
    office: Office,
    report: Report,
    findings: list[Finding],
    years: tuple[int, ...],
    tables: Callable[[Table, Report], TableView] = table_view,
) -> dict:
    """The report page. `years` are the office's published years, for the previous/next links;
    `tables` makes the view of each statistical table (the renderer's is faster)."""
    fmt = report.format
    name = report.office_name or office.name
    title = report_title(name, report.year)
    url = plan.report_url(office.slug, report.year)
    sections = []
    opening = {section.id for section in fmt.sections if section.opening}  # shown above the others, untitled
    for section in fmt.sections:
        if section.kind == "table":
            table = fmt.tables[section.id]
            intro = markdown_html(report.text(f"{table.id}.{INTRO_KEY}"))
            sections.append(SectionView(section.id, section.heading, intro, (tables(table, report),)))
        elif section.kind == "free_tables" and report.free_tables:
            views = tuple(free_table_view(t, f"{section.id}-{n}") for n, t in enumerate(report.free_tables, 1))
            sections.append(SectionView(section.id, section.heading, Markup(""), views))
        elif section.id in report.texts:
            sections.append(SectionView(section.id, section.heading, markdown_html(report.text(section.id))))
    earlier = [y for y in years if y < report.year]
    later = [y for y in years if y > report.year]
    meta = [
        ("ArticleTitle", title),
        ("PubDate", report.published.isoformat() if report.published else ""),
        ("ContentSource", name),
    ]
    crumbs = [home_crumb(), Crumb(office.name, plan.office_url(office.slug)), Crumb(f"{report.year}年度报告")]
    notices = rule_findings(findings)
    page = common(settings, url, title, crumbs, meta)
    if report.draft:  # a draft's tab and bookmarks say so too
        page["head_title"] = f"草稿：{page['head_title']}"
    return {
        **page,
        "table_labels": Markup("".join(view.labels for section in sections for view in section.tables)),
        "office": office,
        "office_name": name,
        "year": report.year,
        "format": fmt,
        "published": report.published,
        "source_url": report.source_url or "",
        "source_link": web_link(report.source_url),
        "preface": next((s for s in sections if s.id in opening), None),
        "sections": [s for s in sections if s.id not in opening],
        "notices": notices,
        "notice_title": notice_title(notices),
        "draft": report.draft,
        "revisions": report.revisions,
        "office_url": plan.office_url(office.slug),
        "previous": (earlier[-1], plan.report_url(office.slug, earlier[-1])) if earlier else None,
        "next": (later[0], plan.report_url(office.slug, later[0])) if later else None,
        "downloads": {
            "csv": plan.report_csv_url(office.slug, report.year),
            "json": plan.report_json_url(office.slug, report.year),
            "docx": plan.report_docx_url(office.slug, report.year) if "docx" in settings.downloads else "",
        },
    }


# --- office, year and home pages -------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A link to a page: its text and its URL from the site's root."""

    name: str
    url: str


def office_link(office: Office) -> Link:
    """A link to an office's page, named as the office."""
    return Link(office.name, plan.office_url(office.slug))


def office_context(
    settings: Settings,
    office: Office,
    parent: Office | None,
    children: list[Office],
    summaries: list[ReportSummary],
    drafts: list[ReportSummary] = (),
) -> dict:
    """The office page: details, contacts, its parent and child offices, every year with its headline
    figures; `drafts` (the preview's and `build --drafts`'s) are listed apart, as drafts."""
    rows = sorted(summaries, key=lambda s: s.year, reverse=True)
    crumbs = [home_crumb(), Crumb(office.name)]
    return {
        **common(settings, plan.office_url(office.slug), office.name, crumbs, [("ContentSource", office.name)]),
        "office": office,
        "kind": OFFICE_KINDS.get(office.kind, ""),
        "parent": office_link(parent) if parent else None,
        "children": [office_link(o) for o in children],
        "office_contact": contact_lines(office.contact),
        "rows": rows,
        "headlines": used_headlines(rows),
        "formats": formats_used(rows),
        "drafts": sorted(drafts, key=lambda s: s.year, reverse=True),
        "charts": trend_charts(rows),
    }


def formats_used(summaries: list[ReportSummary]) -> list[tuple[str, str]]:
    """(format title, years covered) of each format these reports use, newest first; for the comparability note."""
    used = {s.format_id for s in summaries}
    result = []
    for fmt in all_formats().values():
        if fmt.id in used:
            years = sorted(s.year for s in summaries if s.format_id == fmt.id)
            result.append((year_span(years), fmt.title.zh))
    return result


def year_context(
    settings: Settings,
    year: int,
    summaries: list[ReportSummary],
    years: tuple[int, ...],
    number: int = 1,
    pages: int = 1,
    count: int | None = None,
    regions: list[tuple[str, str]] = (),
    last: dict[str, ReportSummary] | None = None,
    compared: YearComparison | None = None,
) -> dict:
    """A year page: offices' reports of the year, in the pinyin order of the names shown (as browsers
    sort Chinese: the page's script sorts by this order too, and re-sorts the page by other columns).
    `regions`: (office name, url) of the year's 下级汇总 pages; `last`: the offices' reports of the year
    before, by office (for the change of the first figure); `compared`: the whole year's comparisons
    (year_comparison), shown on its first page.

    A year of many offices has `pages` pages of at most plan.YEAR_PAGE_ROWS reports; `count` is how many
    reports the whole year has (default: the rows given). Every page links to the year's CSV file.
    """
    rows = sorted(summaries, key=lambda s: (name_key(s.office_name), s.office))
    title = f"{year}年度政府信息公开工作年度报告"
    if pages > 1:
        title += f"（第 {number} 页，共 {pages} 页）"
    url = plan.year_url(year, number)
    crumbs = [home_crumb(), Crumb(f"{year}年度")]
    headlines = used_headlines(rows)
    first, label = headlines[0] if headlines else ("", None)
    labels = list(headlines)  # of the columns after the date, on a phone (table.html: column_labels)
    if label is not None:  # the first figure's change follows it
        labels.insert(1, (f"{first}_change", Label(f"{label.zh}比上年", f"{label.en}: change")))
    last = last or {}
    return {
        **common(settings, url, title, crumbs),
        "year": year,
        "rows": rows,
        "count": len(rows) if count is None else count,
        "headlines": headlines,
        "labels": labels,
        "changes": {s.office: change(first, s, last.get(s.office)) for s in rows},
        "compared": compared,
        "years": [(y, plan.year_url(y)) for y in years],
        "number": number,
        "pages": [(n, plan.year_url(year, n)) for n in range(1, pages + 1)] if pages > 1 else [],
        "csv_url": plan.year_csv_url(year),
        "summaries": list(regions),
    }


@dataclass(frozen=True)
class OfficeNode:
    """An office in the tree of offices (home and office pages), with its reports and child offices."""

    office: Office
    url: str
    reports: tuple[ReportSummary, ...]  # newest first
    children: tuple[OfficeNode, ...]
    hidden: int = 0  # offices under this one not shown (their office page lists them)


def office_tree(
    offices: list[Office], summaries: list[ReportSummary], top_only: bool = False
) -> tuple[OfficeNode, ...]:
    """Offices under their parent office; an office whose parent is missing (or in a loop) is a root.
    `top_only`: the roots alone, each saying how many offices are under it."""
    slugs = {o.slug for o in offices}
    kids: dict[str, list[Office]] = {}
    for office in sorted(offices, key=lambda o: o.slug):
        kids.setdefault(office.parent if office.parent in slugs else "", []).append(office)
    placed: set[str] = set()

    def under(office: Office) -> list[Office]:
        placed.add(office.slug)
        return [kid for kid in kids.get(office.slug, []) if kid.slug not in placed]

    def node(office: Office) -> OfficeNode:
        children = tuple(node(kid) for kid in under(office))
        return OfficeNode(office, plan.office_url(office.slug), reports(office.slug), children)

    def top(office: Office) -> OfficeNode:
        hidden, stack = 0, under(office)
        while stack:
            kid = stack.pop()
            hidden += 1
            stack += under(kid)
        return OfficeNode(office, plan.office_url(office.slug), reports(office.slug), (), hidden)

    grouped: dict[str, list[ReportSummary]] = {}
    for summary in summaries:
        grouped.setdefault(summary.office, []).append(summary)

    def reports(slug: str) -> tuple[ReportSummary, ...]:
        return tuple(sorted(grouped.get(slug, ()), key=lambda s: -s.year))

    make = top if top_only else node
    nodes = [make(office) for office in kids.get("", [])]
    nodes += [make(office) for office in sorted(offices, key=lambda o: o.slug) if office.slug not in placed]
    return tuple(nodes)


HOME_LATEST = 100  # a latest year with more reports lists the most recently published ones (its year page has all)
HOME_OFFICES = 300  # a site with more offices lists the top-level ones (each office page lists its offices)


def site_totals(rows: list[ReportSummary]) -> tuple[list[tuple[Label, Number]], int]:
    """The headline figures of a year's reports added up, and how many reports are left out as 汇总
    reports (their figures are their child offices': adding them would count twice)."""
    own = [s for s in rows if s.scope != SUMMED]
    totals = []
    for hid, label in used_headlines(own):
        figures = [value for s in own if (value := s.headline(hid)) is not None]
        if figures:
            totals.append((label, sum(figures)))
    return totals, len(rows) - len(own)


def home_context(
    settings: Settings,
    offices: list[Office],
    summaries: list[ReportSummary],
    years: tuple[int, ...],
    regions: list[tuple[str, int, str]] = (),
) -> dict:
    """The home page. On a site of thousands of offices it stays a page to read, not a 4 MB list: the
    latest reports published, the latest year's totals, each region's summary of that year (`regions`:
    office name, year and url of every summary page), and the top of the tree of offices."""
    counts: dict[int, int] = {}
    for s in summaries:
        counts[s.year] = counts.get(s.year, 0) + 1
    latest = next((year for year in years if counts.get(year)), None)
    latest_rows = sorted((s for s in summaries if s.year == latest), key=lambda s: s.office)
    if len(latest_rows) > HOME_LATEST:
        recent = sorted(latest_rows, key=lambda s: (s.published or date.min, s.office), reverse=True)
        latest_rows = recent[:HOME_LATEST]
    tree = office_tree(offices, summaries, top_only=len(offices) > HOME_OFFICES)
    year_rows = [s for s in summaries if s.year == latest]
    totals, summed = site_totals(year_rows)
    return {
        "totals": totals,
        "totals_summed": summed,
        "totals_reports": len(year_rows) - summed,
        "regions": [(name, url) for name, year, url in regions if year == latest],
        **common(settings, plan.HOME, settings.name, []),
        "latest": latest,
        "latest_rows": latest_rows,
        "latest_count": counts.get(latest, 0),
        "years": [(year, plan.year_url(year), counts.get(year, 0)) for year in years],
        "tree": tree,
        "office_count": len(offices),
        "report_count": len(summaries),
    }


def publication_statuses(
    settings: Settings, offices: list[Office], summaries: list[ReportSummary], as_of: date
) -> list[deadlines.Status]:
    """Every office's publication status per year (deadlines.py), from the summaries of the reports published."""
    published = {(s.office, s.year): s.published for s in summaries}
    return deadlines.statuses(settings, offices, published, as_of)


STATUS_PAGE_ROWS = 500  # a year of more offices lists only those to chase (the CSV has every office)
TO_CHASE = (deadlines.LATE, deadlines.MISSING, deadlines.UNDATED)


@dataclass(frozen=True)
class StatusYear:
    """A year of the status page (发布情况): how many offices are in each state, and the rows listed."""

    year: int
    counts: tuple[tuple[str, int], ...]  # (state, offices), every state in deadlines.STATES order
    rows: tuple[tuple[deadlines.Status, str], ...]  # each office's status, and its report's url (or its office's)
    offices: int  # in all; more than the rows when only those to chase are listed


def status_context(settings: Settings, offices: list[Office], summaries: list[ReportSummary], as_of: date) -> dict:
    """The status page (发布情况): per year, every office's deadline, publication date and status as of a date."""
    found = publication_statuses(settings, offices, summaries, as_of)
    reported = {(s.office, s.year) for s in summaries}
    counts = deadlines.counts(found)
    years = []
    for year, row in counts.items():
        of_year = sorted((s for s in found if s.year == year), key=lambda s: (name_key(s.office_name), s.office))
        if len(of_year) > STATUS_PAGE_ROWS:  # a page to read, not a list of 5,000 offices
            of_year = [s for s in of_year if s.state in TO_CHASE][:STATUS_PAGE_ROWS]
        rows = tuple(
            (s, plan.report_url(s.office, s.year) if (s.office, s.year) in reported else plan.office_url(s.office))
            for s in of_year
        )
        years.append(StatusYear(year, tuple(row.items()), rows, sum(row.values())))
    current = deadlines.OLD_REGULATION_LAST_YEAR + 1  # the deadlines of the 2019 regulation, as site.yaml sets them
    kinds = [(kind, deadlines.deadline(settings, kind, current).strftime("%m-%d")) for kind in OFFICE_KINDS]
    crumbs = [home_crumb(), Crumb("发布情况")]
    return {
        **common(settings, plan.STATUS, "年度报告发布情况", crumbs),
        "as_of": as_of,
        "states": deadlines.STATES,
        "years": years,
        "deadlines": kinds,
        "csv_url": plan.STATUS_CSV,
        "to_chase": "、".join(TO_CHASE),
    }


def accessibility_context(settings: Settings) -> dict:
    """The accessibility statement page (无障碍声明): the site's own statement."""
    crumbs = [home_crumb(), Crumb("无障碍声明")]
    return {**common(settings, plan.ACCESSIBILITY, "无障碍声明", crumbs), "statement": settings.accessibility}


def search_context(settings: Settings, offices: list[Office], years: tuple[int, ...]) -> dict:
    """The search page: its filters offer the published years, the kinds of the published offices and
    the offices that are parents of published ones (filters of the index, set by the report pages)."""
    by_slug = {office.slug: office for office in offices}
    parents = sorted({office.parent for office in offices if office.parent in by_slug})
    kinds = sorted({office.kind for office in offices if office.kind}, key=list(OFFICE_KINDS).index)
    crumbs = [home_crumb(), Crumb("搜索")]
    return {
        **common(settings, plan.SEARCH, "搜索年度报告", crumbs),
        "years": years,
        "kinds": kinds,
        "parents": [(slug, by_slug[slug].name) for slug in parents],
        "index_dir": plan.INDEX_DIR,
    }


def not_found_context(settings: Settings) -> dict:
    """The 404 page is served at any depth: it links from the site's path when base_url gives it."""
    context = common(settings, plan.NOT_FOUND, "页面未找到", [])
    if settings.base_url:
        path = urlsplit(settings.base_url).path or "/"
        context["root"] = path if path.endswith("/") else path + "/"
    return context


# --- feed and sitemap: the only files with absolute URLs, and only when site.yaml sets base_url -------

FEED_ENTRIES = 100  # the most recent reports by publication date
_PUBLISHED_OFFICE_YEAR = operator.itemgetter(4, 0, 2)  # a ReportSummary's published, office and year
NO_DATE = "1970-01-01T00:00:00Z"  # a feed must say when it was updated; with no dated report, nothing was


def base_url(settings: Settings) -> str:
    """The site's address ending in "/", or "" when unknown (the feed and sitemap then do without)."""
    base = settings.base_url
    return base if not base or base.endswith("/") else base + "/"


def _feed_id(settings: Settings, url: str) -> str:
    """An entry's permanent id: its address, or a name-based UUID when the site's address is unknown."""
    base = base_url(settings)
    return base + url if base else f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'gongkai:{settings.name}:{url}')}"


@dataclass(frozen=True)
class FeedEntry:
    """One report in the Atom feed."""

    id: str
    title: str
    link: str
    published: str
    updated: str  # the latest revision's date, else the publication's
    author: str
    summary: str


def feed_context(settings: Settings, summaries: list[ReportSummary]) -> dict:
    """An Atom feed of reports by publication date; links are relative to the feed without base_url."""
    dated = heapq.nlargest(FEED_ENTRIES, (s for s in summaries if s.published), key=_PUBLISHED_OFFICE_YEAR)
    base = base_url(settings)
    labels = dict(headline_columns())
    entries = [
        FeedEntry(
            id=_feed_id(settings, s.url),
            title=report_title(s.office_name, s.year),
            link=base + s.url,
            published=_feed_time(s.published),
            updated=_feed_time(max(s.published, s.revised or s.published)),
            author=s.office_name,
            summary="；".join(f"{labels[hid].zh} {format_number(v)}" for hid, v in s.headlines if v is not None),
        )
        for s in dated[:FEED_ENTRIES]
    ]
    return {
        "site": settings,
        "id": _feed_id(settings, plan.FEED),
        "self_url": base + plan.FEED,
        "home": base + plan.HOME,
        "updated": max((entry.updated for entry in entries), default=NO_DATE),
        "entries": entries,
    }


def _feed_time(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+08:00"


def sitemap_context(settings: Settings, urls: list[str]) -> dict:
    """The sitemap: the full address of every HTML page but the not-found page, in order."""
    base = base_url(settings)
    return {"urls": [base + url for url in sorted(urls) if url.endswith(".html") and url != plan.NOT_FOUND]}


def robots_context(settings: Settings) -> dict:
    """robots.txt: where the sitemap is, when the site's address is known."""
    base = base_url(settings)
    return {"sitemap": base + plan.SITEMAP if base else ""}


# --- an office's 下级汇总 of a year (regions.py) -------------------------------------------------------


def summary_title(office: Office, year: int) -> str:
    """The title of an office's 下级汇总 page of a year."""
    return f"{office.name}{year}年度下级单位政府信息公开工作情况汇总"


def summary_report(area: Region, office: Office) -> Report:
    """The summed tables as a report of the office, for the table macro and the report.csv layout."""
    path = plan.summary_url(office.slug, area.year)
    return Report(office.slug, area.year, area.format_id, path, office_name=office.name, values=area.values)


@dataclass(frozen=True)
class ChildRow:
    """A child office on its summary page: its figures, by headline."""

    name: str
    url: str  # its report page
    figures: tuple[Number | None, ...]  # per headline


def summary_context(
    settings: Settings,
    office: Office,
    area: Region,
    report: Report,
    rows: list[tuple[ReportSummary | None, ReportSummary | None]],
    views: list[TableView],
    linked: set[str],
) -> dict:
    """The summary page: coverage, the children compared by headline figure, the summed tables.
    `rows`: each included child's summary of the year and of the year before; `linked`: offices with a page."""
    fmt = report.format
    title = summary_title(office, area.year)
    url = plan.summary_url(office.slug, area.year)
    office_crumb = Crumb(office.name, plan.office_url(office.slug) if office.slug in linked else "")
    crumbs = [home_crumb(), office_crumb, Crumb(f"{area.year}年度下级单位汇总")]
    headlines = [(h.id, h.label) for h in fmt.headlines]
    totals = {hid: headline_value(report, hid) for hid, _ in headlines}
    children = []
    for child, (summary, _) in zip(area.included, rows):
        figures = tuple(summary.headline(hid) if summary else None for hid, _ in headlines)
        children.append(ChildRow(child.name, plan.report_url(child.slug, area.year), figures))
    ranked = sorted(children, key=lambda c: -(c.figures[0] or 0) if headlines else 0)
    compared = [(summary, last) for summary, last in rows if summary is not None]
    return {
        **common(settings, url, title, crumbs, [("ContentSource", office.name)]),
        "office": office,
        "year": area.year,
        "format": fmt,
        "coverage": area.coverage(),
        "included": len(area.included),
        "left_out": [(c.name, plan.office_url(c.slug) if c.slug in linked else "", c.reason) for c in area.left_out],
        "headlines": headlines,
        "totals": totals,
        "first": headlines[0][1] if headlines else None,
        "rates": rate_lines(fmt, totals),
        "comparisons": comparisons(compared, headlines),
        "children": ranked,
        "views": views,
        "downloads": {
            "csv": plan.summary_csv_url(office.slug, area.year),
            "json": plan.summary_json_url(office.slug, area.year),
        },
    }


# --- trend charts: inline SVG made by layouts/chart.html ------------------------------------------------

CHART_WIDTH = 320  # the SVG's own units: at a phone's 320 px, a unit is a pixel and labels are 14 px
CHART_ROW = 32  # height of a year's bar
CHART_LABEL = 56  # the years' column on the left
CHART_VALUE = 64  # room right of the longest bar for its value


@dataclass(frozen=True)
class ChartBar:
    """One year's bar of a trend chart, in the SVG's units."""

    year: int
    value: str
    y: int  # top of the bar
    width: int  # of the bar (at least 1 unit: a 0 still shows its label)


@dataclass(frozen=True)
class TrendChart:
    """A headline figure over the years, as layouts/chart.html draws it."""

    id: str
    title: str  # what the chart shows, e.g. 新收申请（件），2021—2024年度
    description: str  # the figures in words, for screen readers: 2021年度 3 件；…
    bars: tuple[ChartBar, ...]
    height: int
    width: int = CHART_WIDTH
    label: int = CHART_LABEL  # where the bars start
    note: str = ""  # the years left out, and why


def trend_charts(summaries: list[ReportSummary], prefix: str = "trend") -> list[TrendChart]:
    """For each headline figure the formats chart (`chart: true`), a bar per year whose report supplies
    it, oldest first; back from the newest year only while the figure means the same as in the newest
    year's format (format data: `across_formats`), so no chart reaches across a change of counting."""
    charts = []
    charted = {h.id for fmt in all_formats().values() for h in fmt.headlines if h.chart}
    for hid, label in headline_columns():
        if hid not in charted:
            continue
        found = sorted((s.year, value, s.format_id) for s in summaries if (value := s.headline(hid)) is not None)
        newest = found[-1][2] if found else ""
        points: list[tuple[int, Number]] = []
        for year, value, format_id in reversed(found):
            if not comparable(hid, format_id, newest):
                break
            points.insert(0, (year, value))
        if len(points) < 2:
            continue
        top = max(value for _, value in points) or 1
        room = CHART_WIDTH - CHART_LABEL - CHART_VALUE
        bars = tuple(
            ChartBar(year, format_number(value), index * CHART_ROW, max(1, round(value * room / top)))
            for index, (year, value) in enumerate(points)
        )
        span = f"{points[0][0]}—{points[-1][0]}年度"
        words = "；".join(f"{year}年度 {format_number(value)} 件" for year, value in points)
        left = [year for year, _, _ in found if year < points[0][0]]
        note = f"{year_span(left)}的报告采用另一格式，此项统计口径不同，不列入图中。" if left else ""
        chart = TrendChart(
            f"{prefix}-{hid}", f"{label.zh}（件），{span}", words, bars, len(bars) * CHART_ROW, note=note
        )
        charts.append(chart)
    return charts


def year_span(years: list[int]) -> str:
    """「2019年度」 or 「2019—2020年度」."""
    return f"{years[0]}年度" if years[0] == years[-1] else f"{years[0]}—{years[-1]}年度"


def rate_lines(fmt: Format, figures: dict[str, Number | None]) -> list[tuple[str, str, str]]:
    """(name, value, definition) of each rate of the format, from these (summed) headline figures."""
    labels = {h.id: h.label.zh for h in fmt.headlines}
    lines = []
    for rate in fmt.rates:
        top = [figures.get(hid) for hid in rate.numerator]
        bottom = figures.get(rate.denominator)
        known = bottom and None not in top
        value = f"{sum(top) * 100 / bottom:.1f}%" if known else "—"
        definition = f"（{' + '.join(labels[hid] for hid in rate.numerator)}）÷ {labels[rate.denominator]}"
        lines.append((rate.label.zh, value, definition))
    return lines


# --- comparisons of offices: the year page's and a summary page's ------------------------------------

COMPARE_TOP = 10  # offices ranked by name per figure; the others are one line, and the page's table has all


@dataclass(frozen=True)
class Placing:
    """An office's place in a comparison (Comparison.top)."""

    rank: int  # offices with the same figure share a rank
    name: str
    url: str  # its report page
    value: Number
    share: str  # of the total, e.g. 12.5%
    change: str  # from the office's report of the year before (see change)


@dataclass(frozen=True)
class Comparison:
    """One headline figure across offices: the total, how it is spread in words, the offices with the
    most, each with its share of the total and its change from last year."""

    id: str
    label: Label
    total: Number
    offices: int  # whose report gives the figure
    distribution: tuple[str, ...]  # sentences, e.g. 14 个单位中 9 个全年未收到政府信息公开申请
    top: tuple[Placing, ...]
    rest: int = 0  # offices not in top
    rest_value: Number = 0
    rest_share: str = ""


def share(value: Number | None, total: Number) -> str:
    """`value` as a percentage of `total`; "—" without either."""
    if value is None or not total:
        return "—"
    return f"{value * 100 / total:.1f}%"


def change(headline_id: str, now: ReportSummary, last: ReportSummary | None) -> tuple[str, Number | None]:
    """A figure's change from the office's report of the year before, absolute and in %, in words, and
    the difference; "—" (and None) when last year has no report or no figure, or the figure is counted
    differently in last year's format (format.comparable)."""
    value = now.headline(headline_id)
    before = last.headline(headline_id) if last is not None else None
    if value is None or before is None or not comparable(headline_id, now.format_id, last.format_id):
        return "—", None
    delta = value - before
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    text = f"{sign}{format_number(abs(delta))}"
    return text + (f"（{sign}{abs(delta) * 100 / before:.1f}%）" if before else ""), delta


def comparisons(
    rows: list[tuple[ReportSummary, ReportSummary | None]],
    headlines: tuple[tuple[str, Label], ...] | list[tuple[str, Label]],
    top: int = COMPARE_TOP,
) -> list[Comparison]:
    """Each headline figure across these reports of one year (each with the same office's report of the
    year before, or None): ranked, with shares of the total and changes, and its distribution in words.
    Fewer than two reports are not compared."""
    if len(rows) < 2:
        return []
    nones = {h.id: h.none for fmt in reversed(all_formats().values()) for h in fmt.headlines if h.none}
    figures = [dict(now.headlines) for now, _ in rows]
    result = []
    for hid, label in headlines:
        given = [
            (now, last, value) for (now, last), known in zip(rows, figures) if (value := known.get(hid)) is not None
        ]
        if not given:
            continue
        values = [value for _, _, value in given]
        total = sum(values)
        ranked = heapq.nsmallest(top, given, key=lambda item: (-item[2], name_key(item[0].office_name), item[0].office))
        placings: list[Placing] = []
        for now, last, value in ranked:
            rank = placings[-1].rank if placings and value == placings[-1].value else len(placings) + 1
            placings.append(
                Placing(rank, now.office_name, now.url, value, share(value, total), change(hid, now, last)[0])
            )
        rest = total - sum(value for _, _, value in ranked)
        result.append(
            Comparison(
                hid,
                label,
                total,
                len(given),
                distribution(label, nones.get(hid, ""), values, len(rows)),
                tuple(placings),
                len(given) - len(placings),
                rest,
                share(rest, total),
            )
        )
    return result


def distribution(label: Label, none: str, values: list[Number], offices: int) -> tuple[str, ...]:
    """How a figure is spread over offices, in words: how many have none, how much the three with the
    most have, how many reports do not give it. `values`: the figures given."""
    zeros = sum(1 for value in values if not value)
    lines = [f"{len(values)} 个单位中 {zeros} 个{none or f'的“{label.zh}”为 0'}"]
    total = sum(values)
    if total and len(values) > 3:
        lines.append(f"数字最多的 3 个单位占合计的 {share(sum(heapq.nlargest(3, values)), total)}")
    if offices > len(values):
        lines.append(f"另有 {offices - len(values)} 个单位的报告没有这一项")
    return tuple(lines)


@dataclass(frozen=True)
class YearComparison:
    """A year's offices compared (a year page's first page shows it): their reports but the 汇总 ones
    (whose figures are their children's: ranking them would count twice)."""

    comparisons: tuple[Comparison, ...]
    rates: tuple[tuple[str, str, str], ...]  # (name, value, definition), from the sums (rate_lines)
    summed: int  # 汇总 reports left out


def year_comparison(rows: list[ReportSummary], last: dict[str, ReportSummary]) -> YearComparison:
    """The comparisons of a year's reports (`rows`), each office with its report of the year before (`last`)."""
    own = sorted((s for s in rows if s.scope != SUMMED), key=lambda s: s.office)
    compared = comparisons([(s, last.get(s.office)) for s in own], used_headlines(own))
    formats = {s.format_id for s in own}
    fmt = get_format(next(iter(formats))) if len(formats) == 1 else None
    rates = rate_lines(fmt, {c.id: c.total for c in compared}) if fmt is not None else []
    return YearComparison(tuple(compared), tuple(rates), len(rows) - len(own))
