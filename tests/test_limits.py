"""Limits on content files: no YAML anchors or aliases, a size per file, rows per free-form table, and
messages that quote a short excerpt of what was read, never a whole file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.read import simpleyaml, source
from generator.read.reports import MAX_FREE_TABLE_ROWS
from tests.conftest import ROOT
from tests.helpers import report_yaml, write_office, write_report, write_site


def alias_bomb() -> str:
    """A 3 KB free-form report whose aliases expand to 200 tables of 200 rows of 200 cells (8 million)."""
    cells = ", ".join(["*a"] * 200)
    rows = ", ".join(["*b"] * 200)
    lines = ["format: legacy", "year: 2015", "text: 正文", "x: &a 哈哈", f"y: &b [{cells}]", f"z: &c [{rows}]"]
    lines += ["tables:", "  - &t {caption: 表, header: [*b], rows: *c}"] + ["  - *t"] * 199
    return "\n".join(lines) + "\n"


MEASURE = """
import json, sys, time
from generator.cli import main
started = time.process_time()  # processor time: what other processes on the machine do does not count
code = main(sys.argv[1:])
seconds = time.process_time() - started
# The peak of this program's memory: VmHWM starts anew at exec (getrusage's maxrss would keep the
# peak of the test process that forked it).
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"code": code, "seconds": seconds, "kib": int(peak.split()[1])}))
"""


def measured(*args: str, cwd: Path) -> tuple[dict, str]:
    """Run a command in a process of its own: its exit code, seconds and peak memory, and what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *args], cwd=cwd, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)}
    )
    *printed, last = done.stdout.strip().splitlines()
    return json.loads(last), "\n".join(printed) + done.stderr


@pytest.mark.parametrize("verb", ["check", "build"])
def test_the_alias_bomb_fails_at_once_in_little_memory(tmp_path, verb):
    site = write_site(tmp_path / "site")
    write_office(site, "x", "某机关")
    bomb = site / "content" / "x" / "2015.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    assert len(bomb.read_bytes()) < 5000
    result, output = measured(verb, ".", cwd=site)
    assert result["code"] == 1
    assert result["seconds"] < 1.0 and result["kib"] < 100 * 1024, result
    assert "content/x/2015.yaml:4:4: error: YAML 锚点和别名" in output
    assert not (site / "public" / "x").exists()


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("site.yaml", "name: &n 站点\n", "site.yaml:1:7"),
        ("content/a/office.yaml", "name: 某机关\nfull_name: *n\n", None),  # an undefined alias: a syntax error
        ("content/a/office.yaml", "name: &n 某机关\nfull_name: *n\n", "content/a/office.yaml:1:7"),
        ("content/a/2023.yaml", None, "content/a/2023.yaml"),
    ],
)
def test_anchors_and_aliases_are_refused_in_every_content_file(cli, tmp_path, name, text, where):
    site = write_site(tmp_path / "site")
    write_office(site, "a", "某机关")
    write_report(site, "a", 2023, report_yaml(2023))
    if text is None:  # a report whose two sections share a text
        report = site / name
        body = report.read_text(encoding="utf-8")
        body = body.replace("problems: |-", "problems: &p |-", 1) + "\nextra: *p\n"
        text = body
    (site / name).write_text(text, encoding="utf-8")
    result = cli("check", site)
    assert result.code == 1
    if where is None:
        assert "未定义的别名" in result.out + result.err
    else:
        assert f"{where}" in result.out + result.err and "锚点和别名" in result.out + result.err


def test_ampersands_and_asterisks_in_text_are_fine(cli, tmp_path):
    site = write_site(tmp_path / "site")
    write_office(site, "a", "某机关")
    write_report(site, "a", 2023, report_yaml(2023, overview="R&D 与 *重点* 工作 & 其他，见 **附表**。"))
    result = cli("check", site)
    assert result.code == 0, result.out + result.err


def test_the_quick_reader_leaves_anchors_and_aliases_to_the_full_one():
    assert simpleyaml.parse("a: &x 1\nb: *x\n") is None
    assert simpleyaml.parse("a: 1\nb: 2\n") is not None


def test_a_content_file_over_the_size_limit_is_refused_unread(cli, tmp_path):
    site = write_site(tmp_path / "site")
    write_office(site, "a", "某机关")
    write_office(site, "b", "另一机关")
    write_report(site, "b", 2023, report_yaml(2023))
    big = report_yaml(2023, overview="很长的总体情况。" * 50_000)
    assert len(big.encode()) > source.MAX_FILE_BYTES
    write_report(site, "a", 2023, big)
    result = cli("check", site)
    assert result.code == 1
    assert "content/a/2023.yaml:1:1: error: 文件有 1.1 MiB，超过了 1 MiB 的上限" in result.out + result.err
    assert "很长的总体情况" not in result.out + result.err
    result = cli("build", site)  # a file that cannot be read fails the build, changing nothing
    assert result.code == 1 and not (site / "public").exists()
    result = cli("build", site, "--keep-going")  # the others are published; the big one never was
    assert result.code == 0 and (site / "public" / "b" / "2023" / "index.html").exists()
    assert not (site / "public" / "a" / "2023").exists()


def test_a_free_form_table_over_the_row_limit_is_refused(cli, tmp_path):
    site = write_site(tmp_path / "site")
    write_office(site, "a", "某机关")

    def legacy(rows: int) -> str:
        lines = [f"      - [第{n}项, {n}]" for n in range(rows)]
        return "\n".join(
            ["format: legacy", "year: 2015", "text: 正文", "tables:", "  - caption: 表", "    header: [[项目, 数量]]"]
            + ["    rows:", *lines]
        )

    write_report(site, "a", 2015, legacy(MAX_FREE_TABLE_ROWS))
    assert cli("check", site).code == 0
    write_report(site, "a", 2015, legacy(MAX_FREE_TABLE_ROWS + 1))
    result = cli("check", site)
    assert result.code == 1 and f"content/a/2015.yaml:8:7: error: 这个附表有 {MAX_FREE_TABLE_ROWS + 1} 行" in result.out


def test_a_message_quotes_at_most_a_short_excerpt_of_the_file(cli, tmp_path):
    site = write_site(tmp_path / "site")
    write_office(site, "a", "某机关")
    secret = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n" * 20
    secret += "-----END OPENSSH PRIVATE KEY-----\n"
    write_report(site, "a", 2023, secret)
    body = report_yaml(2023).replace("year: 2023", "year: 2023\n" + "x" * 200 + ": 1", 1)
    write_report(site, "a", 2022, body.replace("year: 2023", "year: 2022"))
    result = cli("check", site)
    output = result.out + result.err
    assert result.code == 1 and "content/a/2023.yaml:1:1" in output and "content/a/2022.yaml" in output
    assert "END OPENSSH" not in output and "x" * 41 not in output
    assert max(len(line) for line in output.splitlines()) < 200
