"""The output folder holds what the builds wrote and the site's extra/ files; any other file is
removed, with a line each, in a full build and in an update alike."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from generator.build import CACHE_DIR, build_site
from generator.build.outputs import REMOVED
from tests.helpers import report_yaml, write_office, write_report, write_site

VERIFY = "baidu_verify_abc.html"


@pytest.fixture
def site(tmp_path) -> Path:
    root = write_site(tmp_path / "site")
    write_office(root, "a", "某机关")
    write_report(root, "a", 2023, report_yaml(2023))
    (root / "extra").mkdir()
    (root / "extra" / VERIFY).write_text("baidu-site-verification: abc", encoding="utf-8")
    (root / "extra" / ".well-known").mkdir()
    (root / "extra" / ".well-known" / "security.txt").write_text("Contact: mailto:x@example.gov.cn", encoding="utf-8")
    return root


def everything(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def removed(result) -> list[str]:
    return sorted(f.message.removeprefix(REMOVED) for f in result.findings if f.message.startswith(REMOVED))


@pytest.mark.parametrize("full", [False, True])
def test_extra_files_are_published_and_others_removed_in_every_build(site, full):
    public = site / "public"
    first = build_site(site)
    assert (public / VERIFY).read_text(encoding="utf-8") == "baidu-site-verification: abc"
    assert (public / ".well-known" / "security.txt").exists()
    assert removed(first) == []

    (public / "google123.html").write_text("hand-made", encoding="utf-8")
    (public / "a" / "notes.txt").write_text("hand-made", encoding="utf-8")
    (public / "uploads" / "deep").mkdir(parents=True)
    (public / "uploads" / "deep" / "x.pdf").write_bytes(b"%PDF")
    if full:  # without the manifest, the build makes the whole site and swaps it in
        shutil.rmtree(site / CACHE_DIR)
    (site / "extra" / "360_verify.txt").write_text("360", encoding="utf-8")
    second = build_site(site)
    assert removed(second) == ["a/notes.txt", "google123.html", "uploads/deep/x.pdf"]
    assert all(f.severity == "warning" and f.position.path.endswith(tuple(removed(second))) for f in second.findings)
    assert not (public / "google123.html").exists() and not (public / "a" / "notes.txt").exists()
    assert not (public / "uploads").exists()
    assert (public / "360_verify.txt").read_text(encoding="utf-8") == "360"
    assert (public / VERIFY).exists() and (public / "a" / "2023" / "index.html").exists()

    (site / "extra" / VERIFY).unlink()  # an extra file taken away goes, as a page that is no more
    third = build_site(site)
    assert removed(third) == [] and not (public / VERIFY).exists()
    assert build_site(site).rendered == 0  # and a build with nothing changed writes nothing


def test_the_line_for_each_removed_file_is_printed(cli, site):
    assert cli("build", cwd=site).code == 0
    (site / "public" / "google123.html").write_text("hand-made", encoding="utf-8")
    result = cli("build", cwd=site)
    assert result.code == 0
    assert f"public/google123.html: warning: {REMOVED}google123.html" in result.err


@pytest.mark.parametrize(
    "name", ["index.html", "feed.xml", "a/verify.html", "a", "years/x.html", "static/style.css", ".gongkai-output"]
)
def test_an_extra_file_may_not_replace_a_page_or_stand_in_a_folder_of_the_site(cli, site, name):
    extra = site / "extra" / name
    extra.parent.mkdir(parents=True, exist_ok=True)
    extra.write_text("HAND-MADE", encoding="utf-8")
    assert cli("build", "--out", "good", cwd=site).code == 1  # an error in the site's input: nothing built
    shutil.move(extra, site / "aside")
    assert cli("build", cwd=site).code == 0
    shutil.move(site / "aside", extra)
    before = everything(site / "public")
    result = cli("build", cwd=site)
    assert f"extra/{name}: error: extra 中的 {name} 会替换网站生成的页面或目录，未发布" in result.err
    assert result.code == 1 and everything(site / "public") == before  # the output as it was
    assert not (site / "good").exists()


def test_an_extra_file_linked_from_outside_the_site_is_refused(cli, site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER", encoding="utf-8")
    (site / "extra" / "leak.txt").symlink_to(secret)
    result = cli("build", cwd=site)
    assert "extra/leak.txt: error: 符号链接指向站点目录之外，已拒绝读取" in result.err
    assert result.code == 1 and not (site / "public").exists() and "SECRET-MARKER" not in result.out + result.err


def test_a_file_added_long_after_the_last_build_is_found(site):
    """Folders unchanged since the last build are not listed: one where a file was added later is."""
    public = site / "public"
    build_site(site)
    past = time.time() - 60
    for folder in [public, *(p for p in public.rglob("*") if p.is_dir())]:
        os.utime(folder, (past, past))
    os.utime(public / ".gongkai-output", (past + 10, past + 10))  # the last build ended then
    (public / "a" / "2023" / "old.html").write_text("hand-made", encoding="utf-8")
    assert removed(build_site(site)) == ["a/2023/old.html"]
    assert not (public / "a" / "2023" / "old.html").exists()
