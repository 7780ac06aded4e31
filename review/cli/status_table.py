"""`canhgac status`'s table of sources, fitted to the terminal it is printed on.

The full table's nine columns took about 115 columns before any source's name, so on an ordinary 80-column
terminal every row wrapped in two and the columns no longer lined up. On a terminal too narrow for it, as `queue`
does: a compact table (short headings, times as `show` writes them, short results, the name cut with "…"), and when
even that leaves too little room for the name, each source's name and kind on a line of their own above its row.
Numbers are never cut. Piped output (`width` None: scripts may read it) is always the full table, as before.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from review.cli.table import _fit, _width, hhmm_in, printable, render, when
from review.sources import SourceHealth
from review.types import utcnow

#: a run's status (SourceRun.status; `status --json` keeps these codes) as the status table shows it
RUN_STATUS_VI = {"ok": "thành công", "failed": "lỗi", "killed": "bị ngắt (tiến trình bị dừng từ bên ngoài hoặc chết)",
                 "running": "đang chạy", "stopped": "đã dừng theo yêu cầu"}
#: the same in the compact table; `COMPACT_LEGEND` says what the short ones mean
RUN_STATUS_SHORT_VI = {"ok": "thành công", "failed": "lỗi", "killed": "bị ngắt", "running": "đang chạy",
                       "stopped": "đã dừng"}

FULL_HEADERS = ["nguồn", "loại", "lần chạy cuối", "kết quả", "thành công gần nhất", "mục mới", "tổng", "lỗi liên tiếp",
                "lần chạy tới"]
COMPACT_HEADERS = ["chạy lúc", "kết quả", "thành công", "mới", "tổng", "lỗi", "chạy tới"]
#: said under a compact table: what its short headings stand for; then `KILLED_LEGEND`, `CUT_LEGEND` when they apply
COMPACT_LEGEND = ("Bảng rút gọn cho vừa màn hình: chạy lúc = lần chạy cuối; thành công = lần chạy thành công gần "
                  "nhất; mới = mục mới của lần chạy cuối; lỗi = số lần lỗi liên tiếp.")
KILLED_LEGEND = " Bị ngắt = tiến trình bị dừng từ bên ngoài hoặc chết."
CUT_LEGEND = " Tên nguồn bị cắt (…) có đủ trong `canhgac status --json`."
#: the narrowest a source's name gets beside the other columns; narrower, it goes on a line of its own
NAME_MIN = 16
#: the widest a table cell is (`render`'s `max_col`): a name is cut to it here, keeping its "(đang tắt)" note
MAX_CELL = 60
#: how far a source's row is indented under its name (the narrowest layout)
INDENT = "  "


def sources_table(health: Sequence[SourceHealth], configured: Collection[str], enabled: Collection[str],
                  daemon: bool, tz: str, width: int | None) -> tuple[str, str | None]:
    """The table, and the legend to print under it (None for the full table). `width`: the terminal's, or None
    when the output is no terminal."""
    full = render(FULL_HEADERS, [(_name(h, configured, enabled, MAX_CELL), h.kind, when(h.last_run_at, tz),
                                  RUN_STATUS_VI.get(h.last_status or "", h.last_status or "-"),
                                  _last_success(h, tz, short=False), h.items_last_run, h.items_total,
                                  h.consecutive_failures, _next_run(h, daemon, tz, short=False)) for h in health])
    if width is None or _fits(full, width):
        return full, None
    cells = [(hhmm_in(h.last_run_at, tz), RUN_STATUS_SHORT_VI.get(h.last_status or "", h.last_status or "-"),
              _last_success(h, tz, short=True), h.items_last_run, h.items_total, h.consecutive_failures,
              _next_run(h, daemon, tz, short=True)) for h in health]
    kinds = [h.kind for h in health]
    rest = _table_width(render(["loại", *COMPACT_HEADERS], [(k, *c) for k, c in zip(kinds, cells, strict=True)]))
    room = width - rest - 2
    whole = [_name(h, configured, enabled, 10**6) for h in health]
    if room >= max(_width("nguồn"), min(NAME_MIN, max(_width(n) for n in whole))):  # the heading needs its room
        names = [_name(h, configured, enabled, min(room, MAX_CELL)) for h in health]
        table = render(["nguồn", "loại", *COMPACT_HEADERS],
                       [(n, k, *c) for n, k, c in zip(names, kinds, cells, strict=True)])
    else:
        lines = render(COMPACT_HEADERS, cells).split("\n")
        out = ["nguồn (loại)", *(INDENT + line for line in lines[:2])]
        names = []
        for h, line in zip(health, lines[2:], strict=True):
            kind = f" ({printable(h.kind)})"
            names.append(_name(h, configured, enabled, max(width - _width(kind), NAME_MIN)))
            out += [names[-1] + kind, INDENT + line]
        table = "\n".join(out)
    legend = (COMPACT_LEGEND + (KILLED_LEGEND if any(h.last_status == "killed" for h in health) else "")
              + (CUT_LEGEND if names != whole else ""))
    return table, legend


def _name(h: SourceHealth, configured: Collection[str], enabled: Collection[str], room: int | None = None) -> str:
    """The source's name, saying when it is switched off or no longer configured; `room`: cut to that many columns
    ("…"), the name losing letters, not the note."""
    note = "" if h.name in enabled else " (đang tắt)" if h.name in configured else " (bỏ cấu hình)"
    if room is None:
        return h.name + note
    return _fit(" ".join(printable(h.name).split()), max(room - _width(note), 1)) + note


def _fits(table: str, width: int) -> bool:
    return all(_width(line) <= width for line in table.split("\n"))


def _table_width(table: str) -> int:
    """The width of a rendered table: its rule line, which spans every column."""
    return _width(table.split("\n")[1])


def _next_run(h: SourceHealth, daemon: bool, tz: str, *, short: bool) -> str:
    """The next scheduled crawl. With a daemon running, a time already past is the one that started the running
    crawl, or a due crawl waiting for a free slot (the daemon runs two at a time): the daemon writes the next time
    once the crawl has run. Without a daemon the time is shown as it is (nothing will run it). `short`: times as
    `show` writes them (the clock time today)."""
    shown = hhmm_in if short else when
    if daemon and h.next_run_at is not None and h.next_run_at <= utcnow():
        if h.last_status == "running":
            return "sau lượt đang chạy"
        return f"{'chờ' if short else 'đang chờ'} lượt từ {shown(h.next_run_at, tz)}"
    return shown(h.next_run_at, tz)


def _last_success(h: SourceHealth, tz: str, *, short: bool) -> str:
    """When the source last crawled successfully: how long a failing source has been down."""
    if h.last_success_at is not None:
        return hhmm_in(h.last_success_at, tz) if short else when(h.last_success_at, tz)
    return "chưa lần nào" if h.last_run_at is not None else "-"
