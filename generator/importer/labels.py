"""Comparing a label of a published copy with a label of the form.

Published copies differ from the form's wording in ways that do not matter (full-width or half-width
characters, brackets, quotes, spaces and line breaks, 「1、」 for 「1.」) and in ways that do (known typos
and variants, listed as `aliases:` of their labels in the format files; shortened labels). `normalise`
removes the first kind and corrects the known variants; `similarity` scores the rest.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from ..model.format import label_aliases

EXACT = 0.95  # a score at least this high is the same label
ACCEPT = 0.6  # a score below this is no match

_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』〝〞")
_NUMBERING = re.compile(
    r"^(?:(?P<cn>[一二三四五六七八九十]+)[、.,:]"
    r"|\((?P<paren>[一二三四五六七八九十]+)\)"
    r"|\(?(?P<arabic>\d{1,2})(?:[).、]|(?=\D)))"
)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(text.split()).translate(_QUOTES)
    text = text.replace("−", "-").replace("【", "(").replace("】", ")").replace("〔", "(").replace("〕", ")")
    return re.sub(r"^(\(?\d{1,2})、", r"\1.", text)


@cache
def known_variants() -> dict[str, str]:
    """The formats' label aliases, normalised: wrong -> official (only real differences of wording)."""
    return {_plain(alias): _plain(label) for alias, label in label_aliases()}


def normalise(text: str) -> str:
    """The label with differences that do not matter removed, and known misspellings corrected."""
    text = _plain(text)
    for wrong, right in known_variants().items():
        if wrong in text:
            text = text.replace(wrong, right)
    return text


def is_variant(text: str) -> bool:
    """Whether normalising corrected a known misspelling in this label."""
    return normalise(text) != _plain(text)


def split_numbering(label: str) -> tuple[tuple[str, str] | None, str]:
    """A normalised label's leading numbering (一、 （一） 1. (1)) and the rest."""
    match = _NUMBERING.match(label)
    if not match:
        return None, label
    kind = next(k for k in ("cn", "paren", "arabic") if match.group(k))
    number = match.group(kind)
    return (kind, str(int(number)) if kind == "arabic" else number), label[match.end() :]


def core(label: str) -> str:
    """A normalised label without its numbering."""
    return split_numbering(label)[1]


@dataclass(frozen=True)
class Similarity:
    """How well two labels match, and how."""

    score: float
    kind: str  # "exact" | "partial" (one contains the other) | "fuzzy" (spelt differently) | "none"


NONE = Similarity(0.0, "none")


def similarity(source: str, target: str) -> Similarity:
    """How well a normalised label of a copy matches a normalised label of the form."""
    source_number, source_core = split_numbering(source)
    target_number, target_core = split_numbering(target)
    if not source_core or not target_core:
        if source_number and source_number == target_number and not source_core:
            return Similarity(0.5, "partial")  # the numbering alone, e.g. a cell "（三）"
        return NONE
    shorter, longer = sorted((len(source_core), len(target_core)))
    ratio = shorter / longer
    if source_core == target_core:
        found = Similarity(1.0, "exact")
    elif target_core.startswith(source_core) or source_core.startswith(target_core):
        found = Similarity(0.6 + 0.3 * ratio, "partial")
    elif (source_core in target_core or target_core in source_core) and shorter >= 4:
        found = Similarity(0.5 + 0.4 * ratio, "partial")
    elif shorter >= 3:
        fuzzy = SequenceMatcher(None, source_core, target_core, autojunk=False).ratio()
        found = Similarity(0.8 * fuzzy, "fuzzy") if fuzzy >= 0.75 else NONE
    else:
        found = NONE
    if found.score and source_number and target_number:
        if source_number == target_number:
            bonus = 0.05
        else:  # another item of the same level, or (another kind of numbering) of another level
            bonus = -0.15 if source_number[0] == target_number[0] else -0.25
        found = Similarity(found.score + bonus, found.kind)
    return found
