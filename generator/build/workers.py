"""The pool of worker processes a big build reads offices and makes year pages with, and the cycle
collector's settings for a build and its workers.

A worker process is set up once, by the pool's initializer (start_worker), with what every job it
is given needs: the site, a renderer of the layouts and the staging folder. That setup is the
worker process's own (WorkerSetup, in `_setup`): it is never set in the build's process, lives as
long as the worker does, and is not shared between builds (each build makes its own pool).

May import the layers below build, and build.offices, build.indexes, build.manifest, build.outputs.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..model.findings import Finding, GongkaiError
from ..read.files import CACHE_DIR
from ..read.site import Site
from ..render.renderer import Renderer
from . import indexes
from .indexes import YearPageJob
from .manifest import TEMPLATES_DIR
from .offices import OfficeJob, OfficeResult, build_office
from .outputs import write_file

if TYPE_CHECKING:  # imported where a pool of worker processes is made: an update that makes none saves 0.03 s
    import multiprocessing.context
    from concurrent.futures import ProcessPoolExecutor


POOL_MIN_REPORTS = 1000  # fewer reports to read are read here: starting worker processes would cost more


@dataclass(frozen=True)
class WorkerSetup:
    """What a worker process makes every page with: set once, when the process starts."""

    site: Site
    renderer: Renderer
    folder: Path  # the build's staging folder


_setup: WorkerSetup | None = None  # in a worker process only: its setup, made by start_worker


def start_worker(site: Site, folder: Path) -> None:
    """The pool's initializer: set up this worker process (its collector, and its WorkerSetup)."""
    global _setup
    gc.freeze()  # what the worker starts with lives as long as it does: never scan it again
    gc.set_threshold(50_000, 50, 1000)
    gc.enable()  # rendering makes some cycles (and a fork inherits the build's switched-off collector)
    _setup = WorkerSetup(site, Renderer(site.root / "layouts", site.root / CACHE_DIR / TEMPLATES_DIR), folder)


def office_job(job: OfficeJob) -> OfficeResult:
    """An office built in a worker process (see offices.build_office)."""
    return build_office(job, _setup.site, _setup.renderer, _setup.folder)


@contextmanager
def worker_pool(
    office_jobs: list[OfficeJob], site: Site, folder: Path, jobs: int
) -> Iterator[ProcessPoolExecutor | None]:
    """A pool of worker processes for a build with enough to do, or None: few reports are read here,
    since starting worker processes would cost more."""
    reports = sum(len(job.office.report_files) for job in office_jobs)
    if jobs <= 1 or len(office_jobs) <= 1 or reports < POOL_MIN_REPORTS:
        yield None
        return
    from concurrent.futures import ProcessPoolExecutor

    lean = Site(site.root, site.settings, {})  # jobs carry their offices
    gc.freeze()  # forked workers share this process's objects: a collection would touch, and so copy, them all
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=pool_context(), initializer=start_worker, initargs=(lean, folder)
    )
    try:
        yield pool
    finally:  # also when the build stops early: no worker may still write once the folder is removed
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


def build_offices(
    office_jobs: list[OfficeJob],
    site: Site,
    renderer: Renderer,
    folder: Path,
    pool: ProcessPoolExecutor | None,
    jobs: int,
) -> Iterator[OfficeResult]:
    """Each job's result, in order, built here or by the pool's `jobs` worker processes."""
    if pool is None:
        for job in office_jobs:
            yield build_office(job, site, renderer, folder)
        return
    chunk = max(1, min(20, len(office_jobs) // (jobs * 8)))  # small at the end: no worker long alone
    yield from pool.map(office_job, office_jobs, chunksize=chunk)


def pool_context() -> multiprocessing.context.BaseContext:
    """Forked workers start at once. A process with other threads (`gongkai serve`) must not fork:
    its workers come from a fork server (which imports the main module: see __main__.py); where
    neither exists (Windows), from fresh interpreters."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1 and sys.platform != "darwin":
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


@contextmanager
def no_collections() -> Iterator[None]:
    """No cycle collection during a build. The collector would rescan every live object again and
    again while a build allocates millions of short-lived ones, yet the build's data (manifest, site,
    plan, summaries) has no cycles, and what it makes and drops is freed as soon as it is dropped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def year_page_job(job: YearPageJob) -> tuple[Finding, ...]:
    """A year page made in a worker process, written into the staging folder; a template error's
    findings are returned, not raised."""
    try:
        data = indexes.year_page(_setup.site.settings, _setup.renderer, *job)
    except GongkaiError as exc:
        return tuple(exc.findings)
    write_file(_setup.folder, job[0].url, data)
