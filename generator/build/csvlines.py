"""The lines of data/reports.csv and of each year's reports.csv, kept between builds in the manifest:
an office whose summaries are unchanged keeps its lines. May import the layers below build, and
build.manifest."""

from __future__ import annotations

import functools
from operator import attrgetter

from ..model.format import Label
from ..render import export
from ..site.summaries import ReportSummary, used_headlines  # a data record of the site layer
from .manifest import Manifest, OfficeRecord


class ReportLines:
    """The lines of data/reports.csv, by office (one per report, in year order), also those of each
    year's reports.csv when it has the same columns: the last build's for an office whose summaries
    are the same, made for the others when first asked for. A build that makes no CSV file leaves the
    last build's lines as they are: every summary is then as it was (the files' keys name them all)."""

    def __init__(
        self, records: dict[str, OfficeRecord], summaries: list[ReportSummary], previous: Manifest | None
    ) -> None:
        self.records = records
        self.summaries = summaries
        self.previous = previous

    @functools.cached_property
    def headlines(self) -> tuple[tuple[str, Label], ...]:
        """The headline figures some report has, as the CSV files' columns."""
        return used_headlines(self.summaries)

    @functools.cached_property
    def lines(self) -> dict[str, tuple[str, ...]]:
        """The lines of each office known so far: the last build's, where they still serve."""
        lines = {}
        previous = self.previous
        if previous is not None and previous.csv_columns == self.columns():
            for slug, record in self.records.items():
                old = previous.offices.get(slug)
                if old is not None and slug in previous.csv_lines and old.summaries == record.summaries:
                    lines[slug] = previous.csv_lines[slug]
        return lines

    def columns(self) -> tuple[str, ...]:
        """The headline columns, by their ids."""
        return tuple(hid for hid, _ in self.headlines)

    def kept(self) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
        """The columns and lines for the manifest."""
        if "lines" in self.__dict__:
            return self.columns(), self.lines
        return (self.previous.csv_columns, self.previous.csv_lines) if self.previous else ((), {})

    def of(self, slug: str) -> tuple[str, ...]:
        """The lines of an office's reports, in year order."""
        lines = self.lines.get(slug)
        if lines is None:
            lines = self.lines[slug] = tuple(export.report_lines(self.records[slug].summaries, self.headlines))
        return lines

    def every(self) -> list[str]:
        """The lines of data/reports.csv: every office's, by office."""
        return [line for slug in sorted(self.records) for line in self.of(slug)]

    def of_year(self, rows: list[ReportSummary]) -> list[str]:
        """The lines of a year's reports.csv (`rows`: its reports), by office."""
        lines = []
        for summary in sorted(rows, key=attrgetter("office")):
            years = [s.year for s in self.records[summary.office].summaries]
            lines.append(self.of(summary.office)[years.index(summary.year)])
        return lines
