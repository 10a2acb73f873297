"""Building the site: plan every page, make the ones whose inputs changed, put them in the output safely.

One path for every build, the first and the fiftieth. The plan lists every page. Each page has a
key: a hash of what it is made from (the layouts and Gongkai's code for all; the contents of its
files for report and office pages; for index pages, the summaries of the offices they list, so
that editing a narrative changes no index page). The build manifest (manifest.py) keeps the key of
every page in the output. A page whose key is unchanged is neither rendered nor written, and an
office none of whose pages changed is not even read: its summaries and findings come from the
manifest. Without a usable manifest every key is new, and the same build makes every page.

Reports are read office by office (by a pool of worker processes when there is enough to do); each
office's pages are written as soon as its reports are read, leaving only small summaries for the
index pages, which are made last.

The output is never left half-made:
- Pages are never rendered into the output, but into a staging folder beside it (same file system).
  Any failure (a template error, --strict, a crash, Ctrl+C) removes the staging folder and leaves the
  output as it was.
- Without a usable manifest (first build, cache deleted, output changed by another build) the staging
  folder holds the whole site and is swapped in with a rename.
- Otherwise only the changed pages are staged; they are moved into the output one rename each, and
  files of pages that no longer exist are deleted. The manifest is deleted before the first move and
  written after the last, so if the build is stopped in between the next one finds no manifest and
  makes the whole site again. (Copying or hard-linking 65,000 unchanged files into a fresh folder on
  every build would cost more than the usual rebuild does in all.)
"""

from __future__ import annotations

import functools
import os
import shutil
import time
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import pages, plan
from ..files import display_path
from ..findings import Finding, GongkaiError, Position, error
from ..render import Renderer
from ..site import Site, is_report_path
from . import indexes, manifest, outputs, search, workers
from .csvlines import ReportLines
from .indexes import Regions, site_page
from .keeping import content_path, keep_offices, notices, unreadable_files
from .keys import FileKeys, base_key, index_digests, office_digest, office_unchanged, page_key, site_page_key
from .loading import loaded_site, site_path
from .manifest import CACHE_DIR, TEMPLATES_DIR, Manifest, OfficeRecord, digest
from .offices import OfficeJob, OfficeResult, build_office, parents_without_unlisted
from .outputs import MARKER_TEXT, check_output, copy_kept, move_in, remove_stale, swap_in, temp_folder, write_file
from .session import BuildSession
from .workers import POOL_MIN_REPORTS, build_offices, no_collections, worker_pool

__all__ = [  # the build's public names (its stages' modules have more)
    "CACHE_DIR",
    "MARKER_TEXT",
    "POOL_MIN_REPORTS",
    "TEMPLATES_DIR",
    "BuildResult",
    "BuildSession",
    "OfficeJob",
    "OfficeResult",
    "base_key",
    "build_office",
    "build_site",
    "check_output",
    "move_in",
    "office_digest",
    "remove_stale",
    "settings_problems",
    "sort_findings",
    "swap_in",
    "unreadable_files",
    "write_file",
]

Progress = Callable[[int, int], None]  # (reports done, reports in all)


@dataclass(frozen=True)
class BuildResult:
    output: Path
    files: int  # files in the output
    reports: int  # reports published
    skipped: int  # reports not published: they could not be read
    findings: tuple[Finding, ...]
    seconds: float
    rendered: int = 0  # files made and written by this build (the others were unchanged)
    # What happened to reports that are not published as read: kept as last published or left out
    # (unreadable, with --keep-going), taken offline (turned draft, or their file deleted); one line each.
    notices: tuple[str, ...] = ()
    drafts: int = 0  # draft reports (shown only with drafts=True)
    # With build_site(save_manifest=False): writes the build's manifest; the next build must not
    # start before it has been called (without it, that build makes everything again).
    save_manifest: Callable[[], None] | None = field(default=None, compare=False, repr=False)
    # With build_site(search_later=True): makes the search index from the output, when it must be made again.
    make_search_index: Callable[[], None] | None = field(default=None, compare=False, repr=False)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(set(findings), key=lambda f: (f.position.path, f.position.line, f.position.column, f.rule, f.message))


def settings_problems(site: Site) -> list[Finding]:
    """What site.yaml asks that this site or this installation cannot give; `check` reports these
    too, and a build stops on them before it makes a page."""
    problems = []
    where = display_path(site.root / plan.SITE_FILE)
    base = site.settings.base_url
    if base and not base.startswith(("https://", "http://")):
        message = f"base_url“{base}”应为完整网址，以 https:// 或 http:// 开头，如 https://www.example.gov.cn/xxgk/"
        problems.append(error(Position(where), message))
    if site.settings.search and (missing := search.not_installed(where)) is not None:
        problems.append(missing)
    return problems


def _settings_problems(site: Site, findings: list[Finding]) -> list[Finding]:
    read = [f for f in findings if f.severity == "error" and Path(f.position.path).name == plan.SITE_FILE]
    return read + settings_problems(site)


def build_site(
    root: Path,
    out: Path | None = None,
    *,
    strict: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    report_pages_first: bool = False,
    save_manifest: bool = True,
    changed: Iterable[str] | None = None,
    keep_going: bool = False,
    drafts: bool = False,
    as_of: date | None = None,
    search_later: bool = False,
    session: BuildSession | None = None,
) -> BuildResult:
    """Build the site in `root` into `out` (default root/public), making only what changed since the
    last build into it. Raises GongkaiError when nothing was changed.

    A file that cannot be read or does not fit the format fails the build (GongkaiError, every such
    finding listed) and leaves the output untouched, but with `keep_going`: each such report, or
    office whose office.yaml it is, is then kept as the last build published it (from the manifest),
    or left out if it never was. Broken consistency rules are published with their notice; with
    `strict`, any error finding fails the build. `drafts`: draft reports get pages too (a review
    copy), each marked as a draft; else they are published nowhere. `jobs`: worker processes (default: one
    per core; small builds run in this process). `report_pages_first` (the preview's): an update's
    report and office pages are moved in as soon as they are made, before the index pages; should
    an index page then fail, the output is left half-updated, but without a manifest, so that the
    next build makes it whole. Without `save_manifest` the result's save_manifest() writes the
    manifest, for the caller to call once the new pages are shown (a fifth of a second at 20,000
    reports). `changed` (the preview's, from the system's notifications): every file or folder that
    may have changed since the last build; no other file is even looked at. `as_of`: the date the
    status page (发布情况) is computed for; default today.

    With `search: true` in site.yaml, the search index (search.py) is made from the staged and kept
    report pages before anything is put in the output, when a report page was made or removed; with
    `search_later` (the preview's) the result's make_search_index() makes it from the output instead,
    for the caller to call once the new pages are shown.

    `session`: what this process kept from its last build (the preview's, kept for as long as it
    runs); None: a fresh one, as for a first build in this process.
    """
    session = session if session is not None else BuildSession()
    started = time.perf_counter()
    started_ns = time.time_ns()
    root = Path(root)
    out = Path(out) if out is not None else root / "public"
    target = out.resolve()  # a symlinked output folder: build beside, and replace, the real one
    cache_folder = root / CACHE_DIR
    with no_collections():
        previous = manifest.load(cache_folder, target, plan.MARKER, session.kept)
        hinted = None if changed is None else frozenset(site_path(root, Path(p)) for p in changed)
        site, site_findings, listing = loaded_site(root, previous, hinted)
        kept_offices: dict[str, bool] = {}  # office.yaml (as findings show it) -> kept as last published
        if keep_going:
            site, kept_offices = keep_offices(site, site_findings, previous)
        findings = list(site_findings)
        if problems := _settings_problems(site, findings):
            raise GongkaiError(problems)
        check_output(root, out)

        renderer, layouts_key = session.renderer(root / "layouts", cache_folder / TEMPLATES_DIR)
        static_files = renderer.static_files()
        extra_files, more = outputs.extra_files(root)
        findings += more
        static = {name: site_path(root, path) for name, path in static_files.items()}
        site_plan, more = session.plan(site, static, extra_files, as_of or date.today())
        findings += more
        files = FileKeys(root, previous, hinted)
        if hinted is None:
            files.seen(listing[1:])  # site.yaml and office.yaml: their stats just taken
        base = base_key(root, layouts_key, drafts, site.settings.search)
        # When Gongkai's code or the layouts changed, so did every page's key: the build then makes the
        # whole site, as without a manifest, and swaps it in whole (moving in 65,000 pages one by one
        # costs more than a third of the build). The last build's file digests and site still serve.
        last = previous if previous is not None and previous.base == base else None

        staging = temp_folder(target)
        moved: list[str] = []  # pages moved in before the index pages were made

        def move_early(made: list[str], published: bool) -> None:
            if last is not None and made and published:
                manifest.forget(cache_folder, target, session.kept)
                outputs.move_in(staging, target, made)
                moved.extend(made)

        early = move_early if report_pages_first and keep_going and not strict else None
        kept_from = previous if keep_going else None
        try:
            frozen = {Path(path).parent.name for path, kept in kept_offices.items() if kept}
            built = _build_into(
                site, site_plan, renderer, base, files, last, staging, jobs, progress, early, drafts, kept_from, frozen
            )
            findings = sort_findings([*findings, *built.findings])
            errors = [f for f in findings if f.severity == "error"]
            unreadable = unreadable_files(findings)
            if strict and errors:
                problem = "有错误（--strict）：未生成网站，输出目录未改动"
                raise GongkaiError(errors + [error(Position(display_path(out)), problem)])
            reports = {path for path in unreadable if is_report_path(content_path(path))}
            if unreadable and (not keep_going or len(reports) + len(kept_offices) < len(unreadable)):
                # Publishing without them would take their reports offline: nothing is changed.
                if keep_going:
                    problem = "有文件无法读取，不是报告也不是机关信息（office.yaml）：未生成网站，输出目录未改动"
                else:
                    problem = (
                        "有文件无法读取或不符合格式：未生成网站，输出目录未改动；请改正上面的错误，"
                        "或用 --keep-going 发布其余内容、保留这些报告上次发布的版本"
                    )
                raise GongkaiError(errors + [error(Position(display_path(out)), problem)])
            if built.reports == 0 and unreadable:
                problem = "没有一份报告可以发布：输出目录未改动"
                raise GongkaiError(errors + [error(Position(display_path(out)), problem)])
            notice_lines = notices(root, reports, built.records, previous, kept_offices)
            stale = last.written() - built.written if last else set()
            output_changed = bool(last is None or built.made or stale)
            noted = output_changed or files.hashed  # the manifest: files read again may have new times
            # Files no build wrote are removed, in full builds and updates alike, each with a line.
            own = (search.INDEX_DIR,) if site.settings.search else ()
            findings += outputs.remove_foreign(
                target, built.written | (previous.written() if previous else set()), plan.MARKER, own
            )
            whole = last is None or not (target / search.INDEX_DIR).is_dir()
            indexed = search.pages_to_index(site, built.records, built.made, stale, whole)
            make_search_index = None
            if indexed and search_later:
                make_search_index = functools.partial(search.index_output, target, indexed)
            if last is None:
                if previous is not None and keep_going:  # a whole new site, but for the reports kept as they were
                    copy_kept(target, staging, built.written.difference(built.made, built.site_pages))
                if indexed and not search_later:
                    pages_of = [(url, staging / url) for url in indexed]
                    search.make_index(pages_of, staging / search.INDEX_DIR, plan.SITE_FILE)
                write_file(staging, plan.MARKER, MARKER_TEXT)
                swap_in(staging, target)
            else:
                if indexed and not search_later:  # before anything is moved: a failed index changes nothing
                    made = set(built.made[len(moved) :])
                    pages_of = [(url, (staging if url in made else target) / url) for url in indexed]
                    search.make_index(pages_of, staging / search.INDEX_DIR, plan.SITE_FILE)
                if noted:
                    manifest.forget(cache_folder, target, session.kept)
                outputs.move_in(staging, target, built.made[len(moved) :])
                remove_stale(target, stale, built.written)
                if output_changed:  # a new marker file: a manifest of another cache no longer matches this folder
                    write_file(staging, plan.MARKER, MARKER_TEXT)
                    os.replace(staging / plan.MARKER, target / plan.MARKER)
                if indexed and not search_later:
                    search.replace_index(staging / search.INDEX_DIR, target)
                shutil.rmtree(staging, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        identity = manifest.marker_identity(target, plan.MARKER)
        new_manifest = Manifest(
            str(target),
            identity,
            started_ns,
            files.files,
            built.keys,
            built.records,
            built.site_pages,
            listing,
            (site, tuple(site_findings)),
            base,
            *built.lines.kept(),
        )

    def save() -> None:
        if noted and identity is not None:
            with no_collections():
                manifest.save(cache_folder, new_manifest, last, session.kept)

    if save_manifest:
        save()
    seconds = time.perf_counter() - started
    return BuildResult(
        out,
        len(built.written),
        built.reports,
        len(reports),
        tuple(findings),
        seconds,
        len(built.made),
        notice_lines,
        built.drafts,
        None if save_manifest else save,
        make_search_index,
    )


@dataclass(frozen=True)
class _Built:
    written: set[str]  # every page in the output after this build
    made: list[str]  # pages made by this build, in the staging folder
    keys: dict[str, bytes]
    records: dict[str, OfficeRecord]
    site_pages: tuple[str, ...]
    reports: int
    drafts: int
    findings: tuple[Finding, ...]
    lines: ReportLines


def _build_into(
    site: Site,
    site_plan: plan.Plan,
    renderer: Renderer,
    base: bytes,
    files: FileKeys,
    previous: Manifest | None,
    staging: Path,
    jobs: int | None,
    progress: Progress | None,
    early: Callable[[list[str], bool], None] | None = None,
    drafts: bool = False,
    kept_from: Manifest | None = None,
    frozen: set[str] = frozenset(),
) -> _Built:
    """Make every page whose key changed into `staging`: office by office, then the index pages.
    `early` is given the pages made before the index pages, and whether any report is published.
    `drafts`: make draft reports' pages too. `kept_from`: the manifest of the output as it is, whose
    reports are kept as they were published when they cannot be read now (--keep-going), and
    `frozen` offices (their office.yaml unreadable) kept whole, from its records."""
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

    records: dict[str, OfficeRecord] = {}
    made: list[str] = []
    total = sum(len(site.offices[slug].report_files) for slug in site_plan.offices)
    done = 0
    processes = jobs or os.cpu_count() or 1
    with worker_pool(office_jobs, site, staging, processes) as pool:
        results = build_offices(office_jobs, site, renderer, staging, pool, processes)
        with closing(results):
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

        made += parents_without_unlisted(site, site_plan, renderer, staging, records, office_jobs, previous, made)
        summaries = [s for record in records.values() for s in record.summaries]
        if early is not None:
            early(list(made), bool(summaries))
        by_year: dict[int, list[pages.ReportSummary]] = {}
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
                job = (page, rows, years, site_plan.year_pages(page.year), counts.get(page.year, 0), shown(page))
                if pool is not None:
                    elsewhere.append((pool.submit(workers.year_page_job, job), job))
                else:
                    write_file(staging, page.url, indexes.year_page(site.settings, renderer, *job))
                continue
            if page.kind in plan.SUMMARY_KINDS:
                write_file(staging, page.url, areas.page(page, renderer, public))
                continue
            write_file(
                staging, page.url, site_page(page, site, site_plan, years, renderer, summaries, by_year, public, lines)
            )
        for future, job in reversed(elsewhere):  # the last ones no worker has begun are made here meanwhile
            if future.cancel():
                write_file(staging, job[0].url, indexes.year_page(site.settings, renderer, *job))
        for future, _ in elsewhere:
            if not future.cancelled() and (failure := future.result()):
                raise GongkaiError(list(failure))

    findings = tuple(f for record in records.values() for f in record.findings) + tuple(areas.check())
    draft_count = sum(url.endswith("/index.html") for record in records.values() for url in record.drafts)
    site_urls = tuple(p.url for p in site_pages)
    return _Built(written, made, keys, records, site_urls, len(summaries), draft_count, findings, lines)
