"""Keyboard use: the skip link first, every control reached in reading order with a visible focus ring,
the year table sorted from the keyboard, wide tables scrolled with the arrow keys."""

from __future__ import annotations

import pytest

from tests.browser import contrast
from tests.browser.fixture_site import PAGES

pytestmark = pytest.mark.browser

# Marks every element the Tab key should reach, in document order, and returns how many there are.
MARK_TABBABLE = """() => {
  const candidates = document.querySelectorAll(
    'a[href], area[href], button, input, select, textarea, iframe, summary, [tabindex], [contenteditable]');
  const tabbable = Array.from(candidates).filter(el =>
    el.tabIndex >= 0 && !el.disabled && !el.closest('[inert]') &&
    el.checkVisibility({visibilityProperty: true, checkVisibilityCSS: true}));
  tabbable.forEach((el, i) => { el.dataset.tabStop = i; });
  return {
    count: tabbable.length,
    positive: Array.from(document.querySelectorAll('[tabindex]')).filter(el => el.tabIndex > 0).map(el => el.outerHTML),
  };
}"""

# The focused element: which one, where, how its focus ring looks and what lies just outside the ring.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const reach = (parseFloat(style.outlineOffset) || 0) + (parseFloat(style.outlineWidth) || 0);
  const beyond = reach + 1;
  const points = [
    [r.left - beyond, r.top + r.height / 2], [r.right + beyond, r.top + r.height / 2],
    [r.left + r.width / 2, r.top - beyond], [r.left + r.width / 2, r.bottom + beyond]];
  const around = [];
  for (const [x, y] of points) {
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
    const layers = [];
    for (const under of document.elementsFromPoint(x, y)) {
      if (under === el || el.contains(under)) continue;
      const bg = getComputedStyle(under).backgroundColor;
      layers.push(bg);
      if (!bg.startsWith('rgba') && !bg.includes('/')) break;  // opaque: nothing below shows through
    }
    around.push(layers);
  }
  // the ring must not be cut off by a clipping ancestor (a scroll container)
  let clipped = false;
  for (let up = el.parentElement; up; up = up.parentElement) {
    const s = getComputedStyle(up);
    if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
    const box = up.getBoundingClientRect();
    const left = box.left + up.clientLeft, top = box.top + up.clientTop;
    if (r.left - reach < left - 0.5 || r.top - reach < top - 0.5 ||
        r.right + reach > left + up.clientWidth + 0.5 || r.bottom + reach > top + up.clientHeight + 0.5) {
      clipped = up.tagName.toLowerCase() + '.' + up.className;
    }
  }
  return {
    stop: el.dataset.tabStop === undefined ? null : Number(el.dataset.tabStop),
    html: el.outerHTML.slice(0, 120),
    top: r.top + scrollY, left: r.left + scrollX, width: r.width, height: r.height,
    inView: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
    outline: [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow],
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    outlineStyle: style.outlineStyle, outlineColor: style.outlineColor,
    around, clipped,
  };
}"""

UNFOCUSED = """() => {
  document.activeElement && document.activeElement.blur();
  return Array.from(document.querySelectorAll('[data-tab-stop]')).map(el => {
    const s = getComputedStyle(el);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow];
  });
}"""


def tab_through(page, limit: int = 400) -> list[dict]:
    """Press Tab from the top of the page until focus leaves the page or comes round again."""
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (stops and focused["stop"] == stops[0]["stop"]):
            return stops
        stops.append(focused)
    raise AssertionError(f"more than {limit} Tab stops: a keyboard trap?")


def check_focus_ring(stop: dict, unfocused: list) -> list[str]:
    problems = []
    if stop["outlineStyle"] in ("none", "hidden") or stop["outlineWidth"] < 2:
        problems.append(f"no focus ring of 2px or more ({stop['outline']})")
    if stop["stop"] is not None and unfocused[stop["stop"]] == stop["outline"]:
        problems.append("looks the same focused and unfocused")
    ring = contrast.parse(stop["outlineColor"])
    for layers in stop["around"]:
        behind = contrast.flatten(layers)
        if contrast.ratio(ring, behind) < contrast.LARGE_TEXT:
            problems.append(
                f"focus ring {contrast.hex_of(ring)} on {contrast.hex_of(behind)}: "
                f"{contrast.ratio(ring, behind):.2f}:1 (< 3:1)"
            )
    if stop["clipped"]:
        problems.append(f"focus ring cut off by {stop['clipped']}")
    if not stop["inView"] or stop["width"] < 1 or stop["height"] < 1:
        problems.append("focused but not visible on screen")
    return problems


@pytest.mark.parametrize(
    "kind, width", [(kind, 1280) for kind in PAGES] + [("report", 375), ("year", 375), ("home", 320)]
)
def test_tab_reaches_every_control_in_reading_order_with_a_visible_focus_ring(open_page, kind, width):
    page = open_page(kind, width=width, height=800)
    marked = page.evaluate(MARK_TABBABLE)
    assert marked["positive"] == [], "a positive tabindex changes the reading order"
    stops = tab_through(page)
    unfocused = page.evaluate(UNFOCUSED)

    assert "skip-link" in stops[0]["html"], "the skip link is the first Tab stop"
    assert [s["stop"] for s in stops] == list(range(marked["count"])), (
        "Tab does not visit every control once, in document order: " + str([(s["stop"], s["html"][:60]) for s in stops])
    )
    problems = [f"{s['html'][:80]}: {p}" for s in stops for p in check_focus_ring(s, unfocused)]
    assert not problems, "\n".join(problems)
    # Document order is reading order: each stop is below, or on the same line and right of, the one before.
    for before, after in zip(stops[1:], stops[2:]):  # (the skip link sits over the header)
        goes_down = after["top"] >= before["top"] - 1
        same_line_right = after["top"] < before["top"] + before["height"] and after["left"] > before["left"]
        assert goes_down or same_line_right, f"focus jumps up: {before['html']} -> {after['html']}"


@pytest.mark.parametrize("kind", ["report", "home", "404"])
def test_the_skip_link_moves_focus_to_main(open_page, kind):
    page = open_page(kind, width=1280, height=800)
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    assert "skip-link" in skip["html"] and skip["top"] >= 0 and skip["inView"], "the skip link shows when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    assert page.evaluate("document.querySelector('main').getBoundingClientRect().top") < 100, "main scrolled to"
    # The next Tab goes on from main, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def column_values(page, column: int) -> list[str]:
    return page.evaluate(
        "c => Array.from(document.querySelectorAll('table[data-sortable] tbody tr'))"
        ".map(row => row.cells[c].textContent.trim())",
        column,
    )


def sort_state(page) -> dict[str, str]:
    return page.evaluate(
        "() => Object.fromEntries(Array.from(document.querySelectorAll('table[data-sortable] thead th'))"
        ".filter(th => th.hasAttribute('aria-sort')).map(th => [th.textContent.trim(), th.getAttribute('aria-sort')]))"
    )


def focus_button(page, label: str) -> None:
    for _ in range(100):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON" and label in page.evaluate(
            "document.activeElement.textContent"
        ):
            return
    raise AssertionError(f"no sort button {label} reached with Tab")


def test_the_year_table_sorts_from_the_keyboard_and_says_so(open_page):
    page = open_page("year", width=1280)
    headers = page.evaluate(
        "Array.from(document.querySelectorAll('table[data-sortable] thead th')).map(th => th.textContent.trim())"
    )
    column = next(i for i, text in enumerate(headers) if text.startswith("新收申请"))
    assert sort_state(page) == {"机关": "ascending"}
    offices = column_values(page, 0)
    assert offices == ["荷花路街道办事处", "某某县公安局", "某某县教育局", "某某县人民政府"]  # by name, in pinyin order

    focus_button(page, "新收申请")
    page.keyboard.press("Enter")
    assert sort_state(page) == {"新收申请": "ascending"}
    assert column_values(page, column) == ["0", "4", "9", "17"]
    assert page.evaluate("document.activeElement.textContent.trim()") == "新收申请", "focus stays on the button"
    live = page.locator("table[data-sortable] + [aria-live]")
    assert live.text_content() == "已按“新收申请”升序排列"

    page.keyboard.press("Space")
    assert sort_state(page) == {"新收申请": "descending"}
    assert column_values(page, column) == ["17", "9", "4", "0"]
    assert live.text_content() == "已按“新收申请”降序排列"
    assert column_values(page, 0) == ["某某县人民政府", "某某县公安局", "某某县教育局", "荷花路街道办事处"]

    # The arrows show the order by their shape: one arrow on the sorted column, two on the others.
    arrows = page.evaluate(
        "() => Array.from(document.querySelectorAll('.sort-icon')).map(icon =>"
        " Array.from(icon.querySelectorAll('path')).filter(p => getComputedStyle(p).display !== 'none').length)"
    )
    assert arrows[column] == 1 and arrows.count(1) == 1 and set(arrows) == {1, 2}


def settled_scroll(page) -> float:
    """The focused element's scrollLeft once keyboard scrolling (animated in Chromium) has come to rest."""
    return page.evaluate("""() => new Promise(resolve => {
      const box = document.activeElement;
      let last = -1, still = 0;
      const tick = () => {
        const now = box.scrollLeft;
        still = now === last ? still + 1 : 0;
        last = now;
        if (still >= 5) resolve(now); else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })""")


# (A year page's table fits a tablet: its headings wrap, see test_phone_tables' desktop widths.)
@pytest.mark.parametrize("kind", ["report", "report-2019", "office"])
def test_wide_tables_scroll_with_the_arrow_keys_once_focused(open_page, kind):
    # A tablet: the tables are not stacked (as on a phone) and the widest are wider than the screen.
    page = open_page(kind, width=800, height=800)
    # Every box that scrolls sideways at this width (not only the ones we know of), with its name.
    wide = dict(
        page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
          .filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
          .map((el, i) => { el.dataset.box = i;
            return [String(i), el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.outerHTML.slice(0, 80)]; })""")
    )
    assert wide, f"{kind}: expected a table wider than a tablet"
    reached = set()
    for _ in range(300):
        page.keyboard.press("Tab")
        box = page.evaluate("document.activeElement.dataset.box || null")
        if box is None or box in reached:
            if page.evaluate("document.activeElement === document.body"):
                break
            continue
        reached.add(box)
        start = page.evaluate("document.activeElement.scrollLeft")
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        moved = settled_scroll(page)
        assert moved > start + 40, f"{wide[box]}: ArrowRight did not scroll the table ({start} -> {moved})"
        page.keyboard.press("ArrowLeft")
        assert settled_scroll(page) < moved, f"{wide[box]}: ArrowLeft did not scroll back"
        assert page.evaluate("scrollX") == 0, "the page itself must not scroll sideways"
    assert reached == set(wide), f"boxes that scroll but Tab never reaches: {[wide[b] for b in set(wide) - reached]}"
