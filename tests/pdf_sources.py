"""PDF reports made with a PDF library (fpdf2), laid out as offices typeset them in Word and print to PDF.

The three tables are drawn cell by cell: merged header cells, labels in narrow columns that wrap over
several lines inside their cell, table 三 running over a page break with its header rows repeated on
the next page, and cells left blank. `ruled=False` leaves out the lines: the text path then has only
the words' positions. Written out here from the form's layout (import_sources.py), not derived from
the importer's reading of the format.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fpdf import FPDF
from import_sources import APPLICANTS, APPLICATIONS, CORNER, PROACTIVE, RESULT_LABELS, RESULTS, REVIEW_ROWS, shown

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # Debian's fonts-wqy-zenhei (.ci/run installs it)
TOP, BOTTOM, LEFT = 15.0, 282.0, 12.0
LINE = 4.2  # mm: the height of a line of text in a cell


def require_font() -> None:
    """Skip locally, fail in CI (as the browser tests' tools do), without the Chinese font."""
    if not FONT.exists():
        message = f"PDF tests need a Chinese font at {FONT}: apt-get install fonts-wqy-zenhei"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)


class _Pages(FPDF):
    def footer(self) -> None:  # a page number in the margin, as Word prints 「- 1 -」
        self.set_y(-12)
        self.set_font("zh", size=9)
        self.cell(0, 5, f"- {self.page_no()} -", align="C")


class ReportPdf:
    def __init__(self, ruled: bool = True):
        require_font()
        self.pdf = _Pages(format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.add_font("zh", fname=str(FONT), collection_font_number=0)
        self.ruled = ruled
        self.y = TOP
        self.pdf.add_page()

    def text(self, text: str, size: float = 10.5) -> None:
        self.pdf.set_font("zh", size=size)
        lines = self.pdf.multi_cell(186, LINE * size / 9, text, dry_run=True, output="LINES")
        if self.y + len(lines) * LINE * size / 9 > BOTTOM:
            self._page()
        self.pdf.set_xy(LEFT, self.y)
        self.pdf.multi_cell(186, LINE * size / 9, text)
        self.y = self.pdf.get_y() + 2

    def _page(self) -> None:
        self.pdf.add_page()
        self.y = TOP

    def table(self, widths: list[float], header: list[list[tuple]], rows: list[list[tuple]]) -> None:
        """Rows of (text, rowspan, colspan) cells placed on a grid as HTML places them; the header rows are
        repeated on every page the table runs onto."""
        self.pdf.set_font("zh", size=8)
        grid = _place(header + rows)
        heights = [_height(self.pdf, widths, grid, r) for r in range(len(header) + len(rows))]
        head = list(range(len(header)))
        pages: list[list[int]] = [[]]
        y = self.y + sum(heights[r] for r in head)
        for r in range(len(header), len(heights)):
            if y + heights[r] > BOTTOM and pages[-1]:
                pages.append([])
                y = TOP + sum(heights[h] for h in head)
            pages[-1].append(r)
            y += heights[r]
        for number, body in enumerate(pages):
            if number:
                self._page()
            shown_rows = head + body
            tops = {}
            y = self.y
            for r in shown_rows:
                tops[r] = y
                y += heights[r]
            for (r, c), (text, rowspan, colspan) in grid.items():
                spanned = [x for x in range(r, r + rowspan) if x in tops]
                if not spanned:
                    continue
                top = tops[spanned[0]]
                height = sum(heights[x] for x in spanned)
                x = LEFT + sum(widths[:c])
                width = sum(widths[c : c + colspan])
                if self.ruled:
                    self.pdf.rect(x, top, width, height)
                if r in tops and text:  # the text of a merged cell on the page where it starts
                    lines = self.pdf.multi_cell(width - 1, LINE, text, dry_run=True, output="LINES")
                    self.pdf.set_xy(x + 0.5, top + (height - len(lines) * LINE) / 2)
                    self.pdf.multi_cell(width - 1, LINE, text, align="C")
            self.y = y + 3

    def save(self, path: Path) -> Path:
        self.pdf.output(str(path))
        return path


def _place(rows: list[list[tuple]]) -> dict[tuple[int, int], tuple]:
    """Each cell at its grid position (row, column), skipping positions covered by a merged cell above."""
    taken: set[tuple[int, int]] = set()
    grid = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in taken:
                c += 1
            grid[(r, c)] = (text, rowspan, colspan)
            taken |= {(r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan)}
            c += colspan
    return grid


def _height(pdf: FPDF, widths: list[float], grid: dict, row: int) -> float:
    needed = 1
    for (r, c), (text, rowspan, colspan) in grid.items():
        if r == row and rowspan == 1 and text and not text.isdigit():  # a number fits on a line
            width = sum(widths[c : c + colspan]) - 1
            needed = max(needed, len(pdf.multi_cell(width, LINE, text, dry_run=True, output="LINES")))
    return needed * LINE + 2


def report_pdf(
    path: Path, values: dict, texts: dict[str, str] | None = None, ruled: bool = True, year: int = 2023
) -> Path:
    """The 2021 report with these values; `texts` gives some cells another text ("" for a blank cell)."""
    texts = texts or {}

    def value(key: str) -> str:
        return texts[key] if key in texts else shown(values[key])

    doc = ReportPdf(ruled)
    doc.text(f"荷花路街道办事处{year}年政府信息公开工作年度报告", size=15)
    doc.text("一、总体情况", size=12)
    doc.text(f"{year}年，荷花路街道办事处认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进政务公开工作。")
    doc.text("二、主动公开政府信息情况", size=12)
    rows = []
    for heading, columns, body, column_ids in PROACTIVE:
        span = 3 // len(columns)
        rows.append([(heading, 1, 4)])
        rows.append([("信息内容", 1, 1)] + [(c, 1, span) for c in columns])
        for label, row_id in body:
            rows.append([(label, 1, 1)] + [(value(f"proactive.{row_id}.{c}"), 1, span) for c in column_ids])
    doc.table([54, 44, 44, 44], [], rows)
    doc.text("三、收到和处理政府信息公开申请情况", size=12)
    header = [
        [(CORNER, 3, 3), ("申请人情况", 1, 7)],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [(t, 1, 1) for t in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]
    body = []
    for labels, row_id in APPLICATIONS:
        cells = [(text, rowspan, colspan) for text, rowspan, colspan in labels]
        cells += [(value(f"applications.{row_id}.{c}"), 1, 1) for c in APPLICANTS]
        body.append(cells)
    doc.table([14, 22, 45] + [15] * 7, header, body)  # narrow columns: labels wrap inside their cells
    doc.text("四、政府信息公开行政复议、行政诉讼情况", size=12)
    header = [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [(t, 2, 1) for t in RESULT_LABELS] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(t, 1, 1) for t in RESULT_LABELS * 2],
    ]
    data = [[(value(f"review_litigation.{r}.{c}"), 1, 1) for r in REVIEW_ROWS for c in RESULTS]]
    doc.table([12.4] * 15, header, data)
    doc.text("五、存在的主要问题及改进情况", size=12)
    doc.text("一是公开内容还不够全面。")
    doc.text("六、其他需要报告的事项", size=12)
    doc.text("本年度未收取信息处理费。")
    return doc.save(path)
