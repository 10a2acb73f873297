"""Rendering: the Jinja environment over the layouts (a site's own first), and narrative Markdown made safe.

Rendering is a pure function of a template name and a context of plain values; a template error
becomes a GongkaiError positioned at the template's file and line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import chain
from pathlib import Path

import jinja2
import nh3
from markupsafe import Markup, escape

from ..model.findings import Finding, GongkaiError, Position
from ..model.format import Table, all_formats, get_format
from ..model.numbers import format_number
from ..model.values import Number, Report, cell_key
from ..read.files import OUTSIDE_SITE, display_path, inside, site_files
from .tables import TableCell, TableView, css_string, table_view, table_width, value_cells

DEFAULT_LAYOUTS = Path(__file__).parent.parent / "layouts"
STATIC = "static"
TABLE_TEMPLATE = "table.html"  # the statistical table's macro: its contract is in README, "Your own layouts"
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt")

# What narrative Markdown may become. Everything else (raw HTML, images, style, script, event
# attributes, javascript:/data: URLs) is escaped or dropped.
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "a", "blockquote",
    "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}


class Renderer:
    """Templates from the site's layouts/ folder, falling back to Gongkai's default layouts."""

    def __init__(self, site_layouts: Path | None = None, cache: Path | None = None) -> None:
        """`cache`: a folder to keep compiled templates in, for the next process that renders them."""
        folders = [folder for folder in (site_layouts, DEFAULT_LAYOUTS) if folder is not None and folder.is_dir()]
        # A site's layouts are read only from inside the site (the folder above layouts/).
        self.site = site_layouts.parent if site_layouts is not None and site_layouts in folders else None
        if self.site is not None and site_layouts.is_symlink() and not inside(site_layouts, self.site):
            raise GongkaiError(Finding(Position(display_path(site_layouts)), "error", OUTSIDE_SITE))
        self.folders = tuple(folders)
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
        self.env = jinja2.Environment(
            loader=_SiteLoader([str(f) for f in folders], self.site),
            bytecode_cache=jinja2.FileSystemBytecodeCache(str(cache)) if cache is not None else None,
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            undefined=jinja2.StrictUndefined,
            auto_reload=False,  # a build's renderer serves while its templates are unchanged (BuildSession.renderer)
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["figure"] = figure_html
        self.env.filters["value_cell"] = value_cell_html
        self.env.filters["zh_date"] = zh_date
        self.env.filters["css_string"] = lambda text: Markup(css_string(text))
        self.env.globals["scroll_hint"] = Markup(SCROLL_HINT)
        # per table of a format: its skeleton, its width and its label rules
        self._skeletons: dict[tuple[str, str], tuple[TableSkeleton | None, int, Markup]] = {}

    def check_templates(self) -> None:
        """Compile every template now, so that a syntax error stops the build before anything is written."""
        for name in sorted(self.env.list_templates()):
            if name.endswith(TEMPLATE_SUFFIXES) and not name.startswith(f"{STATIC}/"):
                self._template(name)

    def _template(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise GongkaiError(_template_finding(exc, exc.filename or name, exc.lineno)) from None
        except jinja2.TemplateNotFound as exc:
            raise GongkaiError(f"找不到模板 {exc.name}：请检查 layouts 目录") from None

    def render(self, name: str, context: dict) -> str:
        """The named template rendered with the context; an error in a template is raised naming its file and line."""
        template = self._template(name)
        try:
            return template.render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise GongkaiError(_template_finding(exc, exc.filename or name, exc.lineno)) from None
        except Exception as exc:  # an error inside a template (undefined name, bad filter argument, ...)
            path, line = _template_frame(exc, self.folders, template.filename)
            raise GongkaiError(_template_finding(exc, path, line)) from None

    def table_view(self, table: Table, report: Report) -> TableView:
        """A report's statistical table, its markup made from the table's skeleton when the layouts allow."""
        key = (report.format_id, table.id)
        if key not in self._skeletons:
            made = self._skeleton(table, _sample_report(report.format_id))
            self._skeletons[key] = (made, table_width(table), table_view(table, None).labels)
        skeleton, width, labels = self._skeletons[key]
        return table_view(table, report, Markup(skeleton.fill(report)) if skeleton else "", width, labels)

    def table_template_findings(self) -> list[Finding]:
        """A warning naming the site's own table.html when it breaks the table contract (README, "Your own
        layouts"): its tables are then rendered report by report, as the template says, but slower."""
        file = self.folders[0] / TABLE_TEMPLATE if self.site is not None else None
        if file is None or not file.is_file():
            return []
        samples = [(table, _sample_report(fmt.id)) for fmt in all_formats().values() for table in fmt.tables.values()]
        if all(self.table_view(table, sample).html for table, sample in samples):
            return []
        message = (
            "表格模板没有遵守约定，每份报告的表格将逐一渲染（较慢）：statistical_table(t) 应在 t.html 有内容时"
            "原样输出它、不输出别的，数值格只用 {{ c|value_cell }} 输出（见 README 的“Your own layouts”一节）"
        )
        return [Finding(Position(display_path(file)), "warning", message)]

    def _skeleton(self, table: Table, sample: Report) -> TableSkeleton | None:
        """The table's markup cut at its value cells, or None when the layouts' table.html breaks the
        contract: a made table's `html` not printed as it is, a value cell not printed by the `value_cell`
        filter, or anything else in the table that depends on the report (tried on a sample report)."""
        macro = self.env.from_string('{% import "table.html" as tables %}{{ tables.statistical_table(t) }}')
        try:
            made = table_view(table, None, html=Markup("\ue000"))
            if macro.render(t=made) != made.html:
                return None
            shape = table_view(table, None)
            html = macro.render(t=shape)
            expected = macro.render(t=table_view(table, sample))
        except Exception:  # the table's template has errors: rendering the page reports them
            return None
        fragments, keys, start = [], [], 0
        for cell in value_cells(shape):
            opening = value_cell_start(cell.headers, cell.colspan)
            found = html.find(opening + value_cell_end(None, False), start)
            if found < 0:
                return None
            fragments.append(html[start : found + len(opening)])
            keys.append(cell.key)
            start = found + len(opening) + len(value_cell_end(None, False))
        fragments.append(html[start:])
        skeleton = TableSkeleton(tuple(fragments), tuple(keys))
        return skeleton if skeleton.fill(sample) == expected else None

    def layout_files(self) -> list[tuple[int, str, Path]]:
        """Each file of the layouts folders but their static files: the folder's index, the file's
        name there and its path. A symbolic link of the site's that leads out of the site stops the
        build, named (so does one in static/)."""
        files = []
        for index, folder in enumerate(self.folders):
            found, refused = site_files(folder, self.site if index == 0 and self.site is not None else folder)
            if refused:
                raise GongkaiError([Finding(Position(display_path(f)), "error", OUTSIDE_SITE) for f in refused])
            files += [(index, name, file) for name, file in found.items() if not name.startswith(f"{STATIC}/")]
        return files

    def static_files(self) -> dict[str, Path]:
        """Every file under static/ by its name there; a site's file wins over the default one. A
        symbolic link of the site's that leads out of the site stops the build, named."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            base = folder / STATIC
            if base.is_dir() or base.is_symlink():
                found, refused = site_files(base, self.site if folder == self.folders[0] and self.site else folder)
                if refused:
                    raise GongkaiError([Finding(Position(display_path(f)), "error", OUTSIDE_SITE) for f in refused])
                files.update(found)
        return dict(sorted(files.items()))


@cache
def _sample_report(format_id: str) -> Report:
    """A report of a format to try a table template on: every value different, one missing, one
    computed (a skeleton filled with it must be what the template prints for it)."""
    keys = [cell_key(*key) for key in get_format(format_id).cell_keys()]
    values = {key: number for number, key in enumerate(keys[1:], 1)}
    return Report("", 0, format_id, "", values=values, computed=frozenset(keys[2:3]))


class _SiteLoader(jinja2.FileSystemLoader):
    """Templates from the layouts folders, a site's only from inside the site: a template that is a
    symbolic link out of it (or in a folder that is one) is refused, unread."""

    def __init__(self, searchpath: list[str], site: Path | None) -> None:
        super().__init__(searchpath)
        self.site = site

    def get_source(self, environment: jinja2.Environment, template: str):
        if self.site is not None:
            pieces = jinja2.loaders.split_template_path(template)
            file = os.path.join(self.searchpath[0], *pieces)
            if os.path.isfile(file) and not inside(file, self.site):
                raise GongkaiError(Finding(Position(display_path(Path(file))), "error", OUTSIDE_SITE))
        return super().get_source(environment, template)


def _template_finding(exc: Exception, filename: str, line: int | None) -> Finding:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return Finding(Position(display_path(Path(filename)), line or 0), "error", f"模板错误：{message}")


def _template_frame(exc: Exception, folders: tuple[Path, ...], fallback: str | None) -> tuple[str, int]:
    """The innermost traceback frame inside a template file (Jinja maps those frames to template lines)."""
    roots = tuple(str(f.resolve()) for f in folders) + tuple(str(f) for f in folders)
    found = (fallback or "", 0)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(roots):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def figure_html(value: Number | None) -> Markup:
    """A figure in a table cell; a missing one says so to screen readers instead of reading a dash."""
    if value is None:
        return Markup('<span aria-hidden="true">—</span><span class="visually-hidden">无数据</span>')
    return Markup.escape(format_number(value))


# Shown by the stylesheet inside a table's scroll box while the table is wider than the box.
SCROLL_HINT = '<p class="scroll-hint" aria-hidden="true">左右滑动查看更多</p>'
MISSING_HTML = '<span aria-hidden="true">—</span><span class="visually-hidden">无数据</span>'
COMPUTED_NOTE = '<span class="visually-hidden">（原文未填，按各项之和计算）</span>'


def value_cell_html(cell: TableCell) -> Markup:
    """A value cell of a statistical table: its headers, and a note when the value was computed."""
    return Markup(
        value_cell_start(cell.headers, cell.colspan)
        + value_cell_end(None if cell.missing else cell.text, cell.computed)
    )


def value_cell_start(headers: str, colspan: int) -> str:
    """A value cell's markup up to its class attribute, left open for value_cell_end (a skeleton's slot)."""
    span = f' colspan="{colspan}"' if colspan > 1 else ""
    return f'<td headers="{escape(headers)}"{span} class="num'


def value_cell_end(text: str | None, computed: bool) -> str:
    """The rest of a value cell: its class, the figure (or 无数据 for a missing one) and the note if computed."""
    shown = MISSING_HTML if text is None else escape(text)
    if computed:
        return f' computed">{shown}{COMPUTED_NOTE}</td>'
    return f'">{shown}</td>'


@dataclass(frozen=True)
class TableSkeleton:
    """A statistical table's markup with a slot for every value cell: filling it in is the whole
    rendering of a report's table. fragments[i] ends inside the opening tag of the cell keys[i]."""

    fragments: tuple[str, ...]
    keys: tuple[str, ...]

    def fill(self, report: Report) -> str:
        """The table's markup with the report's values in their cells."""
        ends = list(map(_CELL_ENDS.__getitem__, map(report.values.get, self.keys)))
        if report.computed:
            for index, key in enumerate(self.keys):
                if key in report.computed:
                    value = report.values.get(key)
                    ends[index] = value_cell_end(None if value is None else format_number(value), True)
        return "".join(chain.from_iterable(zip(self.fragments, ends))) + self.fragments[-1]


class _CellEnds(dict):
    """The end of a value cell's markup, by value (not computed): counts from a cache (they repeat)."""

    def __missing__(self, value: Number | None) -> str:
        text = value_cell_end(None if value is None else format_number(value), False)
        if value is None or type(value) is int:
            self[value] = text
        return text


_CELL_ENDS = _CellEnds()


def zh_date(day: date) -> str:
    """A date as Chinese text writes it: 2024年2月3日 (the `zh_date` filter)."""
    return f"{day.year}年{day.month}月{day.day}日"


# --- Markdown --------------------------------------------------------------------------------------


# Most narratives are plain paragraphs of Chinese prose. Text without any character Markdown or the
# sanitiser acts on, and without lines that could open a list or carry surrounding whitespace (which
# Markdown strips), comes out of both as its paragraphs in <p> elements: made here directly, since
# converting and sanitising cost ~0.1 ms per paragraph. tests/test_render.py checks both ways agree.
_MARKUP_CHARACTERS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\xa0\u2028\u2029\ufeff\\`*_\[\]<>&#!|]")
_LIST_OR_RULE = re.compile(r"^(?:[-+=]|\d+[.)])", re.MULTILINE)


def plain_paragraphs_html(text: str) -> str | None:
    """The HTML of a text of plain paragraphs, or None when Markdown could read more into it."""
    if _MARKUP_CHARACTERS.search(text) or _LIST_OR_RULE.search(text):
        return None
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
        elif line != line.strip():
            return None
        else:
            paragraphs[-1].append(line)
    return "\n".join("<p>" + "\n".join(lines) + "</p>" for lines in paragraphs if lines)


def markdown_html(text: str) -> Markup:
    """Narrative Markdown as safe HTML: raw HTML escaped, then sanitised to an allowlist."""
    text = text or ""
    plain = plain_paragraphs_html(text)
    return Markup(plain if plain is not None else converted_html(text))


def converted_html(text: str) -> str:
    """Markdown converted, then sanitised (the way of any text; markdown_html skips it for plain paragraphs)."""
    from .markdown_converter import converter  # imported when first needed: most narratives are plain

    html = converter().reset().convert(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style"},
        strip_comments=True,
        link_rel="noopener noreferrer",
    )
    # Wide tables scroll inside their own focusable region, never the page. The sanitiser has run:
    # "<table>" can only be a tag here, since text "<" is escaped.
    clean = clean.replace(
        "<table>", f'<div class="table-scroll" role="region" aria-label="表格" tabindex="0">{SCROLL_HINT}<table>'
    )
    return clean.replace("</table>", "</table></div>")
