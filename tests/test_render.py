"""Rendering: narrative Markdown made safe, headings demoted, templates and their errors, site overrides."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import build_site
from generator.check import load_report
from generator.model.findings import GongkaiError
from generator.model.format import get_format
from generator.render.renderer import SCROLL_HINT, Renderer, converted_html, markdown_html, plain_paragraphs_html
from generator.render.tables import css_string, table_view, value_cells
from tests.helpers import report_yaml, write_office, write_report, write_site
from tests.html_tree import parse_html

ROOT = Path(__file__).resolve().parent.parent

# Each payload tries to get script, a dangerous URL, an event handler or an external resource onto the page.
HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<a href="javascript:alert(1)">点击</a>',
    "[点击](javascript:alert(1))",
    "[点击](JaVaScRiPt:alert(1))",
    "[点击](jav&#x61;script:alert(1))",
    "[点击](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[点击](javascript&colon;alert(1))",
    "[点击]( javascript:alert(1) )",
    "[点击](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![图](javascript:alert(1))",
    "![图](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![跟踪](https://tracker.example/pixel.gif)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '<a href="#" onclick="alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<object data=evil.swf></object><embed src=evil.swf>",
    '<form action="https://evil.example"><input name=x></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    "<base href='https://evil.example/'>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<!-- <script>alert(1)</script> -->",
    "```html\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "<<script>script>alert(1)<</script>/script>",
    '"><script>alert(1)</script>',
    "<a href='vbscript:msgbox(1)'>x</a>",
    "[x](file:///etc/passwd)",
]
DANGEROUS_TAGS = {
    "script",
    "style",
    "iframe",
    "img",
    "svg",
    "object",
    "embed",
    "form",
    "input",
    "meta",
    "link",
    "base",
    "math",
}
SAFE_SCHEMES = re.compile(r"^(https?:|mailto:|#|[^:/?#]+(/|$)|\.{0,2}/)", re.I)


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markdown_never_reaches_the_page_as_markup(payload):
    html = str(markdown_html(f"前文\n\n{payload}\n\n后文"))
    tree = parse_html(html)
    for element in tree.iter():
        assert element.tag not in DANGEROUS_TAGS, html
        for name, value in element.attrs.items():
            assert not name.startswith("on"), html
            assert name not in ("style", "src", "srcset", "action", "formaction", "xlink:href"), html
            if name == "href":
                assert SAFE_SCHEMES.match(value.strip()), html
                assert not value.lower().startswith(("javascript", "data", "vbscript", "file")), html
    lowered = html.lower()
    assert "<script" not in lowered and "<iframe" not in lowered and "<style" not in lowered
    assert "前文" in html and "后文" in html  # the text around a payload survives


def test_raw_html_is_shown_as_text_not_dropped():
    html = str(markdown_html("请勿使用 <b>粗体</b> 标签"))
    assert "&lt;b&gt;粗体&lt;/b&gt;" in html


def test_allowed_markdown_keeps_its_meaning():
    html = str(
        markdown_html(
            "**重点** 与 *强调*\n\n- 一\n- 二\n\n1. 甲\n2. 乙\n\n> 引文\n\n"
            "[本站](../index.html) [门户](https://www.gov.cn/) [邮件](mailto:a@example.gov.cn)\n\n"
            "| 项目 | 数量 |\n|---|---:|\n| 申请 | 3 |"
        )
    )
    for fragment in (
        "<strong>重点</strong>",
        "<em>强调</em>",
        "<ul>",
        "<ol>",
        "<blockquote>",
        "<table>",
        "<th>项目</th>",
    ):
        assert fragment in html
    assert 'href="../index.html"' in html and 'href="https://www.gov.cn/"' in html
    assert 'href="mailto:a@example.gov.cn"' in html
    assert '<div class="table-scroll" role="region" aria-label="表格" tabindex="0">' + SCROLL_HINT + "<table>" in html


@pytest.mark.parametrize(
    ("markdown", "levels"),
    [
        ("# 一\n\n## 二\n\n### 三", ["h3", "h4", "h5"]),
        ("## 小标题\n\n### 更小", ["h3", "h4"]),
        ("###### 深\n\n# 浅", ["h6", "h3"]),
    ],
)
def test_narrative_headings_are_demoted_below_the_section_heading(markdown, levels):
    tree = parse_html(str(markdown_html(markdown)))
    assert [e.tag for e in tree.iter() if re.fullmatch(r"h\d", e.tag)] == levels


def test_content_strings_are_escaped_everywhere(tmp_path):
    site = write_site(tmp_path / "site", name="<script>alert('站点')</script>")
    write_office(site, "ceshi", "'\"><img src=x onerror=alert(1)>'")
    write_report(site, "ceshi", 2023, report_yaml(2023, problems="<script>alert(2)</script>"))
    build_site(site)
    for page in (site / "public").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img" not in html, page
        assert "&lt;script&gt;" in html or "&#34;&gt;&lt;img" in html, page


def test_a_site_overrides_a_template_and_a_static_file(example_site):
    layouts = example_site / "layouts"
    (layouts / "static").mkdir(parents=True)
    (layouts / "report.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>本站自定义：{{ title }}</h1>{% endblock %}', encoding="utf-8"
    )
    (layouts / "static" / "style.css").write_text("/* 本站样式 */\n", encoding="utf-8")
    (layouts / "static" / "logo.txt").write_text("extra\n", encoding="utf-8")
    build_site(example_site)
    out = example_site / "public"
    assert "本站自定义：荷花路街道办事处2023年政府信息公开工作年度报告" in (out / "hehualu/2023/index.html").read_text(
        "utf-8"
    )
    assert "本站自定义" not in (out / "hehualu/index.html").read_text("utf-8")  # other templates stay the default
    assert (out / "static/style.css").read_text("utf-8") == "/* 本站样式 */\n"
    assert (out / "static/logo.txt").exists() and (out / "static/sort.js").exists()


def test_a_template_syntax_error_names_the_file_and_line(tmp_path):
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "home.html").write_text("<p>一</p>\n<p>二</p>\n{% if %}\n", encoding="utf-8")
    renderer = Renderer(layouts)
    with pytest.raises(GongkaiError) as caught:
        renderer.check_templates()
    (finding,) = caught.value.findings
    assert finding.position.path.endswith("layouts/home.html") and finding.position.line == 3
    assert re.match(r".*layouts/home\.html:3: error: 模板错误", str(finding))


def test_an_error_while_rendering_names_the_template_line(tmp_path):
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "404.html").write_text("<p>一</p>\n\n<p>{{ no_such_thing.name }}</p>\n", encoding="utf-8")
    with pytest.raises(GongkaiError) as caught:
        Renderer(layouts).render("404.html", {})
    (finding,) = caught.value.findings
    assert finding.position.path.endswith("layouts/404.html") and finding.position.line == 3
    assert "no_such_thing" in finding.message


@pytest.mark.parametrize(
    ("source_url", "linked"),
    [
        ("https://www.example.gov.cn/art/2024/1/20/art_1.html", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ('http://x.cn/" onmouseover="alert(1)', False),
    ],
)
def test_the_source_url_is_linked_only_when_it_is_a_web_address(tmp_path, source_url, linked):
    site = write_site(tmp_path / "site")
    write_office(site, "ceshi", "测试街道办事处")
    text = report_yaml(2023).replace("format:", f"source_url: {json.dumps(source_url)}\nformat:")
    write_report(site, "ceshi", 2023, text)
    build_site(site)
    page = parse_html((site / "public/ceshi/2023/index.html").read_text(encoding="utf-8"))
    facts = page.find("dl", class_="facts")
    assert source_url in facts.text
    hrefs = [a.attrs["href"] for a in facts.iter("a")]
    assert (source_url in hrefs) is linked
    assert all(not h.startswith(("javascript", "data")) and '"' not in h for h in hrefs)


# --- the fast paths: the same output as the general ones -----------------------------------------------

PLAIN_ALPHABET = "本机关认真落实条例。，、；：（）《》“”abcXYZ019 \n.-+=:()'\"/%~{}\u3000\t*_#>|&<[]!`\\\xa0\u2028"


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=PLAIN_ALPHABET, max_size=40))
def test_plain_paragraphs_come_out_as_markdown_and_the_sanitiser_make_them(text):
    plain = plain_paragraphs_html(text)
    if plain is not None:
        assert plain == converted_html(text)


def test_generated_narratives_take_the_plain_path():
    import random

    spec = importlib.util.spec_from_file_location("make_site", ROOT / "bench" / "make_site.py")
    make_site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_site)
    for seed in range(20):
        text = make_site.narrative(random.Random(seed), 900)
        assert plain_paragraphs_html(text) == converted_html(text) and text.count("\n\n") >= 1


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_a_tables_skeleton_filled_with_a_report_is_the_table_laid_out_cell_by_cell(tmp_path, format_id):
    from tests.test_build_report_page import distinct_values

    path = write_report(
        write_site(tmp_path / "site"),
        "ceshi",
        2021,
        report_yaml(2021, values=distinct_values(format_id), format_id=format_id),
    )
    report, _ = load_report(path, "p", "ceshi")
    table_id, row, column = next(iter(get_format(format_id).cell_keys()))
    del report.values[f"{table_id}.{row}.{column}"]  # a missing value
    report.values["applications.new_received.total"] = 7  # and a computed one
    object.__setattr__(report, "computed", frozenset({"applications.new_received.total"}))
    renderer = Renderer()
    macro = renderer.env.from_string('{% import "table.html" as t %}{{ t.statistical_table(view) }}')
    for table in get_format(format_id).tables.values():
        filled = renderer.table_view(table, report)
        assert filled.html and "无数据" in str(filled.html) or table.id != table_id
        assert macro.render(view=filled) == macro.render(view=table_view(table, report))


def test_a_sites_table_template_that_prints_value_cells_itself_is_used_as_it_is(tmp_path):
    site = write_site(tmp_path / "site")
    write_office(site, "ceshi", "测试街道办事处")
    write_report(site, "ceshi", 2023, report_yaml(2023, values={"applications.granted.business": 42}))
    (site / "layouts").mkdir()
    table = (ROOT / "layouts" / "table.html").read_text("utf-8")
    table = table.replace("{{ c|value_cell }}", '<td class="mine">{{ c.text }}</td>')
    (site / "layouts" / "table.html").write_text(table, "utf-8")
    build_site(site)
    page = parse_html((site / "public/ceshi/2023/index.html").read_text("utf-8"))
    cells = [
        td.text for td in page.find("table", id="table-applications").iter("td") if td.attrs.get("class") == "mine"
    ]
    assert len(cells) == 25 * 7 and "42" in cells


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_every_value_cell_has_its_headings_in_words_for_the_stacked_table(tmp_path, format_id):
    """One CSS rule per column header id gives the words a phone shows beside each value: every value cell's
    last header is a column header with a rule, and the words are the format's own labels."""
    fmt = get_format(format_id)
    renderer = Renderer()
    path = write_report(write_site(tmp_path / "site"), "ceshi", 2021, report_yaml(2021, format_id=format_id))
    report, _ = load_report(path, "p", "ceshi")
    for table in fmt.tables.values():
        view = table_view(table, None)
        rules = dict(re.findall(r'td\[headers\$=" ([\w-]+)"\] \{ (.*?); \}', str(view.labels)))
        cells = value_cells(view)
        assert cells and all(cell.headers.rsplit(" ", 1)[-1] in rules for cell in cells)
        assert str(view.labels).count("\n") == len(rules), "one rule per column"
        # The renderer makes them once per table of a format, the same.
        assert renderer.table_view(table, report).labels == view.labels
    labels = {
        cell.key.split(".", 1)[1]: (cell.label, cell.group)
        for cell in value_cells(table_view(fmt.tables["applications"], None))
    }
    assert labels["new_received.natural_person"] == ("自然人", "")
    assert labels["granted.business"] == ("法人或其他组织 · 商业企业", "")  # 申请人情况 spans every column: left out
    four = {
        cell.key.split(".", 1)[1]: (cell.label, cell.group)
        for cell in value_cells(table_view(fmt.tables["review_litigation"], None))
    }
    assert four["reconsideration.upheld"] == ("结果维持", "行政复议")
    assert four["lawsuit_direct.upheld"] == ("结果维持", "行政诉讼 · 未经复议直接起诉")
    assert four["lawsuit_direct.corrected"] == ("结果纠正", "")  # the group's words open its first value only


def test_css_strings_cannot_end_the_string_the_rule_or_the_style_element():
    assert css_string("结果维持") == '"结果维持"'
    hostile = css_string('a"b\\c</style><script>x</script>;}')
    assert '"' not in hostile[1:-1] and "<" not in hostile and ">" not in hostile and "\\\\" not in hostile
    assert hostile.startswith('"a\\22 b\\5c c\\3c /style\\3e ')


# -- the table.html contract (README, "Your own layouts") -------------------------------------------------


def site_with_table_template(tmp_path, template: str):
    site = write_site(tmp_path / "site")
    write_office(site, "ceshi", "测试街道办事处")
    values = {"applications.granted.business": 42}
    write_report(site, "ceshi", 2023, report_yaml(2023, values=values))
    (site / "layouts").mkdir()
    (site / "layouts" / "table.html").write_text(template, "utf-8")
    return site


def test_a_sites_table_template_that_keeps_the_contract_is_used_once_per_format_without_a_warning(tmp_path, cli):
    table = (ROOT / "layouts" / "table.html").read_text("utf-8")
    mine = table.replace('<caption id="{{ t.id }}-caption">', '<caption id="{{ t.id }}-caption" class="mine">')
    site = site_with_table_template(tmp_path, mine)
    result = cli("build", site)
    assert result.code == 0 and "table.html" not in result.out + result.err
    page = (site / "public/ceshi/2023/index.html").read_text("utf-8")
    assert page.count('class="mine"') == 3 and ">42<" in page  # its markup, filled with the report's values
    report, _ = load_report(site / "content/ceshi/2023.yaml", "p", "ceshi")
    renderer = Renderer(site / "layouts")
    assert renderer.table_template_findings() == []
    assert all(renderer.table_view(t, report).html for t in report.format.tables.values())  # made once, filled


@pytest.mark.parametrize(
    "change",
    [
        ("{{ c|value_cell }}", '<td class="mine">{{ c.text }}</td>'),  # value cells printed by hand
        ("{{ t.html }}", '<div class="made">{{ t.html }}</div>'),  # a made table not printed as it is
        ("{{ c|value_cell }}", "{% if c.missing %}<!--缺-->{% endif %}{{ c|value_cell }}"),  # depends on the values
    ],
)
def test_a_sites_table_template_that_breaks_the_contract_is_named_in_a_warning_and_still_used(tmp_path, cli, change):
    table = (ROOT / "layouts" / "table.html").read_text("utf-8")
    site = site_with_table_template(tmp_path, table.replace(*change))
    result = cli("build", cwd=site)
    assert result.code == 0
    warnings = [line for line in result.lines if "table.html" in line]
    assert len(warnings) == 1 and warnings[0].startswith("layouts/table.html: warning: 表格模板没有遵守约定")
    assert "{{ c|value_cell }}" in warnings[0] and "Your own layouts" in warnings[0]
    page = (site / "public/ceshi/2023/index.html").read_text("utf-8")
    report, _ = load_report(site / "content/ceshi/2023.yaml", "p", "ceshi")
    # rendered report by report, as the template says: a missing value is marked only where it is missing
    missing = sum(1 for key in report.format.cell_keys() if ".".join(key) not in report.values)
    assert page.count("<!--缺-->") == (missing if "缺" in change[1] else 0)
    assert 'class="made"' not in page and ">42<" in page  # no made table is handed to it
