"""Checks of a report's narrative: figures stated in the text against the tables (N1), the wrong year
in a sentence stating figures (N2), and a section that says nothing (N3).

The phrases, figures and thresholds are data (generator/formats/narrative.yaml); this module reads
numbers, finds the phrases and words the findings. It runs on every report in every build, so it
looks for the few places worth a closer look first (a number followed by 件 or 起, a word of
negation) and tries the phrases only there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import yaml

from ..model.findings import Finding
from ..model.format import FORMATS_DIR, ORDINAL, Format
from ..model.numbers import format_number, read_number
from ..model.values import PLACEHOLDER, Report
from .rules import headline_value

NARRATIVE_FILE = FORMATS_DIR / "narrative.yaml"

NUMERALS = frozenset("0123456789０１２３４５６７８９零〇一二两三四五六七八九十百千万")
# Where a figure may be stated: a unit, after a number. Phrases are tried only around these.
_UNIT = re.compile(r"[件起]")
_YEAR = re.compile(r"((?:19|20)[0-9]{2}|(?:１９|２０)[０-９]{2}|[一二][〇零一二三四五六七八九]{3})年")
_SENTENCE_END = re.compile(r"[。！？；;!?\n]")
_CLAUSE_END = re.compile(r"[，,、：:。！？；;!?\n]")
_BEFORE = 48  # characters before a number in which its phrase must start
_AFTER = 16  # characters after it in which it must end
_NEGATION = re.compile("[未没无]")  # where a phrase meaning 0 may start (each of them starts with 未, 没有 or 无)


class Statement(NamedTuple):
    """A figure the narrative states: which, its value, and where (offsets in the text)."""

    figure: str
    value: int
    start: int  # of the phrase
    end: int
    number: int  # offset of the number (of the phrase, for a phrase meaning 0)


@dataclass(frozen=True)
class _Figure:
    figure: str
    near: tuple[str, ...]  # one of these words is in every phrase stating the figure
    phrases: tuple[tuple[re.Pattern, re.Pattern], ...]  # (before the number, ending there; after it)
    none: re.Pattern | None


@dataclass(frozen=True)
class _Rules:
    ids: dict[str, tuple[str, str]]  # figures / wrong_year / substance -> (rule id, severity)
    lead: tuple[str, ...]  # words a phrase may start with, longest first
    figures: tuple[_Figure, ...]
    year_exempt: tuple[str, ...]
    substance: tuple[tuple[str, int], ...]  # (section id, fewest characters)


@cache
def _rules() -> _Rules:
    data = yaml.safe_load(NARRATIVE_FILE.read_text(encoding="utf-8"))
    figures = []
    for entry in data["figures"]:
        phrases = []
        for phrase in entry.get("phrases", ()):
            before, _, after = phrase.partition("{n}")
            if not after.startswith(("件", "起", "(?:件|起)")):
                raise ValueError(f"{NARRATIVE_FILE}: the unit must follow {{n}} in {phrase!r}")
            phrases.append((re.compile(f"(?:{before})$"), re.compile(after)))
        none = "|".join(f"(?:{phrase})" for phrase in entry.get("none", ()))
        none_pattern = re.compile(none) if none else None
        figures.append(_Figure(entry["figure"], tuple(entry["near"]), tuple(phrases), none_pattern))
    return _Rules(
        ids={key: (rule["id"], rule["severity"]) for key, rule in data["rules"].items()},
        lead=tuple(sorted(data["lead"], key=len, reverse=True)),
        figures=tuple(figures),
        year_exempt=tuple(data["wrong_year"]["years_exempt_in_clause"]),
        substance=tuple((entry["section"], entry["min_characters"]) for entry in data["substance"]),
    )


def statements(text: str) -> list[Statement]:
    """Every figure the text states, in the order of the text (two figures may share a phrase: 「无行政复议、
    行政诉讼」 states both)."""
    rules = _rules()
    found: list[Statement] = []
    for unit in _UNIT.finditer(text):
        end = start = unit.start()
        while start and text[start - 1] in NUMERALS:
            start -= 1
        if start == end or (value := read_number(text[start:end])) is None:
            continue
        window_start = max(0, start - _BEFORE)
        near = text[window_start : end + _AFTER]
        for figure in rules.figures:
            if not any(word in near for word in figure.near):
                continue  # the phrases are tried only where one of the figure's words is
            for before, after in figure.phrases:
                head = before.search(text, window_start, start)
                tail = after.match(text, end) if head is not None else None
                if tail is not None:
                    found.append(Statement(figure.figure, value, _lead(text, head.start()), tail.end(), start))
                    break
    for negation in _NEGATION.finditer(text):
        for figure in rules.figures:
            if figure.none is not None and (match := figure.none.match(text, negation.start())) is not None:
                found.append(Statement(figure.figure, 0, match.start(), match.end(), match.start()))
    found.sort(key=lambda s: (s.start, s.figure))
    return found


def _lead(text: str, start: int) -> int:
    """Where a phrase starting at `start` starts with the words that may lead it (narrative.yaml `lead`)."""
    lead = _rules().lead
    while found := next((w for w in lead if start >= len(w) and text.startswith(w, start - len(w))), None):
        start -= len(found)
    return start


def check_narrative(report: Report) -> list[Finding]:
    """N1, N2 and N3 on every narrative of a report."""
    rules = _rules()
    fmt = report.format
    findings: list[Finding] = []
    for key, text in sorted(report.texts.items()):
        if not text:
            continue
        stated = statements(text)
        if stated:
            findings += _figure_findings(report, fmt, key, text, stated, rules.ids["figures"])
            findings += _year_findings(report, key, text, stated, rules)
    sections = {s.id: s for s in fmt.sections}
    for section_id, fewest in rules.substance:
        if section_id in sections and section_id in report.texts:
            findings += _substance_findings(report, sections[section_id].heading, section_id, fewest, rules)
    return findings


def _figure_findings(
    report: Report, fmt: Format, key: str, text: str, stated: list[Statement], rule: tuple[str, str]
) -> list[Finding]:
    findings = []
    for statement in stated:
        expected = headline_value(report, statement.figure)
        if expected is None or expected == statement.value:
            continue
        quote = text[statement.start : statement.end]
        message = f"正文“{quote}”与{figure_label(fmt, statement.figure)} {format_number(expected)} 不一致"
        findings.append(Finding(report.text_position(key, statement.number), rule[1], message, rule[0]))
    return findings


def figure_label(fmt: Format, figure: str) -> str:
    """How a finding names a headline figure: the table, row and column it is read from, as the form
    prints them (表三“本年新收政府信息公开申请数量”总计), or the figure's own name in a free-form report."""
    headline = next(h for h in fmt.headlines if h.id == figure)
    if not headline.terms:
        return f"主要数字“{headline.label.zh}”"
    table, row, column = headline.terms[0]
    section = fmt.tables[table].section
    block = fmt.tables[table].block_of(row)
    label = ORDINAL.sub("", block.find_row(row).label.zh)
    return f"表{section.number}“{label}”{block.find_column(column).label.zh}"


def _year_findings(report: Report, key: str, text: str, stated: list[Statement], rules: _Rules) -> list[Finding]:
    rule_id, severity = rules.ids["wrong_year"]
    findings = []
    seen: set[int] = set()
    for statement in stated:
        start, end = _around(text, statement.start, _SENTENCE_END)
        if start in seen:
            continue
        seen.add(start)
        for match in _YEAR.finditer(text, start, end):
            year = read_number(match.group(1))
            if year in (report.year, report.year + 1):  # the year reported on, and the one it is published in
                continue
            clause = text[slice(*_around(text, match.start(), _CLAUSE_END))]
            if any(word in clause for word in rules.year_exempt):
                continue
            message = (
                f"正文中陈述统计数字的句子提到“{match.group(0)}”，而本报告是 {report.year} 年度的报告；"
                f"是否沿用了其他年度报告的文字？请核对后改为 {report.year} 年"
            )
            findings.append(Finding(report.text_position(key, match.start()), severity, message, rule_id))
    return findings


def _around(text: str, offset: int, ends: re.Pattern) -> tuple[int, int]:
    """The sentence (or clause) around an offset: from after the previous end mark to the next one."""
    start = offset
    while start > 0 and not ends.match(text, start - 1):
        start -= 1
    found = ends.search(text, offset)
    return start, found.start() if found else len(text)


@cache
def _enough(fewest: int) -> re.Pattern:
    """Matches a text with at least `fewest` characters that count (not spaces, not punctuation)."""
    return re.compile(rf"(?:[\s\W_]*[^\s\W_]){{{fewest}}}")


def _substance_findings(report: Report, heading: str, section_id: str, fewest: int, rules: _Rules) -> list[Finding]:
    rule_id, severity = rules.ids["substance"]
    text = report.texts[section_id]
    if _enough(fewest).match(text) or PLACEHOLDER in text:  # the scaffold's text is reported by the reader
        return []
    said = f"只写了“{text.strip()}”" if text.strip() else "是空的"
    message = f"“{heading}”{said}（不足 {fewest} 个字）；评估时视为未报告，请如实写明存在的主要问题和改进措施"
    return [Finding(report.text_position(section_id, 0), severity, message, rule_id)]
