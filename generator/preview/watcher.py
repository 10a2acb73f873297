"""Watching the site for the preview: site.yaml, content/ and layouts/, told of changes by the
operating system where it can be, else looking for them (livereload's polling watcher).

May import nothing of Gongkai's.
"""

from __future__ import annotations

import glob
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from livereload.watcher import get_watcher_class

WATCHED_FILE = "site.yaml"
WATCHED_FOLDERS = ("content", "layouts")


def make_watcher(root: Path, on_change: Callable, notified: bool = True) -> object:
    """A watcher of site.yaml, content/ and layouts/ that calls `on_change` with what changed, when its
    examine() is called: told by the system (NotifyWatcher) when it can, else livereload's, which looks."""
    if notified:
        try:
            return NotifyWatcher(root, on_change)
        except Exception:  # no notifications here (e.g. the system's limit of watches): look for changes
            pass
    watcher = get_watcher_class()()
    watcher.watch(str(root / WATCHED_FILE), on_change)
    for folder in WATCHED_FOLDERS:  # a pattern, not the folder: it also sees a folder made later
        watcher.watch(f"{glob.escape(str(root))}/{folder}/**/*", on_change, ignore=editor_file)
    return watcher


class NotifyWatcher:
    """Changes told by the operating system (watchfiles' binding of the Rust notify crate: inotify,
    FSEvents, ReadDirectoryChangesW) rather than looked for: on a site of 25,000 files a look costs a
    fifth of a second, and polling every second made a preview take a second to notice a save.

    It has the polling watcher's shape for Preview: the notifications collected by its threads are
    handed to the callback by examine(), on the server's loop; `on_notice` is called from a watching
    thread to have the loop look at once. It watches site.yaml and the site folder itself (to see
    content/ or layouts/ made or removed, when it watches them anew) and those two folders' trees.
    """

    filepath = None  # read by livereload's handler when it logs a reload
    failed = False  # a watching thread stopped on an error: the preview then looks for changes
    STEP_MS = 10  # a burst of events ends when none came for this long
    GROUP_MS = 50  # or after this long
    WAKE_MS = 200  # a watching thread checks whether it should stop, or watch another tree, this often

    def __init__(self, root: Path, callback: Callable[[list[str]], None]) -> None:
        from watchfiles._rust_notify import RustNotify  # documented as watchfiles' low-level API

        self._notify = RustNotify
        self.root = root.resolve()
        self.callback = callback
        self.on_notice: Callable[[], None] | None = None
        self._lock = threading.Lock()
        self._pending: set[str] = set()
        self._stop = threading.Event()
        self._top = RustNotify([str(self.root)], False, False, 300, False, False)
        self._folders: tuple[str, ...] = ()
        self._tree = None
        self._watch_tree()
        self._threads = [
            threading.Thread(target=self._run, args=(lambda: self._top, True), daemon=True, name="gongkai-watch"),
            threading.Thread(target=self._run, args=(lambda: self._tree, False), daemon=True, name="gongkai-watch"),
        ]
        for thread in self._threads:
            thread.start()

    def _watch_tree(self) -> None:
        """Watch the trees of content/ and layouts/ that exist now (again, when that changed)."""
        folders = tuple(str(self.root / name) for name in WATCHED_FOLDERS if (self.root / name).is_dir())
        if folders == self._folders:
            return
        self._folders = folders
        # The old watch is not closed here: its thread may be inside it. It ends when that thread, back
        # within WAKE_MS, takes up the new one and drops the last reference to it.
        self._tree = self._notify(list(folders), False, False, 300, True, False) if folders else None

    def _run(self, notify: Callable[[], object], top: bool) -> None:
        try:
            while not self._stop.is_set():
                current = notify()
                if current is None:
                    self._stop.wait(self.WAKE_MS / 1000)
                    continue
                changes = current.watch(self.GROUP_MS, self.STEP_MS, self.WAKE_MS, self._stop)
                if isinstance(changes, set):
                    self._notified({path for _, path in changes}, top)
        except Exception:
            self.failed = True
            if self.on_notice is not None:
                self.on_notice()

    def _notified(self, paths: set[str], top: bool) -> None:
        if top:  # the site folder: only site.yaml and the watched folders themselves concern the preview
            names = {WATCHED_FILE, *WATCHED_FOLDERS}
            paths = {p for p in paths if os.path.dirname(p) == str(self.root) and os.path.basename(p) in names}
            if any(os.path.basename(p) in WATCHED_FOLDERS for p in paths):
                self._watch_tree()
        else:
            paths = {p for p in paths if not hidden_oreditor_file(p, self.root)}
        if not paths:
            return
        with self._lock:
            self._pending |= paths
        if self.on_notice is not None:
            self.on_notice()

    def examine(self) -> None:
        """Hand the changes notified since the last look to the callback."""
        with self._lock:
            files, self._pending = sorted(self._pending), set()
        if files:
            self.callback(files)

    def close(self) -> None:
        """Stop watching."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        for notify in (self._top, self._tree):
            if notify is not None:
                notify.close()


def hidden_oreditor_file(path: str, root: Path) -> bool:
    """What the polling watcher never sees either: dot files and folders, and editors' own files."""
    try:
        parts = Path(path).relative_to(root).parts
    except ValueError:
        return True
    return any(part.startswith(".") for part in parts) or editor_file(path)


def saved_at(file: str) -> float:
    """When a changed file was saved (its mtime); now when it is gone or its time lies in the future."""
    now = time.time()
    try:
        return min(os.stat(file).st_mtime, now)
    except OSError:
        return now


def editor_file(path: str) -> bool:
    """Backup, lock and swap files editors write beside the file being edited (dot files are never seen)."""
    name = Path(path).name
    return name.endswith(("~", ".swp", ".swx", ".tmp")) or name.startswith("#")
