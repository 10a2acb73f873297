"""The rule engine: evaluates a format's consistency rules (勾稽关系) on reports.

Rules are data (see generator/formats/*.yaml); this module knows three kinds of rule and nothing
about particular rows or columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from ..model.findings import Finding
from ..model.format import Format, Rule, Term, format_for_year, get_format
from ..model.numbers import format_number
from ..model.values import Number, Report, cell_key

LONG_SUM = 7  # sides with more terms than this are shown as their total


@dataclass(frozen=True)
class Summand:
    """One term of an equation, resolved: which report, which cell, with which sign."""

    report: str
    key: str
    sign: int


def check_report(report: Report, previous: Report | None = None) -> list[Finding]:
    """Every rule of the report's format; `previous` is the same office's report of the year before."""
    fmt = report.format
    findings: list[Finding] = []
    for index, rule in enumerate(fmt.rules):
        if rule.kind == "equation":
            findings.extend(_check_equation(index, rule, fmt, report, previous))
        elif rule.kind == "format_years":
            findings.extend(_check_format_years(rule, fmt, report))
        elif rule.kind == "mentions":
            findings.extend(_check_mentions(rule, report))
    return findings


def _leaves(fmt: Format, table_id: str, name: str, axis: str, near_row: str | None = None) -> list[str]:
    """Leaf ids under a row or column name (a group stands for its leaves)."""
    table = fmt.tables[table_id]
    if axis == "row":
        for block in table.blocks:
            if (row := block.find_row(name)) is not None:
                return [leaf.id for leaf in row.leaves]
        return []
    blocks = [table.block_of(near_row)] if near_row else table.blocks
    for block in blocks:
        if block is not None and (column := block.find_column(name)) is not None:
            return [leaf.id for leaf in column.leaves]
    return []


def members(fmt: Format, rule: Rule) -> list[str]:
    """The columns (for_each column) or rows (for_each row) that an equation is checked for."""
    if rule.members:
        return list(rule.members)
    table = fmt.tables[rule.table]
    if rule.for_each == "column":
        block = table.block_of(rule.left[0].row)
        return [c.id for c in block.leaf_columns] if block else []
    first = rule.left[0].column
    return [row.id for block, row in table.row_entries() if block.find_column(first) is not None]


def resolve(fmt: Format, rule: Rule, term: Term, member: str) -> list[Summand]:
    """A term of a rule as the summands it stands for in the equation of one member (a row or column
    of the table): a group row or column stands for each of its leaves."""
    if rule.for_each == "column":
        rows, column = _leaves(fmt, rule.table, term.row, "row"), term.column or member
        return [Summand(term.report, cell_key(rule.table, row, column), term.sign) for row in rows]
    row = term.row or member
    columns = _leaves(fmt, rule.table, term.column, "column", near_row=row)
    return [Summand(term.report, cell_key(rule.table, row, column), term.sign) for column in columns]


def _member_label(fmt: Format, rule: Rule, member: str) -> str:
    table = fmt.tables[rule.table]
    if rule.for_each == "column":
        for block in table.blocks:
            if (column := block.find_column(member)) is not None:
                return f"{column.label.zh}列"
        return member
    block = table.block_of(member)
    return f"“{block.find_row(member).label.zh}”行" if block else member


def _summand_text(value: Number) -> str:
    return f"({format_number(value).replace('-', '−')})" if value < 0 else format_number(value)


def _side_text(summands: tuple[Summand, ...], values: list[Number]) -> str:
    if len(summands) > LONG_SUM:
        return format_number(sum(v * s.sign for s, v in zip(summands, values)))
    text = ""
    for index, (summand, value) in enumerate(zip(summands, values)):
        if index:
            text += " − " if summand.sign < 0 else " + "
        elif summand.sign < 0:
            text += "−"
        text += _summand_text(value)
    return text


@cache
def _equations(format_id: str, rule_index: int) -> tuple[tuple[str, tuple[Summand, ...], tuple[Summand, ...]], ...]:
    """A rule resolved once per format into its concrete equations: (member, left summands, right summands)."""
    fmt = get_format(format_id)
    rule = fmt.rules[rule_index]
    equations = []
    for member in members(fmt, rule):
        left = tuple(summand for term in rule.left for summand in resolve(fmt, rule, term, member))
        right = tuple(summand for term in rule.right for summand in resolve(fmt, rule, term, member))
        if left and right:
            equations.append((member, left, right))
    return tuple(equations)


def equations(fmt: Format, rule_index: int) -> tuple[tuple[str, tuple[Summand, ...], tuple[Summand, ...]], ...]:
    """The concrete equations of the format's rule at `rule_index`: (member, left summands, right summands)."""
    return _equations(fmt.id, rule_index)


def member_label(fmt: Format, rule: Rule, member: str) -> str:
    """The row or column an equation of a rule is about, in words (“（一）予以公开”行, 自然人列)."""
    return _member_label(fmt, rule, member)


def error_equations(fmt: Format) -> tuple[tuple[tuple[str, int], ...], ...]:
    """Every equation of the format's error rules within one report, as signed cell keys that sum to 0
    when it holds (the importer asks them how digits run together may be split)."""
    found = []
    for index, rule in enumerate(fmt.rules):
        if rule.kind != "equation" or rule.severity != "error" or rule.across_years:
            continue
        for _, left, right in _equations(fmt.id, index):
            found.append(tuple((c.key, c.sign) for c in left) + tuple((c.key, -c.sign) for c in right))
    return tuple(found)


def _check_equation(index: int, rule: Rule, fmt: Format, report: Report, previous: Report | None) -> list[Finding]:
    reports = {"this": report, "previous": previous}
    if rule.across_years and previous is None:
        return []
    findings = []
    for member, left, right, sides in _compiled(fmt.id, index):
        try:
            if sides(report.values, previous.values if previous else None):
                continue
        except KeyError:
            continue  # a cell this report's (or last year's) format lacks
        left_values = [reports[c.report].values[c.key] for c in left]
        right_values = [reports[c.report].values[c.key] for c in right]
        detail = (
            f"{_member_label(fmt, rule, member)}：{_side_text(left, left_values)} ≠ {_side_text(right, right_values)}"
        )
        if rule.across_years:
            detail += f"；上一年度见 {previous.path}"
        message = f"{rule.message.zh}（{detail}）"
        findings.append(Finding(report.position_of(left[0].key), rule.severity, message, rule.id))
    return findings


Sides = Callable[[dict[str, Number], dict[str, Number] | None], bool]


@cache
def _compiled(
    format_id: str, rule_index: int
) -> tuple[tuple[str, tuple[Summand, ...], tuple[Summand, ...], Sides], ...]:
    """Each equation of a rule with a function telling whether its sides are equal. The function reads
    every cell with one itemgetter per report and sign (a KeyError when a cell is missing): checking
    every rule of a report then costs some 40 calls instead of some 1,000 steps."""
    compiled = []
    for member, left, right in _equations(format_id, rule_index):
        getters = []
        for report in ("this", "previous"):
            for sign in (1, -1):
                # moving the right side over: left - right == 0
                keys = [c.key for c in left if (c.report, c.sign) == (report, sign)]
                keys += [c.key for c in right if (c.report, -c.sign) == (report, sign)]
                if keys:
                    getters.append((report == "this", sign, itemgetter(*keys), len(keys) == 1))
        compiled.append((member, left, right, _sides(tuple(getters))))
    return tuple(compiled)


def _sides(getters: tuple) -> Sides:
    def equal(this: dict[str, Number], previous: dict[str, Number] | None) -> bool:
        total = 0
        for own, sign, get, single in getters:
            found = get(this if own else previous)
            value = found if single else sum(found)
            total += value if sign > 0 else -value
        return total == 0

    return equal


def _check_format_years(rule: Rule, fmt: Format, report: Report) -> list[Finding]:
    if fmt.covers(report.year):
        return []
    expected = format_for_year(report.year)
    fix = f'请改用 format: "{expected.id}"' if expected else '这一年度没有全国统一格式，请用 format: "legacy"'
    message = f'{rule.message.zh}：{report.year} 年度的报告不适用“{fmt.title.zh}”（format: "{fmt.id}"）；{fix}'
    return [Finding(report.position_of("format"), rule.severity, message, rule.id)]


def _check_mentions(rule: Rule, report: Report) -> list[Finding]:
    text = report.text(rule.section)
    if any(word in text for word in rule.any_of):
        return []
    section = next(s for s in report.format.sections if s.id == rule.section)
    message = f"{rule.message.zh}，目前“{section.heading}”中没有提到“{rule.any_of[0]}”"
    return [Finding(report.position_of(rule.section), rule.severity, message, rule.id)]


def rule_defining(fmt: Format, table: str, row: str, column: str, values: dict[str, Number]) -> Number | None:
    """The value of a cell computed from the equation whose left side is that cell's column (a total)."""
    return fmt.computed_total(table, row, column, values)


def headline_value(report: Report, headline_id: str) -> Number | None:
    """A headline figure (new applications, lawsuits, ...) or None when the report's format lacks it."""
    fmt = get_format(report.format_id)
    if fmt.supplied_headlines:
        return report.headline.get(headline_id)
    keys = _headline_keys(fmt.id).get(headline_id)
    if keys is None:
        return None
    values = report.values
    try:
        return sum(values[key] for key in keys)
    except KeyError:
        return None


@cache
def _headline_keys(format_id: str) -> dict[str, tuple[str, ...]]:
    """The cells each headline figure of a format adds up."""
    fmt = get_format(format_id)
    return {
        headline.id: tuple(
            cell_key(table, leaf, column)
            for table, row, column in headline.terms
            for leaf in _leaves(fmt, table, row, "row")
        )
        for headline in fmt.headlines
    }
