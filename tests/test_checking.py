"""`gongkai check` at scale: the last build's findings for unchanged offices, worker processes when cold;
the same findings as reading every report anew, whichever way they come."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from generator.build import build_site, checking
from tests.helpers import report_yaml, write_office, write_report, write_site
from tests.test_rules import consistent_values

OFFICES = [f"office-{n:02d}" for n in range(6)]


@pytest.fixture
def site(tmp_path):
    """Six offices over two years; one report breaks its sums, one states a figure its table contradicts."""
    root = write_site(tmp_path / "site")
    for slug in OFFICES:
        write_office(root, slug, f"机关{slug[-2:]}", "kind: 部门\n")
        for year in (2022, 2023):
            write_report(root, slug, year, report_yaml(year, values=consistent_values()))
    broken = report_yaml(2023, values={**consistent_values(), "applications.granted.natural_person": 9})
    write_report(root, OFFICES[1], 2023, broken)
    stated = report_yaml(2023, values=consistent_values(), overview="本年度共收到政府信息公开申请8件。")
    write_report(root, OFFICES[2], 2023, stated)
    return root


def cold(root):
    """Every report read anew: no manifest to take findings from, in this process."""
    shutil.rmtree(root / ".gongkai-cache", ignore_errors=True)
    checked = checking.check_site(root, jobs=1)
    assert checked.from_manifest == 0
    return checked.reports, sorted(checked.findings), checked.published


def warm(root):
    checked = checking.check_site(root)
    return checked.reports, sorted(checked.findings), checked.published, checked.from_manifest


def test_a_warm_check_takes_unchanged_offices_from_the_manifest_with_the_same_findings(site, monkeypatch):
    build_site(site)
    reports, findings, published, from_manifest = warm(site)
    assert from_manifest == len(OFFICES)
    assert {f.rule for f in findings} >= {"R2", "R3", "N1"}
    assert len(published) == 2 * len(OFFICES)  # one that breaks its sums too: it is published as written
    expected = cold(site)
    assert (reports, findings, published) == expected

    build_site(site)
    read = []
    real = checking.check_office
    monkeypatch.setattr(
        checking, "check_office", lambda office, settings: read.append(office.slug) or real(office, settings)
    )
    path = site / "content" / OFFICES[4] / "2023.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("本年度，", "2022年共收到政府信息公开申请5件。"), encoding="utf-8"
    )
    reports, findings, published, from_manifest = warm(site)
    assert read == [OFFICES[4]] and from_manifest == len(OFFICES) - 1
    assert any(f.rule == "N2" and OFFICES[4] in f.position.path for f in findings)
    assert (reports, findings, published) == cold(site)


def test_site_yaml_changes_every_offices_findings(site):
    for slug in OFFICES:
        (site / "content" / slug / "2023.yaml").write_text(
            (site / "content" / slug / "2023.yaml")
            .read_text(encoding="utf-8")
            .replace("# published: 2024-01-20  # 发布日期：发布时填写", "published: 2024-02-10"),
            encoding="utf-8",
        )
    build_site(site)
    assert sum(f.rule == "D1" for f in warm(site)[1]) == len(OFFICES)  # 部门: due 01-31
    (site / "site.yaml").write_text("name: 测试站点\ndeadlines: {部门: 02-28}\n", encoding="utf-8")
    reports, findings, published, from_manifest = warm(site)
    assert from_manifest == 0 and not any(f.rule == "D1" for f in findings)
    assert set(published.values()) == {None, date(2024, 2, 10)}  # 2022 undated, 2023 dated
    assert (reports, findings, published) == cold(site)


def test_a_cold_check_with_worker_processes_finds_the_same(site, monkeypatch):
    expected = cold(site)
    monkeypatch.setattr(checking, "POOL_MIN_REPORTS", 1)
    checked = checking.check_site(site, jobs=2)
    assert (checked.reports, sorted(checked.findings), checked.published) == expected


def test_the_check_command_reuses_the_output_folder_it_is_told(cli, site, tmp_path):
    out = tmp_path / "elsewhere"
    assert cli("build", site, "--out", out).code == 0
    told = cli("check", site, "--out", out)
    shutil.rmtree(site / ".gongkai-cache")
    anew = cli("check", site)
    assert told.code == anew.code == 1  # R2 and R3 are errors
    assert told.out == anew.out
