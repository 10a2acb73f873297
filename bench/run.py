"""Build speed and memory of `gongkai build` on a generated site: cold, warm, and after editing one report;
and the speed of `gongkai check`, cold and warm.

    python bench/run.py                                 # 5,000 offices x 2021-2024 = 20,000 reports
    python bench/run.py --offices 500                   # 2,000 reports, quicker
    python bench/run.py --site /tmp/big --keep          # generate once into /tmp/big, keep site and output
    python bench/run.py --offices 500 --docx            # with report.docx beside each report (site.yaml's downloads)

Each build is `python -m generator build` run in the site's folder, as a user runs it:

- cold: no cache folder, no output folder (an earlier run's output is moved aside, and deleted once
  every build is timed: see move_aside);
- warm: the same command again, nothing changed;
- edit one: one report's overview and publication date changed (so its page, its office's page, its
  year's page and the site's data files change), then the command again; five times (--edits), each
  time another report, the disk settled before each; the median is shown;
- search index: Pagefind (search.py, as `search: true` runs it) over every report page of the cold
  build's output, timed on its own, with the index's size and file count (skipped without
  Pagefind installed, or with --no-search).

`gongkai check . --out OUT` is timed before the first build (cold: no manifest, every report read by
the worker processes) and after the warm build (warm: every office's findings from its manifest).

For each build it prints the wall time, the processor time (of the build and its worker processes: steadier
than the wall time on a shared machine; in brackets the part spent in the kernel), the files it wrote,
pages per second (HTML pages of the site over the wall time), and the peak memory: of the largest
process (the build or one of its workers) and of all its processes together, sampled every 20 ms
(shared pages of the worker processes are counted in each).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from make_site import ensure_site  # noqa: E402


@dataclass
class Run:
    name: str
    seconds: float
    files: int  # in the output
    written: int  # by this build
    pages: int  # HTML pages in the output
    largest_mib: float
    total_mib: float
    output: str
    cpu: float = 0.0  # seconds of processor time, the build and its worker processes together
    system: float = 0.0  # of which in the kernel (file system work, mostly)


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (0 once it has ended)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            match = re.search(r"^VmRSS:\s+(\d+)", status, re.M)
            total += int(match.group(1)) if match else 0
            for task in os.listdir(f"/proc/{current}/task"):
                stack += [int(child) for child in Path(f"/proc/{current}/task/{task}/children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def without_bytecode_switch(environ) -> dict[str, str]:
    return {name: value for name, value in environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def build(name: str, site: Path, out: Path, jobs: int | None) -> Run:
    command = [sys.executable, "-m", "generator", "build", ".", "--out", str(out)]
    if jobs:
        command += ["--jobs", str(jobs)]
    # Python caches compiled modules as it does for a user (some shells set PYTHONDONTWRITEBYTECODE,
    # and compiling Gongkai's modules anew costs a twentieth of a second per build).
    env = {**without_bytecode_switch(os.environ), "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kib(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{name} build failed ({process.returncode}):\n{output}")
    summary = output.strip().splitlines()[-1]
    files, written = re.search(r"已生成 (\d+) 个文件.*?其中本次写入 (\d+) 个", summary).groups()
    pages = sum(1 for _ in out.rglob("*.html"))
    largest = usage.ru_maxrss / 1024  # KiB on Linux: the largest process of the tree
    cpu = usage.ru_utime + usage.ru_stime
    total = max(peak / 1024, largest)
    return Run(name, seconds, int(files), int(written), pages, largest, total, summary, cpu, usage.ru_stime)


def check(name: str, site: Path, out: Path) -> tuple[str, float, float, str]:
    """`gongkai check` as a user runs it: (name, wall time, processor time of it and its workers, summary)."""
    command = [sys.executable, "-m", "generator", "check", ".", "--out", str(out)]
    env = {**without_bytecode_switch(os.environ), "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    output = process.stdout.read()
    _, _, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    return name, seconds, usage.ru_utime + usage.ru_stime, output.strip().splitlines()[-1]


def index_reports(out: Path) -> str:
    """Time Pagefind over the output's report pages, as the build runs it; say the index's size."""
    sys.path.insert(0, str(REPO))
    from generator.build import search
    from generator.site import plan

    pages = [(p.relative_to(out).as_posix(), p) for p in sorted(out.glob("*/[0-9][0-9][0-9][0-9]/index.html"))]
    pages = [(url, file) for url, file in pages if plan.is_report_url(url)]
    index = out.parent / f".{out.name}.bench-index-{os.getpid()}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        search.make_index(pages, index / search.INDEX_DIR, "site.yaml")
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        files = [f for f in (index / search.INDEX_DIR).rglob("*") if f.is_file()]
        size = sum(f.stat().st_size for f in files)
    finally:
        shutil.rmtree(index, ignore_errors=True)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return (
        f"search index (Pagefind extended) of {len(pages):,} report pages: {seconds:.2f} s wall, "
        f"{cpu:.1f} s CPU; {len(files):,} files, {size / 2**20:.1f} MiB"
    )


def edit_one_report(site: Path, which: int = 0) -> Path:
    """Change the overview and the publication date of the latest report of an office in the middle
    (`which`: the office that many offices further on)."""
    reports = sorted(site.glob("content/*/[0-9][0-9][0-9][0-9].yaml"))
    offices = sorted({r.parent for r in reports})
    office = offices[(len(offices) // 2 + which * 7) % len(offices)]
    report = max((r for r in reports if r.parent == office), key=lambda r: r.stem)
    text = report.read_text(encoding="utf-8")
    changed = re.sub(r"^(overview: \|-\n  )", r"\g<1>（已修订）", text, count=1, flags=re.M)
    changed = re.sub(r"^(published: \d{4}-\d\d-)(\d\d)$", _another_day, changed, count=1, flags=re.M)
    assert changed != text, f"nothing to edit in {report}"
    report.write_text(changed, encoding="utf-8")
    return report


def _another_day(found: re.Match) -> str:
    return found.group(1) + ("27" if found.group(2) == "28" else "28")


def settle() -> None:
    """Let the disk write out what the last build wrote (1.7 GB for a cold build of 20,000 reports)
    before the next is timed, as when a clerk edits a report some time after the last build."""
    os.sync()
    time.sleep(1)


def move_aside(out: Path) -> None:
    """Rename the output of an earlier run out of the way, to be deleted once every build is timed.

    Deleting it now would slow the cold build down on some file systems: ext4 without a journal (this
    development machine's) does not reuse the inodes of files deleted in the last one to five minutes,
    and creating a file after deleting tens of thousands took several times as long."""
    if out.exists():
        out.rename(out.with_name(f".{out.name}.bench-aside-{os.getpid()}"))


def set_downloads(site: Path, downloads: tuple[str, ...]) -> None:
    """site.yaml's `downloads` line: the given files, or none (the default, report.csv and report.json)."""
    settings = site / "site.yaml"
    lines = [line for line in settings.read_text(encoding="utf-8").splitlines() if not line.startswith("downloads:")]
    if downloads:
        lines.append(f"downloads: [{', '.join(downloads)}]")
    settings.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=5000)
    parser.add_argument("--years", default="2021-2024", help="first-last, e.g. 2021-2024")
    parser.add_argument("--jobs", type=int, help="passed to gongkai build (default: its own, every core)")
    parser.add_argument("--site", type=Path, help="generate the site here (or use the one already there)")
    parser.add_argument("--keep", action="store_true", help="keep the generated site and its output")
    parser.add_argument("--edits", type=int, default=5, help="edits of one report, each built (default 5)")
    parser.add_argument("--no-search", action="store_true", help="do not time the search index")
    parser.add_argument("--docx", action="store_true", help="with downloads: [csv, json, docx] in site.yaml")
    args = parser.parse_args()

    if args.site is None:
        temp = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
        site, out = temp / "site", temp / "public"
    else:  # no temp folder: none would be left behind with --keep
        temp, site, out = None, args.site, args.site.parent / f"{args.site.name}-public"
    try:
        ensure_site(site, args.offices, args.years)
        set_downloads(site, ("csv", "json", "docx") if args.docx else ())
        reports = sum(1 for _ in site.glob("content/*/[0-9][0-9][0-9][0-9].yaml"))
        shutil.rmtree(site / ".gongkai-cache", ignore_errors=True)
        move_aside(out)
        os.sync()
        time.sleep(3)
        print(
            f"site: {site} ({reports} reports); output: {out}; {os.cpu_count()} cores; Python {sys.version.split()[0]}"
        )

        checks = [check("cold", site, out)]
        runs = [build("cold", site, out, args.jobs)]
        settle()
        indexed = ""
        if not args.no_search and importlib.util.find_spec("pagefind_bin_extended") is not None:
            indexed = index_reports(out)
            print(indexed)
            settle()
        runs.append(build("warm", site, out, args.jobs))
        checks.append(check("warm", site, out))
        edits = []
        for which in range(args.edits):
            edited = edit_one_report(site, which)
            settle()
            edits.append(build("edit one", site, out, args.jobs))
            print(f"edited: {edited.relative_to(site)}: {edits[-1].seconds:.2f} s")
        runs.append(sorted(edits, key=lambda run: run.seconds)[len(edits) // 2])  # the median
        times = ", ".join(f"{run.seconds:.2f}" for run in edits)
        print(f"edit one: the median of {len(edits)} edits, each of another report ({times} s)\n")

        print(
            "| build    | wall time | CPU time (kernel) | files written | pages/s "
            "| peak RSS, largest process | peak RSS, all processes |"
        )
        print(
            "|----------|----------:|------------------:|--------------:|--------:"
            "|-------------------------:|------------------------:|"
        )
        for run in runs:
            rate = run.pages / run.seconds
            print(
                f"| {run.name:8} | {run.seconds:7.2f} s | {run.cpu:6.1f} s ({run.system:4.1f} s) "
                f"| {run.written:13,} | {rate:7,.0f} "
                f"| {run.largest_mib:20.0f} MiB | {run.total_mib:19.0f} MiB |"
            )
        print(f"\n{runs[0].files:,} files, {runs[0].pages:,} pages; last summary: {runs[-1].output}")
        print("\n| check | wall time | CPU time |\n|-------|----------:|---------:|")
        for name, seconds, cpu, _ in checks:
            print(f"| {name:5} | {seconds:7.2f} s | {cpu:6.2f} s |")
        assert checks[0][3] == checks[1][3], f"cold and warm checks differ: {checks[0][3]} / {checks[1][3]}"
        print(f"check summary: {checks[1][3]}")
        if indexed:
            print(indexed)
    finally:
        for aside in out.parent.glob(f".{out.name}.bench-aside-*"):  # this run's, and any a killed run left
            shutil.rmtree(aside, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(temp or out, ignore_errors=True)  # the temp folder holds the site and its output


if __name__ == "__main__":
    main()
