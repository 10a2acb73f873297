"""Phones, zoom and print: the page never scrolls sideways (only wide tables do, inside their box), no text
is cut off, and the report prints whole. Screenshots of the report, office, year and home pages on phones are
kept in test-artifacts/screenshots/."""

from __future__ import annotations

import pytest

from tests.browser.fixture_site import PAGES
from tests.browser.tools import artifact_path

pytestmark = pytest.mark.browser

# (name, viewport width, height, device scale factor). A 1280 px window zoomed to 200% lays pages out
# exactly like a 640 CSS px viewport drawn at twice the pixels.
SCREENS = [("320", 320, 640, 1), ("375", 375, 812, 2), ("zoom200", 640, 400, 2)]

# WCAG 1.4.12: readers may widen line, paragraph, letter and word spacing without losing content.
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p, li, dd, blockquote { margin-bottom: 2em !important; }
"""

# Every piece of visible text whose box reaches outside the page, or outside a box that clips it without
# letting it be scrolled into view. Text inside a scroll container (a wide table) may run past the screen.
CUT_OFF_TEXT = """() => {
  const problems = [];
  const clipsWithoutScroll = s => ['hidden', 'clip'].includes(s.overflowX) || ['hidden', 'clip'].includes(s.overflowY);
  const scrolls = s => ['auto', 'scroll'].includes(s.overflowX);
  // .visually-hidden, or a stacked table's column headings: out of the flow, 1px, clipped
  const visuallyHidden = el => {
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      const s = getComputedStyle(up), box = up.getBoundingClientRect();
      if (s.position === 'absolute' && s.overflow === 'hidden' && box.width <= 1 && box.height <= 1) return true;
    }
    return false;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (!text.data.trim()) continue;
    const el = text.parentElement;
    if (!el.checkVisibility({visibilityProperty: true, checkVisibilityCSS: true})) continue;
    if (visuallyHidden(el)) continue;  // deliberately clipped to 1px, for screen readers only
    const range = document.createRange();
    range.selectNodeContents(text);
    const rects = Array.from(range.getClientRects()).filter(r => r.width > 0 && r.height > 0);
    let inScroller = false;
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      const s = getComputedStyle(up);
      if (scrolls(s)) { inScroller = true; break; }
      if (clipsWithoutScroll(s)) {
        const box = up.getBoundingClientRect();
        for (const r of rects) {
          if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
            problems.push(`"${text.data.trim().slice(0, 30)}" cut off by ${up.tagName.toLowerCase()}.${up.className}`);
            break;
          }
        }
      }
    }
    if (inScroller) continue;
    for (const r of rects) {
      if (r.left < -1 || r.right > document.documentElement.clientWidth + 1) {
        problems.push(`"${text.data.trim().slice(0, 30)}" in ${el.tagName.toLowerCase()}.${el.className} ` +
                      `runs off the page (${Math.round(r.left)}–${Math.round(r.right)} px)`);
        break;
      }
    }
  }
  return problems;
}"""

PAGE_WIDTH = """() => ({
  scroll: document.documentElement.scrollWidth,
  client: document.documentElement.clientWidth,
  body: document.body.scrollWidth,
  widest: Array.from(document.body.querySelectorAll('*'))
    .filter(el => !el.closest('.table-scroll') && el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .slice(0, 5).map(el => el.tagName.toLowerCase() + '.' + el.className),
})"""


def assert_fits(page, where: str) -> None:
    width = page.evaluate(PAGE_WIDTH)
    assert width["scroll"] <= width["client"] and width["body"] <= width["client"], (
        f"{where}: the page scrolls sideways ({width['scroll']} > {width['client']} px): {width['widest']}"
    )
    problems = page.evaluate(CUT_OFF_TEXT)
    assert problems == [], f"{where}: text cut off"


@pytest.mark.parametrize("screen", SCREENS, ids=[s[0] for s in SCREENS])
@pytest.mark.parametrize("kind", PAGES)
def test_no_sideways_page_scroll_and_no_text_cut_off(open_page, kind, screen):
    name, width, height, scale = screen
    page = open_page(kind, width=width, height=height, scale=scale)
    assert_fits(page, f"{kind} at {name}")


@pytest.mark.parametrize("kind", ["report", "report-broken", "year", "home"])
def test_wider_text_spacing_loses_nothing_on_a_phone(open_page, kind):
    page = open_page(kind, width=320, height=640)
    page.add_style_tag(content=TEXT_SPACING)
    assert_fits(page, f"{kind} at 320 px with WCAG 1.4.12 text spacing")


def test_the_checks_see_a_page_that_scrolls_sideways_and_cut_off_text(open_page):
    page = open_page("report", width=375)
    page.evaluate("""() => {
      const p = document.querySelector('.prose p');
      p.insertAdjacentHTML('afterend',
        '<p style="width:600px">很宽的段落</p><p style="width:100px;overflow:hidden;white-space:nowrap">' +
        '这一段文字很长很长很长很长很长很长，会被截断</p>');
    }""")
    width = page.evaluate(PAGE_WIDTH)
    assert width["scroll"] > width["client"]
    assert any("会被截断" in problem for problem in page.evaluate(CUT_OFF_TEXT))


SCREENSHOTS = [("report", 1280, 900, 1), ("report-broken", 375, 812, 2)] + [
    (kind, width, height, scale)
    for kind in ("report", "office", "year", "home")
    for width, height, scale in ((320, 640, 1), (375, 812, 2))
]


@pytest.mark.parametrize("kind, width, height, scale", SCREENSHOTS)
def test_screenshots_of_the_pages(open_page, kind, width, height, scale):
    """Kept in test-artifacts/screenshots/ for people to look at (CI keeps them as artefacts)."""
    page = open_page(kind, width=width, height=height, scale=scale)
    path = artifact_path("screenshots", f"{kind}-{width}.png")
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


# Printable width of A4 with the theme's 1.5 cm margins, in CSS px (96 per inch).
A4_PRINT_WIDTH = round((210 - 2 * 15) / 25.4 * 96)


@pytest.mark.parametrize("kind", ["report", "report-2019", "year"])
def test_print_shows_the_tables_whole_without_navigation(open_page, kind):
    page = open_page(kind, width=A4_PRINT_WIDTH, height=1000)
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "() => ['.skip-link', '.site-nav', '.breadcrumbs', '.toc', '.pager', '.footer-links']"
        ".filter(s => document.querySelector(s)).map(s => [s, getComputedStyle(document.querySelector(s)).display])"
    )
    assert all(display == "none" for _, display in hidden), hidden
    tables = page.evaluate(
        "() => Array.from(document.querySelectorAll('table')).map(t => [t.id || t.className,"
        " t.getBoundingClientRect().right])"
    )
    assert tables and all(right <= A4_PRINT_WIDTH + 1 for _, right in tables), f"tables wider than the paper: {tables}"
    assert_fits(page, f"{kind} printed")
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('td, p')).fontSize)")
    assert font >= 8.5 * 96 / 72 - 0.1, "printed table text stays at 8.5pt or larger"
    if kind == "report":
        path = artifact_path("report-print.pdf")
        page.pdf(path=str(path), format="A4")
        assert path.read_bytes().startswith(b"%PDF")
