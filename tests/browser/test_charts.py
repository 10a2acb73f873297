"""Trend charts (inline SVG): an image with a title and a description stating the figures, every bar
labelled with its year and figure, colours with enough contrast against the page, readable on a phone."""

from __future__ import annotations

import pytest

from tests.browser.contrast import LARGE_TEXT, NORMAL_TEXT, flatten, parse, ratio

pytestmark = pytest.mark.browser

CHARTS = """() => Array.from(document.querySelectorAll('svg.trend-chart')).map(svg => {
  const layers = [];
  for (let node = svg; node; node = node.parentElement) layers.push(getComputedStyle(node).backgroundColor);
  const title = svg.querySelector('title'), desc = svg.querySelector('desc');
  return {
    role: svg.getAttribute('role'),
    labelledby: svg.getAttribute('aria-labelledby'),
    title: title && title.textContent, title_id: title && title.id,
    desc: desc && desc.textContent, desc_id: desc && desc.id,
    width: svg.getBoundingClientRect().width,
    right: svg.getBoundingClientRect().right,
    texts: Array.from(svg.querySelectorAll('text')).map(t => ({
      text: t.textContent, fill: getComputedStyle(t).fill, height: t.getBoundingClientRect().height,
      right: t.getBoundingClientRect().right})),
    bars: Array.from(svg.querySelectorAll('rect')).map(r => getComputedStyle(r).fill),
    layers,
    table_after: !!svg.closest('section').querySelector('table'),
  };
})"""


@pytest.mark.parametrize("kind, width", [("office", 1280), ("office", 320), ("summary", 1280), ("summary", 320)])
def test_charts_state_their_figures_and_are_readable(open_page, kind, width):
    page = open_page(kind, width=width)
    charts = page.evaluate(CHARTS)
    assert charts, "the page has trend charts"
    for chart in charts:
        assert chart["role"] == "img"
        assert chart["labelledby"] == f"{chart['title_id']} {chart['desc_id']}"
        years = [t["text"] for t in chart["texts"][0::2]]
        values = [t["text"] for t in chart["texts"][1::2]]
        assert len(years) == len(values) == len(chart["bars"]) >= 2  # every bar labelled: no legend
        assert chart["desc"] == "；".join(f"{y}年度 {v} 件" for y, v in zip(years, values))
        background = flatten(chart["layers"])
        for text in chart["texts"]:
            assert ratio(parse(text["fill"]), background) >= NORMAL_TEXT, text
            assert text["height"] >= 12, text  # labels stay readable at a phone's width
            assert text["right"] <= width, text
        for fill in chart["bars"]:
            assert ratio(parse(fill), background) >= LARGE_TEXT, fill
        assert chart["right"] <= width
        assert chart["table_after"], "the same figures follow as a table"
