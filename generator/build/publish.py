"""Publishing a build: putting what it made into the output folder, whole or page by page, with the
search index, and removing what no build made; and what the build did, for its caller (BuildResult).

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

May import the layers below build, and build.csvlines, build.manifest, build.outputs, build.search.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..model.findings import Finding, summary_counts
from ..read.site import Site
from ..site import plan
from . import outputs, search
from .csvlines import ReportLines
from .manifest import Manifest, OfficeRecord
from .outputs import MARKER_TEXT, copy_kept, remove_stale, swap_in, write_file


@dataclass(frozen=True)
class Built:
    """What a build made into its staging folder, and what it knows of every page of the output."""

    written: set[str]  # every page in the output after this build
    made: list[str]  # pages made by this build, in the staging folder
    keys: dict[str, bytes]
    records: dict[str, OfficeRecord]
    site_pages: tuple[str, ...]
    reports: int
    drafts: int
    findings: tuple[Finding, ...]
    lines: ReportLines


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
        return summary_counts(self.findings)[0]

    @property
    def warnings(self) -> int:
        """Findings that are warnings."""
        return summary_counts(self.findings)[1]


class Published(NamedTuple):
    """What publishing a build leaves for its result."""

    findings: list[Finding]  # a line for each file that no build made, removed from the output
    make_search_index: Callable[[], None] | None  # with search_later: makes the index from the output


def publish(
    site: Site,
    built: Built,
    staging: Path,
    target: Path,
    previous: Manifest | None,
    last: Manifest | None,
    moved: list[str],
    stale: set[str],
    output_changed: bool,
    forget: Callable[[], None] | None,
    keep_going: bool = False,
    search_later: bool = False,
) -> Published:
    """Put the build staged in `staging` into the output folder `target`: swapped in whole without a
    usable manifest of the last build (`last`), else page by page (`moved`: those moved in already),
    the `stale` pages deleted. `forget` (when the manifest is to change) removes the manifest before
    the first page is moved. The search index is made first (a failed index changes nothing), or,
    with `search_later`, by the result's make_search_index."""
    # Files no build wrote are removed, in full builds and updates alike, each with a line.
    own = (search.INDEX_DIR,) if site.settings.search else ()
    findings = outputs.remove_foreign(
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
        if forget is not None:
            forget()
        outputs.move_in(staging, target, built.made[len(moved) :])
        remove_stale(target, stale, built.written)
        if output_changed:  # a new marker file: a manifest of another cache no longer matches this folder
            write_file(staging, plan.MARKER, MARKER_TEXT)
            os.replace(staging / plan.MARKER, target / plan.MARKER)
        if indexed and not search_later:
            search.replace_index(staging / search.INDEX_DIR, target)
        shutil.rmtree(staging, ignore_errors=True)
    return Published(findings, make_search_index)
