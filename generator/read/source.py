"""Reading YAML files while keeping the source position of every value.

PyYAML's constructors lose positions and quietly accept what a clerk did not mean (a duplicate key
keeps the last value, `no` becomes false, `0755` an octal number). We compose the node tree instead
(with libyaml's C parser when available) and convert nodes ourselves, reporting each surprise as a
positioned finding. Each value is decided by one function (number_value, date_value, year_value,
text_value) of a Value, which either reader makes: the full one from a node (value_of), the quick one
(simpleyaml.py, read/reports.py) from its parse, so these checks are the only ones. Imports model and
read only.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from ..model.findings import Finding, GongkaiError, Position, error, warning
from . import simpleyaml
from .files import OUTSIDE_SITE, OutsideSite, read_file

try:
    from yaml import CSafeLoader as Loader

    LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as Loader

    LIBYAML = False

INT_TAG = "tag:yaml.org,2002:int"
STR_TAG = "tag:yaml.org,2002:str"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

# Limits on what a content file (report, office.yaml, site.yaml) may be: far above any real report
# (the largest published ones are under 100 KB), low enough that a mistaken or hostile file cannot
# make a build run for minutes or take gigabytes.
MAX_FILE_BYTES = 1 << 20  # 1 MiB
ALIASES = "YAML 锚点和别名（&、*）在报告、机关和站点文件中不可用；请把内容直接写出"
EXCERPT = 40  # characters of a file's text quoted in a message at most

FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．－，", "0123456789.-,")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{4})年(\d{1,2})月(\d{1,2})日")
CHINESE_NUMERAL = re.compile(r"^[零〇一二三四五六七八九十百千万两]+$")


def position(path: str, node: yaml.Node) -> Position:
    """Where a node starts in the file shown as `path`."""
    mark = node.start_mark
    return Position(path, mark.line + 1, mark.column + 1)


def decode(data: bytes, path: str) -> tuple[str, list[Finding]]:
    """Decode a content file: UTF-8 (a BOM is fine); GB18030 from Windows tools is read with a warning."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    where = Position(path, line, column)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise GongkaiError(
            error(where, "文件不是 UTF-8 编码，也不是 GB18030/GBK 编码，无法读取；请在编辑器中以 UTF-8 编码另存此文件")
        ) from None
    note = (
        "文件不是 UTF-8 编码，已按 GB18030（GBK）编码读取；请将文件另存为 UTF-8 编码"
        f"（记事本“另存为”选 UTF-8，或运行 iconv -f GB18030 -t UTF-8 {path} -o {path}.utf8 后替换原文件）"
    )
    return text, [warning(where, note)]


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """At most `limit` characters of a text read from a file, for a message: never a whole file."""
    return text if len(text) <= limit else text[:limit] + "……"


def check_size(data: bytes, path: str) -> None:
    """Refuse a content file larger than MAX_FILE_BYTES, before parsing it."""
    if len(data) > MAX_FILE_BYTES:
        message = (
            f"文件有 {len(data) / (1 << 20):.1f} MiB，超过了 {MAX_FILE_BYTES >> 20} MiB 的上限，未读取；"
            "年度报告通常不到 100 KB，请检查是否放错了文件"
        )
        raise GongkaiError(error(Position(path, 1, 1), message))


def parse(text: str, path: str) -> yaml.Node | None:
    """Compose a YAML document into nodes; a syntax error becomes a positioned finding. Anchors and
    aliases are refused: no content file needs them, and a few lines of nested aliases would expand
    into billions of values (every value is read, and shown, where it is referred to)."""
    if "&" in text:  # an alias needs an anchor: only a text with one is looked at again
        _refuse_anchors(text, path)
    try:
        return yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Position(path, mark.line + 1, mark.column + 1) if mark else Position(path)
        line = text.split("\n")[mark.line] if mark is not None and mark.line < text.count("\n") + 1 else ""
        tab = mark is not None and line[mark.column : mark.column + 1] == "\t"
        problem = "不能用 Tab 缩进或对齐，请改用空格" if tab else _yaml_problem(exc)
        raise GongkaiError(error(where, f"YAML 语法错误：{problem}；请检查这一行的缩进、冒号和引号")) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        message = f"文件中有不允许的控制字符 U+{exc.character:04X}（通常是从别处粘贴带来的）；请删除它"
        raise GongkaiError(error(Position(path, line, column), message)) from None
    except yaml.YAMLError as exc:
        raise GongkaiError(error(Position(path, 1, 1), f"YAML 语法错误：{exc}")) from None


def _refuse_anchors(text: str, path: str) -> None:
    """A positioned error at the first anchor or alias of the text, if it has one (its events only
    are read, up to there: no node is made)."""
    try:
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                mark = event.start_mark
                raise GongkaiError(error(Position(path, mark.line + 1, mark.column + 1), ALIASES))
    except yaml.YAMLError:
        return  # a syntax error: composing says where


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    known = {
        "mapping values are not allowed here": "此处不能出现冒号加空格（文字中含“: ”时请给整段文字加引号）",
        "could not find expected ':'": "缺少冒号",
        "found character '\\t' that cannot start any token": "不能用 Tab 缩进，请改用空格",
        "found unexpected end of stream": "引号没有闭合",
        "found undefined alias": "使用了未定义的别名",
        "did not find expected node content": "此处缺少值（例如列表中两个逗号之间是空的，没有数据请写 0）",
    }
    for english, chinese in known.items():
        if problem.startswith(english):
            return chinese
    if "expected <block end>" in problem or "did not find expected key" in (exc.context or ""):
        return "缩进不一致"
    return problem or str(exc)


def read_bytes(file: Path, path: str) -> bytes:
    """A content file's bytes; a file that cannot be read is a finding at `path`."""
    try:
        return read_file(file)[1]
    except OutsideSite:
        raise GongkaiError(error(Position(path), OUTSIDE_SITE)) from None
    except OSError as exc:
        raise GongkaiError(error(Position(path), f"无法读取文件：{exc.strerror}")) from None


def load_file(file: Path, path: str, data: bytes | None = None) -> tuple[yaml.Node | None, list[Finding]]:
    """Read and compose one YAML file (or its bytes, already read); findings carry `path` as the name users see."""
    data = read_bytes(file, path) if data is None else data
    check_size(data, path)
    text, findings = decode(data, path)
    return parse(text, path), findings


class MappingReader:
    """Reads the keys of one YAML mapping: reports duplicates, unknown and missing keys."""

    def __init__(self, node: yaml.Node, path: str, findings: list[Finding], what: str) -> None:
        self.path = path
        self.findings = findings
        self.node = node
        self.items: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        if not isinstance(node, yaml.MappingNode):
            findings.append(error(position(path, node), f"{what}应为“键: 值”的映射，这里是{describe(node)}"))
            return
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            shown = excerpt(key) if isinstance(key, str) else ""
            if not isinstance(key, str):
                findings.append(error(position(path, key_node), "键应为文字"))
                continue
            if key in self.items:
                first = position(path, self.items[key][0])
                findings.append(
                    error(
                        position(path, key_node),
                        f"键“{shown}”重复出现（第一次在第 {first.line} 行）；YAML 只会保留最后一个值，请删除多余的一个",
                    )
                )
                continue
            self.items[key] = (key_node, value_node)

    @property
    def ok(self) -> bool:
        """Whether the node is a mapping at all."""
        return isinstance(self.node, yaml.MappingNode)

    def get(self, key: str) -> yaml.Node | None:
        """The value of a key, or None when the mapping lacks it."""
        item = self.items.get(key)
        return item[1] if item else None

    def key_position(self, key: str) -> Position:
        """Where a key is written (the mapping's start when it lacks the key)."""
        item = self.items.get(key)
        return position(self.path, item[0]) if item else position(self.path, self.node)

    def require(self, key: str, what: str, hint: str) -> yaml.Node | None:
        """The value of a key that must be there; its absence is reported, with `hint`."""
        node = self.get(key)
        if node is None and self.ok:
            self.findings.append(error(position(self.path, self.node), f"缺少必填项“{key}”（{what}）；{hint}"))
        return node

    def reject_unknown(self, allowed: dict[str, str], where: str) -> None:
        """Report keys not in `allowed` (key -> zh description) with a did-you-mean suggestion."""
        for key, (key_node, _) in self.items.items():
            if key in allowed:
                continue
            hint = suggest(key, allowed)
            self.findings.append(error(position(self.path, key_node), f"{where}中没有“{excerpt(key)}”这一项{hint}"))


def suggest(key: str, allowed: dict[str, str]) -> str:
    """A did-you-mean hint: by spelling of the key, or by its Chinese description."""
    for name, description in allowed.items():
        if key and (key == description or key in description.split("/")):
            return f"；“{excerpt(key)}”应写作“{name}”"
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    if close:
        return f"；是否想写“{close[0]}”（{allowed[close[0]]}）？"
    close = difflib.get_close_matches(key, list(allowed.values()), n=1, cutoff=0.5)
    if close:
        name = next(k for k, v in allowed.items() if v == close[0])
        return f"；是否想写“{name}”（{close[0]}）？"
    return "；请删除或改正这个键"


def describe(node: yaml.Node) -> str:
    """A node in words for a message: 一个映射, 一个列表, 空值, or its text quoted."""
    if isinstance(node, yaml.MappingNode):
        return "一个映射"
    if isinstance(node, yaml.SequenceNode):
        return "一个列表"
    return _describe_scalar(node.value, node.tag)


def _describe_scalar(text: str, tag: str) -> str:
    return "空值" if tag == NULL_TAG else f"“{excerpt(text)}”"


class Value:
    """One value as the reading checks see it, whichever reader read it: a scalar's text (None for a
    mapping or a list, then `words` says which), its YAML tag, whether it is written unquoted, and
    where it is (worked out only when a finding needs it). The full reader makes one from a node
    (value_of); the quick reader (read/reports.py) from its parse (simpleyaml.Item), its tag resolved
    only when asked for."""

    __slots__ = ("_tag", "plain", "text", "where", "words")

    def __init__(
        self, text: str | None, tag: str | None, plain: bool, where: Callable[[], Position], words: str = ""
    ) -> None:
        self.text = text
        self._tag = tag
        self.plain = plain
        self.where = where
        self.words = words

    @property
    def tag(self) -> str:
        """The YAML tag: of a plain scalar, what YAML 1.1 resolves its text to (str, int, bool, null ...)."""
        if self._tag is None:
            self._tag = simpleyaml.tag_of(self.text)
        return self._tag

    def shown(self) -> str:
        """The value in words for a message, as describe() says it."""
        return self.words if self.text is None else _describe_scalar(self.text, self.tag)


def value_of(node: yaml.Node, path: str) -> Value:
    """A composed node (of the file shown as `path`) as the reading checks see it."""
    where = lambda: position(path, node)  # noqa: E731
    if isinstance(node, yaml.ScalarNode):
        return Value(node.value, node.tag, _plain(node), where)
    return Value(None, node.tag, False, where, describe(node))


def _plain(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.style in (None, "")


# What plain words YAML 1.1 reads as something else, and as what: a text written so is read as the
# words, with a warning (text_value).
_TEXT_SURPRISES = {BOOL_TAG: "是/否", NULL_TAG: "空值", TIMESTAMP_TAG: "日期"}


def read_text(node: yaml.Node, path: str, findings: list[Finding], what: str) -> str | None:
    """A text value. YAML 1.1 would turn plain `no`, `on`, `null` into non-text: we keep the words."""
    return text_value(value_of(node, path), findings, what)


def plain_text(item: simpleyaml.Item, path: str, findings: list[Finding], what: str) -> str | None:
    """A value of the quick reading (simpleyaml.py) as read_text reads it, with the same findings;
    None when it is not a scalar (the full reader then says what it is)."""
    kind = item.kind
    if kind == simpleyaml.BLOCK or kind == simpleyaml.QUOTED:
        return item.value
    if kind == simpleyaml.EMPTY:
        return ""
    if kind != simpleyaml.PLAIN:
        return None
    return text_value(Value(item.value, None, True, lambda: Position(path, item.line, item.column)), findings, what)


def text_value(value: Value, findings: list[Finding], what: str) -> str | None:
    """read_text of a value from either reader: the words of a quoted or block scalar as they are; of a
    plain one also, with a warning when YAML 1.1 would read them as something else."""
    text = value.text
    if text is None:
        findings.append(error(value.where(), f"{what}应为一段文字，这里是{value.shown()}"))
        return None
    if not value.plain:
        return text
    surprise = _TEXT_SURPRISES.get(value.tag)
    if surprise is None:
        return text
    if text in ("", "~"):
        return "" if value.tag == NULL_TAG else text
    shown = excerpt(text)
    message = f'{what}“{shown}”在 YAML 中会被读成{surprise}而不是文字；已按文字读取，请加引号写成 "{shown}"'
    findings.append(warning(value.where(), message))
    return text


def text_lines(data: bytes) -> list[str]:
    """A content file's lines, decoded as decode() does (for working out positions inside texts)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    return text.replace("\r\n", "\n").split("\n")


def text_start(lines: list[str], header_line: int) -> tuple[int, int] | None:
    """Where the first line of a literal block scalar's text starts (line and column, from 1), given the
    line of its `|` header: each further line of the text starts on the next line, at the same column."""
    index = header_line  # the line after the header, counted from 0
    while index < len(lines) and not lines[index].strip(" "):
        index += 1  # leading empty lines are lines of the text too, but say nothing of the indentation
    if index == len(lines):
        return None
    indent = len(lines[index]) - len(lines[index].lstrip(" "))
    return header_line + 1, indent + 1


def read_year(node: yaml.Node, path: str, findings: list[Finding]) -> int | None:
    """A report's year: four digits, 19xx or 20xx."""
    return year_value(value_of(node, path), findings)


def year_value(value: Value, findings: list[Finding]) -> int | None:
    """read_year of a value from either reader."""
    if value.text is not None and re.fullmatch(r"(19|20)\d\d", value.text.strip()):
        return int(value.text)
    findings.append(error(value.where(), f"年度应为四位数字的年份，如 2023；这里是{value.shown()}"))
    return None


def read_date(node: yaml.Node, path: str, findings: list[Finding], what: str) -> date | None:
    """A date written 2024-01-20 or 2024年1月20日."""
    return date_value(value_of(node, path), findings, what)


def date_value(value: Value, findings: list[Finding], what: str) -> date | None:
    """read_date of a value from either reader."""
    match = _DATE.fullmatch(value.text.strip()) if value.text is not None else None
    if match:
        try:
            return date(*(int(part) for part in match.groups() if part is not None))
        except ValueError:
            pass
    findings.append(error(value.where(), f"{what}应为日期，写成 2024-01-20；这里是{value.shown()}"))
    return None


def read_cell_number(
    node: yaml.Node, path: str, findings: list[Finding], value_type: str, what: str
) -> int | Decimal | None:
    """A table cell: count (int >= 0), signed_count (int) or amount (Decimal >= 0 of any scale, exactly as
    written, in the column's unit)."""
    if node.tag == INT_TAG and _plain(node) and node.value.isdigit() and (node.value[0] != "0" or node.value == "0"):
        return int(node.value)  # the common case, without the checks below
    return number_value(value_of(node, path), findings, value_type, what)


def number_value(value: Value, findings: list[Finding], value_type: str, what: str) -> int | Decimal | None:
    """read_cell_number of a value from either reader: every decision on a table cell's value is made here."""
    raw = value.text
    if raw is not None and value.plain and value.tag == INT_TAG and raw.isdigit() and (raw[0] != "0" or raw == "0"):
        return int(raw)
    where = value.where()
    if raw is None:
        findings.append(error(where, f"{what}应为一个数字，这里是{value.shown()}"))
        return None
    raw = raw.strip()
    shown = excerpt(raw)
    fix = "没有就写 0" if value_type != "amount" else "没有就写 0，金额以万元为单位，如 9116.36"
    if value.tag == NULL_TAG or raw == "":
        findings.append(error(where, f"{what}缺少数值；{fix}"))
        return None
    if not value.plain:
        findings.append(error(where, f"{what}“{shown}”是带引号的文字；数值请直接写数字，不加引号"))
        return None
    if CHINESE_NUMERAL.match(raw):
        findings.append(error(where, f"{what}“{shown}”是汉字数字；请写成阿拉伯数字"))
        return None
    if raw != raw.translate(FULLWIDTH_DIGITS):
        findings.append(
            error(where, f"{what}“{shown}”含全角字符；请改为半角数字 {excerpt(raw.translate(FULLWIDTH_DIGITS))}")
        )
        return None
    if value_type == "amount":
        return _read_amount(raw, where, findings, what)
    if value.tag == INT_TAG and re.fullmatch(r"0\d+", raw):
        findings.append(
            error(where, f"{what}“{shown}”以 0 开头，YAML 会把它当作八进制数；请去掉开头的 0，写成 {int(raw)}")
        )
        return None
    if not re.fullmatch(r"[-+]?\d+", raw):
        if re.fullmatch(r"[-+]?\d+\.\d*|[-+]?\d[\d,]*", raw):
            findings.append(error(where, f"{what}“{shown}”不是整数；件数只能是 0 或正整数"))
        else:
            findings.append(error(where, f"{what}“{shown}”不是数字；请写阿拉伯数字，{fix}"))
        return None
    number = int(raw)
    if number < 0 and value_type == "count":
        findings.append(error(where, f"{what}“{shown}”是负数；件数只能是 0 或正整数"))
        return None
    return number


def _read_amount(raw: str, where: Position, findings: list[Finding], what: str) -> Decimal | None:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        findings.append(error(where, f"{what}“{excerpt(raw)}”不是金额；请写以万元为单位的数字，如 9116.36"))
        return None
    if not value.is_finite() or value < 0:
        findings.append(error(where, f"{what}“{excerpt(raw)}”不是有效金额；金额应为 0 或正数，以万元为单位"))
        return None
    return value  # as written, every decimal kept: the published figure
