"""`canhgac review`: the interactive loop. Shows the next entry (claimed for you), one key per action.

Each verdict is committed in its own transaction the moment its key is pressed, with SIGINT held back
until the commit is done: Ctrl-C at any point stops the loop without losing or half-writing a
decision; the entry on screen is released back to the queue. Keys are read without Enter when stdin
is a terminal, one line per key otherwise (scripts, tests).
"""

from __future__ import annotations

import codecs
import os
import select as io_select  # sqlalchemy's select is the one this module means by `select`
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TextIO

from sqlalchemy import select

from classifier.categories import CATEGORIES, POSITIVE
from review.cli.context import Context
from review.cli.entryview import copy_entries, format_detail
from review.cli.queue_view import empty_category_note
from review.cli.table import hhmm_in, printable
from review.decision_history import learnt_note
from review.errors import ConflictError, NotFound, UsageError
from review.filters import EntryFilter, apply_filter, check_category
from review.models import CLAIMED, HARM_VERDICTS, ReviewEntry
from review.store import Store
from review.vi import category_vi, verdict_vi

HARMS = tuple(c for c in CATEGORIES if c != POSITIVE)
# [c]: cảnh báo (`warn`, a violation confirmed and a warning issued); no other action uses that key
KEYS = {"v": "violation", "c": "warn", "b": "dismiss", "e": "escalate", "t": "commend"}
HELP = ("[v] vi phạm  [c] vi phạm, đã cảnh báo  [b] bỏ qua  [e] chuyển cơ quan chức năng  [t] tôn vinh  "
        "[s] để sau  [n] ghi chú  [u] hoàn tác mục trước  [q] thoát")


#: The harm categories as the question after [v]/[c]/[e] on a positive entry lists them, one a line:
#: "  1. Tin giả, tin sai sự thật (misinformation)"
HARMS_LISTED = "\n".join(f"  {i}. {category_vi(c)} ({c})" for i, c in enumerate(HARMS, 1))


def _harm(typed: str) -> str:
    """The harm category typed after [v]/[c]/[e] on a positive entry: its number in `HARMS_LISTED` ("3", or "3." /
    "3)" as the list writes it), its code or its Vietnamese name as `--category` takes them ("lừa đảo"); anything
    else, positive included, is a usage error."""
    number = typed.rstrip(".)").strip()
    if number.isdecimal():  # not isdigit: "²" is a digit int() cannot read
        if not 1 <= int(number) <= len(HARMS):
            raise UsageError(f"không có nhóm số {number} (chọn từ 1 đến {len(HARMS)})")
        return HARMS[int(number) - 1]
    category = check_category(typed)
    if category not in HARMS:
        raise UsageError(f"{category} ({category_vi(category)}) không phải nhóm vi phạm; nội dung đáng tôn vinh thì "
                         "để trống rồi bấm [t]")
    return category


def _ask_harm(keys: KeyReader, say: Callable[[str], None]) -> str | None:
    """Ask for the harm category until one is given; None when the answer is empty (the officer changed their
    mind, or the input ended). A wrong answer asks again saying why: dropped back to the key prompt, the next thing
    typed (the number meant) was read as a key."""
    while True:
        typed = keys.line(f"Nhóm vi phạm (số 1–{len(HARMS)}, mã hoặc tên nhóm; để trống để huỷ): ")
        if not typed:
            return None
        try:
            return _harm(typed)
        except UsageError as exc:
            say(f"Chưa ghi: {exc}.")


_KEY_NAMES = {"": "Enter", "\n": "Enter", "\r": "Enter", " ": "cách", "\t": "Tab", "\x7f": "Backspace",
              "\x08": "Backspace", "\x1b": "Esc (hoặc mũi tên, F1…)"}


def _unknown_key(k: str) -> str:
    """The line refusing a key not in use, naming it ("Phím 'x' không dùng được; …"), then the keys that are."""
    if len(k) > 1:  # a word on a line where a key was expected (keys read from a pipe): none of its letters acts
        return f"{printable(k)!r} không phải một phím (chỉ bấm một phím); {HELP}"
    name = _KEY_NAMES.get(k) or (repr(k) if k.isprintable() else f"U+{ord(k):04X}")
    return f"Phím {name} không dùng được; {HELP}"


#: How long the rest of an escape sequence may take after its ESC (it normally comes in the same read). Longer than
#: a terminal needs: an arrow split in two and read as Esc, "[", "b" would record [b] bỏ qua; Esc decides nothing, so
#: the wait costs nothing but a key pressed within it after a lone Esc (taken as Alt+key, said as Esc).
ESC_WAIT = 0.5


def _sequence_length(text: str) -> int | None:
    """How many characters the escape sequence at the start of `text` takes (CSI "ESC [ params final", the Linux
    console's "ESC [ [ x", SS3 "ESC O x", Alt+key "ESC x"); None while it is not complete."""
    if len(text) < 2:
        return None
    if text[1] == "\x1b":  # ESC ESC: the first is a key of its own (Esc, or Alt with an arrow after it)
        return 1
    if text[1] == "O":
        return 3 if len(text) >= 3 else None
    if text[1] != "[":
        return 2
    if text[2:3] == "[":
        return 4 if len(text) >= 4 else None
    for i in range(2, len(text)):
        if not "\x20" <= text[i] <= "\x3f":  # parameter and intermediate bytes end at the final byte
            return i + 1 if "\x40" <= text[i] <= "\x7e" else i  # a malformed one ends before what is not its own
    return None


class KeyReader:
    """One key at a time: cbreak mode on a terminal (Ctrl-C still interrupts), else one line per key.

    On a terminal every key counts as typed, whatever arrives with it in one read (a paste; a harness writing "b⏎";
    "n" and the first letters of the note; "v" and the harm's number): what a read brings beyond the key waits in
    `pending` for the next `key()` or `line()`, so nothing is lost or read as something else. An escape sequence (an
    arrow or function key, Alt+key) is one key, Esc, never the letter it ends with (down arrow, ESC [ B, is not
    [b] bỏ qua). Enter and space at the key prompt are nothing; an Enter right after a key is part of pressing it
    ("e⏎" then the note: the Enter is not an empty note)."""

    def __init__(self, stream: TextIO, out: TextIO) -> None:
        self.stream, self.out = stream, out
        self.tty = stream.isatty()
        self.pending = ""  # read from the terminal but not used yet
        encoding = getattr(stream, "encoding", None) or "utf-8"
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")  # a character split over two reads

    def _ask(self, prompt: str) -> None:
        self.out.write(prompt)
        self.out.flush()

    def _read(self, fd: int) -> bool:
        """Add what the terminal has to `pending`; False at the end of the input."""
        got = os.read(fd, 1024)
        self.pending += self._decoder.decode(got, final=not got)
        return bool(got)

    def key(self, prompt: str) -> str:
        if not self.tty:
            self._ask(prompt)
            line = self.stream.readline()
            return line.strip().lower() if line else "q"
        import termios
        import tty

        fd = self.stream.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)  # flushes what was typed before the entry was shown: only then the prompt, so a key
            self._ask(prompt)  # typed once "> " shows is kept
            while True:
                k = self._next_key(fd)
                if k not in ("\n", "\r", " "):
                    break
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        for enter in ("\r\n", "\r", "\n"):  # sent with the key ("b⏎"): part of pressing it, not an empty answer
            if self.pending.startswith(enter):
                self.pending = self.pending[len(enter):]
                break
        return k.lower()

    def _next_key(self, fd: int) -> str:
        while True:
            if self.pending[:1] == "\x1b":
                n = _sequence_length(self.pending)
                if n is None and not io_select.select([fd], [], [], ESC_WAIT)[0]:
                    n = len(self.pending)  # a lone Esc, or a sequence whose end never came: all of it is Esc
                if n is not None:
                    self.pending = self.pending[n:]
                    return "\x1b"
            elif self.pending:
                k, self.pending = self.pending[0], self.pending[1:]
                return k
            if not self._read(fd):  # the input has ended: what is left of a sequence is no key
                self.pending = ""
                return "q"

    def line(self, prompt: str) -> str:
        """A line typed as the terminal edits and echoes it; its start may be in `pending` (typed with the key that
        asked for it), shown as the terminal would have shown it."""
        self._ask(prompt)
        if not self.tty:
            return self.stream.readline().strip()
        head, newline, rest = self.pending.partition("\n")
        if head or newline:
            self._ask(printable(head) + newline)
        if not newline:
            fd = self.stream.fileno()
            while self._read(fd) and "\n" not in self.pending:
                pass
            head, _, rest = self.pending.partition("\n")
        self.pending = rest
        return head.strip()


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold a Ctrl-C that arrives inside the block until the block is finished, then raise it."""
    pending: list[int] = []

    def _hold(signum: int, _frame: FrameType | None) -> None:
        pending.append(signum)

    previous = signal.signal(signal.SIGINT, _hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if pending:
            raise KeyboardInterrupt


def _held_by(store: Store, me: str, flt: EntryFilter) -> list[int]:
    """The entries matching `flt` that `me` holds already (claimed with `canhgac claim`), best first: `claim_next`
    hands out only open or lapsed entries and the default `queue` lists only open ones, so without this they stay
    held, unseen, until their claims lapse. Read once, when the session starts: what another session under the
    same name claims afterwards is that session's to show."""
    q = apply_filter(select(ReviewEntry.id), flt.with_(status=CLAIMED)).where(ReviewEntry.claimant == me)
    with store.session() as s:
        return list(s.scalars(q.order_by(ReviewEntry.priority.desc(), ReviewEntry.id)))


def run(ctx: Context, flt: EntryFilter, stdin: TextIO | None = None) -> int:
    me, minutes, store = ctx.moderator(), ctx.config.review.claim_minutes, ctx.store
    tz = ctx.config.digest.timezone  # times as `show` and `claim` print them
    keys = KeyReader(stdin or sys.stdin, ctx.out)
    color = bool(getattr(ctx.out, "isatty", lambda: False)())
    skipped: set[int] = set()
    done: list[tuple[int, int]] = []  # (entry, decision) decided in this session, for [u]
    current: int | None = None
    redo: int | None = None  # an entry just undone: show it again first
    kept_note: str | None = None  # the note typed for an entry shown again after a refused write
    kept_note_for: int | None = None

    def say(text: str) -> None:
        ctx.out.write(text + "\n")
        ctx.out.flush()

    say(f"Phiên duyệt của {me}. {HELP}")
    held_before = _held_by(store, me, flt)
    held_ids = set(held_before)  # never given back by the session: it did not take them

    def give_back(entry_id: int | None) -> str:
        """Release what the session claimed; an entry held before it stays held: what to tell the moderator."""
        if entry_id is not None and entry_id in held_ids:
            return f"Mục #{entry_id} vẫn do bạn giữ (đã nhận trước phiên này)."
        if entry_id is not None:
            store.release(entry_id, me)
        return "Mục đang xem trả lại hàng chờ."
    try:
        while True:
            claim = None
            if redo is not None:
                try:  # mine still (a changed entry) or open (undone); decided or taken meanwhile: the next one
                    claim = store.claim(redo, me, minutes)
                except (ConflictError, NotFound) as exc:
                    say(f"Không nhận lại được mục #{redo}: {exc}")
                redo = None
            while claim is None and held_before:  # claimed before the session (`canhgac claim`): shown first
                held = held_before.pop(0)
                try:
                    claim = store.claim(held, me, minutes)  # renews it
                    say(f"\nMục #{held} bạn đang giữ từ trước (canhgac claim): xem và quyết định trước.")
                except (ConflictError, NotFound) as exc:  # taken or decided since it lapsed: the next one
                    say(f"Không nhận lại được mục #{held}: {exc}")
            if claim is None:
                got = store.claim_next(me, minutes, flt, exclude=skipped)
                if got is None:
                    if skipped:  # the queue is not empty: what was put off is still waiting
                        say(f"Đã xem hết các mục trong phiên này. Đã quyết định {len(done)} mục; {len(skipped)} mục "
                            "để sau vẫn trong hàng chờ (chạy lại `canhgac review` để xem lại).")
                    else:  # with --category, maybe only that category is done
                        say((empty_category_note(store, flt) or "Hết mục chờ duyệt.")
                            + f" Đã quyết định {len(done)} mục trong phiên này.")
                    return 0
                claim = got
            current, version = claim.entry_id, claim.version
            note, kept_note = (kept_note if kept_note and kept_note_for == current else None), None
            say("\n" + "=" * 72)
            detail = store.entry_detail(current)
            say(format_detail(detail, color=color, max_chars=3000, copies=copy_entries(store, detail), tz=tz))
            if note:
                say(f"Ghi chú đã nhập vẫn được giữ cho mục này: {printable(note)}")  # typed or pasted: may hold escapes
            say(f"(giữ đến {hhmm_in(claim.expires_at, tz)}) {HELP}")
            while True:
                k = keys.key("> ")
                if k in KEYS:
                    verdict = KEYS[k]
                    if verdict == "escalate" and not note:
                        note = keys.line("Ghi chú (chuyển cho cơ quan nào, vì sao): ") or None
                        if not note:
                            say("Chuyển cơ quan chức năng cần ghi chú; chưa ghi.")
                            continue
                    category: str | None = None
                    if verdict in HARM_VERDICTS and detail.row.top_category == POSITIVE:
                        # the entry's own category would make a "positive violation": ask for the harm
                        say(f"Mục này được gắn nhóm {POSITIVE} ({category_vi(POSITIVE)}); chọn nhóm vi phạm:\n"
                            + HARMS_LISTED)
                        category = _ask_harm(keys, say)
                        if category is None:
                            say("Đã huỷ, chưa ghi. " + HELP)
                            continue
                    try:
                        with interrupts_deferred():
                            decided = store.decide(current, me, verdict, category=category, note=note,
                                                   version=version)
                            done.append((current, decided.decision_id))
                            held_ids.discard(current)  # the claim held before ends here; after [u] it is ours
                            current = None
                    except ConflictError as exc:
                        # changed since shown (re-scored, a report joined): still mine, shown again as it is now;
                        # decided by someone else (my claim had lapsed): not mine, the claim below says so
                        say(f"Không ghi được: {exc}")
                        kept_note, kept_note_for = note, current  # the note is about this entry: not lost
                        current, redo = None, current
                        break
                    except UsageError as exc:  # nothing written; the entry stays claimed, choose again
                        assert current is not None  # decide() raised before anything was recorded
                        say(f"Không ghi được: {exc}")
                        continue
                    say(f"Đã ghi mục #{done[-1][0]}: {verdict_vi(verdict)}"
                        + (f" ({category_vi(category)})." if category else "."))  # the harm chosen just now
                    break
                if k == "s":
                    skipped.add(current)
                    store.release(current, me)
                    current = None
                    say("Để sau.")
                    break
                if k == "n":
                    note = keys.line("Ghi chú: ") or None
                    say("Đã lưu ghi chú cho quyết định sắp tới." if note else "Không có ghi chú.")
                    continue
                if k == "u":
                    if not done:
                        say("Chưa có quyết định nào trong phiên này để hoàn tác.")
                        continue
                    last, decision_id = done.pop()
                    try:
                        with interrupts_deferred():  # only my decision: a colleague may have redone it since
                            store.undo(last, me, "hoàn tác trong phiên duyệt", decision_id=decision_id)
                    except (ConflictError, NotFound) as exc:
                        say(f"Không hoàn tác được: {exc}")
                        continue
                    if current in held_ids:  # held before the session: kept, shown again after the undone one
                        held_before.insert(0, current)
                    else:
                        store.release(current, me)
                    current, redo = None, last
                    say(f"Đã hoàn tác quyết định trên mục #{last}; xem lại mục đó.")
                    learnt = learnt_note(ctx.config.classifier, store, decision_id)
                    if learnt:  # as `canhgac undo` says it: the bank forgot it at once, an activated retrain did not
                        say(learnt)
                    break
                if k == "q":
                    said = give_back(current)
                    kept, current = current in held_ids, None
                    say(f"Kết thúc. Đã quyết định {len(done)} mục trong phiên này." + (f" {said}" if kept else ""))
                    return 0
                say(_unknown_key(k))
    except KeyboardInterrupt:
        said = give_back(current)
        say(f"\nĐã dừng (Ctrl-C). {len(done)} quyết định đã ghi được giữ nguyên. {said}")
        return 130
    except ConflictError as exc:
        if current is not None:
            store.release(current, me)
        say(f"Không nhận được mục: {exc}")
        return 1
