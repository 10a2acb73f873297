"""The search page in Chromium: a query typed from the keyboard finds the right report first, filters narrow
the results, the live region says how many, the results pass axe and fit a 320 px screen; opened from disk
the page says why it cannot search and offers the lists instead."""

from __future__ import annotations

import pytest

from tests.browser.fixture_site import DRAFT_WORD, PAGES
from tests.browser.test_axe import check_page
from tests.browser.test_screens import assert_fits

pytestmark = pytest.mark.browser

DONE = "() => /份报告|没有找到|无法加载/.test(document.getElementById('search-status').textContent)"


def watch(page) -> list[str]:
    """Script errors, and files not found, from now on (the browser's own favicon.ico request aside)."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return problems


def search(page, text: str) -> list[dict]:
    """Type `text` in the search box from the keyboard, press Enter, and return the results shown."""
    page.focus("#search-query")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.wait_for_function(DONE, timeout=15000)
    return page.evaluate("""() => Array.from(document.querySelectorAll('#search-list > li')).map(li => ({
      href: li.querySelector('a').getAttribute('href'),
      title: li.querySelector('a').textContent,
      facts: li.querySelector('.result-facts').textContent,
      marks: Array.from(li.querySelectorAll('.result-excerpt mark')).map(m => m.textContent),
    }))""")


def test_typing_a_two_character_word_finds_the_report_that_speaks_of_it_first(open_page, site_url):
    page = open_page("search")
    problems = watch(page)
    page.select_option("#search-year", "2023")
    page.select_option("#search-kind", "部门")
    results = search(page, "复议")
    # The 2023 reports of the two 部门 offices; 教育局's narrative speaks of 复议 three times.
    assert [r["href"] for r in results] == ["/gov/xxgk/jiaoyuju/2023/index.html", "/gov/xxgk/gonganju/2023/index.html"]
    first = results[0]
    assert first["title"] == "某某县教育局2023年政府信息公开工作年度报告"
    assert first["facts"] == "某某县教育局 · 2023年度"
    assert "复议" in first["marks"]
    assert page.text_content("#search-status") == "找到 2 份报告。"
    assert page.get_attribute("#search-status", "role") == "status"
    assert "q=%E5%A4%8D%E8%AE%AE" in page.url  # the query is in the address, to share or go back to
    assert problems == []
    page.click("#search-list a")
    page.wait_for_load_state("load")
    assert page.url == site_url + "jiaoyuju/2023/index.html"


def test_office_names_and_every_year_are_found_and_drafts_never(open_page):
    page = open_page("search")
    problems = watch(page)
    results = search(page, "教育局")
    assert sorted(r["href"] for r in results) == [
        "/gov/xxgk/jiaoyuju/2022/index.html",
        "/gov/xxgk/jiaoyuju/2023/index.html",
    ]
    page.fill("#search-query", "")
    results = search(page, DRAFT_WORD)
    assert all("gonganju/2022" not in r["href"] for r in results)
    assert problems == []


@pytest.mark.parametrize("width", [1280, 320])
def test_the_results_pass_axe_and_fit_a_phone(open_page, width):
    page = open_page("search", width=width, height=700)
    assert search(page, "收费")
    violations, incomplete = check_page(page)
    assert violations == [] and incomplete == []
    assert_fits(page, f"search results at {width}px")


def test_opened_from_disk_the_page_says_so_and_offers_the_lists(browser, fixture_site):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto((fixture_site / PAGES["search"]).as_uri())
    page.wait_for_load_state("load")
    message = page.locator("#search-offline")
    assert message.is_visible()
    assert message.text_content().startswith("从本地磁盘直接打开时，浏览器不允许加载搜索索引，无法搜索")
    links = message.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "../index.html#offices",
        "../index.html#years",
    ]
    assert not page.locator("#search-form").is_visible()
    assert errors == []
    context.close()
