"""Making the pages of a build whose keys changed into its staging folder: office by office (by worker
processes when there is enough to do), then the index pages.

May import the layers below build, and build.indexes, build.keys, build.manifest, build.offices,
build.publish, build.workers.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from . import workers
from .indexes import make_index_pages
from .keys import PageInputs
from .manifest import Manifest
from .offices import Progress, collect_records, parents_without_unlisted, plan_jobs
from .publish import Built
from .workers import build_offices, worker_pool


def make_pages(
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
