"""Helpers for tests: write small sites and report files, find lines in them."""

from __future__ import annotations

from pathlib import Path

from generator.model.format import get_format
from generator.read.scaffold import report_text

OVERVIEW = "本年度，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。"
OTHER = "本年度未收取信息处理费。"


def valid_texts() -> dict[str, str]:
    return {"overview": OVERVIEW, "problems": "一是公开内容还不够全面。", "other": OTHER}


def write_site(root: Path, name: str = "测试站点") -> Path:
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(f"name: {name}\n", encoding="utf-8")
    return root


def write_office(root: Path, slug: str, name: str, extra: str = "") -> Path:
    folder = root / "content" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "office.yaml").write_text(f"name: {name}\n{extra}", encoding="utf-8")
    return folder


def report_yaml(year: int = 2023, values: dict | None = None, format_id: str = "2021", **texts) -> str:
    all_texts = valid_texts()
    all_texts.update(texts)
    return report_text(get_format(format_id), "测试街道办事处", year, values=values or {}, texts=all_texts)


def write_report(root: Path, slug: str, year: int, text: str) -> Path:
    path = root / "content" / slug / f"{year}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line containing needle."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def col_of(text: str, needle: str, after: str = "") -> int:
    """1-based column of `after` (or of needle) within the first line containing needle."""
    line = text.splitlines()[line_of(text, needle) - 1]
    return line.index(after or needle) + 1
