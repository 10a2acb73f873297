"""The preview server: build the site, serve it, rebuild after every change and reload the open page.

python-livereload (our chosen dependency) provides the LiveReload websocket, livereload.js, the
script injection and the file watcher. Its known weak points are handled here:

- Files are served by our own handler: only regular files inside the output folder (no `..`, encoded
  or not, no absolute paths, no hidden files), never answered with 304 and always sent with
  `Cache-Control: no-store`, so a reloaded page is the new page. The livereload script is added to the
  response only; the built files never contain it.
- The watcher is polled by our own timer, and saves are coalesced (debounced: the build starts once
  the last save is DEBOUNCE old, after one more look) into one build, run in a worker thread: an
  editor that writes several files or saves twice causes one rebuild, saves during a build cause one
  more, and no build error can reach the server's loop.
- Browsers are told to reload when the build has finished, not when the file changed.

A rebuild is the build itself (`build_site`), which skips unchanged work; the preview keeps no
dependency information of its own, only the BuildSession its builds share. It builds as `gongkai build --keep-going --drafts` does: drafts
are shown, each with its banner, and a report that cannot be read stays as it was last built. While
the last build's content has errors (the build stopped, or a file could not be read), every page
request gets an error page listing them (layouts/error.html, which a site may override), and the
next good build brings the site back. Rule findings are not such errors: the build publishes those
reports with their notices, as it will on the real site.

May import the build package and the layers below it.
"""

from __future__ import annotations

import asyncio
import errno
import html
import mimetypes
import os
import re
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from markupsafe import Markup
from tornado import httpserver, netutil, web
from tornado.websocket import WebSocketHandler

from ..build import BuildResult, BuildSession, build_site, check_output, sort_findings
from ..model.findings import Finding, GongkaiError, Position, error
from ..read.files import display_path
from ..read.settings import read_settings
from ..render.renderer import Renderer
from .watcher import WATCHED_FILE, NotifyWatcher, make_watcher, saved_at

SERVE_DIR = ".gongkai-serve"  # the default output: `serve` never replaces public/ unless told to
DEBOUNCE = 0.1  # seconds without a further save before building: saves closer together make one build
POLL = 0.1  # seconds between looks for changes; longer on big sites, see Preview._poll
POLL_SHARE = 0.2  # looking for changes may take at most this share of the time
IDLE_WAIT = 30.0  # seconds a request for a missing file waits for a running build to finish
ERROR_TEMPLATE = "error.html"  # in layouts/
BASE_PATH = re.compile(r"^/(?:[A-Za-z0-9._~-]+/)*$")

# The snippet python-livereload's own server injects: it loads livereload.js from this server, which
# opens the websocket on which the reload command arrives.
LIVE_SCRIPT = (
    b"<script>(function(){var s=document.createElement('script');"
    b"var port=window.location.port||(window.location.protocol=='https:'?443:80);"
    b"s.src='//'+window.location.hostname+':'+port+'/livereload.js?port='+port;"
    b"document.head.appendChild(s);})();</script>"
)


@dataclass(frozen=True)
class Outcome:
    """What one build of the preview left behind."""

    result: BuildResult | None  # None when the build stopped and the output was left as it was
    problems: tuple[Finding, ...]  # shown in the browser instead of the pages; () when all is well
    changed: tuple[str, ...]  # the files whose change started this build; () for the first build
    seconds: float
    details: str = ""  # the traceback of an unexpected failure (a bug in Gongkai)


def clean_base_path(text: str) -> str:
    """A URL path to serve the site under, as "/" or "/gov/xxgk/"; raises GongkaiError when it is not one."""
    inner = text.strip().strip("/")
    path = f"/{inner}/" if inner else "/"
    if not BASE_PATH.match(path) or any(part in (".", "..") for part in path.split("/")):
        raise GongkaiError(f"子路径“{text}”无效：只能用字母、数字和 . _ ~ - 组成的目录名，如 /gov/xxgk/")
    return path


def problems_of(result: BuildResult) -> tuple[Finding, ...]:
    """The errors that kept content out of a finished build: files that could not be read, not broken rules."""
    return tuple(f for f in result.findings if f.severity == "error" and not f.rule)


def error_page(problems: tuple[Finding, ...] | list[Finding], site_layouts: Path | None = None) -> str:
    """The page shown for every page request while the content has errors (the reload script is added
    when served): layouts/error.html, the site's own when it has a working one, else Gongkai's."""
    # Escaped here, as the page always was (html.escape): the template prints each line as it is given.
    context = {"problems": [Markup(html.escape(str(finding))) for finding in problems]}
    try:
        return Renderer(site_layouts).render(ERROR_TEMPLATE, context)
    except GongkaiError:  # the site's error.html (or its layouts folder) is broken: that is among the problems
        return Renderer().render(ERROR_TEMPLATE, context)


def bind(host: str, port: int) -> list[socket.socket]:
    """Listening sockets for host:port; a port in use or a bad host is a GongkaiError, not a traceback."""
    try:
        return netutil.bind_sockets(port, address=host)
    except socket.gaierror as exc:
        raise GongkaiError(f"无法识别主机地址“{host}”（{exc.strerror}）；请检查 --host，如 --host 127.0.0.1") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            problem = f"端口 {port} 已被占用；请用 --port 换一个端口，如 --port {port + 1}"
        elif exc.errno == errno.EACCES:
            problem = (
                f"没有权限使用端口 {port}（1024 以下的端口需要管理员权限）；请用 --port 换一个端口，如 --port 8000"
            )
        elif exc.errno == errno.EADDRNOTAVAIL:
            problem = f"本机没有地址 {host}；请检查 --host，如 --host 127.0.0.1"
        else:
            problem = f"无法在 {host}:{port} 上启动预览：{exc.strerror or exc}"
        raise GongkaiError(problem) from None


class Preview:
    """The site in `root` built into `out`, served on host:port under `base_path`, rebuilt on change.

    start() checks the site, binds the port and builds once (in the calling thread, so Ctrl+C stops
    it cleanly); run() serves until stop() is called from any thread, or the process is interrupted.
    `on_build` is called after every build with its Outcome.
    """

    def __init__(
        self,
        root: Path,
        out: Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        base_path: str = "/",
        on_build: Callable[[Outcome], None] | None = None,
        debounce: float = DEBOUNCE,
        poll: float = POLL,
    ) -> None:
        self.root = Path(root)
        self.out = Path(out) if out is not None else self.root / SERVE_DIR
        self.host = host
        self.port = port
        self.base_path = clean_base_path(base_path)
        self.on_build = on_build
        self.debounce = debounce
        self.poll = poll
        self.outcome: Outcome | None = None
        self._error_page: tuple[Outcome | None, str] | None = None  # the outcome it shows, the page
        self.session = BuildSession()  # what one build leaves for the next, for as long as the preview runs
        self.builds = 0
        self._folder = self.out.resolve()
        self._sockets: list[socket.socket] = []
        self._watcher = None
        self._stop_requested = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._building = False
        self._changed: set[str] = set()
        self._changed_files: set[str] = set()  # the same, absolute, when the system notifies changes
        self._look_at_all = True  # the next build looks at every file (the last one failed, or none ran yet)
        self._last_save = 0.0  # wall-clock time of the latest change seen (a file's mtime)
        self._settle_timer: asyncio.TimerHandle | None = None
        self._poll_timer: asyncio.TimerHandle | None = None
        self._live: type[LiveReloadHandler] | None = None
        # The search index is made after each build's pages are shown, one at a time, beside the builds.
        self.indexer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gongkai-search")
        self.index_problems: tuple[Finding, ...] = ()  # why the last search index could not be made
        self._index_next: Callable[[], None] | None = None  # the latest build's, waiting for the indexer
        self._index_lock = threading.Lock()

    @property
    def url(self) -> str:
        """The address of the site's home page."""
        host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}{self.base_path}"

    @property
    def addresses(self) -> list[tuple[str, int]]:
        """The (address, port) pairs listened on."""
        return [sock.getsockname()[:2] for sock in self._sockets]

    @property
    def problems(self) -> tuple[Finding, ...]:
        """The errors that keep content out of the last build (shown instead of the pages)."""
        return self.outcome.problems if self.outcome else ()

    def error_page(self) -> str:
        """The error page of the last build's problems (made once per build)."""
        outcome = self.outcome
        if self._error_page is None or self._error_page[0] is not outcome:
            self._error_page = (outcome, error_page(self.problems, self.root / "layouts"))
        return self._error_page[1]

    @property
    def watcher(self) -> object:
        """What tells the preview of changes: a NotifyWatcher, or livereload's polling watcher."""
        return self._watcher

    @property
    def listening(self) -> int:
        """How many open pages are connected, waiting to be told to reload."""
        return len(self._live.waiters) if self._live is not None else 0

    @property
    def building(self) -> bool:
        """Whether a build is running."""
        return self._building

    # --- starting and stopping ---------------------------------------------------------------------

    def start(self) -> None:
        """Check the site and the output folder, bind the port, and build once."""
        read_settings(self.root)  # no site here: say so rather than serve nothing
        check_output(self.root, self.out)
        self._sockets = bind(self.host, self.port)
        self.port = self._sockets[0].getsockname()[1]
        try:
            self._watcher = self._make_watcher()  # before building: a save during the first build is seen
            outcome = self._build(())
            if outcome.result is not None and outcome.result.save_manifest is not None:
                outcome.result.save_manifest()
            self.index_later(outcome)
            self._look_at_all = outcome.result is None
            self._finish(outcome)
        except BaseException:  # e.g. Ctrl+C during the first build: free the port
            self._close_sockets()
            raise

    def run(self) -> None:
        """Serve until stop() is called; in the main thread, Ctrl+C or SIGTERM also stop it."""
        if not self._sockets:
            raise RuntimeError("Preview.start() must be called before run()")
        try:
            asyncio.run(self._serve())
        finally:
            self._close_sockets()

    def _close_sockets(self) -> None:
        for sock in self._sockets:
            sock.close()
        self._sockets = []

    def stop(self) -> None:
        """Stop serving; safe to call from any thread, before or while run() runs."""
        self._stop_requested.set()
        loop = self._loop
        if loop is not None:
            try:
                loop.call_soon_threadsafe(self._stopping.set)
            except RuntimeError:  # the loop has already finished
                pass

    async def _serve(self) -> None:
        self._stopping = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._loop = asyncio.get_running_loop()  # last: stop() uses the loop to reach _stopping
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gongkai-build")
        self._live = _live_reload_handler(self._watcher)
        if isinstance(self._watcher, NotifyWatcher):
            loop = self._loop
            self._watcher.on_notice = lambda: loop.call_soon_threadsafe(self._poll_now)
        server = httpserver.HTTPServer(self._application())
        server.add_sockets(self._sockets)
        if threading.current_thread() is threading.main_thread():
            self._loop.add_signal_handler(signal.SIGTERM, self._stopping.set)
        if self._stop_requested.is_set():
            self._stopping.set()
        self._poll()
        try:
            await self._stopping.wait()
        finally:
            for timer in (self._poll_timer, self._settle_timer):
                if timer is not None:
                    timer.cancel()
            server.stop()
            if isinstance(self._watcher, NotifyWatcher):
                self._watcher.close()
            for page in list(self._live.waiters):
                page.close()
            await asyncio.wait_for(server.close_all_connections(), timeout=5)
            await self._idle.wait()  # a build in progress finishes and swaps in whole
            self._executor.shutdown(wait=True)
            self.indexer.shutdown(wait=True)
            self._loop = None

    def _application(self) -> web.Application:
        site = {"preview": self}
        handlers: list = [(r"/livereload", self._live), (r"/livereload\.js", LiveReloadJSHandler)]
        if self.base_path != "/":
            to_site = {"url": self.base_path, "permanent": False}
            handlers += [
                (r"/", web.RedirectHandler, to_site),
                (re.escape(self.base_path[:-1]), web.RedirectHandler, to_site),
            ]
        handlers += [(re.escape(self.base_path) + r"(.*)", SiteHandler, site), (r".*", OutsideHandler, site)]

        class Injector(LiveScriptInjector):
            script = LIVE_SCRIPT

        return web.Application(handlers, transforms=[Injector], log_function=lambda handler: None)

    # --- watching and rebuilding -------------------------------------------------------------------

    def _make_watcher(self, notified: bool = True) -> object:
        return make_watcher(self.root, self._on_change, notified)

    def _poll(self) -> None:
        """Look for changes (not during a build: a change made meanwhile is seen afterwards) and come back."""
        started = time.perf_counter()
        try:
            if not self._building:
                self._look()
                if self._changed and self._settle_timer is None:
                    self._settle()
        finally:  # whatever happened, keep watching
            spent = time.perf_counter() - started
            self._poll_timer = self._loop.call_later(max(self.poll, spent / POLL_SHARE), self._poll)

    def _poll_now(self) -> None:
        """A change was notified: look now rather than at the next poll."""
        if not self._building:
            self._look()
            if self._changed and self._settle_timer is None:
                self._settle()

    def _look(self) -> None:
        if isinstance(self._watcher, NotifyWatcher) and self._watcher.failed:
            # The system stopped telling (its watch broke down): look for changes from now on, and
            # have the next build look at every file, since a change may have gone untold.
            self._watcher.close()
            self._watcher = self._make_watcher(notified=False)
            self._live.watcher = self._watcher
            self._look_at_all = True
            self._on_change([str(self.root / WATCHED_FILE)])
        try:
            self._watcher.examine()  # calls _on_change for each watched path that changed
        except OSError:  # a file went away while being looked at: look again next time
            pass

    def _on_change(self, files: list[str] | None = None) -> None:
        if not isinstance(files, list):  # a folder or file changed or went away: the watcher knows which
            files = [self._watcher.filepath or str(self.root)]
        self._changed.update(display_path(Path(file)) for file in files)
        self._changed_files.update(os.path.abspath(file) for file in files)
        self._last_save = max([self._last_save, *(saved_at(file) for file in files)])

    def _settle(self) -> None:
        """Build once the last save is `debounce` old. The wait is counted from the save, not from when the
        poll saw it, and ends with one more look, so that saves less than `debounce` apart make one build."""
        self._settle_timer = None
        wait = self._last_save + self.debounce - time.time()
        if wait > 0:
            self._settle_timer = self._loop.call_later(wait, self._look_again)
        else:
            self._start_build()

    def _look_again(self) -> None:
        self._settle_timer = None
        self._look()
        self._settle()

    def _start_build(self) -> None:
        if self._building or not self._changed:
            return
        changed = tuple(sorted(self._changed))
        # Notified changes are all the changes: the build looks at no other file. Looked-for ones
        # (the polling watcher names one file or folder per look) are only a reason to build.
        notified = isinstance(self._watcher, NotifyWatcher) and not self._look_at_all
        files = frozenset(self._changed_files) if notified else None
        self._changed.clear()
        self._changed_files.clear()
        self._building = True
        self._idle.clear()
        future = self._loop.run_in_executor(self._executor, self._build, changed, files)
        future.add_done_callback(self._built)

    def _built(self, future: asyncio.Future) -> None:
        self._building = False
        self._idle.set()
        outcome = None
        try:
            outcome = future.result()  # _build returns every failure as an Outcome
            self._look_at_all = outcome.result is None  # its manifest does not know the files it was told of
            self._finish(outcome)
        finally:  # the open pages reload even if reporting the build failed
            self._live.reload_waiters("*")
            if outcome is not None and outcome.result is not None and outcome.result.save_manifest is not None:
                # after the reload, not before: the build's manifest is written while the browser
                # asks for the new page, and before any next build (the executor has one thread)
                self._executor.submit(outcome.result.save_manifest)
            if outcome is not None:
                self.index_later(outcome)
            if isinstance(self._watcher, NotifyWatcher):
                self._look()  # changes notified during the build
            if self._changed and self._settle_timer is None:
                self._settle()

    def _build(self, changed: tuple[str, ...], files: frozenset[str] | None = None) -> Outcome:
        """One build, whatever happens: its failures become the problems of the Outcome. `files`: all
        the files that changed since the last build, when the system told (see build_site)."""
        started = time.perf_counter()
        try:
            result = build_site(
                self.root,
                self.out,
                report_pages_first=True,
                save_manifest=False,
                changed=files,
                keep_going=True,
                drafts=True,
                search_later=True,
                session=self.session,
            )
        except GongkaiError as exc:
            return Outcome(None, tuple(sort_findings(exc.findings)), changed, time.perf_counter() - started)
        except OSError as exc:  # e.g. a full disk, or a file removed while it was being read
            where = display_path(Path(exc.filename)) if exc.filename else display_path(self.out)
            problem = error(Position(where), f"无法读写：{exc.strerror or exc}")
            return Outcome(None, (problem,), changed, time.perf_counter() - started)
        except Exception as exc:  # a bug in Gongkai: keep serving, and say what happened
            problem = error(Position(""), f"构建时出现内部错误（{type(exc).__name__}: {exc}）；请报告这个问题")
            return Outcome(None, (problem,), changed, time.perf_counter() - started, traceback.format_exc())
        return Outcome(result, problems_of(result), changed, time.perf_counter() - started)

    def index_later(self, outcome: Outcome) -> None:
        """Have the search index made again from the pages shown, when the build says it must (site.yaml's
        `search: true` and a report page made or removed), in its own thread: the next build need not
        wait. Builds that end while an index is being made make one more index between them, not one each."""
        make = outcome.result.make_search_index if outcome.result is not None else None
        if make is None:
            return
        with self._index_lock:
            waiting, self._index_next = self._index_next, make
        if waiting is None:
            self.indexer.submit(self._index)

    def _index(self) -> None:
        """Make the waiting index. On failure the search page keeps the last index, and index_problems says why."""
        with self._index_lock:
            make, self._index_next = self._index_next, None
        if make is None:
            return
        try:
            make()
        except GongkaiError as exc:
            self.index_problems = tuple(exc.findings)
        except OSError as exc:
            self.index_problems = (error(Position(display_path(self.out)), f"无法生成搜索索引：{exc.strerror or exc}"),)
        else:
            self.index_problems = ()

    def _finish(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.builds += 1
        if self.on_build is not None:
            self.on_build(outcome)

    # --- files -------------------------------------------------------------------------------------

    def site_file(self, parts: list[str]) -> Path | None:
        """The output file or folder a request names, or None when it names nothing inside the output
        (a name too long for the file system, say, is no file either)."""
        try:
            target = self._folder.joinpath(*parts).resolve()
        except (OSError, ValueError, RuntimeError):  # RuntimeError: a loop of links, before Python 3.13
            return None
        if target != self._folder and not target.is_relative_to(self._folder):
            return None  # a link leading out of the output folder
        return target

    async def wait_for_build(self) -> None:
        """Wait until no build is running."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout=IDLE_WAIT)
        except TimeoutError:
            pass


def _live_reload_handler(watcher: object) -> type[LiveReloadHandler]:
    """livereload's websocket handler with its own set of open pages (livereload keeps one per process)."""

    class Live(LiveReloadHandler):
        waiters: set = set()
        live_css = False  # a rebuild may change more than a stylesheet: reload the whole page
        check_origin = WebSocketHandler.check_origin  # livereload allows any origin; only our pages may listen

        def on_message(self, message: str | bytes) -> None:
            super().on_message(message)
            if self in LiveReloadHandler.waiters:  # livereload registers a page on its base class
                LiveReloadHandler.waiters.discard(self)
                type(self).waiters.add(self)

        def on_close(self):
            type(self).waiters.discard(self)
            LiveReloadHandler.waiters.discard(self)

    Live.watcher = watcher
    return Live


def _request_parts(path: str) -> list[str] | None:
    """The folder names of a decoded request path, or None when it may not name a file of the site."""
    if "\x00" in path or "\\" in path:
        return None
    parts = [part for part in path.split("/") if part]
    if any(part.startswith(".") for part in parts):  # "..", "." and hidden files such as the output marker
        return None
    return parts


def _is_page(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return not name or name.endswith(".html") or "." not in name


def _content_type(name: str) -> str:
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/json", "application/xml", "application/javascript"):
        kind += "; charset=utf-8"
    return kind


class _PreviewHandler(web.RequestHandler):
    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def set_default_headers(self) -> None:
        # Never cached, never revalidated: a reloaded page must be the page just built.
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def compute_etag(self) -> None:
        return None  # no ETag, hence never a 304

    def decode_argument(self, value: bytes, name: str | None = None) -> str:
        """A path that is not UTF-8 names no file: a NUL makes it one that is refused (a 404, where
        tornado would answer 400 and log a warning)."""
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return "\x00"

    def send_html(self, status: int, text: str | bytes) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(text)


class SiteHandler(_PreviewHandler):
    """Files of the output folder, the error page while the content has errors, the site's 404 page."""

    async def get(self, path: str) -> None:
        """A file of the output, or the error page while the content has errors."""
        preview = self.preview
        if preview.problems and _is_page(path):
            self.send_html(500, preview.error_page())
            return
        parts = _request_parts(path)
        if parts is None:
            raise web.HTTPError(404)
        for attempt in range(2):
            data = self._read(parts)
            if data is not None or not preview.building or attempt:
                break
            await preview.wait_for_build()  # the build may be swapping the new output in just now
        if data is None:
            raise web.HTTPError(404)
        if isinstance(data, str):  # a folder named without its final slash: relative links need it
            self.redirect(data)
            return
        self.set_header("Content-Type", _content_type(self.absolute_name))
        self.finish(data)

    async def head(self, path: str) -> None:
        """As get, without the body."""
        await self.get(path)  # tornado leaves out the body of a HEAD response

    def _read(self, parts: list[str]) -> bytes | str | None:
        """The file's bytes, the address to redirect a folder to, or None when there is no such file."""
        target = self.preview.site_file(parts)
        if target is None:
            return None
        try:
            if target.is_dir():
                if parts and not self.request.path.endswith("/"):
                    return self.preview.base_path + "/".join(parts) + "/"
                target = self.preview.site_file([*parts, "index.html"])
                if target is None:
                    return None
            data = target.read_bytes()
        except (OSError, ValueError):  # missing, a folder, gone during a swap, a name too long
            return None
        self.absolute_name = target.name
        return data

    def write_error(self, status_code: int, **kwargs: object) -> None:
        """The site's own 404 page for a file not found; tornado's page for other errors."""
        page = self.preview.site_file(["404.html"]) if status_code == 404 else None
        try:
            text = page.read_bytes() if page is not None else None
        except OSError:
            text = None
        if text is None:
            super().write_error(status_code, **kwargs)
            return
        # The site's own 404 page, with its relative links made to work from any depth.
        base = f'<base href="{html.escape(self.preview.base_path)}">'.encode()
        self.send_html(404, text.replace(b"<head>", b"<head>\n" + base, 1))


class OutsideHandler(_PreviewHandler):
    """Any address outside the base path: say where the site is."""

    def get(self, path: str = "") -> None:
        """A page saying where the site is."""
        where = html.escape(self.preview.base_path)
        text = (
            '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>找不到页面：预览</title>\n'
            f'</head>\n<body>\n<p>预览的网站在 <a href="{where}">{where}</a>。</p>\n</body>\n</html>\n'
        )
        self.send_html(404, text)

    head = get
