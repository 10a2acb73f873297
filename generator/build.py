"""Building the site: plan it, render every page into a temporary folder beside the output, swap it in whole.

Reports are read office by office (in parallel with jobs > 1); each office's report and office pages
are written as soon as its reports are read, leaving only small summaries for the index pages. The
output folder is replaced only when everything succeeded, and only if it is empty or made by Gongkai.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from . import export, pages, plan
from .files import display_path
from .findings import Finding, GongkaiError, Position, error
from .render import Renderer
from .site import Office, Site, load_site, read_reports

MARKER_TEXT = "This folder is made by `gongkai build`, which replaces it whole on every build.\n"

Progress = Callable[[int, int], None]  # (reports done, reports in all)


@dataclass(frozen=True)
class BuildResult:
    output: Path
    files: int  # files written
    reports: int  # reports published
    skipped: int  # reports not published: they could not be read
    findings: tuple[Finding, ...]
    seconds: float

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


@dataclass(frozen=True)
class OfficeResult:
    """What building one office's pages leaves for the rest of the build."""

    office: str
    summaries: tuple[pages.ReportSummary, ...]
    findings: tuple[Finding, ...]
    written: tuple[str, ...]  # urls
    reports: int  # report files read
    failure: tuple[Finding, ...] = ()  # a template error: the build stops


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
    for folder in ("content", "layouts"):
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
    """A new folder beside the output (same file system, so the swap is a rename), with normal permissions."""
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.parent / f".{out.name}.building-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    temp.mkdir()
    return temp


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


def write_file(folder: Path, url: str, data: bytes | str) -> None:
    path = folder.joinpath(*url.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


# --- one office --------------------------------------------------------------------------------------


def build_office(site: Site, site_plan: plan.Plan, office: Office, renderer: Renderer, folder: Path) -> OfficeResult:
    """Read an office's reports and write their pages and downloads, then the office page."""
    read = list(read_reports(office))
    findings = tuple(f for _, more in read for f in more)
    published = {report.year: (report, more) for report, more in read if report is not None}
    years = tuple(sorted(published))
    settings = site.settings
    summaries = tuple(pages.summarize(report, more, office) for report, more in published.values())
    written = []
    try:
        for page in site_plan.office_pages(office.slug):
            if page.kind in plan.REPORT_KINDS:
                if page.year not in published:
                    continue  # unreadable: its findings say why
                report, more = published[page.year]
                if page.kind == "report":
                    data = renderer.render(page.template, pages.report_context(settings, office, report, more, years))
                elif page.kind == "report_json":
                    data = export.report_json(report, more, office)
                else:
                    data = export.report_csv(report, office)
            elif page.kind == "office":
                parent = site.offices[office.parent] if office.parent in site_plan.offices else None
                children = [site.offices[slug] for slug in site_plan.children.get(office.slug, ())]
                context = pages.office_context(settings, office, parent, children, list(summaries))
                data = renderer.render(page.template, context)
            else:
                raise ValueError(f"not an office page: {page}")
            write_file(folder, page.url, data)
            written.append(page.url)
    except GongkaiError as exc:  # returned, not raised: findings survive the trip back from a worker process
        return OfficeResult(office.slug, summaries, findings, tuple(written), len(read), tuple(exc.findings))
    return OfficeResult(office.slug, summaries, findings, tuple(written), len(read))


_worker: dict = {}  # per worker process: the site, plan, renderer and folder, set once by _start_worker


def _start_worker(site: Site, site_plan: plan.Plan, folder: Path) -> None:
    _worker.update(site=site, plan=site_plan, folder=folder, renderer=Renderer(site.root / "layouts"))


def _office_job(slug: str) -> OfficeResult:
    site = _worker["site"]
    return build_office(site, _worker["plan"], site.offices[slug], _worker["renderer"], _worker["folder"])


def _build_offices(site: Site, site_plan: plan.Plan, renderer: Renderer, folder: Path, jobs: int):
    """Each office's result, in the plan's order, built here or by a pool of worker processes."""
    if jobs <= 1 or len(site_plan.offices) <= 1:
        for slug in site_plan.offices:
            yield build_office(site, site_plan, site.offices[slug], renderer, folder)
        return
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(site, site_plan, folder))
    try:
        chunk = max(1, len(site_plan.offices) // (jobs * 8))
        yield from pool.map(_office_job, site_plan.offices, chunksize=chunk)
    finally:  # also when the build stops early: no worker may still write once the folder is removed
        pool.shutdown(wait=True, cancel_futures=True)


# --- the whole site ----------------------------------------------------------------------------------


def _settings_problems(site: Site, findings: list[Finding]) -> list[Finding]:
    problems = [f for f in findings if f.severity == "error" and Path(f.position.path).name == plan.SITE_FILE]
    base = site.settings.base_url
    if base and not base.startswith(("https://", "http://")):
        where = Position(display_path(site.root / plan.SITE_FILE))
        problems.append(
            error(
                where, f"base_url“{base}”应为完整网址，以 https:// 或 http:// 开头，如 https://www.example.gov.cn/xxgk/"
            )
        )
    return problems


def build_site(
    root: Path,
    out: Path | None = None,
    *,
    strict: bool = False,
    jobs: int = 1,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the site in `root` into `out` (default root/public). Raises GongkaiError when nothing changed.

    Reports that cannot be read are left out (their findings say why); with `strict`, any error
    finding fails the build and leaves the output untouched.
    """
    started = time.perf_counter()
    root = Path(root)
    site, findings = load_site(root)
    if problems := _settings_problems(site, findings):
        raise GongkaiError(problems)
    out = Path(out) if out is not None else root / "public"
    check_output(root, out)
    target = out.resolve()  # a symlinked output folder: build beside, and replace, the real one

    renderer = Renderer(root / "layouts")
    renderer.check_templates()
    static_files = renderer.static_files()
    site_plan, more = plan.plan_site(site, {name: display_path(path) for name, path in static_files.items()})
    findings += more

    folder = _temp_folder(target)
    try:
        built = _build_into(site, site_plan, renderer, static_files, folder, jobs, progress)
        findings = sort_findings([*findings, *built.findings])
        errors = [f for f in findings if f.severity == "error"]
        if strict and errors:
            problem = "有错误（--strict）：未生成网站，输出目录未改动"
            raise GongkaiError(errors + [error(Position(display_path(out)), problem)])
        if built.reports == 0 and built.skipped:
            problem = "没有一份报告可以发布：输出目录未改动"
            raise GongkaiError(errors + [error(Position(display_path(out)), problem)])
        write_file(folder, plan.MARKER, MARKER_TEXT)
        swap_in(folder, target)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    seconds = time.perf_counter() - started
    return BuildResult(out, len(built.written), built.reports, built.skipped, tuple(findings), seconds)


@dataclass(frozen=True)
class _Built:
    written: tuple[str, ...]
    reports: int
    skipped: int
    findings: tuple[Finding, ...]


def _build_into(
    site: Site, site_plan: plan.Plan, renderer: Renderer, static_files, folder: Path, jobs, progress
) -> _Built:
    """Write every page of the plan into `folder`: office by office, then the site pages from the summaries."""
    summaries: list[pages.ReportSummary] = []
    findings: list[Finding] = []
    written: list[str] = []
    total = sum(len(site.offices[slug].report_files) for slug in site_plan.offices)
    read = 0
    with closing(_build_offices(site, site_plan, renderer, folder, jobs)) as results:
        for result in results:
            if result.failure:
                raise GongkaiError(list(result.failure))
            summaries += result.summaries
            findings += result.findings
            written += result.written
            read += result.reports
            if progress:
                progress(read, total)

    for page in site_plan.site_pages():
        if page.kind == plan.SITEMAP_KIND:
            continue  # made last: it lists the pages written
        write_file(folder, page.url, _site_page(page, site, site_plan, renderer, static_files, summaries))
        written.append(page.url)
    if plan.SITEMAP in site_plan.urls():
        context = pages.sitemap_context(site.settings, written)
        write_file(folder, plan.SITEMAP, renderer.render(plan.TEMPLATES[plan.SITEMAP_KIND], context))
        written.append(plan.SITEMAP)
    return _Built(tuple(written), len(summaries), read - len(summaries), tuple(findings))


def _site_page(
    page: plan.Page, site: Site, site_plan: plan.Plan, renderer: Renderer, static_files, summaries
) -> bytes | str:
    """One page made once per site (home, years, feed, data files, static files) from the summaries."""
    settings = site.settings
    if page.kind == "static":
        return static_files[page.url.removeprefix(f"{plan.STATIC_DIR}/")].read_bytes()
    if page.kind == "reports_csv":
        return export.reports_csv(summaries, pages.used_headlines(summaries))
    if page.kind == "datapackage":
        return export.datapackage(settings, pages.used_headlines(summaries))
    if page.kind == "year":
        rows = [s for s in summaries if s.year == page.year]
        context = pages.year_context(settings, page.year, rows, site_plan.years)
    elif page.kind == "home":
        offices = [site.offices[slug] for slug in site_plan.offices]
        context = pages.home_context(settings, offices, summaries, site_plan.years)
    elif page.kind == "accessibility":
        context = pages.accessibility_context(settings)
    elif page.kind == "not_found":
        context = pages.not_found_context(settings)
    elif page.kind == "robots":
        context = pages.robots_context(settings)
    elif page.kind == "feed":
        context = pages.feed_context(settings, summaries)
    else:
        raise ValueError(f"no way to make {page}")
    return renderer.render(page.template, context)
