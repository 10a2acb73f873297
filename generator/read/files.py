"""Reading and writing files safely: never overwrite a user's file without --force, never leave half a
file, never read through a symbolic link out of the site. Imports model only."""

from __future__ import annotations

import errno
import os
import stat as stat_module
import tempfile
import uuid
from pathlib import Path

from ..model.findings import GongkaiError, Position, error

OUTSIDE_SITE = "符号链接指向站点目录之外，已拒绝读取"
SITE_FILE = "site.yaml"
CACHE_DIR = ".gongkai-cache"  # in the site: the build manifest and compiled templates (safe to delete)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows: links are then followed


def display_path(file: Path) -> str:
    """A path as users should see it in messages: relative to the current folder when inside it."""
    try:
        relative = os.path.relpath(file)
    except ValueError:  # another drive on Windows
        return str(file)
    # Outside the current folder: the absolute path of the file named, not of what a link leads to.
    return os.path.abspath(file) if relative.startswith("..") else relative


class OutsideSite(OSError):
    """A symbolic link that leads out of the site folder: it is not followed."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(errno.EACCES, OUTSIDE_SITE, str(path))


def site_root_of(path: str | Path) -> Path | None:
    """The site folder a path is in: the nearest folder above it that holds site.yaml (None if none)."""
    for folder in Path(os.path.abspath(path)).parents:
        if os.path.isfile(os.path.join(folder, SITE_FILE)) and not os.path.islink(os.path.join(folder, SITE_FILE)):
            return folder
    return None


def inside(path: str | Path, root: str | Path) -> bool:
    """Whether a path, its symbolic links followed, is inside the folder `root` (followed too)."""
    real, base = os.path.realpath(path), os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def check_link(path: str | Path, root: str | Path | None = None) -> None:
    """Raise OutsideSite for a symbolic link whose target is not inside the site (`root`, by default
    the folder above `path` that holds site.yaml)."""
    root = root if root is not None else site_root_of(path)
    if root is None or not inside(path, root):
        raise OutsideSite(path)


def site_files(base: Path, root: Path, hidden: bool = False) -> tuple[dict[str, Path], list[Path]]:
    """The files under the folder `base` of the site `root`, by their "/"-separated names there
    (sorted; names beginning with "." left out unless `hidden`), and the symbolic links among them
    that lead out of the site, which are not followed. A link inside the site is followed, a folder once."""
    files: dict[str, Path] = {}
    refused: list[Path] = []
    seen: set[str] = set()

    def walk(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as entries:
                found = sorted(entries, key=lambda entry: entry.name)
        except OSError:
            return
        for entry in found:
            if entry.name.startswith(".") and not hidden:
                continue
            if entry.is_symlink():
                if not inside(entry.path, root):
                    refused.append(Path(entry.path))
                    continue
                if entry.is_dir():
                    real = os.path.realpath(entry.path)
                    if real not in seen:  # a loop of links is walked once
                        seen.add(real)
                        walk(entry.path, f"{prefix}{entry.name}/")
                    continue
            if entry.is_dir():
                walk(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file():
                files[prefix + entry.name] = Path(entry.path)

    if base.is_symlink() and not inside(base, root):
        return {}, [base]
    seen.add(os.path.realpath(base))
    walk(str(base), "")
    return dict(sorted(files.items())), refused


def read_file(path: str | Path) -> tuple[os.stat_result, bytes]:
    """A file's stat, taken before reading it (so that a change made meanwhile shows in its times),
    and its bytes: four system calls, where open() and read() make ten.

    A symbolic link is followed only when its target is inside the site the file is in (else
    OutsideSite): opening with O_NOFOLLOW finds links at no cost for the files that are none."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError as exc:
        if exc.errno != errno.ELOOP or not os.path.islink(path):
            raise
        check_link(path)
        fd = os.open(path, os.O_RDONLY)
    try:
        stat = os.fstat(fd)
        data = os.read(fd, stat.st_size + 1)  # the whole file, and the end of it found: fewer bytes came
        if len(data) != stat.st_size:  # it changed meanwhile, or the read came back short: read on to the end
            data += b"".join(iter(lambda: os.read(fd, 1 << 16), b""))
    finally:
        os.close(fd)
    return stat, data


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write one of Gongkai's own files (cache, manifest) through a temporary file in the same
    folder and rename it into place; its folder is made when missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def make_folder(folder: Path, root: Path) -> None:
    """Make a folder a command was asked to make in the site `root` (an office's), with its parents:
    never through a symbolic link out of the site; a failure is one positioned line."""
    existing = folder
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if not inside(existing, root):
        raise GongkaiError(error(Position(display_path(existing)), "符号链接指向站点目录之外，未写入"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GongkaiError(error(Position(display_path(folder)), f"无法创建目录：{exc.strerror}")) from None


def write_user_file(path: Path, data: bytes | str, force: bool = False) -> None:
    """Write a file the user asked for (schema -o, new, import): the one way every command does.

    An existing file is replaced only with `force`, and keeps its permissions; a new one is made
    with the process's umask, as open() makes it. A missing folder is not made (the command makes
    the folders it was asked to). The file is written beside its place and renamed into it, so that
    it is never seen half-written."""
    shown = display_path(path)
    folder = path.parent
    if not folder.is_dir():
        raise GongkaiError(error(Position(shown), f"目录 {display_path(folder)} 不存在，未写入；请先创建这个目录"))
    try:
        existing = os.stat(path)
    except FileNotFoundError:
        existing = None
    if existing is not None and stat_module.S_ISDIR(existing.st_mode):
        raise GongkaiError(error(Position(shown), "这是一个目录，不能写成文件；请另选文件名"))
    if existing is not None and not force:
        raise GongkaiError(error(Position(shown), "文件已存在，未做任何修改；如确要覆盖，请加 --force"))
    if isinstance(data, str):
        data = data.encode("utf-8")
    temp = folder / f".{path.name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as with open()
        try:
            if existing is not None:
                os.fchmod(fd, stat_module.S_IMODE(existing.st_mode))
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise GongkaiError(error(Position(shown), f"无法写入文件：{exc.strerror}")) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_generated(path: Path, text: str) -> None:
    """Write a file Gongkai generates in the site (content/report.schema.json): replaced when its
    content is out of date, left alone when it is current."""
    try:
        if path.read_text(encoding="utf-8", errors="replace") == text:
            return
    except OSError:
        pass
    write_user_file(path, text, force=True)
