"""Regions: an office's 下级汇总 of its child offices' reports, and the check of a 汇总 report against them."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import build_site
from generator.build.checking import check_site
from generator.site import regions
from tests.helpers import col_of, line_of, report_yaml, write_office, write_report, write_site
from tests.html_tree import parse_html

CHILDREN = (("jia", "甲镇人民政府"), ("yi", "乙镇人民政府"), ("bing", "丙镇人民政府"))


def values(n: int) -> dict[str, object]:
    """A report's figures that keep every rule: n applications received and granted, n licensing
    decisions, fees of n.25 万元."""
    cells = {
        f"applications.{r}.{c}": n
        for r in ("new_received", "granted", "outcome_total")
        for c in ("natural_person", "total")
    }
    cells["proactive.licensing.decisions"] = n
    cells["proactive.administrative_fees.fees"] = Decimal(f"{n}.25")
    return cells


def region_site(root: Path, without: tuple[str, int] | None = ("bing", 2023)) -> Path:
    """A county with three towns reporting on 2022 and 2023 (but `without`): town n's 2023 figures are n + 1."""
    write_site(root)
    write_office(root, "county", "测试县人民政府")
    for n, (slug, name) in enumerate(CHILDREN, 1):
        write_office(root, slug, name, "parent: county\n")
        for year in (2022, 2023):
            if (slug, year) != without:
                write_report(root, slug, year, report_yaml(year, values=values(n + year - 2022)))
    return root


def county_report(root: Path, scope: str, licensing: int) -> str:
    """The county's 2023 report with the towns' sums (2 + 3 + 4), licensing decisions as given."""
    cells = {key: 2 + 3 + 4 for key in values(0)}
    cells["proactive.licensing.decisions"] = licensing
    cells["proactive.administrative_fees.fees"] = Decimal("9.75")
    text = report_yaml(2023, values=cells).replace("year: 2023\n", f"year: 2023\nscope: {scope}\n", 1)
    write_report(root, "county", 2023, text)
    return text


def summed_findings(findings) -> list:
    return [f for f in findings if f.rule == regions.RULE]


def test_a_summary_names_its_children_and_the_one_without_a_report(tmp_path):
    root = region_site(tmp_path / "site")
    result = build_site(root)
    assert not result.findings
    folder = root / "public" / "county" / "2023" / "summary"
    page = (folder / "index.html").read_text("utf-8")
    tree = parse_html(page)
    assert tree.find("h1").text == "测试县人民政府2023年度下级单位政府信息公开工作情况汇总"
    assert "已纳入 2/3 个下级单位；缺少：丙镇人民政府（无 2023 年度报告）" in page
    assert "根据 2 份下级单位的 2023 年度报告" in page
    links = {a.attrs["href"] for a in tree.find_all("a")}
    assert {"../../../jia/2023/index.html", "../../../yi/2023/index.html"} <= links
    assert "../../../bing/2023/index.html" not in links
    data = json.loads((folder / "summary.json").read_text("utf-8"))
    assert [c["office"] for c in data["included"]] == ["jia", "yi"]
    assert data["excluded"] == [{"office": "bing", "office_name": "丙镇人民政府", "reason": "无 2023 年度报告"}]
    assert data["tables"]["proactive"]["licensing"]["decisions"] == 2 + 3
    assert data["tables"]["proactive"]["administrative_fees"]["fees"] == 5.5  # 2.25 + 3.25, exactly
    # 2022: every town reported
    assert "已纳入 3/3 个下级单位" in (root / "public/county/2022/summary/index.html").read_text("utf-8")


def test_the_summary_csv_has_the_columns_of_report_csv(tmp_path):
    root = region_site(tmp_path / "site")
    build_site(root)
    out = root / "public"
    summary = list(csv.reader(io.StringIO((out / "county/2023/summary/summary.csv").read_text("utf-8-sig"))))
    child = list(csv.reader(io.StringIO((out / "jia/2023/report.csv").read_text("utf-8-sig"))))
    assert summary[0] == child[0]
    assert [line[3:8] for line in summary[1:]] == [line[3:8] for line in child[1:]]  # the same cells, in order
    fees = next(line for line in summary if line[4] == "administrative_fees")
    assert fees[8] == "5.50"  # 2.25 + 3.25: an exact sum keeps the scale of its terms


def test_drafts_and_unreadable_children_are_named_not_summed(tmp_path):
    root = region_site(tmp_path / "site", without=None)
    jia = root / "content" / "jia" / "2023.yaml"
    jia.write_text("draft: true\n" + jia.read_text("utf-8"), "utf-8")
    (root / "content" / "yi" / "2023.yaml").write_text("year: 2023\nformat: [\n", "utf-8")
    build_site(root, keep_going=True)
    page = (root / "public/county/2023/summary/index.html").read_text("utf-8")
    # a draft is published nowhere, not even as a draft: its office has no 2023 report, as far as readers know
    assert "已纳入 1/3 个下级单位；缺少：甲镇人民政府（无 2023 年度报告）、乙镇人民政府（报告无法读取）" in page
    data = json.loads((root / "public/county/2023/summary/summary.json").read_text("utf-8"))
    assert data["tables"]["proactive"]["licensing"]["decisions"] == 4  # 丙镇 alone
    assert "../../../jia/2023/index.html" not in page


def test_a_summed_report_that_differs_by_one_is_one_error_at_its_cell(tmp_path):
    root = region_site(tmp_path / "site", without=None)
    text = county_report(root, "汇总", 2 + 3 + 4 + 1)
    path = "content/county/2023.yaml"
    line, column = line_of(text, "  licensing:"), col_of(text, "  licensing:", "10")
    for findings in (build_site(root).findings, check_site(root).findings):
        found = summed_findings(findings)
        assert len(found) == 1 and not [f for f in findings if f not in found]
        (finding,) = found
        assert finding.severity == "error"
        assert str(finding.position).endswith(f"{path}:{line}:{column}")
        assert "行政许可" in finding.message and "填 10，但下级单位之和为 9" in finding.message
        assert "丙镇人民政府 4、甲镇人民政府 2、乙镇人民政府 3"  # the children, by folder name in finding.message


def test_a_summed_report_equal_to_its_children_passes(tmp_path):
    root = region_site(tmp_path / "site", without=None)
    county_report(root, "汇总", 2 + 3 + 4)
    assert not build_site(root).findings


def test_an_own_figures_report_is_never_compared(tmp_path):
    root = region_site(tmp_path / "site", without=None)
    county_report(root, "本级", 2 + 3 + 4 + 1)
    assert not summed_findings(build_site(root).findings)
    assert not summed_findings(check_site(root).findings)


def test_a_summed_report_with_a_child_missing_is_a_warning_naming_it(tmp_path):
    root = region_site(tmp_path / "site")  # 丙镇 has no 2023 report
    text = county_report(root, "汇总", 2 + 3 + 4 + 1)
    (finding,) = summed_findings(build_site(root).findings)
    assert finding.severity == "warning"
    assert "无法核对：缺少 丙镇人民政府 的 2023 年度报告" in finding.message
    assert finding.position.line == line_of(text, "scope:")


def test_a_scope_other_than_the_two_is_an_error_at_it(tmp_path):
    root = region_site(tmp_path / "site", without=None)
    text = county_report(root, "全县", 9)
    findings = [f for f in check_site(root).findings if "scope" in f.message]
    assert len(findings) == 1 and findings[0].position.line == line_of(text, "scope:")


def _csv_values(path: Path) -> dict[tuple[str, str, str], str]:
    lines = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))[1:]
    return {(line[3], line[4], line[6]): line[8] for line in lines}


AMOUNT_KEY = "proactive.administrative_fees.fees"
COUNT_KEYS = (
    "proactive.licensing.decisions",
    "proactive.regulations.in_force",
    "applications.new_received.business",
    "review_litigation.reconsideration.total",
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.dictionaries(st.sampled_from(COUNT_KEYS), st.integers(0, 10**6), max_size=4),
            st.integers(0, 10**8),
            st.integers(1, 4),
            st.booleans(),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_the_summary_csv_is_the_sum_of_the_childrens_report_csv(children):
    with tempfile.TemporaryDirectory() as folder:
        root = write_site(Path(folder) / "site")
        write_office(root, "county", "测试县人民政府")
        for index, (cells, cents, places, reports) in enumerate(children):
            fees = Decimal(cents).scaleb(-places)  # an amount of 1 to 4 decimals
            slug = f"town{index}"
            write_office(root, slug, f"第{index}镇", "parent: county\n")
            if reports or index == 0:
                write_report(root, slug, 2023, report_yaml(2023, values={**cells, AMOUNT_KEY: fees}))
        build_site(root)
        out = root / "public"
        summed = _csv_values(out / "county/2023/summary/summary.csv")
        towns = [_csv_values(path) for path in sorted(out.glob("town*/2023/report.csv"))]
        for key, value in summed.items():
            assert Decimal(value) == sum(Decimal(town[key]) for town in towns), key


def test_the_home_page_totals_the_latest_year_without_counting_summed_reports_twice(tmp_path):
    root = region_site(tmp_path / "site", without=None)
    county_report(root, "汇总", 9)
    build_site(root)
    home = parse_html((root / "public/index.html").read_text("utf-8"))
    totals = home.find("section", id="totals")
    figures = dict(zip((dt.text for dt in totals.find_all("dt")), (dd.text for dd in totals.find_all("dd"))))
    assert figures["新收申请"] == str(2 + 3 + 4)  # the towns' 2023 reports; the county's 汇总 is not added again
    assert "1 份注明为“汇总”的报告" in totals.visible_text()
    links = [a.attrs["href"] for a in totals.find_all("a")]
    assert links == ["county/2023/summary/index.html"]
    year_page = (root / "public/years/2023/index.html").read_text("utf-8")
    assert 'href="../../county/2023/summary/index.html"' in year_page  # every summary is linked from its year


def test_the_disclosure_rate_is_computed_from_the_sums_not_averaged(tmp_path):
    root = region_site(tmp_path / "site", without=None)
    # 丙镇 disclosed none of its 4 applications (withheld as state secrets): the towns' rates are 100%,
    # 100% and 0% (an average of 66.7%); from the sums it is (2 + 3) ÷ (2 + 3 + 4)
    cells = values(4)
    cells.update({"applications.granted.natural_person": 0, "applications.granted.total": 0})
    cells.update({"applications.state_secret.natural_person": 4, "applications.state_secret.total": 4})
    write_report(root, "bing", 2023, report_yaml(2023, values=cells))
    assert not build_site(root).findings
    page = (root / "public/county/2023/summary/index.html").read_text("utf-8")
    assert f"公开率 {5 * 100 / 9:.1f}%</strong>：（予以公开 + 部分公开）÷ 办理总数" in page


def test_a_child_in_another_format_is_named_not_summed(tmp_path):
    root = region_site(tmp_path / "site", without=None)
    write_report(root, "bing", 2023, report_yaml(2023, format_id="2019"))  # R7: the wrong format for 2023
    build_site(root)
    data = json.loads((root / "public/county/2023/summary/summary.json").read_text("utf-8"))
    assert [c["office"] for c in data["excluded"]] == ["bing"]
    assert "另一格式（国办公开办函〔2019〕60号）" in data["excluded"][0]["reason"]
    assert data["tables"]["proactive"]["licensing"]["decisions"] == 2 + 3  # 甲镇 and 乙镇 alone
