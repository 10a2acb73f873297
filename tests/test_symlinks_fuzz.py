"""Fuzz: sites built from random layouts of symbolic links, some leading to private files outside the
site. Whatever the links, no byte of those files reaches the output, the messages or a traceback."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from tests.helpers import report_yaml, write_office, write_report, write_site

MARKER = "PRIVATE-7c1e5b-MARKER"

# Where a link may be put in the site (a folder link where the name ends with "/").
PLACES = [
    "content/a/2021.yaml",
    "content/a/2020.yaml",
    "content/a/office.yaml",
    "content/a/notes.txt",
    "content/b/",
    "content/",
    "site.yaml",
    "layouts/report.html",
    "layouts/base.html",
    "layouts/static/x.css",
    "layouts/static/sub/",
    "layouts/static/",
    "layouts/",
    "extra/verify.html",
    "extra/files/",
    "extra/",
    "inner/link",
]
# What it may lead to: private files and folders outside the site, or files and folders inside it
# (some of which are links in turn), absolutely or relatively.
TARGETS = [
    "outside:secret/2021.yaml",
    "outside:secret/office.yaml",
    "outside:secret/report.html",
    "outside:secret",
    "inside:content/a/2022.yaml",
    "inside:content/a",
    "inside:inner/link",
    "inside:layouts",
    "inside:archive/2019.yaml",
]


def private_folder(top: Path) -> Path:
    """Files outside the site that would each make a valid report, office, template or static file."""
    secret = top / "secret"
    secret.mkdir()
    (secret / "2021.yaml").write_text(report_yaml(2021, overview=MARKER), encoding="utf-8")
    (secret / "2020.yaml").write_text(report_yaml(2020, overview=MARKER), encoding="utf-8")
    (secret / "office.yaml").write_text(f"name: {MARKER}\n", encoding="utf-8")
    (secret / "report.html").write_text(f"{MARKER} {{{{ 1 }}}}\n", encoding="utf-8")
    (secret / "x.css").write_text(f"/* {MARKER} */\n", encoding="utf-8")
    return secret


def make_site(top: Path) -> Path:
    site = write_site(top / "site")
    write_office(site, "a", "某机关")
    write_report(site, "a", 2022, report_yaml(2022))
    (site / "archive").mkdir()
    (site / "archive" / "2019.yaml").write_text(report_yaml(2019, format_id="2019"), encoding="utf-8")
    (site / "inner").mkdir()
    return site


def place(site: Path, top: Path, where: str, target: str, relative: bool) -> None:
    link = site / where.rstrip("/")
    if link.is_symlink() or link.exists():
        if link.is_dir() and not link.is_symlink():
            shutil.rmtree(link)
        else:
            link.unlink()
    try:
        link.parent.mkdir(parents=True, exist_ok=True)
    except OSError:  # its folder is a link placed before: this one has no place
        return
    kind, _, name = target.partition(":")
    pointed = (top / name) if kind == "outside" else (site / name)
    os.symlink(os.path.relpath(pointed, link.parent) if relative else pointed, link)


def run(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue() + err.getvalue()


def every_byte(folder: Path) -> bytes:
    found = []
    for top, _, names in os.walk(folder):  # links in the output are not followed: none should be there
        for name in names:
            path = os.path.join(top, name)
            found.append(os.readlink(path).encode() if os.path.islink(path) else Path(path).read_bytes())
    return b"".join(found)


links = st.lists(
    st.tuples(st.sampled_from(PLACES), st.sampled_from(TARGETS), st.booleans()),
    min_size=1,
    max_size=4,
    unique_by=lambda link: link[0],
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(links=links)
def test_no_byte_from_outside_the_site_reaches_the_output_or_the_messages(links):
    top = Path(tempfile.mkdtemp(prefix="gongkai-links-"))
    cwd = os.getcwd()
    try:
        private_folder(top)
        site = make_site(top)
        for where, target, relative in links:
            place(site, top, where, target, relative)
        os.chdir(site)
        for args in (["check"], ["build"], ["build"], ["new", "c", "2024"]):
            code, output = run(*args)
            assert code in (0, 1), (args, output)
            assert MARKER not in output and "Traceback" not in output, (links, args, output)
            assert MARKER.encode() not in every_byte(site / "public"), (links, args)
        assert MARKER.encode() not in every_byte(site / ".gongkai-cache")
    finally:
        os.chdir(cwd)
        shutil.rmtree(top, ignore_errors=True)
