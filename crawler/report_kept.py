"""A pasted citizen report is never lost: when it cannot be filed, its text is kept in a file first.

The officer may have typed or pasted a long text (`canhgac report --text -`, from a phone call or a Zalo
message) that exists nowhere else. When filing it fails — the database locked by another writer past its
wait, the database server gone, Ctrl-C, a bug — the text is written to a private file (owner only: it is a
citizen's report) and the error says which file and the command that sends it again, word for word, with the
same reporter and note. Sent again, the same report is recognised as the same (its text, reporter and note are
unchanged), so a report that was filed after all is not counted twice.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path

from classifier.os_errors import reason_vi
from review.errors import CanhgacError, UsageError

#: the folder in the officer's home directory where unfiled reports are kept
KEPT_DIR = "canhgac-phan-anh-chua-ghi"

# set while a `keeping_text` runs: one nested in it (`submit_report` inside `canhgac report`, which also guards
# its own database access) leaves the keeping to the outer one, so a failure keeps one file and says so once
_KEEPING: ContextVar[bool] = ContextVar("canhgac_keeping_text", default=False)


@contextmanager
def keeping_text(text: str, *, url: str | None, note: str | None, reporter: str | None) -> Iterator[None]:
    """Run the filing; on any failure keep `text` in a file and say so: a CanhgacError gets the file and the
    command appended to its message (its class and exit code unchanged); anything else (Ctrl-C, a bug) is told on
    stderr before it goes on. Nested in another `keeping_text` (of the same text), it leaves that to the outer one."""
    if _KEEPING.get():
        yield
        return
    outermost = _KEEPING.set(True)
    try:
        yield
    except BaseException as exc:
        # a usage error (a wrong address ...) is fixed in the command before it is sent again
        told = _kept_message(text, url=url, note=note, reporter=reporter, fix_first=isinstance(exc, UsageError))
        if isinstance(exc, CanhgacError):
            exc.args = (f"{exc}. {told}",)
        else:
            try:
                print(f"canhgac: {told}", file=sys.stderr, flush=True)
            except OSError:  # no terminal left to tell: the file is there all the same
                pass
        raise
    finally:
        _KEEPING.reset(outermost)


def _kept_message(text: str, *, url: str | None, note: str | None, reporter: str | None, fix_first: bool) -> str:
    try:
        path = keep_text(text)
    except OSError as exc:
        return f"Phản ánh CHƯA được ghi, và không lưu được nội dung vào tệp ({reason_vi(exc)}): hãy giữ lại nội dung"
    command = ["canhgac", "report", *([url] if url else []), "--text-file", str(path)]
    for flag, value in (("--reporter", reporter), ("--note", note)):
        if value:
            command += [flag, value]
    return (f"Phản ánh CHƯA được ghi nhưng nội dung không bị mất: đã lưu vào tệp {path}; "
            f"{'sửa lỗi trên rồi ' if fix_first else ''}gửi lại bằng: {shlex.join(command)}")


def keep_text(text: str, folder: Path | None = None) -> Path:
    """Write `text` (UTF-8, as given: sent again it is the same report) to a new file only its owner can read, in
    `folder` (default: ~/canhgac-phan-anh-chua-ghi, else the temporary folder when home cannot be written)."""
    folders = [folder] if folder is not None else [Path.home() / KEPT_DIR, Path(tempfile.gettempdir()) / KEPT_DIR]
    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    failure: OSError | None = None
    for where in folders:
        try:
            where.mkdir(mode=0o700, parents=True, exist_ok=True)
            return _new_file(where, f"phan-anh-{stamp}-{digest}", text)
        except OSError as exc:
            failure = failure or exc
    assert failure is not None
    raise failure


def _new_file(folder: Path, stem: str, text: str) -> Path:
    """A file created anew (never through a name planted beforehand), owner-only, holding `text`."""
    for n in range(100):
        path = folder / (f"{stem}.txt" if n == 0 else f"{stem}-{n}.txt")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        return path
    raise FileExistsError(f"{folder / stem}.txt")
