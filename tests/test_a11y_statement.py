"""The accessibility statement (无障碍声明) is made from site.yaml: standard, method, limitations, contact."""

from __future__ import annotations

from pathlib import Path

from generator.build import build_site
from generator.read.settings import read_settings
from tests.helpers import report_yaml, write_office, write_report
from tests.html_tree import parse_html


def make_site(root: Path, settings: str) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "site.yaml").write_text(settings, encoding="utf-8")
    write_office(root, "jiedao", "某某街道办事处")
    write_report(root, "jiedao", 2023, report_yaml(2023))
    return root


def statement(site: Path) -> dict[str, list[str]]:
    """The statement page's sections: heading -> the texts of its paragraphs and facts."""
    build_site(site)
    page = parse_html((site / "public/accessibility/index.html").read_text(encoding="utf-8"))
    sections = {}
    for section in page.find("main").iter("section"):
        heading = section.find("h2").text
        sections[heading] = [p.text for p in section.iter("p")] + [
            f"{div.find('dt').text}：{div.find('dd').text}" for div in section.iter("div")
        ]
    return sections


FULL = """\
name: 某某区政府信息公开
organiser: 某某区人民政府办公室
contact: {phone: 010-12345678, email: xxgk@example.gov.cn}
accessibility:
  standard: 本网站按照 GB/T 37668—2019 的要求设计。
  method: 2024年3月由本办对照上述标准自行评估。
  reviewed: "2024-03-01"
  limitations: |-
    2019 年以前的报告按原文发布。
    部分附表没有表头 <script>alert(1)</script>。
  contact: 如需大字版，请致电 010-12345678。
"""


def test_every_part_comes_from_site_yaml(tmp_path):
    sections = statement(make_site(tmp_path / "site", FULL))
    assert list(sections) == ["遵循的标准", "本网站的无障碍设计", "评估方式", "已知的局限", "获取无障碍版本和反馈问题"]
    assert sections["遵循的标准"] == ["本网站按照 GB/T 37668—2019 的要求设计。"]
    assert sections["评估方式"] == ["2024年3月由本办对照上述标准自行评估。", "最近一次评估日期：2024-03-01"]
    assert sections["已知的局限"] == ["2019 年以前的报告按原文发布。", "部分附表没有表头 <script>alert(1)</script>。"]
    assert sections["获取无障碍版本和反馈问题"] == [
        "如需大字版，请致电 010-12345678。",
        "电话：010-12345678",
        "电子邮箱：xxgk@example.gov.cn",
    ]
    html = (tmp_path / "site/public/accessibility/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'href="mailto:xxgk@example.gov.cn"' in html


def test_without_settings_the_defaults_say_what_the_theme_meets_and_whom_to_ask(tmp_path):
    sections = statement(make_site(tmp_path / "site", "name: 某某区政府信息公开\norganiser: 某某区人民政府办公室\n"))
    standard, method = " ".join(sections["遵循的标准"]), " ".join(sections["评估方式"])
    assert "GB/T 37668—2019" in standard and "WCAG" in standard and "2.1 AA" in standard
    assert "axe-core" in method and "键盘" in method and "200%" in method and "最近一次评估日期" not in method
    assert sections["已知的局限"]
    assert sections["获取无障碍版本和反馈问题"] == [
        "如在使用本网站时遇到困难，或需要其他格式（如大字版、纯文本）的内容，请与某某区人民政府办公室联系，我们会尽快答复。"
    ]


def test_the_site_contact_is_listed_when_no_statement_contact_is_given(tmp_path):
    site = make_site(tmp_path / "site", "name: 站\ncontact: {phone: 010-1, address: 某某路1号}\n")
    feedback = statement(site)["获取无障碍版本和反馈问题"]
    assert feedback[0].startswith("如在使用本网站时遇到困难") and "下列方式" in feedback[0]
    assert feedback[1:] == ["地址：某某路1号", "电话：010-1"]


def test_every_page_links_to_the_statement(tmp_path):
    site = make_site(tmp_path / "site", FULL)
    build_site(site)
    for page in (site / "public").rglob("*.html"):
        links = [a.attrs.get("href", "") for a in parse_html(page.read_text(encoding="utf-8")).iter("a")]
        assert any(link.endswith("accessibility/index.html") for link in links), page


def test_a_mistyped_statement_key_is_named_with_the_right_one(tmp_path):
    site = make_site(tmp_path / "site", "name: 站\naccessibility: {standards: GB/T 37668—2019}\n")
    _, findings = read_settings(site)
    assert [f.severity for f in findings] == ["error"]
    assert "standards" in findings[0].message and "standard" in findings[0].message.replace("standards", "")
