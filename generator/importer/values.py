"""Reading the value cells of a published table: numbers as publishers write them, and blanks."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ..model.values import Number

BLANK = re.compile(r"^(?:[-—–―‐]+|/|\\|无|)$")  # an empty cell, a dash, a slash or 无: 0 on the form
NUMBER = re.compile(
    r"^(?P<sign>[+-])?(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?"
    r"(?P<unit>万元|元|件|个|项|条|次|人|家|宗|起)?$"
)
NUMERIC_START = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?(?![\d.、)）,])")
COUNT_UNITS = ("件", "个", "项", "条", "次", "人", "家", "宗", "起")


def plain(text: str) -> str:
    """A cell's text with full-width characters and all spaces (&nbsp; too) removed."""
    text = unicodedata.normalize("NFKC", text).replace("−", "-").replace("，", ",")
    return "".join(text.split())


def is_blank(text: str) -> bool:
    """Whether a cell is blank as forms leave it (empty, a dash, a slash, 无), meaning 0."""
    return bool(BLANK.match(plain(text)))


def is_value(text: str) -> bool:
    """Whether a cell holds a value (a number, or a blank standing for 0) rather than a label."""
    text = plain(text)
    return bool(BLANK.match(text) or NUMBER.match(text))


def is_numeric(text: str) -> bool:
    """Whether a cell is meant as a value, readable or not: it starts with a number (「12件（含3件）」), not
    with the numbering of a label (「1.属于国家秘密」)."""
    text = plain(text)
    return is_value(text) or bool(NUMERIC_START.match(text))


def is_digits(text: str) -> bool:
    """Whether a cell holds digits alone (spaces and full-width forms aside)."""
    return plain(text).isdigit()


@dataclass(frozen=True)
class Reading:
    """One value cell read for a column: the value, or why it cannot be one; notes are warnings."""

    value: Number | None = None
    blank: str | None = None  # how the cell was blank ("" or the mark), when it was read as 0
    note: str = ""
    problem: str = ""


@lru_cache(maxsize=8192)  # fused rows are read in thousands of cuts made of the same few parts
def read_value(text: str, value_type: str) -> Reading:
    """A cell for a column of type count, signed_count or amount (in 万元, of any scale, exactly as written;
    an amount in 元 is converted exactly)."""
    raw = plain(text)
    if BLANK.match(raw):
        return Reading(Decimal(0) if value_type == "amount" else 0, blank=raw)
    match = NUMBER.match(raw)
    if not match:
        return Reading(problem=f"“{text.strip()}”不是数字")
    sign, whole, fraction, unit = match.group("sign", "whole", "fraction", "unit")
    number = Decimal((sign or "") + whole.replace(",", "") + (fraction or ""))
    if value_type == "amount":
        note = ""
        if unit in COUNT_UNITS:
            return Reading(problem=f"“{text.strip()}”是件数，这一列应为金额（万元）")
        if unit == "元":
            number = number.scaleb(-4)  # exact: the digits as published, the point moved by four places
            note = f"“{text.strip()}”以元为单位，已换算为 {format(number, 'f')} 万元"
        if number < 0:
            return Reading(problem=f"“{text.strip()}”是负数，金额应为 0 或正数")
        return Reading(number, note=note)
    if unit in ("万元", "元"):
        return Reading(problem=f"“{text.strip()}”是金额，这一列应为件数")
    if number != number.to_integral_value():
        return Reading(problem=f"“{text.strip()}”不是整数，件数只能是整数")
    if number < 0 and value_type == "count":
        return Reading(problem=f"“{text.strip()}”是负数，件数只能是 0 或正整数")
    return Reading(int(number))
