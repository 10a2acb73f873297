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

The stages, in build_site: load the site (loading.py, or the last build's Site), refuse settings it
cannot honour, plan every page (the session's plan), key them (keys.py), build the offices whose
keys changed (offices.py, by worker processes: workers.py), make the index pages (indexes.py), refuse
to publish what would take reports offline (keeping.py), publish (publish.py: staging, swap, search
index), save the manifest (manifest.py). What one build leaves for the next in the same process is in
a BuildSession (session.py).

May import: model, read, check, site, render, importer; the preview and the commands import it.
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

from ..model.findings import Finding, GongkaiError
from ..read.files import display_path
from ..read.settings import installation_problems
from ..read.site import Site
from ..site import plan
from . import manifest, outputs, workers
from .indexes import make_index_pages
from .keeping import keep_offices, notices, unpublishable, unreadable_files
from .keys import FileKeys, PageInputs, base_key, office_digest
from .loading import loaded_site, site_path
from .manifest import CACHE_DIR, TEMPLATES_DIR, Manifest
from .offices import (
    OfficeJob,
    OfficeResult,
    Progress,
    build_office,
    collect_records,
    parents_without_unlisted,
    plan_jobs,
)
from .outputs import MARKER_TEXT, check_output, move_in, remove_stale, swap_in, temp_folder, write_file
from .publish import Built, publish
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


@dataclass(frozen=True)
class BuildResult:
    """What a build did: the output, its files and reports, every finding, and what it left to do."""

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
        """Findings that are errors."""
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        """Findings that are warnings."""
        return len(self.findings) - self.errors


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """The findings without repeats, by file, position, rule and message."""
    return sorted(set(findings), key=lambda f: (f.position.path, f.position.line, f.position.column, f.rule, f.message))


def settings_problems(site: Site) -> list[Finding]:
    """What site.yaml asks that this installation cannot give (read/settings.py); `check` reports these
    too, and a build stops on them before it makes a page."""
    return installation_problems(site.settings, display_path(site.root / plan.SITE_FILE))


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
        findings += renderer.table_template_findings()
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
            inputs = PageInputs(site, site_plan, renderer, base, files, last)
            built = _build_into(inputs, staging, jobs, progress, early, drafts, kept_from, frozen)
            findings = sort_findings([*findings, *built.findings])
            reports = unpublishable(findings, built.reports, out, strict, keep_going, kept_offices)
            notice_lines = notices(root, reports, built.records, previous, kept_offices)
            stale = last.written() - built.written if last else set()
            output_changed = bool(last is None or built.made or stale)
            noted = output_changed or files.hashed  # the manifest: files read again may have new times
            forget = functools.partial(manifest.forget, cache_folder, target, session.kept) if noted else None
            published = publish(
                site,
                built,
                staging,
                target,
                previous,
                last,
                moved,
                stale,
                output_changed,
                forget,
                keep_going,
                search_later,
            )
            findings += published.findings
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
        published.make_search_index,
    )


def _build_into(
    inputs: PageInputs,
    staging: Path,
    jobs: int | None,
    progress: Progress | None,
    early: Callable[[list[str], bool], None] | None = None,
    drafts: bool = False,
    kept_from: Manifest | None = None,
    frozen: set[str] = frozenset(),
) -> Built:
    """Make every page whose key changed into `staging`: office by office, then the index pages.
    `early` is given the pages made before the index pages, and whether any report is published.
    `drafts`, `kept_from`, `frozen`: see offices.plan_jobs."""
    site, site_plan, renderer, base, files, previous = (
        inputs.site, inputs.plan, inputs.renderer, inputs.base, inputs.files, inputs.previous
    )  # fmt: skip
    keys, kept, office_jobs = plan_jobs(site, site_plan, base, files, previous, drafts, kept_from, frozen)
    processes = jobs or os.cpu_count() or 1
    with worker_pool(office_jobs, site, staging, processes) as pool:
        results = build_offices(office_jobs, site, renderer, staging, pool, processes)
        with closing(results):
            records, made = collect_records(site, site_plan, base, files, kept, results, keys, progress)
        made += parents_without_unlisted(site, site_plan, renderer, staging, records, office_jobs, previous, made)
        if early is not None:
            early(list(made), any(record.summaries for record in records.values()))
        submit = functools.partial(pool.submit, workers.year_page_job) if pool is not None else None
        index = make_index_pages(inputs, staging, records, keys, submit)
    findings = tuple(f for record in records.values() for f in record.findings) + tuple(index.findings)
    draft_count = sum(url.endswith("/index.html") for record in records.values() for url in record.drafts)
    made += index.made
    return Built(
        index.written, made, keys, records, index.site_pages, index.reports, draft_count, findings, index.lines
    )
