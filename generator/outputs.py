"""What the output folder holds besides the pages: the site's extra/ files, published as they are;
any other file in it that no build wrote is removed, with a line each, in every build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .manifest import RACY_NS
from .model.findings import Finding, Position, error, warning
from .read.files import OUTSIDE_SITE, display_path, site_files

EXTRA_DIR = "extra"  # a site's files to publish at the output's root, e.g. a search engine's verification file
REMOVED = "已删除输出目录中非本站生成的文件："


def extra_files(root: Path) -> tuple[dict[str, str], list[Finding]]:
    """The site's extra/ files by their names in the output, each with the file it is copied from
    (relative to the site), and the symbolic links in extra/ that lead out of the site (refused)."""
    base = root / EXTRA_DIR
    if not (base.is_dir() or base.is_symlink()):
        return {}, []
    found, refused = site_files(base, root, hidden=True)
    files = {name: f"{EXTRA_DIR}/{name}" for name in found}
    return files, [error(Position(display_path(file)), OUTSIDE_SITE) for file in refused]


def remove_foreign(out: Path, known: set[str], marker: str, own: tuple[str, ...] = ()) -> list[Finding]:
    """Delete every file in the output folder `out` that is not one of the `known` pages (nor the
    marker, nor in one of the `own` top-level folders that the build fills otherwise: the search
    index); a folder that holds no known page goes whole. A warning for each file deleted, at its path.

    Only the folders whose entries changed since the last build are listed: a file added to a folder,
    or removed, changes the folder's time, and the last build ended with writing its marker. The other
    folders cost a stat each (a tenth of listing them)."""
    folders: set[str] = set()
    for url in known:
        folder = url.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    try:
        since = os.stat(os.path.join(out, marker)).st_mtime_ns - RACY_NS
    except OSError:
        since = None  # no marker: every folder is listed
    removed: list[Finding] = []

    def note(path: str) -> None:
        removed.append(warning(Position(display_path(Path(path))), REMOVED + os.path.relpath(path, out)))

    for folder in ["", *sorted(folders)]:
        path = os.path.join(out, folder)
        try:
            if folder and since is not None and os.lstat(path).st_mtime_ns < since:
                continue
            with os.scandir(path) as entries:
                listed = list(entries)
        except OSError:  # not there (a page of this build's, still to come), or not a folder
            continue
        prefix = f"{folder}/" if folder else ""
        for entry in listed:
            name = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if name in folders or name in own:
                    continue  # listed in its turn, or the build's own
                for top, _, names in os.walk(entry.path):
                    for file in sorted(names):
                        note(os.path.join(top, file))
                shutil.rmtree(entry.path, ignore_errors=True)
            elif name not in known and name != marker:
                note(entry.path)
                try:
                    os.unlink(entry.path)
                except FileNotFoundError:
                    pass
    return sorted(removed)
