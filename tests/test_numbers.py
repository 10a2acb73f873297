"""Numbers in the model (generator/model/numbers.py): reading them as Chinese text writes them, for the
narrative check and the importer's dates alike, and writing a cell's value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from generator.check.narrative import statements
from generator.importer.narrative import parse_date
from generator.model.numbers import format_number, read_number


@pytest.mark.parametrize(
    "text, number",
    [
        ("75", 75),
        ("７５", 75),  # full-width
        ("٧٥", 75),  # any script's decimal digits, as a copied date may carry
        ("二〇二三", 2023),
        ("二○二三", 2023),  # a circle for 〇, as typed dates often have it
        ("二ＯＯ九", 2009),  # a full-width letter O for 〇
        ("十九", 19),
        ("三十一", 31),
        ("一百零二", 102),
        ("一万二千", 12000),
        ("²", None),  # a digit that is not decimal
        ("①", None),
        ("", None),
        ("七十五件", None),
    ],
)
def test_read_number(text, number):
    assert read_number(text) == number


def test_the_importer_reads_dates_with_circles_and_other_digits():
    assert parse_date("二○二四年一月十九日", whole=True) == date(2024, 1, 19)
    assert parse_date("发布日期：二〇二四年十二月三十一日") == date(2024, 12, 31)
    assert parse_date("2024年１月２日", whole=True) == date(2024, 1, 2)
    assert parse_date("二〇二四年十三月一日", whole=True) is None


def test_the_narrative_check_reads_the_numerals_it_finds():
    found = [
        (s.figure, s.value) for s in statements("本年度共收到政府信息公开申请七十五件，结转下年度继续办理１２件。")
    ]
    assert found == [("new_received", 75), ("carried_forward", 12)]


@pytest.mark.parametrize(
    "value, shown",
    [(0, "0"), (1234, "1234"), (-3, "-3"), (Decimal("9116.30"), "9116.30"), (Decimal("1E+2"), "100")],
)
def test_format_number_writes_a_value_as_it_was_written(value, shown):
    assert format_number(value) == shown
