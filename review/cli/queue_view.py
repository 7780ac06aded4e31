"""Looking at the queue without changing it: `canhgac queue` (the list) and `canhgac show` (one entry).

Both print tables or, with --json, objects for scripts (`row_json`). A `--source` that names no source canhgac
knows is said as such rather than shown as an empty queue (`unknown_source`; `bulk --where source=` says it too).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from review.cli.context import Context
from review.cli.entryview import (
    BELOW_THRESHOLD_VI,
    below_threshold,
    copy_entries,
    flags_text,
    format_detail,
    row_priority,
    short_category_vi,
)
from review.cli.table import (
    LAST_MIN,
    _fit,
    _width,
    age,
    hhmm_in,
    json_text,
    printable,
    render,
    terminal_width,
)
from review.errors import UsageError
from review.filters import EntryFilter, check_category, check_status, parse_when
from review.listing import EntryRow, Reporter
from review.report_marks import SENT_TEXT_LABEL, entry_mark, queue_mark, sent_texts
from review.store import Store
from review.vi import CATEGORY_SHORT_VI, STATUS_VI, category_vi, verdict_vi


def filter_from(args: argparse.Namespace) -> EntryFilter:
    return EntryFilter(category=check_category(args.category), status=check_status(args.status),
                       source=args.source, since=parse_when(args.since) if args.since else None)


def row_json(r: EntryRow, now: datetime) -> dict[str, Any]:
    return {"id": r.id, "priority": round(float(row_priority(r, now)), 2), "status": r.status,
            "top_category": r.top_category, "top_score": r.top_score, "flags": r.flags, "source": r.source,
            "is_report": r.is_report, "below_threshold": below_threshold(r), "claimant": r.claimant,
            "claim_expires_at": r.claim_expires_at.isoformat() if r.claim_expires_at else None,
            "claim_lapsed": r.claim_lapsed(now),
            "verdict": r.verdict, "verdict_category": r.verdict_category, "version": r.version, "created_at": r.created_at.isoformat(), "title": r.title}


def reporter_json(x: Reporter) -> dict[str, Any]:
    """A citizen report behind an entry, for scripts (`show --json`, `queue --json`)."""
    return {"reporter": x.reporter, "note": x.note, "url": x.url, "page": x.page, "at": x.at.isoformat(),
            "pasted": x.pasted, "match": x.match, "title": x.title, "text": x.text}


def cmd_queue(args: argparse.Namespace, ctx: Context) -> int:
    if not 1 <= args.limit <= 10000:
        raise UsageError("--limit phải trong khoảng 1..10000")
    flt = filter_from(args)
    rows = ctx.store.list_entries(flt, sort=args.sort, limit=args.limit)
    # as `show` tells them: pasted or fetched, and the text a report joined only by its link's page carried; every
    # row, not only those opened as reports (`is_report`): a report on an entry already decided joins it unflagged
    reports = ctx.store.reporters_by_entry([r.id for r in rows])
    now = datetime.now(UTC)
    unknown = unknown_source(ctx, args.source)
    if args.json:
        if unknown:
            ctx.err.write(unknown + "\n")  # stdout stays the JSON list (empty) for scripts
        ctx.print(json_text([row_json(r, now) | {"reporters": [reporter_json(x) for x in reports.get(r.id, [])]}
                             for r in rows]))
        return 0
    lapsed = _lapsed_note(ctx, flt)
    if not rows:
        ctx.print(unknown or "Không có mục nào phù hợp.")
        if lapsed and not unknown:
            ctx.print(lapsed)
        return 0
    width = terminal_width(ctx.out)
    ctx.print(_with_sent_texts(_table(rows, now, width, ctx.config.digest.timezone, reports), rows, reports, width))
    ctx.print(f"{_shown(ctx, flt, len(rows), args.limit)} [PA] = người dân phản ánh. Xem chi tiết: canhgac show MÃ")
    if width is not None and any(_category_cell(r).startswith("— ") or "* " in _category_cell(r) for r in rows):
        ctx.print(CELL_LEGEND)
    marks = {queue_mark(reports[r.id]) for r in rows if r.id in reports}
    if marks - {"[PA]"}:
        ctx.print(PASTED_LEGEND + (f" {MIXED_LEGEND}" if any(m.count("/") for m in marks) else ""))
    if lapsed:
        ctx.print(lapsed)
    return 0


#: the marks of a citizen report in the table (`review.report_marks.queue_mark`)
PASTED_LEGEND = "[PA dán] = người dân dán nội dung, không có trang được đọc theo phản ánh."
MIXED_LEGEND = ("[PA dán 1/2] = 1 trong 2 phản ánh là dán nội dung, số còn lại gửi đường dẫn và đã đọc "
                 "trang.")
#: the compact table's category cells (`_category_cell`), said under it when one of them is shown
CELL_LEGEND = ("— = chưa vượt ngưỡng nhóm nào (kèm điểm cao nhất); * = nhóm cán bộ ghi khi quyết định (kèm điểm "
               "nhóm cao nhất của mô hình).")
#: a row lists at most this many of its reports' texts: a scam link many citizens pasted does not flood the list
SENT_TEXTS_PER_ROW = 2
#: how much of a report's text joined only by its link's page the table shows under its row (all of it: `show`)
SENT_TEXT_QUEUE_CHARS = 160


def _with_sent_texts(table: str, rows: list[EntryRow], reports: dict[int, list[Reporter]], width: int | None) -> str:
    """`table` with, under the row of an entry a report joined only by where its link leads (`SAME_PLACE`), the
    text that report carried: never compared with the entry's, so the list says so rather than hide it behind
    the entry's own first line. The table's data rows are its lines after the two heading lines; a row whose
    first line went on a line of its own (`_table`, narrow terminal) is followed by it."""
    lines = table.split("\n")
    out, i = lines[:2], 2
    for r in rows:
        out.append(lines[i])
        i += 1
        while i < len(lines) and lines[i].startswith("    "):
            out.append(lines[i])
            i += 1
        texts = sent_texts(reports.get(r.id, []))
        lines_of_row: list[str] = []
        for text in texts[:SENT_TEXTS_PER_ROW]:
            one = " ".join(printable(text).split()) or "(trống)"
            cut = _fit(one, SENT_TEXT_QUEUE_CHARS) if len(one) > SENT_TEXT_QUEUE_CHARS else one
            lines_of_row.append(f"    ↳ {SENT_TEXT_LABEL}, chưa đối chiếu: {cut}")
        if len(texts) > SENT_TEXTS_PER_ROW:
            lines_of_row.append(f"    ↳ … và {len(texts) - SENT_TEXTS_PER_ROW} nội dung khác: canhgac show {r.id}")
        out += [_fit(line, max(width, LAST_MIN)) if width is not None else line for line in lines_of_row]
    return "\n".join(out + lines[i:])


def _table(rows: list[EntryRow], now: datetime, width: int | None, tz: str | None = None,
           reports: dict[int, list[Reporter]] | None = None) -> str:
    """The full table; on a terminal too narrow for it (its other columns took ~117 of 80 columns, so every row
    wrapped in two), a compact one: one category column ("Lừa đảo 0.68 +1": short Vietnamese name, top score,
    other flags counted), the source cut; and when even then the first line does not fit, it goes on a line of
    its own under its row. Piped output (`width` None) is always the full table. `tz`: the zone a claim's end is
    shown in (`[digest] timezone`, as `show` and `claim` say it)."""
    full = render(["mã", "ưu tiên", "nhóm (điểm)", "nhóm chính", "nguồn", "tuổi", "trạng thái", "dòng đầu"],
                  [(r.id, row_priority(r, now), flags_text(r) + entry_mark(r, reports),
                    _main_category(r), r.source or "-", age(r.created_at, now), _state(r, now, tz),
                    r.title) for r in rows], width=width)
    if width is None or _fits(full, width):
        return full
    headers = ["mã", "ưu tiên", "nhóm (điểm)", "nguồn", "tuổi", "trạng thái"]
    cells = [(r.id, row_priority(r, now), _category_cell(r, reports), _fit(r.source or "-", SOURCE_NARROW), age(r.created_at, now),
              _state(r, now, tz, short=True)) for r in rows]
    one = render([*headers, "dòng đầu"], [(*c, r.title) for c, r in zip(cells, rows, strict=True)], width=width)
    if _fits(one, width):
        return one
    lines = render(headers, cells).split("\n")
    out = lines[:2]
    for line, r in zip(lines[2:], rows, strict=True):
        out += [line, "    " + _fit(" ".join(printable(r.title).split()), max(width - 4, LAST_MIN))]
    return "\n".join(out)


#: How much of a source's name the compact table keeps ("dien-dan-pho-ph…"): `--source` takes the whole name.
SOURCE_NARROW = 16


def _fits(table: str, width: int) -> bool:
    return all(_width(line) <= width for line in table.split("\n"))


def _decided_category(r: EntryRow) -> str | None:
    """The category a decided entry's decision recorded (a bulk dismissal under illegal_ad), when there is one."""
    return r.verdict_category if r.status == "decided" and r.verdict_category else None


def _main_category(r: EntryRow) -> str:
    """The full table's "nhóm chính": for a decided entry the category its decision recorded; for an entry flagged
    for nothing (a citizen's report that passed no threshold) not its highest score as if it were a flag, as
    `show`'s first line says it (`review.cli.entryview._headline_category`)."""
    decided = _decided_category(r)
    if decided is not None:
        return short_category_vi(decided)
    if not r.flags:
        return f"— (chưa vượt ngưỡng; cao nhất {short_category_vi(r.top_category)} {r.top_score:.2f})"
    return short_category_vi(r.top_category)


def _category_cell(r: EntryRow, reports: dict[int, list[Reporter]] | None = None) -> str:
    """The compact table's one category column (`_table`): "Lừa đảo 0.68 +1"; a decided entry's recorded category
    instead when it is another ("QC sai phạm* 0.68", the score the top category's); "— Tin giả 0.15" for an entry
    flagged for nothing (its highest score); `CELL_LEGEND` says so under the table."""
    top = f"{CATEGORY_SHORT_VI.get(r.top_category, r.top_category)} {r.top_score:.2f}"
    decided = _decided_category(r)
    if decided is not None and decided != r.top_category:  # short: one long cell widens every row (80 columns)
        return f"{CATEGORY_SHORT_VI.get(decided, decided)}* {r.top_score:.2f}" + entry_mark(r, reports)
    if not r.flags:
        return f"— {top}" + entry_mark(r, reports)
    others = len([c for c in r.flags if c != r.top_category])
    return top + (f" +{others}" if others else "") + entry_mark(r, reports)


#: `queue` counts the matching entries up to this many when `--limit` cut the list: beyond, "hơn 1000" is enough
#: to know, and counting all of a large queue (40,000 scam flags among 200,000 entries: 1.3 s on SQLite) would cost
#: more than the list itself.
COUNT_CAP = 1000


def _shown(ctx: Context, flt: EntryFilter, shown: int, limit: int) -> str:
    """How many entries the table holds; when `--limit` cut it, of how many match ("3 mục." would read as the size
    of the queue while more wait). Counted only then: a list shorter than the limit is the whole of it."""
    if shown < limit:
        return f"{shown} mục."
    from sqlalchemy import func, select

    from review.filters import entry_ids_query
    from review.models import OPEN

    ids = entry_ids_query(flt if flt.status is not None else flt.with_(status=OPEN))  # as list_entries reads it
    cap = COUNT_CAP if shown < COUNT_CAP else shown + COUNT_CAP  # a cap at or below `shown` could not tell it was cut
    with ctx.store.session() as s:
        total = int(s.scalar(select(func.count()).select_from(ids.limit(cap + 1).subquery())) or 0)
    if total <= shown:
        return f"{shown} mục."
    if total > cap:
        return f"Hiện {shown}/hơn {cap} mục (--limit {limit}; xem thêm: --limit N, tối đa 10000)."
    return f"Hiện {shown}/{total} mục (--limit {limit}; xem thêm: --limit {total})."


def empty_category_note(store: Store, flt: EntryFilter) -> str | None:
    """When `claim --next --category C` or `review --category C` finds nothing, whether that is the whole queue or
    only C: "Không còn mục nào chờ duyệt" would tell a moderator the queue is empty while other entries wait."""
    if flt.category is None:
        return None
    from sqlalchemy import func, select

    from review.claims import claimable
    from review.filters import entry_ids_query
    from review.types import utcnow

    with store.session() as s:
        ids = entry_ids_query(flt.with_(category=None)).where(claimable(utcnow())).limit(COUNT_CAP + 1)
        n = int(s.scalar(select(func.count()).select_from(ids.subquery())) or 0)
    if not n:
        return None
    return (f"Không còn mục nào chờ duyệt trong nhóm {flt.category} ({category_vi(flt.category)}); "
            f"{n if n <= COUNT_CAP else f'hơn {COUNT_CAP}'} mục thuộc nhóm khác vẫn chờ (bỏ --category để xem).")


def _lapsed_note(ctx: Context, flt: EntryFilter) -> str | None:
    """The default list is the open entries; a claim that ran out (its holder away, no daemon to give it back)
    leaves an entry anyone may take that the list does not show: say how many and where they are."""
    if flt.status is not None:
        return None
    n = ctx.store.count_lapsed_claims(flt)
    if not n:
        return None
    return (f"Ngoài ra {n} mục đã hết hạn giữ (người nhận chưa quyết định), ai cũng nhận được: "
            "xem `canhgac queue --status claimed`.")


def known_sources(ctx: Context, wanted: str | None = None) -> list[str]:
    """Every source name a queue entry can be filtered by: configured sources, those in the sources table
    (kept when removed from the configuration) and those named by entries or by pages that joined a report.
    With `wanted`, stops as soon as it is found (the audit log is read only when it is not)."""
    from sqlalchemy import select

    from review.citizen import CRAWL_JOIN
    from review.models import AuditLog, ReviewEntry, Source

    names = {s.name for s in ctx.config.sources}
    queries = (select(Source.name), select(ReviewEntry.source_name).distinct(),
               select(AuditLog.details["source"].as_string()).where(AuditLog.action == CRAWL_JOIN).distinct())
    with ctx.store.session() as s:
        for q in queries:
            if wanted is not None and wanted in names:
                break
            names.update(n for n in s.scalars(q) if n)
    return sorted(names)


def unknown_source(ctx: Context, source: str | None) -> str | None:
    """A message when `source` names no source canhgac knows (a typo lists nothing, not an empty queue)."""
    if source is None:
        return None
    known = known_sources(ctx, source)
    if source in known:
        return None
    return (f"Không có nguồn {source!r}: chưa nguồn nào tên như vậy trong cấu hình hay dữ liệu đã thu thập ("
            + (f"các nguồn đã biết: {', '.join(known)}" if known else "chưa có nguồn nào") + ").")


def _state(r: EntryRow, now: datetime, tz: str | None = None, *, short: bool = False) -> str:
    state = _holding(r, now, tz)
    if not below_threshold(r):
        return state
    return f"{state}, {'dưới ngưỡng' if short else BELOW_THRESHOLD_VI}"


def _holding(r: EntryRow, now: datetime, tz: str | None = None) -> str:
    if r.claim_lapsed(now):
        return f"hết hạn giữ ({r.claimant})"
    if r.status == "claimed":
        return f"{r.claimant} đến {hhmm_in(r.claim_expires_at, tz)}"
    if r.status == "decided":
        return verdict_vi(r.verdict)
    return STATUS_VI[r.status]


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    d = ctx.store.entry_detail(args.id)
    queued = copy_entries(ctx.store, d)
    if args.json:
        out = row_json(d.row, datetime.now(UTC)) | {
            "url": d.item.url, "text": d.item.text, "scores": d.score.scores if d.score else {},
            "evidence": d.score.evidence if d.score else [], "cluster_size": d.cluster_size,
            "copies": [{"entry_id": queued.get(c.item_id), "item_id": c.item_id, "url": c.url, "source": c.source}
                       for c in d.copies],
            "reporters": [reporter_json(x) for x in d.reporters],
            "joined_pages": [{"item_id": x.item_id, "url": x.url, "source": x.source, "match": x.match,
                              "similarity": x.similarity, "at": x.at.isoformat()} for x in d.joined],
            "decisions": [{"id": x.id, "moderator": x.moderator, "verdict": x.verdict, "category": x.category,
                           "note": x.note, "at": x.created_at.isoformat(),
                           "undone_at": x.undone_at.isoformat() if x.undone_at else None,
                           "undo_reason": x.undo_reason} for x in d.decisions]}
        ctx.print(json_text(out))
        return 0
    ctx.print(format_detail(d, color=_isatty(ctx), copies=queued, tz=ctx.config.digest.timezone))
    return 0


def _isatty(ctx: Context) -> bool:
    isatty = getattr(ctx.out, "isatty", None)
    return bool(isatty and isatty())
