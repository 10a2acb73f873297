"""The search index (search.py, build.py): what Pagefind indexes, when, and what a failure leaves."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pytest

from generator.build import build_site, search
from generator.build.outputs import REMOVED
from generator.model.findings import GongkaiError
from tests.helpers import report_yaml, write_office, write_report, write_site


def fragments(out: Path) -> dict[str, str]:
    """Each indexed page's URL and text, read back from Pagefind's fragments (gzip), without the zero-width
    spaces the extended build puts between the Chinese words it found."""
    found = {}
    for file in sorted((out / search.INDEX_DIR / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(file.read_bytes()).decode("utf-8", "replace").replace("\u200b", "")
        url = re.search(r'"url":"([^"]+)"', data).group(1)
        found[url] = data
    return found


def settled_fragments(out: Path) -> dict[str, str]:
    """fragments(), or none while the preview is swapping a new index in (a file listed may be gone)."""
    try:
        return fragments(out)
    except FileNotFoundError:
        return {}


def searchable_site(root: Path) -> Path:
    write_site(root)
    (root / "site.yaml").write_text("name: 测试站点\nsearch: true\n", encoding="utf-8")
    write_office(root, "hehualu", "荷花路街道办事处", "kind: 乡镇街道\nparent: quzhengfu\n")
    write_office(root, "quzhengfu", "某某区人民政府", "kind: 政府\n")
    counts = {
        f"applications.{row}.{column}": 4321
        for row in ("new_received", "granted", "outcome_total")
        for column in ("natural_person", "total")
    }
    write_report(root, "hehualu", 2023, report_yaml(2023, values=counts, problems="行政复议案件的答复说理还不够充分。"))
    write_report(root, "quzhengfu", 2023, report_yaml(2023))
    write_report(root, "quzhengfu", 2022, "draft: true\n" + report_yaml(2022, problems="蓝鲸专项尚未完成。"))
    return root


def index_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "pagefind").rglob("*")) if p.is_file()}


def test_the_index_holds_the_published_report_pages_only_not_drafts_nor_navigation(tmp_path):
    site = searchable_site(tmp_path / "site")
    for drafts, out in ((False, site / "public"), (True, site / "review")):
        build_site(site, out, drafts=drafts)
        pages = fragments(out)
        assert sorted(pages) == ["/hehualu/2023/index.html", "/quzhengfu/2023/index.html"]
        assert (out / "quzhengfu/2022/index.html").exists() == drafts  # the draft's page is in the review copy only
        text = pages["/hehualu/2023/index.html"]
        assert "行政复议案件的答复说理" in text and "荷花路街道办事处" in text
        assert '"year":["2023"]' in text and '"kind":["乡镇街道"]' in text and '"parent":["quzhengfu"]' in text
        for outside in ("按年度浏览", "无障碍声明", "下载本报告数据", "目录"):  # navigation, footer, downloads, toc
            assert outside not in text
        assert "新收政府信息公开申请数量" in text  # table labels are indexed, not their figures
        assert 'class="num">4321</td>' in (out / "hehualu/2023/index.html").read_text("utf-8")
        assert "4321" not in text
        assert not any("蓝鲸专项" in t for t in pages.values())


def test_the_search_page_and_header_link_come_with_search_true_only(tmp_path):
    site = searchable_site(tmp_path / "site")
    build_site(site)
    page = (site / "public/search/index.html").read_text("utf-8")
    assert '<label for="search-query">关键词</label>' in page and 'role="status"' in page
    assert '<option value="2023">2023年度</option>' in page and '<option value="2022">' not in page  # drafts' years
    assert '<option value="乡镇街道">' in page and '<option value="quzhengfu">某某区人民政府的下级机关</option>' in page
    assert 'data-index="../pagefind/pagefind.js"' in page
    report = (site / "public/hehualu/2023/index.html").read_text("utf-8")
    assert '<a href="../../search/index.html">搜索</a>' in report and "data-pagefind-body" in report

    (site / "site.yaml").write_text("name: 测试站点\n", encoding="utf-8")
    build_site(site)
    assert not (site / "public/search").exists() and not (site / "public/pagefind").exists()
    assert not (site / "public/static/search.js").exists()
    report = (site / "public/hehualu/2023/index.html").read_text("utf-8")
    assert "搜索" not in report and "data-pagefind-body" not in report and "data-pagefind-filter" not in report


def test_the_index_is_made_again_only_when_a_report_page_changed(tmp_path):
    site = searchable_site(tmp_path / "site")
    out = site / "public"
    build_site(site)
    entry = out / "pagefind/pagefind-entry.json"
    first = entry.stat().st_ino
    (site / "site.yaml").write_text("name: 测试站点\nsearch: true\nicp: 京ICP备00000000号\n", encoding="utf-8")
    build_site(site)  # every page changes (the footer): the index is made again
    second = entry.stat().st_ino
    assert second != first
    result = build_site(site)  # nothing changed: the index stays, and is not taken for a stranger's files
    assert entry.stat().st_ino == second
    assert not [f for f in result.findings if f.message.startswith(REMOVED)]
    write_report(site, "hehualu", 2023, report_yaml(2023, problems="信息处理费的收取标准已公开。"))
    build_site(site)
    assert "信息处理费的收取标准" in fragments(out)["/hehualu/2023/index.html"]
    (site / "content/hehualu/2023.yaml").unlink()
    build_site(site)
    assert sorted(fragments(out)) == ["/quzhengfu/2023/index.html"]


def test_a_failed_index_leaves_the_output_as_it_was(tmp_path, monkeypatch):
    site = searchable_site(tmp_path / "site")
    out = site / "public"
    build_site(site)
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    monkeypatch.setattr(search, "executable", lambda where: Path("/bin/false"))
    write_report(site, "hehualu", 2023, report_yaml(2023, problems="改过的问题。"))
    with pytest.raises(GongkaiError) as failed:
        build_site(site)
    assert [f.message for f in failed.value.findings] == ["生成搜索索引失败（Pagefind）：退出码 1"]
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before
    assert [p.name for p in site.iterdir() if p.name.startswith(".public")] == []


def test_search_true_without_the_search_extra_says_what_to_install(tmp_path, monkeypatch, cli):
    import sys

    site = searchable_site(tmp_path / "site")
    monkeypatch.setitem(sys.modules, "pagefind_bin_extended", None)  # as if not installed: import fails
    message = "site.yaml:2:9: error: 设置了 search: true，但没有安装全文搜索组件（Pagefind 扩展版）：请运行 pip install 'gongkai[search]'"
    result = cli("build", str(site))
    assert result.code == 1
    assert message in result.err
    assert not (site / "public").exists()
    result = cli("check", str(site))  # check says so too, as the build does
    assert result.code == 1
    assert message in result.out + result.err


def test_search_must_be_true_or_false(tmp_path, cli):
    site = searchable_site(tmp_path / "site")
    (site / "site.yaml").write_text("name: 测试站点\nsearch: 是\n", encoding="utf-8")
    result = cli("build", str(site))
    assert result.code == 1
    assert "site.yaml:2:9: error: 全文搜索（true 或 false）应写 true 或 false" in result.err


def test_pagefind_is_deterministic_but_for_the_order_of_filter_values(tmp_path):
    """Two builds of the same pages give the same index, but for Pagefind's filter files: it writes a
    filter's values in the order of a hash map, which changes from run to run, and the files naming
    them by hash (pagefind-entry.json, the .pf_meta file) change with them."""
    site = searchable_site(tmp_path / "site")
    one = index_files(build_site(site, tmp_path / "one").output)
    two = index_files(build_site(site, tmp_path / "two").output)
    differ = {name for name in one.keys() | two.keys() if one.get(name) != two.get(name)}
    assert {
        name for name in differ if not re.match(r"pagefind/(filter/|pagefind\.zh-cn_|pagefind-entry)", name)
    } == set()
    assert any(name.startswith("pagefind/fragment/") for name in one) and any(
        name.startswith("pagefind/index/") for name in one
    )


def test_the_preview_shows_the_edited_page_first_and_makes_the_index_after(tmp_path, monkeypatch):
    from tests.test_serve import page, running, wait_for

    site = searchable_site(tmp_path / "site")
    made: list[bool] = []  # each index made: whether the edited page was already in the output
    real = search.index_output

    def index_output(out, urls):
        made.append("收费标准已在网站公开" in (out / "hehualu/2023/index.html").read_text("utf-8"))
        real(out, urls)

    monkeypatch.setattr(search, "index_output", index_output)
    with running(site) as preview:
        out = preview.out
        wait_for(lambda: (out / "pagefind").is_dir())
        assert made == [False] and "/hehualu/2023/index.html" in fragments(out)
        assert "/quzhengfu/2022/index.html" not in fragments(out)  # the preview shows drafts, but never indexes them
        write_report(site, "hehualu", 2023, report_yaml(2023, problems="收费标准已在网站公开。"))
        wait_for(lambda: "收费标准已在网站公开" in page(preview, "hehualu/2023/")[1])
        wait_for(lambda: "收费标准已在网站公开" in settled_fragments(out).get("/hehualu/2023/index.html", ""))
        assert made == [False, True]  # the edited page was served before the index was made


def test_a_missing_index_is_made_again_by_the_next_build(tmp_path):
    site = searchable_site(tmp_path / "site")
    build_site(site)
    shutil.rmtree(site / "public/pagefind")
    assert build_site(site).rendered == 0  # no page changed
    assert sorted(fragments(site / "public")) == ["/hehualu/2023/index.html", "/quzhengfu/2023/index.html"]


def test_builds_that_end_while_an_index_is_made_make_one_more_index_not_one_each(tmp_path):
    from types import SimpleNamespace

    from generator.preview.server import Outcome, Preview

    preview = Preview(tmp_path)
    queued: list = []
    preview.indexer = SimpleNamespace(submit=queued.append)  # the indexer thread, busy with an earlier index
    made: list[int] = []

    def outcome(number: int) -> Outcome:
        return Outcome(SimpleNamespace(make_search_index=lambda: made.append(number)), (), (), 0.0)

    for number in range(3):
        preview.index_later(outcome(number))
    assert len(queued) == 1
    queued[0]()
    assert made == [2]  # the latest build's pages
    preview.index_later(outcome(3))
    assert len(queued) == 2


def test_search_later_leaves_the_index_to_the_caller(tmp_path):
    site = searchable_site(tmp_path / "site")
    out = site / "public"
    first = build_site(site, search_later=True, save_manifest=False)
    assert not (out / "pagefind").exists()
    first.save_manifest()
    assert not (out / "pagefind").exists()  # saving the manifest does not make the index
    first.make_search_index()
    assert sorted(fragments(out)) == ["/hehualu/2023/index.html", "/quzhengfu/2023/index.html"]
    write_report(site, "hehualu", 2023, report_yaml(2023, problems="新的问题说明。"))
    second = build_site(site, search_later=True)
    assert "新的问题说明" in (out / "hehualu/2023/index.html").read_text("utf-8")
    assert "新的问题说明" not in fragments(out)["/hehualu/2023/index.html"]
    second.make_search_index()
    assert "新的问题说明" in fragments(out)["/hehualu/2023/index.html"]
    assert build_site(site, search_later=True).make_search_index is None  # nothing changed


def index_words(out: Path) -> set[str]:
    """The words of Pagefind's index (each a CBOR text string in the gzipped index chunks) among WORDS."""
    data = b"".join(gzip.decompress(f.read_bytes()) for f in (out / "pagefind/index").glob("*.pf_index"))
    return {word for word in WORDS if bytes([0x60 + len(word.encode())]) + word.encode() in data}


WORDS = ("复议", "收费", "荷花", "行政复议", "订阅", "首页")  # the last two: the footer's and navigation's


def test_the_example_site_is_indexed_in_chinese_words(example_site):
    """The extended build splits Chinese into words: 行政复议 is indexed as 行政 and 复议, 荷花路 as 荷花 and 路
    (a query is split the same way), so that a search for the two-character word 复议 finds it; the
    standard build would index no Chinese word at all. Navigation and footer words are not indexed."""
    out = build_site(example_site).output
    assert sorted(fragments(out)) == [f"/hehualu/{year}/index.html" for year in (2015, 2020, 2023)]
    assert index_words(out) == {"复议", "收费", "荷花"}
