"""Numbers as Chinese text writes them: Arabic, full-width and Chinese numerals."""

from __future__ import annotations

CHINESE_DIGITS = {
    **dict.fromkeys("零〇", 0),
    **{char: value for value, char in enumerate("一二三四五六七八九", 1)},
    "两": 2,
}
CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def read_number(text: str) -> int | None:
    """A number as written in Chinese text: 75, ７５, 七十五, 一百零二, 两千零三, 十二, 二〇二三 (digit by digit)."""
    text = text.translate(FULLWIDTH)
    if text.isascii() and text.isdigit():
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
