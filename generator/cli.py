"""The command line: `gongkai <verb>`; each verb lives in generator/commands/<verb>.py."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from . import __version__
from .model.findings import GongkaiError

VERBS = {
    "build": "构建静态网站",
    "serve": "本地预览，修改后自动刷新",
    "check": "检查全部报告的格式与勾稽关系",
    "status": "各机关年度报告的发布情况（按时、逾期、未发布）",
    "new": "生成一份新的年度报告文件",
    "workbook": "生成填写统计表格的 Excel 工作簿（.xlsx）",
    "import": "从 Word 文本、网页、.docx、PDF 或 Excel 工作簿导入报告",
    "docx": "生成一份报告的 Word 文件（.docx，按全国统一格式）",
    "schema": "输出报告文件的 JSON Schema",
}


def parser(verb_used: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser. Given the verb used, only that verb's module is imported (the
    others' arguments are left out): `gongkai build` does not load the importer's Word and HTML
    libraries, nor the preview server's."""
    top = argparse.ArgumentParser(
        prog="gongkai",
        description="Gongkai（公开）：政府信息公开工作年度报告静态网站生成器",
    )
    top.add_argument("--version", action="version", version=f"gongkai {__version__}")
    verbs = top.add_subparsers(dest="verb", metavar="<命令>")
    for verb, help_text in VERBS.items():
        sub = verbs.add_parser(verb, help=help_text, description=help_text)
        if verb_used in (None, verb):
            module = _module(verb)
            module.add_arguments(sub)
            sub.set_defaults(run=module.run)
    return top


def _module(verb: str):
    name = "import_" if verb == "import" else verb
    return importlib.import_module(f".commands.{name}", __package__)


def main(argv: list[str] | None = None) -> int:
    """Run the verb named in argv (default: the process's arguments); its exit status, errors printed one a line."""
    argv = sys.argv[1:] if argv is None else argv
    verb = next((word for word in argv if not word.startswith("-")), None)
    args = parser(verb if verb in VERBS else None).parse_args(argv)
    if not getattr(args, "run", None):
        parser().print_help()
        return 2
    try:
        return args.run(args)
    except GongkaiError as exc:
        for finding in exc.findings:
            print(finding, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of the output went away, e.g. `gongkai check | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to write to it
        return 1


def command_line() -> None:
    """`gongkai` and `python -m generator`: main(), then the process ends at once. Python would first free
    one by one the million objects that a big site's build leaves (a twentieth of a second at 20,000
    reports); every command has finished its work, closed its files and ended its processes by then."""
    status = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe, e.g. `gongkai check | head`
            pass
    os._exit(status)
