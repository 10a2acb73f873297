"""files.read_file: a file's stat and all its bytes, with few system calls."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from generator.read import files


@pytest.mark.parametrize("size", [0, 1, 4096, 70_000])
def test_a_file_is_read_whole_with_its_stat(tmp_path, size):
    file = tmp_path / "a.yaml"
    file.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    stat, data = files.read_file(file)
    assert data == file.read_bytes() and len(data) == size
    assert (stat.st_size, stat.st_mtime_ns, stat.st_ino) == (size, file.stat().st_mtime_ns, file.stat().st_ino)


@pytest.mark.parametrize("change", [-10, 10])
def test_a_file_that_changed_since_its_stat_is_read_to_its_end(tmp_path, monkeypatch, change):
    file = tmp_path / "a.yaml"
    file.write_bytes(b"0123456789" * 100)
    real = os.fstat
    monkeypatch.setattr(os, "fstat", lambda fd: SimpleNamespace(st_size=real(fd).st_size + change))
    assert files.read_file(file)[1] == file.read_bytes()  # grown (the stat says less) or cut (says more)


def test_a_folder_or_a_missing_file_cannot_be_read(tmp_path):
    for path in (tmp_path, tmp_path / "missing.yaml"):
        with pytest.raises(OSError):
            files.read_file(path)
