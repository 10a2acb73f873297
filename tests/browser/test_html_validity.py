"""Every page of the fixture site, and the stylesheet, checked by the Nu HTML Checker (vnu.jar) in one call;
table 三 of each format also on its own, so that an error in its markup is named as such."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.browser.fixture_site import ROOT

pytestmark = pytest.mark.browser

# Warnings we accept, by message, with the reason. (None so far: a new warning fails until explained here.)
WARNINGS_ALLOWED: dict[str, str] = {}

STANDALONE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main>
{table}
</main></body></html>
"""


def table_markup(page: Path, table_id: str) -> str:
    html = page.read_text(encoding="utf-8")
    start = html.index(f'<table id="{table_id}"')
    return html[start : html.index("</table>", start) + len("</table>")]


def broken(table: str) -> str:
    """Table 三 with two mistakes the checker must see: a dangling headers reference, a cell spanning too far."""
    table = re.sub(r'<td headers="[^"]*"', '<td headers="no-such-header"', table, count=1)
    return re.sub(r'(<th id="t3r0" scope="row")', r'\1 rowspan="40"', table, count=1)


@pytest.fixture(scope="module")
def vnu_report(vnu_jar, fixture_site, tmp_path_factory) -> dict[str, list[dict]]:
    """Messages by file (relative to the site's output, or table-3-*.html), from one vnu run."""
    extra = tmp_path_factory.mktemp("tables")
    for name, page in {"2021": "xianzhengfu/2023/index.html", "2019": "chengguan/2020/index.html"}.items():
        table = table_markup(fixture_site / page, "table-applications")
        (extra / f"table-3-{name}.html").write_text(STANDALONE.format(title=f"表三（{name}）", table=table), "utf-8")
    table = table_markup(fixture_site / "xianzhengfu/2023/index.html", "table-applications")
    (extra / "control-broken-table.html").write_text(STANDALONE.format(title="坏表", table=broken(table)), "utf-8")

    pages = sorted(fixture_site.rglob("*.html"))
    files = [*pages, *sorted(extra.glob("*.html")), ROOT / "layouts" / "static" / "style.css"]
    done = subprocess.run(
        ["java", "-jar", str(vnu_jar), "--format", "json", "--also-check-css", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(done.stderr)["messages"]
    names = {f.resolve().as_uri(): _name(f, fixture_site) for f in files}
    report: dict[str, list[dict]] = {name: [] for name in names.values()}
    for message in messages:
        url = message.get("url", "")
        report.setdefault(names.get(url.replace("file:/", "file:///", 1), url), []).append(message)
    return report


def _name(file: Path, site: Path) -> str:
    return file.relative_to(site).as_posix() if file.is_relative_to(site) else file.name


def problems(messages: list[dict]) -> list[str]:
    return [
        f"{m.get('lastLine', '?')}:{m.get('firstColumn', '?')}: {m['type']}: {m['message']}"
        for m in messages
        if m["type"] == "error"
        or m["type"] == "non-document-error"
        or (m.get("subType") == "warning" and m["message"] not in WARNINGS_ALLOWED)
    ]


def test_every_page_kind_and_the_stylesheet_are_valid(vnu_report):
    checked = [name for name in vnu_report if name.endswith(".html") and not name.startswith(("table-3", "control"))]
    assert {"index.html", "404.html", "accessibility/index.html", "years/2023/index.html"} <= set(checked)
    assert {"xianzhengfu/index.html", "xianzhengfu/2023/index.html", "hehualu/2015/index.html"} <= set(checked)
    assert "xianzhengfu/2023/summary/index.html" in checked  # a 下级汇总, with its trend charts (inline SVG)
    assert "style.css" in vnu_report
    invalid = {name: problems(messages) for name, messages in vnu_report.items() if not name.startswith("control")}
    assert {name: found for name, found in invalid.items() if found} == {}


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_table_three_markup_is_valid_on_its_own(vnu_report, format_id):
    assert problems(vnu_report[f"table-3-{format_id}.html"]) == []


def test_the_checker_sees_broken_table_markup(vnu_report):
    found = " ".join(problems(vnu_report["control-broken-table.html"]))
    assert "no-such-header" in found and "no “th” element with that ID" in found
    assert "spans past the end of its row group" in found
