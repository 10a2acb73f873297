"""The output folder and its staging folder: refusing an output that is not Gongkai's, writing a
build's files, swapping a whole new site in or moving changed pages in, deleting stale pages; what
the output holds besides the pages (the site's extra/ files, published as they are); any other file
in it that no build wrote is removed, with a line each, in every build.

May import the layers below build, and build.manifest.
"""

from __future__ import annotations

import glob
import os
import shutil
import uuid
from pathlib import Path

from ..model.findings import Finding, GongkaiError, Position, error, warning
from ..read.files import CACHE_DIR, OUTSIDE_SITE, display_path, site_files
from ..site import plan
from .manifest import RACY_NS

MARKER_TEXT = (
    "This folder is made by `gongkai build`, which updates it on every build: it deletes files no build made.\n"
)
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


def check_output(site_root: Path, out: Path) -> None:
    """Refuse an output folder that would overwrite content or a folder Gongkai did not make."""
    root = site_root.resolve()
    target = out.resolve()
    shown = display_path(out)
    if target == root or target in root.parents:
        raise GongkaiError(
            f"输出目录 {shown} 包含站点目录本身；请另选输出目录，如 {display_path(site_root / 'public')}"
        )
    for folder in ("content", "layouts", CACHE_DIR):
        inner = root / folder
        if target == inner or inner in target.parents:
            raise GongkaiError(
                f"输出目录 {shown} 在站点的 {folder} 目录里；请另选输出目录，如 {display_path(site_root / 'public')}"
            )
    if target.exists() and not target.is_dir():
        raise GongkaiError(f"输出目录 {shown} 是一个文件，不是目录；请另选输出目录")
    if target.is_dir() and not (target / plan.MARKER).is_file() and any(target.iterdir()):
        raise GongkaiError(
            f"输出目录 {shown} 不是空目录，也不是 Gongkai 生成的（没有 {plan.MARKER} 标记文件）；"
            "为免误删其中的文件，未做任何修改。请另选输出目录，或先清空这个目录"
        )


def temp_folder(out: Path) -> Path:
    """A new folder beside the output (same file system, so the swap is a rename), with normal permissions.
    Folders left there by builds that were killed (their process is gone) are removed first."""
    out.parent.mkdir(parents=True, exist_ok=True)
    for left in out.parent.glob(f".{glob.escape(out.name)}.*-*-*"):
        kind, _, rest = left.name[len(out.name) + 2 :].partition("-")
        pid = rest.partition("-")[0]
        if kind in ("building", "old") and pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(left, ignore_errors=True)
    temp = out.parent / f".{out.name}.building-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    temp.mkdir()
    return temp


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but is another user's
        return True
    return True


def swap_in(temp: Path, out: Path) -> None:
    """Replace the output by the finished build: rename the old one away, the new one in, delete the old."""
    if not out.exists():
        temp.rename(out)
        return
    old = temp.with_name(temp.name.replace(".building-", ".old-"))
    try:
        out.rename(old)
    except OSError:  # a mount point or a busy folder cannot move: replace what is inside instead
        _replace_contents(temp, out)
        return
    try:
        temp.rename(out)
    except OSError:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _replace_contents(temp: Path, out: Path) -> None:
    for entry in sorted(out.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in sorted(temp.iterdir()):
        entry.rename(out / entry.name)
    temp.rmdir()


def move_in(staging: Path, out: Path, urls: list[str]) -> None:
    """Move the staged files into the output, each replacing its old version in one rename."""
    made: set[str] = set()
    for url in urls:
        folder = url.rpartition("/")[0]
        if folder and folder not in made:
            os.makedirs(os.path.join(out, folder), exist_ok=True)
            made.add(folder)
        os.replace(os.path.join(staging, url), os.path.join(out, url))


def remove_stale(out: Path, stale: set[str], live: set[str]) -> None:
    """Delete the files of pages that no longer exist. A folder left without any page is deleted whole
    (files that no build wrote are gone by then: outputs.remove_foreign)."""
    if not stale:
        return
    live_folders = {url[:i] for url in live for i, char in enumerate(url) if char == "/"}
    for url in sorted(stale):
        dead, parts = "", url.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder not in live_folders:
                dead = folder
                break
        if dead:
            shutil.rmtree(os.path.join(out, dead), ignore_errors=True)
        else:
            Path(out, url).unlink(missing_ok=True)


def write_file(folder: Path | str, url: str, data: bytes | str) -> None:
    """Write a new file of the build (one open and write; its folder is made when missing)."""
    path = os.path.join(folder, url)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def copy_kept(output: Path, staging: Path, urls: set[str]) -> None:
    """Copy the pages of reports kept as last published from the output into a new site."""
    for url in sorted(urls):
        os.makedirs(os.path.join(staging, os.path.dirname(url)), exist_ok=True)
        shutil.copy2(os.path.join(output, url), os.path.join(staging, url))
