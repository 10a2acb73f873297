"""Missing tools: one line saying what to install; a skip on a developer's machine, a failure in CI."""

from __future__ import annotations

import pytest

from tests.browser.tools import INSTALL, require


def test_a_missing_tool_skips_locally_with_one_line_saying_what_to_install(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        require(["chromium", "java"])
    message = str(skipped.value)
    assert message == f"browser tests need chromium, java: {INSTALL}" and "\n" not in message


def test_a_missing_tool_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="browser tests need node_modules/axe-core: apt-get install"):
        require(["node_modules/axe-core"])


def test_nothing_missing_runs_the_tests(monkeypatch):
    monkeypatch.setenv("CI", "true")
    require([])
