"""The processes below a test's subprocess, from /proc (Linux): to check that none outlives its parent."""

from __future__ import annotations

import os
import signal


def _processes() -> dict[int, tuple[int, int, str, str]]:
    """Every process on this machine: pid -> (parent pid, session id, state, start time), from /proc."""
    out: dict[int, tuple[int, int, str, str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        out[int(entry)] = (int(fields[1]), int(fields[3]), fields[0], fields[19])
    return out


def descendants(pid: int) -> dict[int, str]:
    """The live processes below `pid`: pid -> start time (to tell a reused pid apart)."""
    procs = _processes()
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, _, state, start) in procs.items():
            if ppid == parent and child not in found and state != "Z":
                found[child] = start
                todo.append(child)
    return found


def survivors_of(seen: dict[int, str]) -> list[int]:
    """Processes of `seen` still alive, and any other process in their sessions (a crawl started with a session
    of its own: its worker processes are in it)."""
    procs = _processes()
    sessions = set(seen)
    return sorted(pid for pid, (_, sid, state, start) in procs.items()
                  if state != "Z" and (seen.get(pid) == start or sid in sessions))


def kill_all(pids: list[int]) -> None:
    """Clean up after a failed check: SIGKILL the survivors."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
