"""Downloads: report.csv and report.json per report, data/reports.csv with its data package, the Atom feed."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from generator.build import build_site
from generator.model.format import get_format
from generator.render.export import spreadsheet_safe
from tests.helpers import report_yaml, write_office, write_report, write_site

ATOM = "{http://www.w3.org/2005/Atom}"


def read_csv(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark to read UTF-8"
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b""), "CRLF line ends throughout"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture
def site(tmp_path) -> Path:
    root = write_site(tmp_path / "site")
    write_office(root, "ceshi", "测试街道办事处")
    write_office(root, "beiyuan", "北苑街道办事处")
    values = {
        "applications.new_received.natural_person": 7,
        "applications.new_received.business": 2,
        "applications.granted.natural_person": 7,
        "applications.granted.business": 2,
        "applications.outcome_total.natural_person": 7,
        "applications.outcome_total.business": 2,
        "review_litigation.lawsuit_direct.pending": 1,
        "proactive.administrative_fees.fees": Decimal("9116.36"),
    }
    text = report_yaml(2023, values=values)
    # Leave out the totals of table 三 and 四 (they may be omitted and are then computed).
    for row in ("new_received", "granted", "outcome_total"):
        text = text.replace(f"{row}: [7, 2, 0, 0, 0, 0, 0]", f"{row}: [7, 2, 0, 0, 0, 0]")
    text = text.replace("lawsuit_direct: [0, 0, 0, 1, 0]", "lawsuit_direct: [0, 0, 0, 1]")
    write_report(root, "ceshi", 2023, text.replace("format:", "published: 2024-01-20\nformat:"))
    write_report(root, "ceshi", 2022, report_yaml(2022).replace("format:", "published: 2023-01-30\nformat:"))
    write_report(root, "beiyuan", 2023, report_yaml(2023, values={"applications.new_received.total": 5}))
    build_site(root)
    return root


def test_report_csv_has_one_row_per_cell_with_labels(site):
    rows = read_csv(site / "public/ceshi/2023/report.csv")
    fmt = get_format("2021")
    assert len(rows) == len(fmt.cell_keys()) == 10 + 25 * 7 + 15
    assert list(rows[0]) == [
        "office",
        "office_name",
        "year",
        "table",
        "row",
        "row_label",
        "column",
        "column_label",
        "value",
    ]
    by_cell = {(r["table"], r["row"], r["column"]): r for r in rows}
    business = by_cell[("applications", "new_received", "business")]
    assert business["value"] == "2" and business["office"] == "ceshi" and business["year"] == "2023"
    assert business["office_name"] == "测试街道办事处"
    assert business["row_label"] == "一、本年新收政府信息公开申请数量"
    assert business["column_label"] == "申请人情况 / 法人或其他组织 / 商业企业"
    assert by_cell[("applications", "new_received", "total")]["value"] == "9"  # computed
    secret = by_cell[("applications", "state_secret", "natural_person")]
    assert secret["row_label"] == "三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密"
    assert by_cell[("proactive", "administrative_fees", "fees")]["value"] == "9116.36"
    lawsuit = by_cell[("review_litigation", "lawsuit_direct", "pending")]
    assert lawsuit["value"] == "1" and lawsuit["row_label"] == "行政诉讼 / 未经复议直接起诉"
    assert [(r["table"], r["row"], r["column"]) for r in rows] == [tuple(k) for k in fmt.cell_keys()]


def test_report_json_mirrors_the_report(site):
    data = json.loads((site / "public/ceshi/2023/report.json").read_text(encoding="utf-8"))
    assert data["office"] == "ceshi" and data["year"] == 2023 and data["format"] == "2021"
    assert data["published"] == "2024-01-20"
    assert data["tables"]["applications"]["new_received"] == {
        "natural_person": 7,
        "business": 2,
        "research": 0,
        "public_welfare": 0,
        "legal_services": 0,
        "other": 0,
        "total": 9,
    }
    assert data["tables"]["proactive"]["administrative_fees"]["fees"] == 9116.36
    assert "applications.new_received.total" in data["computed"]
    assert data["headline"]["new_received"] == 9 and data["headline"]["lawsuits"] == 1
    assert data["texts"]["other"] == "本年度未收取信息处理费。"
    text = (site / "public/ceshi/2023/report.json").read_text(encoding="utf-8")
    assert "测试" in text and "\\u" not in text  # Chinese kept as it is


def test_a_broken_rule_is_in_the_json(site):
    data = json.loads((site / "public/beiyuan/2023/report.json").read_text(encoding="utf-8"))
    assert {f["rule"] for f in data["findings"]} >= {"R1", "R2"}
    assert all(f["severity"] in ("error", "warning") and f["message"] for f in data["findings"])


def test_site_wide_csv_has_one_row_per_report_and_its_package_describes_it(site):
    rows = read_csv(site / "public/data/reports.csv")
    assert [(r["office"], r["year"]) for r in rows] == [("beiyuan", "2023"), ("ceshi", "2022"), ("ceshi", "2023")]
    ceshi = rows[2]
    assert ceshi["new_received"] == "9" and ceshi["granted"] == "9" and ceshi["lawsuits"] == "1"
    assert ceshi["published"] == "2024-01-20" and ceshi["url"] == "ceshi/2023/index.html"
    assert ceshi["errors"] == "0" and rows[0]["errors"] != "0"

    package = json.loads((site / "public/data/datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    (resource,) = package["resources"]
    assert resource["path"] == "reports.csv" and (site / "public/data" / resource["path"]).exists()
    fields = resource["schema"]["fields"]
    assert [f["name"] for f in fields] == list(rows[0])
    assert all(f["type"] in ("string", "integer", "number", "date") and f["title"] for f in fields)
    assert resource["schema"]["primaryKey"] == ["office", "year"]


def test_feed_lists_dated_reports_newest_first_with_relative_links(site):
    out = site / "public"
    feed = ET.parse(out / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "测试街道办事处2023年政府信息公开工作年度报告",
        "测试街道办事处2022年政府信息公开工作年度报告",
    ]  # the undated report is left out
    assert feed.find(f"{ATOM}updated").text == "2024-01-20T00:00:00+08:00"
    for entry in entries:
        href = entry.find(f"{ATOM}link").attrib["href"]
        assert (out / href).is_file()
        assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
    assert feed.find(f"{ATOM}link[@rel='self']") is None


def test_downloads_are_linked_from_the_report_page(site):
    html = (site / "public/ceshi/2023/index.html").read_text(encoding="utf-8")
    assert 'href="../../ceshi/2023/report.csv"' in html and 'href="../../ceshi/2023/report.json"' in html


def test_legacy_report_downloads_carry_its_supplied_figures(example_site):
    build_site(example_site)
    rows = read_csv(example_site / "public/hehualu/2015/report.csv")
    figures = {r["row"]: r["value"] for r in rows}
    assert all(r["table"] == "headline" for r in rows)
    assert figures["new_received"] == "2" and figures["carried_over"] == ""
    data = json.loads((example_site / "public/hehualu/2015/report.json").read_text(encoding="utf-8"))
    assert data["format"] == "legacy" and data["free_tables"][0]["caption"]
    assert data["headline"]["new_received"] == 2


FORMULAS = ['=HYPERLINK("http://evil.example","点击")', "+1+2", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def test_spreadsheet_formulas_in_every_csv_are_made_inert(tmp_path):
    root = write_site(tmp_path / "site")
    slugs = [f"office{number}" for number in range(len(FORMULAS))]
    for slug, name in zip(slugs, FORMULAS, strict=True):
        quoted = json.dumps(name, ensure_ascii=False)  # a YAML double-quoted scalar, tab and CR escaped
        write_office(root, slug, "x").joinpath("office.yaml").write_text(f"name: {quoted}\n", encoding="utf-8")
        write_report(root, slug, 2023, report_yaml(2023, values={"applications.new_received.natural_person": 1}))
    build_site(root)
    public = root / "public"
    by_file = {
        "report.csv": [read_csv(public / slug / "2023" / "report.csv")[0]["office_name"] for slug in slugs],
        "years/2023/reports.csv": [r["office_name"] for r in read_csv(public / "years/2023/reports.csv")],
        "data/reports.csv": [r["office_name"] for r in read_csv(public / "data/reports.csv")],
    }
    for names in by_file.values():  # office names are read stripped of spaces, tabs and line ends
        assert names == ["'" + name.strip() for name in FORMULAS]
    # The pages show the name as written (escaped), and numbers in the CSV stay numbers.
    page = (public / slugs[0] / "index.html").read_text(encoding="utf-8")
    assert "=HYPERLINK(&#34;http://evil.example&#34;,&#34;点击&#34;)" in page
    cells = read_csv(public / slugs[0] / "2023" / "report.csv")
    assert {r["value"] for r in cells} == {"0", "1"}


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("-3", "-3"),
        ("+4.5", "+4.5"),
        ("-", "'-"),
        ("-3a", "'-3a"),
        ("\t1", "'\t1"),
        ("\r=1", "'\r=1"),
        ("荷花路", "荷花路"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_only_texts_that_a_spreadsheet_would_run_are_changed(text, safe):
    assert spreadsheet_safe(text) == safe


@pytest.mark.parametrize("amount", ["5949.088667", "24252.311082", "7380.289590", "12345678901234.123456789"])
def test_an_amount_of_any_scale_is_shown_and_exported_as_written(tmp_path, amount):
    root = write_site(tmp_path / "site")
    write_office(root, "ceshi", "测试街道办事处")
    text = report_yaml(2023).replace("administrative_fees: 0", f"administrative_fees: {amount}")
    assert f"administrative_fees: {amount}" in text
    write_report(root, "ceshi", 2023, text)
    for quick in (True, False):  # the quick reader, and the full one (a quoted key it leaves to libyaml)
        if not quick:
            write_report(root, "ceshi", 2023, text.replace("year: 2023", '"year": 2023'))
        build_site(root)
        fees = ("proactive", "administrative_fees", "fees")
        rows = read_csv(root / "public/ceshi/2023/report.csv")
        assert {(r["table"], r["row"], r["column"]): r["value"] for r in rows}[fees] == amount
        raw = (root / "public/ceshi/2023/report.json").read_text(encoding="utf-8")
        assert f'"fees": {amount}' in raw  # a JSON number with every digit, never through a float
        data = json.loads(raw, parse_float=Decimal)
        assert str(data["tables"]["proactive"]["administrative_fees"]["fees"]) == amount
        page = (root / "public/ceshi/2023/index.html").read_text(encoding="utf-8")
        assert f">{amount}<" in page
