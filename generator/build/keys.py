"""Page keys: what each page of the site is made from, as one digest, and the digests of site files.

A page whose key is the one in the last build's manifest is neither rendered nor written. May import
the model, reading, site and render layers (for the layouts' files), and build.manifest."""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .. import __version__
from ..read.files import display_path, read_file
from ..read.site import Office, Site
from ..render.renderer import Renderer
from ..site import plan
from ..site.summaries import ReportSummary  # a data record of the site layer
from . import manifest
from .manifest import MISSING, FileStat, Manifest, OfficeRecord, digest


class FileKeys:
    """Digests of site files' contents (and paths), reusing the last build's for files unchanged since.

    `changed`, when given, names every file (site-relative) or folder that may have changed since
    the last build, as the preview's watcher was told by the system: the others are taken as the
    last build left them, without even a stat."""

    def __init__(self, root: Path, previous: Manifest | None, changed: frozenset[str] | None = None) -> None:
        self.root = root
        self.prefix = os.path.join(root, "")  # of a site file's path: the site folder and a separator
        self.previous = previous.files if previous else {}
        self.trusted_before = previous.started_ns - manifest.RACY_NS if previous else 0
        self.hashed = 0  # files read to hash them
        self.changed = changed
        self.changed_folders = tuple(f"{path}/" for path in changed or () if not path.endswith(".yaml"))
        self.files: dict[str, FileStat] = {}
        if changed is not None:  # a preview's build, told one file or a few: the others are as before
            self.files = dict(self.previous)
            for path in changed.intersection(self.files):
                del self.files[path]
            if self.changed_folders:
                self.files = {p: record for p, record in self.files.items() if not p.startswith(self.changed_folders)}

    def untouched(self, paths: Iterable[str]) -> bool:
        """Whether none of these files can have changed since the last build, as `changed` tells."""
        if self.changed is None or not self.changed.isdisjoint(paths):
            return False
        return not self.changed_folders or not any(path.startswith(self.changed_folders) for path in paths)

    def as_before(self, paths: Iterable[str]) -> bool:
        """Whether these files are as the last build found them, by their stats (or as `changed` tells)."""
        if self.changed is not None:
            return self.untouched(paths)
        return all(self._record(path) is self.previous.get(path) for path in paths)

    def seen(self, stats: Iterable[tuple]) -> None:
        """Stats of site files this build has taken already: (path, size, mtime, ctime, inode)."""
        for path, *now in filter(None, stats):
            if (known := self._trusted(path, tuple(now))) is not None:
                self.files[path] = known

    def __call__(self, path: str) -> bytes:
        """The digest of a site file (path and contents; MISSING when it cannot be read)."""
        return self._record(path)[4]

    def read(self, path: str) -> bytes | None:
        """A file's contents (None when it cannot be read), noting its digest on the way."""
        stat, data = self._read(path)
        self.files[path] = (*stat, MISSING if data is None else digest(path.encode(), b"\0", data))
        return data

    def learn(self, files: dict[str, FileStat]) -> None:
        """Digests taken by a worker process as it read the files."""
        self.files.update(files)

    def _record(self, path: str) -> FileStat:
        record = self.files.get(path)
        if record is None:
            record = self.files[path] = self._stat(path)
        return record

    def _trusted(self, path: str, now: tuple[int, int, int, int]) -> FileStat | None:
        """The last build's record of a file whose stat is now `now`, when that stat shows no change."""
        known = self.previous.get(path)
        if known is not None and known[:4] == now and max(now[1], now[2]) < self.trusted_before:
            return known
        return None

    def _stat(self, path: str) -> FileStat:
        try:
            stat = os.stat(self._file(path))
        except OSError:
            return (-1, 0, 0, 0, MISSING)
        known = self._trusted(path, (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino))
        if known is not None:
            return known
        self.read(path)
        return self.files[path]

    def _file(self, path: str) -> str:
        return path if os.path.isabs(path) else self.prefix + path

    def _read(self, path: str) -> tuple[tuple[int, int, int, int], bytes | None]:
        try:
            stat, data = read_file(self._file(path))
        except OSError:
            return (-1, 0, 0, 0), None
        self.hashed += 1
        return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino), data


@dataclass(frozen=True)
class PageInputs:
    """What one build makes pages from: the site, its plan, a renderer of the layouts, the part of
    every key that is not its files' (base_key), the site files' digests, and the last build's
    manifest of the output (None: every page is made)."""

    site: Site
    plan: plan.Plan
    renderer: Renderer
    base: bytes
    files: FileKeys
    previous: Manifest | None


@functools.cache
def code_key() -> bytes:
    """Gongkai's version, code and format definitions, and the libraries that shape the output."""
    package = Path(__file__).parent.parent
    parts = [__version__.encode()]
    # Each library as installed: where, and its module file's size and time, which installing another
    # version (or the same again) changes. (Asking importlib.metadata for versions costs more than
    # a twentieth of a second, to import it and to search the installed packages.)
    for name in ("jinja2", "markdown", "nh3", "yaml", "markupsafe"):
        file = module_file(name)
        found = os.stat(file)
        parts.append(f"{name} {file} {found.st_size} {found.st_mtime_ns}".encode())
    for file in sorted([*package.rglob("*.py"), *package.glob("formats/*.yaml")]):
        parts += [file.relative_to(package).as_posix().encode(), file.read_bytes()]
    return digest(*parts)


def module_file(name: str) -> str:
    """A library's module file, found without importing it (Markdown is imported only when needed)."""
    module = sys.modules.get(name)
    return module.__file__ if module is not None else importlib.util.find_spec(name).origin


def layouts_digest(renderer: Renderer) -> bytes:
    """The templates, a site's own first (static files are pages of their own, with their own keys)."""
    parts = []
    for index, name, file in renderer.layout_files():
        parts += [f"{index}:{name}".encode(), file.read_bytes()]
    return digest(*parts)


def base_key(root: Path, layouts_key: bytes | None = None, drafts: bool = False, search: bool = False) -> bytes:
    """The part of every page's key that is not its files': Gongkai's code, the layouts, how the
    content folder is shown (in messages), whether drafts are shown and whether the site has search.
    `layouts_key`: the layouts' key, when already taken."""
    if layouts_key is None:
        layouts_key = layouts_digest(Renderer(root / "layouts"))
    content = display_path(root / "content").encode()
    return digest(code_key(), layouts_key, content, b"drafts" * drafts, b"search" * search)


def office_digest(office: Office, summaries: tuple[ReportSummary, ...], written: tuple[str, ...]) -> bytes:
    """All that index pages show of an office: its details, its reports' summaries, its pages."""
    return digest(repr((office, summaries, written)).encode())


def page_key(base: bytes, page: plan.Page, files: FileKeys) -> bytes:
    """A report, office or static page's key: `base` and the digests of the files it is made from."""
    return digest(base, page.url.encode(), *(files(path) for path in page.inputs))


def office_unchanged(
    slug: str,
    site_plan: plan.Plan,
    base: bytes,
    files: FileKeys,
    previous: Manifest,
    keys: dict[str, bytes],
    same_plan: bool = False,
) -> bool:
    """Whether none of an office's pages changed, told by its office page alone: that page is made from
    every file any page of the office is made from (plan.py). If so, their keys are the last build's:
    already in `keys` when the plan is the last build's, else copied there."""
    office_page = site_plan.office_page(slug)
    # None of its files changed (by their stats, or as the preview was told), and its pages are made
    # from the same files.
    known = same_plan and previous.base == base and files.as_before(office_page.inputs)
    if not known and previous.pages.get(office_page.url) != page_key(base, office_page, files):
        return False
    if same_plan:
        return True
    office_pages = site_plan.office_pages(slug)
    old = [previous.pages.get(page.url) for page in office_pages]
    if None in old:
        return False
    keys.update(zip((page.url for page in office_pages), old))
    return True


class IndexDigests(NamedTuple):
    """What index pages list, as digests taken once per build: of every office, and by year, of each
    office's report (in the order of the year's offices)."""

    offices: bytes
    years: dict[int, list[bytes]]
    before: dict[int, list[bytes]]  # by year, of each of its offices' report of the year before (its change)


def index_digests(site_plan: plan.Plan, records: dict[str, OfficeRecord]) -> IndexDigests:
    """The digests of what index pages list, taken from the offices' records."""
    every = digest(*(records[slug].digest for slug in site_plan.offices))
    years = {
        year: [records[slug].year_digests.get(year, manifest.MISSING) for slug in slugs]
        for year, slugs in site_plan.year_offices.items()
    }
    before = {
        year: [records[slug].year_digests.get(year - 1, manifest.MISSING) for slug in slugs]
        for year, slugs in site_plan.year_offices.items()
    }
    return IndexDigests(every, years, before)


def site_page_key(
    base: bytes,
    page: plan.Page,
    site_plan: plan.Plan,
    years: tuple[int, ...],
    files: FileKeys,
    digests: IndexDigests,
    counts: dict[int, int],
    listed: str = "",
) -> bytes:
    """An index page's key: the summaries it lists (a digest per office, or per office and year), and
    what it counts; `years`: those with a report published; `listed`: other pages it links to."""
    facts = f"{years} {listed}"
    if page.kind == "year":
        rows = slice(None) if page.number == 1 else plan.year_page_rows(page.number)  # the 1st compares them all
        summaries = digests.years.get(page.year, [])[rows] + digests.before.get(page.year, [])[rows]
        facts += f" {counts.get(page.year, 0)} {site_plan.year_pages(page.year)}"
    elif page.kind == "year_csv":
        summaries = digests.years.get(page.year, [])
    elif page.kind in ("accessibility", "not_found", "robots", "schema"):
        summaries = []
    else:  # home, feed, data files, sitemap, status: every office
        if page.kind in ("status", "status_csv"):
            facts += f" as of {site_plan.as_of}"
        facts += " ".join(p.url for p in site_plan.site_pages())
        summaries = [digests.offices]
    return digest(base, page.url.encode(), files(plan.SITE_FILE), facts.encode(), *summaries)
