"""The browser suite's fixtures: a fixture site built once and served from a sub-path, one headless Chromium
for the whole session, pages opened at a given screen size.

Without Chromium, Java or the npm tools the tests skip with one line saying what to install; with `CI` set
they fail instead, so that a CI machine can never pass by skipping them (see tools.py).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.build import build_site
from tests.browser.fixture_site import PAGES, SUB_PATH, write_fixture_site
from tests.browser.tools import CHROMIUM_ARGS, VNU, chromium_path, missing_for_chromium, missing_for_vnu, require


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Check all the tools before any fixture runs, so that a local run without them reports one line in all
    (a skip raised in a fixture would be reported once per test)."""
    if {"browser", "vnu_jar"} & set(item.fixturenames):
        require(missing_for_chromium() + missing_for_vnu())


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    require(missing_for_vnu())
    return VNU


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The built fixture site's output folder (built once per session with the real build)."""
    site = write_fixture_site(tmp_path_factory.mktemp("browser") / "site")
    build_site(site)
    return site / "public"


class _SubPathHandler(SimpleHTTPRequestHandler):
    """Serves the output under SUB_PATH only, and 404.html (status 404) for a missing page, like a portal."""

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if not path.startswith(SUB_PATH):
            return str(Path(self.directory) / "__outside__")
        return super().translate_path("/" + path[len(SUB_PATH) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(fixture_site) -> Iterator[str]:
    """The fixture site over http at http://127.0.0.1:<port>/gov/xxgk/."""
    handler = functools.partial(_SubPathHandler, directory=str(fixture_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="package")
def browser():
    """One headless Debian Chromium for these tests (never a downloaded browser). Package scope: Playwright's
    sync API runs an event loop, which must be gone before other tests use asyncio or Playwright."""
    require(missing_for_chromium())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, site_url):
    """open_page(kind or path, width=1280, height=900, scale=1) -> a loaded Playwright page; closed after the test."""
    contexts = []

    def open_(where: str, width: int = 1280, height: int = 900, scale: float = 1):
        context = browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=scale, locale="zh-CN"
        )
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        response = page.goto(site_url + PAGES.get(where, where))
        expected = 404 if where == "404" else 200
        assert response is not None and response.status == expected, f"{where}: HTTP {response and response.status}"
        page.wait_for_load_state("load")
        page.errors = errors  # type: ignore[attr-defined]
        return page

    yield open_
    for context in contexts:
        context.close()
