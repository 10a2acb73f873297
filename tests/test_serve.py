"""`gongkai serve`: a real server on a free port, fetched over HTTP while content files are edited."""

from __future__ import annotations

import asyncio
import html
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

import generator.preview.server as serve
from generator.build import build_site
from generator.build.checking import check_site
from generator.model.findings import Position, error
from generator.preview.server import Preview
from generator.preview.watcher import NotifyWatcher
from tests.helpers import report_yaml, write_office, write_report

ROOT = Path(__file__).resolve().parent.parent
REPORT = "hehualu/2023/"
REPORT_FILE = Path("content/hehualu/2023.yaml")


@contextmanager
def running(site: Path, **options):
    """A preview of `site` served from a background thread on a free port; stopped and joined afterwards."""
    options.setdefault("port", 0)
    preview = Preview(site, **options)
    preview.start()
    thread = threading.Thread(target=preview.run, daemon=True)
    thread.start()
    try:
        yield preview
    finally:
        preview.stop()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the server did not stop"


def fetch(preview: Preview, path: str, headers: dict | None = None, method: str = "GET"):
    """(status, headers, body text) for the raw request path, which is sent exactly as written."""
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def page(preview: Preview, url: str = REPORT) -> tuple[int, str]:
    status, _, body = fetch(preview, preview.base_path + url)
    return status, body


def wait_for(condition, timeout: float = 10.0):
    """Poll until condition() is truthy; returns its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out waiting for the served site to change")


def rebuilt(preview: Preview, save) -> serve.Outcome:
    """Call save() and wait until the rebuild it causes has finished; its outcome."""
    before = preview.builds
    save()
    wait_for(lambda: preview.builds > before)
    return preview.outcome


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file of a built site, but the search index (made after the pages, and not byte for byte
    the same from run to run: see test_search.py)."""
    files = (p for p in sorted(folder.rglob("*")) if p.is_file() and p.relative_to(folder).parts[0] != "pagefind")
    return {str(p.relative_to(folder)): p.read_bytes() for p in files}


# --- serving ------------------------------------------------------------------------------------------


def test_serves_the_built_site_with_the_reload_script_only_in_responses(example_site):
    with running(example_site) as preview:
        status, headers, body = fetch(preview, "/" + REPORT)
        assert status == 200
        assert preview.outcome.result.warnings and not preview.problems  # warnings are no reason for the error page
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert "荷花路街道办事处" in body
        assert "/livereload.js?port=" in body
        assert int(headers["Content-Length"]) == len(body.encode())
        on_disk = (preview.out / REPORT / "index.html").read_text(encoding="utf-8")
        assert "livereload" not in on_disk
        assert body.replace(serve.LIVE_SCRIPT.decode(), "") == on_disk

        status, headers, css = fetch(preview, "/static/style.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        assert css == (preview.out / "static/style.css").read_text(encoding="utf-8")

        status, _, script = fetch(preview, "/livereload.js")
        assert status == 200 and "LiveReload" in script
    assert preview.out == example_site / ".gongkai-serve"
    assert not (example_site / "public").exists()  # serve never replaces public/ unless told to
    assert not any(p.name.startswith("..gongkai-serve") for p in example_site.iterdir())  # no temp folder left


def test_pages_are_never_cached_or_answered_with_304(example_site):
    with running(example_site) as preview:
        _, first, _ = fetch(preview, "/" + REPORT)
        assert first["Cache-Control"] == "no-store"
        assert first["ETag"] is None and first["Last-Modified"] is None
        conditional = {"If-Modified-Since": "Sat, 01 Jan 2050 00:00:00 GMT", "If-None-Match": "*"}
        for path in ("/" + REPORT, "/static/style.css", "/hehualu/2023/report.json"):
            status, headers, body = fetch(preview, path, conditional)
            assert status == 200 and body
            assert headers["Cache-Control"] == "no-store"


def test_head_and_folders(example_site):
    with running(example_site) as preview:
        status, headers, body = fetch(preview, "/" + REPORT, method="HEAD")
        assert status == 200 and body == ""
        assert int(headers["Content-Length"]) == len(fetch(preview, "/" + REPORT)[2].encode())
        status, headers, _ = fetch(preview, "/hehualu/2023")
        assert status == 302 and headers["Location"] == "/hehualu/2023/"  # relative links need the slash


def test_unknown_page_gets_the_sites_404_page(example_site):
    with running(example_site) as preview:
        status, headers, body = fetch(preview, "/hehualu/1999/")
        assert status == 404
        assert headers["Cache-Control"] == "no-store"
        assert (preview.out / "404.html").read_text(encoding="utf-8").split("<head>")[0] in body
        assert '<base href="/">' in body  # its relative links work from any depth
        assert "/livereload.js" in body


# --- rebuilding -----------------------------------------------------------------------------------------


def test_an_edit_shows_on_the_served_page_and_the_output_equals_a_full_build(example_site, tmp_path):
    report = example_site / REPORT_FILE
    with running(example_site) as preview:
        status, before = page(preview)
        assert status == 200 and "加强组织领导" in before and "组织领导已加强" not in before
        first = preview.builds

        edit(report, "一、加强组织领导。", "一、组织领导已加强。")
        after = wait_for(lambda: "组织领导已加强" in (body := page(preview)[1]) and body)
        assert "加强组织领导。" not in after
        wait_for(lambda: preview.builds == first + 1)  # the page is new once swapped in, a moment before that
        assert preview.outcome.changed == (serve.display_path(report),)

        edit(example_site / "content/hehualu/office.yaml", "name: 荷花路街道办事处", "name: 荷花路街道办事处（新）")
        wait_for(lambda: "荷花路街道办事处（新）" in page(preview, "index.html")[1])

        (example_site / "content/hehualu/2015.yaml").unlink()  # a report removed: its pages go too
        wait_for(lambda: page(preview, "hehualu/2015/")[0] == 404)
        wait_for(lambda: preview.builds == first + 3)
        served = tree(preview.out)

    fresh = build_site(example_site, tmp_path / "fresh")
    assert fresh.files > 0
    assert served == tree(tmp_path / "fresh")


def test_changes_are_notified_by_the_system_not_looked_for(example_site):
    report = example_site / REPORT_FILE
    with running(example_site, poll=3600) as preview:  # no look for changes would come during the test
        assert isinstance(preview.watcher, NotifyWatcher)
        first = preview.builds
        edit(report, "一、加强组织领导。", "一、组织领导已加强。")
        wait_for(lambda: "组织领导已加强" in page(preview)[1], timeout=5)
        wait_for(lambda: preview.builds == first + 1 and not preview.building)  # the page shows before the end
        builds = preview.builds
        (example_site / "content/hehualu/.2023.yaml.swp").write_text("x", encoding="utf-8")  # an editor's file
        (example_site / "content/hehualu/2023.yaml~").write_text("x", encoding="utf-8")
        time.sleep(0.5)
        assert preview.builds == builds
        layouts = example_site / "layouts"
        layouts.mkdir()  # a folder made while serving is watched too
        (layouts / "robots.txt").write_text("User-agent: *\nDisallow: /草稿/\n", encoding="utf-8")
        wait_for(lambda: "草稿" in fetch(preview, "/robots.txt")[2], timeout=5)


def test_without_notifications_the_preview_looks_for_changes(example_site, monkeypatch):
    def unavailable(*args):
        raise OSError("inotify watch limit reached")

    monkeypatch.setattr(NotifyWatcher, "__init__", unavailable)
    with running(example_site) as preview:
        assert not isinstance(preview.watcher, NotifyWatcher)
        edit(example_site / REPORT_FILE, "一、加强组织领导。", "一、组织领导已加强。")
        wait_for(lambda: "组织领导已加强" in page(preview)[1])


def test_when_notifications_break_down_the_preview_looks_for_changes(example_site):
    with running(example_site) as preview:
        watcher = preview.watcher
        assert isinstance(watcher, NotifyWatcher)
        wait_for(lambda: watcher.on_notice is not None)  # the server's loop has started
        watcher.failed = True  # as when a watching thread stops on an error
        watcher.on_notice()
        wait_for(lambda: not isinstance(preview.watcher, NotifyWatcher))
        edit(example_site / REPORT_FILE, "一、加强组织领导。", "一、组织领导已加强。")
        wait_for(lambda: "组织领导已加强" in page(preview)[1])


def test_an_edit_rewrites_only_the_files_made_from_the_edited_report(example_site):
    write_office(example_site, "qiaotou", "桥头镇人民政府")
    write_report(example_site, "qiaotou", 2023, report_yaml(2023))

    def identities(folder: Path) -> dict[str, tuple[int, int]]:
        pages = [p for p in tree(folder) if not p.startswith(".")]  # the output's marker is the build's business
        return {p: ((folder / p).stat().st_ino, (folder / p).stat().st_mtime_ns) for p in pages}

    with running(example_site) as preview:
        before = identities(preview.out)
        outcome = rebuilt(preview, lambda: edit(example_site / REPORT_FILE, "加强组织领导", "组织领导已加强"))
        after = identities(preview.out)
    rewritten = {p for p in after if before.get(p) != after[p]}
    assert {"hehualu/2023/index.html", "hehualu/2023/report.json"} <= rewritten
    # Only the edited office's pages and the pages listing its reports may change; the other office's
    # pages, the static files and the pages made from site.yaml alone are left as they were.
    listing = ("index.html", "feed.xml", "data/reports.csv", "data/datapackage.json")
    assert all(p.startswith(("hehualu/", "years/2023/")) or p in listing for p in rewritten), rewritten
    assert not any(p.startswith(("qiaotou/", "static/")) for p in rewritten)
    assert outcome.result.rendered == len(rewritten)
    assert set(after) == set(before)


def test_broken_content_shows_an_error_page_until_it_is_fixed(example_site):
    report = example_site / REPORT_FILE
    good = report.read_text(encoding="utf-8")
    with running(example_site) as preview:
        assert page(preview)[0] == 200

        edit(report, "year: 2023", 'year: 2023\n"<b>未知</b>": 1')
        status, body = wait_for(lambda: (answer := page(preview))[0] == 500 and answer)
        findings = check_site(example_site).findings
        expected = [f for f in findings if f.severity == "error" and not f.rule]
        assert expected and all(f.position.line and f.position.column for f in expected)
        items = re.findall(r"<li>(.*?)</li>", body)
        assert items == [html.escape(str(f)) for f in expected]
        assert re.fullmatch(r".*2023\.yaml:\d+:\d+: error: .*", html.unescape(items[0]))
        assert "&lt;b&gt;未知&lt;/b&gt;" in body and "<b>未知</b>" not in body
        assert "/livereload.js" in body  # so that the page comes back by itself after the fix
        assert page(preview, "index.html")[0] == 500  # every page, not only the broken one
        status, _, css = fetch(preview, "/static/style.css")
        assert status == 200 and css  # files other than pages are still served

        edit(report, "year: 2023", "year: [2023")  # a YAML syntax error: still running, still listed
        wait_for(lambda: "YAML" in page(preview)[1])

        report.write_text(good, encoding="utf-8")
        status, body = wait_for(lambda: (answer := page(preview))[0] == 200 and answer)
        assert "加强组织领导" in body and preview.problems == ()


def test_a_sites_own_error_page_is_shown_and_a_broken_one_gives_way_to_gongkais(tmp_path):
    problems = [error(Position("content/a/2023.yaml", 3, 4), "坏 <script>x</script> & 'a'")]
    default = serve.error_page(problems)
    assert "<li>content/a/2023.yaml:3:4: error: 坏 &lt;script&gt;x&lt;/script&gt; &amp; &#x27;a&#x27;</li>" in default
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "error.html").write_text(
        "<!DOCTYPE html><title>出错</title>{% for p in problems %}<p class=own>{{ p }}</p>{% endfor %}", "utf-8"
    )
    own = serve.error_page(problems, layouts)
    assert own.startswith("<!DOCTYPE html><title>出错</title><p class=own>content/a/2023.yaml:3:4")
    assert "<script>" not in own
    (layouts / "error.html").write_text("{% for p in problems %}", "utf-8")  # a template syntax error
    assert serve.error_page(problems, layouts) == default


def test_a_report_linked_from_outside_the_site_is_refused_on_every_page(example_site, tmp_path):
    secret = tmp_path / "id_rsa"
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nPRIVATE-KEY-BYTES\n", encoding="utf-8")
    with running(example_site) as preview:
        assert page(preview)[0] == 200
        (example_site / "content" / "hehualu" / "2021.yaml").symlink_to(secret)
        status, body = wait_for(lambda: (answer := page(preview, "index.html"))[0] == 500 and answer)
        assert "2021.yaml: error: 符号链接指向站点目录之外，已拒绝读取" in body
        assert "PRIVATE" not in body and "BEGIN" not in body
        for url in (REPORT, "hehualu/index.html", "hehualu/2021/index.html", "data/reports.csv"):
            assert "PRIVATE" not in fetch(preview, preview.base_path + url)[2]


def test_a_broken_rule_is_shown_on_the_report_page_not_as_an_error_page(example_site):
    report = example_site / REPORT_FILE
    with running(example_site) as preview:
        text = report.read_text(encoding="utf-8")
        line = next(line for line in text.splitlines() if line.strip().startswith("new_received:"))
        values = json.loads(line.split(":", 1)[1].split("#")[0])
        values[0] += 1  # 自然人 no longer adds up to 总计 (R2)
        edit(report, line, line.replace(line.split(":", 1)[1].split("#")[0].strip(), json.dumps(values)))
        wait_for(lambda: "R2" in page(preview)[1])
        status, body = page(preview)
        assert status == 200 and "请注意" in body
        assert preview.problems == ()


def test_layout_and_site_yaml_changes_rebuild_every_page(example_site):
    layouts = example_site / "layouts"
    with running(example_site) as preview:
        pages = [p for p in tree(preview.out) if p.endswith(".html")]
        assert len(pages) > 5

        new_name = "name: 预览测试站点\nsearch: true\n"  # the search page stays
        rebuilt(preview, lambda: (example_site / "site.yaml").write_text(new_name, encoding="utf-8"))
        assert "预览测试站点" in page(preview, "index.html")[1]
        assert all("预览测试站点" in (preview.out / p).read_text(encoding="utf-8") for p in pages)

        layouts.mkdir()  # a layouts folder made while serving is watched too
        base = (ROOT / "generator/layouts/base.html").read_text(encoding="utf-8")
        marked = base.replace("</body>", "<p>版式已替换</p>\n</body>")
        rebuilt(preview, lambda: (layouts / "base.html").write_text(marked, encoding="utf-8"))
        assert "版式已替换" in page(preview)[1]
        assert all("版式已替换" in (preview.out / p).read_text(encoding="utf-8") for p in pages)

        broken = base.replace("{% block head %}", "{% block head %")
        outcome = rebuilt(preview, lambda: (layouts / "base.html").write_text(broken, encoding="utf-8"))
        assert outcome.result is None and any("base.html:" in str(f) for f in outcome.problems)
        status, body = page(preview)
        assert status == 500 and "base.html:" in body
        assert "版式已替换" in (preview.out / REPORT / "index.html").read_text(encoding="utf-8")  # last good site kept

        outcome = rebuilt(preview, (layouts / "base.html").unlink)
        status, body = page(preview)
        assert status == 200 and "版式已替换" not in body and outcome.problems == ()


def test_several_quick_writes_make_one_build(example_site):
    report = example_site / REPORT_FILE
    with running(example_site, debounce=1.0) as preview:  # long enough for the writes below even on a busy machine
        first = preview.builds
        for number in range(5):  # an editor saving twice, a formatter rewriting, …
            edit(report, "加强组织领导" if number == 0 else f"第{number - 1}次", f"第{number}次")
            time.sleep(0.03)
        edit(example_site / "content/hehualu/2020.yaml", "year: 2020", "year: 2020  # 已核对")  # and another file
        wait_for(lambda: "第4次" in page(preview)[1] and preview.builds > first)
        time.sleep(1.5)  # a second build, if there were one, would have started by now
        assert preview.builds == first + 1
        assert set(preview.outcome.changed) == {
            serve.display_path(report),
            serve.display_path(report.parent / "2020.yaml"),
        }


def test_a_change_during_a_build_makes_exactly_one_more_build(example_site, monkeypatch):
    started = threading.Event()

    def slow_build(*args, **kwargs):
        result = build_site(*args, **kwargs)
        started.set()
        time.sleep(0.5)
        return result

    report = example_site / REPORT_FILE
    with running(example_site) as preview:
        monkeypatch.setattr(serve, "build_site", slow_build)
        first = preview.builds
        edit(report, "加强组织领导", "第一次修改")
        assert started.wait(5)
        edit(report, "第一次修改", "第二次修改")  # while the first rebuild runs
        edit(report, "第二次修改", "第三次修改")
        assert "第一次修改" in page(preview)[1]  # the first rebuild, already swapped in
        wait_for(lambda: preview.builds == first + 2)
        assert "第三次修改" in page(preview)[1]
        time.sleep(0.8)  # a third build would have started and finished by now
        assert preview.builds == first + 2


def test_browsers_are_told_to_reload_after_each_build(example_site):
    report = example_site / REPORT_FILE

    async def listen(preview: Preview) -> dict:
        socket_ = await websocket_connect(f"ws://127.0.0.1:{preview.port}/livereload")
        socket_.write_message(json.dumps({"command": "hello", "protocols": []}))
        assert json.loads(await socket_.read_message())["command"] == "hello"
        socket_.write_message(json.dumps({"command": "info", "url": preview.url + REPORT}))
        await asyncio.sleep(0.2)  # registered; now save
        edit(report, "加强组织领导", "重新加载")
        message = json.loads(await asyncio.wait_for(socket_.read_message(), 10))
        assert "重新加载" in page(preview)[1]  # the page is rebuilt before the browser is told
        socket_.close()
        return message

    with running(example_site) as preview:
        message = asyncio.run(listen(preview))
    assert message["command"] == "reload" and message["liveCSS"] is False


def test_a_page_from_another_site_cannot_listen_for_reloads(example_site):
    async def connect(preview: Preview) -> None:
        url = f"ws://127.0.0.1:{preview.port}/livereload"
        await websocket_connect(HTTPRequest(url, headers={"Origin": "http://evil.example"}))

    with running(example_site) as preview:
        with pytest.raises(Exception, match="403"):
            asyncio.run(connect(preview))


# --- what is served -------------------------------------------------------------------------------------


def test_only_files_inside_the_output_folder_are_served(example_site):
    (example_site / "secret.txt").write_text("SECRET", encoding="utf-8")
    settings = (example_site / "site.yaml").read_text(encoding="utf-8")
    with running(example_site) as preview:
        assert page(preview)[0] == 200
        (preview.out / "hehualu" / "leak").symlink_to(example_site / "secret.txt")
        outside = [
            "/../secret.txt",
            "/../site.yaml",
            "/hehualu/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/site.yaml",
            "/%2e%2e%2fsecret.txt",
            "/hehualu/%2e%2e/%2e%2e/secret.txt",
            "/..%2f..%2fsecret.txt",
            "/%252e%252e/secret.txt",
            "/..\\secret.txt",
            "/%5c..%5csecret.txt",
            "//etc/passwd",
            "/%2fetc%2fpasswd",
            f"/{example_site}/secret.txt",
            f"/%2f{str(example_site).strip('/').replace('/', '%2f')}%2fsecret.txt",
            "/hehualu/leak",
            "/.gongkai-output",
            "/%00",
        ]
        for path in outside:
            status, _, body = fetch(preview, path)
            assert status in (403, 404), path
            assert "SECRET" not in body and settings not in body and "root:" not in body, path


UNMAPPABLE = [
    "/" + "a" * 300,  # longer than a file name may be
    "/hehualu/" + "b" * 300 + "/index.html",
    "/" + "c" * 5000,
    "/" + "%E4%B8%AD" * 200,  # 中 200 times: 600 bytes
    "/" + "d/" * 400,
    "/%ff%fe",  # not UTF-8
    "/hehualu/%c3%28",
    "/" + "%E4" * 100,
    "/a%00b",
    "/%00",
    "/..",
    "/%2e%2e/%2e%2e",
    "/hehualu/../../../etc/passwd",
]


@pytest.mark.parametrize("base_path", ["/", "/gov/xxgk/"])
def test_any_path_that_names_no_file_is_a_404_without_a_traceback(example_site, caplog, base_path):
    with running(example_site, base_path=base_path) as preview:
        for path in UNMAPPABLE:
            for where in (path, base_path.rstrip("/") + path):
                status, _, body = fetch(preview, where)
                assert status == 404, where
                assert "Traceback" not in body and "Errno" not in body, where
        assert page(preview)[0] == 200  # and the preview goes on serving
    logged = [r for r in caplog.records if r.levelname in ("WARNING", "ERROR", "CRITICAL")]
    assert not logged, [r.getMessage()[:200] for r in logged]


def test_base_path_serves_the_site_under_a_sub_path(example_site):
    with running(example_site, base_path="/gov/xxgk/") as preview:
        assert preview.url.endswith("/gov/xxgk/")
        for path in ("/", "/gov/xxgk"):
            status, headers, _ = fetch(preview, path)
            assert status == 302 and headers["Location"] == "/gov/xxgk/"
        status, _, home = fetch(preview, "/gov/xxgk/")
        assert status == 200 and "荷花路街道办事处" in home
        link = re.search(r'href="(hehualu/[^"]+)"', home).group(1)  # relative links work under the sub-path
        assert fetch(preview, "/gov/xxgk/" + link)[0] == 200
        status, _, body = fetch(preview, "/index.html")
        assert status == 404 and 'href="/gov/xxgk/"' in body
        assert fetch(preview, "/gov/xxgk/../index.html")[0] == 404
        status, _, body = fetch(preview, "/gov/xxgk/nope/")
        assert status == 404 and '<base href="/gov/xxgk/">' in body


def test_base_path_is_checked():
    assert serve.clean_base_path("gov/xxgk") == "/gov/xxgk/"
    assert serve.clean_base_path("/") == "/"
    for bad in ("/gov/../x/", "/政务/", "/a b/", "/a?b/"):
        with pytest.raises(serve.GongkaiError, match="子路径"):
            serve.clean_base_path(bad)


def test_binds_the_loopback_address_by_default(example_site):
    with running(example_site) as preview:
        assert preview.addresses == [("127.0.0.1", preview.port)]
        assert preview.url == f"http://127.0.0.1:{preview.port}/"


# --- the command ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_port_in_use_is_one_clear_line(example_site, cli):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", example_site, "--port", port)
    assert result.code == 1
    assert (
        result.err.strip().splitlines()[-1]
        == f"error: 端口 {port} 已被占用；请用 --port 换一个端口，如 --port {port + 1}"
    )
    assert "Traceback" not in result.err


def test_refuses_to_start_without_a_site_or_with_a_foreign_output_folder(tmp_path, example_site, cli):
    result = cli("serve", tmp_path / "nothing", "--port", free_port())
    assert result.code == 1 and "找不到 site.yaml" in result.err
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    result = cli("serve", example_site, "--out", foreign, "--port", free_port())
    assert result.code == 1 and "不是 Gongkai 生成的" in result.err
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"
    result = cli("serve", example_site, "--base-path", "/../x/")
    assert result.code == 2 and "子路径" in result.err


def test_the_command_serves_until_interrupted(example_site):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", str(example_site), "--port", str(port), "--out", "preview"],
        cwd=example_site,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "预览地址" in line:
                break
        assert f"http://127.0.0.1:{port}/" in lines[-1], lines
        assert fetch_port(port, "/" + REPORT) == 200
        (example_site / REPORT_FILE).write_text("year: [", encoding="utf-8")
        wait_for(lambda: fetch_port(port, "/" + REPORT) == 500)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "预览已停止" in out and "1 份无法读取" in out
    assert "Traceback" not in err
    assert re.search(r"2023\.yaml:\d+:\d+: error: ", err)  # the problem is printed on the console too
    assert (example_site / "preview" / "index.html").is_file()
    assert not (example_site / "public").exists()
    assert not [p for p in example_site.iterdir() if ".building-" in p.name or ".old-" in p.name]


def fetch_port(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()
