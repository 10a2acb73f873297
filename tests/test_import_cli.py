"""`gongkai import`: files written, never overwritten, checked; exit codes; several files at once."""

from __future__ import annotations

import io
import re
import shutil
import zipfile

import docx
from conftest import run_process
from helpers import write_office, write_site
from import_sources import EXAMPLE, SAMPLE, numbered_sample, replace_line
from test_import_docx import word_report
from test_import_html import applications_table, portal_page, proactive_table, review_table

from generator.check import load_report
from generator.importer import MAX_IMPORT_BYTES, import_file


def report(site, year: int = 2023, slug: str = "hehualu"):
    found, findings = load_report(site / "content" / slug / f"{year}.yaml", f"{year}.yaml", slug)
    assert found is not None, findings
    return found


def test_a_new_user_imports_the_sample_and_checks_the_site(tmp_path):
    site = write_site(tmp_path / "s")
    result = run_process("import", str(SAMPLE), "--office", "hehualu", cwd=site)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    assert "已写入 content/hehualu/2023.yaml" in result.out
    assert (site / "content" / "report.schema.json").exists()
    assert "name: 荷花路街道办事处" in (site / "content" / "hehualu" / "office.yaml").read_text(encoding="utf-8")
    example, _ = load_report(EXAMPLE, "example", "hehualu")
    imported = report(site)
    assert imported.values == example.values
    assert imported.texts == example.texts
    check = run_process("check", cwd=site)
    assert check.code == 0, check.out
    assert "0 个错误" in check.out


def test_an_existing_report_is_not_overwritten_without_force(tmp_path, cli):
    site = write_site(tmp_path / "s")
    target = site / "content" / "hehualu" / "2023.yaml"
    target.parent.mkdir(parents=True)
    target.write_text("# 已有的报告\n", encoding="utf-8")
    result = cli("import", SAMPLE, "--office", "hehualu", "--site", site, cwd=site)
    assert result.code == 1
    assert "文件已存在" in result.out + result.err and "--force" in result.out + result.err
    assert target.read_text(encoding="utf-8") == "# 已有的报告\n"
    assert cli("import", SAMPLE, "--office", "hehualu", "--site", site, "--force", cwd=site).code == 0
    assert report(site).year == 2023


def test_unplaced_values_stop_the_import_unless_partial(tmp_path, cli):
    text, _ = numbered_sample()
    text = replace_line(text, "⇥⇥2.重复申请", "\t\t2.重复申请\t221\t222\t223")
    source = tmp_path / "2023.txt"
    source.write_text(text, encoding="utf-8")
    site = write_site(tmp_path / "s")
    result = cli("import", source, "--office", "hehualu", "--site", site, cwd=site)
    assert result.code == 1
    assert not (site / "content" / "hehualu" / "2023.yaml").exists()
    line = text.split("\n").index("\t\t2.重复申请\t221\t222\t223") + 1
    assert re.search(rf"2023\.txt:{line}:\d+: error: .*2\.重复申请.*3 个数值", result.out)
    assert "--partial" in result.out
    assert re.search(r"2023\.txt\s+2023\s+2021\s+193\s+10\s+0\s+未写入", result.out)

    result = cli("import", source, "--office", "hehualu", "--site", site, "--partial", cwd=site)
    assert result.code == 0
    written = (site / "content" / "hehualu" / "2023.yaml").read_text(encoding="utf-8")
    assert "已写 0，请核对：applications.repeated.natural_person" in written
    assert report(site).values["applications.repeated.natural_person"] == 0
    assert "已写入（部分）" in result.out


def test_a_report_that_breaks_rules_is_written_and_the_rules_listed(tmp_path, cli):
    text, _ = numbered_sample()  # every value different: the sums of the form cannot hold
    source = tmp_path / "hehualu-2023.txt"
    source.write_text(text, encoding="utf-8")
    site = write_site(tmp_path / "s")
    result = cli("import", source, "--office", "hehualu", "--site", site, cwd=site)
    assert result.code == 0
    assert re.search(r"content/hehualu/2023\.yaml:\d+:\d+: error: 第一项加第二项之和", result.out)
    assert re.search(r"content/hehualu/2023\.yaml:\d+:\d+: error: 总计应等于", result.out)
    errors = int(re.search(r"检查 content/hehualu/2023\.yaml：(\d+) 个错误", result.out).group(1))
    assert errors > 0
    assert re.search(rf"hehualu-2023\.txt\s+2023\s+2021\s+200\s+0\s+{errors}\s+已写入", result.out)


def test_a_folder_of_reports_in_several_formats_of_files(tmp_path, cli):
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "2023.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    values = import_file(SAMPLE, "sample").values
    page = portal_page([proactive_table(values), applications_table(values), review_table(values)])
    (folder / "2022.html").write_bytes(page.replace("2023", "2022").replace("2024", "2023").encode("gb18030"))
    word_report(folder / "2021.docx", values, year=2021)
    (folder / "notes.md").write_text("不是报告", encoding="utf-8")
    site = write_site(tmp_path / "s")
    result = cli("import", folder, "--office", "hehualu", "--site", site, cwd=site)
    assert result.code == 0, result.out + result.err
    assert [report(site, year).year for year in (2021, 2022, 2023)] == [2021, 2022, 2023]
    rows = [line for line in result.out.splitlines() if re.match(r"\S*old/\d{4}\.\w+\s+\d{4}\s", line)]
    assert [row.split()[0].rsplit("/", 1)[-1] for row in rows] == ["2021.docx", "2022.html", "2023.txt"]
    assert all(row.split()[-1] == "已写入" for row in rows)
    assert "共 3 个文件，写入 3 份报告" in result.out
    assert report(site, 2022).published.isoformat() == "2023-01-19"


def test_two_files_of_one_year_write_the_first_only(tmp_path, cli):
    site = write_site(tmp_path / "s")
    copy = tmp_path / "copy.txt"
    copy.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("import", SAMPLE, copy, "--office", "hehualu", "--site", site, cwd=site)
    assert result.code == 1
    assert "同一年度（2023）" in result.out
    assert "年度重复" in result.out


def test_usage_errors_exit_2(tmp_path, cli):
    site = write_site(tmp_path / "s")
    assert cli("import", SAMPLE, "--office", "He Hua", "--site", site, cwd=site).code == 2
    assert cli("import", SAMPLE, SAMPLE, "--office", "hehualu", "--year", "2023", "--site", site, cwd=site).code == 2
    assert cli("import", SAMPLE, "--site", site, cwd=site).code == 2
    assert cli("import", SAMPLE, "--office", "hehualu", "--format", "2017", "--site", site, cwd=site).code == 2
    assert not (site / "content" / "hehualu").exists()


def test_files_that_cannot_be_read_fail_without_a_traceback(tmp_path):
    site = write_site(tmp_path / "s")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    result = run_process(
        "import",
        str(tmp_path / "scan.pdf"),
        str(tmp_path / "broken.docx"),
        str(tmp_path / "missing.txt"),
        "--office",
        "hehualu",
        cwd=site,
    )
    assert result.code == 1
    assert "Traceback" not in result.out + result.err
    assert ".txt" in result.out + result.err and "PDF" in result.out + result.err
    assert "找不到这个文件" in result.err
    assert "无法读取 Word 文件" in result.out + result.err


def test_the_year_option_and_an_office_with_another_name_that_year(tmp_path, cli):
    site = write_site(tmp_path / "s")
    write_office(site, "hehualu", "荷花路街道")
    result = cli("import", SAMPLE, "--office", "hehualu", "--site", site, "--year", "2022", cwd=site)
    assert result.code == 0, result.out
    assert "标题中的年度是 2023，已按指定的 2022 年度导入" in result.out
    imported = report(site, 2022)
    assert imported.office_name == "荷花路街道办事处"
    assert (site / "content" / "hehualu" / "office.yaml").read_text(encoding="utf-8") == "name: 荷花路街道\n"


def test_the_previous_years_report_is_checked_against(tmp_path, cli):
    site = write_site(tmp_path / "s")
    text, _ = numbered_sample()
    (tmp_path / "2022.txt").write_text(text.replace("2023 年", "2022 年"), encoding="utf-8")
    (tmp_path / "2023.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli(
        "import", tmp_path / "2023.txt", tmp_path / "2022.txt", "--office", "hehualu", "--site", site, cwd=site
    )
    assert result.code == 0
    assert re.search(r"content/hehualu/2023\.yaml:\d+:\d+: warning: 本年“上年结转”应等于上一年度报告", result.out)
    assert result.out.index("已写入 content/hehualu/2022.yaml") < result.out.index("已写入 content/hehualu/2023.yaml")


def test_a_forced_format_that_does_not_fit(tmp_path, cli):
    site = write_site(tmp_path / "s")
    result = cli("import", SAMPLE, "--office", "hehualu", "--site", site, "--format", "2019", cwd=site)
    assert result.code == 1
    assert "未写入" in result.out
    assert not (site / "content" / "hehualu" / "2023.yaml").exists()


def _docx_with(part: str, xml: bytes | None) -> bytes:
    """A .docx made by python-docx, with one part's XML replaced (None: the part left out)."""
    made = io.BytesIO()
    docx.Document().save(made)
    out = io.BytesIO()
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == part:
                if xml is not None:
                    target.writestr(item, xml)
            else:
                target.writestr(item, source.read(item.filename))
    return out.getvalue()


def _bad_crc(data: bytes) -> bytes:
    """A zip whose document part's bytes are damaged after it was written (its CRC no longer matches)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(data)
    for offset in range(start + 5, start + 25):
        damaged[offset] ^= 0x55
    return bytes(damaged)


def test_unreadable_files_are_one_line_each_and_the_batch_goes_on(tmp_path):
    site = write_site(tmp_path / "s")
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "a-good.txt")
    broken = {
        "b-bad-xml.docx": _docx_with("word/document.xml", b"<w:document xmlns:w='x'><w:body><w:p>"),
        "c-bad-styles.docx": _docx_with("word/styles.xml", b"<?xml version='1.0'?><w:styles <<<"),
        "d-no-document.docx": _docx_with("word/document.xml", None),
        "e-bad-crc.docx": _bad_crc(_docx_with("word/document.xml", b"<w:document/>" + b" " * 4000)),
        "f-picture.docx": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        "g-zip.htm": _docx_with("word/document.xml", b"<broken"),  # a .docx renamed .htm
        "h-binary.txt": bytes(range(256)) * 64,
        "i-scan.txt": b"%PDF-1.4\n" + bytes(range(256)) * 4,  # a PDF renamed .txt
    }
    for name, data in broken.items():
        (folder / name).write_bytes(data)
    result = run_process("import", str(folder), "--office", "hehualu", cwd=site)
    output = result.out + result.err
    assert result.code == 1 and "Traceback" not in output
    assert (site / "content" / "hehualu" / "2023.yaml").exists(), output  # the good file was written
    summary = output[output.index("文件  ") :].splitlines()
    rows = {line.split()[0].rsplit("/", 1)[-1]: line for line in summary[2:-1]}
    assert rows["a-good.txt"].endswith("已写入")
    assert [name for name in broken if rows[name].endswith("无法读取")] == list(broken), summary
    for name in broken:
        lines = [line for line in output.splitlines() if f"{name}: error:" in line]
        assert len(lines) == 1 and ("无法读取" in lines[0] or "PDF" in lines[0]) and len(lines[0]) < 300, lines
    assert summary[-1] == f"共 {len(broken) + 1} 个文件，写入 1 份报告"


def test_a_file_over_the_import_limit_is_refused_unread(tmp_path, cli):
    site = write_site(tmp_path / "s")
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:
        handle.truncate(MAX_IMPORT_BYTES + 1)  # sparse: no disk used
    result = cli("import", big, "--office", "hehualu", cwd=site)
    assert result.code == 1
    assert "big.txt: error: 文件超过 50 MiB 的上限，未导入" in result.out + result.err
    assert not (site / "content" / "hehualu").exists()
