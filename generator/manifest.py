"""What the last build left in an output folder: each page's key, each office's summaries, each file's digest.

The build manifest lives in the site's cache folder (`.gongkai-cache/builds/`, safe to delete: the
next build then makes everything again). It describes one output folder, and only as that folder
was when the manifest was written: it names the folder and the identity (device, inode, time) of
the folder's marker file, which every build that changes the folder writes anew. Beside it, in a
file of its own, is the Site the last build loaded, with the stats of what it was loaded from.

The file is one marshal of plain values (marshal writes and reads them several times faster than
pickle), in which each office's record is a pickle of its own: an update's build writes again only
the records of the offices it read, and copies the others' bytes as the last build left them.

File digests are reused from the manifest when a file's size, modification and change times and
inode are as recorded, the way git's index does, so that a build of an unchanged 20,000-report
site does not read 270 MB to find that nothing changed. A file changed within a second before the
last build started is hashed again: its times may not tell a later change (coarse file-system clocks).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from .model.findings import Finding
from .pages import ReportSummary
from .read.files import atomic_write, read_file
from .regions import Tally

MANIFEST_DIR = "builds"
FORMAT = 7  # of the manifest file; another value (or another Python's file) is not read
RACY_NS = 1_000_000_000
MISSING = b"missing"

FileStat = tuple[int, int, int, int, bytes]  # size, mtime_ns, ctime_ns, inode, digest


def digest(*parts: bytes) -> bytes:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part)
    return hasher.digest()


class OfficeRecord(NamedTuple):
    """What building an office's pages leaves for the index pages, and for the next build.
    (A NamedTuple, as ReportSummary: the manifest keeps one per office.)"""

    summaries: tuple[ReportSummary, ...]
    findings: tuple[Finding, ...]
    written: tuple[str, ...]  # urls of the office's pages in the output
    reports: int  # report files read
    digest: bytes  # of all that index pages show of the office (see build.office_digest)
    year_digests: dict[int, bytes] = {}  # year -> digest of its summary, for year pages (never mutated)
    drafts: tuple[str, ...] = ()  # urls of draft reports' pages (`build --drafts`, the preview): in no sitemap
    tallies: dict[int, Tally] = {}  # year -> what its parent office's summary needs of the report (never mutated)


@dataclass(frozen=True)
class Manifest:
    output: str  # the output folder, resolved
    marker: tuple[int, int, int]  # device, inode and mtime of the output's marker file
    started_ns: int  # wall-clock time the build started
    files: dict[str, FileStat]  # site files by path (relative to the site, or absolute)
    pages: dict[str, bytes]  # url -> key of every page the plan had (written, or left out: an unreadable report's)
    offices: dict[str, OfficeRecord]
    site_pages: tuple[str, ...]  # urls of the pages made once per site that were written
    listing: tuple = ()  # what site.load_site read, by stat (see build._load_site)
    site: tuple = ()  # and what it returned: (Site, findings)
    base: bytes = b""  # the part of every page's key that is not its files' (code, layouts, content folder)
    csv_columns: tuple[str, ...] = ()  # the headline columns of data/reports.csv
    csv_lines: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)  # slug -> its reports' lines
    stored: dict[str, bytes] = field(default_factory=dict, repr=False)  # slug -> its record as in the file

    def written(self) -> set[str]:
        """Every file in the output that the build wrote (the marker aside)."""
        return {url for record in self.offices.values() for url in record.written} | set(self.site_pages)


class FileKeys:
    """Digests of site files' contents (and paths), reusing the last build's for files unchanged since.

    `changed`, when given, names every file (site-relative) or folder that may have changed since
    the last build, as the preview's watcher was told by the system: the others are taken as the
    last build left them, without even a stat."""

    def __init__(self, root: Path, previous: Manifest | None, changed: frozenset[str] | None = None):
        self.root = root
        self.prefix = os.path.join(root, "")  # of a site file's path: the site folder and a separator
        self.previous = previous.files if previous else {}
        self.trusted_before = previous.started_ns - RACY_NS if previous else 0
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

    def untouched(self, paths) -> bool:
        """Whether none of these files can have changed since the last build, as `changed` tells."""
        if self.changed is None or not self.changed.isdisjoint(paths):
            return False
        return not self.changed_folders or not any(path.startswith(self.changed_folders) for path in paths)

    def as_before(self, paths) -> bool:
        """Whether these files are as the last build found them, by their stats (or as `changed` tells)."""
        if self.changed is not None:
            return self.untouched(paths)
        return all(self._record(path) is self.previous.get(path) for path in paths)

    def seen(self, stats) -> None:
        """Stats of site files this build has taken already: (path, size, mtime, ctime, inode)."""
        for path, *now in filter(None, stats):
            if (known := self._trusted(path, tuple(now))) is not None:
                self.files[path] = known

    def __call__(self, path: str) -> bytes:
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


def _path(cache: Path, output: Path) -> Path:
    return cache / MANIFEST_DIR / f"{digest(str(output).encode()).hex()}.manifest"


# A long-running process (serve) keeps the last manifest it wrote or read, and the last site it
# loaded, instead of reading them again.
_kept: dict[Path, tuple[tuple[int, int, int], Manifest]] = {}
_kept_site: dict[Path, tuple[tuple, tuple]] = {}


def marker_identity(output: Path, marker: str) -> tuple[int, int, int] | None:
    try:
        stat = os.stat(output / marker)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino, stat.st_mtime_ns)


def load(cache: Path, output: Path, marker: str) -> Manifest | None:
    """The manifest of the output folder as it is now, or None (no build made it, or it changed since)."""
    file = _path(cache, output)
    try:
        stat = os.stat(file)
    except OSError:
        return None
    identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    kept = _kept.get(file)
    if kept is not None and kept[0] == identity:
        manifest = kept[1]
    else:
        try:
            manifest = _read(file.read_bytes())
        except Exception:  # damaged, or written by another version: build everything
            return None
        if manifest is None or manifest.output != str(output):
            return None
        _kept.clear()
        _kept[file] = (identity, manifest)
    if marker_identity(output, marker) != manifest.marker:
        return None
    return replace(manifest, site=_site(file, manifest.listing))


def _site(file: Path, listing: tuple) -> tuple:
    """The Site the manifest's listing describes, kept in a file of its own: it changes far less often."""
    kept = _kept_site.get(file)
    if kept is None:
        try:
            kept = pickle.loads(_site_path(file).read_bytes())
        except Exception:
            return ()
        _kept_site.clear()
        _kept_site[file] = kept
    return kept[1] if kept[0] == listing else ()


def _site_path(file: Path) -> Path:
    return file.with_name(file.stem + ".site.pickle")


def forget(cache: Path, output: Path) -> None:
    """Remove the manifest: from now until a new one is written, the output is not known to be any build."""
    file = _path(cache, output)
    _kept.pop(file, None)
    file.unlink(missing_ok=True)


def save(cache: Path, manifest: Manifest, previous: Manifest | None = None) -> None:
    """Write the manifest; the records it shares with `previous` (the same objects) are copied as stored."""
    file = _path(cache, Path(manifest.output))
    if manifest.site and _kept_site.get(file, ((),))[0] != manifest.listing:
        atomic_write(
            _site_path(file), pickle.dumps((manifest.listing, manifest.site), protocol=pickle.HIGHEST_PROTOCOL)
        )
        _kept_site.clear()
        _kept_site[file] = (manifest.listing, manifest.site)
    before = previous.offices if previous else {}
    stored = previous.stored if previous else {}
    records = {
        slug: stored[slug] if before.get(slug) is record and slug in stored else _stored_record(record)
        for slug, record in manifest.offices.items()
    }
    manifest = replace(manifest, site=(), stored=records)
    atomic_write(file, _written(manifest))
    file.with_suffix(".pickle").unlink(missing_ok=True)  # the manifest as Gongkai 0.1 wrote it (a pickle)
    stat = os.stat(file)
    _kept.clear()  # one site's state at a time
    _kept[file] = ((stat.st_ino, stat.st_size, stat.st_mtime_ns), manifest)


_VERSION = f"{sys.implementation.cache_tag} {marshal.version}"  # marshal's format may change with Python's


def _written(manifest: Manifest) -> bytes:
    fields = (manifest.files, manifest.pages, manifest.stored, manifest.site_pages, manifest.listing, manifest.base)
    csv = (manifest.csv_columns, manifest.csv_lines)
    return marshal.dumps((FORMAT, _VERSION, manifest.output, manifest.marker, manifest.started_ns, *fields, *csv))


def _read(data: bytes) -> Manifest | None:
    values = marshal.loads(data)
    if values[:2] != (FORMAT, _VERSION):
        return None
    output, marker, started_ns, files, pages, stored, site_pages, listing, base, csv_columns, csv_lines = values[2:]
    offices = {slug: _record(record) for slug, record in stored.items()}
    return Manifest(
        output, marker, started_ns, files, pages, offices, site_pages, listing, (), base, csv_columns, csv_lines, stored
    )


# An office record goes into the file as a pickle of plain tuples: a NamedTuple is pickled through a
# Python method each (__getnewargs__), five times slower at 20,000 summaries.


def _stored_record(record: OfficeRecord) -> bytes:
    plain = (tuple(map(tuple, record.summaries)), *record[1:])
    return pickle.dumps(plain, protocol=pickle.HIGHEST_PROTOCOL)


def _record(stored: bytes) -> OfficeRecord:
    summaries, *rest = pickle.loads(stored)
    return OfficeRecord(tuple(map(ReportSummary._make, summaries)), *rest)
