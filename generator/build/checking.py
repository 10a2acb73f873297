"""Checking a whole site, as `gongkai check` does, at the speed of a build.

An office whose files did not change since the last build into the output folder (its office page's
key in the build manifest is unchanged: that page is made from every file the office's findings
depend on, and the key covers Gongkai's code) has the findings the build noted for it. The other
offices are read and checked, by worker processes when there are many reports to read. Either way
the findings are those of reading every report anew (tests/test_checking.py compares them).

May import the layers below build, and the build package (its keys, loading, manifest and workers).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

from ..check import read_reports
from ..model.findings import Finding
from ..read.files import CACHE_DIR
from ..read.settings import Settings
from ..read.site import Office, Site
from ..site import plan, regions
from ..site.regions import Tally  # a data record of the site layer
from . import manifest
from .keys import FileKeys, base_key, page_key
from .loading import loaded_site, settings_problems
from .workers import POOL_MIN_REPORTS, pool_context


class OfficeCheck(NamedTuple):
    """What checking an office gives: its report files read, every finding, and the publication
    date (None when not given) of each report that can be published (not a draft), by year."""

    reports: int
    findings: tuple[Finding, ...]
    published: tuple[tuple[int, date | None], ...]
    tallies: dict[int, Tally]  # by year: what the 汇总 check of a parent office needs of it


@dataclass(frozen=True)
class SiteCheck:
    """What checking the whole site gives."""

    site: Site
    reports: int  # report files read
    findings: list[Finding]
    published: dict[tuple[str, int], date | None]  # (office, year) -> publication date, of publishable reports
    from_manifest: int  # offices whose findings the last build's manifest gave


def check_site(root: Path, out: Path | None = None, jobs: int | None = None) -> SiteCheck:
    """Every finding of the site. `out`: the output folder whose build manifest may serve (default
    root/public); `jobs`: worker processes (default: one per core, when there are many reports to read)."""
    root = Path(root)
    target = (Path(out) if out is not None else root / "public").resolve()
    previous = manifest.load(root / CACHE_DIR, target, plan.MARKER)
    site, findings, _ = loaded_site(root, previous)
    findings += settings_problems(site)
    site_plan, _ = plan.plan_site(site)
    known = _unchanged_records(root, site, site_plan, previous) if previous is not None else {}
    todo = [office for slug, office in site.offices.items() if slug not in known]
    checked = dict(zip((office.slug for office in todo), _check_offices(todo, site.settings, jobs)))
    count = 0
    published = {}
    tallies = {}
    for slug in site.offices:
        office = known[slug] if slug in known else checked[slug]
        count += office.reports
        findings += office.findings
        published.update(((slug, year), day) for year, day in office.published)
        tallies[slug] = office.tallies
    names = {slug: office.name for slug, office in site.offices.items()}
    findings += regions.check_summed_reports(tallies, site_plan.children, names)  # 汇总 reports against their children
    return SiteCheck(site, count, findings, published, len(known))


def _unchanged_records(
    root: Path, site: Site, site_plan: plan.Plan, previous: manifest.Manifest
) -> dict[str, OfficeCheck]:
    """What the last build noted of each office it read whose files are unchanged since."""
    base = base_key(root, search=site.settings.search)
    if previous.base != base:
        return {}  # Gongkai or the layouts changed: the findings may have too
    files = FileKeys(root, previous)
    known = {}
    for slug in site_plan.offices:
        record = previous.offices.get(slug)
        page = site_plan.office_page(slug)
        if record is not None and previous.pages.get(page.url) == page_key(base, page, files):
            published = tuple((s.year, s.published) for s in record.summaries)
            known[slug] = OfficeCheck(record.reports, record.findings, published, record.tallies)
    return known


def check_office(office: Office, settings: Settings) -> OfficeCheck:
    """An office's reports read and checked."""
    read = list(read_reports(office, settings=settings))
    tallies = {year: regions.tally_of(report) for (year, _), (report, _) in zip(office.report_files, read, strict=True)}
    published = tuple((report.year, report.published) for report, _ in read if report is not None and not report.draft)
    return OfficeCheck(len(read), tuple(f for _, more in read for f in more), published, tallies)


def _check_job(job: tuple[Office, Settings]) -> OfficeCheck:
    return check_office(*job)


def _check_offices(offices: list[Office], settings: Settings, jobs: int | None) -> Iterator[OfficeCheck]:
    """check_office of each office, in order; by worker processes when there are many reports to read."""
    workers = jobs or os.cpu_count() or 1
    reports = sum(len(office.report_files) for office in offices)
    if workers <= 1 or len(offices) <= 1 or reports < POOL_MIN_REPORTS:
        for office in offices:
            yield check_office(office, settings)
        return
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, min(20, len(offices) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context()) as pool:
        yield from pool.map(_check_job, [(office, settings) for office in offices], chunksize=chunk)
