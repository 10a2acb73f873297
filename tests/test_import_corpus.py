"""The import corpus: random valid reports written as each kind of source offices publish, imported back.

Kinds: text copied from Word (tabs), the same text with every space and line break lost, a portal page
in the style of common CMSs (Word-exported markup, &nbsp; in blank cells, the 总计 column blank, fees in
元), a Word file with merged cells and blank cells, a PDF with ruled tables (blank cells, 元) and a PDF
without lines. Every value imported is compared with the value the source was made from; the property
test draws the reports. PDFs printed by Chromium are in tests/browser/test_import_printed.py.
"""

from __future__ import annotations

import random
import re
import tempfile
from pathlib import Path

import pytest
from helpers import write_site
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from import_sources import FEES, blank_zeros_and_totals, consistent_values, sample_with, shown
from pdf_sources import report_pdf
from test_import_docx import word_report
from test_import_html import applications_with, portal_page, proactive_table, review_table

from generator.check import load_report
from generator.importer import import_file

KINDS = ("text", "collapsed", "html", "html-word", "docx", "pdf", "pdf-text")
CELL = re.compile(r'<td([^>]*)><p align="center"><span style="[^"]*">(.*?)</span></p></td>')
WORD_HEAD = "<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->"


def word_exported(page: str) -> str:
    """The page's table cells as Word's 另存为网页 writes them (MsoNormal paragraphs, <o:p>, conditional
    comments), which CMS editors paste in whole."""

    def cell(match: re.Match) -> str:
        text = "<o:p>&nbsp;</o:p>" if match.group(2) == "&nbsp;" else match.group(2) + "<o:p></o:p>"
        return (
            f"<td{match.group(1)}><p class=MsoNormal align=center style='text-align:center'>"
            f"<span lang=EN-US style='font-size:10.5pt;mso-bidi-font-size:11.0pt'>{text}</span></p></td>"
        )

    return CELL.sub(cell, page).replace("<body>", "<body>" + WORD_HEAD)


def single_digit_table_two(values: dict, rng: random.Random) -> dict:
    """Table 二 has no rule across a row: collapsed, its digits can be told apart only one digit a cell."""
    values = dict(values)
    for key in values:
        if key.startswith("proactive.") and key != FEES:
            values[key] = rng.randint(0, 9)
    return values


def write_source(kind: str, values: dict, folder: Path, year: int = 2023) -> tuple[Path, dict]:
    """The report as a source file of this kind, and the values an import must find in it."""
    name = folder / f"{year}-{kind}"
    if kind in ("text", "collapsed"):
        text = re.sub(r"2023(\s*年)", rf"{year}\1", sample_with(values))
        if kind == "collapsed":
            text = "".join(text.split())
        name.with_suffix(".txt").write_text(text, encoding="utf-8")
        return name.with_suffix(".txt"), values
    if kind in ("html", "html-word"):
        texts = blank_zeros_and_totals(values)

        def cell(key: str) -> str:
            return "&nbsp;" if texts.get(key) == "" else shown(values[key])

        fees = values[FEES]
        in_yuan = proactive_table(values, value=lambda v: texts[FEES] if v is fees else shown(v))
        page = portal_page([in_yuan, applications_with(values, cell), review_table(values)])
        if kind == "html-word":
            page = word_exported(page)
            assert "<o:p>&nbsp;</o:p>" in page and "MsoNormal" in page
        name.with_suffix(".html").write_bytes(page.replace("2023年", f"{year}年").encode("gb18030"))
        return name.with_suffix(".html"), values
    if kind == "docx":
        word_report(name.with_suffix(".docx"), values, value=lambda v: "" if v == 0 else shown(v), year=year)
        return name.with_suffix(".docx"), values
    texts = blank_zeros_and_totals(values) if kind == "pdf" else None
    return report_pdf(name.with_suffix(".pdf"), values, texts, ruled=kind == "pdf", year=year), values


@pytest.mark.parametrize("kind", KINDS)
@settings(
    max_examples=3,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking a report of 200 values helps little
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rng=st.randoms(use_true_random=False))
def test_random_valid_reports_import_identical_from_every_kind_of_source(tmp_path, kind, rng):
    most = rng.choice([3, 30, 300])
    values = consistent_values(rng, most=most)
    if kind == "collapsed":
        values = single_digit_table_two(values, rng)
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # one per example: tmp_path is the test's, shared by all
    source, expected = write_source(kind, values, folder)
    imported = import_file(source, source.name)
    assert {key: expected[key] for key in imported.values} == imported.values  # never a wrong number
    if kind == "collapsed" and most > 30:
        return  # runs of 20 digits and more cut many ways: such rows may be refused, never guessed
    assert imported.values == expected
    assert (imported.unplaced, imported.missing) == (0, ())
    assert [str(f) for f in imported.findings if f.severity == "error"] == []


CORPUS_REFUSED = ("collapsed-many-digits", "pdf-text-blank")  # sources with values no reader can place


def write_corpus(folder: Path) -> dict[Path, dict | None]:
    """One file per kind and year (2021 onward), and two the importer must refuse: collapsed text with
    many-digit counts in table 二, and a PDF without lines with blank cells. Values expected, None when
    the file must be refused."""
    folder.mkdir(parents=True)
    corpus: dict[Path, dict | None] = {}
    for year, kind in enumerate(KINDS, 2021):
        rng = random.Random(year)
        values = consistent_values(rng)
        if kind == "collapsed":
            values = single_digit_table_two(values, rng)
        source, expected = write_source(kind, values, folder, year)
        corpus[source] = expected
    year = 2021 + len(KINDS)
    text = "".join(re.sub(r"2023(\s*年)", rf"{year}\1", sample_with(consistent_values(random.Random(year)))).split())
    (folder / f"{year}-{CORPUS_REFUSED[0]}.txt").write_text(text, encoding="utf-8")
    corpus[folder / f"{year}-{CORPUS_REFUSED[0]}.txt"] = None
    values = consistent_values(random.Random(year + 1))
    report_pdf(folder / f"{year + 1}-{CORPUS_REFUSED[1]}.pdf", values, blank_zeros_and_totals(values), False, year + 1)
    corpus[folder / f"{year + 1}-{CORPUS_REFUSED[1]}.pdf"] = None
    return corpus


def test_a_folder_of_the_corpus_imports_with_the_summary(tmp_path, cli):
    corpus = write_corpus(tmp_path / "corpus")
    site = write_site(tmp_path / "site")
    result = cli("import", tmp_path / "corpus", "--office", "hehualu", "--site", site)
    assert result.code == 1  # the two that cannot be placed are not written
    for source, expected in corpus.items():
        year = int(source.name[:4])
        written = site / "content" / "hehualu" / f"{year}.yaml"
        row = next(line for line in result.out.splitlines() if re.match(rf"{re.escape(str(source))}\s{{2}}", line))
        if expected is None:
            assert not written.exists() and "未写入" in row
            continue
        assert re.search(rf"{source.name}\s+{year}\s+2021\s+\d+\s+0\s+0\s+已写入$", row), row
        report, findings = load_report(written, str(written), "hehualu")
        assert report is not None, findings
        assert report.values == expected  # value for value, every one as published
    written = sum(1 for expected in corpus.values() if expected is not None)
    assert f"共 {len(corpus)} 个文件，写入 {written} 份报告" in result.out
