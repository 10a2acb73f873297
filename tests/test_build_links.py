"""A link checker over the whole built site: from the files themselves, and served from a sub-path."""

from __future__ import annotations

import functools
import threading
import urllib.request
import xml.etree.ElementTree as ET
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from generator.build import build_site
from tests.helpers import report_yaml, write_office, write_report, write_site
from tests.html_tree import parse_html

SUB_PATH = "/gov/xxgk/"
LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src", "source": "src"}


@pytest.fixture
def county(tmp_path) -> Path:
    """A county with a government, two departments under it, a township, several years and formats."""
    site = write_site(tmp_path / "site", name="某某县政府信息公开")
    (site / "site.yaml").write_text(
        "name: 某某县政府信息公开\norganiser: 某某县人民政府办公室\nsite_id_code: '1234000001'\n"
        "icp: 京ICP备00000000号\ncontact: {phone: 010-00000000, email: xxgk@example.gov.cn}\n",
        encoding="utf-8",
    )
    write_office(site, "xianzhengfu", "某某县人民政府", "kind: 政府\ncontact: {phone: 010-1, address: 县府路1号}\n")
    write_office(site, "jiaoyuju", "某某县教育局", "parent: xianzhengfu\nkind: 部门\n")
    write_office(site, "gonganju", "某某县公安局", "parent: xianzhengfu\nkind: 部门\n")
    write_office(site, "chengguan", "城关镇人民政府", "kind: 乡镇街道\n")
    for slug, years in {
        "xianzhengfu": (2021, 2022, 2023),
        "jiaoyuju": (2022, 2023),
        "gonganju": (2023,),
        "chengguan": (2023,),
    }.items():
        for year in years:
            text = report_yaml(year, values={"applications.new_received.natural_person": 3 + year % 7})
            text = text.replace("format:", f"published: {year + 1}-01-2{year % 7}\nformat:")
            write_report(site, slug, year, text)
    write_report(site, "chengguan", 2020, report_yaml(2020, format_id="2019"))
    return site


def html_links(page: Path):
    """(tag, attribute value) of every link and resource on a page."""
    tree = parse_html(page.read_text(encoding="utf-8"))
    for element in tree.iter():
        attribute = LINK_ATTRIBUTES.get(element.tag)
        if attribute and attribute in element.attrs:
            yield element.tag, element.attrs[attribute]
    for element in tree.iter():
        assert not (element.tag == "a" and "href" not in element.attrs and element.attrs.get("aria-current") is None)


def page_ids(page: Path) -> set[str]:
    return {e.attrs["id"] for e in parse_html(page.read_text(encoding="utf-8")).iter() if "id" in e.attrs}


def check_site_links(out: Path) -> int:
    """Every href/src resolves, relative to its page, to a file inside the output (and its #fragment exists)."""
    checked = 0
    for page in sorted(out.rglob("*.html")):
        if page.name == "404.html":
            continue  # served at any depth: see test_404
        for tag, url in html_links(page):
            parts = urlsplit(url)
            if tag == "a" and parts.scheme == "mailto":
                continue  # the contact e-mail address from site.yaml
            assert not parts.scheme and not parts.netloc, f"{page}: external or absolute URL {url}"
            assert not url.startswith("/"), f"{page}: root-relative URL {url} breaks in a sub-path"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_relative_to(out.resolve()), f"{page}: {url} leaves the site"
            assert target.is_file(), f"{page}: {url} has no target (a folder link must name index.html)"
            if parts.fragment:
                assert parts.fragment in page_ids(target), f"{page}: {url}: no id {parts.fragment}"
            checked += 1
    return checked


def test_every_link_of_the_built_site_resolves(county):
    build_site(county)
    out = county / "public"
    assert check_site_links(out) > 100
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    linked = set()
    for page in out.rglob("*.html"):
        for _, url in html_links(page):
            if url.startswith("mailto:"):
                continue
            target = (page.parent / urlsplit(url).path).resolve()
            linked.add(target.relative_to(out.resolve()).as_posix())
    assert pages - linked <= {"404.html"}, "pages nothing links to"
    assert {
        "data/reports.csv",
        "data/datapackage.json",
        "feed.xml",
        "static/sort.js",
        "static/style.css",
        "static/site.js",
    } <= linked
    assert {f"{slug}/2023/report.csv" for slug in ("xianzhengfu", "jiaoyuju", "gonganju", "chengguan")} <= linked


def test_the_example_site_links_resolve(example_site):
    build_site(example_site)
    assert check_site_links(example_site / "public") > 50


def test_offices_are_grouped_under_their_parent_on_the_home_page(county):
    build_site(county)
    home = parse_html((county / "public/index.html").read_text(encoding="utf-8"))
    tree = home.find("ul", class_="office-tree")
    top = [li for li in tree.children if getattr(li, "tag", "") == "li"]
    names = [li.find("a").text for li in top]
    assert names == ["城关镇人民政府", "某某县人民政府"]
    government = top[1]
    nested = government.find("ul", class_="office-tree")
    assert [a.text for a in nested.find_all("a", class_="office-link")] == ["某某县公安局", "某某县教育局"]
    latest = home.find("section", id="latest")
    assert "2023年度报告" in latest.text and len(list(latest.find("ul").iter("li"))) == 4


class _SubPathHandler(SimpleHTTPRequestHandler):
    """Serves the output folder under SUB_PATH only, like a county portal's sub-folder."""

    def translate_path(self, path):
        path = urlsplit(path).path
        if not path.startswith(SUB_PATH):
            return str(Path(self.directory) / "__outside__")
        return super().translate_path("/" + path[len(SUB_PATH) :])

    def log_message(self, *args):
        pass


@pytest.fixture
def served(county):
    build_site(county)
    handler = functools.partial(_SubPathHandler, directory=str(county / "public"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    server.shutdown()
    server.server_close()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return response.read()


def test_the_site_works_served_from_a_sub_path(served, county):
    served_output = county / "public"
    seen: set[str] = set()
    queue = [served + "index.html"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        body = fetch(url)
        if not url.endswith(".html"):
            continue
        tree = parse_html(body.decode("utf-8"))
        for element in tree.iter():
            attribute = LINK_ATTRIBUTES.get(element.tag)
            if attribute and attribute in element.attrs and not element.attrs[attribute].startswith("mailto:"):
                target = urljoin(url, element.attrs[attribute]).partition("#")[0]
                assert target.startswith(served), f"{url} links outside the sub-path: {target}"
                queue.append(target)
    assert served + "chengguan/2020/report.json" in seen
    on_disk = {p.relative_to(served_output).as_posix() for p in served_output.rglob("*.html")} - {"404.html"}
    assert {u[len(served) :] for u in seen if u.endswith(".html")} == on_disk


def test_404_links_from_the_sites_path_when_base_url_is_known(county):
    build_site(county)
    page = parse_html((county / "public/404.html").read_text(encoding="utf-8"))
    assert {url for _, url in html_links(county / "public/404.html")} >= {"index.html", "static/style.css"}
    (county / "site.yaml").write_text("name: 县\nbase_url: https://www.example.gov.cn/gov/xxgk/\n", encoding="utf-8")
    build_site(county)
    urls = {url for _, url in html_links(county / "public/404.html")}
    assert "/gov/xxgk/index.html" in urls and "/gov/xxgk/static/style.css" in urls
    assert page.find("h1").text == "页面未找到"


def test_absolute_urls_only_in_sitemap_and_feed_when_base_url_is_set(county):
    base = "https://www.example.gov.cn/gov/xxgk/"
    (county / "site.yaml").write_text(f"name: 县\nbase_url: {base}\n", encoding="utf-8")
    build_site(county)
    out = county / "public"
    check_site_links(out)
    for page in out.rglob("*.html"):
        if page.name != "404.html":
            assert "https://www.example.gov.cn" not in page.read_text(encoding="utf-8"), page

    sitemap = ET.parse(out / "sitemap.xml").getroot()
    locations = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locations == sorted(locations) and base + "index.html" in locations
    for location in locations:
        assert location.startswith(base) and (out / location[len(base) :]).is_file()
    assert base + "404.html" not in locations
    assert f"Sitemap: {base}sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(out / "feed.xml").getroot()
    links = [e.attrib["href"] for e in feed.iter(f"{atom}link")]
    assert all(link.startswith(base) for link in links)
    for entry in feed.iter(f"{atom}entry"):
        href = entry.find(f"{atom}link").attrib["href"]
        assert (out / href[len(base) :]).is_file()
        assert entry.find(f"{atom}id").text == href
