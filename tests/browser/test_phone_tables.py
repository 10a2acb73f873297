"""Every number readable on a phone: on each page kind and screen width, every value of every table is on
screen with its headings in words (a stacked table) or in a box that scrolls and says so; the stacked tables
keep their accessibility tree; index tables fit a desktop; the year page sorts offices as browsers sort
Chinese; and the text-size switch works, persists without cookies, and breaks none of it."""

from __future__ import annotations

import pytest

from generator.build import build_site
from generator.model.collation import ORDER_FILE, name_key
from tests.browser.fixture_site import PAGES
from tests.browser.test_screens import assert_fits
from tests.browser.zh_order import icu_order
from tests.helpers import report_yaml, write_office, write_report, write_site

pytestmark = pytest.mark.browser

WIDTHS = [320, 375, 414, 1280]
KINDS = ["report", "report-broken", "report-2019", "report-legacy", "office", "year", "home"]

# Each value cell (td) of each table that is not where a reader can see it: off the page, or in a box that
# scrolls sideways without showing its hint. On a stacked table (display: block), each value must also show
# its column headings in words, and its row's heading must be on screen.
VALUES_OUT_OF_SIGHT = """() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const cells = Array.from(document.querySelectorAll('main table tbody td'));
  for (const td of cells) {
    const box = td.getBoundingClientRect();
    const what = `${td.closest('table').id || td.closest('table').className} "${td.textContent.trim().slice(0, 12)}"`;
    let scroller = null;
    for (let up = td.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (['auto', 'scroll'].includes(style.overflowX) && up.scrollWidth > up.clientWidth + 1) { scroller = up; break; }
    }
    if (scroller) {
      const hint = scroller.querySelector(':scope > .scroll-hint');
      if (!hint || !hint.checkVisibility() || hint.getBoundingClientRect().height < 8) {
        problems.push(`${what} scrolls in a box without a visible hint`);
      }
    } else if (box.left < -1 || box.right > width + 1 || box.width < 1) {
      problems.push(`${what} is outside the page (${Math.round(box.left)}–${Math.round(box.right)} px)`);
    }
    const table = td.closest('table');
    if (getComputedStyle(table).display === 'block' && (table.classList.contains('stats') || table.classList.contains('summary'))) {
      const label = getComputedStyle(td, '::before').content;
      if (!label || label === 'none' || label === 'normal' || label === '""') {
        problems.push(`${what} is stacked without its column headings`);
      }
      const rowHeading = td.parentElement.querySelector('th[scope=row]');
      if (rowHeading && rowHeading.getBoundingClientRect().width < 2) {
        problems.push(`${what}: its row heading is not shown`);
      }
    }
  }
  return {count: cells.length, problems};
}"""


def values_in_sight(page, where: str) -> int:
    found = page.evaluate(VALUES_OUT_OF_SIGHT)
    assert found["problems"] == [], f"{where}: {found['problems'][:5]}"
    return found["count"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_value_is_on_screen_or_in_a_box_that_says_it_scrolls(open_page, kind, width):
    page = open_page(kind, width=width, height=800)
    count = values_in_sight(page, f"{kind} at {width} px")
    assert count > 0 or kind == "home"
    assert_fits(page, f"{kind} at {width} px")


@pytest.mark.parametrize("kind", ["report", "report-2019"])
def test_on_a_phone_the_statistical_tables_are_stacked_lists(open_page, kind):
    page = open_page(kind, width=375, height=800)
    shown = page.evaluate("""() => Array.from(document.querySelectorAll('table.stats')).map(table => [
      getComputedStyle(table).display,
      Array.from(table.querySelectorAll('td')).every(td => td.getBoundingClientRect().right <= table.getBoundingClientRect().right + 1),
      getComputedStyle(table.querySelector('tbody td'), '::before').content])""")
    assert len(shown) == 3
    for display, inside, label in shown:
        assert display == "block" and inside and label.startswith('"')
    # Table 四's first value says which row of values it opens, in words.
    group = page.evaluate("getComputedStyle(document.querySelector('#table-review_litigation td'), '::after').content")
    assert "行政复议" in group
    wide = open_page(kind, width=1280, height=800)
    assert set(
        wide.evaluate("Array.from(document.querySelectorAll('table.stats')).map(t => getComputedStyle(t).display)")
    ) == {"table"}


def column_headings(page) -> list[list[str]]:
    """For each value cell: the text of the header cells its `headers` attribute names."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('main table td[headers]')).map(td =>
      td.getAttribute('headers').split(' ').map(id => {
        const th = document.getElementById(id);
        return th && th.tagName === 'TH' && td.closest('table').contains(th) ? th.textContent.trim() : '(missing ' + id + ')';
      }))""")


@pytest.mark.parametrize("kind", ["report", "report-2019", "year", "office"])
def test_stacked_tables_keep_their_headers_for_screen_readers(open_page, kind):
    """The accessibility tree of every table is the same on a phone as on a desktop: the same table, rows,
    row and column headers and cells with the same names (the words shown beside each value are not read
    into the cell), and every value cell still names its header cells."""
    wide = open_page(kind, width=1280, height=800)
    narrow = open_page(kind, width=375, height=800)
    tables = wide.locator("main table").count()
    assert tables > 0
    for index in range(tables):
        phone = narrow.locator("main table").nth(index).aria_snapshot()
        desktop = wide.locator("main table").nth(index).aria_snapshot()
        assert phone == desktop
        assert "columnheader" in phone and "cell" in phone
    if kind.startswith("report"):  # index tables' cells have a row and a column header by scope alone
        headings = column_headings(narrow)
        assert headings == column_headings(wide)
        assert headings and not any("(missing" in text for cell in headings for text in cell)
        assert ["一、本年新收政府信息公开申请数量", "申请人情况", "自然人"] in headings


@pytest.mark.parametrize("width", [1280, 1920])
@pytest.mark.parametrize("kind", ["year", "office"])
def test_index_tables_fit_their_box_on_a_desktop(open_page, kind, width):
    page = open_page(kind, width=width, height=900)
    boxes = page.evaluate(
        "() => Array.from(document.querySelectorAll('.table-scroll')).map(box => [box.scrollWidth, box.clientWidth,"
        " box.querySelector('.scroll-hint').checkVisibility()])"
    )
    assert boxes
    for scroll, client, hint in boxes:
        assert scroll <= client, f"{kind} at {width} px: the table is {scroll} px in a {client} px box"
        assert not hint, "no scroll hint where nothing scrolls"


FIXTURE_AND_HARD_NAMES = [
    "某某县人民政府", "某某县教育局", "某某县公安局", "城关镇人民政府", "荷花路街道办事处",
    "重庆市人民政府", "重庆市某某区教育委员会", "长沙市人民政府", "长春市人民政府", "中山市人民政府",
    "崇明区人民政府", "虫草研究所", "张家口市人民政府", "常州市人民政府", "厦门市人民政府",
    "蚌埠市人民政府", "六安市人民政府", "乐清市人民政府", "单县人民政府", "曾都区人民政府",
    "行唐县人民政府", "邢台市人民政府", "河源市人民政府", "荷泽市人民政府", "朝阳区人民政府",
    "都江堰市人民政府", "某某县（区）人民政府", "12345热线办公室", "ABC开发区管委会",
]  # fmt: skip


def test_offices_sort_as_browsers_sort_chinese(browser):
    """The server's order of names (and so the year page's order without script) is Intl.Collator('zh-CN')'s,
    polyphonic characters included (重庆 as chóng, 长沙 as zhǎng as ICU reads it), and the shipped table of
    ICU's order is the one this Chromium has (`python -m tests.browser.zh_order` writes it anew)."""
    page = browser.new_page()
    try:
        ordered = page.evaluate(
            "names => names.slice().sort(new Intl.Collator('zh-CN').compare)", FIXTURE_AND_HARD_NAMES
        )
        assert sorted(FIXTURE_AND_HARD_NAMES, key=name_key) == ordered
        assert ordered.index("重庆市人民政府") < ordered.index("崇明区人民政府") < ordered.index("中山市人民政府")
        shipped = [line for line in ORDER_FILE.read_text("utf-8").splitlines() if line and not line.startswith("#")]
        assert shipped == icu_order(page)
    finally:
        page.close()


def office_column(page) -> list[str]:
    return page.evaluate(
        "Array.from(document.querySelectorAll('table[data-sortable] tbody th')).map(th => th.textContent.trim())"
    )


def test_the_year_page_lists_offices_by_name_with_and_without_its_script(open_page, browser, site_url):
    page = open_page("year", width=1280)
    names = office_column(page)
    expected = page.evaluate("n => n.slice().sort(new Intl.Collator('zh-CN').compare)", names)
    assert names == expected and len(names) >= 4
    heading = page.locator("table[data-sortable] thead th").first
    assert heading.get_attribute("aria-sort") == "ascending"

    context = browser.new_context(java_script_enabled=False)
    try:
        static = context.new_page()
        static.goto(site_url + PAGES["year"])
        assert office_column(static) == expected
        assert static.locator("table thead th").first.get_attribute("aria-sort") == "ascending"
    finally:
        context.close()

    heading.locator("button").click()
    assert heading.get_attribute("aria-sort") == "descending" and office_column(page) == expected[::-1]
    heading.locator("button").click()
    assert heading.get_attribute("aria-sort") == "ascending" and office_column(page) == expected


def root_font_size(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def test_the_text_size_switch_works_from_the_keyboard_and_persists_without_cookies(open_page):
    page = open_page("report", width=1280)
    switch = page.locator(".text-size")
    assert switch.is_visible()
    assert [b.text_content() for b in switch.locator("button").all()] == ["A：标准字号", "A+：大字号", "A++：特大字号"]
    base = root_font_size(page)
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('data-text-size')") == "3":
            break
    else:
        raise AssertionError("the A++ button is not reached with Tab")
    page.keyboard.press("Enter")
    assert root_font_size(page) == pytest.approx(base * 1.5)
    assert switch.locator("button[aria-pressed=true]").text_content().startswith("A++")

    page.goto(page.url.replace(PAGES["report"], PAGES["office"]))
    assert root_font_size(page) == pytest.approx(base * 1.5), "the size holds on the next page"
    assert page.context.cookies() == []
    assert page.evaluate("localStorage.getItem('gongkai-text-size')") == "3"

    page.keyboard.press("Tab")  # the skip link, then the header's links and the switch
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('data-text-size')") == "1":
            break
    page.keyboard.press("Space")
    assert root_font_size(page) == pytest.approx(base)


@pytest.mark.parametrize("size", ["2", "3"])
@pytest.mark.parametrize(
    "kind, width, scale",
    [("report", 375, 1), ("report", 640, 2), ("report", 427, 3), ("year", 427, 3), ("office", 640, 2)],
)
def test_larger_text_at_200_and_300_percent_zoom_keeps_every_value_in_sight(open_page, kind, width, scale, size):
    """A 1280 px window at 200% and 300% zoom lays out like 640 and 427 CSS px drawn at 2× and 3×."""
    page = open_page(kind, width=width, height=700, scale=scale)
    page.evaluate(f"localStorage.setItem('gongkai-text-size', '{size}')")
    page.reload()
    assert page.evaluate("document.documentElement.getAttribute('data-text-size')") == size
    values_in_sight(page, f"{kind} at {width} px ×{scale}, text size {size}")
    assert_fits(page, f"{kind} at {width} px ×{scale}, text size {size}")


def test_without_script_the_switch_is_hidden_and_the_tables_still_stack(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        page.goto(site_url + PAGES["report"])
        assert not page.locator(".text-size").is_visible()
        values_in_sight(page, "report without script at 375 px")
    finally:
        context.close()


def test_the_switch_and_the_stacked_tables_work_from_disk(browser, fixture_site):
    """Opened from file:// (a staff member's preview of the output folder): no error, the switch works."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto((fixture_site / PAGES["report"]).as_uri())
        base = root_font_size(page)
        page.locator(".text-size button[data-text-size='2']").click()
        assert root_font_size(page) == pytest.approx(base * 1.25)
        values_in_sight(page, "report from file:// at 375 px, text size 2")
        assert errors == []
    finally:
        context.close()


LONG_NAME = "某某县" + "Xiangcunzhenxingjuzhengfuxinxigongkaibangongshi" * 6  # 285 letters without a break


@pytest.mark.parametrize(
    "url", ["changming/index.html", "changming/2023/index.html", "years/2023/index.html", "index.html"]
)
def test_a_long_unbroken_name_wraps_in_headings_breadcrumbs_and_cells(browser, tmp_path, url):
    site = write_site(tmp_path / "site")
    write_office(site, "changming", LONG_NAME)
    write_report(site, "changming", 2023, report_yaml(2023))
    build_site(site)
    for width in (320, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800})
        try:
            page = context.new_page()
            page.goto((site / "public" / url).as_uri())
            assert page.locator(f"text={LONG_NAME[:20]}").count() > 0
            assert_fits(page, f"{url} with a long name at {width} px")
            values_in_sight(page, f"{url} with a long name at {width} px")
        finally:
            context.close()
