"""`canhgac review`: the interactive loop. Shows the next entry (claimed for you), one key per action.

Each verdict is committed in its own transaction the moment its key is pressed, with SIGINT held back
until the commit is done: Ctrl-C at any point stops the loop without losing or half-writing a
decision; the entry on screen is released back to the queue. Keys are read without Enter when stdin
is a terminal, one line per key otherwise (scripts, tests).
"""

from __future__ import annotations

import os
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
    """The harm category typed after [v]/[c]/[e] on a positive entry: its number in `HARMS_LISTED`, its code or its
    Vietnamese name as `--category` takes them ("lừa đảo"); anything else, positive included, is a usage error."""
    if typed.isdecimal():  # not isdigit: "²" is a digit int() cannot read
        if not 1 <= int(typed) <= len(HARMS):
            raise UsageError(f"không có nhóm số {typed} (chọn từ 1 đến {len(HARMS)})")
        return HARMS[int(typed) - 1]
    category = check_category(typed)
    if category not in HARMS:
        raise UsageError(f"{category} ({category_vi(category)}) không phải nhóm vi phạm; nội dung đáng tôn vinh thì "
                         "để trống rồi bấm [t]")
    return category


def _ask_harm(keys: KeyReader, out: TextIO, say: Callable[[str], None]) -> str | None:
    """Ask for the harm category until one is given; None when the answer is empty (the officer changed their
    mind, or the input ended). A wrong answer asks again saying why: dropped back to the key prompt, the next thing
    typed (the number meant) was read as a key."""
    while True:
        out.write(f"Nhóm vi phạm (số 1–{len(HARMS)}, mã hoặc tên nhóm; để trống để huỷ): ")
        out.flush()
        typed = keys.line()
        if not typed:
            return None
        try:
            return _harm(typed)
        except UsageError as exc:
            say(f"Chưa ghi: {exc}.")


def _unknown_key(k: str) -> str:
    """The line refusing a key not in use, naming it ("Phím 'x' không dùng được; …"), then the keys that are."""
    if len(k) > 1:  # a word typed where a key was expected, or keys pasted at once: none of them is acted on
        return f"{printable(k)!r} không phải một phím (chỉ bấm một phím); {HELP}"
    if k in ("", "\n", "\r"):
        name = "Enter"
    elif k == " ":
        name = "cách"
    elif k == "\x1b":
        name = "Esc (hoặc mũi tên, F1…)"
    else:
        name = repr(k) if k.isprintable() else f"U+{ord(k):04X}"
    return f"Phím {name} không dùng được; {HELP}"


class KeyReader:
    """One key at a time: cbreak mode on a terminal (Ctrl-C still interrupts), else one line per key.

    What one key sends comes whole: an arrow key's escape sequence ("\\x1b[B") is one key, Esc, never its last
    letter ([b] bỏ qua); several keys that arrive at once (pasted, or typed while a decision was being written), like
    a line of more than one letter, are no key at all: nothing is done blind on an entry not yet shown."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()

    def key(self) -> str:
        if not self.tty:
            line = self.stream.readline()
            return line.strip().lower() if line else "q"
        import termios
        import tty

        fd = self.stream.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)
            got = os.read(fd, 64)  # all a key sent, not the stream's read(1): it buffers the rest of a sequence
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        if not got:
            return "q"
        typed = got.decode(getattr(self.stream, "encoding", None) or "utf-8", errors="replace")
        return "\x1b" if typed.startswith("\x1b") else typed.lower()

    def line(self) -> str:
        return self.stream.readline().strip()


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
    keys = KeyReader(stdin or sys.stdin)
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
                ctx.out.write("> ")
                ctx.out.flush()
                k = keys.key()
                if k in KEYS:
                    verdict = KEYS[k]
                    if verdict == "escalate" and not note:
                        ctx.out.write("Ghi chú (chuyển cho cơ quan nào, vì sao): ")
                        ctx.out.flush()
                        note = keys.line() or None
                        if not note:
                            say("Chuyển cơ quan chức năng cần ghi chú; chưa ghi.")
                            continue
                    category: str | None = None
                    if verdict in HARM_VERDICTS and detail.row.top_category == POSITIVE:
                        # the entry's own category would make a "positive violation": ask for the harm
                        say(f"Mục này được gắn nhóm {POSITIVE} ({category_vi(POSITIVE)}); chọn nhóm vi phạm:\n"
                            + HARMS_LISTED)
                        category = _ask_harm(keys, ctx.out, say)
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
                    ctx.out.write("Ghi chú: ")
                    ctx.out.flush()
                    note = keys.line() or None
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
