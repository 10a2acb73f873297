"""`gongkai serve [SITE] [--port 8000] [--host 127.0.0.1] [--open] [--base-path /gov/xxgk/] [--out DIR]`: live preview.

Builds the site into SITE/.gongkai-serve (so that `public/` is only replaced when --out says so),
serves it, and after every change to content/, layouts/ or site.yaml rebuilds and reloads the open
page; while the content has errors, the browser shows them. Exit status: 0 when stopped with Ctrl+C,
1 when it could not start (no site, the port taken, an output folder that may not be replaced).
"""

from __future__ import annotations

import argparse
import sys
import webbrowser
from pathlib import Path

from ..model.findings import Finding, GongkaiError
from ..preview.server import SERVE_DIR, Outcome, Preview, clean_base_path
from ..read.files import display_path

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments."""
    parser.add_argument("site", nargs="?", default=".", help="站点目录（默认：当前目录）")
    parser.add_argument("--port", "-p", type=_port, default=8000, help="端口（默认：8000）")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认：127.0.0.1，只有本机可以访问）")
    parser.add_argument("--open", action="store_true", help="启动后在浏览器中打开")
    parser.add_argument(
        "--base-path",
        type=_base_path,
        default="/",
        metavar="PATH",
        help="在子路径下预览，与正式发布时一致，如 /gov/xxgk/",
    )
    parser.add_argument("--out", "-o", metavar="DIR", help=f"输出目录（默认：站点目录下的 {SERVE_DIR}）")


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"端口应为 0 到 65535 之间的整数，如 --port 8000；这里是“{text}”")
    return int(text)


def _base_path(text: str) -> str:
    try:
        return clean_base_path(text)
    except GongkaiError as exc:
        raise argparse.ArgumentTypeError(exc.findings[0].message) from None


def run(args: argparse.Namespace) -> int:
    """Build, serve and rebuild on every change until Ctrl+C (0); 1 when the preview could not start."""
    site = Path(args.site)
    printer = _Printer()
    preview = Preview(
        site,
        Path(args.out) if args.out else None,
        host=args.host,
        port=args.port,
        base_path=args.base_path,
        on_build=printer,
    )
    _say(f"正在构建 {display_path(site.resolve())} …")
    try:
        preview.start()
    except GongkaiError as exc:
        for finding in exc.findings:
            print(finding, file=sys.stderr)
        return 1
    if args.host not in LOOPBACK:
        _say(f"注意：预览对网络开放（--host {args.host}），同一网络中的其他人也能访问")
    _say(f"预览地址：{preview.url}（输出目录 {display_path(preview.out)}；按 Ctrl+C 停止）")
    if args.open:
        webbrowser.open(preview.url)
    try:
        preview.run()
    except KeyboardInterrupt:
        pass
    _say("预览已停止")
    return 0


def _say(text: str) -> None:
    print(text, flush=True)


class _Printer:
    """Prints each build: the problems it found that the previous build had not, and how it went."""

    def __init__(self) -> None:
        self.shown: set[Finding] = set()

    def __call__(self, outcome: Outcome) -> None:
        if outcome.changed:
            _say(f"已修改：{'、'.join(outcome.changed)}")
        findings = outcome.result.findings if outcome.result else outcome.problems
        for finding in findings:
            if finding not in self.shown:
                print(finding, file=sys.stderr, flush=True)
        self.shown = set(findings)
        if outcome.details:
            print(outcome.details, file=sys.stderr, flush=True)
        result = outcome.result
        if result is None:
            _say(f"构建失败，仍保留上次的结果；浏览器中显示错误，改正后自动恢复（用时 {outcome.seconds:.2f} 秒）")
            return
        for line in result.notices:
            print(line, file=sys.stderr, flush=True)
        skipped = f"，{result.skipped} 份无法读取（浏览器中显示错误）" if result.skipped else ""
        skipped += f"，{result.drafts} 份草稿" if result.drafts else ""
        verb = "已重新构建" if outcome.changed else "已构建"
        _say(
            f"{verb}：写入 {result.rendered} 个文件，其余未变；{result.reports} 份报告{skipped}；"
            f"{result.errors} 个错误，{result.warnings} 个警告；用时 {outcome.seconds:.2f} 秒"
        )
