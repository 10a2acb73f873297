"""Each report in a line: the summary that office, year and home pages, the feed, data/reports.csv and
the build's manifest keep of it, instead of the report. May import model, read and check.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from ..check.rules import headline_value
from ..model.findings import Finding
from ..model.format import Label, all_formats
from ..model.values import Number, Report
from ..read.site import Office
from . import plan


class ReportSummary(NamedTuple):
    """One report in a line: what office, year and home pages, the feed and data/reports.csv show.
    (A NamedTuple: the build manifest keeps one per report, and tuples pickle several times faster.)"""

    office: str
    office_name: str  # the office's name in that year
    year: int
    format_id: str
    published: date | None
    headlines: tuple[tuple[str, Number | None], ...]  # (headline id, value), in the format's order
    errors: int  # broken rules shown on the report page
    warnings: int
    revised: date | None = None  # the latest revision's date, if the report was corrected after publication
    scope: str = "本级"  # 汇总: its figures are its child offices' sum (left out of the site's totals)

    @property
    def url(self) -> str:
        """The report's page."""
        return plan.report_url(self.office, self.year)

    def headline(self, headline_id: str) -> Number | None:
        """A headline figure by id; None when the format has no such figure or the report no value for it."""
        for hid, value in self.headlines:
            if hid == headline_id:
                return value
        return None

    @property
    def status(self) -> str:
        """The outcome of the consistency checks, in words (never shown by colour alone)."""
        parts = [f"{self.errors} 处不符合"] if self.errors else []
        parts += [f"{self.warnings} 项提示"] if self.warnings else []
        return "，".join(parts) or "符合"


def summarize(report: Report, findings: list[Finding], office: Office) -> ReportSummary:
    """What the site's lists need of a report: its name, dates and headline figures, and its rules' findings counted."""
    fmt = report.format
    notices = rule_findings(findings)
    return ReportSummary(
        office=office.slug,
        office_name=report.office_name or office.name,
        year=report.year,
        format_id=fmt.id,
        published=report.published,
        headlines=tuple((h.id, headline_value(report, h.id)) for h in fmt.headlines),
        errors=sum(1 for f in notices if f.severity == "error"),
        warnings=sum(1 for f in notices if f.severity == "warning"),
        revised=max((r.date for r in report.revisions), default=None),
        scope=report.scope,
    )


def rule_findings(findings: list[Finding]) -> list[Finding]:
    """The findings readers see on a report page: broken consistency rules (not reading problems)."""
    return sorted((f for f in findings if f.rule), key=lambda f: (f.rule, f.position, f.message))


def headline_columns() -> tuple[tuple[str, Label], ...]:
    """Every headline figure any format defines, newest format's order first."""
    seen: dict[str, Label] = {}
    for fmt in all_formats().values():
        for headline in fmt.headlines:
            seen.setdefault(headline.id, headline.label)
    return tuple(seen.items())


def used_headlines(summaries: list[ReportSummary]) -> tuple[tuple[str, Label], ...]:
    """The headline columns of these reports: every headline of the formats they are in (summarize)."""
    formats = all_formats()
    present = {h.id for format_id in {s.format_id for s in summaries} for h in formats[format_id].headlines}
    return tuple((hid, label) for hid, label in headline_columns() if hid in present)
