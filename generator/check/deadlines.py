"""Publication deadlines and each office's publication status, year by year, as of a given date.

《政府信息公开条例》第四十九条 (2019): departments publish the report on the year before by 31 January,
governments by 31 March. Towns and subdistricts (and other bodies) usually report to the county by
31 January. A site may set other dates per office kind (site.yaml `deadlines:`). Under the 2008
regulation (第三十一条; reports on 2018 and before) every body published by 31 March.
Imports model and read only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..model.findings import Finding, warning
from ..model.offices import OFFICE_KINDS
from ..model.values import Report
from ..read.settings import Settings, month_day
from ..read.site import Office

DEFAULT_DEADLINES = {"部门": "01-31", "政府": "03-31", "乡镇街道": "01-31", "其他": "01-31"}
OLD_REGULATION_LAST_YEAR, OLD_DEADLINE = 2018, (3, 31)  # the 2008 regulation, replaced from 15 May 2019
DEFAULT_KIND = "其他"  # the kind of an office whose office.yaml names none

LATE_RULE = "D1"  # the finding of a report published after its deadline
ON_TIME, LATE, MISSING, NOT_DUE, UNDATED = "按时", "逾期", "未发布", "未到期", "未注明发布日期"
STATES = (ON_TIME, LATE, MISSING, NOT_DUE, UNDATED)  # in the order counts are shown


def deadline(settings: Settings, kind: str, year: int) -> date:
    """When the report on `year` of an office of this kind is due (in the year after). Reports on 2018
    and before were due by 31 March from every body (the 2008 regulation, 第三十一条)."""
    if year <= OLD_REGULATION_LAST_YEAR:
        return date(year + 1, *OLD_DEADLINE)
    kind = kind if kind in OFFICE_KINDS else DEFAULT_KIND
    found = month_day(settings.deadlines.get(kind, "")) or month_day(DEFAULT_DEADLINES[kind])
    return date(year + 1, *found)


def lateness(report: Report, office: Office, settings: Settings) -> list[Finding]:
    """D1, a warning on a report whose publication date is after its office's deadline."""
    if report.published is None:
        return []
    kind = office.kind if office.kind in OFFICE_KINDS else DEFAULT_KIND
    due = deadline(settings, kind, report.year)
    late = (report.published - due).days
    if late <= 0:
        return []
    if report.year <= OLD_REGULATION_LAST_YEAR:
        basis = "各类机关；2008 年施行的《政府信息公开条例》第三十一条规定每年 3 月 31 日前公布年度报告"
    else:
        basis = f"{kind}；《政府信息公开条例》第四十九条，期限可在 site.yaml 的 deadlines 中按机关类型设置"
    message = f"发布日期 {report.published.isoformat()} 晚于发布期限 {due.isoformat()}，逾期 {late} 天（{basis}）"
    return [warning(report.position_of("published"), message, LATE_RULE)]


@dataclass(frozen=True)
class Status:
    """One office's report on one year: when it was due, when it was published, and what that makes it."""

    year: int
    office: str  # slug
    office_name: str
    kind: str
    deadline: date
    published: date | None
    state: str  # one of STATES
    days_late: int = 0  # LATE: days after the deadline; MISSING: days since it

    @property
    def label(self) -> str:
        """The status in words: 按时, 逾期 3 天, 未发布 ..."""
        return f"{LATE} {self.days_late} 天" if self.state == LATE else self.state

    @property
    def rank(self) -> int:
        """Sorts statuses from the best to the worst: on time, undated, not due, late (by days), missing."""
        order = {ON_TIME: 0, UNDATED: 1, NOT_DUE: 2, LATE: 10_000, MISSING: 1_000_000}
        return order[self.state] + self.days_late

    @property
    def overdue(self) -> bool:
        """Not published, and past the deadline: what a supervisor has to chase."""
        return self.state == MISSING

    def as_json(self) -> dict:
        """The status as JSON values (for `gongkai status --json`)."""
        return {
            "year": self.year,
            "office": self.office,
            "office_name": self.office_name,
            "kind": self.kind,
            "deadline": self.deadline.isoformat(),
            "published": self.published.isoformat() if self.published else None,
            "status": self.label,
            "state": self.state,
            "days_late": self.days_late,
        }


def status_of(deadline_date: date, published: date | None, reported: bool, as_of: date) -> tuple[str, int]:
    """The state of a report and its days late, as of a date. `reported`: a publishable report is in
    the site; its `published` date, when later than `as_of`, is not yet."""
    if reported and published is None:
        return UNDATED, 0
    if reported and published <= as_of:
        late = (published - deadline_date).days
        return (LATE, late) if late > 0 else (ON_TIME, 0)
    if as_of > deadline_date:
        return MISSING, (as_of - deadline_date).days
    return NOT_DUE, 0


def status_years(report_years: Iterable[int], as_of: date) -> tuple[int, ...]:
    """The years a status table covers, newest first: every year of which the site has a report, and
    the last one whose reports are due in the year of `as_of` (the one a supervisor chases now). A year
    of which no office has a report is taken for a year the site does not cover."""
    return tuple(sorted(set(report_years) | {as_of.year - 1}, reverse=True))


def statuses(
    settings: Settings,
    offices: Iterable[Office],
    published: dict[tuple[str, int], date | None],
    as_of: date,
    years: Iterable[int] | None = None,
) -> list[Status]:
    """Every office's status for each year (by default status_years). `published`: (office slug, year)
    -> publication date (None when not given) of every publishable report."""
    offices = sorted(offices, key=lambda o: o.slug)
    years = status_years({year for _, year in published}, as_of) if years is None else tuple(years)
    found = []
    for year in years:
        for office in offices:
            kind = office.kind if office.kind in OFFICE_KINDS else DEFAULT_KIND
            due = deadline(settings, kind, year)
            key = (office.slug, year)
            state, days = status_of(due, published.get(key), key in published, as_of)
            found.append(Status(year, office.slug, office.name, kind, due, published.get(key), state, days))
    return found


def counts(found: Iterable[Status]) -> dict[int, dict[str, int]]:
    """year -> state -> how many offices, every state present (0 or more), newest year first."""
    table: dict[int, dict[str, int]] = {}
    for status in found:
        table.setdefault(status.year, dict.fromkeys(STATES, 0))[status.state] += 1
    return dict(sorted(table.items(), reverse=True))
