"""A report's tables as an Excel workbook to fill in (`gongkai workbook`), and such a workbook read back
(`gongkai import FILE.xlsx`).

Everything comes from the format definition: each table is laid out as tables.py lays it out for the
report page (the merged headings of the national form), one sheet per table; totals that a rule of the
format defines as a sum of other cells are formulas; a check sheet shows each equation of the format's
rules within one report (R1–R4) with both sides computed by the spreadsheet. Nothing here names a row,
a column or a rule.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from io import BytesIO
from typing import TYPE_CHECKING

from ..check.rules import equations, member_label
from ..model.findings import Finding, GongkaiError, Position, error
from ..model.format import Format, Table, get_format
from ..model.values import Number
from ..render.tables import table_view
from .document import Line, SourceCell

if TYPE_CHECKING:  # openpyxl itself is imported when needed: the build never writes or reads a workbook
    from openpyxl.workbook.workbook import Workbook

CHECK_SHEET = "勾稽关系检查"
PROPERTY = "gongkai"  # custom document property: "format=2021;year=2024" (how import knows its workbook)
FIRST_ROW = 4  # rows 1-3: the sheet's title, instructions and a blank line
PASS, FAIL = "符合", "不符合"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entries' times: same content, same bytes
LABEL_FILL, FORMULA_FILL, INPUT_FILL = "E7E6E6", "DDEBF7", "FFFFFF"


@dataclass(frozen=True)
class Place:
    """A value cell of the form in the workbook."""

    sheet: str
    row: int
    column: int
    key: str
    type: str  # the column's value type: "count", "signed_count", "amount"
    colspan: int = 1

    @property
    def ref(self) -> str:
        """The cell's reference on its sheet, as Excel writes it (D7)."""
        return f"{column_letter(self.column)}{self.row}"


@dataclass(frozen=True)
class SheetLayout:
    """One table's sheet: its header cells and value cells on the grid, `width` columns wide."""

    name: str
    table: Table
    width: int
    headers: tuple[tuple[int, int, int, int, str], ...]  # (row, column, rowspan, colspan, text)
    values: tuple[Place, ...]


@dataclass(frozen=True)
class Layout:
    """A format's workbook: its sheets, every value cell by cell key, and the totals that are formulas."""

    sheets: tuple[SheetLayout, ...]
    places: dict[str, Place] = field(hash=False)  # by cell key
    formulas: dict[str, tuple[tuple[str, int], ...]] = field(hash=False)  # a total: the signed cells it adds up


def column_letter(number: int) -> str:
    """A column's letters as Excel names it from its number (1 is A, 27 is AA)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_name(table: Table) -> str:
    """表二, 表三...: the table by its section's number, as clerks call it."""
    return f"表{table.section.number}" if table.section.number else table.section.label.zh[:31]


def _column_types(table: Table) -> dict[str, str]:
    types: dict[str, str] = {}
    for block in table.blocks:
        for row in block.leaf_rows:
            for column in block.leaf_columns:
                types[f"{table.id}.{row.id}.{column.id}"] = column.type
    return types


@cache
def layout(format_id: str) -> Layout:
    """Where every header and value cell of a format's tables goes: the HTML layout's rows and spans
    placed on a grid as a browser places them (a cell skips the columns taken by cells spanning down)."""
    fmt = get_format(format_id)
    sheets = []
    places: dict[str, Place] = {}
    for table in fmt.tables.values():
        name = sheet_name(table)
        types = _column_types(table)
        view = table_view(table, None)
        taken: set[tuple[int, int]] = set()
        headers, values = [], []
        row = FIRST_ROW
        for part in view.parts:
            for line in part.head + part.body:
                column = 1
                for cell in line:
                    while (row, column) in taken:
                        column += 1
                    if cell.kind == "value":
                        place = Place(name, row, column, cell.key, types[cell.key], cell.colspan)
                        values.append(place)
                        places[cell.key] = place
                    else:
                        headers.append((row, column, cell.rowspan, cell.colspan, cell.text))
                    for down in range(cell.rowspan):
                        for across in range(cell.colspan):
                            taken.add((row + down, column + across))
                    column += cell.colspan
                row += 1
        sheets.append(SheetLayout(name, table, view.width, tuple(headers), tuple(values)))
    return Layout(tuple(sheets), places, _formulas(fmt, places))


def _formulas(fmt: Format, places: dict[str, Place]) -> dict[str, tuple[tuple[str, int], ...]]:
    """The cells an error rule of one report defines as a signed sum of others (a total column, a 总计
    row): each such cell is a formula. A cell gets the first rule that defines it without a cycle."""
    found: dict[str, tuple[tuple[str, int], ...]] = {}

    def reaches(start: str, target: str) -> bool:
        stack, seen = [start], set()
        while stack:
            key = stack.pop()
            if key == target:
                return True
            if key not in seen:
                seen.add(key)
                stack += [k for k, _ in found.get(key, ())]
        return False

    for index, rule in enumerate(fmt.rules):
        if rule.kind != "equation" or rule.severity != "error" or rule.across_years:
            continue
        for _, left, right in equations(fmt, index):
            if len(left) != 1 or left[0].key in found or left[0].sign != 1:
                continue
            target = left[0].key
            terms = tuple((c.key, c.sign) for c in right)
            if target not in places or not all(k in places for k, _ in terms):
                continue
            if any(reaches(k, target) for k, _ in terms):
                continue
            found[target] = terms
    return found


def _sum_formula(terms: Iterable[tuple[str, int]], sheet_of: Callable[[str], str]) -> str:
    text = ""
    for index, (key, sign) in enumerate(terms):
        place = sheet_of(key)
        operator = "-" if sign < 0 else ("+" if index else "")
        text += f"{operator}{place}"
    return text or "0"


# --- writing -------------------------------------------------------------------------------------


def instructions(fmt: Format, office: str, year: int) -> str:
    """The note at the top of each sheet: which cells to fill and how, what is locked, how to import the file."""
    return (
        f"{office} {year} 年政府信息公开工作年度报告 · {fmt.title.zh}。"
        "填写说明：请在白色单元格中填写数字（没有就填 0）；灰色单元格是表格的标签，蓝色单元格是自动计算的总计，均已锁定。"
        "数量只能填不小于 0 的整数，金额可填小数。"
        f"“{CHECK_SHEET}”工作表逐项显示勾稽关系是否符合。"
        f"填好后保存为 .xlsx，在站点目录中运行 gongkai import 文件名.xlsx --office 机关目录名 导入。"
    )


def workbook_bytes(fmt: Format, office: str, year: int, values: dict[str, Number]) -> bytes:
    """The workbook of a report's tables, `values` filled in (0 where none), as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    plan = layout(fmt.id)
    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    label_fill = PatternFill("solid", fgColor=LABEL_FILL)
    formula_fill = PatternFill("solid", fgColor=FORMULA_FILL)
    input_fill = PatternFill("solid", fgColor=INPUT_FILL)
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")

    def ref(key: str) -> str:
        place = plan.places[key]
        return f"'{place.sheet}'!{place.ref}"

    for sheet in plan.sheets:
        ws = book.create_sheet(sheet.name)
        ws["A1"] = sheet.table.section.heading
        ws["A1"].font = Font(bold=True, size=14)
        ws["A2"] = instructions(fmt, office, year)
        ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=sheet.width)
        ws.row_dimensions[2].height = 75
        for row, column, rowspan, colspan, text in sheet.headers:
            cell = ws.cell(row=row, column=column, value=text or None)
            cell.fill, cell.border, cell.alignment = label_fill, border, wrap
            if rowspan > 1 or colspan > 1:
                ws.merge_cells(
                    start_row=row, start_column=column, end_row=row + rowspan - 1, end_column=column + colspan - 1
                )
        rules = {
            "count": DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0"),
            "signed_count": DataValidation(
                type="whole", operator="between", formula1="-999999999", formula2="999999999"
            ),
            "amount": DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0"),
        }
        hints = {
            "count": "请填写不小于 0 的整数",
            "signed_count": "请填写整数（可为负数）",
            "amount": "请填写不小于 0 的数（可有小数）",
        }
        for kind, rule in rules.items():
            rule.error, rule.errorTitle, rule.showErrorMessage = hints[kind], "数值无效", True
            rule.allow_blank = True
        for place in sheet.values:
            cell = ws.cell(row=place.row, column=place.column)
            cell.border, cell.alignment = border, Alignment(horizontal="right", vertical="center")
            if place.colspan > 1:
                ws.merge_cells(
                    start_row=place.row,
                    start_column=place.column,
                    end_row=place.row,
                    end_column=place.column + place.colspan - 1,
                )
            terms = plan.formulas.get(place.key)
            if terms is not None:
                cell.value = "=" + _sum_formula(terms, ref)
                cell.fill = formula_fill
                continue
            cell.value = values.get(place.key, 0)
            cell.fill = input_fill
            cell.protection = Protection(locked=False)
            if place.type == "amount":
                cell.number_format = "General"
            rules[place.type].add(place.ref)
        for rule in rules.values():
            if rule.sqref:
                ws.add_data_validation(rule)
        widths = _widths(sheet)
        for column, width in widths.items():
            ws.column_dimensions[column_letter(column)].width = width
        for row, column, rowspan, colspan, text in sheet.headers:  # a wrapped label: its row as high as it needs
            if rowspan == 1 and colspan == 1 and _wide(text) > widths[column]:
                lines = -(-_wide(text) // int(widths[column] - 2))
                ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 15, 15 * lines)
        ws.page_setup.orientation = "landscape"  # printed one page wide, as the form is
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.protection.sheet = True  # no password: the labels and totals are kept from slips, not secrets
    _check_sheet(book, fmt, office, year, ref)
    book.custom_doc_props.append(StringProperty(name=PROPERTY, value=f"format={fmt.id};year={year}"))
    book.properties.creator = "Gongkai"
    out = BytesIO()
    book.save(out)
    return _deterministic(out.getvalue())


def _widths(sheet: SheetLayout) -> dict[int, float]:
    """Each column as wide as its longest one-column heading on one line (a Chinese character two units),
    between 10 and 40: longer headings wrap."""
    widths = dict.fromkeys(range(1, sheet.width + 1), 10.0)
    for _, column, _, colspan, text in sheet.headers:
        if colspan == 1:
            widths[column] = max(widths[column], min(_wide(text) + 2, 40))
    return widths


def _wide(text: str) -> int:
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def check_rows(fmt: Format) -> list[tuple[str, str, str, tuple, tuple]]:
    """Each equation of the format's rules within one report: (rule id, message, member, left, right)."""
    rows = []
    for index, rule in enumerate(fmt.rules):
        if rule.kind != "equation" or rule.across_years:
            continue
        for member, left, right in equations(fmt, index):
            rows.append((rule.id, rule.message.zh, member_label(fmt, rule, member), left, right))
    return rows


def _check_sheet(book: Workbook, fmt: Format, office: str, year: int, ref: Callable[[str], str]) -> None:
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = book.create_sheet(CHECK_SHEET)
    ws["A1"] = f"勾稽关系检查（{fmt.title.zh}）"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (
        "本表由公式自动计算，无需填写：每一行是格式规定的一项勾稽关系，“左边”“右边”为两侧数值之和，相等为“符合”，否则为“不符合”，请核对相应表格。"
    )
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:F2")
    ws.row_dimensions[2].height = 45
    for column, text in enumerate(("规则", "勾稽关系", "项目", "左边", "右边", "结果"), 1):
        ws.cell(row=FIRST_ROW - 1, column=column, value=text).font = Font(bold=True)
    for offset, (rule_id, message, member, left, right) in enumerate(check_rows(fmt)):
        row = FIRST_ROW + offset
        ws.cell(row=row, column=1, value=rule_id)
        ws.cell(row=row, column=2, value=message)
        ws.cell(row=row, column=3, value=member)
        ws.cell(row=row, column=4, value="=" + _sum_formula([(c.key, c.sign) for c in left], ref))
        ws.cell(row=row, column=5, value="=" + _sum_formula([(c.key, c.sign) for c in right], ref))
        # Rounded: amounts are binary fractions in a spreadsheet, and 0.1+0.2 is not 0.3 there.
        ws.cell(row=row, column=6, value=f'=IF(ROUND(D{row}-E{row},6)=0,"{PASS}","{FAIL}")')
    last = FIRST_ROW + len(check_rows(fmt)) - 1
    red = PatternFill("solid", fgColor="F8CBAD")
    ws.conditional_formatting.add(
        f"F{FIRST_ROW}:F{last}", CellIsRule(operator="equal", formula=[f'"{FAIL}"'], fill=red)
    )
    for column, width in zip("ABCDEF", (6, 48, 46, 12, 12, 10)):
        ws.column_dimensions[column].width = width
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.protection.sheet = True


def _deterministic(data: bytes) -> bytes:
    """The same workbook as the same bytes: openpyxl stamps the time of saving in the document's
    properties and in each zip entry; both are replaced by fixed values."""
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", content)
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- reading -------------------------------------------------------------------------------------

NUMBER_TEXT = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


def raw_numbers(data: bytes) -> dict[str, dict[str, str]]:
    """Each sheet's numeric cells as the text stored in the file (by sheet name, then reference).

    openpyxl turns a stored number into a float, and 9116.3 as a float is not exactly 9116.3; the
    stored text is what Excel, WPS or LibreOffice wrote (shortest round-trip digits), so amounts are
    read from it with Decimal, exactly."""
    from lxml import etree

    found: dict[str, dict[str, str]] = {}
    with zipfile.ZipFile(BytesIO(data)) as archive:
        names = set(archive.namelist())
        workbook = etree.fromstring(archive.read("xl/workbook.xml"))
        rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        for sheet in workbook.iter("{*}sheet"):
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if part not in names:
                continue
            cells: dict[str, str] = {}
            for cell in etree.fromstring(archive.read(part)).iter("{*}c"):
                if cell.get("t", "n") != "n":
                    continue
                value = cell.find("{*}v")
                if value is not None and value.text and cell.get("r"):
                    cells[cell.get("r")] = value.text.strip()
            found[sheet.get("name")] = cells
    return found


EXACT_DIGITS = 15  # every decimal of up to 15 significant digits comes back from a binary double as typed


def parse_number(text: str, stored: bool = False) -> Decimal | None:
    """A cell's number exactly. `stored`: the digits a program wrote for a binary double. Excel, WPS and
    LibreOffice write the shortest digits that give the double back (9116.3), which are the digits
    typed; some writers (openpyxl among them) write 16 or 17 (9116.299999999999). More than 15 significant
    digits are such noise, never an amount typed: they are read back to the double and written shortest."""
    text = text.strip().replace(",", "").replace("，", "")
    if not NUMBER_TEXT.fullmatch(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if stored and len(number.as_tuple().digits) > EXACT_DIGITS:
        number = Decimal(repr(float(number)))
    return number


def typed(number: Decimal, column_type: str) -> Number | str:
    """A number as the report keeps it for the column's type, or what is wrong with it."""
    if column_type in ("count", "signed_count"):
        if number != number.to_integral_value():
            return "应为整数"
        if column_type == "count" and number < 0:
            return "不能为负数"
        return int(number)
    if number < 0:
        return "金额不能为负数"
    if number == number.to_integral_value() and "." not in format(number, "f"):
        return int(number)
    plain = Decimal(format(number, "f"))  # 1.5E-3 as 0.0015
    return plain


def workbook_property(book: Workbook) -> dict[str, str]:
    """What `gongkai workbook` recorded in the file: {"format": ..., "year": ...}, or {}."""
    for prop in getattr(book, "custom_doc_props", None) or ():
        if prop.name == PROPERTY and isinstance(prop.value, str):
            return dict(part.split("=", 1) for part in prop.value.split(";") if "=" in part)
    return {}


@dataclass
class WorkbookValues:
    """A workbook of ours read back: the values, the problems found, and the cells that could not be read."""

    format: Format
    year: int | None
    values: dict[str, Number]
    findings: list[Finding]
    unreadable: list[str]  # the cell keys that could not be read


def read_values(book: Workbook, raw: dict[str, dict[str, str]], fmt: Format, path: str) -> WorkbookValues:
    """The values of a workbook laid out as `gongkai workbook` lays it out, read cell by cell; a total
    that is still its formula is computed exactly from the cells it adds up."""
    plan = layout(fmt.id)
    values: dict[str, Number] = {}
    findings: list[Finding] = []
    unreadable: list[str] = []
    pending: list[str] = []
    for sheet in plan.sheets:
        if sheet.name not in book.sheetnames:
            findings.append(error(Position(path), f"工作簿中没有“{sheet.name}”工作表，这个表格未能导入"))
            unreadable += [place.key for place in sheet.values]
            continue
        ws = book[sheet.name]
        for place in sheet.values:
            value = ws[place.ref].value
            where = f"{sheet.name}!{place.ref}"
            if isinstance(value, str) and value.startswith("=") and place.key in plan.formulas:
                pending.append(place.key)
                continue
            result = _cell_value(value, raw.get(sheet.name, {}).get(place.ref), place.type)
            if isinstance(result, str):
                findings.append(error(Position(path), f"{where}：{result}"))
                unreadable.append(place.key)
            else:
                values[place.key] = result
    for key in pending:
        total = _computed(key, plan.formulas, values)
        if total is None:
            unreadable.append(key)
        else:
            values[key] = total
    return WorkbookValues(fmt, None, values, findings, unreadable)


def _computed(key: str, formulas: dict[str, tuple[tuple[str, int], ...]], values: dict[str, Number]) -> Number | None:
    total: Number = 0
    for term, sign in formulas[key]:
        if term not in values:
            if term not in formulas:
                return None
            found = _computed(term, formulas, values)
            if found is None:
                return None
            values[term] = found
        total += values[term] * sign
    return total


def _cell_value(value: object, raw: str | None, column_type: str) -> Number | str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "空白，请填写数字（没有就填 0）"
    if isinstance(value, bool):
        return f"“{value}”不是数字"
    stored = isinstance(value, int | float | Decimal)
    text = (raw if raw is not None else repr(value)) if stored else str(value)
    number = parse_number(text, stored)
    if number is None:
        shown = str(value).strip()
        if shown.startswith("="):
            return f"公式“{shown[:40]}”没有计算结果，请填写数字"
        return f"“{shown[:40]}”不是数字"
    return typed(number, column_type)


def read_book(data: bytes, path: str) -> tuple[Workbook, dict[str, dict[str, str]]]:
    """The workbook and its stored numbers; a file that is no workbook is one positioned error."""
    from openpyxl import load_workbook

    try:
        return load_workbook(BytesIO(data)), raw_numbers(data)
    except Exception as exc:  # noqa: BLE001 - whatever a broken file makes openpyxl or the zip reader raise
        from ..read.source import excerpt

        problem = excerpt(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        raise GongkaiError(
            error(Position(path), f"无法读取这个 Excel 工作簿（{problem}）；请在 Excel 或 WPS 中另存为 .xlsx 后重试")
        ) from None


def sheet_lines(book: Workbook, raw: dict[str, dict[str, str]], path: str) -> tuple[Line, ...]:
    """A clerk's own workbook as the importer's neutral lines: each sheet a table of real cells (a merged
    cell repeated over its range, as a copy), each cell's place its reference (表三!D7); a formula is read
    as the result last computed and stored with it. A row with one filled cell is a paragraph, so that a
    title or a section heading typed in a cell is found as one."""
    lines: list[Line] = []
    for number, name in enumerate(book.sheetnames, 1):
        if name == CHECK_SHEET:  # the check sheet of a workbook of ours: formulas over the tables, no values
            continue
        ws = book[name]
        numbers = raw.get(name, {})
        merged = {}
        for span in ws.merged_cells.ranges:
            for row in range(span.min_row, span.max_row + 1):
                for column in range(span.min_col, span.max_col + 1):
                    if (row, column) != (span.min_row, span.min_col):
                        merged[(row, column)] = (span.min_row, span.min_col)
        texts: dict[tuple[int, int], str] = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or not hasattr(cell, "column_letter"):
                    continue
                ref = f"{cell.column_letter}{cell.row}"
                value = cell.value
                if ref in numbers:  # a number, or a formula's result as last computed (Excel, WPS, LibreOffice)
                    parsed = parse_number(numbers[ref], stored=True)
                    texts[(cell.row, cell.column)] = format(parsed, "f") if parsed is not None else numbers[ref]
                elif isinstance(value, str) and value.startswith("="):
                    continue  # a formula never computed (a total is then computed from its cells)
                elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                    texts[(cell.row, cell.column)] = repr(value)
                else:
                    texts[(cell.row, cell.column)] = " ".join(str(value).split())
        for row in range(1, ws.max_row + 1):
            cells = []
            for column in range(1, ws.max_column + 1):
                origin = merged.get((row, column))
                at = origin or (row, column)
                ref = f"{column_letter(at[1])}{at[0]}"
                cells.append(SourceCell(texts.get(at, ""), Position(path), f"{name}!{ref}", copy=origin is not None))
            while cells and not cells[-1].text:
                cells.pop()
            own = [c for c in cells if c.text and not c.copy]
            if not own:
                continue
            if len(own) == 1 and all(not c.text or c is own[0] or c.copy for c in cells):
                lines.append(Line((own[0],)))
            else:
                lines.append(Line(tuple(cells), table=number, grid=True))
    return tuple(lines)
