"""Regions: the 下级汇总 of an office's child offices, and the check of a 汇总 report against it.

Which cells add up is the format's to say (a column with `additive: false` is left out); nothing
here knows a row. Each report leaves a Tally, a few hundred bytes kept in the build manifest: its
format, its scope and its non-zero additive cells. A summary is the element-wise sum of the tallies
of the children with a readable, published report of that year in the year's format; the others
are named in its coverage, never summed.

A module of the site layer: it imports the model (format, report values, findings) and rules.show,
never the render layer (the cell labels its messages use are the format's: format.cell_labels).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from ..model.findings import Finding, Position, error, warning
from ..model.format import cell_labels, format_for_year, get_format
from ..model.numbers import format_number
from ..model.values import SCOPES, Number, Report, cell_key

SUMMED = SCOPES[1]  # 汇总
DRAFT = "draft"
UNREADABLE = "unreadable"
RULE = "汇总"  # the rule id of the parent-vs-children findings


class Tally(NamedTuple):
    """What a region needs of one report. (A NamedTuple: the manifest keeps one per report.)"""

    state: str = ""  # "" published, DRAFT or UNREADABLE (never summed)
    format_id: str = ""
    scope: str = SCOPES[0]
    values: str = ""  # "index=value;…" of its additive cells (counts only when not 0), see additive_keys
    path: str = ""  # a 汇总 report's file, and where its scope and each additive cell are written
    positions: tuple[tuple[int, int], ...] = ()


@functools.cache
def additive_keys(format_id: str) -> tuple[str, ...]:
    """The cells a summary adds up, in the form's reading order: every cell of a column the format
    does not mark `additive: false`."""
    fmt = get_format(format_id)
    return tuple(
        cell_key(table, row, column)
        for table, row, column in fmt.cell_keys()
        if fmt.column_of(table, row, column).additive
    )


@functools.cache
def _amounts(format_id: str) -> frozenset[int]:
    fmt = get_format(format_id)
    return frozenset(
        index for index, key in enumerate(additive_keys(format_id)) if fmt.column_of(*key.split(".")).type == "amount"
    )


def tally(report: Report) -> Tally:
    """A published report's tally; its positions only when it says it is a 汇总 (they are rare)."""
    fmt = report.format
    if not fmt.tables:
        return Tally(format_id=fmt.id, scope=report.scope)
    keys = additive_keys(fmt.id)
    amounts = _amounts(fmt.id)
    parts = [  # an amount keeps its scale even when 0: 0.00
        f"{index}={value}"
        for index, value in enumerate(map(report.values.get, keys))
        if value or (value is not None and index in amounts)
    ]
    if report.scope != SUMMED:
        return Tally(format_id=fmt.id, scope=report.scope, values=";".join(parts))
    where = [report.position_of("scope")] + [report.position_of(key) for key in keys]
    positions = tuple((p.line, p.column) for p in where)
    return Tally("", fmt.id, report.scope, ";".join(parts), report.path, positions)


def tally_of(report: Report | None) -> Tally:
    """The tally of a report as read: an unreadable (None) or draft report's says only that."""
    if report is None:
        return Tally(UNREADABLE)
    return Tally(DRAFT) if report.draft else tally(report)


def cells(item: Tally) -> dict[str, Number]:
    """A tally's values by cell key (cells it leaves out are 0)."""
    keys = additive_keys(item.format_id)
    amounts = _amounts(item.format_id)
    result: dict[str, Number] = {}
    for part in item.values.split(";") if item.values else ():
        index, _, text = part.partition("=")
        index = int(index)
        result[keys[index]] = Decimal(text) if index in amounts else int(text)
    return result


@dataclass(frozen=True)
class Child:
    """A child office in a region: summed, or not and why."""

    slug: str
    name: str
    reason: str = ""  # why it is not summed, in words; "" when it is


@dataclass(frozen=True)
class Region:
    """An office's child offices in one year: which are summed, which not and why, and the sums
    (worked out when first asked for: a build that makes no summary page needs only the coverage)."""

    office: str
    year: int
    format_id: str
    children: tuple[Child, ...]
    tallies: dict[str, Tally] = field(hash=False)  # included child -> its tally

    @property
    def included(self) -> tuple[Child, ...]:
        """The children summed."""
        return tuple(c for c in self.children if not c.reason)

    @property
    def left_out(self) -> tuple[Child, ...]:
        """The children not summed (each says why)."""
        return tuple(c for c in self.children if c.reason)

    @functools.cached_property
    def child_values(self) -> dict[str, dict[str, Number]]:
        """Each included child's cells."""
        return {slug: cells(item) for slug, item in self.tallies.items()}

    @functools.cached_property
    def values(self) -> dict[str, Number]:
        """Every additive cell: the sum over the included children (none when no child is included)."""
        if not self.format_id or not self.tallies:
            return {}
        amounts = _amounts(self.format_id)
        keys = additive_keys(self.format_id)
        values: dict[str, Number] = {key: Decimal(0) if index in amounts else 0 for index, key in enumerate(keys)}
        for cells_of_child in self.child_values.values():
            for key, value in cells_of_child.items():
                values[key] += value
        return values

    def forget(self) -> None:
        """Drop the sums worked out (the region keeps only its coverage): memory stays small for any site."""
        self.__dict__.pop("values", None)
        self.__dict__.pop("child_values", None)

    def coverage(self) -> str:
        """「已纳入 2/3 个下级单位；缺少：C（无 2023 年度报告）」"""
        line = f"已纳入 {len(self.included)}/{len(self.children)} 个下级单位"
        if self.left_out:
            line += "；缺少：" + "、".join(f"{c.name}（{c.reason}）" for c in self.left_out)
        return line


def region(office: str, year: int, children: list[tuple[str, str, Tally | None]]) -> Region:
    """The region of `office` in `year` from its children's (slug, name, tally of that year or None).
    Only reports in the year's format are summed: a child in another format is named, not added."""
    fmt = format_for_year(year)
    format_id = fmt.id if fmt is not None else ""
    named: list[Child] = []
    included: dict[str, Tally] = {}
    for slug, name, item in children:
        if item is None or item.state == DRAFT:  # a draft is published nowhere: not even as a draft
            reason = f"无 {year} 年度报告"
        elif item.state == UNREADABLE:
            reason = "报告无法读取"
        elif item.format_id != format_id:
            title = get_format(item.format_id).title.zh
            reason = f"报告使用另一格式（{title}），不能与{year}年度的格式相加"
        else:
            reason = ""
            included[slug] = item
        named.append(Child(slug, name, reason))
    return Region(office, year, format_id, tuple(named), included)


def check_summed(item: Tally, area: Region, labels: dict[str, str]) -> list[Finding]:
    """A 汇总 report against its children: with every child summed, an error at each cell that is not
    their sum; else one warning naming the children it cannot be checked without. `labels`: each
    cell's name in the form's words."""
    if item.scope != SUMMED or item.state or item.format_id != area.format_id or not item.values and not item.path:
        return []
    where = [Position(item.path, line, column) for line, column in item.positions]
    if not area.children or area.left_out:
        missing = "、".join(c.name for c in area.left_out) or "任何下级单位"
        message = f"本报告注明 scope: 汇总，但无法核对：缺少 {missing} 的 {area.year} 年度报告"
        return [warning(where[0], message, RULE)]
    own = cells(item)
    findings = []
    for index, key in enumerate(additive_keys(item.format_id), 1):
        mine, total = own.get(key, 0), area.values.get(key, 0)
        if mine == total:
            continue
        parts = [f"{c.name} {format_number(v)}" for c in area.included if (v := area.child_values[c.slug].get(key, 0))]
        message = (
            f"“{labels[key]}”填 {format_number(mine)}，但下级单位之和为 {format_number(total)}"
            f"（{'、'.join(parts) or '各下级单位均为 0'}）；本报告注明 scope: 汇总，应等于各下级单位报告之和"
        )
        findings.append(error(where[index], message, RULE))
    return findings


def check_summed_reports(
    tallies: dict[str, dict[int, Tally]], children: dict[str, tuple[str, ...]], names: dict[str, str]
) -> list[Finding]:
    """Every 汇总 report of the site against its children: `tallies` by office and year, `children`
    by office (direct children, sorted), `names` of offices."""
    findings: list[Finding] = []
    for slug, by_year in tallies.items():
        for year, item in sorted(by_year.items()):
            if item.scope != SUMMED or item.state:
                continue
            kids = [(kid, names[kid], tallies.get(kid, {}).get(year)) for kid in children.get(slug, ())]
            area = region(slug, year, kids)
            fmt = get_format(item.format_id)
            labels = {
                cell_key(
                    c.table, c.row, c.column
                ): f"{fmt.tables[c.table].section.heading}：{c.row_label} / {c.column_label}"
                for c in cell_labels(fmt)
            }
            findings += check_summed(item, area, labels)
    return findings
