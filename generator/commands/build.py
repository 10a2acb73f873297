"""`gongkai build [SITE] [--out DIR] [--strict] [--keep-going] [--drafts] [--jobs N] [--as-of DATE]`: build the site.

Exit status: 0 when the site was built (safe to upload); 1 when nothing was changed: a file that
cannot be read or does not fit the format (with --keep-going: an office.yaml; the reports are then
kept as last published), a template or site.yaml error, an output folder that may not be replaced,
or any error with --strict (broken consistency rules included).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..build import build_site, sort_findings
from ..model.findings import GongkaiError
from ..read.files import display_path
from ..read.source import LIBYAML
from .status import as_of_date

BAR_WIDTH = 30
DRAFTS_OUT = "public-drafts"  # where `--drafts` builds by default: never the folder a deploy uploads


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments."""
    parser.add_argument("site", nargs="?", default=".", help="站点目录（默认：当前目录）")
    parser.add_argument("--out", "-o", metavar="DIR", help="输出目录（默认：站点目录下的 public）")
    parser.add_argument("--strict", action="store_true", help="有任何错误（包括勾稽关系错误）即构建失败，输出目录不变")
    parser.add_argument(
        "--keep-going",
        action="store_true",
        help="有报告无法读取时仍然构建：这些报告保留上次发布的版本（从未发布过的不发布），其余内容照常发布",
    )
    parser.add_argument(
        "--drafts",
        action="store_true",
        help="连同草稿（draft: true）一起生成供审阅（默认输出到站点目录下的 public-drafts），每份草稿标明“草稿：尚未发布”；不要上传到公开网站",
    )
    parser.add_argument(
        "--jobs", "-j", type=_jobs, default=os.cpu_count() or 1, metavar="N", help="并行进程数（默认：CPU 核数）"
    )
    parser.add_argument(
        "--as-of", type=as_of_date, metavar="YYYY-MM-DD", help="发布情况页面统计截至哪一天（默认：今天）"
    )


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"并行进程数应为正整数，如 --jobs 2；这里是“{text}”")
    return int(text)


def run(args: argparse.Namespace) -> int:
    """Build the site; 0 when it was built, 1 when the output folder was left as it was."""
    # The command ends with the build, whose data has no reference cycles: Python's cycle collector
    # would only rescan the manifest's million objects (a fifth of a second of an update's build at
    # 20,000 reports), also while the findings are printed, and once more when switched back on
    # (what was made meanwhile is all young): what the build left is frozen first, never scanned.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(args)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if not LIBYAML:
        print("注意：PyYAML 未使用 libyaml，读取报告会慢数倍；可安装 libyaml 后重装 PyYAML 加速", file=sys.stderr)
    progress = _progress_bar if sys.stderr.isatty() else None
    try:
        result = build_site(
            Path(args.site),
            Path(args.out) if args.out else (Path(args.site) / DRAFTS_OUT if args.drafts else None),
            strict=args.strict,
            jobs=args.jobs,
            progress=progress,
            keep_going=args.keep_going,
            drafts=args.drafts,
            as_of=args.as_of,
        )
    except (GongkaiError, OSError) as exc:
        _clear_bar(progress)
        if isinstance(exc, OSError):  # e.g. a full disk or a folder without write permission
            where = f"{display_path(Path(exc.filename))}: " if exc.filename else ""
            print(f"{where}error: 无法写入：{exc.strerror or exc}", file=sys.stderr)
        else:
            for finding in sort_findings(exc.findings):
                print(finding, file=sys.stderr)
        print(f"构建失败，输出目录未改动（用时 {time.perf_counter() - started:.1f} 秒）", file=sys.stderr)
        return 1
    _clear_bar(progress)
    for finding in result.findings:
        print(finding, file=sys.stderr)
    for line in result.notices:
        print(line, file=sys.stderr)
    skipped = f"，{result.skipped} 份无法读取" if result.skipped else ""
    if result.drafts:
        skipped += f"，{result.drafts} 份草稿（审阅版：不要上传到公开网站）"
    print(
        f"已生成 {result.files} 个文件到 {display_path(result.output)}（其中本次写入 {result.rendered} 个，其余未变）："
        f"{result.reports} 份报告{skipped}；{result.errors} 个错误，{result.warnings} 个警告；用时 {result.seconds:.1f} 秒"
    )
    return 0


def _progress_bar(done: int, total: int) -> None:
    filled = BAR_WIDTH * done // total if total else BAR_WIDTH
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} 份报告")
    sys.stderr.flush()


def _clear_bar(progress: Callable[[int, int], None] | None) -> None:
    if progress is not None:
        sys.stderr.write("\r" + " " * (BAR_WIDTH + 24) + "\r")
        sys.stderr.flush()
