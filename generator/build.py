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
import gc
import glob
import importlib.util
import os
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import __version__, export, manifest, outputs, pages, plan, regions, search
from .cache import CACHE_DIR, ParseCache
from .files import display_path
from .findings import Finding, GongkaiError, Position, error
from .format import Label
from .manifest import FileKeys, Manifest, OfficeRecord, digest
from .render import Renderer
from .report import Report, read_report
from .schema import schema_text
from .site import Office, Settings, Site, is_report_path, load_site, read_reports

if TYPE_CHECKING:  # imported where a pool of worker processes is made: an update that makes none saves 0.03 s
    import multiprocessing.context
    from concurrent.futures import ProcessPoolExecutor

MARKER_TEXT = (
    "This folder is made by `gongkai build`, which updates it on every build: it deletes files no build made.\n"
)
TEMPLATES_DIR = "templates"  # in the cache folder: compiled templates
POOL_MIN_REPORTS = 1000  # fewer reports to read are read here: starting worker processes would cost more

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


class _Reader(ParseCache):
    """How build_office has read_reports read report files: noting each file's digest for the manifest,
    and keeping no parse cache. Writing a parse to disk costs more than parsing the file again (~1 ms
    per report on the development machine), and an unchanged office is not read at all: its summaries
    and findings are in the manifest."""

    def __init__(self, files: FileKeys):
        super().__init__(None)
        self.files = files

    def read(self, file: Path, path: str, office: str) -> tuple[Report | None, list[Finding], str]:
        data = self.files.read(f"content/{office}/{file.name}")
        report, findings = read_report(file, path, office, data=data)
        return report, findings, ""


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(set(findings), key=lambda f: (f.position.path, f.position.line, f.position.column, f.rule, f.message))


# --- the output folder -------------------------------------------------------------------------------


def check_output(site_root: Path, out: Path) -> None:
    """Refuse an output folder that would overwrite content or a folder Gongkai did not make."""
    root = site_root.resolve()
    target = out.resolve()
    shown = display_path(out)
    if target == root or target in root.parents:
        raise GongkaiError(
            f"输出目录 {shown} 包含站点目录本身；请另选输出目录，如 {display_path(site_root / 'public')}"
        )
    for folder in ("content", "layouts", CACHE_DIR):
        inner = root / folder
        if target == inner or inner in target.parents:
            raise GongkaiError(
                f"输出目录 {shown} 在站点的 {folder} 目录里；请另选输出目录，如 {display_path(site_root / 'public')}"
            )
    if target.exists() and not target.is_dir():
        raise GongkaiError(f"输出目录 {shown} 是一个文件，不是目录；请另选输出目录")
    if target.is_dir() and not (target / plan.MARKER).is_file() and any(target.iterdir()):
        raise GongkaiError(
            f"输出目录 {shown} 不是空目录，也不是 Gongkai 生成的（没有 {plan.MARKER} 标记文件）；"
            "为免误删其中的文件，未做任何修改。请另选输出目录，或先清空这个目录"
        )


def _temp_folder(out: Path) -> Path:
    """A new folder beside the output (same file system, so the swap is a rename), with normal permissions.
    Folders left there by builds that were killed (their process is gone) are removed first."""
    out.parent.mkdir(parents=True, exist_ok=True)
    for left in out.parent.glob(f".{glob.escape(out.name)}.*-*-*"):
        kind, _, rest = left.name[len(out.name) + 2 :].partition("-")
        pid = rest.partition("-")[0]
        if kind in ("building", "old") and pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(left, ignore_errors=True)
    temp = out.parent / f".{out.name}.building-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    temp.mkdir()
    return temp


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but is another user's
        return True
    return True


def swap_in(temp: Path, out: Path) -> None:
    """Replace the output by the finished build: rename the old one away, the new one in, delete the old."""
    if not out.exists():
        temp.rename(out)
        return
    old = temp.with_name(temp.name.replace(".building-", ".old-"))
    try:
        out.rename(old)
    except OSError:  # a mount point or a busy folder cannot move: replace what is inside instead
        _replace_contents(temp, out)
        return
    try:
        temp.rename(out)
    except OSError:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _replace_contents(temp: Path, out: Path) -> None:
    for entry in sorted(out.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in sorted(temp.iterdir()):
        entry.rename(out / entry.name)
    temp.rmdir()


def move_in(staging: Path, out: Path, urls: list[str]) -> None:
    """Move the staged files into the output, each replacing its old version in one rename."""
    made: set[str] = set()
    for url in urls:
        folder = url.rpartition("/")[0]
        if folder and folder not in made:
            os.makedirs(os.path.join(out, folder), exist_ok=True)
            made.add(folder)
        os.replace(os.path.join(staging, url), os.path.join(out, url))


def remove_stale(out: Path, stale: set[str], live: set[str]) -> None:
    """Delete the files of pages that no longer exist. A folder left without any page is deleted whole
    (files that no build wrote are gone by then: outputs.remove_foreign)."""
    if not stale:
        return
    live_folders = {url[:i] for url in live for i, char in enumerate(url) if char == "/"}
    for url in sorted(stale):
        dead, parts = "", url.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder not in live_folders:
                dead = folder
                break
        if dead:
            shutil.rmtree(os.path.join(out, dead), ignore_errors=True)
        else:
            Path(out, url).unlink(missing_ok=True)


def write_file(folder: Path | str, url: str, data: bytes | str) -> None:
    """Write a new file of the build (one open and write; its folder is made when missing)."""
    path = os.path.join(folder, url)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


# --- keys --------------------------------------------------------------------------------------------


@functools.cache
def _code_key() -> bytes:
    """Gongkai's version, code and format definitions, and the libraries that shape the output."""
    package = Path(__file__).parent
    parts = [__version__.encode()]
    # Each library as installed: where, and its module file's size and time, which installing another
    # version (or the same again) changes. (Asking importlib.metadata for versions costs more than
    # a twentieth of a second, to import it and to search the installed packages.)
    for name in ("jinja2", "markdown", "nh3", "yaml", "markupsafe"):
        file = _module_file(name)
        found = os.stat(file)
        parts.append(f"{name} {file} {found.st_size} {found.st_mtime_ns}".encode())
    for file in sorted([*package.rglob("*.py"), *package.glob("formats/*.yaml")]):
        parts += [file.relative_to(package).as_posix().encode(), file.read_bytes()]
    return digest(*parts)


def _module_file(name: str) -> str:
    """A library's module file, found without importing it (Markdown is imported only when needed)."""
    module = sys.modules.get(name)
    return module.__file__ if module is not None else importlib.util.find_spec(name).origin


_last_renderer: dict = {}  # the last build's renderer, and what it was made from


def _renderer(layouts: Path, cache: Path) -> tuple[Renderer, bytes]:
    """A renderer of the layouts, its templates checked, and their key. A preview builds again and again
    in one process: the last build's renderer serves while its templates are the same, compiled and
    with its table skeletons made (a hundredth of a second a build)."""
    renderer = Renderer(layouts, cache)
    key = _layouts_key(renderer)
    made_from = (renderer.folders, cache, key)
    if _last_renderer.get("made_from") == made_from:
        return _last_renderer["renderer"], key
    renderer.check_templates()
    _last_renderer.update(renderer=renderer, made_from=made_from)
    return renderer, key


def _layouts_key(renderer: Renderer) -> bytes:
    """The templates, a site's own first (static files are pages of their own, with their own keys)."""
    parts = []
    for index, name, file in renderer.layout_files():
        parts += [f"{index}:{name}".encode(), file.read_bytes()]
    return digest(*parts)


def base_key(root: Path, layouts_key: bytes | None = None, drafts: bool = False, search: bool = False) -> bytes:
    """The part of every page's key that is not its files': Gongkai's code, the layouts, how the
    content folder is shown (in messages), whether drafts are shown and whether the site has search.
    `layouts_key`: the layouts' key, when already taken."""
    if layouts_key is None:
        layouts_key = _layouts_key(Renderer(root / "layouts"))
    content = display_path(root / "content").encode()
    return digest(_code_key(), layouts_key, content, b"drafts" * drafts, b"search" * search)


def office_digest(office: Office, summaries: tuple[pages.ReportSummary, ...], written: tuple[str, ...]) -> bytes:
    """All that index pages show of an office: its details, its reports' summaries, its pages."""
    return digest(repr((office, summaries, written)).encode())


def _page_key(base: bytes, page: plan.Page, files: FileKeys) -> bytes:
    return digest(base, page.url.encode(), *(files(path) for path in page.inputs))


def _unchanged(
    slug: str,
    site_plan: plan.Plan,
    base: bytes,
    files: FileKeys,
    previous: Manifest,
    keys: dict[str, bytes],
    same_plan: bool = False,
) -> bool:
    """Whether none of an office's pages changed, told by its office page alone: that page is made from
    every file any page of the office is made from (plan.py). If so, their keys are the last build's:
    already in `keys` when the plan is the last build's, else copied there."""
    office_page = site_plan.office_page(slug)
    # None of its files changed (by their stats, or as the preview was told), and its pages are made
    # from the same files.
    known = same_plan and previous.base == base and files.as_before(office_page.inputs)
    if not known and previous.pages.get(office_page.url) != _page_key(base, office_page, files):
        return False
    if same_plan:
        return True
    office_pages = site_plan.office_pages(slug)
    old = [previous.pages.get(page.url) for page in office_pages]
    if None in old:
        return False
    keys.update(zip((page.url for page in office_pages), old))
    return True


class _IndexDigests(NamedTuple):
    """What index pages list, as digests taken once per build: of every office, and by year, of each
    office's report (in the order of the year's offices)."""

    offices: bytes
    years: dict[int, list[bytes]]
    before: dict[int, list[bytes]]  # by year, of each of its offices' report of the year before (its change)


def _index_digests(site_plan: plan.Plan, records: dict[str, OfficeRecord]) -> _IndexDigests:
    every = digest(*(records[slug].digest for slug in site_plan.offices))
    years = {
        year: [records[slug].year_digests.get(year, manifest.MISSING) for slug in slugs]
        for year, slugs in site_plan.year_offices.items()
    }
    before = {
        year: [records[slug].year_digests.get(year - 1, manifest.MISSING) for slug in slugs]
        for year, slugs in site_plan.year_offices.items()
    }
    return _IndexDigests(every, years, before)


def _site_page_key(
    base: bytes,
    page: plan.Page,
    site_plan: plan.Plan,
    years: tuple[int, ...],
    files: FileKeys,
    digests: _IndexDigests,
    counts: dict[int, int],
    listed: str = "",
) -> bytes:
    """An index page's key: the summaries it lists (a digest per office, or per office and year), and
    what it counts; `years`: those with a report published; `listed`: other pages it links to."""
    facts = f"{years} {listed}"
    if page.kind == "year":
        rows = slice(None) if page.number == 1 else plan.year_page_rows(page.number)  # the 1st compares them all
        summaries = digests.years.get(page.year, [])[rows] + digests.before.get(page.year, [])[rows]
        facts += f" {counts.get(page.year, 0)} {site_plan.year_pages(page.year)}"
    elif page.kind == "year_csv":
        summaries = digests.years.get(page.year, [])
    elif page.kind in ("accessibility", "not_found", "robots", "schema"):
        summaries = []
    else:  # home, feed, data files, sitemap, status: every office
        if page.kind in ("status", "status_csv"):
            facts += f" as of {site_plan.as_of}"
        facts += " ".join(p.url for p in site_plan.site_pages())
        summaries = [digests.offices]
    return digest(base, page.url.encode(), files(plan.SITE_FILE), facts.encode(), *summaries)


# --- one office --------------------------------------------------------------------------------------


def build_office(job: OfficeJob, site: Site, renderer: Renderer, folder: Path) -> OfficeResult:
    """Read an office's reports; write the pages to make (job.todo)."""
    office = job.office
    settings = site.settings
    files = FileKeys(site.root, None)
    files(f"content/{office.slug}/office.yaml")
    read = list(read_reports(office, _Reader(files), settings))
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
                *(pages.summarize(report, more, office) for report, more in published.values() if not report.draft),
                *kept,
            ],
            key=attrgetter("year"),
        )
    )
    drafts = [pages.summarize(report, more, office) for report, more in readable.values() if report.draft]
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
                    from .word import report_docx  # python-docx loads only in builds that make documents

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
    last: dict[int, regions.Tally],
    kept: set[int],
) -> dict[int, regions.Tally]:
    """What a summary of the office's parent needs of each report: never a draft's figures, nor an
    unreadable one's, unless it is kept as last published (--keep-going): then as it was (`last`)."""
    tallies = {
        year: last.get(year, regions.tally_of(None)) if year in kept else regions.tally_of(None) for year in unreadable
    }
    tallies.update((year, regions.tally_of(report)) for year, (report, _) in readable.items())
    return dict(sorted(tallies.items()))


_worker: dict = {}  # per worker process: the site, renderer and staging folder, set once by _start_worker


def _start_worker(site: Site, folder: Path) -> None:
    gc.freeze()  # what the worker starts with lives as long as it does: never scan it again
    gc.set_threshold(50_000, 50, 1000)
    gc.enable()  # rendering makes some cycles (and a fork inherits the build's switched-off collector)
    _worker.update(
        site=site, renderer=Renderer(site.root / "layouts", site.root / CACHE_DIR / TEMPLATES_DIR), folder=folder
    )


def _office_job(job: OfficeJob) -> OfficeResult:
    return build_office(job, _worker["site"], _worker["renderer"], _worker["folder"])


@contextmanager
def _workers(office_jobs: list[OfficeJob], site: Site, folder: Path, jobs: int) -> Iterator[ProcessPoolExecutor | None]:
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
        max_workers=jobs, mp_context=_pool_context(), initializer=_start_worker, initargs=(lean, folder)
    )
    try:
        yield pool
    finally:  # also when the build stops early: no worker may still write once the folder is removed
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


def _build_offices(
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
    yield from pool.map(_office_job, office_jobs, chunksize=chunk)


def _pool_context() -> multiprocessing.context.BaseContext:
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
def _no_collections() -> Iterator[None]:
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


# --- the whole site ----------------------------------------------------------------------------------


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


def _load_site(
    root: Path, previous: Manifest | None, changed: frozenset[str] | None = None
) -> tuple[Site, list[Finding], tuple]:
    """site.load_site, or what it returned to the last build if nothing it reads has changed since:
    site.yaml, the list of content/, each office folder's list and office.yaml (by their stat; a
    folder's times change when a file is added, removed or renamed in it). Reading 5,000 office
    files costs more than a third of a second; their stats, a fortieth. When the preview was told
    which files changed and they are all report files that were there and still are, not even that."""
    if (
        previous is not None
        and previous.site
        and changed is not None
        and all(
            is_report_path(path) and path in previous.files and os.path.isfile(os.path.join(root, path))
            for path in changed
        )
    ):
        site, findings = previous.site
        return site, list(findings), previous.listing
    listing = _listing(root)
    if previous is not None and previous.listing == listing and previous.site:
        newest = max((max(mtime, ctime) for _, _, mtime, ctime, _ in filter(None, listing[1:])), default=0)
        if newest < previous.started_ns - manifest.RACY_NS:
            site, findings = previous.site
            return site, list(findings), listing
    site, findings = load_site(root)
    return site, findings, listing


def _listing(root: Path) -> tuple:
    """The site's folder and how its content folder is shown, then the stats of site.yaml, content/,
    and each office's folder and office.yaml (by their paths in the site; () for one not found)."""
    prefix = os.path.join(root, "")

    def stat(path: str) -> tuple[str, int, int, int, int] | tuple[()]:
        try:
            found = os.stat(prefix + path)
        except OSError:
            return ()
        return (path, found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)

    listing = [(str(root), display_path(root / "content")), stat(plan.SITE_FILE), stat("content")]
    try:
        folders = sorted(entry.name for entry in os.scandir(prefix + "content") if not entry.name.startswith("."))
    except OSError:
        folders = []
    for name in folders:
        listing += [stat(f"content/{name}"), stat(f"content/{name}/office.yaml")]
    return tuple(listing)


_last_plan: list = []  # [site, static files, plan, findings, as-of date] of the last build in this process


def _plan_site(
    site: Site, static_files: dict[str, str], extra_files: dict[str, str], as_of: date
) -> tuple[plan.Plan, list[Finding]]:
    """plan.plan_site, or the plan made for the same Site object (kept by a long-running process: serve)."""
    inputs = (static_files, extra_files, as_of)
    if _last_plan and _last_plan[0] is site and _last_plan[1] == inputs:
        return _last_plan[2], list(_last_plan[3])
    site_plan, findings = plan.plan_site(site, static_files, extra_files, as_of)
    _last_plan[:] = [site, inputs, site_plan, tuple(findings)]
    return site_plan, findings


def _site_path(root: Path, file: Path) -> str:
    """A file as a page input: relative to the site when inside it, else absolute."""
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(file.resolve())


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
    """
    started = time.perf_counter()
    started_ns = time.time_ns()
    root = Path(root)
    out = Path(out) if out is not None else root / "public"
    target = out.resolve()  # a symlinked output folder: build beside, and replace, the real one
    cache_folder = root / CACHE_DIR
    with _no_collections():
        previous = manifest.load(cache_folder, target, plan.MARKER)
        hinted = None if changed is None else frozenset(_site_path(root, Path(p)) for p in changed)
        site, site_findings, listing = _load_site(root, previous, hinted)
        kept_offices: dict[str, bool] = {}  # office.yaml (as findings show it) -> kept as last published
        if keep_going:
            site, kept_offices = _keep_offices(site, site_findings, previous)
        findings = list(site_findings)
        if problems := _settings_problems(site, findings):
            raise GongkaiError(problems)
        check_output(root, out)

        renderer, layouts_key = _renderer(root / "layouts", cache_folder / TEMPLATES_DIR)
        static_files = renderer.static_files()
        extra_files, more = outputs.extra_files(root)
        findings += more
        static = {name: _site_path(root, path) for name, path in static_files.items()}
        site_plan, more = _plan_site(site, static, extra_files, as_of or date.today())
        findings += more
        files = FileKeys(root, previous, hinted)
        if hinted is None:
            files.seen(listing[1:])  # site.yaml and office.yaml: their stats just taken
        base = base_key(root, layouts_key, drafts, site.settings.search)
        # When Gongkai's code or the layouts changed, so did every page's key: the build then makes the
        # whole site, as without a manifest, and swaps it in whole (moving in 65,000 pages one by one
        # costs more than a third of the build). The last build's file digests and site still serve.
        last = previous if previous is not None and previous.base == base else None

        staging = _temp_folder(target)
        moved: list[str] = []  # pages moved in before the index pages were made

        def move_early(made: list[str], published: bool) -> None:
            if last is not None and made and published:
                manifest.forget(cache_folder, target)
                move_in(staging, target, made)
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
            reports = {path for path in unreadable if is_report_path(_content_path(path))}
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
            notices = _notices(root, reports, built.records, previous, kept_offices)
            stale = last.written() - built.written if last else set()
            output_changed = bool(last is None or built.made or stale)
            noted = output_changed or files.hashed  # the manifest: files read again may have new times
            # Files no build wrote are removed, in full builds and updates alike, each with a line.
            own = (search.INDEX_DIR,) if site.settings.search else ()
            findings += outputs.remove_foreign(
                target, built.written | (previous.written() if previous else set()), plan.MARKER, own
            )
            whole = last is None or not (target / search.INDEX_DIR).is_dir()
            indexed = _search_pages(site, built, stale, whole)
            make_search_index = None
            if indexed and search_later:
                make_search_index = functools.partial(_index_output, target, indexed)
            if last is None:
                if previous is not None and keep_going:  # a whole new site, but for the reports kept as they were
                    _copy_kept(target, staging, built.written.difference(built.made, built.site_pages))
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
                    manifest.forget(cache_folder, target)
                move_in(staging, target, built.made[len(moved) :])
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
            with _no_collections():
                manifest.save(cache_folder, new_manifest, last)

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
        notices,
        built.drafts,
        None if save_manifest else save,
        make_search_index,
    )


def _search_pages(site: Site, built: _Built, stale: set[str], whole: bool) -> list[str]:
    """The published report pages, when the search index must be made (again): for a whole new site
    or a missing index, or when a report page was made or removed; else none."""
    if not site.settings.search:
        return []
    urls = sorted(plan.report_url(slug, s.year) for slug, record in built.records.items() for s in record.summaries)
    if whole or any(map(plan.is_report_url, stale)) or not set(built.made).isdisjoint(urls):
        return urls
    return []


def _index_output(out: Path, urls: list[str]) -> None:
    """The preview's search index, made from the pages in the output, after they are shown."""
    work = _temp_folder(out)
    try:
        search.make_index([(url, out / url) for url in urls], work / search.INDEX_DIR, plan.SITE_FILE)
        search.replace_index(work / search.INDEX_DIR, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def unreadable_files(findings: Iterable[Finding]) -> list[str]:
    """The files (as findings show them) that cannot be read or do not fit the format: those with an
    error that is not a consistency rule's."""
    return sorted({f.position.path for f in findings if f.severity == "error" and not f.rule})


def _content_path(path: str) -> str:
    """content/<office>/<file> of a file as findings show it (relative to where Gongkai runs)."""
    return "/".join(["content", *Path(path).parts[-2:]])


def _keep_offices(site: Site, findings: list[Finding], previous: Manifest | None) -> tuple[Site, dict[str, bool]]:
    """--keep-going: each office whose office.yaml cannot be read stays as the last build published it
    (the Site then has its Office as it was then, and the build copies its record), or, never
    published, is left out. Returns the site to build, and each such office.yaml with whether it is kept."""
    problems = {
        f.position.path
        for f in findings
        if f.severity == "error" and not f.rule and Path(f.position.path).name == "office.yaml"
    }
    if not problems:
        return site, {}
    last_site = previous.site[0] if previous is not None and previous.site else None
    offices = dict(site.offices)
    kept = {}
    for path in sorted(problems):
        slug = Path(path).parent.name
        published = previous is not None and slug in previous.offices
        old = last_site.offices.get(slug) if last_site is not None and published else None
        if published and old is None:
            raise GongkaiError(
                [f for f in findings if f.position.path == path]
                + [error(Position(path), "无法读取，且找不到上次发布时的机关信息，无法保留：请改正后再构建")]
            )
        kept[path] = old is not None
        if old is not None:
            offices[slug] = old
        else:
            offices.pop(slug, None)
    return Site(site.root, site.settings, dict(sorted(offices.items()))), kept


def _notices(
    root: Path,
    unreadable: set[str],
    records: dict[str, OfficeRecord],
    previous: Manifest | None,
    kept_offices: dict[str, bool],
) -> tuple[str, ...]:
    """A line for each report or office not published as read: unreadable ones (kept, or never
    published), and reports the last build published that this one does not (turned draft, or their
    file deleted)."""
    lines = {
        path: f"{path}：无法读取，" + ("保留上次发布的机关页和报告" if kept else "且从未发布过，未发布")
        for path, kept in kept_offices.items()
    }
    for path in sorted(unreadable):
        _, slug, name = _content_path(path).split("/")
        record = records.get(slug)
        kept = record is not None and any(s.year == int(name[:4]) for s in record.summaries)
        lines[path] = f"{path}：无法读取，" + ("保留上次发布的版本" if kept else "且从未发布过，未发布")
    if previous is not None:
        for slug, old in previous.offices.items():
            if records.get(slug) is old:  # an office this build did not read: its record is the last build's
                continue
            now = {s.year for s in records[slug].summaries} if slug in records else set()
            for summary in old.summaries:
                if summary.year not in now:
                    path = display_path(root / "content" / slug / f"{summary.year}.yaml")
                    title = pages.report_title(summary.office_name, summary.year)
                    lines.setdefault(path, f"{path}：已下线（{title}不再发布）")
    return tuple(lines[path] for path in sorted(lines))


def _copy_kept(output: Path, staging: Path, urls: set[str]) -> None:
    """Copy the pages of reports kept as last published from the output into a new site."""
    for url in sorted(urls):
        os.makedirs(os.path.join(staging, os.path.dirname(url)), exist_ok=True)
        shutil.copy2(os.path.join(output, url), os.path.join(staging, url))


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
    lines: _ReportLines


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
        elif _unchanged(slug, site_plan, base, files, previous, keys, same_plan):
            todo = []
        else:
            todo = []
            for page in site_plan.office_pages(slug):
                key = keys[page.url] = _page_key(base, page, files)
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
    workers = jobs or os.cpu_count() or 1
    with _workers(office_jobs, site, staging, workers) as pool:
        results = _build_offices(office_jobs, site, renderer, staging, pool, workers)
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
                            keys[page.url] = _page_key(base, page, files)
                records[slug] = record
                done += record.reports
                if progress and (slug not in kept or done == total):
                    progress(done, total)

        made += _parents_without_unlisted(site, site_plan, renderer, staging, records, office_jobs, previous, made)
        summaries = [s for record in records.values() for s in record.summaries]
        if early is not None:
            early(list(made), bool(summaries))
        by_year: dict[int, list[pages.ReportSummary]] = {}
        for summary in summaries:
            by_year.setdefault(summary.year, []).append(summary)
        counts = {year: len(rows) for year, rows in by_year.items()}
        years = tuple(year for year in site_plan.years if counts.get(year))  # a year of drafts only has no page
        lines = _ReportLines(records, summaries, previous)
        digests = _index_digests(site_plan, records)
        written = {url for record in records.values() for url in record.written}
        areas = _Regions(site, site_plan, records)
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
                key = _page_key(b"", page, files)
            elif page.kind in plan.SUMMARY_KINDS:
                key = digest(
                    base,
                    page.url.encode(),
                    files(plan.SITE_FILE),
                    areas.facts(page.office, page.year, public, page.kind == "summary"),
                )
            else:
                key = _site_page_key(base, page, site_plan, years, files, digests, counts, repr(shown(page)))
            keys[page.url] = key
            if previous is not None and previous.pages.get(page.url) == key:
                continue
            made.append(page.url)
            if page.kind == "year":
                listed = set(site_plan.year_page_offices(page.year, page.number))
                rows = [s for s in by_year.get(page.year, []) if s.office in listed]
                before = {s.office: s for s in by_year.get(page.year - 1, [])}
                last = {s.office: before[s.office] for s in rows if s.office in before}
                compared = pages.year_comparison(by_year[page.year], before) if page.number == 1 else None
                job = (page, rows, years, site_plan.year_pages(page.year), counts.get(page.year, 0), shown(page))
                job += (last, compared)
                if pool is not None:
                    elsewhere.append((pool.submit(_year_page_job, job), job))
                else:
                    write_file(staging, page.url, _year_page(site.settings, renderer, *job))
                continue
            if page.kind in plan.SUMMARY_KINDS:
                write_file(staging, page.url, areas.page(page, renderer, public))
                continue
            write_file(
                staging, page.url, _site_page(page, site, site_plan, years, renderer, summaries, by_year, public, lines)
            )
        for future, job in reversed(elsewhere):  # the last ones no worker has begun are made here meanwhile
            if future.cancel():
                write_file(staging, job[0].url, _year_page(site.settings, renderer, *job))
        for future, _ in elsewhere:
            if not future.cancelled() and (failure := future.result()):
                raise GongkaiError(list(failure))

    findings = tuple(f for record in records.values() for f in record.findings) + tuple(areas.check())
    draft_count = sum(url.endswith("/index.html") for record in records.values() for url in record.drafts)
    site_urls = tuple(p.url for p in site_pages)
    return _Built(written, made, keys, records, site_urls, len(summaries), draft_count, findings, lines)


def _parents_without_unlisted(
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


class _Regions:
    """The 下级汇总 of offices with child offices, each made from the children's tallies when first asked for."""

    def __init__(self, site: Site, site_plan: plan.Plan, records: dict[str, OfficeRecord]):
        self.site = site
        self.plan = site_plan
        self.records = records
        self.made: dict[tuple[str, int], regions.Region] = {}
        self.summed: regions.Region | None = None  # the region whose sums the last page made used
        self.facts_made: dict[tuple[str, int], bytes] = {}

    def tally(self, slug: str, year: int) -> regions.Tally | None:
        record = self.records.get(slug)
        return record.tallies.get(year) if record is not None else None

    def get(self, office: str, year: int) -> regions.Region:
        area = self.made.get((office, year))
        if area is None:
            kids = [(kid, self.site.offices[kid].name, self.tally(kid, year)) for kid in self.listed(office)]
            area = self.made[(office, year)] = regions.region(office, year, kids)
        return area

    def listed(self, office: str) -> list[str]:
        """The office's children that are published: an office whose every report is a draft is in no region."""
        return [kid for kid in self.plan.children.get(office, ()) if plan.office_url(kid) in self.records[kid].written]

    def summaries(self, slug: str) -> dict[int, pages.ReportSummary]:
        record = self.records.get(slug)
        return {s.year: s for s in record.summaries} if record is not None else {}

    @functools.cached_property
    def years(self) -> dict[str, list[int]]:
        """The years of each office's summary pages."""
        years: dict[str, list[int]] = {}
        for page in self.plan.site_pages():
            if page.kind == "summary":
                years.setdefault(page.office, []).append(page.year)
        return years

    def trend(self, office: str) -> list[pages.ReportSummary]:
        """The office's region over the years: each year's headline figures summed over the children summed."""
        rows = []
        for year in self.years.get(office, ()):
            area = self.get(office, year)
            kids = [s for c in area.included if (s := self.summaries(c.slug).get(year)) is not None]
            if not kids:
                continue
            headlines = []
            for hid, _ in pages.used_headlines(kids):
                figures = [value for s in kids if (value := s.headline(hid)) is not None]
                headlines.append((hid, sum(figures) if figures else None))
            name = self.site.offices[office].name
            rows.append(pages.ReportSummary(office, name, year, area.format_id, None, tuple(headlines), 0, 0))
        return rows

    @functools.cache  # noqa: B019 (one _Regions per build)
    def trend_facts(self, office: str) -> bytes:
        """What the office's trend is made from: its children's summaries (their digests), and which of
        their reports are summed."""
        parts = []
        for kid in self.plan.children.get(office, ()):
            record = self.records.get(kid)
            if record is not None:
                summed = sorted((year, t.state, t.format_id) for year, t in record.tallies.items())
                parts.append((kid, sorted(record.year_digests.items()), summed))
        return digest(repr(parts).encode())

    def facts(self, office: str, year: int, written: set[str], trend: bool = False) -> bytes:
        """All a summary's files show: the office and its children, their tallies and summaries (by their
        digests) of the year and the year before (for the change from last year), which offices have a page.
        (Plain tuples of strings: their repr is quick, a NamedTuple's is not.) Worked out once for a
        region's three files."""
        made = self.facts_made.get((office, year))
        if made is None:
            made = self.facts_made[(office, year)] = self._facts(office, year, written)
        return made + self.trend_facts(office) if trend else made

    def _facts(self, office: str, year: int, written: set[str]) -> bytes:
        parts: list = [(office, self.site.offices[office].name, plan.office_url(office) in written)]
        for kid in self.plan.children.get(office, ()):
            record = self.records.get(kid)
            digests = record.year_digests if record is not None else {}
            item = self.tally(kid, year)
            shown = (digests.get(year), digests.get(year - 1), plan.office_url(kid) in written)
            parts.append((kid, self.site.offices[kid].name, tuple(item) if item else None, shown))
        return repr(parts).encode()

    def page(self, page: plan.Page, renderer: Renderer, written: set[str]) -> bytes | str:
        office = self.site.offices[page.office]
        area = self.get(page.office, page.year)
        if self.summed is not area:  # a region's three files are made one after the other: keep one region's sums
            if self.summed is not None:
                self.summed.forget()
            self.summed = area
        report = pages.summary_report(area, office)
        if page.kind == "summary_csv":
            return export.report_csv(report, office)
        if page.kind == "summary_json":
            return export.summary_json(area, report, office)
        rows = [
            (self.summaries(c.slug).get(page.year), self.summaries(c.slug).get(page.year - 1)) for c in area.included
        ]
        linked = {
            slug for slug in (page.office, *self.plan.children.get(page.office, ())) if plan.office_url(slug) in written
        }
        views = [renderer.table_view(table, report) for table in report.format.tables.values()]
        context = pages.summary_context(self.site.settings, office, area, report, rows, views, linked)
        context["charts"] = charts = pages.trend_charts(self.trend(page.office), "region-trend")
        by_year = [{bar.year: bar.value for bar in chart.bars} for chart in charts]
        context["trend_rows"] = [(year, [b.get(year, "—") for b in by_year]) for year in sorted(set().union(*by_year))]
        return renderer.render(page.template, context)

    def check(self) -> list[Finding]:
        """Every 汇总 report against its children (see regions.check_site)."""
        tallies = {slug: record.tallies for slug, record in self.records.items() if record.tallies}
        names = {slug: self.site.offices[slug].name for slug in self.records}
        return regions.check_site(tallies, self.plan.children, names)


class _ReportLines:
    """The lines of data/reports.csv, by office (one per report, in year order), also those of each
    year's reports.csv when it has the same columns: the last build's for an office whose summaries
    are the same, made for the others when first asked for. A build that makes no CSV file leaves the
    last build's lines as they are: every summary is then as it was (the files' keys name them all)."""

    def __init__(
        self, records: dict[str, OfficeRecord], summaries: list[pages.ReportSummary], previous: Manifest | None
    ):
        self.records = records
        self.summaries = summaries
        self.previous = previous

    @functools.cached_property
    def headlines(self) -> tuple[tuple[str, Label], ...]:
        return pages.used_headlines(self.summaries)

    @functools.cached_property
    def lines(self) -> dict[str, tuple[str, ...]]:
        lines = {}
        previous = self.previous
        if previous is not None and previous.csv_columns == self.columns():
            for slug, record in self.records.items():
                old = previous.offices.get(slug)
                if old is not None and slug in previous.csv_lines and old.summaries == record.summaries:
                    lines[slug] = previous.csv_lines[slug]
        return lines

    def columns(self) -> tuple[str, ...]:
        return tuple(hid for hid, _ in self.headlines)

    def kept(self) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
        """The columns and lines for the manifest."""
        if "lines" in self.__dict__:
            return self.columns(), self.lines
        return (self.previous.csv_columns, self.previous.csv_lines) if self.previous else ((), {})

    def of(self, slug: str) -> tuple[str, ...]:
        lines = self.lines.get(slug)
        if lines is None:
            lines = self.lines[slug] = tuple(export.report_lines(self.records[slug].summaries, self.headlines))
        return lines

    def every(self) -> list[str]:
        return [line for slug in sorted(self.records) for line in self.of(slug)]

    def of_year(self, rows: list[pages.ReportSummary]) -> list[str]:
        lines = []
        for summary in sorted(rows, key=attrgetter("office")):
            years = [s.year for s in self.records[summary.office].summaries]
            lines.append(self.of(summary.office)[years.index(summary.year)])
        return lines


def _site_page(
    page: plan.Page,
    site: Site,
    site_plan: plan.Plan,
    years: tuple[int, ...],
    renderer: Renderer,
    summaries: list[pages.ReportSummary],
    by_year: dict[int, list[pages.ReportSummary]],
    written: set[str],
    lines: _ReportLines,
) -> bytes | str:
    """One page made once per site (home, feed, data files, static files) from the summaries."""
    settings = site.settings
    if page.kind == "static":
        return Path(site.root, page.inputs[0]).read_bytes()
    if page.kind == "reports_csv":
        return export.reports_csv(summaries, lines.headlines, lines.every())
    if page.kind == "year_csv":
        rows = by_year.get(page.year, [])
        headlines = pages.used_headlines(rows)
        return export.reports_csv(rows, headlines, lines.of_year(rows) if headlines == lines.headlines else None)
    if page.kind == "datapackage":
        return export.datapackage(settings, lines.headlines)
    if page.kind == "schema":
        return schema_text()
    if page.kind == "status_csv":
        offices = _public_offices(site, site_plan, written)
        return export.status_csv(pages.publication_statuses(settings, offices, summaries, site_plan.as_of))
    if page.kind == "home":
        summary_pages = [p for p in site_plan.site_pages() if p.kind == "summary" and p.url in written]
        regions_shown = [(site.offices[p.office].name, p.year, p.url) for p in summary_pages]
        offices = _public_offices(site, site_plan, written)
        context = pages.home_context(settings, offices, summaries, years, regions_shown)
    elif page.kind == "status":
        offices = _public_offices(site, site_plan, written)
        context = pages.status_context(settings, offices, summaries, site_plan.as_of)
    elif page.kind == "search":
        context = pages.search_context(settings, _public_offices(site, site_plan, written), years)
    elif page.kind == "accessibility":
        context = pages.accessibility_context(settings)
    elif page.kind == "not_found":
        context = pages.not_found_context(settings)
    elif page.kind == "robots":
        context = pages.robots_context(settings)
    elif page.kind == "feed":
        context = pages.feed_context(settings, summaries)
    elif page.kind == plan.SITEMAP_KIND:
        context = pages.sitemap_context(settings, sorted(written))
    else:
        raise ValueError(f"no way to make {page}")
    return renderer.render(page.template, context)


def _public_offices(site: Site, site_plan: plan.Plan, written: set[str]) -> list[Office]:
    """The offices the site shows: those with a page (an office whose reports are all drafts has none)."""
    return [site.offices[slug] for slug in site_plan.offices if plan.office_url(slug) in written]


# A year page to make: the page, the reports it lists, the site's years, the year's pages and reports.
# The offices' reports of the year before, and the year's comparisons (its first page's).
YearPageJob = tuple[
    plan.Page,
    list[pages.ReportSummary],
    tuple[int, ...],
    int,
    int,
    list[tuple[str, str]],
    dict[str, pages.ReportSummary],
    pages.YearComparison | None,
]


def _year_page(
    settings: Settings,
    renderer: Renderer,
    page: plan.Page,
    rows: list[pages.ReportSummary],
    years: tuple[int, ...],
    pages_count: int,
    count: int,
    summaries: list[tuple[str, str]] = (),
    last: dict[str, pages.ReportSummary] | None = None,
    compared: pages.YearComparison | None = None,
) -> str:
    """A year page (or one page of a year) listing `rows`, the reports of its offices."""
    context = pages.year_context(
        settings, page.year, rows, years, page.number, pages_count, count, summaries, last, compared
    )
    return renderer.render(page.template, context)


def _year_page_job(job: YearPageJob) -> tuple[Finding, ...]:
    """A year page made in a worker process, written into the staging folder; a template error's
    findings are returned, not raised."""
    try:
        data = _year_page(_worker["site"].settings, _worker["renderer"], *job)
    except GongkaiError as exc:
        return tuple(exc.findings)
    write_file(_worker["folder"], job[0].url, data)
    return ()
