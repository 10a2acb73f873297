"""Downloads: each report as report.json and report.csv, and the site's data/reports.csv with its data package.

CSV files are UTF-8 with a byte-order mark (so Excel opens Chinese text) and CRLF line ends
(RFC 4180); JSON is sorted and keeps Chinese as it is. Nothing here depends on the time of day.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import operator
import re
from collections.abc import Iterable
from decimal import Decimal
from itertools import chain, repeat
from typing import TYPE_CHECKING

from ..check import deadlines
from ..check.rules import headline_value
from ..model.findings import Finding
from ..model.format import Label, cell_labels, get_format
from ..model.numbers import format_number
from ..model.values import Number, Report, cell_key
from ..read.settings import Settings
from ..read.site import Office
from ..site import plan
from ..site.summaries import ReportSummary, rule_findings

if TYPE_CHECKING:
    from ..site.regions import Region

CSV_ENCODING = "utf-8-sig"
CSV_LINE_END = "\r\n"

REPORT_CSV_FIELDS = (
    ("office", "string", "机关目录名", "The office's folder name (slug)"),
    ("office_name", "string", "机关名称", "The office's name in that year"),
    ("year", "integer", "报告年度", "The year reported on"),
    ("table", "string", "表格", "Table id in the format definition"),
    ("row", "string", "行", "Row id in the format definition"),
    ("row_label", "string", "行名称", "Row label, with its group labels"),
    ("column", "string", "列", "Column id in the format definition"),
    ("column_label", "string", "列名称", "Column label, with its group labels"),
    ("value", "number", "数值", "Count, or amount in 10,000 yuan (万元)"),
)


@functools.cache
def _csv_cells(format_id: str) -> tuple[tuple[str, str], ...]:
    """Each cell's key and the fields of its report.csv line that every report shares, as CSV text."""
    return tuple(
        (cell_key(c.table, c.row, c.column), _csv_text([c.table, c.row, c.row_label, c.column, c.column_label]))
        for c in cell_labels(get_format(format_id))
    )


def _csv_text(fields: Iterable) -> str:
    """Fields as a CSV line without its line end, quoted where needed (exactly as csv.writer writes them),
    each text made inert for spreadsheets (spreadsheet_safe)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(spreadsheet_safe(f) if type(f) is str else f for f in fields)
    return buffer.getvalue()


_FORMULA_START = frozenset("=+-@\t\r")
_NUMERIC = re.compile(r"[-+]?\d+(?:\.\d+)?")


def spreadsheet_safe(text: str) -> str:
    """A CSV text field that Excel or WPS will not take for a formula: one beginning with = + - @, a tab
    or a carriage return gets a leading ' (as OWASP recommends), unless it is a number such as -3."""
    if text and text[0] in _FORMULA_START and not _NUMERIC.fullmatch(text):
        return "'" + text
    return text


def _json(data: object) -> bytes:
    return _json_text(data).encode("utf-8")


def _json_text(data: object) -> str:
    """JSON text in which an amount (Decimal) is a number spelled as written, never through a float."""
    amounts: list[str] = []

    def spell(value: object) -> str:
        if not isinstance(value, Decimal):
            raise TypeError(f"{type(value).__name__} is not JSON serialisable")
        amounts.append(format_number(value))
        return f"\0amount{len(amounts) - 1}\0"

    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=spell) + "\n"
    if amounts:
        text = AMOUNT_SLOT.sub(lambda m: amounts[int(m.group(1))], text)
    return text


AMOUNT_SLOT = re.compile(r'"\\u0000amount(\d+)\\u0000"')


def _spelled(value: Number | None) -> str:
    """A table value as a JSON number: an amount with every decimal it was written with."""
    return format_number(value) if isinstance(value, Decimal) else json.dumps(value)


HEADLINE_TABLE = "headline"  # in report.csv of free-form reports: the headline figures the office supplied


def report_csv(report: Report, office: Office) -> bytes:
    """One row per cell: office, year, table, row, row label, column, column label, value.

    A free-form report has no cells of the national form: its rows are the headline figures it supplies.
    """
    fmt = report.format
    header, keys, labels = _csv_lines(fmt.id)
    start = (_csv_text([office.slug, report.office_name or office.name, report.year]) + ",").encode("utf-8")
    cells = map(_CSV_VALUES.__getitem__, map(report.values.get, keys))
    lines = [header, b"".join(chain.from_iterable(zip(repeat(start), labels, cells, repeat(CRLF))))]
    if fmt.supplied_headlines:
        for headline in fmt.headlines:
            value = report.headline.get(headline.id)
            fields = _csv_text([HEADLINE_TABLE, headline.id, headline.label.zh, "", ""])
            lines.append(start + f"{fields},{_csv_value(value)}".encode() + CRLF)
    return b"".join(lines)


CRLF = CSV_LINE_END.encode()


@functools.cache
def _csv_lines(format_id: str) -> tuple[bytes, tuple[str, ...], tuple[bytes, ...]]:
    """report.csv's header line (after the byte-order mark), and for each cell its key and the fields of
    its line that every report shares, encoded: a report's file is these joined with its own values."""
    header = _csv_text(field for field, *_ in REPORT_CSV_FIELDS) + CSV_LINE_END
    cells = _csv_cells(format_id)
    return header.encode(CSV_ENCODING), tuple(k for k, _ in cells), tuple(f"{t},".encode() for _, t in cells)


class _CsvValues(dict):
    """A cell's value as report.csv spells it, encoded: counts from a cache (they repeat), the rest made."""

    def __missing__(self, value: Number | None) -> bytes:
        text = _csv_value(value).encode("utf-8")
        if type(value) is int:
            self[value] = text
        return text


_CSV_VALUES = _CsvValues()


def _csv_value(value: Number | None) -> str:
    return "" if value is None else _csv_text([format_number(value)])


def report_json(report: Report, findings: list[Finding], office: Office) -> bytes:
    """The report as published: texts as written (Markdown), table values by table, row and column."""
    fmt = report.format
    data = {
        "office": office.slug,
        "office_name": report.office_name or office.name,
        "year": report.year,
        "format": fmt.id,
        "format_title": fmt.title.zh,
        "published": report.published.isoformat() if report.published else None,
        "source_url": report.source_url,
        "revisions": [{"date": r.date.isoformat(), "note": r.note} for r in report.revisions],
        "texts": dict(sorted(report.texts.items())),
        "tables": TABLES_SLOT,
        "computed": sorted(report.computed),
        "headline": {h.id: headline_value(report, h.id) for h in fmt.headlines},
        "findings": [{"rule": f.rule, "severity": f.severity, "message": f.message} for f in rule_findings(findings)],
    }
    if report.draft:  # only a review copy (`build --drafts`, the preview) has a draft's file
        data["draft"] = True
    if report.free_tables:
        data["free_tables"] = [
            {"caption": t.caption, "header": [list(r) for r in t.header], "rows": [list(r) for r in t.rows]}
            for t in report.free_tables
        ]
    return _with_tables(data, report)


def summary_json(area: Region, report: Report, office: Office) -> bytes:
    """An office's 下级汇总 of a year: the summed tables in report.json's layout, and which child
    offices are in it (with their pages) and which are not, and why."""
    fmt = report.format
    data = {
        "office": office.slug,
        "office_name": office.name,
        "year": report.year,
        "format": fmt.id,
        "format_title": fmt.title.zh,
        "computed_by_site": True,
        "coverage": area.coverage(),
        "included": [
            {"office": c.slug, "office_name": c.name, "url": plan.report_url(c.slug, area.year)} for c in area.included
        ],
        "excluded": [{"office": c.slug, "office_name": c.name, "reason": c.reason} for c in area.left_out],
        "tables": TABLES_SLOT,
        "headline": {h.id: headline_value(report, h.id) for h in fmt.headlines},
    }
    return _with_tables(data, report)


def _with_tables(data: dict, report: Report) -> bytes:
    """The JSON of `data`, with report's table values where data has TABLES_SLOT."""
    fragments, keys, amounts = _json_tables(report.format_id)
    numbers = list(map(report.values.get, keys))
    exact = {index: numbers[index] for index in amounts}
    for index in amounts:
        numbers[index] = None
    spelled = json.dumps(numbers)[1:-1].split(", ") if numbers else []  # each as json.dumps spells it
    for index, value in exact.items():
        spelled[index] = _spelled(value)
    tables = "".join(chain.from_iterable(zip(fragments, spelled))) + fragments[-1]
    return _json_text(data).replace(json.dumps(TABLES_SLOT), tables, 1).encode("utf-8")


# report.json's table values are filled into their format's JSON text, made once: encoding them with
# indents one by one is most of the cost of the file. NUL cannot be in content (YAML does not allow it).
TABLES_SLOT = "\0tables\0"


@functools.cache
def _json_tables(format_id: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]]:
    """The JSON text of a report's `tables`, indented as report.json nests it, cut at each value; the
    cell key of each cut; and which of them are amounts (Decimal in a report, spelled as written in JSON)."""
    fmt = get_format(format_id)
    tables: dict[str, dict[str, dict[str, str]]] = {}
    keys = []
    for index, cell in enumerate(cell_labels(get_format(format_id))):
        tables.setdefault(cell.table, {}).setdefault(cell.row, {})[cell.column] = f"\0{index}\0"
        keys.append(cell_key(cell.table, cell.row, cell.column))
    text = json.dumps(tables, ensure_ascii=False, indent=2, sort_keys=True).replace("\n", "\n  ")
    pieces = re.split(r'"\\u0000(\d+)\\u0000"', text)
    ordered = tuple(keys[int(index)] for index in pieces[1::2])
    amounts = tuple(
        index
        for index, key in enumerate(ordered)
        if (column := fmt.column_of(*key.split("."))) is not None and column.type == "amount"
    )
    return tuple(pieces[0::2]), ordered, amounts


def summary_fields(headlines: tuple[tuple[str, Label], ...]) -> list[tuple[str, str, str, str]]:
    """The columns of data/reports.csv: (name, type, zh title, description)."""
    return [
        ("office", "string", "机关目录名", "The office's folder name (slug); its page is <office>/index.html"),
        ("office_name", "string", "机关名称", "The office's name in that year"),
        ("year", "integer", "报告年度", "The year reported on"),
        ("format", "string", "报告格式版本", "Format id: 2021 (国办公开办函〔2021〕30号), 2019, ..."),
        ("published", "date", "发布日期", "Publication date, when known"),
        *[(hid, "number", label.zh, label.en) for hid, label in headlines],
        ("errors", "integer", "不符合的勾稽关系（错误）", "Consistency rules broken (errors)"),
        ("warnings", "integer", "提示", "Consistency rules broken (warnings)"),
        ("url", "string", "报告页面", "The report's page, relative to the site root"),
    ]


def reports_csv(
    summaries: list[ReportSummary], headlines: tuple[tuple[str, Label], ...], lines: Iterable[str] | None = None
) -> bytes:
    """Every published report in a line, sorted by office then year. `lines`: those lines, when known
    (report_lines of the summaries in that order, for these headlines)."""
    if lines is None:
        lines = report_lines(sorted(summaries, key=_OFFICE_YEAR), headlines)
    header = _csv_text([name for name, *_ in summary_fields(headlines)]) + CSV_LINE_END
    return (header + "".join(lines)).encode(CSV_ENCODING)


class _Lines(list):
    write = list.append  # a csv.writer writes each row with one call: the row as a line


def report_lines(summaries: Iterable[ReportSummary], headlines: tuple[tuple[str, Label], ...]) -> list[str]:
    """Each report's line of a reports CSV with these headline columns, its line end included."""
    columns = [hid for hid, _ in headlines]
    places: dict[str, list[int | None]] = {}  # a format -> where each column's figure is in its summaries
    lines = _Lines()
    writer = csv.writer(lines, lineterminator=CSV_LINE_END)
    for s in summaries:
        if (where := places.get(s.format_id)) is None:
            ids = [hid for hid, _ in s.headlines]
            where = places[s.format_id] = [ids.index(hid) if hid in ids else None for hid in columns]
        figures = [None if i is None else s.headlines[i][1] for i in where]  # csv writes None as ""
        if Decimal in map(type, figures):
            figures = [format_number(v) if isinstance(v, Decimal) else v for v in figures]
        published = s.published.isoformat() if s.published else ""
        name = s.office_name if s.office_name[:1] not in _FORMULA_START else spreadsheet_safe(s.office_name)
        writer.writerow((s.office, name, s.year, s.format_id, published, *figures, s.errors, s.warnings, s.url))
    return lines


_OFFICE_YEAR = operator.itemgetter(0, 2)  # a ReportSummary's office and year


STATUS_CSV_FIELDS = (
    "year", "office", "office_name", "kind", "deadline", "published", "status", "days_late"
)  # fmt: skip


def status_csv(statuses: Iterable[deadlines.Status]) -> bytes:
    """status/status.csv: every office's publication status per year, newest year first (as the page)."""
    lines = _Lines()
    writer = csv.writer(lines, lineterminator=CSV_LINE_END)
    writer.writerow(STATUS_CSV_FIELDS)
    for s in statuses:
        published = s.published.isoformat() if s.published else ""
        writer.writerow(
            (s.year, s.office, s.office_name, s.kind, s.deadline.isoformat(), published, s.label, s.days_late)
        )
    return "".join(lines).encode(CSV_ENCODING)


def datapackage(settings: Settings, headlines: tuple[tuple[str, Label], ...]) -> bytes:
    """A Frictionless Tabular Data Package describing data/reports.csv."""

    def fields(spec: list[tuple[str, str, str, str]]) -> list[dict[str, str]]:
        return [{"name": n, "type": t, "title": title, "description": d} for n, t, title, d in spec]

    return _json(
        {
            "profile": "tabular-data-package",
            "name": "gongkai-reports",
            "title": f"{settings.name}：政府信息公开工作年度报告数据",
            "description": (
                "各机关政府信息公开工作年度报告的主要数字，每份报告一行。每份报告的全部表格数据见其页面旁的 "
                "report.csv（每格一行："
                + "、".join(title for _, _, title, _ in REPORT_CSV_FIELDS)
                + "）与 report.json。"
            ),
            "resources": [
                {
                    "profile": "tabular-data-resource",
                    "name": "reports",
                    "path": plan.REPORTS_CSV.rpartition("/")[2],
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",  # with a byte-order mark, which readers of UTF-8 skip
                    "dialect": {"delimiter": ",", "lineTerminator": CSV_LINE_END, "header": True},
                    "schema": {
                        "fields": fields(summary_fields(headlines)),
                        "missingValues": [""],
                        "primaryKey": ["office", "year"],
                    },
                }
            ],
        }
    )
