"""Findings: what the reader and the checker report, each tied to a place in a file.

Part of the model: imports nothing of generator."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Position:
    """A place in a source file; line and column count from 1 (0 when unknown)."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.path
        if not self.column:  # e.g. a template error: Jinja knows the line only
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: an error blocks publication checks, a warning is advice."""

    position: Position
    severity: str  # "error" | "warning"
    message: str
    rule: str = ""  # R1..R8 for consistency rules, "" for reading problems

    def __str__(self) -> str:
        where = f"{self.position}: " if self.position.path else ""
        return f"{where}{self.severity}: {self.message}"

    def as_json(self) -> dict:
        """The finding as JSON values: its position's path, line and column beside its other fields."""
        data = asdict(self)
        data.update(data.pop("position"))
        return data


class GongkaiError(Exception):
    """A problem that stops a command; carries findings to print instead of a traceback."""

    def __init__(self, findings: list[Finding] | Finding | str) -> None:
        if isinstance(findings, str):
            findings = [Finding(Position(""), "error", findings)]
        elif isinstance(findings, Finding):
            findings = [findings]
        self.findings = list(findings)
        super().__init__("\n".join(map(str, self.findings)))


def error(position: Position, message: str, rule: str = "") -> Finding:
    """An error at `position`."""
    return Finding(position, "error", message, rule)


def warning(position: Position, message: str, rule: str = "") -> Finding:
    """A warning at `position`."""
    return Finding(position, "warning", message, rule)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """The findings without repeats, by file, position, rule and message."""
    return sorted(set(findings), key=lambda f: (f.position.path, f.position.line, f.position.column, f.rule, f.message))


def summary_counts(findings: Sequence[Finding]) -> tuple[int, int]:
    """How many errors and how many warnings."""
    errors = sum(1 for f in findings if f.severity == "error")
    return errors, len(findings) - errors


def findings_json(findings: list[Finding], **extra: object) -> str:
    """The findings, their counts and `extra` as a JSON document (`gongkai check --json`)."""
    errors, warnings = summary_counts(findings)
    payload = {"findings": [f.as_json() for f in findings], "errors": errors, "warnings": warnings}
    payload.update(extra)
    return json.dumps(payload, ensure_ascii=False, indent=2)
