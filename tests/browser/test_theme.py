"""What axe does not check, measured in the browser on the shipped theme: text size and line height, the
contrast of every colour pair a page shows (also for visited links and hovered rows), nothing said by
colour alone, unique descriptive titles and the page language."""

from __future__ import annotations

from collections import defaultdict

import pytest

from tests.browser import contrast
from tests.browser.fixture_site import PAGES
from tests.html_tree import parse_html

pytestmark = pytest.mark.browser

# Every visible piece of text (and ::before/::after text, and the sort icons), with its colour, size, weight
# and the background layers below it up to the first opaque one.
TEXT_COLOURS = """() => {
  const seen = [];
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const backdrop = el => {
    const layers = [];
    for (let up = el; up; up = up.parentElement) {
      const s = getComputedStyle(up);
      if (s.backgroundImage !== 'none') return {error: `background image on ${describe(up)}`};
      if (parseFloat(s.opacity) < 1) return {error: `opacity ${s.opacity} on ${describe(up)}`};
      layers.push(s.backgroundColor);
      if (!s.backgroundColor.startsWith('rgba') || s.backgroundColor.endsWith(', 1)')) break;
    }
    return {layers};
  };
  const record = (el, style, kind, text) => {
    const bg = backdrop(el);
    seen.push({
      where: describe(el), kind, text: text.slice(0, 20),
      color: kind === 'icon' ? style.fill : style.color,
      size: parseFloat(style.fontSize), weight: parseInt(style.fontWeight, 10),
      lineHeight: style.lineHeight === 'normal' ? null : parseFloat(style.lineHeight),
      heading: !!el.closest('h1, h2, h3, h4, h5, h6'),
      ...bg,
    });
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.checkVisibility({visibilityProperty: true, checkVisibilityCSS: true})) continue;
    if (el.closest('.visually-hidden')) continue;
    const style = getComputedStyle(el);
    if (el.matches('svg.sort-icon')) { record(el, style, 'icon', ''); continue; }
    const own = Array.from(el.childNodes).filter(n => n.nodeType === 3 && n.data.trim()).map(n => n.data.trim()).join(' ');
    if (own) record(el, style, 'text', own);
    for (const pseudo of ['::before', '::after']) {
      const ps = getComputedStyle(el, pseudo);
      const content = ps.content;
      if (content && content !== 'none' && content !== 'normal' && content.replace(/["'\\s]/g, '')) {
        record(el, ps, 'text', content);
      }
    }
  }
  return seen;
}"""

# The cascade of :visited and :hover, reproduced with classes (the browser hides visited colours from
# scripts): each such rule is copied with the pseudo-class replaced by a class of the same specificity.
SIMULATE_STATES = """() => {
  const copy = (list) => {
    for (let i = list.cssRules.length - 1; i >= 0; i--) {
      const rule = list.cssRules[i];
      if (rule.cssRules && !(rule instanceof CSSStyleRule)) { copy(rule); continue; }
      if (rule.selectorText && /:(visited|hover)/.test(rule.selectorText)) {
        const selector = rule.selectorText.replace(/:visited/g, '.gk-visited').replace(/:hover/g, '.gk-hover');
        list.insertRule(`${selector} { ${rule.style.cssText} }`, i + 1);
      }
    }
  };
  for (const sheet of document.styleSheets) copy(sheet);
  document.querySelectorAll('a[href]').forEach(a => a.classList.add('gk-visited'));
  document.querySelectorAll('body *').forEach(el => el.classList.add('gk-hover'));
}"""


def contrast_failures(samples: list[dict]) -> tuple[list[str], set[tuple[str, str]]]:
    """(failures, the distinct colour pairs seen) for text samples from TEXT_COLOURS."""
    failures, pairs = [], set()
    for sample in samples:
        if "error" in sample:
            failures.append(f"{sample['where']}: cannot tell the background ({sample['error']})")
            continue
        fg, bg = contrast.parse(sample["color"]), contrast.flatten(sample["layers"])
        need = contrast.NORMAL_TEXT
        if sample["kind"] == "icon" or contrast.is_large(sample["size"], sample["weight"]):
            need = contrast.LARGE_TEXT
        got = contrast.ratio(fg, bg)
        pairs.add((contrast.hex_of(contrast.over(fg, bg)), contrast.hex_of(bg)))
        if got < need:
            failures.append(
                f"{sample['where']} “{sample['text']}”: {contrast.hex_of(fg)} on {contrast.hex_of(bg)} "
                f"is {got:.2f}:1, needs {need}:1"
            )
    return sorted(set(failures)), pairs


@pytest.fixture(scope="module")
def colour_samples(browser, site_url) -> dict[str, list[dict]]:
    """Text colour samples of every page kind, at desktop and phone width, plain and with visited/hover states."""
    samples: dict[str, list[dict]] = defaultdict(list)
    for width in (1280, 375):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for kind, path in PAGES.items():
            page.goto(site_url + path)
            samples[kind] += page.evaluate(TEXT_COLOURS)
            page.evaluate(SIMULATE_STATES)
            samples[kind] += [dict(s, where=s["where"] + " (visited/hover)") for s in page.evaluate(TEXT_COLOURS)]
        context.close()
    return samples


@pytest.mark.parametrize("kind", PAGES)
def test_every_text_colour_pair_has_enough_contrast(colour_samples, kind):
    failures, pairs = contrast_failures(colour_samples[kind])
    assert failures == [], f"{kind}: {len(failures)} colour pairs below WCAG AA"
    assert len(pairs) >= 3, "the sampling found the theme's colours"


def test_the_states_are_sampled_and_a_bad_pair_is_caught(colour_samples):
    visited = [s for s in colour_samples["report"] if "(visited/hover)" in s["where"] and s["where"].startswith("a")]
    assert {s["color"] for s in visited} >= {"rgb(90, 45, 134)"}, "visited links take the theme's visited colour"
    hovered = [s for s in colour_samples["report"] if "(visited/hover)" in s["where"] and s["where"].startswith("td")]
    assert any("238, 243, 249" in str(s["layers"]) for s in hovered), "hovered rows take the theme's hover colour"
    light = dict(colour_samples["report"][0], color="rgb(150, 150, 150)", layers=["rgb(255, 255, 255)"], kind="text")
    light.update(size=16, weight=400)
    assert contrast_failures([light])[0], "#969696 on white (2.96:1) is caught"


def test_base_text_is_16px_or_more_with_line_height_1_5(colour_samples, open_page):
    page = open_page("report")
    body = page.evaluate("(() => { const s = getComputedStyle(document.body); return [s.fontSize, s.lineHeight]; })()")
    size, line = (float(v.rstrip("px")) for v in body)
    assert size >= 16 and line / size >= 1.5, body
    for kind, samples in colour_samples.items():
        small = {f"{s['where']} {s['size']}px" for s in samples if s["kind"] == "text" and s["size"] < 14}
        assert small == set(), f"{kind}: text smaller than 14px"
        tight = {
            f"{s['where']} {s['lineHeight']}/{s['size']}"
            for s in samples
            if s["kind"] == "text" and not s["heading"] and (s["lineHeight"] or 0) < 1.5 * s["size"] - 0.01
        }
        assert tight == set(), f"{kind}: body text with line height below 1.5"


def test_text_follows_the_readers_own_font_size(browser, site_url):
    """Readers who set a larger default font in their browser (common among the elderly) get larger text."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Page.enable")
    session.send("Page.setFontSizes", {"fontSizes": {"standard": 24, "fixed": 24}})
    page.goto(site_url + PAGES["report"])
    sizes = page.evaluate(
        "['body', 'h1', 'table.stats td', '.site-footer'].map(s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))"
    )
    context.close()
    assert sizes[0] == 24 and sizes[1] > 24 and sizes[2] >= 21 and sizes[3] >= 21, sizes


# --- nothing said by colour alone -------------------------------------------------------------------------

LINK_LOOKS = """() => Array.from(document.querySelectorAll('a[href]'))
  .filter(a => a.checkVisibility() && !a.closest('.visually-hidden'))
  .map(a => ({
    html: a.outerHTML.slice(0, 80),
    nav: !!a.closest('.site-nav, .site-name'),
    current: a.getAttribute('aria-current'),
    underline: getComputedStyle(a).textDecorationLine.includes('underline'),
  }))"""


@pytest.mark.parametrize("kind", PAGES)
def test_links_are_underlined_not_only_coloured(open_page, kind):
    page = open_page(kind, width=1280)
    links = page.evaluate(LINK_LOOKS)
    assert [link["html"] for link in links if not link["nav"] and not link["underline"]] == []
    # Header navigation: a list of links in a bar; the current page is the one underlined.
    nav = [link for link in links if link["nav"] and not link["html"].startswith('<a href="../')]
    current = [link for link in links if link["current"] == "page"]
    assert all(link["underline"] for link in current)
    if kind == "home":
        assert current and not any(
            link["underline"] for link in nav if link["current"] is None and "site-name" not in link["html"]
        )


def test_states_are_said_in_words_and_shapes(open_page):
    office = open_page("jiaoyuju/index.html")
    statuses = office.evaluate(
        "() => Array.from(document.querySelectorAll('table.summary tbody tr'))"
        ".map(row => [row.cells[0].textContent.trim(), row.cells[row.cells.length - 1].textContent.trim(),"
        " row.cells[row.cells.length - 1].classList.contains('status-broken')])"
    )
    assert statuses == [["2023年度报告", "符合", False], ["2022年度报告", "2 处不符合", True]]
    report = open_page("report-broken")
    notice = report.evaluate(
        "(() => { const n = document.querySelector('.notice'); return [n.querySelector('h2').textContent, "
        "getComputedStyle(n).borderLeftWidth, n.querySelector('li').textContent]; })()"
    )
    assert notice[0].startswith("!请注意") and "不符合（规则 R1）" in notice[2] and float(notice[1].rstrip("px")) >= 4


# --- titles and language ------------------------------------------------------------------------------------


def test_every_page_has_a_unique_descriptive_title_and_the_chinese_language(fixture_site):
    titles: dict[str, str] = {}
    for file in sorted(fixture_site.rglob("*.html")):
        page = parse_html(file.read_text(encoding="utf-8"))
        html = page.find("html")
        assert html is not None and html.attrs.get("lang") == "zh-CN", file
        title = page.find("title").text.strip()
        h1 = page.find("h1").text.strip()
        where = file.relative_to(fixture_site).as_posix()
        if where == "index.html":
            assert title == h1 == "某某县政府信息公开"
        else:
            assert title == f"{h1}_某某县政府信息公开", f"{where}: the title names the page, then the site"
        titles[where] = title
    assert len(set(titles.values())) == len(titles), "titles are unique"
    assert len(titles) > 20


@pytest.mark.parametrize("kind", ["report", "404"])
def test_the_browser_reads_the_page_as_simplified_chinese(open_page, kind):
    page = open_page(kind)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.evaluate("document.querySelector('main').matches(':lang(zh-CN)')")
