"""The site on disk: site.yaml settings, offices (content/<office>/office.yaml) and their report files.

Reports are read lazily, office by office, so that a site of 100,000 reports never has to sit in
memory at once; cross-year rules only ever need an office's previous report (check.read_reports reads
and checks them). site.yaml's settings are read by settings.py. Imports model and read only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..model.findings import Finding, GongkaiError, Position, error, warning
from ..model.offices import OFFICE_KINDS
from . import source
from .files import OUTSIDE_SITE, display_path, inside
from .settings import CONTACT_KEYS, Key, Settings, read_declared, read_settings

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REPORT_FILE = re.compile(r"^(\d{4})\.yaml$")


def is_report_path(path: str) -> bool:
    """Whether a path relative to the site names a report file: content/<office>/<year>.yaml."""
    parts = path.split("/")
    return len(parts) == 3 and parts[0] == "content" and bool(SLUG.match(parts[1]) and REPORT_FILE.match(parts[2]))


OFFICE_KEYS: dict[str, Key] = {
    "name": Key("机关名称", required=True),
    "full_name": Key("机关全称"),
    "parent": Key("上级机关的目录名（slug）"),
    "kind": Key("机关类型：" + "、".join(OFFICE_KINDS)),
    "contact": Key("联系方式", shape=CONTACT_KEYS),
}


@dataclass(frozen=True)
class Office:
    """An office: content/<slug>/office.yaml, and its report files (not read yet)."""

    slug: str
    name: str
    path: str
    full_name: str = ""
    parent: str = ""
    kind: str = ""
    contact: dict[str, str] = field(default_factory=dict, hash=False)
    report_files: tuple[tuple[int, str], ...] = ()  # (year, file), sorted by year (str: Paths pickle slowly)


@dataclass(frozen=True)
class Site:
    """A site: its folder, site.yaml's settings and its offices."""

    root: Path
    settings: Settings
    offices: dict[str, Office] = field(hash=False)  # by slug, sorted


def read_office(folder: Path, shown: str | None = None) -> tuple[Office | None, list[Finding]]:
    """`shown`: the folder as display_path shows it, when inside the current folder (its files are
    then shown below it, with no path to work out for each)."""

    def show(name: str) -> str:
        return os.path.join(shown, name) if shown else display_path(folder / name)

    slug = folder.name
    file = folder / "office.yaml"
    path = show("office.yaml")
    findings: list[Finding] = []
    if not SLUG.match(slug):
        findings.append(
            error(
                Position(shown or display_path(folder)),
                f"机关目录名“{slug}”不合规：只能用小写字母、数字和连字符（如 hehualu 或 hehualu-street）；请改名",
            )
        )
        return None, findings
    if not file.exists():
        findings.append(
            error(Position(path), f"缺少 {path}：请写明机关名称（name: …），或用 gongkai new {slug} <年度> 生成")
        )
        return None, findings
    try:
        data, more = read_declared(file, OFFICE_KEYS, "office.yaml", path)
    except GongkaiError as exc:  # unreadable office.yaml: report it and go on with the other offices
        return None, findings + exc.findings
    findings += more
    positions = data.pop("_positions", {})
    if data.get("kind") and data["kind"] not in OFFICE_KINDS:
        findings.append(
            error(
                positions.get("kind", Position(path)),
                f"机关类型“{source.excerpt(data['kind'])}”无效；可选：{'、'.join(OFFICE_KINDS)}",
            )
        )
    if data.get("parent") and not SLUG.match(data["parent"]):
        findings.append(
            error(positions["parent"], f"上级机关“{source.excerpt(data['parent'])}”应为另一个机关的目录名（slug）")
        )
    reports = []
    with os.scandir(folder) as entries:
        listed = sorted((entry.name, entry.is_symlink()) for entry in entries)  # is_symlink: no system call
    for name, link in listed:
        if link and not inside(os.path.join(folder, name), folder.parent.parent):  # the site's folder
            findings.append(error(Position(show(name)), OUTSIDE_SITE))
            continue
        match = REPORT_FILE.match(name)
        if match:
            reports.append((int(match.group(1)), os.path.join(folder, name)))
        elif name != "office.yaml" and not name.startswith("."):
            hint = (
                "年度报告文件应命名为“年度.yaml”，如 2023.yaml"
                if name.endswith((".yaml", ".yml"))
                else "请移出 content 目录"
            )
            findings.append(warning(Position(show(name)), f"已忽略 {name}：{hint}"))
    if not data.get("name"):
        return None, findings  # reported as a missing key; without a name there is nothing to show
    office = Office(slug=slug, path=path, report_files=tuple(reports), **{"name": "", **data})
    return office, findings


def load_site(root: Path) -> tuple[Site, list[Finding]]:
    """site.yaml and every office; reports are not read yet (see read_reports)."""
    root = Path(root)
    if not root.is_dir():
        raise GongkaiError(f"找不到站点目录 {root}")
    settings, findings = read_settings(root)
    offices: dict[str, Office] = {}
    content = root / "content"
    if not content.is_dir():
        findings.append(
            error(
                Position(display_path(content)),
                "找不到 content 目录：请创建它，或用 gongkai new <机关> <年度> 生成第一份报告",
            )
        )
    elif content.is_symlink() and not inside(content, root):
        findings.append(error(Position(display_path(content)), OUTSIDE_SITE))
    else:
        names = []
        with os.scandir(content) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_symlink() and not inside(entry.path, root):
                    findings.append(error(Position(display_path(content / entry.name)), OUTSIDE_SITE))
                elif entry.is_dir():
                    names.append(entry.name)
        names.sort()
        shown = display_path(content)
        relative = not os.path.isabs(shown)  # else each path is shown resolved, which may differ
        for name in names:
            office, more = read_office(
                content / name, os.path.normpath(os.path.join(shown, name)) if relative else None
            )
            findings += more
            if office is not None:
                offices[office.slug] = office
    for office in offices.values():
        if office.parent and office.parent not in offices:
            findings.append(
                error(
                    Position(office.path, 1, 1),
                    f"上级机关“{office.parent}”不存在：content/{office.parent}/office.yaml 没有找到；请改正 parent 或删除这一行",
                )
            )
        elif office.parent and _has_cycle(office.slug, offices):
            findings.append(
                error(
                    Position(office.path, 1, 1),
                    f"上级机关关系出现循环（{office.slug} → … → {office.slug}）；请改正 parent",
                )
            )
    return Site(root=root, settings=settings, offices=offices), findings


def _has_cycle(slug: str, offices: dict[str, Office]) -> bool:
    seen = set()
    while slug in offices and offices[slug].parent:
        if slug in seen:
            return True
        seen.add(slug)
        slug = offices[slug].parent
    return False
