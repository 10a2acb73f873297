"""Writing files safely: never overwrite a user's file without --force, never leave half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .findings import GongkaiError, Position, error


def display_path(file: Path) -> str:
    """A path as users should see it in messages: relative to the current folder when inside it."""
    try:
        relative = os.path.relpath(file)
    except ValueError:  # another drive on Windows
        return str(file)
    return str(Path(file).resolve()) if relative.startswith("..") else relative


def read_file(path: str | Path) -> tuple[os.stat_result, bytes]:
    """A file's stat, taken before reading it (so that a change made meanwhile shows in its times),
    and its bytes: four system calls, where open() and read() make ten."""
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
    """Write through a temporary file in the same folder and rename it into place."""
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


def write_new(path: Path, text: str, force: bool = False) -> None:
    """Write a file the user will own; refuse to replace an existing one unless forced."""
    if path.exists() and not force:
        raise GongkaiError(error(Position(display_path(path)), "文件已存在，未做任何修改；如确要覆盖，请加 --force"))
    atomic_write(path, text)


def write_generated(path: Path, text: str) -> None:
    """Write a file Gongkai generates (e.g. the JSON Schema); unchanged content is not rewritten."""
    if path.exists() and path.read_text(encoding="utf-8", errors="replace") == text:
        return
    atomic_write(path, text)
