"""Checking a whole site, as `gongkai check` does, at the speed of a build.

An office whose files did not change since the last build into the output folder (its office page's
key in the build manifest is unchanged: that page is made from every file the office's findings
depend on, and the key covers Gongkai's code) has the findings the build noted for it. The other
offices are read and checked, by worker processes when there are many reports to read. Either way
the findings are those of reading every report anew (tests/test_checking.py compares them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from . import build, manifest, plan
from .cache import CACHE_DIR
from .findings import Finding
from .manifest import FileKeys
from .site import Office, Settings, Site, read_reports

POOL_MIN_REPORTS = build.POOL_MIN_REPORTS


def check_site(root: Path, out: Path | None = None, jobs: int | None = None) -> tuple[Site, int, list[Finding], int]:
    """Every finding of the site: (site, reports read, findings, offices taken from the manifest).
    `out`: the output folder whose build manifest may serve (default root/public)."""
    root = Path(root)
    target = (Path(out) if out is not None else root / "public").resolve()
    previous = manifest.load(root / CACHE_DIR, target, plan.MARKER)
    site, findings, _ = build._load_site(root, previous)
    known = _unchanged_records(root, site, previous) if previous is not None else {}
    todo = [office for slug, office in site.offices.items() if slug not in known]
    checked = dict(zip((office.slug for office in todo), _check_offices(todo, site.settings, jobs)))
    count = 0
    for slug in site.offices:
        reports, more = known[slug] if slug in known else checked[slug]
        count += reports
        findings += more
    return site, count, findings, len(known)


def _unchanged_records(root: Path, site: Site, previous: manifest.Manifest) -> dict[str, tuple[int, tuple]]:
    """(reports, findings) of each office the last build read whose files are unchanged since."""
    base = build.base_key(root)
    if previous.base != base:
        return {}  # Gongkai or the layouts changed: the findings may have too
    site_plan, _ = plan.plan_site(site)
    files = FileKeys(root, previous)
    known = {}
    for slug in site_plan.offices:
        record = previous.offices.get(slug)
        page = site_plan.office_page(slug)
        if record is not None and previous.pages.get(page.url) == build._page_key(base, page, files):
            known[slug] = (record.reports, record.findings)
    return known


def check_office(office: Office, settings: Settings) -> tuple[int, tuple[Finding, ...]]:
    """An office's reports read and checked: how many, and every finding."""
    read = list(read_reports(office, settings=settings))
    return len(read), tuple(f for _, more in read for f in more)


def _check_job(job: tuple[Office, Settings]) -> tuple[int, tuple[Finding, ...]]:
    return check_office(*job)


def _check_offices(offices: list[Office], settings: Settings, jobs: int | None) -> Iterator[tuple[int, tuple]]:
    """check_office of each office, in order; by worker processes when there are many reports to read."""
    workers = jobs or os.cpu_count() or 1
    reports = sum(len(office.report_files) for office in offices)
    if workers <= 1 or len(offices) <= 1 or reports < POOL_MIN_REPORTS:
        for office in offices:
            yield check_office(office, settings)
        return
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, min(20, len(offices) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=build._pool_context()) as pool:
        yield from pool.map(_check_job, [(office, settings) for office in offices], chunksize=chunk)
