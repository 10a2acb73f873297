"""Incremental builds: a rebuild makes only what changed, and its output is byte for byte a fresh build's.

The site is generated with bench/make_site.py (offices under counties, four years, long narratives,
a few reports with broken sums). Each change is made to a built site; the rebuild is then compared
with a fresh build of the changed site into another folder (no manifest there: every page is made).
"""

from __future__ import annotations

import dataclasses
import gc
import importlib.util
import json
import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.build import BuildSession, build_site, keys, loading, manifest, outputs, workers
from generator.build.csvlines import ReportLines
from generator.model.findings import GongkaiError
from generator.read.site import load_site
from generator.render import export
from generator.site import plan
from tests.helpers import report_yaml, write_office, write_report
from tests.test_build import leftovers, snapshot

pytestmark = pytest.mark.usefixtures("one_session")  # a test's builds share a session, as in one process

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_site", ROOT / "bench" / "make_site.py")
make_site_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_site_module)

OFFICES = 30  # x 2021-2024: 120 reports


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("generated") / "site"
    make_site_module.make_site(site, OFFICES, 2021, 2024)
    return site


@pytest.fixture(autouse=True)
def trust_recent_stats(monkeypatch):
    """A file changed less than a second before a build is read again by the next one, as its times
    may not show a later change (coarse file-system clocks). Every file here is that recent: to test
    what the next build takes from the manifest, trust their stats (each edit below changes a size
    or adds a file, which the stats show whatever the clock)."""
    monkeypatch.setattr(manifest, "RACY_NS", 0)


@pytest.fixture
def site(generated, tmp_path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(generated, copy)
    return copy


def inodes(folder: Path) -> dict[str, int]:
    """Each file's inode: a file the build replaced has a new one, a file it kept the old one."""
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def fresh_build(site: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "fresh"
    shutil.rmtree(out, ignore_errors=True)
    result = build_site(site, out)
    assert result.rendered == result.files  # no manifest for this folder: every page made
    return snapshot(out)


def edit_overview(site: Path, office: str, year: int, words: str) -> None:
    report = site / "content" / office / f"{year}.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(re.sub(r"^(overview: \|-\n  )", rf"\g<1>{words}", text, count=1, flags=re.M), encoding="utf-8")


def some_office(site: Path, index: int = 7) -> str:
    return sorted(p.name for p in (site / "content").iterdir() if p.is_dir())[index]


def test_a_warm_build_makes_nothing_and_changes_no_file(site, monkeypatch):
    cold = build_site(site)
    out = site / "public"
    before, files = inodes(out), snapshot(out)
    monkeypatch.setattr(loading, "load_site", lambda root: pytest.fail("offices read again"))
    monkeypatch.setattr(keys.FileKeys, "read", lambda self, path: pytest.fail(f"{path} read again"))
    warm = build_site(site)
    assert cold.rendered == cold.files == len(files) - 1  # the marker aside
    assert warm.rendered == 0 and warm.files == cold.files
    assert warm.findings == cold.findings and (warm.reports, warm.skipped) == (cold.reports, cold.skipped)
    assert inodes(out) == before and snapshot(out) == files


def test_editing_a_narrative_remakes_that_office_and_no_index_page(site, tmp_path):
    build_site(site)
    out = site / "public"
    before = inodes(out)
    office = some_office(site)
    edit_overview(site, office, 2022, "（修订）")
    result = build_site(site)
    after = inodes(out)
    replaced = {url for url in after if before.get(url) != after[url]} - {plan.MARKER}  # rewritten: see below
    # the report and its downloads, the next year's downloads (cross-year checks), the office's report
    # pages (their previous/next links) and its office page
    assert f"{office}/2022/index.html" in replaced
    assert "（修订）" in (out / office / "2022/index.html").read_text("utf-8")
    downloads = {f"{office}/{y}/{name}" for y in (2022, 2023) for name in ("report.json", "report.csv")}
    report_pages = {f"{office}/{y}/index.html" for y in range(2021, 2025)}
    assert replaced <= downloads | report_pages | {f"{office}/index.html"}
    assert result.rendered == len(replaced)  # every page made is moved in; the others are not touched
    assert snapshot(out) == fresh_build(site, tmp_path)
    # The marker file is new after every build that changed the output, so that a manifest of another
    # cache (a copied site) no longer matches the folder.
    assert before[plan.MARKER] != after[plan.MARKER]
    assert (out / plan.MARKER).stat().st_mode == (tmp_path / "fresh" / plan.MARKER).stat().st_mode


def test_editing_a_childs_numbers_remakes_its_parents_summary_of_that_year_and_no_other(site, tmp_path):
    build_site(site)
    out = site / "public"
    before = inodes(out)
    sites = load_site(site)[0]
    child = next(o for o in sites.offices.values() if o.parent)
    report = site / "content" / child.slug / "2023.yaml"
    text = report.read_text("utf-8")
    report.write_text(re.sub(r"^  licensing: \d+", "  licensing: 4321", text, count=1, flags=re.M), "utf-8")
    result = build_site(site)
    after = inodes(out)
    replaced = {url for url in after if before.get(url) != after[url]} - {plan.MARKER}
    summary = {
        plan.summary_url(child.parent, 2023),
        plan.summary_csv_url(child.parent, 2023),
        plan.summary_json_url(child.parent, 2023),
    }
    assert summary <= replaced  # the parent's summary of 2023, and no other summary
    assert not {url for url in replaced if "/summary/" in url} - summary
    summed = json.loads((out / plan.summary_json_url(child.parent, 2023)).read_text("utf-8"))
    assert child.slug in [c["office"] for c in summed["included"]]
    # the report, its downloads and the next year's (cross-year checks), its office's report and
    # office pages, and the index pages that list it
    own = {url for url in replaced if url.startswith(f"{child.slug}/")}
    assert (
        not (replaced - own - summary)
        - {"index.html", "feed.xml", "data/reports.csv"}
        - {url for url in replaced if url.startswith("years/2023/")}
    )
    assert not {url for url in own if not url.startswith((f"{child.slug}/2023/", f"{child.slug}/2024/"))} - {
        plan.office_url(child.slug),
        *(plan.report_url(child.slug, y) for y in range(2021, 2025)),
    }
    assert result.rendered == len(replaced)
    assert snapshot(out) == fresh_build(site, tmp_path)


def test_editing_a_headline_figure_remakes_the_year_pages_that_show_it_and_no_other(site, tmp_path):
    """A year page shows each office's change from its report of the year before, and its first page
    compares every office of the year: a 2023 figure is on the 2023 pages and the 2024 pages."""
    build_site(site)
    out = site / "public"
    before = inodes(out)
    office = some_office(site, 4)
    report = site / "content" / office / "2023.yaml"
    text = report.read_text("utf-8")
    report.write_text(re.sub(r"^  new_received: \[\d+", "  new_received: [4321", text, count=1, flags=re.M), "utf-8")
    result = build_site(site)
    after = inodes(out)
    replaced = {url for url in after if before.get(url) != after[url]} - {plan.MARKER}
    years = {url for url in replaced if url.startswith("years/")}
    assert {plan.year_url(2023), plan.year_url(2024)} <= years
    assert not {url for url in years if not url.startswith(("years/2023/", "years/2024/"))}
    assert result.rendered == len(replaced)
    assert snapshot(out) == fresh_build(site, tmp_path)


def edit_numbers(site: Path) -> None:
    """A headline figure (and the totals that keep the rules) and a publication date change."""
    office = some_office(site, 3)
    report = site / "content" / office / "2024.yaml"
    text = report.read_text(encoding="utf-8")
    text = re.sub(r"^published: .*$", "published: 2025-03-01", text, count=1, flags=re.M)
    text = re.sub(r"^  licensing: \d+", "  licensing: 4321", text, count=1, flags=re.M)
    report.write_text(text, encoding="utf-8")


def edit_layout(site: Path) -> None:
    (site / "layouts").mkdir(exist_ok=True)
    base = (ROOT / "layouts" / "base.html").read_text(encoding="utf-8")
    (site / "layouts" / "base.html").write_text(base.replace("</footer>", "<p>版式已改</p>\n</footer>"), "utf-8")


def edit_static_file(site: Path) -> None:
    (site / "layouts" / "static").mkdir(parents=True, exist_ok=True)
    (site / "layouts" / "static" / "extra.css").write_text("main { color: #111; }\n", encoding="utf-8")


def edit_site_yaml(site: Path) -> None:
    (site / "site.yaml").write_text(
        "name: 改名后的站点\nbase_url: https://www.example.gov.cn/xxgk/\n", encoding="utf-8"
    )


def delete_report(site: Path) -> None:
    (site / "content" / some_office(site, 5) / "2022.yaml").unlink()


def delete_office(site: Path) -> None:
    shutil.rmtree(site / "content" / some_office(site, 9))


def add_office(site: Path) -> None:
    parent = some_office(site, 0)
    write_office(site, "zz-new-office", "新设机关", f"parent: {parent}\nkind: 部门\n")
    for year in (2023, 2024):
        write_report(site, "zz-new-office", year, report_yaml(year))


def make_a_draft(site: Path) -> None:
    """A published report turned back into a draft. (An unreadable report fails the build: test_build_publishing.py.)"""
    report = site / "content" / some_office(site, 11) / "2023.yaml"
    report.write_text("draft: true\n" + report.read_text("utf-8"), "utf-8")


def rename_office(site: Path) -> None:
    office_file = site / "content" / some_office(site, 0) / "office.yaml"  # a county: its children name it
    office_file.write_text(office_file.read_text("utf-8").replace("name: ", "name: 新"), "utf-8")


def stray_file(site: Path) -> None:
    (site / "content" / some_office(site, 6) / "notes.txt").write_text("草稿", encoding="utf-8")


CHANGES = {
    "stray file": stray_file,
    "numbers": edit_numbers,
    "layout": edit_layout,
    "static file": edit_static_file,
    "site.yaml": edit_site_yaml,
    "deleted report": delete_report,
    "deleted office": delete_office,
    "added office": add_office,
    "draft": make_a_draft,
    "renamed office": rename_office,
}


@pytest.mark.parametrize("change", CHANGES)
def test_after_any_change_a_rebuild_equals_a_fresh_build(site, tmp_path, change):
    build_site(site)
    CHANGES[change](site)
    result = build_site(site)
    assert 0 < result.rendered or change == "stray file"
    fresh = build_site(site, tmp_path / "fresh")
    assert result.findings == fresh.findings
    assert snapshot(site / "public") == snapshot(tmp_path / "fresh")
    assert build_site(site).rendered == 0  # and the next build has nothing left to do


@pytest.mark.parametrize("change", ["layout", "code"])
def test_when_every_page_changes_the_whole_site_is_made_and_swapped_in(site, tmp_path, monkeypatch, change):
    build_site(site)
    before = inodes(site / "public")
    if change == "layout":
        edit_layout(site)
    else:  # as after installing another version of Gongkai
        monkeypatch.setattr(keys, "code_key", lambda: b"another version")
    moves = []
    real_move_in = outputs.move_in
    monkeypatch.setattr(outputs, "move_in", lambda *args: moves.append(args) or real_move_in(*args))
    result = build_site(site)
    assert result.rendered == result.files and moves == []
    after = inodes(site / "public")
    assert after.keys() == before.keys() and not any(after[url] == before[url] for url in after)
    assert snapshot(site / "public") == fresh_build(site, tmp_path)
    assert build_site(site).rendered == 0


def site_files(site: Path) -> dict[str, bytes]:
    watched = [site / "site.yaml", *(site / "content").rglob("*"), *(site / "layouts").rglob("*")]
    return {str(p): p.read_bytes() for p in watched if p.is_file()}


@pytest.mark.parametrize("change", CHANGES)
def test_told_which_files_changed_a_rebuild_equals_a_fresh_build(site, tmp_path, change):
    """The preview tells the build the files the system notified (each file written, made or removed,
    and removed folders); the build then looks at no other file, and must come to the same site."""
    build_site(site)
    before = site_files(site)
    CHANGES[change](site)
    after = site_files(site)
    told = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    told |= {str(Path(path).parent) for path in told if not Path(path).parent.exists()}
    result = build_site(site, changed=told)
    assert 0 < result.rendered or change == "stray file"
    fresh = build_site(site, tmp_path / "fresh")
    assert result.findings == fresh.findings
    assert snapshot(site / "public") == snapshot(tmp_path / "fresh")
    assert build_site(site).rendered == 0  # the manifest it left knows every file
    assert build_site(site, changed=set()).rendered == 0


def test_a_chain_of_changes_keeps_equal_to_fresh_builds(site, tmp_path):
    build_site(site)
    for change in ("added office", "numbers", "deleted report", "renamed office"):
        CHANGES[change](site)
        build_site(site)
    edit_overview(site, some_office(site, 2), 2023, "再改")
    build_site(site)
    assert snapshot(site / "public") == fresh_build(site, tmp_path)


def test_previous_and_next_links_follow_the_published_reports(site, tmp_path):
    build_site(site)
    office = some_office(site, 4)
    for year in (2022, 2021):  # 2023's previous report is 2022, then 2021, then none
        report = site / "content" / office / f"{year}.yaml"
        report.write_text("draft: true\n" + report.read_text("utf-8"), "utf-8")
        build_site(site)
        assert snapshot(site / "public") == fresh_build(site, tmp_path)
    assert 'rel="prev"' not in (site / "public" / office / "2023/index.html").read_text("utf-8")


def test_worker_processes_and_one_process_build_the_same_bytes(site, tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "POOL_MIN_REPORTS", 0)
    one = build_site(site, tmp_path / "one", jobs=1)
    two = build_site(site, tmp_path / "two", jobs=2)
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
    assert one.findings == two.findings and one.rendered == two.rendered
    edit_overview(site, some_office(site), 2024, "并行")
    add_office(site)
    build_site(site, tmp_path / "two", jobs=2)  # incremental, in worker processes
    assert snapshot(tmp_path / "two") == fresh_build(site, tmp_path)


def test_worker_processes_collect_cycles_though_the_build_does_not(site, tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "POOL_MIN_REPORTS", 0)
    loaded, _ = load_site(site)
    jobs = [SimpleNamespace(office=office) for office in loaded.offices.values()]
    with workers.no_collections(), workers.worker_pool(jobs, loaded, tmp_path, 2) as pool:
        assert not gc.isenabled()
        assert pool.submit(gc.isenabled).result() is True  # rendering makes cycles: a worker collects them


def test_a_failed_rebuild_leaves_the_output_and_the_next_build_recovers(site, tmp_path):
    build_site(site)
    out = site / "public"
    before = snapshot(out)
    edit_overview(site, some_office(site), 2023, "失败前")
    (site / "layouts").mkdir()
    (site / "layouts" / "report.html").write_text(
        "{% extends 'base.html' %}{% block main %}{{ nosuch.x }}{% endblock %}"
    )
    with pytest.raises(GongkaiError):
        build_site(site)
    assert snapshot(out) == before and leftovers(out) == []
    shutil.rmtree(site / "layouts")
    build_site(site)
    assert snapshot(out) == fresh_build(site, tmp_path)


def test_a_rebuild_stopped_while_moving_pages_in_is_redone_whole(site, tmp_path, monkeypatch):
    build_site(site)
    edit_site_yaml(site)  # every page changes, each moved in (the code and layouts are the same)
    moved = []
    real_replace = os.replace

    def replace(source, target):
        moved.append(target)
        if len(moved) == 20:
            raise KeyboardInterrupt  # Ctrl+C half-way through moving pages in
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        build_site(site)
    monkeypatch.undo()
    assert leftovers(site / "public") == []
    assert manifest.load(site / ".gongkai-cache", (site / "public").resolve(), plan.MARKER) is None
    result = build_site(site)  # no manifest: the whole site again, swapped in
    assert result.rendered == result.files
    assert snapshot(site / "public") == fresh_build(site, tmp_path)


@pytest.mark.parametrize("how", ["output deleted", "cache deleted", "output made by another build"])
def test_an_output_the_manifest_does_not_describe_is_made_whole(site, tmp_path, how):
    build_site(site)
    out = site / "public"
    if how == "output deleted":
        shutil.rmtree(out)
    elif how == "cache deleted":
        shutil.rmtree(site / ".gongkai-cache")
    else:
        other = tmp_path / "other"
        shutil.copytree(site, other)
        edit_overview(other, some_office(other), 2021, "别处")
        build_site(other, out)  # writes its own marker into the same folder
    result = build_site(site)
    assert result.rendered == result.files
    assert snapshot(out) == fresh_build(site, tmp_path)


@pytest.mark.parametrize("damage", ["cut short", "not a manifest", "another format", "another Python"])
def test_a_damaged_or_foreign_manifest_is_not_used(site, tmp_path, damage):
    build_site(site)
    [file] = (site / ".gongkai-cache" / manifest.MANIFEST_DIR).glob("*.manifest")
    data = file.read_bytes()
    values = list(manifest.marshal.loads(data))
    if damage == "cut short":
        file.write_bytes(data[: len(data) // 2])
    elif damage == "not a manifest":
        file.write_bytes(b"\x00garbage" * 100)
    elif damage == "another format":
        file.write_bytes(manifest.marshal.dumps((values[0] - 1, *values[1:])))
    else:
        file.write_bytes(manifest.marshal.dumps((values[0], "cpython-00 1", *values[2:])))
    edit_overview(site, some_office(site), 2022, "改后")
    result = build_site(site, session=BuildSession())  # as a new process finds the manifest
    assert result.rendered == result.files
    assert snapshot(site / "public") == fresh_build(site, tmp_path)


def test_an_update_writes_again_only_the_records_of_the_offices_it_read(site, monkeypatch):
    build_site(site)
    file = next((site / ".gongkai-cache" / manifest.MANIFEST_DIR).glob("*.manifest"))
    before = manifest.marshal.loads(file.read_bytes())[7]  # each office's record, as stored
    stored = []
    real = manifest.pack_record
    monkeypatch.setattr(manifest, "pack_record", lambda record: stored.append(record) or real(record))
    office = some_office(site)
    report = site / "content" / office / "2022.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(re.sub(r"^published: .*$", "published: 2023-03-01", text, count=1, flags=re.M), "utf-8")
    build_site(site, session=BuildSession())  # as a new process finds the manifest
    after = manifest.marshal.loads(file.read_bytes())[7]
    assert [record.summaries[0].office for record in stored] == [office]
    assert after.keys() == before.keys()
    assert [slug for slug in after if after[slug] != before[slug]] == [office]
    [summary] = [s for s in manifest.unpack_record(after[office]).summaries if s.year == 2022]
    assert str(summary.published) == "2023-03-01"


def test_lines_of_reports_csv_are_the_last_builds_only_for_the_same_summaries_and_columns(site):
    build_site(site)
    previous = manifest.load(site / ".gongkai-cache", (site / "public").resolve(), plan.MARKER)
    records = previous.offices
    summaries = [s for record in records.values() for s in record.summaries]
    kept = ReportLines(records, summaries, previous)
    assert kept.lines == previous.csv_lines and len(kept.lines) == len(records)
    csv = (site / "public" / plan.REPORTS_CSV).read_bytes()
    assert export.reports_csv(summaries, kept.headlines, kept.every()) == csv
    other_columns = dataclasses.replace(previous, csv_columns=("new_received",))
    assert ReportLines(records, summaries, other_columns).lines == {}
    office = some_office(site)
    fewer = {**records, office: records[office]._replace(summaries=records[office].summaries[1:])}
    lines = ReportLines(fewer, summaries, previous)
    assert set(lines.lines) == set(records) - {office}
    assert lines.of(office) == previous.csv_lines[office][1:]


def test_the_manifest_is_kept_in_the_cache_folder_and_nothing_extra_in_the_output(site):
    build_site(site)
    assert list((site / ".gongkai-cache" / manifest.MANIFEST_DIR).glob("*.manifest"))
    assert [p.name for p in (site / "public").iterdir() if p.name.startswith(".")] == [plan.MARKER]


def test_a_changed_table_layout_shows_in_the_next_build_of_the_same_process(site):
    """Builds in one process (the preview's) keep their renderer while the layouts are unchanged: a
    change to the template the table skeletons are made from must still reach every report page."""
    build_site(site)
    page = min(site.glob("public/*/2023/index.html"))
    assert "表格已替换" not in page.read_text("utf-8")
    table = (ROOT / "generator/layouts/table.html").read_text("utf-8")
    assert "<caption" in table
    (site / "layouts").mkdir(exist_ok=True)
    (site / "layouts/table.html").write_text(table.replace("<caption", '<caption data-note="表格已替换"', 1), "utf-8")
    build_site(site)
    assert page.read_text("utf-8").count('data-note="表格已替换"') == 3  # each of the three statistical tables
    (site / "layouts/table.html").unlink()
    build_site(site)
    assert "表格已替换" not in page.read_text("utf-8")
