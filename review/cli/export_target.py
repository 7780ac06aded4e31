"""Where `canhgac export` writes: `-o -` is standard output, and XLSX never goes to a terminal.

`-o -` used to create a file named "-" in the current folder, for every format. It now means standard output,
as for most command-line tools (a file really named "-" is `-o ./-`). XLSX is a zip archive: piped or redirected
(`-o - > f.xlsx`, `-o /dev/stdout | ssh …`) it is written there whole; to a terminal it would only print binary
noise, so it is refused with what to do instead.
"""

from __future__ import annotations

import os
import stat
import sys

from review.errors import UsageError

STDOUT = "-"
#: Where XLSX asked for on `-o -` is written: standard output, opened as a file (`reports._replacing` writes a
#: path that is no regular file in place).
STDOUT_PATH = "/dev/stdout"

XLSX_TO_TERMINAL_VI = ("tệp xlsx là tệp nén nhị phân, không in ra màn hình được: hãy ghi ra tệp (-o {name}), "
                       "chuyển hướng (-o - > {name}), hoặc xuất --format csv để xem ngay")


def xlsx_output(output: str | None, kind: str) -> str | None:
    """The path XLSX is written to: `-` is standard output; standard output or any other path that is a terminal
    is refused (exit 2), before anything is read from the database."""
    name = f"canhgac-{kind}.xlsx"
    if output == STDOUT:
        if _is_terminal_fd(sys.stdout):
            raise UsageError(XLSX_TO_TERMINAL_VI.format(name=name))
        return STDOUT_PATH
    if output is not None and _is_terminal_path(output):
        raise UsageError(XLSX_TO_TERMINAL_VI.format(name=name))
    return output


def _is_terminal_fd(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False


def _is_terminal_path(path: str) -> bool:
    """`path` is a terminal (`/dev/stdout` of a shell, `/dev/tty`, `/dev/pts/N`): a character device that is a tty."""
    try:
        if not stat.S_ISCHR(os.stat(path).st_mode):
            return False
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return False  # writing it will say why
    try:
        return os.isatty(fd)
    finally:
        os.close(fd)
