"""The report as an official Word document (.docx): what `gongkai docx` writes and, when a site asks
for it, report.docx beside each report page.

Built from the same data as the page: the title, the preface, sections 一 to 六 with the format's
headings, the narrative's Markdown as Word styles (Heading 2/3, List Bullet/Number, Normal, marked
phrases in the character styles Strong and Emphasis: never direct formatting), and the statistical
tables laid out by tables.py, merged header cells included; a free-form report's tables under their
captions (Caption), its headline figures last as the table 主要数字. importer/docx.py reads it all back.
Fonts follow the usual conventions of government documents (仿宋_GB2312 body, 黑体 headings, each
with a fallback named in the font table), on A4 portrait with the page number in the footer. A report
that breaks a rule carries the page's notice, in a paragraph style of its own that the importer
leaves out. Same report -> same bytes (fixed dates in the properties and in the zip).
"""

from __future__ import annotations

import gc
import io
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from xml.sax.saxutils import escape

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import Section
from docx.shared import Length, Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph
from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from ..model.findings import Finding
from ..model.format import Table
from ..model.values import FreeTable, Report
from ..read.site import Office
from ..site.summaries import rule_findings
from .pages import notice_title, report_title
from .tables import TableCell, table_view
from .wordstyles import (
    CAPTION_STYLE,
    EMPHASIS_STYLE,
    HEADLINE_CAPTION,
    HEADLINE_HEADER,
    NOTICE_STYLE,
    QUOTE_STYLE,
    STRONG_EMPHASIS_STYLE,
    STRONG_STYLE,
    headline_label,
)

BODY_FONT = "仿宋_GB2312"
BODY_FALLBACK = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
TITLE_FALLBACK = "宋体"
LATIN_FONT = "Times New Roman"
SIGNATURE_STYLE = "Gongkai Signature"
TABLE_TEXT_STYLE = "Gongkai Table Text"

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}  # GB/T 9704 版心 156 × 225 mm
TEXT_WIDTH_TWIPS = round((210 - 28 - 26) / 25.4 * 1440)
TABLE_FONT_SIZE = Pt(9)  # 小五: table 三 (ten columns) fits the 156 mm type area
FIXED_TIME = datetime(2000, 1, 1, tzinfo=UTC)


def report_docx(report: Report, findings: Iterable[Finding], office: Office) -> bytes:
    """The report as a .docx file's bytes."""
    document = docx.Document()
    _set_up(document)
    name = report.office_name or office.name
    title = report_title(name, report.year)
    document.add_paragraph(title, style="Title")
    notices = rule_findings(list(findings))
    if notices:
        _notice(document, notices)
    fmt = report.format
    signed = False
    for section in fmt.sections:
        if section.kind == "free_tables":
            if not signed:  # the free-form report's tables follow its text as attachments (附表)
                signed = _sign(document, name, report)
            tables = report.free_tables + _headline_tables(report)
            if tables:
                document.add_paragraph(section.heading, style="Heading 1")
                for table in tables:
                    _free_table(document, table)
            continue
        if section.kind == "table":
            document.add_paragraph(section.heading, style="Heading 1")
            table = fmt.tables[section.id]
            _markdown(document, report.text(f"{table.id}.intro"))
            _stats_table(document, table, report)
            continue
        if not section.number and section.id not in report.texts:  # 前言, a free-form report's text: untitled
            continue
        if section.number:  # a numbered section is there, if only as its heading (the national form's outline)
            document.add_paragraph(section.heading, style="Heading 1")
        _markdown(document, report.text(section.id))
    if not signed:
        _sign(document, name, report)
    properties = document.core_properties
    properties.title = title
    properties.author = name
    properties.last_modified_by = "Gongkai"
    properties.revision = 1
    stamp = datetime(report.published.year, report.published.month, report.published.day) if report.published else None
    properties.created = properties.modified = stamp or FIXED_TIME.replace(tzinfo=None)
    out = io.BytesIO()
    document.save(out)
    del document, properties
    # python-docx's parts and lxml's proxies reference each other: collected now, a build worker making
    # thousands of documents stays at 50 MiB (left to its rare collections it grew past 600 MiB).
    gc.collect()
    return _fixed_zip(out.getvalue())


def _headline_tables(report: Report) -> tuple[FreeTable, ...]:
    """A free-form report's headline figures (`headline:`) as a table of its own, 主要数字, which the
    importer reads back: each figure in the national form's wording where it has one."""
    fmt = report.format
    rows = tuple(
        (headline_label(h.id, h.label.zh), str(report.headline[h.id])) for h in fmt.headlines if h.id in report.headline
    )
    return (FreeTable(HEADLINE_CAPTION, (HEADLINE_HEADER,), rows),) if fmt.supplied_headlines and rows else ()


def _sign(document: WordDocument, name: str, report: Report) -> bool:
    """Sign off with the office and the date (a name alone would read as text of the last section)."""
    if report.published:
        day = report.published
        document.add_paragraph(name, style=SIGNATURE_STYLE)
        document.add_paragraph(f"{day.year}年{day.month}月{day.day}日", style=SIGNATURE_STYLE)
    return True


def _fixed_zip(data: bytes) -> bytes:
    """The zip python-docx wrote, its members dated 1980-01-01 (python-docx dates them now)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member))
    return out.getvalue()


# -- styles and page -----------------------------------------------------------------------------------


def _fonts(style: BaseStyle, east_asian: str, size: Length, bold: bool = False) -> None:
    font = style.font
    font.name = LATIN_FONT
    font.size = size
    font.bold = bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:eastAsia"), east_asian)


def _paragraph(
    style: BaseStyle,
    first_indent: Length | None = None,
    after: float = 0,
    align: WD_ALIGN_PARAGRAPH | None = None,
    line: Length | float | None = None,
) -> None:
    formatting = style.paragraph_format
    formatting.first_line_indent = first_indent
    formatting.space_before = Pt(0)
    formatting.space_after = Pt(after)
    if align is not None:
        formatting.alignment = align
    if line is not None:
        formatting.line_spacing = line


def _set_up(document: WordDocument) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side, size in MARGINS.items():
        setattr(section, f"{side}_margin", size)
    styles = document.styles
    normal = styles["Normal"]
    _fonts(normal, BODY_FONT, Pt(16))
    _paragraph(normal, first_indent=Pt(32), line=Pt(28))
    title = styles["Title"]
    _fonts(title, TITLE_FONT, Pt(22))
    _paragraph(title, first_indent=Pt(0), after=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.element.get_or_add_pPr().remove_all("w:pBdr")  # the template's blue rule under the title
    for level, size in ((1, 16), (2, 16), (3, 16)):
        heading = styles[f"Heading {level}"]
        _fonts(heading, HEADING_FONT if level == 1 else "楷体_GB2312" if level == 2 else BODY_FONT, Pt(size))
        _paragraph(heading, first_indent=Pt(32), line=Pt(28))
    for name in ("List Bullet", "List Number", "List Bullet 2", "List Number 2"):
        _fonts(styles[name], BODY_FONT, Pt(16))
    for name, base in ((NOTICE_STYLE, "Normal"), (SIGNATURE_STYLE, "Normal"), (TABLE_TEXT_STYLE, "Normal")):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
    _paragraph(styles[SIGNATURE_STYLE], first_indent=Pt(0), align=WD_ALIGN_PARAGRAPH.RIGHT)
    _fonts(styles[NOTICE_STYLE], HEADING_FONT, Pt(12))
    _paragraph(styles[NOTICE_STYLE], first_indent=Pt(0), after=4, line=Pt(20))
    _fonts(styles[TABLE_TEXT_STYLE], BODY_FONT, TABLE_FONT_SIZE)
    _fonts(styles[CAPTION_STYLE], HEADING_FONT, Pt(12))
    _paragraph(styles[CAPTION_STYLE], first_indent=Pt(0), after=4, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(20))
    _fonts(styles[QUOTE_STYLE], BODY_FONT, Pt(16))  # the template's italic, without it: Chinese has no italic
    styles[QUOTE_STYLE].paragraph_format.left_indent = Pt(32)
    both = styles.add_style(STRONG_EMPHASIS_STYLE, WD_STYLE_TYPE.CHARACTER)
    both.base_style = styles[STRONG_STYLE]
    both.font.italic = True
    _paragraph(styles[TABLE_TEXT_STYLE], first_indent=Pt(0), align=WD_ALIGN_PARAGRAPH.CENTER, line=1.0)
    _font_fallbacks(document)
    _page_number(section)


def _font_fallbacks(document: WordDocument) -> None:
    """Name each Chinese font's usual substitute in the font table (Word and LibreOffice use the
    `altName` where the font is not installed, e.g. 仿宋_GB2312 on a newer Windows)."""
    table = next((rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable")), None)
    if table is None:
        return
    root = parse_xml(table.blob)
    for name, alternative in ((BODY_FONT, BODY_FALLBACK), (TITLE_FONT, TITLE_FALLBACK), ("楷体_GB2312", "楷体")):
        root.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alternative}"/>'
                '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
            )
        )
    table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number(section: Section) -> None:
    """「— 1 —」 centred in the footer: a PAGE field."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.add_run("— ")
    run = paragraph.add_run()
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>'))
    run._r.append(parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve"> PAGE </w:instrText>'))
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="separate"/>'))
    run._r.append(parse_xml(f"<w:t {nsdecls('w')}>1</w:t>"))
    run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>'))
    paragraph.add_run(" —")


def _notice(document: WordDocument, notices: list[Finding]) -> None:
    document.add_paragraph(f"请注意：{notice_title(notices)}", style=NOTICE_STYLE)
    document.add_paragraph(
        "本报告按原文发布，未作改动。按全国统一格式的勾稽关系检查，并核对正文所述数字与表格、发布日期与发布期限，发现以下问题：",
        style=NOTICE_STYLE,
    )
    for finding in notices:
        label = "不符合" if finding.severity == "error" else "提示"
        document.add_paragraph(f"{label}（规则 {finding.rule}）：{finding.message}", style=NOTICE_STYLE)


# -- narrative -----------------------------------------------------------------------------------------


def _markdown(document: WordDocument, text: str) -> None:
    """A narrative's Markdown as paragraphs in Word styles: its top headings as Heading 2, lists as
    List Bullet / List Number, tables as tables, the rest Normal."""
    if not text.strip():
        return
    from .markdown_converter import NARRATIVE_TOP_HEADING, converter

    html = converter().reset().convert(text)
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for element in root:
        _block(document, element, NARRATIVE_TOP_HEADING)


def _block(document: WordDocument, element: HtmlElement, top: int, depth: int = 0) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        level = min(3, 2 + int(tag[1]) - top)
        _inline(document.add_paragraph(style=f"Heading {level}"), element)
    elif tag in ("ul", "ol"):
        style = "List Bullet" if tag == "ul" else "List Number"
        if depth:
            style += " 2"
        for item in element:
            if not isinstance(item.tag, str):
                continue
            _inline(document.add_paragraph(style=style), item, skip=("ul", "ol"))
            for child in item:
                if child.tag in ("ul", "ol"):
                    _block(document, child, top, depth + 1)
    elif tag == "table":
        rows = [[cell.text_content().strip() for cell in tr if cell.tag in ("th", "td")] for tr in element.iter("tr")]
        if rows:
            _plain_table(document, rows, header=1)
    elif tag == "blockquote":  # each of its paragraphs in the Quote style (a nested quote as one level)
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "p":
                _inline(document.add_paragraph(style=QUOTE_STYLE), child)
            else:
                _block(document, child, top, depth)
    elif tag == "hr":
        return
    else:  # p, pre and the like: their text as a paragraph
        _inline(document.add_paragraph(), element)


def _inline(paragraph: Paragraph, element: HtmlElement, skip: tuple[str, ...] = ()) -> None:
    """An element's text as runs: a phrase the author marked (strong/b, em/i) in Word's character style
    Strong or Emphasis (or Gongkai Strong Emphasis, both: a run has one character style), a line break
    for br."""

    def walk(node: HtmlElement, bold: bool, italic: bool) -> None:
        if node.text:
            _run(paragraph, node.text, bold, italic)
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in skip:
                pass
            elif tag == "br":
                paragraph.add_run().add_break()
            elif tag == "p":
                walk(child, bold, italic)
            else:
                walk(child, bold or tag in ("strong", "b"), italic or tag in ("em", "i"))
            if child.tail:
                _run(paragraph, child.tail, bold, italic)

    walk(element, False, False)
    if paragraph.runs:  # a list item's text keeps no newline of the source's layout
        first, last = paragraph.runs[0], paragraph.runs[-1]
        first.text = first.text.lstrip("\n")
        last.text = last.text.rstrip("\n ")


def _run(paragraph: Paragraph, text: str, bold: bool, italic: bool) -> None:
    text = text.replace("\n", "")  # Markdown's soft line breaks: Chinese text joins without a space
    if not text:
        return
    style = STRONG_EMPHASIS_STYLE if bold and italic else STRONG_STYLE if bold else EMPHASIS_STYLE if italic else None
    paragraph.add_run(text, style)


# -- tables --------------------------------------------------------------------------------------------


def _stats_table(document: WordDocument, table: Table, report: Report) -> None:
    view = table_view(table, report)
    rows = [line for part in view.parts for line in part.head + part.body]
    head_rows = len(view.parts[0].head)
    widths = _stats_widths(table, view.width)
    document.element.body._insert_tbl(_table_xml(rows, widths, head_rows))
    _spacer(document)


def _stats_widths(table: Table, width: int) -> list[int]:
    """Grid column widths in twips: the row headings' columns wide, the value columns narrow."""
    block = next((b for b in table.blocks if b.layout == "grid" and b.rows), None)
    if block is None:
        return [TEXT_WIDTH_TWIPS // width] * width
    depth = max(row.depth for row in block.rows)
    values = width - depth
    value_width = min(1000, int(TEXT_WIDTH_TWIPS * 0.62 / max(values, 1)))
    group_width = 560
    last = TEXT_WIDTH_TWIPS - value_width * values - group_width * (depth - 1)
    return [group_width] * (depth - 1) + [last] + [value_width] * values


def _table_xml(rows: list[tuple[TableCell, ...]], widths: list[int], head_rows: int):
    """A w:tbl of header and data cells with their spans: a rowspan as a vertical merge (vMerge restart,
    then continue in the rows below), a colspan as gridSpan."""
    total = len(widths)
    below: dict[int, tuple[int, int]] = {}  # grid column -> (rows still covered, gridSpan) of a merge from above
    xml = [
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        "<w:tblBorders>"
        + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' for side in BORDERS)
        + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/>'
        '<w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        + "</w:tblGrid>"
    ]
    for number, line in enumerate(rows):
        header_row = number < head_rows
        xml.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header_row else "") + "</w:trPr>")
        cells = iter(line)
        column = 0
        while column < total:
            if column in below:
                left, span = below.pop(column)
                if left > 1:
                    below[column] = (left - 1, span)
                xml.append(_tc(sum(widths[column : column + span]), span, "", "continue"))
                column += span
                continue
            cell = next(cells, None)
            if cell is None:
                break
            span = min(cell.colspan, total - column)
            merge = ""
            if cell.rowspan > 1:
                below[column] = (cell.rowspan - 1, span)
                merge = "restart"
            align = "left" if cell.header and cell.kind == "leaf" and cell.scope == "row" else "center"
            xml.append(_tc(sum(widths[column : column + span]), span, cell.text, merge, align))
            column += span
        xml.append("</w:tr>")
    xml.append("</w:tbl>")
    return parse_xml("".join(xml))


BORDERS = ("top", "left", "bottom", "right", "insideH", "insideV")


def _tc(width: int, span: int, text: str, merge: str, align: str = "center") -> str:
    properties = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        properties += f'<w:gridSpan w:val="{span}"/>'
    if merge == "restart":
        properties += '<w:vMerge w:val="restart"/>'
    elif merge:
        properties += "<w:vMerge/>"
    properties += '<w:vAlign w:val="center"/>'
    jc = f'<w:jc w:val="{align}"/>' if align != "center" else ""
    run = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return (
        f'<w:tc><w:tcPr>{properties}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{_style_id(TABLE_TEXT_STYLE)}"/>{jc}'
        f"</w:pPr>{run}</w:p></w:tc>"
    )


def _style_id(name: str) -> str:
    return name.replace(" ", "")


def _plain_table(document: WordDocument, rows: list[list[str]], header: int) -> None:
    width = max(len(row) for row in rows)
    cells = [
        tuple(TableCell(text, header=index < header) for text in row + [""] * (width - len(row)))
        for index, row in enumerate(rows)
    ]
    document.element.body._insert_tbl(_table_xml(cells, [TEXT_WIDTH_TWIPS // width] * width, header))
    _spacer(document)


def _free_table(document: WordDocument, table: FreeTable) -> None:
    if table.caption:
        document.add_paragraph(table.caption, style=CAPTION_STYLE)
    rows = [list(row) for row in table.header] + [list(row) for row in table.rows]
    if rows:
        _plain_table(document, rows, header=len(table.header))


def _spacer(document: WordDocument) -> None:
    """An empty paragraph after a table (Word needs one between two tables, and before the next text)."""
    document.add_paragraph(style=TABLE_TEXT_STYLE)
