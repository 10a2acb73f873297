"""The outside tools the browser suite needs (Debian's Chromium, axe-core, Java and the Nu HTML Checker), and
what to do when one is missing: skip with one line saying what to install, or fail when `CI` is set."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.fixture_site import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL = "apt-get install chromium default-jre-headless && npm ci"
ARTIFACTS = ROOT / "test-artifacts"  # git-ignored; CI keeps it


def chromium_path() -> str | None:
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


def require(missing: list[str]) -> None:
    """Skip (locally) or fail (in CI) with one line naming what is missing and how to install it."""
    if missing:
        message = f"browser tests need {', '.join(missing)}: {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def missing_for_chromium() -> list[str]:
    missing = []
    if chromium_path() is None:
        missing.append("chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (pip install -e '.[test]')")
    if not AXE.is_file():
        missing.append("node_modules/axe-core")
    return missing


def missing_for_vnu() -> list[str]:
    missing = [] if shutil.which("java") else ["java"]
    return missing + ([] if VNU.is_file() else ["node_modules/vnu-jar"])


def artifact_path(*parts: str) -> Path:
    path = ARTIFACTS.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
