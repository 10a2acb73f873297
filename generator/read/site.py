"""The site on disk: site.yaml settings, offices (content/<office>/office.yaml) and their report files.

Reports are read lazily, office by office, so that a site of 100,000 reports never has to sit in
memory at once; cross-year rules only ever need an office's previous report.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..model.findings import Finding, GongkaiError, Position, error, warning
from . import simpleyaml, source
from .files import OUTSIDE_SITE, display_path, inside

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REPORT_FILE = re.compile(r"^(\d{4})\.yaml$")


def is_report_path(path: str) -> bool:
    """Whether a path relative to the site names a report file: content/<office>/<year>.yaml."""
    parts = path.split("/")
    return len(parts) == 3 and parts[0] == "content" and bool(SLUG.match(parts[1]) and REPORT_FILE.match(parts[2]))


OFFICE_KINDS = {"政府": "本级政府", "部门": "政府部门", "乡镇街道": "乡镇人民政府或街道办事处", "其他": "其他机关单位"}
# The files a report page offers for download: report.csv and report.json always, report.docx (the
# Word document, generator/word.py) when site.yaml lists it (it costs more than the page: see README).
DOWNLOADS = ("csv", "json", "docx")
DEFAULT_DOWNLOADS = ("csv", "json")
# site.yaml: key -> (zh description, required, sub-keys for a mapping, bool for true/false, a tuple of
# words for a list of them, or None for text)
CONTACT_KEYS = {"address": "地址", "phone": "电话", "email": "电子邮箱", "website": "网址"}
SITE_KEYS: dict[str, tuple[str, bool, dict | type | None]] = {
    "name": ("网站名称", True, None),
    "base_url": ("网站地址，如 https://www.example.gov.cn/xxgk/", False, None),
    "domain": ("网站域名（SiteDomain）", False, None),
    "site_id_code": ("网站标识码（SiteIDCode）", False, None),
    "organiser": ("主办单位", False, None),
    "icp": ("ICP备案号", False, None),
    "police_record": ("公安机关备案号", False, None),
    "contact": ("联系方式", False, CONTACT_KEYS),
    "downloads": ("每份报告页面旁可下载的文件，如 [csv, json, docx]", False, DOWNLOADS),
    "deadlines": (
        "年度报告的发布期限（按机关类型，月-日，如 01-31）",
        False,
        {kind: f"{description}的发布期限" for kind, description in OFFICE_KINDS.items()},
    ),
    "accessibility": (
        "无障碍声明",
        False,
        {
            "contact": "获取无障碍版本的联系方式",
            "limitations": "已知的局限",
            "method": "评估方式",
            "reviewed": "最近一次评估日期",
            "standard": "遵循的标准",
        },
    ),
    "search": ("全文搜索（true 或 false）", False, bool),
}
OFFICE_KEYS: dict[str, tuple[str, bool, dict | None]] = {
    "name": ("机关名称", True, None),
    "full_name": ("机关全称", False, None),
    "parent": ("上级机关的目录名（slug）", False, None),
    "kind": ("机关类型：" + "、".join(OFFICE_KINDS), False, None),
    "contact": ("联系方式", False, CONTACT_KEYS),
}


@dataclass(frozen=True)
class Settings:
    name: str
    base_url: str = ""
    domain: str = ""
    site_id_code: str = ""
    organiser: str = ""
    icp: str = ""
    police_record: str = ""
    contact: dict[str, str] = field(default_factory=dict, hash=False)
    accessibility: dict[str, str] = field(default_factory=dict, hash=False)
    deadlines: dict[str, str] = field(default_factory=dict, hash=False)  # office kind -> MM-DD (deadlines.py)
    search: bool = False  # a search page and index (Pagefind): `search: true`
    downloads: tuple[str, ...] = DEFAULT_DOWNLOADS  # files beside each report page (DOWNLOADS)


@dataclass(frozen=True)
class Office:
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
    root: Path
    settings: Settings
    offices: dict[str, Office] = field(hash=False)  # by slug, sorted

    def display(self, file: Path) -> str:
        return display_path(file)

    def children(self, slug: str) -> list[Office]:
        return [o for o in self.offices.values() if o.parent == slug]

    @property
    def report_count(self) -> int:
        return sum(len(o.report_files) for o in self.offices.values())


def _read_mapping(file: Path, keys: dict, what: str, path: str | None = None) -> tuple[dict, list[Finding]]:
    path = path or display_path(file)
    data = source.read_bytes(file, path)
    source.check_size(data, path)
    if (quick := _plain_mapping(data, path, keys)) is not None:
        return quick, []
    node, findings = source.load_file(file, path, data)
    if node is None:
        return {}, findings + [error(Position(path, 1, 1), f"{what}是空的")]
    return _mapping(node, path, keys, what, findings), findings


def _mapping(node, path: str, keys: dict, what: str, findings: list[Finding]) -> dict:
    reader = source.MappingReader(node, path, findings, what)
    if not reader.ok:
        return {}
    reader.reject_unknown({k: (v[0] if isinstance(v, tuple) else v) for k, v in keys.items()}, what)
    data: dict = {"_positions": {k: source.position(path, v) for k, (_, v) in reader.items.items()}}
    for key, spec in keys.items():
        description, required, sub = spec if isinstance(spec, tuple) else (spec, False, None)
        value = reader.require(key, description, f"请加一行 {key}: …") if required else reader.get(key)
        if value is None:
            continue
        if sub is bool:
            if getattr(value, "tag", "") == source.BOOL_TAG and value.value in ("true", "false"):
                data[key] = value.value == "true"
            else:
                findings.append(error(source.position(path, value), f"{description}应写 true 或 false"))
        elif isinstance(sub, tuple):
            words = _words(value, path, key, sub, findings)
            if words is not None:
                data[key] = words
        elif sub is not None:
            nested = _mapping(value, path, sub, f"{what}的 {key}", findings)
            nested.pop("_positions", None)
            data[key] = nested
        else:
            text = source.read_text(value, path, findings, f"{description}（{key}）")
            if text is not None:
                data[key] = text.strip()
    return data


def _words(node, path: str, key: str, allowed: tuple[str, ...], findings: list[Finding]) -> tuple[str, ...] | None:
    """A list of words from `allowed`, e.g. downloads: [csv, json, docx]; csv and json are always there."""
    choices = "、".join(allowed)
    if not isinstance(node, yaml.SequenceNode):
        message = f"{key} 应为一个列表，如 [{', '.join(allowed)}]，这里是{source.describe(node)}"
        findings.append(error(source.position(path, node), message))
        return None
    words = []
    for item in node.value:
        word = item.value.strip() if isinstance(item, yaml.ScalarNode) else None
        if word not in allowed:
            findings.append(error(source.position(path, item), f"{key} 中只能写 {choices}"))
        elif word not in words:
            words.append(word)
    return tuple(w for w in allowed if w in words or w in DEFAULT_DOWNLOADS)


def _plain_mapping(data: bytes, path: str, keys: dict) -> dict | None:
    """What _mapping reads from a file in the plain shape of YAML (simpleyaml.py), when it would have
    nothing to say about it; None for any other file, which is then read the full way. Reading five
    thousand office.yaml files this way takes a third of the time."""
    top = simpleyaml.parse_file(data)
    return _plain_items(top, path, keys) if top else None


def _plain_items(items: simpleyaml.Mapping, path: str, keys: dict) -> dict | None:
    if not items.keys() <= keys.keys() or any(item.kind == simpleyaml.EMPTY for item in items.values()):
        return None  # an unknown key to report; an empty value, whose position is YAML's to say
    data: dict = {"_positions": {key: Position(path, *_value_start(item)) for key, item in items.items()}}
    for key, spec in keys.items():
        _, required, sub = spec if isinstance(spec, tuple) else (spec, False, None)
        item = items.get(key)
        if item is None:
            if required:
                return None
        elif sub is bool:
            if item.kind != simpleyaml.PLAIN or item.value not in ("true", "false"):
                return None
            data[key] = item.value == "true"
        elif isinstance(sub, tuple):
            return None  # a list: read the full way
        elif sub is not None:
            nested = _plain_items(item.value, path, sub) if item.kind == simpleyaml.MAPPING else None
            if nested is None:
                return None
            nested.pop("_positions")
            data[key] = nested
        elif (text := source.plain_text(item)) is not None:
            data[key] = text.strip()
        else:
            return None
    return data


def _value_start(item: simpleyaml.Item) -> tuple[int, int]:
    """Where YAML puts a value's start: a mapping starts at its first key."""
    if item.kind == simpleyaml.MAPPING:
        first = next(iter(item.value.values()))
        return first.line, first.key_column
    return item.line, item.column


def read_settings(root: Path) -> tuple[Settings, list[Finding]]:
    file = root / "site.yaml"
    if not file.exists():
        raise GongkaiError(
            error(
                Position(display_path(file)),
                "找不到 site.yaml：请在站点目录中运行，或指定站点目录，如 gongkai check mysite",
            )
        )
    data, findings = _read_mapping(file, SITE_KEYS, "site.yaml")
    positions = data.pop("_positions", {})
    settings = Settings(**{"name": "", **data})
    if settings.deadlines:
        from ..check.deadlines import (
            deadline_findings,  # deadlines.py reads offices and settings: it imports this module
        )

        findings += deadline_findings(settings, positions.get("deadlines", Position(display_path(file))))
    return settings, findings


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
        data, more = _read_mapping(file, OFFICE_KEYS, "office.yaml", path)
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
