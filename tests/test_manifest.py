"""The build manifest (generator/build/manifest.py): what it keeps of a build, read back as written,
and when it is not used; the file digests (build/keys.py FileKeys) that say which inputs changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.build import BuildSession, build_site, manifest
from generator.build.keys import FileKeys
from generator.read.files import CACHE_DIR
from generator.site import plan
from tests.helpers import report_yaml, write_office, write_report, write_site


@pytest.fixture
def site(tmp_path) -> Path:
    root = write_site(tmp_path / "site")
    write_office(root, "hehualu", "荷花路街道办事处")
    write_office(root, "qiaotou", "桥头镇人民政府")
    for year in (2022, 2023):
        write_report(root, "hehualu", year, report_yaml(year))
    write_report(root, "qiaotou", 2023, report_yaml(2023))
    return root


def load(site: Path, kept: manifest.Kept | None = None) -> manifest.Manifest | None:
    return manifest.load(site / CACHE_DIR, (site / "public").resolve(), plan.MARKER, kept)


def test_what_a_build_saves_is_what_the_next_process_reads(site):
    build_site(site)
    saved = load(site)
    assert saved is not None and saved.output == str((site / "public").resolve())
    assert sorted(saved.offices) == ["hehualu", "qiaotou"]
    assert [s.year for s in saved.offices["hehualu"].summaries] == [2022, 2023]
    assert saved.written() == {
        p.relative_to(site / "public").as_posix() for p in (site / "public").rglob("*") if p.is_file()
    } - {plan.MARKER}
    assert set(saved.pages) >= saved.written()
    assert saved.site and saved.site[0].offices.keys() == {"hehualu", "qiaotou"}  # the Site, from its own file
    again = load(site)
    assert again == saved  # read twice, the same values
    for record in saved.offices.values():  # each office's record, as the file holds it, reads back the same
        assert manifest.unpack_record(manifest.pack_record(record)) == record


def test_saving_again_keeps_the_bytes_of_records_it_shares_with_the_last_manifest(site):
    build_site(site)
    saved = load(site)
    cache = site / CACHE_DIR
    changed = saved.offices["qiaotou"]._replace(reports=99)
    manifest.save(
        cache, manifest.Manifest(**{**saved.__dict__, "offices": {**saved.offices, "qiaotou": changed}}), saved
    )
    now = load(site)
    assert now.stored["hehualu"] is not None and now.stored["hehualu"] == saved.stored["hehualu"]
    assert now.offices["qiaotou"].reports == 99 and now.offices["hehualu"] == saved.offices["hehualu"]


@pytest.mark.parametrize("change", ["another build wrote the output", "the marker file deleted", "output moved"])
def test_a_manifest_describes_its_output_folder_only_as_it_was(site, tmp_path, change):
    build_site(site)
    out = site / "public"
    if change == "another build wrote the output":
        (out / plan.MARKER).write_text("again", "utf-8")
        os.utime(out / plan.MARKER, ns=(1, 1))
    elif change == "the marker file deleted":
        (out / plan.MARKER).unlink()
    else:
        shutil.move(out, tmp_path / "moved")
        assert manifest.load(site / CACHE_DIR, (tmp_path / "moved").resolve(), plan.MARKER) is None
        return
    assert load(site) is None


def test_the_site_is_given_back_only_for_the_same_listing(site):
    build_site(site)
    saved = load(site)
    cache = site / CACHE_DIR
    assert saved.site
    other = manifest.Manifest(**{**saved.__dict__, "listing": ("another listing",), "site": ()})
    manifest.save(cache, other, saved)  # the manifest's listing changed, not the stored site's
    assert load(site).site == ()


def test_a_kept_manifest_serves_until_its_file_changes(site):
    build_site(site)
    kept = manifest.Kept()
    first = load(site, kept)
    assert load(site, kept).offices["hehualu"] is first.offices["hehualu"]  # not read again
    assert load(site).offices["hehualu"] is not first.offices["hehualu"]  # without it, read from the file
    write_report(site, "qiaotou", 2022, report_yaml(2022))
    build_site(site)  # another process's build: a new file
    assert [s.year for s in load(site, kept).offices["qiaotou"].summaries] == [2022, 2023]
    manifest.forget(site / CACHE_DIR, (site / "public").resolve(), kept)
    assert load(site, kept) is None


def test_a_session_keeps_what_its_builds_read_and_a_new_session_reads_again(site, monkeypatch):
    session = BuildSession()
    build_site(site, session=session)
    reads = []
    real = manifest.unpack_record
    monkeypatch.setattr(manifest, "unpack_record", lambda stored: reads.append(1) or real(stored))
    assert build_site(site, session=session).rendered == 0
    assert reads == []  # the manifest this session wrote, kept
    assert build_site(site, session=BuildSession()).rendered == 0
    assert len(reads) == 2  # a new process reads it: one record per office


def test_file_keys_change_with_a_files_contents_and_only_then(site):
    build_site(site)
    previous = load(site)
    report = "content/hehualu/2023.yaml"
    before = FileKeys(site, previous)
    assert before(report) == previous.files[report][4]
    path = site / report
    stat = path.stat()
    path.write_bytes(path.read_bytes())  # the same bytes, written again: new times, the same digest
    assert FileKeys(site, previous)(report) == previous.files[report][4]
    path.write_text(path.read_text("utf-8").replace("2023", "2024", 1), "utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old modification time
    assert FileKeys(site, previous)(report) != previous.files[report][4]  # its size changed
    assert FileKeys(site, previous)("content/hehualu/2022.yaml") == previous.files["content/hehualu/2022.yaml"][4]


def test_file_keys_told_what_changed_look_at_nothing_else(site):
    build_site(site)
    previous = load(site)
    told = FileKeys(site, previous, frozenset({"content/qiaotou"}))
    assert told.as_before(["content/hehualu/2023.yaml", "site.yaml"])
    assert not told.as_before(["content/qiaotou/2023.yaml"])  # inside a folder that changed
    (site / "content/hehualu/2023.yaml").write_text("changed, but nobody said so", "utf-8")
    assert told("content/hehualu/2023.yaml") == previous.files["content/hehualu/2023.yaml"][4]
