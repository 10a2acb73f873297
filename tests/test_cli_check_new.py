"""`gongkai check` and `gongkai new` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

from generator.check import load_report
from generator.model.format import get_format
from tests.conftest import ROOT, run_process
from tests.helpers import line_of, write_office, write_report


def test_new_writes_a_report_that_passes_check(cli, empty_site):
    result = cli("new", "hehualu", "2024", "--name", "荷花路街道办事处", cwd=empty_site)
    assert result.code == 0, result.err
    report_file = empty_site / "content" / "hehualu" / "2024.yaml"
    text = report_file.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../report.schema.json\n")
    assert (empty_site / "content" / "report.schema.json").exists()
    assert "name: 荷花路街道办事处" in (empty_site / "content" / "hehualu" / "office.yaml").read_text(encoding="utf-8")
    # every row of the form is there, each with a Chinese comment naming it
    fmt = get_format("2021")
    for table in fmt.tables.values():
        for _, row in table.row_entries():
            line = text.splitlines()[line_of(text, f"  {row.id}:") - 1]
            assert row.label.zh in line
    assert "每行依次为 自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计" in text
    check = cli("check", cwd=empty_site)
    assert check.code == 0, check.out
    assert "0 个错误" in check.lines[-1]


def test_new_never_overwrites_without_force(cli, empty_site):
    assert cli("new", "a", "2024", cwd=empty_site).code == 0
    target = empty_site / "content" / "a" / "2024.yaml"
    target.write_text("# my edits\n", encoding="utf-8")
    result = cli("new", "a", "2024", cwd=empty_site)
    assert result.code == 1
    assert "文件已存在" in result.err and "--force" in result.err
    assert target.read_text(encoding="utf-8") == "# my edits\n"
    assert cli("new", "a", "2024", "--force", cwd=empty_site).code == 0
    assert target.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_new_prefills_carried_over_from_last_year(cli, empty_site):
    assert cli("new", "a", "2023", "--name", "甲", cwd=empty_site).code == 0
    last = empty_site / "content" / "a" / "2023.yaml"
    text = last.read_text(encoding="utf-8").replace(
        "carried_forward: [0, 0, 0, 0, 0, 0, 0]", "carried_forward: [2, 0, 1, 0, 0, 0, 3]"
    )
    last.write_text(text, encoding="utf-8")
    assert cli("new", "a", "2024", cwd=empty_site).code == 0
    report, _ = load_report(empty_site / "content/a/2024.yaml", "x", "a")
    assert [report.value("applications", "carried_over", c) for c in ("natural_person", "research", "total")] == [
        2,
        1,
        3,
    ]


def test_new_uses_the_format_of_the_year(cli, empty_site):
    assert cli("new", "a", "2020", "--name", "甲", cwd=empty_site).code == 0
    text = (empty_site / "content/a/2020.yaml").read_text(encoding="utf-8")
    assert 'format: "2019"' in text and "central_procurement" in text
    assert cli("check", cwd=empty_site).code == 0


def test_new_rejects_bad_slug_and_missing_site(cli, tmp_path, empty_site):
    result = cli("new", "../evil", "2024", cwd=empty_site)
    assert result.code == 1 and "不合规" in result.err
    assert not (empty_site.parent / "evil").exists()
    result = cli("new", "a", "2024", cwd=tmp_path)
    assert result.code == 1 and "site.yaml" in result.err


def test_break_a_sum_then_fix_it(cli, empty_site):
    """The journey of the issue: new, break a sum, read the message, fix, check again."""
    cli("new", "a", "2024", "--name", "甲", cwd=empty_site)
    path = empty_site / "content/a/2024.yaml"
    good = path.read_text(encoding="utf-8")
    broken = good.replace("new_received: [0, 0, 0, 0, 0, 0, 0]", "new_received: [3, 0, 0, 0, 0, 0, 3]")
    path.write_text(broken, encoding="utf-8")
    result = cli("check", cwd=empty_site)
    assert result.code == 1
    line = line_of(broken, "new_received:")
    assert (
        f"content/a/2024.yaml:{line}:18: error: 第一项加第二项之和应等于第三项加第四项之和（自然人列：3 + 0 ≠ 0 + 0）"
        in result.lines
    )
    assert result.lines[-1] == "检查了 1 个机关的 1 份报告：2 个错误，3 个警告"
    path.write_text(good, encoding="utf-8")
    assert cli("check", cwd=empty_site).code == 0


def test_check_json_output(cli, empty_site):
    write_office(empty_site, "a", "甲")
    write_report(empty_site, "a", 2023, "format: '2021'\nyear: 2023\nbad: 1\n")
    result = cli("check", "--format", "json", cwd=empty_site)
    assert result.code == 1
    data = json.loads(result.out)
    assert data["errors"] >= 1 and data["reports"] == 1
    first = data["findings"][0]
    assert set(first) == {"path", "line", "column", "severity", "message", "rule"}


def test_check_usage_error_exits_2(cli, empty_site):
    assert cli("check", "--format", "xml", cwd=empty_site).code == 2


def test_check_reports_office_problems(cli, empty_site):
    write_office(empty_site, "a", "甲", "parent: nowhere\nkind: 街道\n")
    (empty_site / "content" / "Bad_Name").mkdir()
    (empty_site / "content" / "a" / "2023.yml").write_text("x: 1\n", encoding="utf-8")
    result = cli("check", cwd=empty_site)
    text = "\n".join(result.lines)
    assert result.code == 1
    assert "上级机关“nowhere”不存在" in text
    assert "content/a/office.yaml:3:7: error: 机关类型“街道”无效" in text
    assert "机关目录名“Bad_Name”不合规" in text
    assert "已忽略 2023.yml" in text


@pytest.mark.parametrize(
    "base_url, where",
    [
        ("www.example.gov.cn/xxgk/", "2:11"),  # no scheme
        ("https://www.example.gov.cn/xxgk", "2:11"),  # no "/" at the end
        ("ftp://www.example.gov.cn/xxgk/", "2:11"),
        ('"https:///xxgk/"', "2:11"),  # no host
    ],
)
def test_a_base_url_check_and_build_both_refuse(cli, example_site, base_url, where):
    """site.yaml's settings are validated once (read/settings.py), with positions: check and build say the same."""
    site_yaml = example_site / "site.yaml"
    site_yaml.write_text(f"name: 站点\nbase_url: {base_url}\n", encoding="utf-8")
    expected = f"site.yaml:{where}: error: base_url“"
    checked = cli("check", cwd=example_site)
    assert checked.code == 1 and any(expected in line and "以 / 结尾" in line for line in checked.lines)
    built = cli("build", cwd=example_site)
    assert built.code == 1 and expected in built.err
    assert not (example_site / "public").exists()
    site_yaml.write_text("name: 站点\nbase_url: https://www.example.gov.cn/xxgk/\n", encoding="utf-8")
    assert not any("base_url" in line for line in cli("check", cwd=example_site).lines)


def test_site_yaml_is_validated(cli, empty_site):
    (empty_site / "site.yaml").write_text("name: 站点\nbase_ur: https://x\ncontact: 123\n", encoding="utf-8")
    result = cli("check", cwd=empty_site)
    assert "site.yaml:2:1: error: site.yaml中没有“base_url”这一项".replace("base_url", "base_ur") in result.lines[0]
    assert "是否想写“base_url”" in result.lines[0]
    assert any("site.yaml:3:10: error: site.yaml的 contact应为“键: 值”的映射" in line for line in result.lines)


def test_example_site_passes_check_as_a_process(example_site):
    result = run_process("check", cwd=example_site)
    assert result.code == 0, result.out + result.err
    assert "0 个错误" in result.out


def test_no_traceback_on_unreadable_input(example_site):
    (example_site / "content" / "hehualu" / "2022.yaml").write_bytes(b"\xff\xfe\x00bad")
    result = run_process("check", cwd=example_site)
    assert "Traceback" not in result.err
    assert result.code == 1
    assert "content/hehualu/2022.yaml:" in result.out


def test_schema_validates_the_example_structure(cli, example_site):
    result = cli("schema")
    schema = json.loads(result.out)
    branch = next(b["then"] for b in schema["allOf"] if b["if"]["properties"]["format"]["const"] == "2021")
    example = yaml.safe_load((example_site / "content/hehualu/2023.yaml").read_text(encoding="utf-8"))
    assert set(example) <= set(branch["properties"])
    assert set(branch["required"]) <= set(example)
    rows = branch["properties"]["applications"]["properties"]
    assert rows["new_received"]["minItems"] == 6 and rows["new_received"]["maxItems"] == 7
    assert rows["new_received"]["items"][0]["title"] == "自然人"


def test_broken_office_yaml_does_not_stop_the_others(cli, empty_site):
    write_office(empty_site, "a", "甲")
    (empty_site / "content" / "a" / "office.yaml").write_text("name: [甲\n", encoding="utf-8")
    cli("new", "b", "2023", "--name", "乙", cwd=empty_site)
    result = cli("check", cwd=empty_site)
    assert result.code == 1
    assert any(line.startswith("content/a/office.yaml:2:1: error: YAML 语法错误") for line in result.lines)
    assert result.lines[-1].startswith("检查了 1 个机关的 1 份报告")


def test_shipped_schema_is_current(cli):
    """content/report.schema.json, which the example's files reference, is what `gongkai schema` writes now."""
    from tests.conftest import ROOT

    assert (ROOT / "content" / "report.schema.json").read_text(encoding="utf-8") == cli("schema").out


def test_schema_is_shipped_in_the_site(cli, example_site):
    out = example_site / "public"
    assert cli("build", example_site, "--out", out).code == 0
    assert (out / "data" / "report.schema.json").read_text(encoding="utf-8") == cli("schema").out
    assert 'href="data/report.schema.json"' in (out / "index.html").read_text(encoding="utf-8")


def test_a_report_file_that_cannot_be_read_is_one_positioned_error(cli, empty_site):
    write_office(empty_site, "a", "甲街道办事处")
    (empty_site / "content/a/2023.yaml").mkdir()  # named like a report file, but a folder
    result = cli("check", empty_site)
    assert result.code == 1
    assert "Traceback" not in result.err + result.out
    assert any("content/a/2023.yaml: error: 无法读取文件" in line for line in (result.out + result.err).splitlines())


def test_output_read_only_in_part_ends_without_a_traceback(empty_site):
    """`gongkai check | head -1`: the reader goes away while findings are still printed."""
    write_office(empty_site, "a", "甲")
    text = "format: '2021'\nyear: 2023\n" + "".join(f"bad{n}: 1\n" for n in range(5000))  # 400 KB of findings
    write_report(empty_site, "a", 2023, text)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "check"],
        cwd=empty_site,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout.readline()
    process.stdout.close()  # as `head -1` does
    stderr = process.stderr.read().decode()
    assert process.wait() == 1
    assert "Traceback" not in stderr
