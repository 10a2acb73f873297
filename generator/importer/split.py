"""Digits run together (text from a PDF, whitespace lost) split by the form's own arithmetic.

A run like 「6000017」 could be cut into a row's cells in several ways. Every way is enumerated (a part
never starts with 0 unless it is 0, as no publisher writes 07), and only those for which every rule of
the format that involves the row holds are kept: the row's own total (R2, R4), and the rules down each
column (R1, R3) once the other rows of the column are known. A row is split only when exactly one way
survives; a guess the rules cannot confirm is never made.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from ..check.rules import error_equations
from ..model.format import Format, get_format
from ..model.values import Number

LIMIT = 20000  # ways of cutting one row beyond which it is refused rather than searched
SHOWN = 4  # readings listed in a message


def readings(tokens: list[str], count: int, limit: int = LIMIT) -> list[list[str]] | None:
    """Every way of cutting the tokens into `count` numbers, in order: a run of digits may be cut between
    any two digits, any other token is one number. None when there are more than `limit` ways."""
    found: list[list[str]] = []
    least = [0] * (len(tokens) + 1)  # numbers the tokens from here on make at least / at most
    most = [0] * (len(tokens) + 1)
    for index in range(len(tokens) - 1, -1, -1):
        least[index] = least[index + 1] + 1
        most[index] = most[index + 1] + (len(tokens[index]) if tokens[index].isdigit() else 1)

    def walk(index: int, parts: list[str]) -> bool:
        if index == len(tokens):
            if len(parts) == count:
                found.append(list(parts))
            return len(found) <= limit
        token = tokens[index]
        room = count - len(parts)
        if not least[index] <= room <= most[index]:
            return True
        if not token.isdigit():
            return walk(index + 1, parts + [token])
        for cut in _cuts(token, room - least[index + 1]):
            if not walk(index + 1, parts + cut):
                return False
        return True

    return found if walk(0, []) else None


def _cuts(digits: str, at_most: int) -> Iterator[list[str]]:
    """A run of digits as 1 to at_most numbers, none with a leading 0."""
    if at_most < 1:
        return
    if digits == "0" or not digits.startswith("0"):
        yield [digits]
    if at_most == 1:
        return
    for end in range(1, len(digits)):
        head = digits[:end]
        if head != "0" and head.startswith("0"):
            break
        for rest in _cuts(digits[end:], at_most - 1):
            yield [head, *rest]


@cache
def _equations_by_key(format_id: str) -> dict[str, tuple[tuple[tuple[str, int], ...], ...]]:
    by_key: dict[str, list] = {}
    for equation in error_equations(get_format(format_id)):
        for key, _ in equation:
            by_key.setdefault(key, []).append(equation)
    return {key: tuple(dict.fromkeys(found)) for key, found in by_key.items()}


def holds(fmt: Format, row: dict[str, Number], known: dict[str, Number]) -> tuple[bool, int]:
    """Whether every rule involving these cells holds, where all its other cells are known; and how
    many rules could be checked."""
    equations = _equations_by_key(fmt.id)
    seen = set()
    checked = 0
    for key in row:
        for equation in equations.get(key, ()):
            if id(equation) in seen:
                continue
            seen.add(id(equation))
            total = 0
            for cell, sign in equation:
                value = row.get(cell, known.get(cell))
                if value is None:
                    break
                total += sign * value
            else:
                checked += 1
                if total != 0:
                    return False, checked
    return True, checked


def show_reading(parts: list[str]) -> str:
    """One reading of run-together digits as a message shows it: the numbers apart (「12 3 45」)."""
    return " ".join(parts)


def show_readings(found: list[list[str]]) -> str:
    """The readings joined by 或, the first few only, with how many there are when more."""
    listed = " 或 ".join(show_reading(parts) for parts in found[:SHOWN])
    return listed + (f" 等 {len(found)} 种" if len(found) > SHOWN else "")
