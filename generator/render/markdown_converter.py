"""The Markdown converter of narratives (render.converted_html sanitises what it makes).

A module of its own so that Markdown is imported only when a narrative needs it: most are plain
paragraphs (render.plain_paragraphs_html), and importing Markdown costs a fiftieth of a second, a
fortieth of rebuilding a 20,000-report site after one edit.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree

import markdown

NARRATIVE_TOP_HEADING = 3  # narratives sit under the page's h1 and their section's h2


class DemoteHeadings(markdown.treeprocessors.Treeprocessor):
    """Shift headings so that the narrative's highest one becomes an h3 (the page keeps one h1)."""

    def run(self, root: etree.Element) -> None:
        """Shift every heading of the converted tree by the same number of levels (h6 at most)."""
        headings = [el for el in root.iter() if re.fullmatch(r"h[1-6]", el.tag)]
        if not headings:
            return
        shift = NARRATIVE_TOP_HEADING - min(int(el.tag[1]) for el in headings)
        for el in headings:
            el.tag = f"h{min(6, int(el.tag[1]) + shift)}"


class NarrativeExtension(markdown.Extension):
    """Markdown as narratives may use it: no raw HTML (it stays text), headings demoted."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API name
        """Turn raw HTML (blocks and inline tags) off and add the demotion of headings."""
        md.preprocessors.deregister("html_block")  # raw HTML blocks stay text (escaped)
        md.inlinePatterns.deregister("html")  # and inline tags too
        md.treeprocessors.register(DemoteHeadings(md), "demote_headings", 1)


@functools.cache
def converter() -> markdown.Markdown:
    """One converter per process (building one costs more than converting a text); reset before each use."""
    return markdown.Markdown(extensions=["tables", "sane_lists", NarrativeExtension()])
