"""Property tests: whatever a clerk does to a valid report, the reader answers with positioned findings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check.rules import check_report
from generator.model.findings import Finding
from generator.model.values import Report
from generator.read.reports import read_report
from tests.helpers import report_yaml

VALID = report_yaml(
    year=2023, values={"applications.new_received.natural_person": 1, "applications.granted.natural_person": 1}
)
VALID_DATA = yaml.safe_load(VALID)

scalars = st.one_of(
    st.integers(-5, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["十", "no", "0755", "2023-01-01", "１２", "", None, True, "~", "1,000", "—"]),
    st.none(),
    st.lists(st.integers(-2, 5), max_size=9),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def paths(data: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Every path to a value in nested dicts and lists."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths(value, prefix + (index,))


ALL_PATHS = [p for p in paths(VALID_DATA) if p]


def mutate(data: Any, path: tuple, action: str, value: Any, key: str) -> Any:
    """A copy of the data with the value at `path` changed, deleted, or a value inserted there."""
    import copy

    data = copy.deepcopy(data)
    *parent_path, last = path
    parent = data
    for step in parent_path:
        parent = parent[step]
    if action == "change":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif action == "insert":
        if isinstance(parent, list):
            parent.insert(last, value)
        else:
            parent[key] = value
    return data


def assert_positioned(text: str | bytes, tmp_path: Path) -> tuple[Report | None, list[Finding]]:
    """Read the text as a report file: every finding is positioned in it, and a report read is one the rules can check."""
    file = tmp_path / "2023.yaml"
    file.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    report, findings = read_report(file, "content/x/2023.yaml", "x")
    for finding in findings:
        assert finding.position.path == "content/x/2023.yaml"
        assert finding.position.line >= 1 and finding.position.column >= 1, finding
        assert finding.severity in ("error", "warning") and finding.message
    if report is not None:
        check_report(report)  # rules must cope with whatever the reader let through
    return report, findings


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(ALL_PATHS),
    action=st.sampled_from(["change", "delete", "insert"]),
    value=scalars,
    key=st.text(min_size=1, max_size=10),
)
def test_structural_mutations_give_positioned_findings(
    tmp_path: Path, path: tuple, action: str, value: Any, key: str
) -> None:
    """A value changed, deleted or added anywhere: positioned findings, and an error whenever no report is read."""
    data = mutate(VALID_DATA, path, action, value, key)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    report, findings = assert_positioned(text, tmp_path)
    if report is None:
        assert any(f.severity == "error" for f in findings)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    position=st.integers(0, len(VALID) - 1),
    length=st.integers(0, 5),
    insert=st.text(alphabet=" \t\n:-[]{},#&*!|>'\"%@`0123456789十中文\x00\ufeff", max_size=4),
)
def test_text_edits_give_positioned_findings(tmp_path: Path, position: int, length: int, insert: str) -> None:
    """Characters replaced anywhere in the text: positioned findings."""
    text = VALID[:position] + insert + VALID[position + length :]
    assert_positioned(text, tmp_path)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, len(VALID.encode("utf-8"))), junk=st.binary(max_size=4))
def test_byte_damage_gives_positioned_findings(tmp_path: Path, cut: int, junk: bytes) -> None:
    """Bytes overwritten anywhere (broken UTF-8 included): positioned findings."""
    data = VALID.encode("utf-8")
    assert_positioned(data[:cut] + junk + data[cut + len(junk) :], tmp_path)
