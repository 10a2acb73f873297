"""`gongkai build`: the output folder's safety, the atomic swap, stale files, determinism, --strict, the CLI."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from generator.build import build_site
from generator.build.checking import check_site
from generator.model.findings import GongkaiError
from generator.render import export
from tests.conftest import run_process
from tests.helpers import report_yaml, write_office, write_report, write_site

BROKEN_R2 = {"applications.new_received.natural_person": 5, "applications.new_received.total": 9}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    """Temporary build folders left beside the output."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


@pytest.fixture
def two_offices(tmp_path) -> Path:
    site = write_site(tmp_path / "site")
    write_office(site, "quzhengfu", "某某区人民政府", "kind: 政府\n")
    write_office(site, "hehualu", "荷花路街道办事处", "parent: quzhengfu\nkind: 乡镇街道\n")
    for year in (2022, 2023):
        write_report(site, "hehualu", year, report_yaml(year))
        write_report(site, "quzhengfu", year, report_yaml(year))
    return site


def test_build_writes_every_page_of_the_plan(two_offices):
    result = build_site(two_offices)
    out = two_offices / "public"
    expected = {
        ".gongkai-output",
        "index.html",
        "404.html",
        "robots.txt",
        "feed.xml",
        "accessibility/index.html",
        "status/index.html",
        "status/status.csv",
        "data/reports.csv",
        "data/datapackage.json",
        "data/report.schema.json",
        "static/style.css",
        "static/sort.js",
        "static/site.js",
        "years/2022/index.html",
        "years/2023/index.html",
        "years/2022/reports.csv",
        "years/2023/reports.csv",
    }
    for office in ("hehualu", "quzhengfu"):
        expected.add(f"{office}/index.html")
        for year in (2022, 2023):
            expected |= {f"{office}/{year}/index.html", f"{office}/{year}/report.csv", f"{office}/{year}/report.json"}
    for year in (2022, 2023):  # the 下级汇总 of the office with a child office
        expected |= {f"quzhengfu/{year}/summary/{name}" for name in ("index.html", "summary.csv", "summary.json")}
    assert set(snapshot(out)) == expected
    assert result.reports == 4 and result.skipped == 0 and result.files == len(expected) - 1
    assert not (out / "sitemap.xml").exists()  # only with base_url


def test_two_builds_give_the_same_bytes_wherever_they_are_made(two_offices, tmp_path, monkeypatch):
    build_site(two_offices, tmp_path / "one")
    monkeypatch.chdir(tmp_path)
    build_site(Path("site"), Path("elsewhere/two"), jobs=2)
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "elsewhere/two")
    build_site(two_offices, tmp_path / "one")  # rebuilt in place
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "elsewhere/two")


def test_a_failed_build_leaves_the_previous_output_untouched(two_offices):
    build_site(two_offices)
    out = two_offices / "public"
    before = snapshot(out)
    (two_offices / "layouts").mkdir()
    (two_offices / "layouts" / "office.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n{% for %}\n', "utf-8"
    )
    with pytest.raises(GongkaiError) as caught:
        build_site(two_offices)
    assert "layouts/office.html:3: error: 模板错误" in str(caught.value)
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_a_crash_half_way_leaves_the_previous_output_and_no_temporary_folder(two_offices, monkeypatch):
    build_site(two_offices)
    out = two_offices / "public"
    before = snapshot(out)
    write_report(two_offices, "hehualu", 2024, report_yaml(2024))
    calls = []

    def failing_csv(report, office):  # the new report's CSV, after its page and its neighbour's were staged
        calls.append(report.year)
        raise OSError("disk full")

    monkeypatch.setattr(export, "report_csv", failing_csv)
    with pytest.raises(OSError):
        build_site(two_offices)
    assert calls == [2024]
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_the_swap_restores_the_old_output_when_the_new_one_cannot_move_in(two_offices, monkeypatch):
    build_site(two_offices)
    out = two_offices / "public"
    before = snapshot(out)
    # without its manifest, the build makes the whole site and swaps it in
    shutil.rmtree(two_offices / ".gongkai-cache")
    real_rename = Path.rename

    def rename(self, target):
        if ".building-" in self.name:
            raise OSError("cannot rename")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError):
        build_site(two_offices)
    monkeypatch.undo()
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_files_that_no_longer_match_content_disappear(two_offices):
    build_site(two_offices)
    out = two_offices / "public"
    (out / "hehualu" / "2022" / "extra.txt").write_text("stale", encoding="utf-8")
    (two_offices / "content" / "hehualu" / "2022.yaml").unlink()
    shutil.rmtree(two_offices / "content" / "quzhengfu")
    (two_offices / "content" / "hehualu" / "office.yaml").write_text("name: 荷花路街道办事处\n", encoding="utf-8")
    build_site(two_offices)
    assert not (out / "hehualu" / "2022").exists()
    assert not (out / "quzhengfu").exists()
    assert not (out / "years" / "2022").exists()
    assert (out / "hehualu" / "2023" / "index.html").exists()
    assert "2022" not in (out / "hehualu" / "index.html").read_text("utf-8")


def test_folders_left_by_a_killed_build_are_removed_by_the_next(two_offices):
    out = two_offices / "public"
    dead = two_offices / f".public.building-{2**22 + 12345}-0badc0de"  # beyond the largest pid
    (dead / "hehualu").mkdir(parents=True)
    alive = two_offices / f".public.building-{os.getpid()}-feedbeef"  # a build still running
    alive.mkdir()
    build_site(two_offices)
    assert not dead.exists() and alive.exists() and (out / "index.html").exists()


@pytest.mark.parametrize("where", ["home_like", "file"])
def test_an_output_folder_gongkai_did_not_make_is_never_replaced(two_offices, tmp_path, where):
    target = tmp_path / "somebody"
    if where == "file":
        target.write_text("notes", encoding="utf-8")
    else:
        target.mkdir()
        (target / "thesis.docx").write_text("irreplaceable", encoding="utf-8")
    with pytest.raises(GongkaiError) as caught:
        build_site(two_offices, target)
    assert "未做任何修改" in str(caught.value) or "是一个文件" in str(caught.value)
    if where == "file":
        assert target.read_text(encoding="utf-8") == "notes"
    else:
        assert snapshot(target) == {"thesis.docx": b"irreplaceable"}
    assert leftovers(target) == []


def test_an_empty_or_gongkai_made_folder_is_replaced(two_offices, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    build_site(two_offices, empty)
    assert (empty / "index.html").exists() and (empty / ".gongkai-output").exists()
    build_site(two_offices, empty)  # again: it now carries the marker
    assert (empty / "index.html").exists()


@pytest.mark.parametrize("out", [".", "..", "content", "content/hehualu/public", "layouts/out"])
def test_the_output_cannot_hold_or_sit_inside_the_site_sources(two_offices, out):
    (two_offices / "layouts").mkdir(exist_ok=True)
    before = snapshot(two_offices)
    with pytest.raises(GongkaiError):
        build_site(two_offices, two_offices / out)
    assert snapshot(two_offices) == before


def test_an_output_symlink_is_kept_and_its_target_replaced(two_offices, tmp_path):
    real = tmp_path / "www"
    real.mkdir()
    link = tmp_path / "public-link"
    link.symlink_to(real)
    build_site(two_offices, link)
    assert link.is_symlink() and (real / "index.html").exists()


def test_a_report_that_breaks_rules_is_published_unless_strict(two_offices):
    write_report(two_offices, "hehualu", 2023, report_yaml(2023, values=BROKEN_R2))
    result = build_site(two_offices)
    assert result.errors >= 1 and result.reports == 4
    page = (two_offices / "public/hehualu/2023/index.html").read_text("utf-8")
    assert "规则 R2" in page

    (two_offices / "public" / "hehualu" / "2023" / "index.html").write_text("previous", encoding="utf-8")
    with pytest.raises(GongkaiError) as caught:
        build_site(two_offices, strict=True)
    assert any(f.rule == "R2" for f in caught.value.findings)
    assert (two_offices / "public/hehualu/2023/index.html").read_text("utf-8") == "previous"


def test_an_unreadable_report_fails_the_build_and_leaves_the_output_as_it_was(two_offices):
    build_site(two_offices)
    out = two_offices / "public"
    before = snapshot(out)
    path = write_report(
        two_offices, "hehualu", 2023, report_yaml(2023).replace("carried_over: [0,", "carried_over: [x,")
    )
    with pytest.raises(GongkaiError) as caught:
        build_site(two_offices)
    assert any(
        f.severity == "error" and f.position.path.endswith("hehualu/2023.yaml") and f.position.line
        for f in caught.value.findings
    )
    assert "--keep-going" in str(caught.value)
    assert snapshot(out) == before and leftovers(out) == []
    assert path.exists()


def test_with_keep_going_a_report_never_published_is_left_out(two_offices):
    write_report(two_offices, "hehualu", 2023, report_yaml(2023).replace("carried_over: [0,", "carried_over: [x,"))
    result = build_site(two_offices, keep_going=True)
    assert result.skipped == 1 and result.reports == 3
    assert result.notices == (f"{result.findings[0].position.path}：无法读取，且从未发布过，未发布",)
    out = two_offices / "public"
    assert not (out / "hehualu/2023").exists()
    assert "hehualu/2023/index.html" not in (out / "hehualu/index.html").read_text("utf-8")
    assert "hehualu/2023/index.html" not in (out / "hehualu/2022/index.html").read_text("utf-8")  # no link to it
    assert (out / "quzhengfu/2023/index.html").exists()
    with pytest.raises(GongkaiError):
        build_site(two_offices, strict=True, keep_going=True)


def test_nothing_to_publish_fails_without_touching_the_output(tmp_path):
    site = write_site(tmp_path / "site")
    write_office(site, "ceshi", "测试街道办事处")
    write_report(site, "ceshi", 2023, "format: '2021'\nyear: 2023\n")
    with pytest.raises(GongkaiError) as caught:
        build_site(site, keep_going=True)
    assert "没有一份报告可以发布" in str(caught.value)
    assert not (site / "public").exists()


@pytest.mark.parametrize(
    "breakage",
    [
        lambda office: (office / "office.yaml").write_text("name: [测试\n", "utf-8"),  # a YAML error
        lambda office: (office / "office.yaml").write_text("kind: street\n", "utf-8"),  # no name
        lambda office: (office / "office.yaml").unlink(),
    ],
    ids=["yaml-error", "no-name", "no-office-file"],
)
def test_an_unreadable_only_office_fails_without_touching_the_output(tmp_path, breakage):
    site = write_site(tmp_path / "site")
    write_office(site, "ceshi", "测试街道办事处")
    write_report(site, "ceshi", 2023, report_yaml(2023))
    build_site(site)
    page = site / "public/ceshi/2023/index.html"
    before = page.read_bytes()
    breakage(site / "content/ceshi")
    with pytest.raises(GongkaiError) as caught:
        build_site(site)
    assert "输出目录未改动" in str(caught.value)
    assert any(f.position.path.endswith("ceshi/office.yaml") for f in caught.value.findings)
    assert page.read_bytes() == before and (site / "public/ceshi/index.html").exists()
    result = build_site(site, keep_going=True)  # the office stays as last published
    assert result.notices[0].endswith("ceshi/office.yaml：无法读取，保留上次发布的机关页和报告")
    assert page.read_bytes() == before and (site / "public/ceshi/index.html").exists()


def test_an_empty_site_builds_its_home_page(empty_site):
    result = build_site(empty_site)
    assert result.reports == 0
    assert "暂无已发布的年度报告" in (empty_site / "public/index.html").read_text("utf-8")


def test_an_office_folder_named_like_a_site_folder_is_refused(two_offices):
    write_office(two_offices, "years", "年度办公室")
    write_report(two_offices, "years", 2023, report_yaml(2023))
    with pytest.raises(GongkaiError) as caught:
        build_site(two_offices)
    assert any("years" in f.message and f.severity == "error" for f in caught.value.findings)
    assert not (two_offices / "public").exists()


def test_a_bad_base_url_or_site_yaml_stops_the_build(two_offices):
    (two_offices / "site.yaml").write_text("name: 测试\nbase_url: www.example.gov.cn\n", encoding="utf-8")
    with pytest.raises(GongkaiError) as caught:
        build_site(two_offices)
    assert "https://" in str(caught.value)
    assert any("https://" in f.message for f in check_site(two_offices).findings)  # check says so too
    (two_offices / "site.yaml").write_text("name: 测试\nfooter: 无此项\n", encoding="utf-8")
    with pytest.raises(GongkaiError) as caught:
        build_site(two_offices)
    assert "site.yaml:2:1" in str(caught.value)
    assert not (two_offices / "public").exists()


def test_parallel_jobs_are_the_same_as_one(two_offices, tmp_path):
    build_site(two_offices, tmp_path / "one", jobs=1)
    build_site(two_offices, tmp_path / "three", jobs=3)
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "three")


def test_a_failure_in_a_worker_process_leaves_nothing_behind(two_offices):
    for index in range(8):
        write_office(two_offices, f"office-{index}", f"机关{index}")
        write_report(two_offices, f"office-{index}", 2023, report_yaml(2023))
    (two_offices / "layouts").mkdir()
    (two_offices / "layouts" / "office.html").write_text("{{ no_such_value.name }}\n", encoding="utf-8")
    with pytest.raises(GongkaiError) as caught:
        build_site(two_offices, jobs=2)
    assert "layouts/office.html:1: error: 模板错误" in str(caught.value)
    assert leftovers(two_offices / "public") == [] and not (two_offices / "public").exists()


def test_progress_is_reported_per_office(two_offices):
    seen = []
    build_site(two_offices, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 4), (4, 4)]


# --- the command line ------------------------------------------------------------------------------


def test_cli_builds_the_example_site_and_prints_a_summary(cli, example_site):
    result = cli("build", cwd=example_site)
    assert result.code == 0
    assert (example_site / "public/index.html").exists()
    summary = result.out.strip().splitlines()[-1]
    reports = len(list((example_site / "content").glob("*/[0-9][0-9][0-9][0-9].yaml")))
    assert summary.startswith("已生成 ") and f"{reports} 份报告" in summary and "个警告" in summary and "秒" in summary
    assert "content/hehualu/2023.yaml:" in result.err  # the warning, with its place
    assert "[" not in result.err  # no progress bar when stderr is not a terminal


def test_cli_shows_a_progress_bar_on_a_terminal_and_clears_it(cli, two_offices, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    result = cli("build", two_offices)
    assert result.code == 0
    assert "\r[###############...............] 2/4 份报告" in result.err
    assert "\r[##############################] 4/4 份报告" in result.err
    assert result.err.rstrip(" ").endswith("\r")  # cleared before the summary
    assert result.out.startswith("已生成 ")


def test_cli_strict_failure_prints_positions_and_exits_1(cli, two_offices):
    write_report(two_offices, "hehualu", 2023, report_yaml(2023, values=BROKEN_R2))
    result = cli("build", two_offices, "--strict", "--out", two_offices / "site-out")
    assert result.code == 1
    assert not (two_offices / "site-out").exists()
    lines = [line for line in result.err.splitlines() if "error:" in line]
    assert any(":" in line.split(" error:")[0] and "hehualu/2023.yaml:" in line for line in lines)
    assert "Traceback" not in result.err and "输出目录未改动" in result.err


def test_cli_refuses_a_foreign_output_folder_in_one_line(cli, two_offices, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("x", encoding="utf-8")
    result = cli("build", two_offices, "--out", home)
    assert result.code == 1
    assert ".gongkai-output" in result.err and "Traceback" not in result.err
    assert (home / ".bashrc").read_text(encoding="utf-8") == "x"


def test_cli_template_error_is_one_positioned_line(cli, example_site):
    (example_site / "layouts").mkdir()
    (example_site / "layouts" / "year.html").write_text(
        "{% extends 'base.html' %}\n{% block main %}{{ rows|nosuchfilter }}{% endblock %}\n", "utf-8"
    )
    result = cli("build", cwd=example_site)
    assert result.code == 1
    assert "layouts/year.html:2: error: 模板错误" in result.err
    assert "Traceback" not in result.err


def test_cli_build_runs_as_a_real_process(example_site):
    result = run_process("build", "--jobs", "2", cwd=example_site)
    assert result.code == 0, result.err
    assert "已生成" in result.out
    assert (example_site / "public/hehualu/2023/report.csv").read_bytes().startswith(b"\xef\xbb\xbf")
