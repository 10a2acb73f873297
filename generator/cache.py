"""The parse cache: a report file's Report value and reading findings, keyed by the file's content.

Reading YAML is the largest cost of a build; a rebuild with unchanged files loads each report from
here instead. The key covers the file's bytes, the path shown in messages, Gongkai's version and the
format definitions, so any change to one of them misses the cache. The folder (`.gongkai-cache/` in
the site) is safe to delete at any time.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import cache
from pathlib import Path

from . import __version__
from .format import FORMATS_DIR
from .model.findings import Finding, GongkaiError
from .read import source
from .read.files import atomic_write
from .read.reports import Report, read_report

CACHE_DIR = ".gongkai-cache"


@cache
def _salt() -> bytes:
    digest = hashlib.sha256(__version__.encode())
    for file in sorted(FORMATS_DIR.glob("*.yaml")):
        digest.update(file.read_bytes())
    for module in ("read/reports.py", "read/simpleyaml.py", "read/source.py", "format.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.digest()


class ParseCache:
    def __init__(self, folder: Path | None):
        self.folder = folder / "reports" if folder else None
        self.hits = self.misses = 0

    def key(self, data: bytes, path: str) -> str:
        return hashlib.sha256(_salt() + path.encode() + b"\0" + data).hexdigest()

    def read(self, file: Path, path: str, office: str) -> tuple[Report | None, list[Finding], str]:
        """The report in `file`, its reading findings, and its content key (for incremental builds)."""
        try:
            data = source.read_bytes(file, path)
        except GongkaiError as exc:  # e.g. a folder named like a report file: a finding, never a traceback
            return None, list(exc.findings), ""
        key = self.key(data, path)
        entry = self.folder / key[:2] / f"{key}.pickle" if self.folder else None
        if entry is not None and entry.exists():
            try:
                report, findings = pickle.loads(entry.read_bytes())
                self.hits += 1
                return report, findings, key
            except Exception:  # a damaged or foreign cache entry: read the file again
                pass
        self.misses += 1
        report, findings = read_report(file, path, office, data=data)
        if entry is not None:
            atomic_write(entry, pickle.dumps((report, findings), protocol=pickle.HIGHEST_PROTOCOL))
        return report, findings, key
