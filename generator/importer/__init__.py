"""Importing published reports (text copied from Word or PDF, HTML pages, .docx, PDF) into report values.

Pipeline: a reader per kind of source turns the file into lines of cells (document.py); for each
format the narrative module finds the title and the sections, and the matcher places the tables'
numbers by the labels of the format definition; the format that fits best is kept. The library never
writes or prints: `gongkai import` (commands/import_.py) does; writing.py holds what it writes.
The workbook to fill in (workbook.py) is made here too, beside the reader of what comes back.

May import: model, read, check, site, render (the documents Gongkai writes, to read them back).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field, replace
from datetime import date
from io import BytesIO
from pathlib import Path

from ..model.findings import Finding, GongkaiError, Position, error, warning
from ..model.format import Format, all_formats, get_format
from ..model.values import INTRO_KEY, FreeTable, Number
from .collapsed import unfold
from .document import Document
from .docx import read_docx_file
from .headlines import read_headline
from .html import read_html
from .match import Placement, place_tables
from .narrative import DocumentLayout, Title, labelled_date, lay_out, markdown, parse_date, read_title, text_tables
from .pdf import read_pdf
from .text import read_text

MAX_IMPORT_BYTES = 50 << 20  # a file to import; a .docx with its pictures is rarely over 10 MiB
SUFFIXES = {
    ".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".shtml": "html", ".docx": "docx", ".pdf": "pdf",
    ".xlsx": "xlsx",
}  # fmt: skip
UNSUPPORTED = {
    ".doc": "旧版 Word 文件（.doc）请先在 Word 中另存为 .docx",
    ".wps": "WPS 文件请先另存为 .docx",
    ".xls": "旧版 Excel 文件（.xls）请先在 Excel 或 WPS 中另存为 .xlsx",
    ".et": "WPS 表格文件请先另存为 .xlsx",
}


@dataclass(frozen=True)
class Imported:
    """What a source file says, placed into one format: values, texts, dates, and every finding."""

    path: str
    format: Format
    year: int | None
    title: Title | None
    values: dict[str, Number] = field(hash=False)
    texts: dict[str, str] = field(hash=False)
    free_tables: tuple[FreeTable, ...]  # a free-form report's tables of text (附表)
    published: date | None
    source_url: str
    findings: tuple[Finding, ...]
    computed: tuple[str, ...]  # totals the source left out, computed from the other cells
    missing: tuple[str, ...]  # cells of the form the source gave no value for
    unplaced: int  # numbers of the source that could not be placed
    conversions: tuple[str, ...] = ()  # values converted to the form's unit (元 to 万元), as notes
    tables_only: bool = False  # a workbook: the tables alone; the report file's text is kept as it is
    headline: dict[str, Number] = field(default_factory=dict, hash=False)  # a free-form report's 主要数字

    @property
    def office_name(self) -> str:
        """The office's name as the source's title gives it ("" without a title)."""
        return self.title.office_name if self.title else ""

    @property
    def placed(self) -> int:
        """How many cells have a value from the source (not counting the totals computed)."""
        return len(self.values) - len(self.computed)

    @property
    def complete(self) -> bool:
        """Every number of the source placed, and every cell of the form given a value."""
        return not self.unplaced and not self.missing


def _read_bytes(file: Path, path: str) -> bytes:
    suffix = file.suffix.lower()
    if suffix in UNSUPPORTED:
        raise GongkaiError(error(Position(path), f"不能直接导入 {suffix} 文件：{UNSUPPORTED[suffix]}"))
    try:
        with open(file, "rb") as handle:
            data = handle.read(MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise GongkaiError(error(Position(path), f"无法读取文件：{exc.strerror}")) from None
    if len(data) > MAX_IMPORT_BYTES:
        message = f"文件超过 {MAX_IMPORT_BYTES >> 20} MiB 的上限，未导入；年度报告通常不到 1 MiB，请检查是否选错了文件"
        raise GongkaiError(error(Position(path), message))
    return data


def _is_workbook(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def read_document(file: Path, path: str, data: bytes | None = None) -> Document:
    """Read a source file by its kind (from the file name, else from its content)."""
    data = _read_bytes(file, path) if data is None else data
    suffix = file.suffix.lower()
    kind = SUFFIXES.get(suffix) or _sniff(data)
    if data.startswith(b"%PDF-"):  # a PDF, whatever its name says
        kind = "pdf"
    elif data.startswith(b"PK\x03\x04"):  # a zip: a .docx renamed, or no report at all (read_docx says)
        kind = "docx"
    if kind == "docx":
        return read_docx_file(data, path)
    if kind == "html":
        return read_html(data, path)
    if kind == "pdf":
        return read_pdf(data, path)
    return read_text(data, path)


def _sniff(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"%PDF-"):
        return "pdf"
    head = data[:2048].lower()
    return "html" if b"<html" in head or b"<!doctype html" in head or b"<table" in head else "text"


@dataclass
class _Candidate:
    fmt: Format
    layout: DocumentLayout
    placement: Placement


def _candidates(document: Document, format_id: str) -> list[_Candidate]:
    if format_id == "auto":
        formats = list(all_formats().values())
    else:
        fmt = get_format(format_id)
        if fmt is None:
            known = "、".join(all_formats())
            raise GongkaiError(f"不认识的报告格式“{format_id}”；可选 auto、{known}")
        formats = [fmt]
    found = []
    for fmt in formats:
        layout = lay_out(fmt, document)
        placement = place_tables(fmt, layout.regions, layout.headings, document.path, document.kind != "text")
        found.append(_Candidate(fmt, layout, placement))
    return found


def choose(candidates: list[_Candidate], year: int | None) -> _Candidate:
    """The format the labels fit best; the format of the report's year breaks ties and wins when nothing fits."""

    def rank(candidate: _Candidate):
        covers = year is not None and candidate.fmt.covers(year)
        return (max(candidate.placement.score, 0), covers)

    return max(candidates, key=rank)


def import_file(file: Path, path: str, format_id: str = "auto", year: int | None = None) -> Imported:
    """Read one source file into report values. `path` is the file as users see it in messages."""
    data = _read_bytes(file, path)
    if _is_workbook(data):
        return _import_workbook(data, path, format_id, year)
    return import_document(unfold(read_document(file, path, data)), path, format_id, year)


def import_document(
    document: Document, path: str, format_id: str = "auto", year: int | None = None, tables_only: bool = False
) -> Imported:
    """A source read into lines, placed into the format its labels fit best. `tables_only`: a source of
    the tables alone (a workbook), whose missing title and narrative are not worth a warning."""
    title = _title(document)
    stated = title.year if title else None
    notes = []
    if year and stated and year != stated:
        notes.append(warning(Position(path), f"标题中的年度是 {stated}，已按指定的 {year} 年度导入"))
    year = year or stated
    chosen = choose(_candidates(document, format_id), year)
    fmt, layout, placement = chosen.fmt, chosen.layout, chosen.placement
    title = layout.title or title
    findings = list(document.findings) + notes
    if year is None:
        findings.append(error(Position(path), "无法从标题中确定报告年度；请用 --year 指定，如 --year 2023"))
    texts, free_tables = _texts(fmt, layout, placement, document, [] if tables_only else findings)
    headline, free_tables = read_headline(fmt, free_tables) if fmt.supplied_headlines else ({}, free_tables)
    published = _published(document, layout, texts, year, findings)
    if title is None and not tables_only:
        findings.append(warning(Position(path), "没有找到报告标题（如“××× 2023 年政府信息公开工作年度报告”）"))
    for line in layout.aside:
        findings.append(warning(line.position, f"正文前的“{line.text}”一栏不是报告内容，未导入"))
    findings += placement.findings
    return Imported(
        path=path,
        format=fmt,
        year=year,
        title=title,
        values=dict(placement.values),
        texts=texts,
        free_tables=free_tables,
        published=published,
        source_url=document.source_url,
        findings=tuple(findings),
        computed=tuple(placement.computed),
        missing=tuple(placement.missing),
        unplaced=placement.unplaced,
        conversions=tuple(placement.conversions),
        headline=headline,
    )


def _import_workbook(data: bytes, path: str, format_id: str, year: int | None) -> Imported:
    """An Excel workbook: one written by `gongkai workbook` is read cell by cell where it laid the
    values out; any other (a clerk's own sheets) is read as tables and matched by the format's labels."""
    from .workbook import read_book, read_values, sheet_lines, workbook_property

    book, raw = read_book(data, path)
    recorded = workbook_property(book)
    fmt = get_format(recorded.get("format", "")) if recorded else None
    if fmt is None or (format_id != "auto" and format_id != fmt.id):
        document = Document(path, "xlsx", sheet_lines(book, raw, path), title=book.properties.title or "")
        imported = import_document(document, path, format_id, year, tables_only=True)
        return replace(imported, tables_only=True)
    notes: list[Finding] = []
    stated = int(recorded["year"]) if recorded.get("year", "").isdigit() else None
    if year and stated and year != stated:
        notes.append(warning(Position(path), f"工作簿是 {stated} 年度的，已按指定的 {year} 年度导入"))
    year = year or stated
    if year is None:
        notes.append(error(Position(path), "无法确定报告年度；请用 --year 指定，如 --year 2023"))
    found = read_values(book, raw, fmt, path)
    return Imported(
        path=path,
        format=fmt,
        year=year,
        title=None,
        values=found.values,
        texts={},
        free_tables=(),
        published=None,
        source_url="",
        findings=tuple(notes + found.findings),
        computed=(),  # the workbook's totals are its formulas' results, computed exactly from the cells typed
        missing=tuple(found.unreadable),
        unplaced=0,
        tables_only=True,
    )


def _title(document: Document) -> Title | None:
    for line in document.lines[:20]:
        title = read_title(line.text)
        if title is not None:
            return title
    return read_title(document.title) if document.title else None


def _texts(
    fmt: Format, layout: DocumentLayout, placement: Placement, document: Document, findings: list
) -> tuple[dict[str, str], tuple[FreeTable, ...]]:
    """The narrative sections and table intros as Markdown; in a format with free tables (附表), the
    source's tables become those, else a table found in the text stays there as a Markdown table."""
    texts: dict[str, str] = {}
    free: list[FreeTable] = []
    keeps_tables = any(s.kind == "free_tables" for s in fmt.sections)
    for section in fmt.sections:
        if section.kind == "free_tables":
            tables, _ = text_tables(layout.regions.get(section.id, []))
            free += [FreeTable(t.caption, t.header, t.rows) for t in tables]
            continue
        if section.kind == "table":
            intro = markdown(placement.intros.get(section.id, []), document.kind)
            if intro:
                texts[f"{section.id}.{INTRO_KEY}"] = intro
            continue
        if section.kind != "narrative":
            continue
        lines = [line for line in layout.regions.get(section.id, []) if id(line) not in placement.claimed]
        if section.id not in layout.regions and not section.optional:
            findings.append(
                warning(Position(document.path), f"原文中没有找到“{section.heading}”的标题，这一部分的文字未能导入")
            )
        if keeps_tables:
            tables, lines = text_tables(lines)
            free += [FreeTable(t.caption, t.header, t.rows) for t in tables]
        texts[section.id] = markdown(lines, document.kind)
    return texts, tuple(free)


def _published(
    document: Document, layout: DocumentLayout, texts: dict[str, str], year: int | None, findings: list
) -> date | None:
    """The publication date the source states: in its metadata, as 「发布日期：…」, or as the date it ends with."""
    closing = _closing_date(layout, texts)
    found = document.published
    for line in document.lines:
        if found is not None:
            break
        found = labelled_date(line.text)
    found = found or closing
    if found is not None and year is not None and not year <= found.year <= year + 2:
        findings.append(
            warning(Position(document.path), f"原文中的日期 {found.isoformat()} 不像 {year} 年度报告的发布日期，未采用")
        )
        return None
    return found


def _closing_date(layout: DocumentLayout, texts: dict[str, str]) -> date | None:
    """A report signed off with a date (「2024年1月19日」) as its last line; the signature leaves the text."""
    # the last text: a free-form report's tables (附表) may follow its signature, as attachments do
    regions = [(section_id, lines) for section_id, lines in layout.regions.items() if lines and section_id in texts]
    if not regions:
        return None
    section_id, lines = regions[-1]
    found = parse_date(lines[-1].text, whole=True)
    if found is None:
        return None
    paragraphs = texts[section_id].split("\n\n")
    drop = 1
    name = layout.title.office_name if layout.title else ""
    if len(lines) > 1 and name and lines[-2].text.replace(" ", "") == name:
        drop = 2
    texts[section_id] = "\n\n".join(paragraphs[: max(len(paragraphs) - drop, 0)])
    return found
