"""Numbers as Chinese text writes them, and as Gongkai writes them.

`read_number` reads Arabic, full-width (or any other script's decimal digits) and Chinese numerals, for
the narrative check and the importer's dates alike; `format_number` writes a cell's value the one way
every page, export, finding and scaffold shows it. Part of the model: imports nothing else of `generator`.
"""

from __future__ import annotations

from decimal import Decimal

CHINESE_DIGITS = {
    **dict.fromkeys("零〇○Ｏ", 0),  # ○ (a circle) and Ｏ (a full-width letter O) stand for 〇 in typed dates
    **{char: value for value, char in enumerate("一二三四五六七八九", 1)},
    "两": 2,
}
CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}


def read_number(text: str) -> int | None:
    """A number as written in Chinese text: 75, ７５, 七十五, 一百零二, 两千零三, 十二, 二〇二三 and 二○二三
    (digit by digit); None when the text is not a number."""
    if text.isdecimal():  # Arabic, full-width or any other decimal digits (not ² or ①, which int() refuses)
        return int(text)
    if not text or any(char not in CHINESE_DIGITS and char not in CHINESE_UNITS and char != "万" for char in text):
        return None
    if not any(char in CHINESE_UNITS or char == "万" for char in text):
        return int("".join(str(CHINESE_DIGITS[char]) for char in text))
    total = section = digit = 0
    for char in text:
        if char in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[char]
        elif char == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        else:
            section += (digit or 1) * CHINESE_UNITS[char]
            digit = 0
    return total + section + digit


def format_number(value: int | Decimal) -> str:
    """A value as written: an amount with every decimal it was written with (9116.30 stays 9116.30)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
