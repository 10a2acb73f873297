"""The report as a Word document (generator/word.py, `gongkai docx`, report.docx in the build): it
follows the national layout, imports back to the same report, and LibreOffice prints it on A4."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from helpers import write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check import load_report
from generator.importer import import_file
from generator.model.format import all_formats, get_format
from generator.model.values import FreeTable
from generator.read.scaffold import report_text
from generator.read.site import Office
from generator.render.word import report_docx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "content" / "hehualu" / "2023.yaml"
OFFICE = Office("hehualu", "荷花路街道办事处", "content/hehualu")
YEARS = {"2021": 2023, "2019": 2020, "legacy": 2015}


def styles_of(data: bytes) -> list[tuple[str, str]]:
    document = docx.Document(__import__("io").BytesIO(data))
    return [(p.style.name, p.text) for p in document.paragraphs if p.text]


def imported(tmp_path: Path, data: bytes):
    file = tmp_path / "report.docx"
    file.write_bytes(data)
    return import_file(file, "report.docx")


def assert_same(report, back) -> None:
    assert back.format.id == report.format_id
    assert back.year == report.year
    assert {k: str(v) for k, v in back.values.items() if k not in report.computed} == {
        k: str(v) for k, v in report.values.items() if k not in report.computed
    }
    assert {k: v for k, v in back.texts.items() if v} == {k: v for k, v in report.texts.items() if v}
    assert back.published == report.published
    assert tuple(back.free_tables) == report.free_tables
    assert back.headline == report.headline


# -- the example --------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["2023", "2020", "2015"])  # the example's reports: 2021, 2019 and free-form
def test_the_example_report_imports_back_from_its_document(example_site, cli, tmp_path, year):
    out = tmp_path / f"hehualu-{year}.docx"
    result = cli("docx", "hehualu", year, example_site, "-o", out)
    assert result.code == 0, result.err
    target = write_site(tmp_path / "target")
    assert cli("import", out, "--office", "hehualu", "--site", target).code == 0
    original, _ = load_report(example_site / "content" / "hehualu" / f"{year}.yaml", "a", "hehualu")
    back, findings = load_report(target / "content" / "hehualu" / f"{year}.yaml", "b", "hehualu")
    assert back is not None, findings
    assert back.format_id == original.format_id
    assert back.values == original.values and len(back.values) == len(original.format.cell_keys())
    assert back.texts == original.texts
    assert back.published == original.published
    assert back.free_tables == original.free_tables  # captions too (the example's has no 表 in it)
    assert back.headline == original.headline


def test_a_free_form_reports_headline_figures_are_listed_in_the_national_wording():
    report, findings = load_report(ROOT / "content/hehualu/2015.yaml", "content/hehualu/2015.yaml", "hehualu")
    assert report.headline  # the example's free-form report supplies them
    document = docx.Document(__import__("io").BytesIO(report_docx(report, findings, OFFICE)))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == [table.caption for table in report.free_tables] + ["主要数字"]
    rows = [tuple(c.text for c in row.cells) for row in document.tables[-1].rows]
    assert rows[0] == ("项目", "数量（件）")
    assert ("本年新收政府信息公开申请数量", str(report.headline["new_received"])) in rows  # 表三's row
    assert ("办理总数", str(report.headline["handled"])) in rows  # 「（七）总计」 names nothing alone: its label
    assert len(rows) == 1 + len(report.headline)


def test_the_document_follows_the_national_layout(tmp_path):
    report, findings = load_report(EXAMPLE, "content/hehualu/2023.yaml", "hehualu")
    data = report_docx(report, findings, OFFICE)
    paragraphs = styles_of(data)
    assert paragraphs[0] == ("Title", "荷花路街道办事处2023年政府信息公开工作年度报告")
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == [s.heading for s in get_format("2021").sections if s.number]
    body = {style for style, _ in paragraphs}
    assert "Normal" in body
    document = docx.Document(__import__("io").BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4 portrait
    assert "PAGE" in section.footer._element.xml  # the page number field
    normal = document.styles["Normal"].element.xml
    assert 'w:eastAsia="仿宋_GB2312"' in normal
    assert 'w:eastAsia="黑体"' in document.styles["Heading 1"].element.xml
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as archive:
        fonts = archive.read("word/fontTable.xml").decode()
        body_xml = archive.read("word/document.xml").decode()
    assert 'w:name="仿宋_GB2312"' in fonts and 'w:altName w:val="仿宋"' in fonts  # the fallback
    assert "w:rFonts" not in body_xml and "<w:b/>" not in body_xml  # styles, no direct formatting
    tables = document.tables
    assert len(tables) == 3
    # table 三's two-level header: 申请人情况 over every applicant column, 法人或其他组织 over five
    applications = tables[1]._tbl.xml
    assert applications.count('w:vMerge w:val="restart"') >= 5 and "w:gridSpan" in applications
    first_row = [c.text for c in tables[1].rows[0].cells]
    assert first_row.count("申请人情况") == 7


def test_a_report_that_breaks_a_rule_carries_the_notice_which_does_not_import(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "new_received: [0, 0, 0, 0, 0, 0, 0]", "new_received: [5, 0, 0, 0, 0, 0, 0]"
    )
    file = tmp_path / "2023.yaml"
    file.write_text(text, encoding="utf-8")
    report, findings = load_report(file, "content/hehualu/2023.yaml", "hehualu")
    from generator.check.rules import check_report

    findings = findings + check_report(report)
    data = report_docx(report, findings, OFFICE)
    notice = [text for style, text in styles_of(data) if style == "Gongkai Notice"]
    assert notice and notice[0].startswith("请注意：本报告的数据有") and any("不符合（规则 R" in t for t in notice)
    back = imported(tmp_path, data)
    assert "preface" not in back.texts or not back.texts["preface"]
    assert back.values["applications.new_received.natural_person"] == 5


def test_the_same_report_gives_the_same_bytes():
    report, findings = load_report(EXAMPLE, "content/hehualu/2023.yaml", "hehualu")
    assert report_docx(report, findings, OFFICE) == report_docx(report, findings, OFFICE)


# -- random reports of every format ---------------------------------------------------------------------

CHINESE = st.text(st.sampled_from("公开信息政府申请办理本年度工作机关依法条例平台制度完善"), min_size=2, max_size=20)
# a phrase the author marked: **strong**, *emphasis* or ***both***, or none
MARKED = st.one_of(st.just(""), st.builds("{0}{1}{0}".format, st.sampled_from(["**", "*", "***"]), CHINESE))
PARAGRAPH = st.builds(lambda words, marked, n: f"{words}{marked}，共 {n} 件。", CHINESE, MARKED, st.integers(0, 99999))
SUBHEADING = st.builds(lambda n, words: f"## （{'一二三四五'[n]}）{words}", st.integers(0, 4), CHINESE)
BULLETS = st.lists(PARAGRAPH, min_size=1, max_size=4).map(lambda items: "\n".join(f"- {i}" for i in items))
NUMBERED = st.lists(PARAGRAPH, min_size=1, max_size=4).map(
    lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))
)
QUOTED = PARAGRAPH.map("> {}".format)
# each block ends with a paragraph: two lists in a row would be one list in Markdown
BLOCK = st.one_of(
    PARAGRAPH,
    QUOTED,
    st.tuples(st.one_of(SUBHEADING, BULLETS, NUMBERED), PARAGRAPH).map("\n\n".join),
)
NARRATIVE = st.lists(BLOCK, min_size=1, max_size=4).map("\n\n".join)


@st.composite
def reports(draw, format_id: str):
    fmt = get_format(format_id)
    year = YEARS[format_id]
    values = {}
    for table, row, column in fmt.cell_keys():
        kind = fmt.column_of(table, row, column).type
        if kind == "amount":
            scale = draw(st.integers(0, 6))
            value = Decimal(draw(st.integers(0, 10**9))).scaleb(-scale)
        elif kind == "signed_count":
            value = draw(st.integers(-9999, 9999))
        else:
            value = draw(st.integers(0, 99999))
        values[f"{table}.{row}.{column}"] = value
    texts = {}
    for section in fmt.sections:
        if section.kind == "narrative" and (section.id != "preface" or draw(st.booleans())):
            texts[section.id] = draw(NARRATIVE)
    free = ()
    if any(s.kind == "free_tables" for s in fmt.sections):
        rows = draw(st.lists(st.tuples(CHINESE, st.integers(0, 999).map(str)), min_size=1, max_size=5))
        caption = draw(st.one_of(st.just("依申请公开情况统计表"), CHINESE))  # a caption need not say 表
        free = draw(st.sampled_from([(), (FreeTable(caption, (("项目", "数量（件）"),), tuple(rows)),)]))
    headline = None
    if fmt.supplied_headlines:
        figures = st.dictionaries(st.sampled_from([h.id for h in fmt.headlines]), st.integers(0, 99999))
        headline = draw(figures)
    published = draw(st.one_of(st.none(), st.dates(date(year + 1, 1, 1), date(year + 1, 12, 31))))
    return report_text(
        fmt,
        "荷花路街道办事处",
        year,
        values=values,
        texts=texts,
        free_tables=free,
        published=published,
        headline=headline,
    )


@pytest.mark.parametrize("format_id", sorted(all_formats()))
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_random_report_imports_back_from_its_document(tmp_path, format_id, data):
    file = tmp_path / f"{YEARS[format_id]}.yaml"
    file.write_text(data.draw(reports(format_id)), encoding="utf-8")
    report, findings = load_report(file, "content/hehualu/x.yaml", "hehualu")
    assert report is not None, findings
    assert_same(report, imported(tmp_path, report_docx(report, findings, OFFICE)))


# -- the command -----------------------------------------------------------------------------------------


def test_docx_never_overwrites_without_force(example_site, cli, tmp_path):
    out = tmp_path / "report.docx"
    out.write_bytes(b"mine")
    result = cli("docx", "hehualu", "2023", example_site, "-o", out)
    assert result.code == 1 and out.read_bytes() == b"mine"
    assert len(result.lines) == 1 and "--force" in result.err
    assert cli("docx", "hehualu", "2023", example_site, "-o", out, "--force").code == 0
    assert out.read_bytes().startswith(b"PK")


def test_docx_of_a_missing_report_says_so_in_a_line(example_site, cli, tmp_path):
    result = cli("docx", "hehualu", "1999", example_site, "-o", tmp_path / "x.docx")
    assert result.code == 1 and result.lines == [result.err.strip()] and "没有 1999 年度的报告" in result.err
    result = cli("docx", "nobody", "2023", example_site, "-o", tmp_path / "x.docx")
    assert result.code == 1 and "nobody" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "x.docx").exists()


# -- the build --------------------------------------------------------------------------------------------


def test_the_build_makes_report_docx_only_when_the_site_asks(example_site, cli):
    assert cli("build", example_site).code == 0
    public = example_site / "public"
    assert not list(public.rglob("*.docx"))
    assert "report.docx" not in (public / "hehualu" / "2023" / "index.html").read_text(encoding="utf-8")

    with (example_site / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("downloads: [csv, json, docx]\n")
    result = cli("build", example_site)
    assert result.code == 0, result.err
    page = (public / "hehualu" / "2023" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../hehualu/2023/report.docx"' in page or 'href="report.docx"' in page or "2023/report.docx" in page
    made = public / "hehualu" / "2023" / "report.docx"
    assert styles_of(made.read_bytes())[0] == ("Title", "荷花路街道办事处2023年政府信息公开工作年度报告")
    before = {p: p.stat().st_mtime_ns for p in public.rglob("report.docx")}

    # incremental: an edit of one report rewrites that report's document alone
    edited = example_site / "content" / "hehualu" / "2020.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = cli("build", example_site)
    assert result.code == 0
    after = {p: p.stat().st_mtime_ns for p in public.rglob("report.docx")}
    changed = {p.parent.name for p in before if before[p] != after[p]}
    assert changed == {"2020", "2023"}  # the edited report, and the next one (its rules read the previous)


def test_a_draft_gets_no_document_in_the_public_build(example_site, cli):
    with (example_site / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("downloads: [csv, json, docx]\n")
    report = example_site / "content" / "hehualu" / "2023.yaml"
    report.write_text("draft: true\n" + report.read_text(encoding="utf-8"), encoding="utf-8")
    assert cli("build", example_site).code == 0
    public = example_site / "public"
    assert not (public / "hehualu" / "2023").exists()
    assert (public / "hehualu" / "2020" / "report.docx").exists()


def test_downloads_takes_only_known_words(example_site, cli):
    with (example_site / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("downloads: [csv, pdf]\n")
    result = cli("build", example_site)
    assert result.code == 1
    assert "site.yaml:" in result.err and "downloads 中只能写 csv、json、docx" in result.err


# -- LibreOffice ---------------------------------------------------------------------------------------------

needs_office = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftoppm")),
    reason="LibreOffice (libreoffice-writer-nogui) and poppler-utils are installed by .ci/run",
)


@needs_office
def test_libreoffice_prints_the_document_on_a4_with_the_tables_inside_the_margins(tmp_path):
    import pdfplumber
    from PIL import Image

    # short texts: page 1 holds table 二 and table 三 begins on it
    texts = {"overview": "本年度，本机关依法公开政府信息。", "other": "本年度未收取信息处理费。"}
    (tmp_path / "2023.yaml").write_text(report_text(get_format("2021"), "荷花路街道办事处", 2023, texts=texts), "utf-8")
    report, findings = load_report(tmp_path / "2023.yaml", "content/hehualu/2023.yaml", "hehualu")
    source = tmp_path / "report.docx"
    source.write_bytes(report_docx(report, findings, OFFICE))
    done = subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "report.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr
    with pdfplumber.open(pdf) as document:
        assert len(document.pages) >= 2
        for page in document.pages:
            assert (round(page.width / 72 * 25.4), round(page.height / 72 * 25.4)) == (210, 297)
        ruled = [page for page in document.pages if page.rects or page.lines]
        assert ruled, "the tables are drawn"
        margin_left, margin_right = 28 / 25.4 * 72, (210 - 26) / 25.4 * 72
        for page in ruled:
            edges = [e for e in page.edges if e["orientation"] == "h"]
            assert edges and min(e["x0"] for e in edges) >= margin_left - 6
            assert max(e["x1"] for e in edges) <= margin_right + 6
        text = "".join(page.extract_text() or "" for page in document.pages)
        assert "荷花路街道办事处2023年政府信息公开工作年度报告" in text.replace(" ", "").replace("\n", "")
        assert "申请人情况" in text and "— 1 —" in text
    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    width, height = image.size
    # the table's vertical rules: columns of the page inked over a long run (more than 8 cm)
    rules = [x for x in range(width) if sum(image.getpixel((x, y)) < 128 for y in range(height)) > height * 80 / 297]
    assert rules, "page 1 shows a table"
    assert min(rules) >= width * (28 - 1) / 210 and max(rules) <= width * (210 - 26 + 1) / 210


def test_markdown_becomes_word_styles(tmp_path):
    overview = (
        "本年度**依法**公开。\n\n### 小标题\n\n- 第一项\n    - 其中一项\n- 第二项\n\n1. 甲\n2. 乙\n\n"
        "| 项目 | 数量 |\n|---|---|\n| 收到申请 | 12 |"
    )
    (tmp_path / "2023.yaml").write_text(
        report_text(get_format("2021"), "荷花路街道办事处", 2023, texts={"overview": overview}), "utf-8"
    )
    report, findings = load_report(tmp_path / "2023.yaml", "content/hehualu/2023.yaml", "hehualu")
    data = report_docx(report, findings, OFFICE)
    paragraphs = styles_of(data)
    start = paragraphs.index(("Heading 1", "一、总体情况"))
    assert paragraphs[start + 1 : start + 8] == [
        ("Normal", "本年度依法公开。"),
        ("Heading 2", "小标题"),
        ("List Bullet", "第一项"),
        ("List Bullet 2", "其中一项"),
        ("List Bullet", "第二项"),
        ("List Number", "甲"),
        ("List Number", "乙"),
    ]
    document = docx.Document(__import__("io").BytesIO(data))
    emphasis = [(r.text, r.style.name, r.bold) for r in document.paragraphs[start + 1].runs]
    assert emphasis == [  # the author's emphasis: a character style, no direct formatting
        ("本年度", "Default Paragraph Font", None),
        ("依法", "Strong", None),
        ("公开。", "Default Paragraph Font", None),
    ]
    assert [c.text for c in document.tables[0].rows[1].cells] == ["收到申请", "12"]  # the narrative's table
