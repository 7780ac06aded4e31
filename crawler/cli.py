"""The `canhgac` command: one parser, command groups registered from the package that owns them.

Lives in the top layer (crawler) because it wires everything; each command group's module owns its
arguments and handler. `main(argv) -> int`: 0 ok, 1 failure, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from types import ModuleType

from review.cli import admin
from review.cli.context import Context
from review.cli.parser import ArgError as _ArgError
from review.cli.parser import Parser as _Parser
from review.errors import CanhgacError


def _command_modules() -> list[ModuleType]:
    modules: list[ModuleType] = [admin]
    # Command groups are optional until their package lands; each registers its own subcommands.
    import importlib

    for name in ("review.cli.model", "review.cli.moderate", "review.cli.reports", "review.cli.digest",
                 "crawler.commands", "crawler.opscli"):
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="canhgac", description="canhgac (cảnh giác): thu thập, chấm điểm và duyệt nội dung trên "
                     "mạng cho cơ quan văn hóa - thông tin. Phần mềm chỉ gắn cờ; con người quyết định.")
    parser.add_argument("--config", metavar="PATH",
                        help="tệp cấu hình (mặc định: $CANHGAC_CONFIG hoặc ./canhgac.toml)")
    parser.add_argument("--as", dest="moderator", metavar="NAME", help="thực hiện với tư cách cán bộ duyệt này")
    sub = parser.add_subparsers(title="lệnh", dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in _command_modules():
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _ArgError as exc:
        print(f"canhgac: lỗi: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    ctx = Context(config_path=args.config, moderator_flag=args.moderator)
    try:
        code = int(args.handler(args, ctx))
        sys.stdout.flush()  # here, where a closed pipe can still be handled, not at interpreter exit
        return code
    except BrokenPipeError:
        return _reader_gone()
    except CanhgacError as exc:
        print(f"canhgac: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:  # also SIGTERM/SIGHUP while crawls run (`crawler.runner.Terminated`)
        signum = int(getattr(exc, "signum", signal.SIGINT))
        why = "Ctrl-C" if signum == signal.SIGINT else f"tín hiệu {signal.Signals(signum).name}"
        try:
            print(f"canhgac: đã dừng ({why})", file=sys.stderr)
        except OSError:  # the terminal is gone
            pass
        return 128 + signum
    finally:
        ctx.close()


def _reader_gone() -> int:
    """Whoever read our output went away (`canhgac queue | head -1`): stop quietly like other Unix
    tools, exit 141 (128 + SIGPIPE). stdout now points at /dev/null, so flushing what is still
    buffered at interpreter exit cannot fail with a second BrokenPipeError."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # not a real file (captured in tests): nothing will flush to a pipe
        pass
    return 141


if __name__ == "__main__":
    sys.exit(main())
