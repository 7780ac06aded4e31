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
import stat
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
def keeping_text(text: str, *, url: str | None, note: str | None, reporter: str | None,
                 config: str | None = None, acting_as: str | None = None) -> Iterator[None]:
    """Run the filing; on any failure keep `text` in a file and say so: a CanhgacError gets the file and the
    command appended to its message (its class and exit code unchanged); anything else (Ctrl-C, a bug) is told on
    stderr before it goes on. `config` (an absolute path) and `acting_as` (`--as`; without it, CANHGAC_MODERATOR) go
    into that command, so that it files into the same database as the same officer. Nested in another `keeping_text` (of the same text), it
    leaves that to the outer one."""
    if _KEEPING.get():
        yield
        return
    outermost = _KEEPING.set(True)
    try:
        yield
    except BaseException as exc:
        # a usage error (a wrong address ...) is fixed in the command before it is sent again
        told = _kept_message(text, url=url, note=note, reporter=reporter, config=config, acting_as=acting_as,
                             fix_first=isinstance(exc, UsageError))
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


def _kept_message(text: str, *, url: str | None, note: str | None, reporter: str | None, config: str | None,
                  acting_as: str | None, fix_first: bool) -> str:
    """What the officer is told. Never raises: it is said while another error is on its way, which must still
    be reported (a failure here would replace it, and the officer would learn neither)."""
    try:
        path = keep_text(text)
    except Exception as exc:  # noqa: BLE001 - whatever it is, the original error goes on
        reason = reason_vi(exc) if isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}"
        return f"Phản ánh CHƯA được ghi, và không lưu được nội dung vào tệp ({reason}): hãy giữ lại nội dung"
    try:
        # the officer named by CANHGAC_MODERATOR (in their profile, or set for that one command) is named with
        # --as: the command may be run where the variable is not set, and must file as the same person
        acting_as = acting_as or os.environ.get("CANHGAC_MODERATOR", "").strip() or None
        # no config file: the command was refused or ran on the built-in defaults; the office's file is to be named
        command = ["canhgac", "--config", config or "PATH",
                   *(["--as", acting_as] if acting_as else []),
                   "report", *([url] if url else []), "--text-file", str(path)]
        for flag, value in (("--reporter", reporter), ("--note", note)):
            if value:
                command += [flag, value]
        resend = f"{'sửa lỗi trên rồi ' if fix_first else ''}gửi lại bằng: {shlex.join(command)}"
    except Exception:  # noqa: BLE001 - the file is what matters
        resend = "gửi lại bằng lệnh canhgac report với --text-file là tệp này"
    return f"Phản ánh CHƯA được ghi nhưng nội dung không bị mất: đã lưu vào tệp {path}; {resend}"


def keep_text(text: str, folder: Path | None = None) -> Path:
    """Write `text` (UTF-8, as given: sent again it is the same report) to a new file only its owner can read, in
    `folder` (default: ~/canhgac-phan-anh-chua-ghi; when home cannot be used, this user's own folder in the
    temporary folder, else a new folder made there for it). Raises OSError when no folder can hold it."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    stem = f"phan-anh-{datetime.now().strftime('%Y%m%d-%H%M%S')}-{digest}"
    if folder is not None:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return _new_file(folder, stem, text)
    failure: OSError | None = None
    for where in (_home_folder, _own_temporary_folder, _new_temporary_folder):
        try:
            found = where()
            if found is not None:
                return _new_file(found, stem, text)
        except OSError as exc:
            failure = failure or exc
    assert failure is not None  # the last one either returns a folder or raises
    raise failure


def _home_folder() -> Path | None:
    """~/canhgac-phan-anh-chua-ghi when the account has a real home: not when HOME is unset and the uid has no
    passwd entry (a container run as --user 1001, a systemd DynamicUser), nor when HOME is empty (the root
    folder) or relative (the working folder: wherever the command happened to run)."""
    try:
        home = Path.home()
    except (RuntimeError, KeyError):
        return None
    if not home.is_absolute() or home == Path(home.anchor):
        return None
    return _private_folder(home / KEPT_DIR, parents=True)


def _own_temporary_folder() -> Path | None:
    """This user's folder in the temporary folder: named for the uid, so that officers sharing /tmp do not
    share (and cannot be locked out of) one folder."""
    return _private_folder(Path(tempfile.gettempdir()) / f"{KEPT_DIR}-{os.getuid()}", parents=False)


def _new_temporary_folder() -> Path:
    """A folder made anew for this file (mkdtemp: owner-only, an unpredictable name), when this user's own one
    was taken by someone else."""
    return Path(tempfile.mkdtemp(prefix="canhgac-phan-anh-"))


def _private_folder(path: Path, *, parents: bool) -> Path | None:
    """`path` as a folder only this user can enter, made if missing; None when it is something else — a link
    (to anywhere), another user's folder, or one others may open: in a shared folder (/tmp) anyone can make it
    first, and then read or delete what is put there."""
    try:
        path.mkdir(mode=0o700, parents=parents)
    except FileExistsError:
        pass
    st = os.lstat(path)  # not following a link: the name itself must be the folder
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or stat.S_IMODE(st.st_mode) & 0o077:
        return None
    return path


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
