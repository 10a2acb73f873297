"""The status page (发布情况) and its CSV: every office per year, as of the date the build is told."""

from __future__ import annotations

import csv
import io

from generator.render import pages
from tests.html_tree import parse_html
from tests.test_build_links import check_site_links
from tests.test_deadlines import county


def rows(page, year: int) -> list[list[str]]:
    section = page.find("section", id=f"status-{year}")
    return [[cell.text.strip() for cell in row.children if hasattr(cell, "tag")] for row in section.iter("tr")][1:]


def test_the_page_lists_every_office_with_its_status_as_of_the_date(cli, tmp_path):
    root = county(tmp_path)
    result = cli("build", root, "--as-of", "2024-05-01")
    assert result.code == 0, result.err
    out = root / "public"
    page = parse_html((out / "status/index.html").read_text(encoding="utf-8"))
    lead = page.find("p", class_="lead").text
    assert "统计截至 2024-05-01。" in lead
    assert "政府 03-31；部门 01-31；乡镇街道 01-31；其他 01-31" in lead  # the 2019 regulation's, not 2008's
    counts = page.find("table")
    assert [th.text for th in counts.iter("th")][:6] == ["年度", "按时", "逾期", "未发布", "未到期", "未注明发布日期"]
    assert [[c.text for c in row.iter() if c.tag in ("th", "td")] for row in counts.iter("tr")][1:] == [
        ["2023年度", "1", "1", "1", "0", "0"],
        ["2022年度", "1", "0", "2", "0", "0"],
    ]
    assert rows(page, 2023) == [  # by name in pinyin order (mǒu mǒu zhèn, mǒu xiàn jiào…, mǒu xiàn rén…)
        ["某某镇人民政府", "乡镇街道", "2024-01-31", "—", "未发布"],
        ["某县教育局", "部门", "2024-01-31", "2024-01-20", "按时"],
        ["某县人民政府", "政府", "2024-03-31", "2024-04-02", "逾期 2 天"],
    ]
    links = [a.attrs["href"] for a in page.find("section", id="status-2023").iter("a")]
    assert links == ["../town/index.html", "../edu/2023/index.html", "../gov/2023/index.html"]
    table = page.find("section", id="status-2023").find("table")
    assert "data-sortable" in table.attrs  # sorted by sort.js, as the year page
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="status/index.html"' in home
    check_site_links(out)

    data = (out / "status/status.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines[0] == ["year", "office", "office_name", "kind", "deadline", "published", "status", "days_late"]
    assert ["2023", "gov", "某县人民政府", "政府", "2024-03-31", "2024-04-02", "逾期 2 天", "2"] in lines
    assert ["2023", "town", "某某镇人民政府", "乡镇街道", "2024-01-31", "", "未发布", "91"] in lines
    assert len(lines) == 1 + 2 * 3


def test_same_content_and_date_give_the_same_bytes(cli, tmp_path):
    root = county(tmp_path)
    assert cli("build", root, "--out", tmp_path / "a", "--as-of", "2024-05-01").code == 0
    assert cli("build", root, "--out", tmp_path / "b", "--as-of", "2024-05-01").code == 0
    for name in ("status/index.html", "status/status.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_another_date_makes_the_status_pages_alone_again(cli, tmp_path):
    root = county(tmp_path)
    assert cli("build", root, "--as-of", "2024-01-25").code == 0
    before = (root / "public/status/index.html").read_text(encoding="utf-8")
    assert "统计截至 2024-01-25" in before
    result = cli("build", root, "--as-of", "2024-02-01")
    assert "其中本次写入 2 个" in result.out  # the page and its CSV
    after = parse_html((root / "public/status/index.html").read_text(encoding="utf-8"))
    assert {row[0]: row[-1] for row in rows(after, 2023)}["某某镇人民政府"] == "未发布"
    assert cli("build", root, "--as-of", "2024-02-01").out.count("其中本次写入 0 个") == 1


def test_a_year_of_many_offices_lists_those_to_chase(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(pages, "STATUS_PAGE_ROWS", 2)  # three offices: more than a page lists
    root = county(tmp_path)
    assert cli("build", root, "--as-of", "2024-05-01").code == 0
    page = parse_html((root / "public/status/index.html").read_text(encoding="utf-8"))
    assert [row[0] for row in rows(page, 2023)] == ["某某镇人民政府", "某县人民政府"]  # missing, late
    note = page.find("section", id="status-2023").find("p").text
    assert note.startswith("本年度共 3 个机关。为便于阅读，这里只列出逾期、未发布、未注明发布日期的 2 个机关")
    lines = (root / "public/status/status.csv").read_text(encoding="utf-8-sig").splitlines()
    assert sum(line.startswith("2023,") for line in lines) == 3  # the CSV has every office
