"""Replace a file only once its new content is complete: write a temporary file in the same folder (same file
system, so the rename is atomic), flush it to disk, then rename it over the target. Interrupted or failed, the
temporary file is removed and the target is left as it was. Imports nothing else of canhgac."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TextIO


def _mode_for(target: Path) -> int:
    """The permissions the new file gets: the replaced file's, else what a plain open() would give."""
    try:
        st = os.stat(target)
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
    except OSError:
        pass
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def temp_beside(target: Path) -> Path:
    """A new empty hidden file next to `target` (".NAME.xxxxxx.tmp"), with the permissions `target` will have;
    OSError when the folder is missing or cannot be written."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _mode_for(target))
    finally:
        os.close(fd)
    return Path(name)


def discard(*paths: Path) -> None:
    """Remove temporary files, quietly (already renamed or removed: nothing to do)."""
    for p in paths:
        try:
            p.unlink(missing_ok=True)
        except OSError:
            pass


def sync(fh: IO[Any]) -> None:
    """Flush a file object and its data to the disk."""
    fh.flush()
    os.fsync(fh.fileno())


def sync_path(path: Path) -> None:
    """Flush a closed file's data to the disk (written by a library that takes a file name)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


#: Names of this process's own descriptors: /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N.
_OWN_FD = re.compile(r"/dev/std(out|err|in)|/dev/fd/(\d+)|/proc/self/fd/(\d+)")
_STD_FD = {"in": 0, "out": 1, "err": 2}


def open_in_place(target: Path, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """`target` opened to be written where it is (a path `replaceable` says no to). A name of one of this
    process's descriptors (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`) gives a duplicate of that descriptor:
    opening the name anew would open the file behind a shell redirection (`>> log.csv`) afresh, from its start,
    truncated, losing what it held."""
    m = _OWN_FD.fullmatch(os.path.abspath(target))
    if m is None:
        return open(target, mode, **kwargs)
    fd = _STD_FD[m[1]] if m[1] else int(m[2] or m[3])
    return os.fdopen(os.dup(fd), mode, **kwargs)


def replaceable(target: Path) -> bool:
    """Whether `target` is (or will be) a plain file that can be replaced by renaming; False for devices, pipes
    and /dev/stdout-like names (`/dev/full`, a FIFO): those are written in place."""
    if str(Path(os.path.abspath(target))).startswith(("/dev/", "/proc/")):
        return False
    try:
        return stat.S_ISREG(os.stat(target).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return True  # e.g. a file where a folder should be: creating the temporary file will say why


@contextmanager
def replacing_text(target: Path, encoding: str = "utf-8") -> Iterator[TextIO]:
    """A text file to write; when the block ends normally it replaces `target` (a symlink: the file it points
    to), otherwise it is removed and `target` is untouched. OSError (missing folder, disk full ...) raised."""
    real = Path(os.path.realpath(target))
    tmp = temp_beside(real)
    try:
        with open(tmp, "w", encoding=encoding) as fh:
            yield fh
            sync(fh)
        os.replace(tmp, real)
    except BaseException:
        discard(tmp)
        raise
