"""Checking what was read: the rule engine (rules.py), the narrative's checks (narrative.py),
publication deadlines (deadlines.py), and running them over an office's reports (read_reports).

Also the totals a report file may leave out (a column with `may_omit`): computed here by the rule that
defines them (complete), since that is the rule engine's knowledge, not the reader's.
May import: model, read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

from ..model.findings import Finding
from ..model.values import Number, Report
from ..read.files import display_path
from ..read.reports import read_report
from ..read.settings import Settings
from ..read.site import Office
from .deadlines import lateness
from .narrative import check_narrative
from .rules import check_report, rule_defining

# How read_reports reads a report file: (file, path as shown, office slug) -> the report as read
# (its totals not yet computed) and its reading findings. The build's reads bytes it has already taken.
Reader = Callable[[Path, str, str], tuple[Report | None, list[Finding]]]


def complete(report: Report) -> Report:
    """The report with the totals its file left out (Report.computed, as read) computed by the rule
    whose left side is that column; Report.computed then names those computed."""
    if not report.computed:
        return report
    fmt = report.format
    values: dict[str, Number] = dict(report.values)
    computed = set()
    for key in sorted(report.computed):
        table, row, column = key.split(".")
        total = rule_defining(fmt, table, row, column, values)
        if total is not None:
            values[key] = total
            computed.add(key)
    return dataclasses.replace(report, values=values, computed=frozenset(computed))


def load_report(file: Path, path: str, office: str, data: bytes | None = None) -> tuple[Report | None, list[Finding]]:
    """A report file read (read.reports.read_report) and completed: the report every command works with."""
    report, findings = read_report(file, path, office, data)
    return (complete(report) if report is not None else None), findings


def read_reports(
    office: Office, settings: Settings | None = None, reader: Reader | None = None
) -> Iterator[tuple[Report | None, list[Finding]]]:
    """Each report of an office in year order, completed and checked: reading findings, rule findings,
    the narrative's (narrative.py) and, given the site's settings, a late publication (deadlines.py).
    `reader`: how to read a file (default read.reports.read_report)."""
    read = reader or read_report
    previous: Report | None = None
    for _, name in office.report_files:
        file = Path(name)
        report, findings = read(file, display_path(file), office.slug)
        if report is not None:
            report = complete(report)
            prior = previous if previous is not None and previous.year == report.year - 1 else None
            findings = findings + check_report(report, prior) + check_narrative(report)
            if settings is not None:
                findings += lateness(report, office, settings)
        yield report, findings
        previous = report
