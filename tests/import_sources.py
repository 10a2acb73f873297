"""Source documents for the importer's tests: the real sample with every value numbered, and variants.

The sample (../shared/samples/hehualu-2023.txt, a real report copied from Word) has a 0 in every
value cell, in the order of the form. Numbering those cells 100, 101, ... gives a real layout whose
every value is different, so a value placed in the wrong cell cannot go unnoticed.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from generator.format import get_format
from generator.report import cell_key

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT.parent / "shared" / "samples" / "hehualu-2023.txt"
EXAMPLE = ROOT / "content" / "hehualu" / "2023.yaml"
FEES = "proactive.administrative_fees.fees"
FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def form_keys(format_id: str = "2021") -> list[str]:
    return [cell_key(*key) for key in get_format(format_id).cell_keys()]


def numbered_sample(first: int = 100) -> tuple[str, dict[str, object]]:
    """The sample's text with its value cells numbered in the form's order, and the values expected."""
    keys = iter(form_keys())
    expected: dict[str, object] = {}
    lines = []
    number = first
    for line in SAMPLE.read_text(encoding="utf-8").split("\n"):
        cells = line.split("\t")
        for index, cell in enumerate(cells):
            if cell != "0":
                continue
            key = next(keys)
            if key == FEES:
                cells[index], expected[key] = "1,234.56", Decimal("1234.56")
            else:
                cells[index], expected[key] = str(number), number
                number += 1
        lines.append("\t".join(cells))
    assert next(keys, None) is None, "the sample has a value cell for every cell of the form"
    return "\n".join(lines), expected


def replace_line(text: str, starts: str, *new_lines: str) -> str:
    """The text with the first line that starts with `starts` (tabs shown as ⇥) replaced."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.replace("\t", "⇥").startswith(starts):
            return "\n".join(lines[:index] + list(new_lines) + lines[index + 1 :])
    raise AssertionError(f"no line starts with {starts!r}")


def line_of(text: str, starts: str) -> str:
    for line in text.split("\n"):
        if line.replace("\t", "⇥").startswith(starts):
            return line
    raise AssertionError(f"no line starts with {starts!r}")
