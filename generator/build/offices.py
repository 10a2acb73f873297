"""Building one office: read its reports, write the pages of it that are to be made.

build_office runs in the build's process or in a worker process (workers.py); all it needs comes in
an OfficeJob, and all it leaves comes back in an OfficeResult. May import the layers below build, and
build.keys, build.manifest, build.outputs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from ..check import read_reports
from ..model.findings import Finding, GongkaiError
from ..model.values import Report
from ..read.reports import read_report
from ..read.site import Office, Site
from ..render import export, pages
from ..render.renderer import Renderer
from ..site import plan, regions
from ..site.regions import Tally  # a data record of the site layer
from ..site.summaries import summarize
from . import manifest
from .keys import FileKeys, office_digest, office_unchanged, page_key
from .manifest import Manifest, OfficeRecord, digest
from .outputs import write_file

Progress = Callable[[int, int], None]  # (reports done, reports in all)


@dataclass(frozen=True)
class OfficeJob:
    """An office to read, and which of its pages to make: all a worker process needs."""

    office: Office
    pages: tuple[plan.Page, ...]  # every page of the office
    todo: frozenset[str]  # urls of the pages to make
    parent: Office | None
    children: tuple[Office, ...]
    drafts: bool = False  # make draft reports' pages too (a review copy, the preview)
    kept: OfficeRecord | None = None  # the last build's record, whose reports are kept when unreadable


@dataclass(frozen=True)
class OfficeResult:
    """What building one office's pages leaves for the rest of the build."""

    office: str
    record: OfficeRecord
    made: tuple[str, ...]  # urls written into the staging folder
    files: dict[str, manifest.FileStat]  # the office's files, with their digests taken as they were read
    failure: tuple[Finding, ...] = ()  # a template error: the build stops


class _Reader:
    """How build_office has read_reports read report files: noting each file's digest for the manifest,
    and keeping no parse cache. Writing a parse to disk costs more than parsing the file again (~1 ms
    per report on the development machine), and an unchanged office is not read at all: its summaries
    and findings are in the manifest."""

    def __init__(self, files: FileKeys) -> None:
        self.files = files

    def __call__(self, file: Path, path: str, office: str) -> tuple[Report | None, list[Finding]]:
        data = self.files.read(f"content/{office}/{file.name}")
        return read_report(file, path, office, data=data)


def build_office(job: OfficeJob, site: Site, renderer: Renderer, folder: Path) -> OfficeResult:
    """Read an office's reports; write the pages to make (job.todo)."""
    office = job.office
    settings = site.settings
    files = FileKeys(site.root, None)
    files(f"content/{office.slug}/office.yaml")
    read = list(read_reports(office, settings, _Reader(files)))
    findings = tuple(f for _, more in read for f in more)
    readable = {report.year: (report, more) for report, more in read if report is not None}
    published = {year: both for year, both in readable.items() if job.drafts or not both[0].draft}
    # An unreadable report (--keep-going) stays as the last build published it: pages, summary and all.
    unreadable = {year for (year, _), (report, _) in zip(office.report_files, read) if report is None}
    kept = tuple(s for s in job.kept.summaries if s.year in unreadable) if job.kept else ()
    kept_years = {s.year for s in kept}
    years = tuple(sorted({*published, *kept_years}))
    summaries = tuple(
        sorted(
            [
                *(summarize(report, more, office) for report, more in published.values() if not report.draft),
                *kept,
            ],
            key=attrgetter("year"),
        )
    )
    drafts = [summarize(report, more, office) for report, more in readable.values() if report.draft]
    # An office whose every report is a draft (a new one, typically, its office.yaml just written by
    # `gongkai new`) is not published either.
    unlisted = not job.drafts and bool(office.report_files) and len(drafts) == len(read)
    written = tuple(
        p.url
        for p in job.pages
        if (p.year in years if p.kind in plan.REPORT_KINDS else p.kind != "office" or not unlisted)
    )
    if not job.drafts:
        drafts = []
    draft_urls = tuple(p.url for p in job.pages if p.kind in plan.REPORT_KINDS and p.year in {s.year for s in drafts})
    year_digests = {s.year: digest(repr(s).encode()) for s in summaries}
    record = OfficeRecord(
        summaries,
        findings,
        written,
        len(read),
        office_digest(office, (*summaries, *drafts), written),
        year_digests,
        draft_urls,
        _tallies(readable, unreadable, job.kept.tallies if job.kept else {}, kept_years),
    )
    made = []
    try:
        for page in job.pages:
            if (
                page.url not in job.todo
                or page.url not in written
                or (page.kind != "office" and page.year in kept_years)
            ):
                continue
            if page.kind in plan.REPORT_KINDS:
                report, more = published[page.year]
                if page.kind == "report":
                    context = pages.report_context(settings, office, report, more, years, renderer.table_view)
                    data = renderer.render(page.template, context)
                elif page.kind == "report_json":
                    data = export.report_json(report, more, office)
                elif page.kind == "report_docx":
                    from ..render.word import report_docx  # python-docx loads only in builds that make documents

                    data = report_docx(report, more, office)
                else:
                    data = export.report_csv(report, office)
            elif page.kind == "office":
                context = pages.office_context(
                    settings, office, job.parent, list(job.children), list(summaries), drafts
                )
                data = renderer.render(page.template, context)
            else:
                raise ValueError(f"not an office page: {page}")
            write_file(folder, page.url, data)
            made.append(page.url)
    except GongkaiError as exc:  # returned, not raised: findings survive the trip back from a worker process
        return OfficeResult(office.slug, record, tuple(made), files.files, tuple(exc.findings))
    return OfficeResult(office.slug, record, tuple(made), files.files)


def _tallies(
    readable: dict[int, tuple[Report, list[Finding]]],
    unreadable: set[int],
    last: dict[int, Tally],
    kept: set[int],
) -> dict[int, Tally]:
    """What a summary of the office's parent needs of each report: never a draft's figures, nor an
    unreadable one's, unless it is kept as last published (--keep-going): then as it was (`last`)."""
    tallies = {
        year: last.get(year, regions.tally_of(None)) if year in kept else regions.tally_of(None) for year in unreadable
    }
    tallies.update((year, regions.tally_of(report)) for year, (report, _) in readable.items())
    return dict(sorted(tallies.items()))


def parents_without_unlisted(
    site: Site,
    site_plan: plan.Plan,
    renderer: Renderer,
    staging: Path,
    records: dict[str, OfficeRecord],
    office_jobs: list[OfficeJob],
    previous: Manifest | None,
    made: list[str],
) -> list[str]:
    """An office whose every report is a draft has no page (build_office), so its parent's page must
    not link to it. A worker making the parent's page cannot know that: the pages that need it are
    made again here, when the parent's page was made by this build or a child came or went."""

    def unlisted(slug: str) -> bool:
        return plan.office_url(slug) not in records[slug].written

    # Only offices made by this build, and their children, are looked at: an update's build makes few.
    rebuilt = [job.office.slug for job in office_jobs]
    flipped = {
        slug
        for slug in rebuilt
        if previous is not None
        and slug in previous.offices
        and (plan.office_url(slug) in previous.offices[slug].written) == unlisted(slug)
    }
    parents = {site.offices[slug].parent for slug in flipped}
    parents.update(slug for slug in rebuilt if any(map(unlisted, site_plan.children.get(slug, ()))))
    remade = []
    for slug in sorted(parents.intersection(records)):
        url = plan.office_url(slug)
        if unlisted(slug):
            continue
        office = site.offices[slug]
        parent = site.offices[office.parent] if office.parent in records else None
        children = [site.offices[kid] for kid in site_plan.children.get(slug, ()) if not unlisted(kid)]
        context = pages.office_context(site.settings, office, parent, children, list(records[slug].summaries))
        write_file(staging, url, renderer.render(plan.TEMPLATES["office"], context))
        if url not in made:
            remade.append(url)
    return remade


def plan_jobs(
    site: Site,
    site_plan: plan.Plan,
    base: bytes,
    files: FileKeys,
    previous: Manifest | None,
    drafts: bool = False,
    kept_from: Manifest | None = None,
    frozen: set[str] = frozenset(),
) -> tuple[dict[str, bytes], dict[str, OfficeRecord], list[OfficeJob]]:
    """The keys of the office pages known without reading them, the records of the offices none of
    whose pages changed (kept from `previous`), and a job for each other office. `drafts`: make draft
    reports' pages too. `kept_from`: the manifest of the output as it is, whose reports are kept as
    they were published when they cannot be read now (--keep-going), and `frozen` offices (their
    office.yaml unreadable) kept whole, from its records."""
    same_plan = previous is not None and bool(previous.site) and site is previous.site[0]  # the Site kept
    keys: dict[str, bytes] = {}
    if same_plan:  # the same pages as the last build's: its keys, but for the pages made once per site
        keys = dict(previous.pages)
        for url in set(previous.site_pages).difference(page.url for page in site_plan.site_pages()):
            keys.pop(url, None)
    kept: dict[str, OfficeRecord] = {}
    office_jobs: list[OfficeJob] = []
    planned = set(site_plan.offices)
    for slug in site_plan.offices:
        if slug in frozen:
            kept[slug] = kept_from.offices[slug]
            continue
        if previous is None:  # every page is to make; keys come after reading, from digests taken meanwhile
            todo = [page.url for page in site_plan.office_pages(slug)]
        elif office_unchanged(slug, site_plan, base, files, previous, keys, same_plan):
            todo = []
        else:
            todo = []
            for page in site_plan.office_pages(slug):
                key = keys[page.url] = page_key(base, page, files)
                if previous.pages.get(page.url) != key:
                    todo.append(page.url)
        record = previous.offices.get(slug) if previous else None
        if not todo and record is not None:
            kept[slug] = record
            continue
        office_pages = site_plan.office_pages(slug)
        office = site.offices[slug]
        parent = site.offices[office.parent] if office.parent in planned else None
        children = tuple(site.offices[kid] for kid in site_plan.children.get(slug, ()))
        kept_record = kept_from.offices.get(slug) if kept_from is not None else None
        office_jobs.append(OfficeJob(office, office_pages, frozenset(todo), parent, children, drafts, kept_record))
    return keys, kept, office_jobs


def collect_records(
    site: Site,
    site_plan: plan.Plan,
    base: bytes,
    files: FileKeys,
    kept: dict[str, OfficeRecord],
    results: Iterator[OfficeResult],
    keys: dict[str, bytes],
    progress: Progress | None,
) -> tuple[dict[str, OfficeRecord], list[str]]:
    """Every office's record, in the plan's order (kept, or its job's result), and the pages made;
    the keys of the pages of the offices read are noted in `keys`."""
    records: dict[str, OfficeRecord] = {}
    made: list[str] = []
    total = sum(len(site.offices[slug].report_files) for slug in site_plan.offices)
    done = 0
    for slug in site_plan.offices:
        if slug in kept:
            record = kept[slug]
        else:
            result = next(results)
            if result.failure:
                raise GongkaiError(list(result.failure))
            record = result.record
            made += result.made
            files.learn(result.files)
            for page in site_plan.office_pages(slug):  # while the workers go on with the others
                if page.url not in keys:
                    keys[page.url] = page_key(base, page, files)
        records[slug] = record
        done += record.reports
        if progress and (slug not in kept or done == total):
            progress(done, total)
    return records, made
