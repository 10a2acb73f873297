"""HTML pages as government portals publish them: the report is an article inside the page's layout.

The page is parsed into a small tree (html.parser, tolerant of unclosed cells and paragraphs), the
article is found as the smallest element holding the report's section headings and data tables
(navigation, headers and footers around it are left out), and its text and innermost tables become
lines: a paragraph per block of text, a row of cells per table row with rowspan/colspan expanded.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

from ..model.findings import Finding, Position, warning
from ..model.format import all_formats
from .document import Document, Line, SourceCell
from .labels import normalise
from .narrative import heading_of, labelled_date, parse_date, read_title
from .text import by_bom

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
SKIP = {"script", "style", "noscript", "template", "head", "select", "button", "iframe", "object", "svg", "textarea"}
BLOCK = {
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
CLOSES_P = BLOCK - {"td", "th", "tr", "tbody", "thead", "tfoot", "caption", "li", "dd", "dt"}
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w]+)""", re.IGNORECASE)
CJK_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t\r]*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")
HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
DATE_META = ("pubdate", "publishdate", "firstpublishedtime", "publishtime", "articlepubdate", "dc.date")
AROUND = {"nav", "header", "footer", "aside"}
AROUND_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
SCREEN_READER_ONLY = {"visually-hidden", "sr-only", "screen-reader-text", "hidden"}
GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}


@dataclass(eq=False)
class Element:
    """An element of the page: its tag, attributes, where its start tag is, and its children."""

    tag: str
    attrs: dict[str, str]
    line: int
    column: int
    parent: Element | None = None
    children: list = field(default_factory=list)  # Element | Text

    def hidden(self) -> bool:
        """Not shown to readers (display:none, screen-reader-only text)."""
        if "hidden" in self.attrs or self.attrs.get("aria-hidden") == "true":
            return True
        classes = self.attrs.get("class", "").lower().split()
        return bool(HIDDEN.search(self.attrs.get("style", ""))) or any(c in SCREEN_READER_ONLY for c in classes)

    def around(self) -> bool:
        """Part of the page around the article: navigation, site header and footer, sidebars."""
        return self.tag in AROUND or self.attrs.get("role", "").lower() in AROUND_ROLES

    def ancestors(self) -> list[Element]:
        """The element and those it is inside, innermost first."""
        node, out = self, []
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    def find_all(self, tag: str) -> list[Element]:
        """The elements of that tag inside this one, in document order."""
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if child.tag == tag:
                    found.append(child)
                found.extend(child.find_all(tag))
        return found

    def text(self) -> str:
        """What readers see of it (not what is hidden, skipped or around the article); blocks on lines of their own."""
        parts = []
        for child in self.children:
            if isinstance(child, Text):
                parts.append(child.text)
            elif child.tag == "br":
                parts.append("\n")
            elif child.tag not in SKIP and not child.hidden() and not child.around():
                inner = child.text()
                parts.append(f"\n{inner}\n" if child.tag in BLOCK else inner)
        return "".join(parts)


@dataclass(eq=False)
class Text:
    """A run of the page's text and where it starts."""

    text: str
    line: int
    column: int


class TreeBuilder(HTMLParser):
    """A forgiving tree of the page: unclosed <p>, <li>, <td> and <tr> close where browsers close them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, 1, 1)
        self.stack = [self.root]
        self.skipping = 0

    def _open(self, tag: str) -> Element | None:
        for node in reversed(self.stack):
            if node.tag == tag:
                return node
            if node.tag in ("table", "td", "th") and tag not in ("table", "td", "th", "tr"):
                return None
            if node.tag == "table":
                return None
        return None

    def _close(self, node: Element) -> None:
        while self.stack[-1] is not node:
            self.stack.pop()
        self.stack.pop()

    def _close_in_table(self, tags: set[str]) -> None:
        for node in reversed(self.stack):
            if node.tag in tags:
                self._close(node)
                return
            if node.tag == "table":
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an element, after closing what its tag closes (an open <p>, cell, row or list item)."""
        if self.skipping:
            if tag in SKIP:
                self.skipping += 1
            return
        if tag in SKIP:
            self.skipping = 1
            return
        if tag in CLOSES_P and (open_p := self._open("p")) is not None:
            self._close(open_p)
        if tag in ("td", "th"):
            self._close_in_table({"td", "th"})
        elif tag == "tr":
            self._close_in_table({"tr"})
        elif tag in ("tbody", "thead", "tfoot"):
            self._close_in_table({"tbody", "thead", "tfoot"})
        elif tag == "li" and (open_li := self._open("li")) is not None:
            self._close(open_li)
        line, offset = self.getpos()
        element = Element(tag, {k: v or "" for k, v in attrs}, line, offset + 1, parent=self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A self-closing tag (<br/>, <td/>): an element opened and closed at once."""
        self.handle_starttag(tag, attrs)
        if tag not in VOID and not self.skipping and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        """Close the nearest open element of that tag, not past the cell or table it is in; else ignore the tag."""
        if self.skipping:
            if tag in SKIP:
                self.skipping -= 1
            return
        node = self._open(tag)
        if node is not None:
            self._close(node)

    def handle_data(self, data: str) -> None:
        """Text, kept with where it starts, in the element open (not inside <script>, <style> and the like)."""
        if self.skipping or not data:
            return
        line, offset = self.getpos()
        self.stack[-1].children.append(Text(data, line, offset + 1))


def decode(data: bytes, path: str) -> tuple[str, list[Finding]]:
    """A page's text: by its BOM, else its <meta charset> (GB2312 and GBK read as GB18030), else UTF-8."""
    if marked := by_bom(data):
        return marked[0].decode(marked[1], errors="replace"), []
    declared = CHARSET.search(data[:4096])
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if encoding in GB:
        encoding = "gb18030"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError:
        pass
    fallback = "gb18030" if encoding == "utf-8" else "utf-8"
    try:
        text = data.decode(fallback)
        return text, [warning(Position(path), f"网页声明的编码（{encoding}）与内容不符，已按 {fallback} 读取")]
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
        return text, [warning(Position(path), f"网页中有不是 {encoding} 编码的字符，已替换为“�”")]


def _innermost_tables(root: Element) -> list[Element]:
    return [
        t
        for t in root.find_all("table")
        if not t.find_all("table") and not any(a.hidden() or a.around() for a in t.ancestors())
    ]


def _rows(table: Element) -> list[Element]:
    rows = []

    def walk(node: Element) -> None:
        for child in node.children:
            if isinstance(child, Element) and not child.hidden():
                if child.tag == "tr":
                    rows.append(child)
                elif child.tag in ("thead", "tbody", "tfoot"):
                    walk(child)

    walk(table)
    return rows


def _span(value: str) -> int:
    digits = re.match(r"\s*(\d+)", value or "")
    return max(1, min(int(digits.group(1)), 1000)) if digits else 1


def grid_lines(table: Element, number: int, path: str) -> list[Line]:
    """A table's rows with merged cells expanded: each repeat of a merged cell is marked as a copy."""
    lines: list[Line] = []
    caption = next((c for c in table.children if isinstance(c, Element) and c.tag == "caption"), None)
    if caption is not None and caption.text().strip():
        where = Position(path, caption.line, caption.column)
        lines.append(Line((SourceCell(" ".join(caption.text().split()), where),), role="caption"))
    rows = _rows(table)
    grid: dict[tuple[int, int], SourceCell] = {}
    heads = set()
    for row_number, tr in enumerate(rows):
        column = 0
        sources = [c for c in tr.children if isinstance(c, Element) and c.tag in ("td", "th") and not c.hidden()]
        if tr.parent is not None and tr.parent.tag == "thead" or (sources and all(c.tag == "th" for c in sources)):
            heads.add(row_number)
        for cell_number, td in enumerate(sources, 1):
            while (row_number, column) in grid:
                column += 1
            text = td.text().replace("\xa0", " ").replace("\u3000", " ")
            text = "\n".join(" ".join(part.split()) for part in text.split("\n") if part.strip())
            place = f"第 {number} 个表格第 {row_number + 1} 行第 {cell_number} 格"
            cell = SourceCell(text, Position(path, td.line, td.column), place)
            rowspan = min(_span(td.attrs.get("rowspan", "")), len(rows) - row_number)
            colspan = _span(td.attrs.get("colspan", ""))
            for down in range(rowspan):
                for across in range(colspan):
                    grid[(row_number + down, column + across)] = (
                        cell if down == across == 0 else replace(cell, copy=True)
                    )
            column += colspan
    for row_number, tr in enumerate(rows):
        columns = [c for r, c in grid if r == row_number]
        if not columns:
            continue
        hole = SourceCell(
            "", Position(path, tr.line, tr.column), f"第 {number} 个表格第 {row_number + 1} 行", copy=True
        )
        cells = tuple(grid.get((row_number, c), hole) for c in range(max(columns) + 1))
        lines.append(Line(cells, table=number, role="head" if row_number in heads else "", grid=True))
    return lines


class _Flattener:
    """Walks the article in reading order: text blocks become paragraph lines, data tables row lines."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: list[Line] = []
        self.owners: list[Element] = []  # the element each line came from
        self.buffer: list[Text] = []
        self.buffer_owner: Element | None = None
        self.tables = 0

    def flush(self, heading: int = 0) -> None:
        if not self.buffer:
            return
        text = CJK_BREAK.sub("", "".join(t.text for t in self.buffer))
        text = " ".join(text.replace("\xa0", " ").split())
        first = self.buffer[0]
        if text:
            where = Position(self.path, first.line, first.column)
            scope = tuple(id(e) for e in self.buffer_owner.ancestors())
            self.lines.append(Line((SourceCell(text, where),), heading=heading, scope=scope))
            self.owners.append(self.buffer_owner)
        self.buffer = []

    def visit(self, node: Element, heading: int = 0) -> None:
        for child in node.children:
            if isinstance(child, Text):
                if not self.buffer:
                    self.buffer_owner = node
                self.buffer.append(child)
                continue
            if child.tag in SKIP or child.hidden() or child.around():
                continue
            if child.tag == "br":
                self.flush(heading)
            elif child.tag == "table" and not child.find_all("table"):
                self.flush(heading)
                self.tables += 1
                scope = tuple(id(e) for e in child.ancestors())
                for line in grid_lines(child, self.tables, self.path):
                    self.lines.append(replace(line, scope=scope))
                    self.owners.append(child)
            elif child.tag in BLOCK:
                self.flush(heading)
                self.visit(child, HEADINGS.get(child.tag, heading))
                self.flush(HEADINGS.get(child.tag, heading))
            else:
                self.visit(child, heading)


def _known_labels() -> set[str]:
    labels = set()
    for fmt in all_formats().values():
        for table in fmt.tables.values():
            for block in table.blocks:
                for row in block.leaf_rows:
                    labels.add(normalise(row.label.zh))
                for column in block.leaf_columns:
                    labels.add(normalise(column.label.zh))
    return labels


def _article(body: Element, path: str) -> Element:
    """The smallest element that holds the report's section headings and data tables."""
    flat = _Flattener(path)
    flat.visit(body)
    sections = [s for fmt in all_formats().values() for s in fmt.sections if s.number or s.kind != "table"]
    known = _known_labels()
    anchors: list[Element] = []
    for line, owner in zip(flat.lines, flat.owners):
        if line.table:
            continue
        if heading_of(line.text, sections) is not None:
            anchors.append(owner)
    for table in _innermost_tables(body):
        cells = [normalise(t) for t in table.text().split("\n")]
        if sum(1 for c in cells if c in known) >= 3:
            anchors.append(table)
    if not anchors:
        return body
    common = anchors[0].ancestors()
    for anchor in anchors[1:]:
        chain = set(map(id, anchor.ancestors()))
        common = [a for a in common if id(a) in chain]
    return common[0] if common else body


def _title(body: Element, article: Element, head: Element) -> str:
    """The report's title: a heading-like element of the page naming the year and 政府信息公开…报告."""
    candidates: list[tuple[int, str]] = []
    elements = [article] + [
        e for tag in ("h1", "h2", "h3", "div", "p", "td", "span", "strong") for e in body.find_all(tag)
    ]
    for element in elements:
        text = re.split(r"[>»›]", " ".join(element.text().split()))[-1].strip()  # not the breadcrumb trail
        if read_title(text) is None:
            continue
        names = (element.attrs.get("class", "") + element.attrs.get("id", "")).lower()
        rank = 0 if element.tag in HEADINGS else 1 if "title" in names else 2
        candidates.append((rank, text))
    for meta in head.find_all("meta"):
        if meta.attrs.get("name", "").lower() in ("articletitle", "title") and meta.attrs.get("content"):
            candidates.append((3, meta.attrs["content"].strip()))
    for title in head.find_all("title"):
        candidates.append((4, re.split(r"[_|]| - ", title.text().strip())[0]))
    candidates.sort(key=lambda item: item[0])
    return candidates[0][1] if candidates else ""


def read_html(data: bytes, path: str) -> Document:
    """A page's article read into lines, with the title, publication date and address the page gives."""
    text, findings = decode(data, path)
    builder = TreeBuilder()
    builder.feed(text)
    builder.close()
    root = builder.root
    head = _head(text)
    body = next(iter(root.find_all("body")), root)
    article = _article(body, path)
    flat = _Flattener(path)
    flat.visit(article)
    flat.flush()

    published = None
    for meta in head.find_all("meta"):
        if meta.attrs.get("name", "").lower() in DATE_META:
            published = published or parse_date(meta.attrs.get("content", ""))
    if published is None:
        published = labelled_date(" ".join(body.text().split()))
    source_url = ""
    for element in head.find_all("link") + head.find_all("meta"):
        if element.attrs.get("rel", "").lower() == "canonical" or element.attrs.get("property", "").lower() == "og:url":
            url = element.attrs.get("href") or element.attrs.get("content", "")
            if url.startswith(("http://", "https://")):
                source_url = url
                break
    return Document(
        path=path,
        kind="html",
        lines=tuple(flat.lines),
        title=_title(body, article, head),
        published=published,
        source_url=source_url,
        findings=tuple(findings),
    )


def _head(text: str) -> Element:
    """The page's <head> (its meta tags, links and title), which the body's tree leaves out."""

    class HeadBuilder(TreeBuilder):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "head":
                return
            if tag in ("meta", "link", "title"):
                line, offset = self.getpos()
                element = Element(tag, {k: v or "" for k, v in attrs}, line, offset + 1, parent=self.stack[-1])
                self.stack[-1].children.append(element)
                if tag == "title":
                    self.stack.append(element)

        def handle_endtag(self, tag: str) -> None:
            if tag == "title" and self.stack[-1].tag == "title":
                self.stack.pop()

        def handle_data(self, data: str) -> None:
            if self.stack[-1].tag == "title":
                self.stack[-1].children.append(Text(data, *self.getpos()))

    builder = HeadBuilder()
    builder.feed(text)
    builder.close()
    return builder.root
