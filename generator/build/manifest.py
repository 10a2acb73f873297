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
Those digests are taken by keys.FileKeys. A long-running process keeps the last manifest and site in
a Kept (its BuildSession's) instead of reading them again.

May import the layers below build (for the records' values: ReportSummary, Tally).
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

from ..model.findings import Finding
from ..read.files import atomic_write
from ..site.regions import Tally  # a data record of the site layer
from ..site.summaries import ReportSummary  # a data record of the site layer

MANIFEST_DIR = "builds"
TEMPLATES_DIR = "templates"
FORMAT = 7  # of the manifest file; another value (or another Python's file) is not read
RACY_NS = 1_000_000_000
MISSING = b"missing"

FileStat = tuple[int, int, int, int, bytes]  # size, mtime_ns, ctime_ns, inode, digest


def digest(*parts: bytes) -> bytes:
    """A short digest (16 bytes) of the parts, in order."""
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
    digest: bytes  # of all that index pages show of the office (see keys.office_digest)
    year_digests: dict[int, bytes] = {}  # year -> digest of its summary, for year pages (never mutated)
    drafts: tuple[str, ...] = ()  # urls of draft reports' pages (`build --drafts`, the preview): in no sitemap
    tallies: dict[int, Tally] = {}  # year -> what its parent office's summary needs of the report (never mutated)


@dataclass(frozen=True)
class Manifest:
    """What one build left in one output folder (see the module's docstring)."""

    output: str  # the output folder, resolved
    marker: tuple[int, int, int]  # device, inode and mtime of the output's marker file
    started_ns: int  # wall-clock time the build started
    files: dict[str, FileStat]  # site files by path (relative to the site, or absolute)
    pages: dict[str, bytes]  # url -> key of every page the plan had (written, or left out: an unreadable report's)
    offices: dict[str, OfficeRecord]
    site_pages: tuple[str, ...]  # urls of the pages made once per site that were written
    listing: tuple = ()  # what site.load_site read, by stat (see loading.loaded_site)
    site: tuple = ()  # and what it returned: (Site, findings)
    base: bytes = b""  # the part of every page's key that is not its files' (code, layouts, content folder)
    csv_columns: tuple[str, ...] = ()  # the headline columns of data/reports.csv
    csv_lines: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)  # slug -> its reports' lines
    stored: dict[str, bytes] = field(default_factory=dict, repr=False)  # slug -> its record as in the file

    def written(self) -> set[str]:
        """Every file in the output that the build wrote (the marker aside)."""
        return {url for record in self.offices.values() for url in record.written} | set(self.site_pages)


def _path(cache: Path, output: Path) -> Path:
    return cache / MANIFEST_DIR / f"{digest(str(output).encode()).hex()}.manifest"


class Kept:
    """The last manifest this process wrote or read, and the last site it loaded, with the identity of
    their files: a long-running process (the preview, through its BuildSession) keeps them instead of
    reading them again. One site's state at a time."""

    def __init__(self) -> None:
        self.manifest: dict[Path, tuple[tuple[int, int, int], Manifest]] = {}
        self.site: dict[Path, tuple[tuple, tuple]] = {}


def marker_identity(output: Path, marker: str) -> tuple[int, int, int] | None:
    """The device, inode and mtime of the output's marker file; None without one."""
    try:
        stat = os.stat(output / marker)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino, stat.st_mtime_ns)


def load(cache: Path, output: Path, marker: str, kept: Kept | None = None) -> Manifest | None:
    """The manifest of the output folder as it is now, or None (no build made it, or it changed since).
    `kept`: what this process kept of the last manifest and site (read from disk without it)."""
    kept_manifests = kept.manifest if kept is not None else {}
    file = _path(cache, output)
    try:
        stat = os.stat(file)
    except OSError:
        return None
    identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    known = kept_manifests.get(file)
    if known is not None and known[0] == identity:
        manifest = known[1]
    else:
        try:
            manifest = _read(file.read_bytes())
        except Exception:  # damaged, or written by another version: build everything
            return None
        if manifest is None or manifest.output != str(output):
            return None
        kept_manifests.clear()
        kept_manifests[file] = (identity, manifest)
    if marker_identity(output, marker) != manifest.marker:
        return None
    return replace(manifest, site=_site(file, manifest.listing, kept.site if kept is not None else {}))


def _site(file: Path, listing: tuple, kept_sites: dict[Path, tuple[tuple, tuple]]) -> tuple:
    """The Site the manifest's listing describes, kept in a file of its own: it changes far less often."""
    known = kept_sites.get(file)
    if known is None:
        try:
            known = pickle.loads(_site_path(file).read_bytes())
        except Exception:
            return ()
        kept_sites.clear()
        kept_sites[file] = known
    return known[1] if known[0] == listing else ()


def _site_path(file: Path) -> Path:
    return file.with_name(file.stem + ".site.pickle")


def forget(cache: Path, output: Path, kept: Kept | None = None) -> None:
    """Remove the manifest: from now until a new one is written, the output is not known to be any build."""
    file = _path(cache, output)
    if kept is not None:
        kept.manifest.pop(file, None)
    file.unlink(missing_ok=True)


def save(cache: Path, manifest: Manifest, previous: Manifest | None = None, kept: Kept | None = None) -> None:
    """Write the manifest; the records it shares with `previous` (the same objects) are copied as stored.
    `kept`: where this process keeps the manifest and site written, for the next build to use."""
    kept = kept if kept is not None else Kept()
    file = _path(cache, Path(manifest.output))
    if manifest.site and kept.site.get(file, ((),))[0] != manifest.listing:
        atomic_write(
            _site_path(file), pickle.dumps((manifest.listing, manifest.site), protocol=pickle.HIGHEST_PROTOCOL)
        )
        kept.site.clear()
        kept.site[file] = (manifest.listing, manifest.site)
    before = previous.offices if previous else {}
    stored = previous.stored if previous else {}
    records = {
        slug: stored[slug] if before.get(slug) is record and slug in stored else pack_record(record)
        for slug, record in manifest.offices.items()
    }
    manifest = replace(manifest, site=(), stored=records)
    atomic_write(file, _written(manifest))
    file.with_suffix(".pickle").unlink(missing_ok=True)  # the manifest as Gongkai 0.1 wrote it (a pickle)
    stat = os.stat(file)
    kept.manifest.clear()  # one site's state at a time
    kept.manifest[file] = ((stat.st_ino, stat.st_size, stat.st_mtime_ns), manifest)


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
    offices = {slug: unpack_record(record) for slug, record in stored.items()}
    return Manifest(
        output, marker, started_ns, files, pages, offices, site_pages, listing, (), base, csv_columns, csv_lines, stored
    )


# An office record goes into the file as a pickle of plain tuples: a NamedTuple is pickled through a
# Python method each (__getnewargs__), five times slower at 20,000 summaries.


def pack_record(record: OfficeRecord) -> bytes:
    """An office record as the manifest file holds it."""
    plain = (tuple(map(tuple, record.summaries)), *record[1:])
    return pickle.dumps(plain, protocol=pickle.HIGHEST_PROTOCOL)


def unpack_record(stored: bytes) -> OfficeRecord:
    """An office record from the manifest file."""
    summaries, *rest = pickle.loads(stored)
    return OfficeRecord(tuple(map(ReportSummary._make, summaries)), *rest)
