"""PDFs as offices make them, printed by headless Chromium from report pages: Gongkai's own report page,
and a portal page in the style of common CMSs (Word-exported markup, &nbsp; in blank cells). Each is
imported with `gongkai import` and compared value by value with the values it was made from."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from generator.build import build_site
from generator.importer import import_file
from generator.model.format import get_format
from generator.read.scaffold import report_text
from tests.helpers import write_office, write_report, write_site
from tests.import_sources import APPLICANTS, FEES, consistent_values, shown
from tests.pdf_sources import require_font
from tests.test_import_html import applications_with, portal_page, proactive_table, review_table

pytestmark = pytest.mark.browser


def print_pdf(browser, url: str, target, backgrounds: bool = True) -> None:
    require_font()  # Chromium prints Chinese with it: without one, no text to read back
    page = browser.new_page()
    try:
        page.goto(url)
        page.wait_for_load_state("load")
        page.pdf(path=str(target), format="A4", print_background=backgrounds)
    finally:
        page.close()


@pytest.mark.parametrize(("seed", "backgrounds"), [(0, True), (1, False)])
def test_gongkai_s_own_report_page_printed_to_pdf_imports_to_the_same_values(tmp_path, browser, seed, backgrounds):
    values = consistent_values(random.Random(seed))  # fees with 6 decimals
    site = write_site(tmp_path / "site")
    write_office(site, "hehualu", "荷花路街道办事处")
    texts = {"overview": "2023年，本办全面推进政务公开。", "other": "本年度未收取信息处理费。"}
    text = report_text(get_format("2021"), "荷花路街道办事处", 2023, values=values, texts=texts)
    write_report(site, "hehualu", 2023, text)
    build_site(site)
    pdf = tmp_path / "2023.pdf"
    print_pdf(browser, (site / "public" / "hehualu" / "2023" / "index.html").as_uri(), pdf, backgrounds)
    imported = import_file(pdf, "2023.pdf")
    assert imported.values == values
    assert (imported.unplaced, imported.missing) == (0, ())
    assert imported.year == 2023 and imported.office_name == "荷花路街道办事处"
    assert imported.texts["overview"] == texts["overview"] and imported.texts["other"] == texts["other"]


def test_a_portal_page_with_blank_cells_printed_to_pdf(tmp_path, browser):
    values = consistent_values(random.Random(5))
    values[FEES] = Decimal("5949.088667")

    def cell(key: str) -> str:
        blank = key.endswith(".total") or values[key] == 0
        return "&nbsp;" if blank else shown(values[key])

    page = portal_page(
        [proactive_table(values), applications_with(values, cell), review_table(values)], charset="utf-8"
    )
    source = tmp_path / "page.html"
    source.write_text(page, encoding="utf-8")
    pdf = tmp_path / "page.pdf"
    print_pdf(browser, source.as_uri(), pdf)
    imported = import_file(pdf, "page.pdf")
    assert imported.values == values
    assert str(imported.values[FEES]) == "5949.088667"
    assert (imported.unplaced, imported.missing) == (0, ())
    rows = {key.split(".")[1] for key in values if key.startswith("applications.")}
    assert set(imported.computed) == {f"applications.{row}.total" for row in rows}
    assert all(f"applications.{row}.{c}" in imported.values for row in rows for c in APPLICANTS)
