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

The stages, in build_site: load the site (loading.py, or the last build's Site) and refuse settings it
cannot honour, plan every page (the session's plan), key them (keys.py), make the pages whose keys
changed (making.py: the offices, offices.py, by worker processes, workers.py; then the index pages,
indexes.py), refuse to publish what would take reports offline (keeping.py), publish (publish.py:
staging, swap, search index), save the manifest (manifest.py). What one build leaves for the next in
the same process is in a BuildSession (session.py).

May import: model, read, check, site, render, importer; the preview and the commands import it.
"""

from __future__ import annotations

import functools
import shutil
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from ..model.findings import GongkaiError, sort_findings
from ..read.files import CACHE_DIR
from ..site import plan
from . import manifest, outputs
from .keeping import keep_offices, notices, unpublishable
from .keys import FileKeys, PageInputs, base_key
from .loading import loaded_site, refused_settings, settings_problems, site_path
from .making import make_pages
from .manifest import TEMPLATES_DIR, Manifest
from .offices import Progress
from .outputs import check_output, temp_folder
from .publish import BuildResult, publish
from .session import BuildSession
from .workers import no_collections

# The build's public names (its stages' modules have more):
__all__ = [
    "CACHE_DIR",
    "BuildResult",
    "BuildSession",
    "build_site",
    "check_output",
    "settings_problems",
    "sort_findings",
]


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
        if problems := refused_settings(site, findings):
            raise GongkaiError(problems)
        check_output(root, out)

        renderer, layouts_key = session.renderer(root / "layouts", cache_folder / TEMPLATES_DIR)
        findings += renderer.table_template_findings()
        static = {name: site_path(root, path) for name, path in renderer.static_files().items()}
        extra_files, more = outputs.extra_files(root)
        findings += more
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
            built = make_pages(inputs, staging, jobs, progress, early, drafts, kept_from, frozen)
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
    return BuildResult(
        out,
        len(built.written),
        built.reports,
        len(reports),
        tuple(findings),
        time.perf_counter() - started,
        len(built.made),
        notice_lines,
        built.drafts,
        None if save_manifest else save,
        published.make_search_index,
    )
