"""What a build with --keep-going keeps as last published, and the notices of reports and offices not
published as read. May import the layers below build, and build.manifest."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..model.findings import Finding, GongkaiError, Position, error
from ..read.files import display_path
from ..read.site import Site, is_report_path
from ..render import pages
from .manifest import Manifest, OfficeRecord


def unreadable_files(findings: Iterable[Finding]) -> list[str]:
    """The files (as findings show them) that cannot be read or do not fit the format: those with an
    error that is not a consistency rule's."""
    return sorted({f.position.path for f in findings if f.severity == "error" and not f.rule})


def content_path(path: str) -> str:
    """content/<office>/<file> of a file as findings show it (relative to where Gongkai runs)."""
    return "/".join(["content", *Path(path).parts[-2:]])


def keep_offices(site: Site, findings: list[Finding], previous: Manifest | None) -> tuple[Site, dict[str, bool]]:
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


def notices(
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
        _, slug, name = content_path(path).split("/")
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


def unpublishable(
    findings: list[Finding], published: int, out: Path, strict: bool, keep_going: bool, kept_offices: dict[str, bool]
) -> set[str]:
    """The report files (as findings show them) left out or kept as last published because they
    cannot be read; raises GongkaiError when the build must not change the output: with `strict`
    and any error, or when a file that cannot be read would take reports offline (without
    `keep_going`, or not a report nor a kept office's office.yaml), or when no report is `published`."""
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
    if published == 0 and unreadable:
        problem = "没有一份报告可以发布：输出目录未改动"
        raise GongkaiError(errors + [error(Position(display_path(out)), problem)])
    return reports
