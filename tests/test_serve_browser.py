"""`gongkai serve` in headless Chromium: the open page reloads by itself after a save, shows the errors of a
broken file and comes back after the fix. Needs Debian's chromium; skipped without it, failing in CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.test_serve import running

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
REPORT = "hehualu/2023/"


@pytest.fixture
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not CHROMIUM.exists():
        missing = "Debian's chromium (apt-get install chromium) and playwright (pip install -e '.[test]')"
        if os.environ.get("CI"):
            pytest.fail(f"needs {missing}")
        pytest.skip(f"needs {missing}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def test_the_open_page_follows_saves_errors_and_fixes(example_site, browser):
    report = example_site / "content/hehualu/2023.yaml"
    good = report.read_text(encoding="utf-8")
    with running(example_site, base_path="/gov/xxgk/") as preview:
        page = browser.new_page()
        page.goto(preview.url + REPORT)
        assert "加强组织领导" in page.inner_text("main")
        for _ in range(100):  # livereload.js has connected once the server counts the page
            if preview.listening:
                break
            page.wait_for_timeout(50)
        assert preview.listening == 1

        report.write_text(good.replace("加强组织领导", "组织领导已加强", 1), encoding="utf-8")
        page.wait_for_function("document.body.innerText.includes('组织领导已加强')", timeout=10_000)

        report.write_text(good.replace("year: 2023", "year: [2023", 1), encoding="utf-8")
        page.wait_for_function("document.querySelector('h1').innerText.includes('内容有错误')", timeout=10_000)
        problem = page.inner_text("li")
        assert "2023.yaml:" in problem and "error: YAML" in problem

        report.write_text(good, encoding="utf-8")
        page.wait_for_function("document.body.innerText.includes('加强组织领导')", timeout=10_000)
        assert page.url == preview.url + REPORT  # the same page all along, reloaded by the server's command
        page.close()


def test_the_preview_shows_a_draft_with_its_banner(example_site, browser):
    """A draft is served by the preview, with the text banner 「草稿：尚未发布」 above its title and a list of
    drafts on its office page, both without WCAG 2.1 AA violations (axe-core)."""
    from tests.browser.test_axe import RUN_AXE, WCAG_21_AA
    from tests.browser.tools import AXE

    report = example_site / "content/hehualu/2023.yaml"
    report.write_text("draft: true\n" + report.read_text(encoding="utf-8"), encoding="utf-8")
    with running(example_site) as preview:
        page = browser.new_page()
        page.goto(preview.url + REPORT)
        banner = page.get_by_role("heading", name="草稿：尚未发布")
        assert banner.is_visible()
        assert banner.bounding_box()["y"] < page.locator("h1").bounding_box()["y"]  # seen before the title
        assert "加强组织领导" in page.inner_text("main")
        for url in (REPORT, "hehualu/"):
            page.goto(preview.url + url)
            page.add_script_tag(path=str(AXE))
            assert page.evaluate(RUN_AXE, WCAG_21_AA)["violations"] == [], url
        drafts = page.locator("section.draft-notice")
        assert "草稿：尚未发布" in drafts.inner_text() and "2023年度报告（草稿）" in drafts.inner_text()
        drafts.get_by_role("link").click()
        page.wait_for_url(preview.url + REPORT + "index.html")
        assert page.get_by_role("heading", name="草稿：尚未发布").is_visible()
        page.close()
