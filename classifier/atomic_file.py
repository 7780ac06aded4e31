"""Replace a file only once its new content is complete: write a temporary file in the same folder (same file
system, so the rename is atomic), flush it to disk, then rename it over the target. Interrupted or failed, the
temporary file is removed and the target is left as it was. Imports nothing else of canhgac."""

from __future__ import annotations

import os
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
