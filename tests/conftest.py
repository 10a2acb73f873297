"""Shared fixtures: small real-looking sites in temporary folders, and running the CLI in-process."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.build import BuildSession, build_site
from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "samples"  # copies of ../shared/samples, so a bare clone can run the tests


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return (self.out + self.err).splitlines()


@pytest.fixture
def one_session(request, monkeypatch):
    """The test module's `build_site` builds with one BuildSession for the whole test, as the builds of
    one process (the preview) do; a build given `session=BuildSession()` is a new process's."""
    monkeypatch.setattr(request.module, "build_site", functools.partial(build_site, session=BuildSession()))


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run `gongkai ARGS...` in-process in a folder; returns exit code and output."""

    def run(*args: str, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def run_process(*args: str, cwd: Path) -> Result:
    """Run `python -m generator ARGS...` as a real process (for end-to-end tests)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, env=env)
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def example_site(tmp_path) -> Path:
    """A copy of the bundled example site (site.yaml and content/)."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    shutil.copytree(ROOT / "content", site / "content")
    return site


@pytest.fixture
def empty_site(tmp_path) -> Path:
    """A site with only a site.yaml."""
    site = tmp_path / "empty"
    (site / "content").mkdir(parents=True)
    (site / "site.yaml").write_text("name: 测试站点\n", encoding="utf-8")
    return site
