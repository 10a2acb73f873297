"""Publishing never takes a report offline by accident: a build that cannot read its input fails and
changes nothing; --keep-going keeps an unreadable report as last published; drafts are not published;
revisions are shown; a report taken offline is logged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.build import build_site, keys, workers
from generator.model.findings import GongkaiError
from tests.helpers import report_yaml, write_office, write_report, write_site
from tests.test_build import leftovers, snapshot

pytestmark = pytest.mark.usefixtures("one_session")  # a test's builds share a session, as in one process

BASE_URL = "https://www.example.gov.cn/xxgk/"
PHRASE = "本草稿独有的一句话：荷塘月色工作法"
DRAFT_OFFICE = "试点新区筹备办公室"


@pytest.fixture
def site(tmp_path) -> Path:
    """Two offices, two years each, with base_url (so that there is a sitemap)."""
    root = write_site(tmp_path / "site")
    (root / "site.yaml").write_text(f"name: 测试站点\nbase_url: {BASE_URL}\n", encoding="utf-8")
    write_office(root, "quzhengfu", "某某区人民政府", "kind: 政府\n")
    write_office(root, "hehualu", "荷花路街道办事处", "parent: quzhengfu\n")
    for year in (2022, 2023):
        for slug in ("hehualu", "quzhengfu"):
            text = report_yaml(year).replace("# published:", "published:").replace("  # 发布日期：发布时填写", "")
            write_report(root, slug, year, text)
    return root


def every_file_text(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text("utf-8", "replace") for p in folder.rglob("*") if p.is_file()}


def lines_naming(text: str, needle: str) -> list[str]:
    return [line for line in text.splitlines() if needle in line]


# --- what makes a build fail ---------------------------------------------------------------------------


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, encoding="utf-8")


BREAKAGES = {
    "yaml error": lambda site: append(site / "content/hehualu/2023.yaml", "overview: [1, 2\n"),
    "encoding": lambda site: (site / "content/hehualu/2023.yaml").write_bytes(  # neither UTF-8 nor GB18030
        (site / "content/hehualu/2023.yaml").read_bytes() + b"# \xff\xff\n"
    ),
    "wrong type": lambda site: append(site / "content/hehualu/2023.yaml", "published: 上个月\n"),
    "unknown key": lambda site: append(site / "content/hehualu/2023.yaml", "remarks: 无\n"),
    "missing key": lambda site: (site / "content/hehualu/2023.yaml").write_text(
        re.sub(r"\nproblems: [^\n]*\n", "\n", (site / "content/hehualu/2023.yaml").read_text("utf-8")), "utf-8"
    ),
    "placeholder": lambda site: write_report(
        site, "hehualu", 2023, report_yaml(2023, overview="【待填写】本年度工作情况")
    ),
    "office.yaml": lambda site: (site / "content/hehualu/office.yaml").write_text("name: [荷花路\n", "utf-8"),
    "site.yaml": lambda site: append(site / "site.yaml", "footer: 无此项\n"),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_a_file_that_cannot_be_read_fails_the_build_and_changes_nothing(site, breakage):
    build_site(site)
    out = site / "public"
    before = snapshot(out)
    BREAKAGES[breakage](site)
    with pytest.raises(GongkaiError) as caught:
        build_site(site)
    errors = [f for f in caught.value.findings if f.severity == "error" and f.position.line]
    assert errors and all(not f.rule for f in errors)
    assert all(re.fullmatch(r".+\.yaml:\d+:\d+: error: .+", str(f)) for f in errors)
    assert snapshot(out) == before and leftovers(out) == []


def test_the_command_lists_every_finding_and_exits_1(cli, site):
    assert cli("build", str(site)).code == 0
    before = snapshot(site / "public")
    append(site / "content/hehualu/2023.yaml", "overview: [1, 2\n")
    append(site / "content/quzhengfu/2022.yaml", "remarks: 无\n")
    result = cli("build", str(site))
    assert result.code == 1
    assert re.search(r"hehualu/2023\.yaml:\d+:\d+: error: YAML", result.err)
    assert re.search(r"quzhengfu/2022\.yaml:\d+:\d+: error: .*remarks", result.err)
    assert "构建失败，输出目录未改动" in result.err
    assert snapshot(site / "public") == before


def test_broken_rules_still_publish_with_their_notice(site):
    write_report(site, "hehualu", 2023, report_yaml(2023, {"applications.new_received.natural_person": 5}))
    result = build_site(site)
    assert result.errors and all(f.rule for f in result.findings if f.severity == "error")
    assert "不符合勾稽关系" in (site / "public/hehualu/2023/index.html").read_text("utf-8")
    with pytest.raises(GongkaiError):
        build_site(site, strict=True)


# --- --keep-going ---------------------------------------------------------------------------------------


KEPT_FILES = ("hehualu/2023/index.html", "hehualu/2023/report.json", "hehualu/2023/report.csv")


@pytest.mark.parametrize("jobs", [1, 2])
def test_keep_going_keeps_the_last_published_report_and_its_lines_everywhere(site, tmp_path, monkeypatch, jobs):
    monkeypatch.setattr(workers, "POOL_MIN_REPORTS", 0)  # with jobs=2, offices are read by worker processes
    build_site(site, jobs=jobs)
    out = site / "public"
    first = every_file_text(out)
    append(site / "content/hehualu/2023.yaml", "overview: [1, 2\n")
    # Another report changes too, so that every index page is made again.
    other = site / "content/quzhengfu/2023.yaml"
    other.write_text(other.read_text("utf-8").replace("published: 2024-01-20", "published: 2024-02-01"), "utf-8")
    result = build_site(site, keep_going=True, jobs=jobs)
    assert len(result.notices) == 1
    assert result.notices[0].endswith("content/hehualu/2023.yaml：无法读取，保留上次发布的版本")
    assert result.skipped == 1 and result.rendered > 0
    now = every_file_text(out)
    assert "quzhengfu/2023" in now["feed.xml"] and "2024-02-01" in now["feed.xml"]  # the index pages were made
    for url in KEPT_FILES:
        assert now[url] == first[url]
    assert now["hehualu/2022/index.html"] == first["hehualu/2022/index.html"]  # its "next year" link stays
    needle = "hehualu/2023/"
    for url in ("index.html", "hehualu/index.html", "years/2023/index.html", "feed.xml", "sitemap.xml"):
        assert lines_naming(now[url], needle) == lines_naming(first[url], needle), url
    for url in ("data/reports.csv", "years/2023/reports.csv"):
        assert lines_naming(now[url], "hehualu,") == lines_naming(first[url], "hehualu,"), url
    assert now.keys() == first.keys()

    # The next build, still broken, keeps it again; fixed, the site is what a fresh build makes.
    assert build_site(site, keep_going=True).notices == result.notices
    with pytest.raises(GongkaiError):
        build_site(site)
    write_report(site, "hehualu", 2023, report_yaml(2023).replace("# published:", "published:"))
    build_site(site)
    build_site(site, tmp_path / "fresh")
    assert snapshot(out) == snapshot(tmp_path / "fresh")


def test_keep_going_keeps_the_report_when_the_whole_site_is_made_again(site, monkeypatch):
    build_site(site)
    out = site / "public"
    first = snapshot(out)
    append(site / "content/hehualu/2023.yaml", "overview: [1, 2\n")
    monkeypatch.setattr(keys, "code_key", lambda: b"another version")  # every page's key changes
    build_site(site, keep_going=True)
    now = snapshot(out)
    for url in KEPT_FILES:
        assert now[url] == first[url]
    assert "hehualu/2023/" in now["years/2023/index.html"].decode("utf-8")


def test_keep_going_says_when_there_is_no_published_version(cli, site):
    append(site / "content/hehualu/2023.yaml", "overview: [1, 2\n")
    result = cli("build", str(site), "--keep-going")
    assert result.code == 0
    assert re.search(r"hehualu/2023\.yaml：无法读取，且从未发布过，未发布", result.err)
    assert not (site / "public/hehualu/2023").exists()


# --- drafts -------------------------------------------------------------------------------------------


def add_draft_office(site: Path) -> Path:
    write_office(site, "xinqu", DRAFT_OFFICE, "parent: quzhengfu\n")
    return write_report(site, "xinqu", 2024, "draft: true\n" + report_yaml(2024, overview=PHRASE))


def test_a_draft_is_in_no_output_file(site):
    add_draft_office(site)
    draft_2023 = site / "content/hehualu/2023.yaml"
    draft_2023.write_text("draft: true\n" + report_yaml(2023, overview=PHRASE + "（二）"), "utf-8")
    result = build_site(site)
    assert result.reports == 3 and not result.errors
    out = site / "public"
    assert not (out / "xinqu").exists() and not (out / "hehualu/2023").exists() and not (out / "years/2024").exists()
    for url, text in every_file_text(out).items():
        for needle in (DRAFT_OFFICE, PHRASE, "xinqu", "hehualu/2023/", "years/2024", "2024年度"):
            assert needle not in text, (url, needle)
    csv = (out / "data/reports.csv").read_text("utf-8")
    assert len(lines_naming(csv, "hehualu,")) == 1  # 2022 only


def test_build_drafts_makes_a_review_copy_with_a_banner_on_each_draft(site, tmp_path):
    add_draft_office(site)
    result = build_site(site, tmp_path / "review", drafts=True)
    assert result.drafts == 1
    review = every_file_text(tmp_path / "review")
    page = review["xinqu/2024/index.html"]
    assert "草稿：尚未发布" in page and PHRASE in page and "<title>草稿：" in page
    assert '"draft": true' in review["xinqu/2024/report.json"]
    office = review["xinqu/index.html"]
    assert "草稿：尚未发布" in office and "2024年度报告（草稿）" in office
    for url in ("sitemap.xml", "feed.xml", "data/reports.csv", "index.html", "years/2024/index.html"):
        assert "xinqu/2024" not in review.get(url, ""), url  # listed as a draft on its office page only
    for url, text in review.items():
        if url.startswith("hehualu/") or url.startswith("quzhengfu/"):
            assert "草稿：尚未发布" not in text, url


def test_a_published_report_taken_offline_is_logged(cli, site):
    assert cli("build", str(site)).code == 0
    report = site / "content/hehualu/2023.yaml"
    report.write_text("draft: true\n" + report.read_text("utf-8"), "utf-8")
    (site / "content/quzhengfu/2022.yaml").unlink()
    result = cli("build", str(site))
    assert result.code == 0
    offline = [line for line in result.err.splitlines() if "已下线" in line]
    assert len(offline) == 2
    assert offline[0].endswith(
        "content/hehualu/2023.yaml：已下线（荷花路街道办事处2023年政府信息公开工作年度报告不再发布）"
    )
    assert "content/quzhengfu/2022.yaml：已下线" in offline[1]
    assert not (site / "public/hehualu/2023").exists() and not (site / "public/quzhengfu/2022/index.html").exists()
    assert "已下线" not in cli("build", str(site)).err  # said once, when it happens


def test_new_writes_a_draft_that_check_warns_about_until_it_is_published(cli, empty_site):
    assert cli("new", "xinqu", "2024", "--name", DRAFT_OFFICE, cwd=empty_site).code == 0
    text = (empty_site / "content/xinqu/2024.yaml").read_text("utf-8")
    head = text.splitlines()[:6]
    assert "draft: true" in head and any("删去" in line and line.startswith("#") for line in head)
    checked = cli("check", cwd=empty_site)
    assert checked.code == 0 and "warning: “一、总体情况”尚未填写" in checked.out + checked.err
    assert cli("build", cwd=empty_site).code == 0
    assert not (empty_site / "public/xinqu").exists()
    review = cli("build", "--drafts", cwd=empty_site)  # a review copy, beside the public site
    assert review.code == 0 and "1 份草稿" in review.out and "不要上传" in review.out
    assert (empty_site / "public-drafts/xinqu/2024/index.html").exists() and not (empty_site / "public/xinqu").exists()
    (empty_site / "content/xinqu/2024.yaml").write_text(text.replace("draft: true\n", ""), "utf-8")
    checked = cli("check", cwd=empty_site)
    assert checked.code == 1 and "error: “一、总体情况”尚未填写" in checked.out + checked.err
    assert cli("build", cwd=empty_site).code == 1


def test_draft_must_be_true_or_false(site):
    write_report(site, "hehualu", 2023, "draft: 是\n" + report_yaml(2023))
    with pytest.raises(GongkaiError) as caught:
        build_site(site)
    assert any("draft 应为 true" in f.message and f.position.line == 1 for f in caught.value.findings)
    write_report(site, "hehualu", 2023, "draft: false\n" + report_yaml(2023))
    build_site(site)
    assert (site / "public/hehualu/2023/index.html").exists()


# --- revisions ------------------------------------------------------------------------------------------

REVISED = (
    "published: 2024-01-20\n"
    "revisions:\n"
    '  - {date: "2024-02-03", note: 更正了表三“自然人”一栏的数字}\n'
    '  - date: "2024-03-05"\n'
    "    note: 补充了第五部分的改进措施\n"
)


def revised_report(site: Path, revisions: str = REVISED) -> None:
    text = report_yaml(2023).replace("# published: 2024-01-20  # 发布日期：发布时填写\n", revisions)
    write_report(site, "hehualu", 2023, text)


def test_revisions_are_shown_under_the_title_in_the_feed_and_in_report_json(site):
    build_site(site)
    csv_before = (site / "public/hehualu/2023/report.csv").read_text("utf-8").splitlines()[0]
    revised_report(site)
    result = build_site(site)
    assert not [f for f in result.findings if f.position.path.endswith("hehualu/2023.yaml")]
    out = site / "public"
    page = (out / "hehualu/2023/index.html").read_text("utf-8")
    title = page.index("<h1>")
    head = page[title : page.index("</header>", title)]
    assert '本报告于<time datetime="2024-02-03">2024年2月3日</time>修订：更正了表三“自然人”一栏的数字' in head
    assert "2024年3月5日</time>修订：补充了第五部分的改进措施" in head
    data = __import__("json").loads((out / "hehualu/2023/report.json").read_text("utf-8"))
    assert data["revisions"] == [
        {"date": "2024-02-03", "note": "更正了表三“自然人”一栏的数字"},
        {"date": "2024-03-05", "note": "补充了第五部分的改进措施"},
    ]
    feed = (out / "feed.xml").read_text("utf-8")
    entry = feed[feed.index(f"<id>{BASE_URL}hehualu/2023/index.html</id>") :].split("</entry>")[0]
    assert "<published>2024-01-20T00:00:00+08:00</published>" in entry
    assert "<updated>2024-03-05T00:00:00+08:00</updated>" in entry
    assert "<updated>2024-03-05T00:00:00+08:00</updated>" in feed.split("<entry>")[0]  # the feed's own
    assert (out / "hehualu/2023/report.csv").read_text("utf-8").splitlines()[0] == csv_before


def test_check_warns_of_a_revision_before_publication(cli, site):
    revised_report(site, REVISED.replace("2024-02-03", "2023-12-30"))
    result = cli("check", str(site))
    assert result.code == 0
    assert re.search(
        r"hehualu/2023\.yaml:\d+:\d+: warning: 修订日期 2023-12-30 早于发布日期 2024-01-20", result.out + result.err
    )
    revised_report(site, REVISED.replace("note: 补充了第五部分的改进措施", "remark: 无"))
    result = cli("check", str(site))
    assert result.code == 1 and "修订记录中没有“remark”这一项" in result.out + result.err


def test_an_office_with_drafts_only_appears_once_a_report_is_published(site, tmp_path):
    build_site(site)
    draft = add_draft_office(site)
    parent_page = site / "public/quzhengfu/index.html"
    for published in (False, True, False):
        text = draft.read_text("utf-8").replace("draft: true\n", "")
        draft.write_text(text if published else "draft: true\n" + text, "utf-8")
        build_site(site)
        assert (DRAFT_OFFICE in parent_page.read_text("utf-8")) is published
        assert (site / "public/xinqu/index.html").exists() is published
        build_site(site, tmp_path / "fresh")
        assert snapshot(site / "public") == snapshot(tmp_path / "fresh")


def test_keep_going_keeps_an_office_whose_office_yaml_cannot_be_read(site, tmp_path, monkeypatch):
    build_site(site)
    out = site / "public"
    first = snapshot(out)
    office_file = site / "content/hehualu/office.yaml"
    good = office_file.read_text("utf-8")
    office_file.write_text("name: [荷花路\n", "utf-8")
    other = site / "content/quzhengfu/2023.yaml"
    other.write_text(other.read_text("utf-8").replace("published: 2024-01-20", "published: 2024-02-01"), "utf-8")
    for _ in range(2):  # and again from the manifest of a build that kept it
        result = build_site(site, keep_going=True)
        assert len(result.notices) == 1
        assert result.notices[0].endswith("content/hehualu/office.yaml：无法读取，保留上次发布的机关页和报告")
        now = snapshot(out)
        assert now.keys() == first.keys()
        assert all(now[url] == first[url] for url in now if url.startswith("hehualu/"))
        assert "荷花路街道办事处" in now["index.html"].decode("utf-8") and "2024-02-01" in now["feed.xml"].decode()
    monkeypatch.setattr(keys, "code_key", lambda: b"another version")  # the whole site made again
    build_site(site, keep_going=True)
    assert all(snapshot(out)[url] == first[url] for url in first if url.startswith("hehualu/"))
    with pytest.raises(GongkaiError):
        build_site(site)
    monkeypatch.undo()
    office_file.write_text(good, "utf-8")
    assert build_site(site).notices == ()
    build_site(site, tmp_path / "fresh")
    assert snapshot(out) == snapshot(tmp_path / "fresh")


def test_keep_going_leaves_out_an_unreadable_office_never_published(site):
    write_office(site, "xinqu", DRAFT_OFFICE, "kind: 不存在的类型\n")
    write_report(site, "xinqu", 2023, report_yaml(2023))
    result = build_site(site, keep_going=True)
    assert len(result.notices) == 1
    assert result.notices[0].endswith("content/xinqu/office.yaml：无法读取，且从未发布过，未发布")
    assert not (site / "public/xinqu").exists()
