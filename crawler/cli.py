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
from typing import TYPE_CHECKING, Any, TextIO, cast

if TYPE_CHECKING:
    from review.cli.context import Context

# canhgac's own modules (SQLAlchemy, Alembic ...) are imported in `main`, not here: importing them takes about half
# a second, and Ctrl-C then must stop the command with one line, not a KeyboardInterrupt traceback.


def _command_modules() -> list[ModuleType]:
    from review.cli import admin

    modules: list[ModuleType] = [admin]
    # Command groups are optional until their package lands; each registers its own subcommands.
    import importlib

    for name in ("review.cli.model", "review.cli.moderate", "review.cli.reports", "review.cli.digest",
                 "review.cli.rescore", "crawler.commands", "crawler.opscli"):
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    from review.cli.parser import Parser as _Parser

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
    try:
        from review.cli.context import Context
        from review.cli.parser import ArgError as _ArgError
        from review.errors import CanhgacError

        parser = build_parser()
    except KeyboardInterrupt:  # Ctrl-C while the modules load (the first half second of every command)
        return _stopped(signal.SIGINT)
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
    stdout = sys.stdout
    watched = _WatchedOutput(stdout) if stdout is not None else None
    if watched is not None:
        sys.stdout = cast(TextIO, watched)  # a stand-in that delegates everything to the real stream
    try:
        ctx = _command_context(Context)(config_path=args.config, moderator_flag=args.moderator)
        try:
            code = int(args.handler(args, ctx))
            sys.stdout.flush()  # here, where a closed pipe or a full disk can still be handled, not at interpreter exit
            return code
        except BrokenPipeError:
            return _reader_gone()
        except OSError as exc:
            if watched is None or exc is not watched.failed:
                raise  # not our output: the handler's own error
            return _output_failed(exc)
        except CanhgacError as exc:
            print(f"canhgac: {exc}", file=sys.stderr)
            return exc.exit_code
        except KeyboardInterrupt as exc:  # also SIGTERM/SIGHUP while crawls run (`crawler.runner.Terminated`)
            return _stopped(int(getattr(exc, "signum", signal.SIGINT)))
        finally:
            ctx.close()
    finally:
        if sys.stdout is watched:
            sys.stdout = stdout


def _command_context(base: type[Context]) -> type[Context]:
    """The command's Context: reading the configuration with no file found says so on stderr, once, in one line
    (`review.config.no_config_file_vi`), so a command run from the wrong folder does not quietly use the built-in
    defaults (a new empty database there). Only commands that read the configuration say it: `demo` writes and
    reads its own, `--help` reads none."""
    from review.config import Config, no_config_file_vi

    class CommandContext(base):  # type: ignore[valid-type,misc]
        @property
        def config(self) -> Config:
            first = self._config is None
            cfg: Config = super().config
            if first and not cfg.path:
                print(f"canhgac: {no_config_file_vi()}", file=self.err)
            return cfg

    return CommandContext


class _WatchedOutput:
    """sys.stdout while a command runs: the real stream, remembering a write or flush that failed, so that `main`
    tells a full disk behind `canhgac queue > file` apart from other OSErrors (a file the command opened, a
    connection). The error itself is raised unchanged, for the commands that handle it themselves."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.failed: OSError | None = None

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except OSError as exc:
            self.failed = exc
            raise

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            self.failed = exc
            raise

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding, buffer ...: the real stream's
        return getattr(self._stream, name)


def _stopped(signum: int) -> int:
    """Ctrl-C (or SIGTERM/SIGHUP): one line, exit 128 + the signal."""
    why = "Ctrl-C" if signum == signal.SIGINT else f"tín hiệu {signal.Signals(signum).name}"
    try:
        print(f"canhgac: đã dừng ({why})", file=sys.stderr)
    except OSError:  # the terminal is gone
        pass
    return 128 + signum


def _output_failed(exc: OSError) -> int:
    """Our output could not be written (`canhgac queue > /dev/full`, a full disk): say so in one line, exit 2.
    What is still buffered goes to /dev/null, so the flush at interpreter exit does not fail a second time."""
    from classifier.os_errors import reason_vi

    _discard_output()
    try:
        print(f"canhgac: không ghi được kết quả ra đầu ra chuẩn: {reason_vi(exc)}", file=sys.stderr)
    except OSError:  # stderr is gone too
        pass
    return 2


def _reader_gone() -> int:
    """Whoever read our output went away (`canhgac queue | head -1`): stop quietly like other Unix
    tools, exit 141 (128 + SIGPIPE). stdout now points at /dev/null, so flushing what is still
    buffered at interpreter exit cannot fail with a second BrokenPipeError."""
    _discard_output()
    return 141


def _discard_output() -> None:
    """Point stdout's file descriptor at /dev/null."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (captured in tests): nothing will flush to it
        pass


if __name__ == "__main__":
    sys.exit(main())
