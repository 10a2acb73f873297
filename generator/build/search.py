"""The site's full-text search index, made by Pagefind from the built report pages.

Pagefind's extended build segments Chinese into words (the standard build finds no Chinese word); its
Python package ships the binary (a dependency of Gongkai), which is run here as a command, never downloaded.
Only report pages are indexed: their template marks what is indexed (data-pagefind-body: the title,
narratives and tables' labels) and the filters; drafts carry no such mark and are never handed to Pagefind.

May import the layers below build, and build.manifest and build.outputs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..model.findings import Finding, GongkaiError, Position, error
from ..read.settings import pagefind_missing
from ..read.site import Site
from ..site import plan
from ..site.plan import INDEX_DIR
from .manifest import OfficeRecord
from .outputs import temp_folder

# Not indexed: the tables' figures (table.html marks their cells `num`), which nobody searches for as
# words; leaving them out saves Pagefind about a sixth of its time (README, Performance).
NOT_INDEXED = "td.num"


def not_installed(settings_path: str) -> Finding | None:
    """The error of a site with `search: true` where Pagefind's extended binary is not installed."""
    return pagefind_missing(Position(settings_path))


def executable(settings_path: str) -> Path:
    """Pagefind's extended binary, as its Python package installed it."""
    if (missing := not_installed(settings_path)) is not None:
        raise GongkaiError(missing)
    from pagefind_bin_extended import get_executable

    return get_executable()


def make_index(pages: Iterable[tuple[str, Path]], index: Path, settings_path: str) -> None:
    """Index the report pages (url, built file) into the new folder `index`.

    Pagefind reads a folder: the pages are hard-linked (copied where links fail) into a temporary one
    beside `index`, under their URLs, so that each result's URL is the page's. A page that no longer
    exists (removed by a later build while the preview indexes) is left out."""
    binary = executable(settings_path)
    index.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=index.parent, prefix=".search-") as temp:
        source = Path(temp, "site")
        source.mkdir()
        for url, file in sorted(pages):
            target = source / url
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(file, target)
            except FileNotFoundError:
                continue
            except OSError:
                shutil.copyfile(file, target)
        command = [
            *(str(binary), "--site", str(source), "--output-path", str(index)),
            *("--keep-index-url", "--exclude-selectors", NOT_INDEXED, "--silent"),
        ]
        done = subprocess.run(command, capture_output=True, text=True, errors="replace")
        if done.returncode != 0:
            shutil.rmtree(index, ignore_errors=True)
            said = (done.stderr or done.stdout).strip().splitlines()
            problem = said[-1] if said else f"退出码 {done.returncode}"
            raise GongkaiError(error(Position(settings_path), f"生成搜索索引失败（Pagefind）：{problem}"))


def replace_index(new: Path, out: Path) -> None:
    """Put a finished index in the output in place of the old one (a rename each)."""
    current = out / INDEX_DIR
    old = new.with_name(new.name + "-old")  # beside the new one, in a folder the build removes
    if current.exists():
        current.rename(old)
    new.rename(current)
    shutil.rmtree(old, ignore_errors=True)


def pages_to_index(
    site: Site, records: dict[str, OfficeRecord], made: list[str], stale: set[str], whole: bool
) -> list[str]:
    """The published report pages, when the search index must be made (again): for a whole new site
    or a missing index, or when a report page was made or removed; else none."""
    if not site.settings.search:
        return []
    urls = sorted(plan.report_url(slug, s.year) for slug, record in records.items() for s in record.summaries)
    if whole or any(map(plan.is_report_url, stale)) or not set(made).isdisjoint(urls):
        return urls
    return []


def index_output(out: Path, urls: list[str]) -> None:
    """The preview's search index, made from the pages in the output, after they are shown."""
    work = temp_folder(out)
    try:
        make_index([(url, out / url) for url in urls], work / INDEX_DIR, plan.SITE_FILE)
        replace_index(work / INDEX_DIR, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
