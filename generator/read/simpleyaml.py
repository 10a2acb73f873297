"""A reader for the plain subset of YAML that report files are written in, about four times quicker
than composing them with libyaml.

Report files, as `gongkai new` and `gongkai import` write them and as clerks edit them, use a small
part of YAML: a mapping of keys, some holding a mapping of keys in turn; values that are flow lists of
numbers, single-line plain or quoted scalars, or literal block scalars (`|-`); comment lines and
trailing comments. This module reads exactly that and gives up (returns None) on anything else, so
that the caller reads the file the full way (source.py), which also explains every mistake. It never
has to be right about a construct it does not know: it only has to be right about the ones it
accepts, and tests/test_simpleyaml.py checks that it reads those exactly as libyaml does.
Imports nothing of generator.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import NamedTuple

import yaml
import yaml.resolver

# Characters the subset leaves to the full reader: controls (a tab only inside a block scalar's
# text), YAML's other line breaks, byte order marks, and what libyaml rejects outright.
_UNUSUAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
# A line outside block scalars: indentation, then a comment, a key (and what follows it), or nothing.
_LINE = re.compile(r"( *)(?:(#)|([A-Za-z_][A-Za-z0-9_]*):(?: +(.*)|$)|$)")
_BLOCK_HEADER = re.compile(r"\|([-+]?)(?: +#.*| *)$")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_NUMBERS = r"(-?\d+(?:\.\d+)?(?:, -?\d+(?:\.\d+)?)*)"  # "1, 2, 3"
_NUMBER_LIST = re.compile(rf"\[{_NUMBERS}\](?: +#.*| *)$")  # "[1, 2, 3]"
# The most common line of all, a table's row "  key: [1, 2, 3]  # label", read in one match.
_ROW = re.compile(rf"( *)([A-Za-z_][A-Za-z0-9_]*): \[{_NUMBERS}\](?: +#[^\t]*| *)$")
_SPACED_LIST = re.compile(r"\[( *-?\d+(?:\.\d+)? *(?:, *-?\d+(?:\.\d+)? *)*)\](?: +#.*| *)$")  # "[ 1 ,2 ]"
_QUOTED = re.compile(r"(?:\"([^\"\\]*)\"|'([^']*)')(?: +#.*| *)$")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_RESOLVER = yaml.resolver.Resolver()
_SCALAR_NODE = yaml.ScalarNode

PLAIN, QUOTED, BLOCK, LIST, MAPPING, EMPTY = "plain", "quoted", "block", "list", "mapping", "empty"


class Item(NamedTuple):
    """A key's value: `value` is a scalar's text; for a list, its numbers' texts and where they are
    (see list_columns); for a mapping, a dict of key -> Item. The key and (but for a mapping) the
    value start on `line`, at `key_column` and `column` (counted from 1)."""

    kind: str
    value: object
    line: int
    column: int
    key_column: int

    def tag(self) -> str:
        """The YAML tag a plain scalar resolves to (str, int, bool, null, timestamp ...)."""
        return tag_of(self.value)


Mapping = dict[str, Item]


def tag_of(text: str) -> str:
    """The YAML tag a plain scalar of this text resolves to (str, int, float, bool, null, timestamp ...)."""
    return _RESOLVER.resolve(_SCALAR_NODE, text, (True, False))


def list_columns(item: Item) -> tuple[int, ...]:
    """The column of each number of a list (counted from 1). They are worked out when asked for, which
    is only to point at a mistake: a list spaced as "1, 2, 3" keeps only its first number's column."""
    tokens, columns = item.value
    if isinstance(columns, int):
        return tuple(accumulate(map((2).__add__, map(len, tokens[:-1])), initial=columns))
    return columns


def parse(text: str) -> Mapping | None:
    """The top-level mapping of a document in the subset, or None when it is not one."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if _UNUSUAL.search(text) or "\r" in text:
        return None
    lines = text.split("\n")
    try:
        mapping, end = _mapping(lines, 0, 0, True)
    except _Unsupported:
        return None
    return mapping if end == len(lines) else None


def parse_file(data: bytes) -> Mapping | None:
    """parse() of a file's bytes in UTF-8, with or without a byte order mark (any other encoding is
    left to the full reader, which says what it found)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return parse(data.decode("utf-8"))
    except UnicodeDecodeError:
        return None


class _Unsupported(Exception):
    """Raised deep inside the parse when the text leaves the subset."""


def _mapping(lines: list[str], start: int, indent: int, top: bool) -> tuple[Mapping, int]:
    """The keys at exactly `indent` from line index `start`, and the index where the mapping ends."""
    items: Mapping = {}
    count = len(lines)
    index = start
    match_line, match_row = _LINE.match, _ROW.match
    while index < count:
        line = lines[index]
        row = match_row(line)
        if row is not None:
            lead, key = row.end(1), row.group(2)
        else:
            found = match_line(line)
            if found is None or "\t" in line:
                raise _Unsupported
            key = found.group(3)
            if key is None:  # a blank or comment line
                index += 1
                continue
            lead = found.end(1)
        if lead != indent:
            if lead < indent:
                break
            raise _Unsupported
        if key in items:
            raise _Unsupported  # the full reader names both places
        index += 1
        number = index  # the key's line, counted from 1
        if row is not None:
            column = row.start(3)  # of the "[", counted from 1
            items[key] = Item(LIST, (row.group(3).split(", "), column + 1), number, column, lead + 1)
            continue
        rest = found.group(4)
        column = found.start(4) + 1
        if not rest or rest[0] == "#":  # a nested mapping, or an empty value
            following = _next_content(lines, index)
            deeper = following is not None and _indent(lines[following]) > indent
            if deeper and not top:
                raise _Unsupported
            if deeper:
                value, index = _mapping(lines, following, _indent(lines[following]), False)
                items[key] = Item(MAPPING, value, number, lead + 1, lead + 1)
            else:
                items[key] = Item(EMPTY, "", number, lead + 1, lead + 1)
        elif rest[0] == "|":
            header = _BLOCK_HEADER.match(rest)
            if header is None or header.group(1) == "+":
                raise _Unsupported
            text, after = _block(lines, index, indent, header.group(1))
            items[key] = Item(BLOCK, text, number, column, lead + 1)
            index = after
        else:
            items[key] = _scalar_or_list(rest, number, column, lead + 1)
    return items, index


def _next_content(lines: list[str], index: int) -> int | None:
    while index < len(lines):
        stripped = lines[index].lstrip(" ")
        if stripped and stripped[0] != "#":
            return index
        index += 1
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block(lines: list[str], index: int, parent: int, chomping: str) -> tuple[str, int]:
    """A literal block scalar's text (clip or strip chomping), and the index of the line after it."""
    count = len(lines)
    first = index
    while first < count and lines[first] == "":
        first += 1
    if first < count and not lines[first].strip(" "):
        raise _Unsupported  # leading lines of spaces change how YAML finds the indentation
    if first == count or _indent(lines[first]) <= parent:
        return "", first  # an empty scalar (its blank lines are chomped)
    indent = _indent(lines[first])
    if lines[first][indent] == "\t":
        raise _Unsupported  # libyaml takes it for indentation
    content: list[str] = [""] * (first - index)
    index = first
    while index < count:
        line = lines[index]
        if line[:indent].strip(" "):  # less indented text: the scalar ended
            if "\t" in line[:indent]:
                raise _Unsupported
            break
        if len(line) <= indent and not line.strip(" "):
            content.append("")
        else:
            content.append(line[indent:])
        index += 1
    last = len(content)
    while last and content[last - 1] == "":
        last -= 1
    text = "\n".join(content[:last])
    if chomping == "" and last:
        ended = first + last - 1 < count - 1  # a line break follows the last line of text
        text += "\n" if ended else ""
    return text, index


def _scalar_or_list(rest: str, line: int, column: int, key_column: int) -> Item:
    """A value on the key's line: a flow list of numbers, a quoted or a plain scalar."""
    first = rest[0]
    if first == "[":
        match = _NUMBER_LIST.match(rest)
        if match is not None:  # spaced as "1, 2, 3": each number's column follows from the lengths
            return Item(LIST, (match.group(1).split(", "), column + 1), line, column, key_column)
        match = _SPACED_LIST.match(rest)
        if match is None:
            raise _Unsupported
        tokens, columns, offset = [], [], column + 1
        for part in match.group(1).split(","):
            tokens.append(part.strip(" "))
            columns.append(offset + len(part) - len(part.lstrip(" ")))
            offset += len(part) + 1
        return Item(LIST, (tokens, tuple(columns)), line, column, key_column)
    if first in "\"'":
        match = _QUOTED.match(rest)
        if match is None:
            raise _Unsupported
        value = match.group(1) if match.group(1) is not None else match.group(2)
        return Item(QUOTED, value, line, column, key_column)
    comment = rest.find(" #")
    value = (rest if comment < 0 else rest[:comment]).rstrip(" ")
    if first in _INDICATORS and not _NUMBER.fullmatch(value):
        raise _Unsupported
    if ": " in value or value.endswith(":"):
        raise _Unsupported
    return Item(PLAIN, value, line, column, key_column)


_MARK = yaml.Mark
_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def as_nodes(mapping: Mapping) -> yaml.MappingNode | None:
    """A mapping read by parse() as the nodes libyaml composes from the same text: the same tags,
    styles, values and start positions (end positions are not kept), so that the checks written for
    libyaml's nodes (source.py) read it. None when it holds an empty value, whose position only libyaml
    knows."""
    pairs = []
    for key, item in mapping.items():
        value = _node(item)
        if value is None:
            return None
        pairs.append((yaml.ScalarNode(_STR, key, _mark(item.line, item.key_column), None, ""), value))
    first = next(iter(mapping.values()), None)
    start = _mark(first.line, first.key_column) if first is not None else None
    return yaml.MappingNode(_MAP, pairs, start, None, False)


def _mark(line: int, column: int) -> yaml.Mark:
    return _MARK(None, None, line - 1, column - 1, None, None)


def _node(item: Item) -> yaml.Node | None:
    kind = item.kind
    if kind == PLAIN:
        return yaml.ScalarNode(item.tag(), item.value, _mark(item.line, item.column), None, "")
    if kind == QUOTED:
        return yaml.ScalarNode(_STR, item.value, _mark(item.line, item.column), None, '"')
    if kind == BLOCK:
        return yaml.ScalarNode(_STR, item.value, _mark(item.line, item.column), None, "|")
    if kind == LIST:
        tokens = item.value[0]
        cells = [
            yaml.ScalarNode(tag_of(token), token, _mark(item.line, column), None, "")
            for token, column in zip(tokens, list_columns(item))
        ]
        return yaml.SequenceNode(_SEQ, cells, _mark(item.line, item.column), None, True)
    if kind == MAPPING:
        return as_nodes(item.value)
    return None  # EMPTY
