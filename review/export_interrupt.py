"""Ctrl-C once an export's file is in place: the export is done, so the command ends as done (exit 0).

A file export replaces the old file only when the new one is complete (`review.cli.reports._replacing`). Ctrl-C
after that could only spoil a finished job: exit 130 next to a complete new file (the message says the old one was
kept), a KeyboardInterrupt traceback and exit −2 from the database's close in `main`, or exit −2 from the
interpreter's exit, which restores SIGINT's default action (killed) before it tears its modules down (the longest
of these moments). `CtrlCHeld` ignores Ctrl-C from just before the replace to the end of the export command (the
database closed meanwhile), and registers an `atexit` callback that ignores SIGINT outright from the start of the
interpreter's exit, which Python does not undo; a Ctrl-C that came before the replace still stops the export
(`start` raises it), the old file kept. In between, the previous handler is back, as a caller running the command
in its own process (the tests) expects: `crawler.cli.main`'s last lines after the command returned and threading's
shutdown are not covered.
"""

from __future__ import annotations

import atexit
import signal
import threading
from types import FrameType
from typing import Any

_at_exit = [False]


class CtrlCHeld:
    """`start` just before the file is replaced, `end` when the command is over (the previous handler back)."""

    def __init__(self) -> None:
        self.started = False
        self._previous: Any = None

    def start(self) -> None:
        """Hold Ctrl-C from now. `signal.signal` first raises a Ctrl-C already received (KeyboardInterrupt): the
        export stops before its file replaces the old one."""
        if self.started or threading.current_thread() is not threading.main_thread():
            return  # only the main thread may set handlers; and only it gets KeyboardInterrupt
        self._previous = signal.signal(signal.SIGINT, _held)
        self.started = True
        if not _at_exit[0]:
            atexit.register(_ignore_at_exit)
            _at_exit[0] = True

    def end(self) -> None:
        if self.started:
            signal.signal(signal.SIGINT, self._previous)
            self.started = False


def _held(signum: int, frame: FrameType | None) -> None:
    """A Ctrl-C after the file was replaced: nothing is left to stop."""


def _ignore_at_exit() -> None:
    """At interpreter exit, before Python puts SIGINT's default action (killed: exit −2) back for its teardown. A
    handler set to SIG_IGN is left as it is, also through that teardown."""
    if threading.current_thread() is not threading.main_thread():
        return
    while True:
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            return
        except KeyboardInterrupt:  # one received meanwhile, which `signal.signal` raises first: after the export
            continue
