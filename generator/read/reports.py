"""Report files: content/<office>/<year>.yaml read into Report values (model/values.py) with source
positions, and every reading problem as a positioned finding.

A report read here has the totals its file leaves out (columns with `may_omit`) named in
Report.computed but not yet in its values: they are computed by the rule that defines them, which is
the checking layer's (check.complete; check.load_report reads and completes). Imports model and read only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from itertools import repeat
from pathlib import Path

import yaml

from ..model.findings import Finding, GongkaiError, Position, error, warning
from ..model.format import Format, Table, all_formats, format_for_year, get_format
from ..model.values import (
    HEADLINE_KEY,
    INTRO_KEY,
    PLACEHOLDER,
    REPORT_KEYS,
    SCOPES,
    TEXT_START,
    FreeTable,
    Number,
    Report,
    Revision,
    cell_key,
)
from . import simpleyaml, source


def format_keys(fmt: Format) -> dict[str, str]:
    """Top-level keys allowed in a report of this format, with their zh descriptions."""
    keys = dict(REPORT_KEYS)
    keys.update({s.id: s.heading for s in fmt.sections})
    if fmt.supplied_headlines:
        keys[HEADLINE_KEY] = "主要数字（新收申请、予以公开等）"
    return keys


def read_report(file: Path, path: str, office: str, data: bytes | None = None) -> tuple[Report | None, list[Finding]]:
    """Read one report file. Returns the report (None when unusable; its left-out totals not yet
    computed: see check.load_report) and every problem found.

    A file in the plain shape report files usually have is read by the quick path (simpleyaml.py,
    read_plain_report) when its problems, if any, are in its values, which both paths decide with the
    same functions; any other by composing its YAML, which explains every problem."""
    try:
        data = source.read_bytes(file, path) if data is None else data
        source.check_size(data, path)
    except GongkaiError as exc:
        return None, exc.findings
    quick = read_plain_report(data, path, office, _year_in_name(file), file.name)
    if quick is not None:
        return quick
    return read_composed_report(file, path, office, data)


def _year_in_name(file: Path) -> int | None:
    return int(file.stem) if re.fullmatch(r"\d{4}", file.stem) else None


def read_composed_report(
    file: Path, path: str, office: str, data: bytes | None = None
) -> tuple[Report | None, list[Finding]]:
    """read_report the full way: the YAML composed into nodes, every problem found and positioned."""
    try:
        data = source.read_bytes(file, path) if data is None else data
        root, findings = source.load_file(file, path, data)
    except GongkaiError as exc:
        return None, exc.findings
    if root is None:
        return None, [error(Position(path, 1, 1), "文件是空的；可用 gongkai new 生成完整的报告模板")]
    top = source.MappingReader(root, path, findings, "报告文件")
    if not top.ok:
        return None, findings

    year_in_name = _year_in_name(file)
    year = None
    year_node = top.require("year", "报告年度", f"请加一行 year: {year_in_name or 2023}")
    if year_node is not None:
        year = source.read_year(year_node, path, findings)
        if year is not None:
            _check_year_in_name(year, year_in_name, file.name, lambda: source.position(path, year_node), findings)
    year = year or year_in_name

    node = top.get("format")
    fmt = _format_value(None if node is None else source.value_of(node, path), path, findings, year)
    if fmt is None:
        top.reject_unknown({**REPORT_KEYS, **_all_section_keys()}, "报告文件")
        return None, findings
    top.reject_unknown(format_keys(fmt), "报告文件")

    published = office_name = source_url = None
    draft = False
    if (node := top.get("draft")) is not None:
        draft = _draft_value(source.value_of(node, path), findings)
    if (node := top.get("published")) is not None:
        published = source.read_date(node, path, findings, "发布日期 published")
    scope = SCOPES[0]
    if (node := top.get("scope")) is not None:
        scope = _scope_value(source.value_of(node, path), findings)
    revisions: tuple[Revision, ...] = ()
    if (node := top.get("revisions")) is not None:
        revisions = _read_revisions(node, path, findings, published)
    if (node := top.get("office_name")) is not None:
        office_name = source.read_text(node, path, findings, "机关名称 office_name") or None
    if (node := top.get("source_url")) is not None:
        source_url = source.read_text(node, path, findings, "原文地址 source_url") or None

    texts: dict[str, str] = {}
    values: dict[str, Number] = {}
    free_tables: tuple[FreeTable, ...] = ()
    headline: dict[str, Number] = {}
    if fmt.supplied_headlines and (node := top.get(HEADLINE_KEY)) is not None:
        headline = _read_headline(fmt, node, path, findings)
    omitted: set[str] = set()
    positions = {key: _line_column(top.key_position(key)) for key in top.items}
    lines = source.text_lines(data)
    for section in fmt.sections:
        node = top.get(section.id)
        if node is None:
            if not section.optional:
                hint = "没有内容时写“无”" if section.kind == "narrative" else "可用 gongkai new 生成完整的表格"
                findings.append(
                    error(
                        Position(path, 1, 1),
                        f"缺少第{section.number}部分“{section.label.zh}”（键 {section.id}）；{hint}",
                    )
                )
            continue
        if section.kind == "free_tables":
            free_tables = _read_free_tables(node, path, findings)
        elif section.kind == "narrative":
            texts[section.id] = source.read_text(node, path, findings, f"“{section.heading}”") or ""
            _note_text_start(positions, section.id, node, lines)
            where = lambda node=node: source.position(path, node)  # noqa: E731
            _check_placeholder(texts[section.id], section.heading, draft, where, findings)
        else:
            _read_table(fmt.tables[section.id], node, path, findings, texts, values, omitted, positions, lines)

    report = Report(
        office=office,
        year=year or 0,
        format_id=fmt.id,
        path=path,
        published=published,
        office_name=office_name,
        source_url=source_url,
        texts=texts,
        values=values,
        computed=frozenset(omitted),
        free_tables=free_tables,
        headline=headline,
        draft=draft,
        revisions=revisions,
        scope=scope,
        positions=positions,
    )
    usable = year is not None and not any(f.severity == "error" for f in findings)
    return (report if usable else None), findings


# --- the quick path: a file in the plain shape, its usual values recognised -------------------------

_COUNT = re.compile(r"0|[1-9]\d*")
_SIGNED_COUNT = re.compile(r"0|-?[1-9]\d*")
_AMOUNT = re.compile(r"(?:0|[1-9]\d*)\.\d+")


# --- the checks both ways of reading make, each written once ---------------------------------------


def _check_year_in_name(
    year: int, year_in_name: int | None, file_name: str, where: Callable[[], Position], findings: list[Finding]
) -> None:
    """The year written in a report file against the year its name says (`where`: the year's position)."""
    if year_in_name is not None and year != year_in_name:
        message = f"文件内的年度 {year} 与文件名 {file_name} 不一致；请改正年度或把文件改名为 {year}.yaml"
        findings.append(error(where(), message))


def _check_placeholder(
    text: str, heading: str, draft: bool, where: Callable[[], Position], findings: list[Finding]
) -> None:
    """Scaffold text still in a section: a draft may still have it (a warning), a report to publish may not."""
    if PLACEHOLDER in text:
        findings.append(
            Finding(
                where(),
                "warning" if draft else "error",
                f"“{heading}”尚未填写（仍有模板文字“{PLACEHOLDER}”）；请写好后删除“{PLACEHOLDER}”"
                + ("" if draft else "，或在报告开头加一行 draft: true 作为草稿暂不发布"),
            )
        )


class _NotPlain(Exception):
    """The file needs the full reader: it has something the quick path leaves to it to report, or a
    shape it does not read."""


def read_plain_report(
    data: bytes, path: str, office: str, year_in_name: int | None, file_name: str | None = None
) -> tuple[Report | None, list[Finding]] | None:
    """What read_composed_report returns for a file in the plain shape (simpleyaml.py) whose problems,
    if any, are in its values (a number, a date, the draft mark, the scope, the year, a text YAML reads
    as something else, a placeholder left in), each found by the function the full reader calls; None
    for any other file (a problem of its shape: a key unknown or missing, a row of the wrong length).
    `file_name`: the file's name, for a message (by default <year_in_name>.yaml)."""
    top = simpleyaml.parse_file(data)
    if top is None:
        return None
    findings: list[Finding] = []
    name = file_name or f"{year_in_name}.yaml"
    try:
        report = _plain_report(top, path, office, year_in_name, name, findings, data)
    except _NotPlain:
        return None
    usable = not any(f.severity == "error" for f in findings)
    return (report if usable else None), findings


def _plain_report(
    top: simpleyaml.Mapping,
    path: str,
    office: str,
    year_in_name: int | None,
    file_name: str,
    findings: list[Finding],
    data: bytes = b"",
) -> Report:
    """read_composed_report's reading in the same order, each value decided by the same function
    (source.year_value, _draft_value, source.date_value, _scope_value, source.number_value ...)."""
    year_item = _plain_item(top, "year")
    year_text = year_item.value
    if _YEAR.fullmatch(year_text):  # the usual year, recognised
        year = int(year_text)
    else:
        year = source.year_value(_value(year_item, path), findings)
    if year is not None:
        where = lambda: Position(path, year_item.line, year_item.column)  # noqa: E731
        _check_year_in_name(year, year_in_name, file_name, where, findings)
    fmt = _format_value(_value(_plain_item(top, "format"), path), path, findings, year or year_in_name)
    if fmt is None or fmt.supplied_headlines or not _format_key_set(fmt.id).issuperset(top):
        raise _NotPlain  # unknown keys, or a format to name: the full reader's
    if "revisions" in top:  # rare, and a list of mappings: the full reader's
        raise _NotPlain
    draft = _draft_value(_value(_plain_item(top, "draft"), path), findings) if "draft" in top else False
    published = None
    if "published" in top:
        published = source.date_value(_value(_plain_item(top, "published"), path), findings, "发布日期 published")
    scope = _scope_value(_value(_plain_item(top, "scope"), path), findings) if "scope" in top else SCOPES[0]
    office_name = (
        _plain_text(top["office_name"], path, findings, "机关名称 office_name") or None
        if "office_name" in top
        else None
    )
    source_url = (
        _plain_text(top["source_url"], path, findings, "原文地址 source_url") or None if "source_url" in top else None
    )
    texts: dict[str, str] = {}
    values: dict[str, Number] = {}
    omitted: set[str] = set()
    for section in fmt.sections:
        item = top.get(section.id)
        if item is None:
            if not section.optional:
                raise _NotPlain
        elif section.kind == "narrative":
            texts[section.id] = _plain_text(item, path, findings, f"“{section.heading}”")
            where = lambda item=item: Position(path, item.line, item.column)  # noqa: E731
            _check_placeholder(texts[section.id], section.heading, draft, where, findings)
        elif section.kind == "table":
            _plain_table(fmt.id, section.id, item, texts, values, omitted, path, findings)
        else:
            raise _NotPlain
    return Report(
        office=office,
        year=year or year_in_name or 0,
        format_id=fmt.id,
        path=path,
        published=published,
        office_name=office_name,
        source_url=source_url,
        texts=texts,
        values=values,
        computed=frozenset(omitted),
        draft=draft,
        scope=scope,
        positions=_PlainPositions(top, fmt.id, data),
    )


_YEAR = re.compile(r"(19|20)\d\d")


def _plain_item(mapping: simpleyaml.Mapping, key: str) -> simpleyaml.Item:
    """A scalar of the quick reading (a value the full reader must say more about is its)."""
    item = mapping.get(key)
    if item is None or item.kind not in (simpleyaml.PLAIN, simpleyaml.QUOTED):
        raise _NotPlain
    return item


def _value(item: simpleyaml.Item, path: str, column: int | None = None, text: str | None = None) -> source.Value:
    """A scalar of the quick reading (or one number of its list: `text`, at `column`) as the reading
    checks see it."""
    plain = item.kind != simpleyaml.QUOTED
    where = lambda: Position(path, item.line, item.column if column is None else column)  # noqa: E731
    return source.Value(item.value if text is None else text, None if plain else source.STR_TAG, plain, where)


class _PlainPositions(Mapping):
    """Where each key and cell of a report read the quick way is written, worked out from the file's
    parse when first asked for: only a finding asks, and most reports have none. Pickled as a dict."""

    def __init__(self, top: simpleyaml.Mapping, format_id: str, data: bytes = b"") -> None:
        self._top = top
        self._format_id = format_id
        self._data = data  # the file, for where each line of a text starts

    @functools.cached_property
    def _positions(self) -> dict[str, tuple[int, int]]:
        top = self._top
        positions = {key: (item.line, item.key_column) for key, item in top.items()}
        lines: list[str] | None = None
        for section in get_format(self._format_id).sections:
            texts = [(section.id, top.get(section.id))] if section.kind == "narrative" else []
            if section.kind == "table" and section.id in top:
                texts.append((f"{section.id}.{INTRO_KEY}", top[section.id].value.get(INTRO_KEY)))
            for key, item in texts:
                if item is not None and item.kind == simpleyaml.BLOCK:
                    lines = source.text_lines(self._data) if lines is None else lines
                    if (start := source.text_start(lines, item.line)) is not None:
                        positions[key + TEXT_START] = start
                elif item is not None and item.kind in (simpleyaml.PLAIN, simpleyaml.QUOTED):
                    positions[key + TEXT_START] = (item.line, item.column + (item.kind == simpleyaml.QUOTED))
            if section.kind != "table" or section.id not in top:
                continue
            rows = top[section.id].value
            for row_id, row_key, keys, *_ in _table_layout(self._format_id, section.id):
                cell = rows[row_id]
                positions[row_key] = (cell.line, cell.key_column)
                columns = simpleyaml.list_columns(cell) if cell.kind == simpleyaml.LIST else (cell.column,)
                positions.update(zip(keys, zip(repeat(cell.line), columns)))
        return positions

    def __getitem__(self, key: str) -> tuple[int, int]:
        return self._positions[key]

    def __contains__(self, key: object) -> bool:
        return key in self._positions

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)

    def __reduce__(self) -> tuple:
        return dict, (self._positions,)


@functools.cache
def _format_key_set(format_id: str) -> frozenset[str]:
    return frozenset(format_keys(get_format(format_id)))


def _plain_text(item: simpleyaml.Item, path: str, findings: list[Finding], what: str) -> str:
    """A text as read_text reads it, with its findings."""
    text = source.plain_text(item, path, findings, what)
    if text is None:
        raise _NotPlain
    return text


def _plain_table(
    format_id: str,
    table_id: str,
    item: simpleyaml.Item,
    texts: dict[str, str],
    values: dict[str, Number],
    omitted: set[str],
    path: str,
    findings: list[Finding],
) -> None:
    if item.kind != simpleyaml.MAPPING:
        raise _NotPlain
    rows: simpleyaml.Mapping = item.value
    if INTRO_KEY in rows:
        texts[f"{table_id}.{INTRO_KEY}"] = _plain_text(rows[INTRO_KEY], path, findings, "表前说明")
    layout = _table_layout(format_id, table_id)
    if len(rows) - (INTRO_KEY in rows) != len(layout):
        raise _NotPlain  # a row missing, or one the table does not have
    for row_id, _, keys, types, may_omit, whats in layout:
        cell = rows.get(row_id)
        if cell is None:
            raise _NotPlain
        if cell.kind == simpleyaml.LIST:
            texts_ = cell.value[0]
        elif cell.kind in (simpleyaml.PLAIN, simpleyaml.QUOTED) and len(keys) == 1:
            texts_ = (cell.value,)
        else:
            raise _NotPlain
        last_omitted = _last_omitted(len(texts_), len(keys), may_omit)
        if last_omitted is None:
            raise _NotPlain
        if last_omitted:
            omitted.add(keys[-1])
        if types == "count" and cell.kind != simpleyaml.QUOTED and _COUNTS.fullmatch(" ".join(texts_)):
            values.update(zip(keys, map(int, texts_)))  # the usual row: counts only
            continue
        types = repeat("count") if types == "count" else types
        for index, (key, text, value_type, what) in enumerate(zip(keys, texts_, types, whats)):
            number = _plain_number(text, value_type) if cell.kind != simpleyaml.QUOTED else None
            if number is None:
                column = simpleyaml.list_columns(cell)[index] if cell.kind == simpleyaml.LIST else None
                number = source.number_value(_value(cell, path, column, text), findings, value_type, what)
            if number is not None:
                values[key] = number


_COUNTS = re.compile(r"(?:0|[1-9]\d*)(?: (?:0|[1-9]\d*))*")


@functools.cache
def _table_layout(
    format_id: str, table_id: str
) -> tuple[tuple[str, str, tuple[str, ...], str | tuple, bool, tuple[str, ...]], ...]:
    """Each row of a table: id, key, its cells' keys, their value types ("count" when all are), whether
    the last value may be left out, and its cells named for a message."""
    table = get_format(format_id).tables[table_id]
    layout = []
    for block, row in table.row_entries():
        columns = block.leaf_columns
        keys = tuple(cell_key(table.id, row.id, column.id) for column in columns)
        types = tuple(column.type for column in columns)
        whats = tuple(f"“{row.label.zh}”的“{column.label.zh}”" for column in columns)
        kind = "count" if set(types) == {"count"} else types
        layout.append((row.id, f"{table.id}.{row.id}", keys, kind, columns[-1].may_omit, whats))
    return tuple(layout)


def _plain_number(text: str, value_type: str) -> Number | None:
    """A cell's usual number recognised (read as source.number_value reads it); None for any other,
    which number_value reads."""
    if value_type == "count" and _COUNT.fullmatch(text):
        return int(text)
    if value_type == "signed_count" and _SIGNED_COUNT.fullmatch(text):
        return int(text)
    if value_type == "amount":
        if _COUNT.fullmatch(text):
            return int(text)
        if _AMOUNT.fullmatch(text):
            return Decimal(text)
    return None


def _all_section_keys() -> dict[str, str]:
    return {s.id: s.heading for fmt in all_formats().values() for s in fmt.sections}


def _draft_value(value: source.Value, findings: list[Finding]) -> bool:
    """The draft mark: true or false, as YAML 1.1 spells a boolean and nothing else."""
    if value.text in ("true", "false") and value.tag == source.BOOL_TAG:
        return value.text == "true"
    findings.append(
        error(value.where(), f"草稿标记 draft 应为 true（草稿，不发布）或 false（发布）；这里是{value.shown()}")
    )
    return True  # not published by mistake: the error stops the build anyway


def _scope_value(value: source.Value, findings: list[Finding]) -> str:
    """The scope of a report's figures: one of SCOPES."""
    if value.text in SCOPES:
        return value.text
    findings.append(
        error(
            value.where(),
            f"数据范围 scope 应为“本级”（本机关自身的数字）或“汇总”（各下级单位之和）；这里是{value.shown()}",
        )
    )
    return SCOPES[0]


def _read_revisions(
    node: yaml.Node, path: str, findings: list[Finding], published: date | None
) -> tuple[Revision, ...]:
    """revisions: a list of {date: "YYYY-MM-DD", note: 修订说明}, oldest first."""
    example = '写成 - {date: "2024-02-03", note: 更正了表三第一行的数字}'
    if not isinstance(node, yaml.SequenceNode):
        findings.append(error(source.position(path, node), f"修订记录 revisions 应为列表；{example}"))
        return ()
    revisions = []
    for item in node.value:
        reader = source.MappingReader(item, path, findings, "修订记录")
        if not reader.ok:
            continue
        reader.reject_unknown({"date": "修订日期", "note": "修订说明"}, "修订记录")
        date_node = reader.require("date", "修订日期", example)
        note_node = reader.require("note", "修订说明", example)
        when = source.read_date(date_node, path, findings, "修订日期 date") if date_node is not None else None
        note = source.read_text(note_node, path, findings, "修订说明 note") if note_node is not None else None
        if when is None or note is None:
            continue
        if not note.strip():
            findings.append(error(source.position(path, note_node), "修订说明 note 是空的；请写明修订了什么"))
            continue
        if published is not None and when < published:
            findings.append(
                warning(
                    source.position(path, date_node),
                    f"修订日期 {when.isoformat()} 早于发布日期 {published.isoformat()}；请核对修订日期或发布日期",
                )
            )
        revisions.append(Revision(when, note.strip()))
    return tuple(revisions)


def _format_value(value: source.Value | None, path: str, findings: list[Finding], year: int | None) -> Format | None:
    """The report's format, named by its `format:` (`value`; None when the file lacks it)."""
    if value is not None and value.text is not None and (fmt := get_format(value.text)) is not None:
        return fmt
    known = "、".join(f'"{f}"' for f in all_formats())
    if value is None:
        expected = format_for_year(year) if year else None
        suggestion = f'format: "{expected.id}"' if expected else f"format 可选 {known}"
        findings.append(error(Position(path, 1, 1), f"缺少必填项“format”（报告格式版本）；请加一行 {suggestion}"))
    else:
        findings.append(error(value.where(), f"不认识的报告格式 {value.shown()}；可选 {known}"))
    return None


def _read_table(
    table: Table,
    node: yaml.Node,
    path: str,
    findings: list[Finding],
    texts: dict[str, str],
    values: dict[str, Number],
    omitted: set[str],
    positions: dict[str, tuple[int, int]],
    lines: list[str],
) -> None:
    section = table.section
    reader = source.MappingReader(node, path, findings, f"第{section.number}部分“{section.label.zh}”")
    if not reader.ok:
        return
    allowed = {INTRO_KEY: "表前说明文字"}
    for _, row in table.row_entries():
        allowed[row.id] = row.label.zh
    reader.reject_unknown(allowed, f"第{section.number}部分")
    if (intro := reader.get(INTRO_KEY)) is not None:
        texts[f"{table.id}.{INTRO_KEY}"] = source.read_text(intro, path, findings, "表前说明") or ""
        _note_text_start(positions, f"{table.id}.{INTRO_KEY}", intro, lines)

    for block, row in table.row_entries():
        row_node = reader.get(row.id)
        row_key = f"{table.id}.{row.id}"
        if row_node is None:
            findings.append(
                error(
                    source.position(path, node),
                    f"第{section.number}部分缺少“{row.label.zh}”一行（键 {row.id}）；没有数据时每格写 0",
                )
            )
            continue
        positions[row_key] = _line_column(reader.key_position(row.id))
        columns = block.leaf_columns
        what = f"“{row.label.zh}”"
        if isinstance(row_node, yaml.SequenceNode):
            cells = row_node.value
        elif len(columns) == 1:
            cells = [row_node]
        else:
            findings.append(
                error(source.position(path, row_node), f"{what}应为 {len(columns)} 个数值的列表，如 [0, 0, 0]")
            )
            continue
        optional_last = columns[-1].may_omit
        last_omitted = _last_omitted(len(cells), len(columns), optional_last)
        if last_omitted is None:
            expected = f"{len(columns)} 个" + (
                f"（或不含{columns[-1].label.zh}的 {len(columns) - 1} 个）" if optional_last else ""
            )
            order = "、".join(c.label.zh for c in columns)
            findings.append(
                error(
                    source.position(path, row_node),
                    f"{what}有 {len(cells)} 个数值，应为 {expected}，依次为：{order}",
                )
            )
            continue
        for column, cell in zip(columns, cells):
            key = cell_key(table.id, row.id, column.id)
            positions[key] = _line_column(source.position(path, cell))
            value = source.read_cell_number(cell, path, findings, column.type, f"{what}的“{column.label.zh}”")
            if value is not None:
                values[key] = value
        if last_omitted:
            omitted.add(cell_key(table.id, row.id, columns[-1].id))


def _last_omitted(cells: int, columns: int, may_omit: bool) -> bool | None:
    """Whether a row of this many cells leaves out its last value (its total, when the column may be
    omitted); None when it has a wrong number of them."""
    if cells == columns:
        return False
    return True if may_omit and cells == columns - 1 else None


def _line_column(position: Position) -> tuple[int, int]:
    return position.line, position.column


def _note_text_start(positions: dict, key: str, node: yaml.Node, lines: list[str]) -> None:
    """positions[key + TEXT_START] for a text read the full way, when its style allows (see source.text_start)."""
    if not isinstance(node, yaml.ScalarNode):
        return
    mark, end = node.start_mark, node.end_mark
    style = node.style or ""
    if style == "|":
        start = source.text_start(lines, mark.line + 1)
    elif style in "\"'" and mark.line == end.line:
        start = (mark.line + 1, mark.column + 1 + bool(style))
    else:
        start = None  # folded or multi-line: where each character stands is not worth working out
    if start is not None:
        positions[key + TEXT_START] = start


def _read_headline(fmt: Format, node: yaml.Node, path: str, findings: list[Finding]) -> dict[str, Number]:
    reader = source.MappingReader(node, path, findings, "主要数字 headline")
    allowed = {h.id: h.label.zh for h in fmt.headlines}
    reader.reject_unknown(allowed, "主要数字 headline")
    figures = {}
    for headline in fmt.headlines:
        if (cell := reader.get(headline.id)) is not None:
            value = source.read_cell_number(cell, path, findings, "count", f"“{headline.label.zh}”")
            if value is not None:
                figures[headline.id] = value
    return figures


MAX_FREE_TABLE_ROWS = 1000  # per table of a free-form report: real ones have tens


def _read_free_tables(node: yaml.Node, path: str, findings: list[Finding]) -> tuple[FreeTable, ...]:
    """tables: a list of {caption, header: [[...], ...], rows: [[...], ...]}; every row as wide as the header."""
    if not isinstance(node, yaml.SequenceNode):
        findings.append(
            error(source.position(path, node), "附表 tables 应为表格的列表，每个表格写 caption、header 和 rows")
        )
        return ()
    tables = []
    keys = {"caption": "表格标题", "header": "表头行（列表的列表）", "rows": "数据行（列表的列表）"}
    for item in node.value:
        reader = source.MappingReader(item, path, findings, "附表")
        if not reader.ok:
            continue
        reader.reject_unknown(keys, "附表")
        caption_node = reader.require("caption", "表格标题", "每个表格都要有标题，供读屏软件朗读")
        caption = source.read_text(caption_node, path, findings, "表格标题") if caption_node else ""
        header = _text_rows(reader.require("header", "表头行", "写成 header: [[项目, 数量]]"), path, findings)
        rows = _text_rows(reader.require("rows", "数据行", "写成 rows: [[收到申请, 12]]"), path, findings)
        if header is None or rows is None:
            continue
        if len(rows) > MAX_FREE_TABLE_ROWS:
            findings.append(
                error(
                    source.position(path, reader.get("rows")),
                    f"这个附表有 {len(rows)} 行，超过了 {MAX_FREE_TABLE_ROWS} 行的上限，未读取；请拆分成几个附表",
                )
            )
            continue
        width = max((len(r) for r in header), default=0)
        for row_node, row in zip(reader.get("rows").value, rows):
            if len(row) != width:
                findings.append(
                    error(
                        source.position(path, row_node),
                        f'这一行有 {len(row)} 格，表头有 {width} 列；请补齐（空格写 ""）',
                    )
                )
        tables.append(FreeTable(caption or "", tuple(header), tuple(rows)))
    return tuple(tables)


def _text_rows(node: yaml.Node | None, path: str, findings: list[Finding]) -> list[tuple[str, ...]] | None:
    if node is None:
        return None
    if not isinstance(node, yaml.SequenceNode) or not all(isinstance(r, yaml.SequenceNode) for r in node.value):
        findings.append(
            error(source.position(path, node), "应为若干行，每行是一个列表，如 [[项目, 数量], [收到申请, 12]]")
        )
        return None
    rows = []
    for row in node.value:
        cells = []
        for cell in row.value:
            if not isinstance(cell, yaml.ScalarNode):
                findings.append(error(source.position(path, cell), "表格的每一格应为文字或数字"))
                cells.append("")
            else:
                cells.append("" if cell.tag == source.NULL_TAG else cell.value)
        rows.append(tuple(cells))
    return rows
