"""site.yaml declared once: each key with its description, whether it is required, its shape and the
validator of its value (SITE_KEYS), read into Settings with every problem a positioned finding.

Every command that reads the site (check, build, preview, docx) reads site.yaml here, so they all
find the same problems: a base_url that is not an absolute http(s) address ending in "/", a deadline
that is not a day of every year, a download that is not csv, json or docx. What the installation
cannot give (search: true without Pagefind) is installation_problems, which check and build run.

Also the reading of such declared files (read_declared), which office.yaml (site.py) shares: a file
in the plain shape is parsed by the quick reader (simpleyaml.py) into the same nodes libyaml makes,
then both are read by one set of checks. Imports model and read only.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import yaml

from ..model.findings import Finding, GongkaiError, Position, error
from ..model.offices import OFFICE_KINDS
from . import simpleyaml, source
from .files import SITE_FILE, display_path

# The files a report page offers for download: report.csv and report.json always, report.docx (the
# Word document, generator/word.py) when site.yaml lists it (it costs more than the page: see README).
DOWNLOADS = ("csv", "json", "docx")
DEFAULT_DOWNLOADS = ("csv", "json")
CONTACT_KEYS = {"address": "地址", "phone": "电话", "email": "电子邮箱", "website": "网址"}
PAGEFIND_MODULE = "pagefind_bin_extended"  # the Python package that ships Pagefind's extended binary
SEARCH_INSTALL_HINT = "pip install 'gongkai[search]'"
_MONTH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})")


class Key(NamedTuple):
    """One key of a declared file: its zh description, whether it is required, its shape (None: a text;
    bool: true or false; a tuple of words: a list of them; a dict of sub-key -> description: a mapping
    of texts), and the validator of its value (the messages of what is wrong with it; none when right)."""

    description: str
    required: bool = False
    shape: dict | type | tuple | None = None
    validate: Callable[[Any], list[str]] | None = None


def month_day(text: str) -> tuple[int, int] | None:
    """A deadline written as MM-DD (01-31), or None when it is not a day of every year."""
    match = _MONTH_DAY.fullmatch(text.strip())
    if match is None:
        return None
    month, day = map(int, match.groups())
    try:
        date(2001, month, day)  # not a leap year: 02-29 is not a deadline every year has
    except ValueError:
        return None
    return month, day


def _base_url(url: str) -> list[str]:
    parts = urlsplit(url)
    if parts.scheme in ("https", "http") and parts.netloc and url.endswith("/"):
        return []
    return [
        f"base_url“{source.excerpt(url)}”应为完整网址，以 https:// 或 http:// 开头、以 / 结尾，"
        "如 https://www.example.gov.cn/xxgk/"
    ]


def _deadlines(deadlines: dict[str, str]) -> list[str]:
    return [
        f"发布期限 deadlines 中“{kind}”的“{text}”不是有效的月-日；请写成 01-31 这样的形式"
        for kind, text in sorted(deadlines.items())
        if month_day(text) is None
    ]


SITE_KEYS: dict[str, Key] = {
    "name": Key("网站名称", required=True),
    "base_url": Key("网站地址，如 https://www.example.gov.cn/xxgk/", validate=_base_url),
    "domain": Key("网站域名（SiteDomain）"),
    "site_id_code": Key("网站标识码（SiteIDCode）"),
    "organiser": Key("主办单位"),
    "icp": Key("ICP备案号"),
    "police_record": Key("公安机关备案号"),
    "contact": Key("联系方式", shape=CONTACT_KEYS),
    "downloads": Key("每份报告页面旁可下载的文件，如 [csv, json, docx]", shape=DOWNLOADS),
    "deadlines": Key(
        "年度报告的发布期限（按机关类型，月-日，如 01-31）",
        shape={kind: f"{description}的发布期限" for kind, description in OFFICE_KINDS.items()},
        validate=_deadlines,
    ),
    "accessibility": Key(
        "无障碍声明",
        shape={
            "contact": "获取无障碍版本的联系方式",
            "limitations": "已知的局限",
            "method": "评估方式",
            "reviewed": "最近一次评估日期",
            "standard": "遵循的标准",
        },
    ),
    "search": Key("全文搜索（true 或 false）", shape=bool),
}


@dataclass(frozen=True)
class Settings:
    """What site.yaml says (SITE_KEYS), with where each key's value is written."""

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
    positions: dict[str, Position] = field(default_factory=dict, hash=False, compare=False)  # key -> its value's


def read_settings(root: Path) -> tuple[Settings, list[Finding]]:
    """site.yaml of the site folder `root`, and every problem found in it (SITE_KEYS)."""
    file = root / SITE_FILE
    if not file.exists():
        raise GongkaiError(
            error(
                Position(display_path(file)),
                "找不到 site.yaml：请在站点目录中运行，或指定站点目录，如 gongkai check mysite",
            )
        )
    data, findings = read_declared(file, SITE_KEYS, SITE_FILE)
    positions = data.pop("_positions", {})
    return Settings(**{"name": "", **data}, positions=positions), findings


def installation_problems(settings: Settings, path: str) -> list[Finding]:
    """What site.yaml (shown as `path`) asks that this installation cannot give: search: true needs
    Pagefind's extended binary."""
    missing = pagefind_missing(settings.positions.get("search", Position(path))) if settings.search else None
    return [missing] if missing is not None else []


def pagefind_missing(where: Position) -> Finding | None:
    """The error, at `where`, of `search: true` where Pagefind's extended binary is not installed."""
    if importlib.util.find_spec(PAGEFIND_MODULE) is not None:
        return None
    message = (
        f"设置了 search: true，但没有安装全文搜索组件（Pagefind 扩展版）：请运行 {SEARCH_INSTALL_HINT}，或删去这一行"
    )
    return error(where, message)


def read_declared(file: Path, keys: dict[str, Key], what: str, path: str | None = None) -> tuple[dict, list[Finding]]:
    """A declared file (site.yaml, office.yaml) read into a dict of its values by `keys`, with
    "_positions" (key -> where its value is written), and every problem found."""
    path = path or display_path(file)
    data = source.read_bytes(file, path)
    source.check_size(data, path)
    node = quick_nodes(data)
    findings: list[Finding] = []
    if node is None:
        node, findings = source.load_file(file, path, data)
    if node is None:
        return {}, findings + [error(Position(path, 1, 1), f"{what}是空的")]
    return declared_values(node, path, keys, what, findings), findings


def quick_nodes(data: bytes) -> yaml.Node | None:
    """A file's nodes as the quick reader (simpleyaml.py) reads them, or None when it is not in the
    plain shape (it is then composed by libyaml, source.load_file)."""
    top = simpleyaml.parse_file(data)
    return simpleyaml.as_nodes(top) if top else None


def declared_values(node: yaml.Node, path: str, keys: dict[str, Key | str], what: str, findings: list[Finding]) -> dict:
    """The values of a mapping node by its declared keys (Key, or a description for a sub-key), each
    checked: unknown, missing and duplicate keys, shapes and validators, reported into `findings`."""
    reader = source.MappingReader(node, path, findings, what)
    if not reader.ok:
        return {}
    reader.reject_unknown({k: (v.description if isinstance(v, Key) else v) for k, v in keys.items()}, what)
    positions = {k: source.position(path, v) for k, (_, v) in reader.items.items()}
    data: dict = {"_positions": positions}
    for key, spec in keys.items():
        spec = spec if isinstance(spec, Key) else Key(spec)
        description, shape = spec.description, spec.shape
        value = reader.require(key, description, f"请加一行 {key}: …") if spec.required else reader.get(key)
        if value is None:
            continue
        if shape is bool:
            if getattr(value, "tag", "") == source.BOOL_TAG and value.value in ("true", "false"):
                data[key] = value.value == "true"
            else:
                findings.append(error(source.position(path, value), f"{description}应写 true 或 false"))
        elif isinstance(shape, tuple):
            words = _words(value, path, key, shape, findings)
            if words is not None:
                data[key] = words
        elif shape is not None:
            nested = declared_values(value, path, shape, f"{what}的 {key}", findings)
            nested.pop("_positions", None)
            data[key] = nested
        else:
            text = source.read_text(value, path, findings, f"{description}（{key}）")
            if text is not None:
                data[key] = text.strip()
        if spec.validate is not None and key in data:
            findings += [error(positions[key], message) for message in spec.validate(data[key])]
    return data


def _words(
    node: yaml.Node, path: str, key: str, allowed: tuple[str, ...], findings: list[Finding]
) -> tuple[str, ...] | None:
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
