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


@pytest.mark.parametrize("ci", ["true", ""])
def test_nothing_missing_neither_skips_nor_fails(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    outcomes = (pytest.skip.Exception, pytest.fail.Exception)
    try:
        require([])
    except outcomes as stopped:  # what a broken require would do: caught, so that the assertion says so
        pytest.fail(f"require([]) stopped the test: {type(stopped).__name__}: {stopped}")
    with pytest.raises(outcomes):  # and the same call with something missing does stop it
        require(["java"])
