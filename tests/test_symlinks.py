"""The site folder is a boundary: content, layouts and static files are read only from inside it. A
symbolic link out of the site is refused where it is, unread; one inside the site is followed."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build_site
from generator.read.files import OUTSIDE_SITE, OutsideSite, read_file, site_files
from tests.helpers import report_yaml, write_office, write_report, write_site

MARKER = "SECRET-MARKER-7f3a9c"


@pytest.fixture
def secret(tmp_path) -> Path:
    """A private file outside the site, which reads as a valid report (the worst case)."""
    outside = tmp_path / "home"
    outside.mkdir()
    file = outside / "id_rsa"
    file.write_text(report_yaml(2021, overview=MARKER), encoding="utf-8")
    (outside / "office.yaml").write_text(f"name: {MARKER}\n", encoding="utf-8")
    (outside / "2021.yaml").write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    return file


@pytest.fixture
def site(tmp_path) -> Path:
    root = write_site(tmp_path / "site")
    write_office(root, "a", "某机关")
    write_report(root, "a", 2022, report_yaml(2022))
    return root


def everything(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()) if folder.exists() else b""


def assert_not_leaked(result, site: Path) -> None:
    output = result.out + result.err
    assert MARKER not in output and "BEGIN" not in output
    assert MARKER.encode() not in everything(site / "public")


def test_a_report_linked_from_outside_is_refused_where_it_is(cli, site, secret):
    (site / "content" / "a" / "2021.yaml").symlink_to(secret)
    result = cli("check", cwd=site)
    assert result.code == 1
    assert f"content/a/2021.yaml: error: {OUTSIDE_SITE}" in result.out + result.err
    result = cli("build", cwd=site)  # a file that cannot be read fails the build, changing nothing
    assert result.code == 1 and not (site / "public").exists()
    assert_not_leaked(result, site)
    result = cli("build", "--keep-going", cwd=site)
    assert result.code == 0 and (site / "public" / "a" / "2022" / "index.html").exists()
    assert not (site / "public" / "a" / "2021").exists()
    assert_not_leaked(result, site)


def test_an_office_folder_linked_from_outside_is_refused(cli, site, secret):
    (site / "content" / "evil").symlink_to(secret.parent, target_is_directory=True)
    result = cli("build", cwd=site)
    assert f"content/evil: error: {OUTSIDE_SITE}" in result.out + result.err
    assert not (site / "public" / "evil").exists()
    assert_not_leaked(result, site)


@pytest.mark.parametrize("name", ["office.yaml", "site.yaml"])
def test_settings_linked_from_outside_are_refused(cli, site, secret, name):
    file = site / ("content/a/office.yaml" if name == "office.yaml" else name)
    file.unlink()
    file.symlink_to(secret.parent / "office.yaml")
    result = cli("check", cwd=site)
    assert result.code == 1 and OUTSIDE_SITE in result.out + result.err
    assert_not_leaked(cli("build", cwd=site), site)


@pytest.mark.parametrize("name", ["static/x.txt", "report.html", "static/sub"])
def test_layouts_linked_from_outside_stop_the_build(cli, site, secret, name):
    link = site / "layouts" / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(secret.parent if name == "static/sub" else secret)
    result = cli("build", cwd=site)
    assert result.code == 1
    assert f"layouts/{name}: error: {OUTSIDE_SITE}" in result.out + result.err
    assert_not_leaked(result, site)


def test_the_layouts_folder_linked_from_outside_is_refused(cli, site, tmp_path):
    elsewhere = tmp_path / "theme"
    (elsewhere / "static").mkdir(parents=True)
    (elsewhere / "static" / "x.txt").write_text(MARKER, encoding="utf-8")
    (site / "layouts").symlink_to(elsewhere, target_is_directory=True)
    result = cli("build", cwd=site)
    assert result.code == 1 and f"layouts: error: {OUTSIDE_SITE}" in result.out + result.err
    assert_not_leaked(result, site)


def test_links_inside_the_site_are_followed(cli, site):
    archive = site / "archive"
    archive.mkdir()
    (archive / "2021.yaml").write_text(report_yaml(2021, overview="归档的报告"), encoding="utf-8")
    (site / "content" / "a" / "2021.yaml").symlink_to(Path("../../archive/2021.yaml"))
    (site / "assets").mkdir()
    (site / "assets" / "logo.txt").write_text("logo", encoding="utf-8")
    (site / "layouts" / "static").mkdir(parents=True)
    (site / "layouts" / "static" / "logo.txt").symlink_to(site / "assets" / "logo.txt")
    (site / "layouts" / "static" / "loop").symlink_to(site / "layouts", target_is_directory=True)
    write_office(site, "b", "另一机关")
    (site / "content" / "c").symlink_to(site / "content" / "b", target_is_directory=True)
    result = cli("build", cwd=site)
    assert result.code == 0, result.out + result.err
    assert "归档的报告" in (site / "public" / "a" / "2021" / "index.html").read_text(encoding="utf-8")
    assert (site / "public" / "static" / "logo.txt").read_text(encoding="utf-8") == "logo"
    assert (site / "public" / "c" / "index.html").exists()


def test_read_file_refuses_a_link_out_of_the_site_and_follows_one_inside(site, secret):
    outside = site / "content" / "a" / "2021.yaml"
    outside.symlink_to(secret)
    with pytest.raises(OutsideSite):
        read_file(outside)
    inner = site / "content" / "a" / "2023.yaml"
    inner.symlink_to(site / "content" / "a" / "2022.yaml")
    assert read_file(inner)[1] == (site / "content" / "a" / "2022.yaml").read_bytes()
    lone = secret.parent / "link.yaml"  # in no site at all
    lone.symlink_to(secret)
    with pytest.raises(OutsideSite):
        read_file(lone)


def test_site_files_lists_the_files_and_the_links_out(site, secret):
    base = site / "extra"
    (base / "sub").mkdir(parents=True)
    (base / "sub" / "a.txt").write_text("a", encoding="utf-8")
    (base / ".hidden").write_text("h", encoding="utf-8")
    (base / "b.txt").symlink_to(secret)
    (base / "c.txt").symlink_to(base / "sub" / "a.txt")
    (base / "d").symlink_to(secret.parent, target_is_directory=True)
    found, refused = site_files(base, site)
    assert list(found) == ["c.txt", "sub/a.txt"]
    assert sorted(p.name for p in refused) == ["b.txt", "d"]


def test_no_link_no_check(site, monkeypatch):
    """The check costs nothing for files that are not links: is_symlink() comes with the folder's
    listing, and a read with O_NOFOLLOW finds links: no path is resolved but those of links."""
    import generator.read.files
    import generator.read.site

    checked = []
    for module in (generator.read.files, generator.read.site):
        monkeypatch.setattr(module, "inside", lambda path, root: checked.append(path) or True)
    mine = lambda: [path for path in checked if str(site) in str(path)]  # noqa: E731
    for year in range(2000, 2020):
        write_report(site, "a", year, report_yaml(year))
    build_site(site)
    assert mine() == []
    (site / "archive").mkdir()
    (site / "archive" / "2023.yaml").write_text(report_yaml(2023), encoding="utf-8")
    (site / "content" / "a" / "2023.yaml").symlink_to(site / "archive" / "2023.yaml")
    build_site(site)
    assert {Path(p).name for p in mine()} == {"2023.yaml"}


def test_new_writes_nothing_through_a_link_out_of_the_site(cli, site, secret):
    (site / "content" / "b").symlink_to(secret.parent, target_is_directory=True)
    before = sorted(p.name for p in secret.parent.iterdir())
    result = cli("new", "b", "2024", "--name", "乙机关", cwd=site)
    assert result.code == 1 and "content/b: error: 符号链接指向站点目录之外，未写入" in result.err
    assert sorted(p.name for p in secret.parent.iterdir()) == before
