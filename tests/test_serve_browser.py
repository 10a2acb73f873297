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
