"""files.write_user_file, the one way commands write a user's file: schema -o, new, import."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from generator.model.findings import GongkaiError
from generator.read import files
from tests.conftest import SAMPLES


@pytest.fixture
def umask():
    """Run with a given umask, restored after the test."""
    saved = os.umask(0o022)
    os.umask(saved)

    def use(mask: int) -> None:
        os.umask(mask)

    yield use
    os.umask(saved)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_a_new_file_gets_the_process_umask_like_open(tmp_path, umask, mask):
    umask(mask)
    files.write_user_file(tmp_path / "a.json", "{}")
    with open(tmp_path / "b.json", "w") as handle:
        handle.write("{}")
    assert mode(tmp_path / "a.json") == mode(tmp_path / "b.json") == 0o666 & ~mask


def test_an_existing_file_is_refused_without_force_and_kept_as_it_was(tmp_path):
    target = tmp_path / "site.yaml"
    target.write_text("name: 站点\n", encoding="utf-8")
    with pytest.raises(GongkaiError) as raised:
        files.write_user_file(target, "{}")
    (finding,) = raised.value.findings
    assert str(target.name) in finding.position.path and "--force" in finding.message and "已存在" in finding.message
    assert target.read_text(encoding="utf-8") == "name: 站点\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.yaml"]  # no temporary file left


@pytest.mark.parametrize("existing", [0o664, 0o600, 0o640])
def test_force_replaces_a_file_and_keeps_its_mode(tmp_path, umask, existing):
    umask(0o077)  # what the umask would give differs from every existing mode but one
    target = tmp_path / "2024.yaml"
    target.write_text("old", encoding="utf-8")
    target.chmod(existing)
    files.write_user_file(target, "new", force=True)
    assert target.read_text(encoding="utf-8") == "new" and mode(target) == existing


def test_a_missing_folder_is_not_made(tmp_path):
    target = tmp_path / "nonexistent" / "dir" / "x.json"
    with pytest.raises(GongkaiError) as raised:
        files.write_user_file(target, "{}", force=True)
    assert "不存在" in raised.value.findings[0].message
    assert not (tmp_path / "nonexistent").exists()


def test_a_folder_is_not_replaced_by_a_file(tmp_path):
    (tmp_path / "content").mkdir()
    with pytest.raises(GongkaiError, match="目录"):
        files.write_user_file(tmp_path / "content", "{}", force=True)
    assert (tmp_path / "content").is_dir()


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "a.yaml"
    target.write_text("old", encoding="utf-8")

    def broken(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", broken)
    with pytest.raises(GongkaiError, match="无法写入"):
        files.write_user_file(target, "new", force=True)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


# --- the commands ----------------------------------------------------------------------------------


def test_schema_output_refuses_to_overwrite_and_makes_no_folder(cli, example_site, umask):
    umask(0o022)
    report = example_site / "content" / "hehualu" / "2023.yaml"
    before = {name: (example_site / name).read_bytes() for name in ("site.yaml", "content/hehualu/2023.yaml")}
    for name in before:
        result = cli("schema", "-o", name, cwd=example_site)
        assert result.code == 1 and "--force" in result.err and name.split("/")[-1] in result.err
        assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert {name: (example_site / name).read_bytes() for name in before} == before

    result = cli("schema", "-o", str(example_site / "nonexistent" / "dir" / "x.json"), cwd=example_site)
    assert result.code == 1 and "不存在" in result.err and not (example_site / "nonexistent").exists()

    assert cli("schema", "-o", "schema.json", cwd=example_site).code == 0
    assert json.loads((example_site / "schema.json").read_text(encoding="utf-8"))["type"] == "object"
    assert mode(example_site / "schema.json") == 0o644
    report.chmod(0o664)
    assert cli("schema", "-o", "content/hehualu/2023.yaml", "--force", cwd=example_site).code == 0
    assert report.read_text(encoding="utf-8").startswith("{") and mode(report) == 0o664


def test_new_and_import_make_files_with_the_umask_and_force_keeps_the_mode(cli, empty_site, umask):
    umask(0o022)
    assert cli("new", "a", "2024", cwd=empty_site).code == 0
    made = [empty_site / "content" / "a" / name for name in ("office.yaml", "2024.yaml")]
    made.append(empty_site / "content" / "report.schema.json")
    assert [mode(path) for path in made] == [0o644] * 3
    made[1].chmod(0o664)
    assert cli("new", "a", "2024", "--force", cwd=empty_site).code == 0
    assert mode(made[1]) == 0o664

    result = cli("import", SAMPLES / "hehualu-2023.txt", "--office", "hehualu", cwd=empty_site)
    assert result.code == 0, result.out + result.err
    imported = [empty_site / "content" / "hehualu" / name for name in ("office.yaml", "2023.yaml")]
    assert [mode(path) for path in imported] == [0o644, 0o644]
    imported[1].chmod(0o660)
    result = cli("import", SAMPLES / "hehualu-2023.txt", "--office", "hehualu", "--force", cwd=empty_site)
    assert result.code == 0 and mode(imported[1]) == 0o660
