"""Chinese names in the order readers expect: by pinyin, as browsers sort them (Intl.Collator('zh-CN')).

Han characters are ranked by a table of ICU's pinyin collation (zh_pinyin_order.txt, written from Chromium
by tests/browser/zh_order.py): a character of several readings sorts by the one ICU gives it alone (长沙 as
zhǎng), except in the sequences ICU reads as a whole (重庆 as chóng). Before Han come spaces, punctuation
and symbols, then digits; after Han, Latin letters and everything else (as ICU's zh order has them).
Part of the model: imports nothing of generator.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from pathlib import Path

ORDER_FILE = Path(__file__).parent.parent / "zh_pinyin_order.txt"  # beside the package: data, like formats/

_PUNCTUATION, _DIGIT, _HAN, _OTHER = range(4)


@cache
def _table() -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
    """Each character's (or sequence's) rank, and the sequences by their first character, longest first."""
    lines = ORDER_FILE.read_text(encoding="utf-8").splitlines()
    tokens = [line for line in lines if line and not line.startswith("#")]
    ranks = {token: rank for rank, token in enumerate(tokens)}
    sequences: dict[str, list[str]] = {}
    for token in tokens:
        if len(token) > 1:
            sequences.setdefault(token[0], []).append(token)
    return ranks, {first: tuple(sorted(found, key=len, reverse=True)) for first, found in sequences.items()}


@lru_cache(maxsize=65536)
def name_key(name: str) -> tuple:
    """A sort key for a name: pinyin order for Han, ties broken by the name itself, so the order is total."""
    ranks, sequences = _table()
    key: list[tuple[int, int | str]] = []
    index = 0
    while index < len(name):
        char = name[index]
        token = next((s for s in sequences.get(char, ()) if name.startswith(s, index)), char)
        rank = ranks.get(token)
        if rank is not None:
            key.append((_HAN, rank))
            index += 1 if token == char else len(token)  # a sequence ranks as one, then its other characters
            if token != char:
                key += [(_HAN, ranks.get(c, 0)) for c in token[1:]]
            continue
        key.append(_other_char(char))
        index += 1
    return (tuple(key), name)


def _other_char(char: str) -> tuple[int, int | str]:
    folded = unicodedata.normalize("NFKC", char).casefold() or char
    category = unicodedata.category(folded[0])
    if category == "Nd":
        return (_DIGIT, unicodedata.digit(folded[0]))
    if category[0] in "PSZC":
        return (_PUNCTUATION, ord(folded[0]))
    return (_OTHER, folded)
