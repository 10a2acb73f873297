"""Loading the site for a build: site.load_site, or what it returned to the last build when nothing it
read has changed since; and what of its settings a build cannot honour. May import the layers below
build, and build.manifest."""

from __future__ import annotations

import os
from pathlib import Path

from ..model.findings import Finding
from ..read.files import display_path
from ..read.settings import installation_problems
from ..read.site import Site, is_report_path, load_site
from ..site import plan
from . import manifest
from .manifest import Manifest


def loaded_site(
    root: Path, previous: Manifest | None, changed: frozenset[str] | None = None
) -> tuple[Site, list[Finding], tuple]:
    """site.load_site, or what it returned to the last build if nothing it reads has changed since:
    site.yaml, the list of content/, each office folder's list and office.yaml (by their stat; a
    folder's times change when a file is added, removed or renamed in it). Reading 5,000 office
    files costs more than a third of a second; their stats, a fortieth. When the preview was told
    which files changed and they are all report files that were there and still are, not even that."""
    if (
        previous is not None
        and previous.site
        and changed is not None
        and all(
            is_report_path(path) and path in previous.files and os.path.isfile(os.path.join(root, path))
            for path in changed
        )
    ):
        site, findings = previous.site
        return site, list(findings), previous.listing
    listing = site_listing(root)
    if previous is not None and previous.listing == listing and previous.site:
        newest = max((max(mtime, ctime) for _, _, mtime, ctime, _ in filter(None, listing[1:])), default=0)
        if newest < previous.started_ns - manifest.RACY_NS:
            site, findings = previous.site
            return site, list(findings), listing
    site, findings = load_site(root)
    return site, findings, listing


def site_listing(root: Path) -> tuple:
    """The site's folder and how its content folder is shown, then the stats of site.yaml, content/,
    and each office's folder and office.yaml (by their paths in the site; () for one not found)."""
    prefix = os.path.join(root, "")

    def stat(path: str) -> tuple[str, int, int, int, int] | tuple[()]:
        try:
            found = os.stat(prefix + path)
        except OSError:
            return ()
        return (path, found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)

    listing = [(str(root), display_path(root / "content")), stat(plan.SITE_FILE), stat("content")]
    try:
        folders = sorted(entry.name for entry in os.scandir(prefix + "content") if not entry.name.startswith("."))
    except OSError:
        folders = []
    for name in folders:
        listing += [stat(f"content/{name}"), stat(f"content/{name}/office.yaml")]
    return tuple(listing)


def site_path(root: Path, file: Path) -> str:
    """A file as a page input: relative to the site when inside it, else absolute."""
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(file.resolve())


def settings_problems(site: Site) -> list[Finding]:
    """What site.yaml asks that this installation cannot give (read/settings.py); `check` reports these
    too, and a build stops on them before it makes a page."""
    return installation_problems(site.settings, display_path(site.root / plan.SITE_FILE))


def refused_settings(site: Site, findings: list[Finding]) -> list[Finding]:
    """Why a build cannot go on with the site's settings: the errors in reading site.yaml (among the
    site's `findings`), and settings_problems."""
    read = [f for f in findings if f.severity == "error" and Path(f.position.path).name == plan.SITE_FILE]
    return read + settings_problems(site)
