"""The moderators' commands: queue, show, claim, release, decide, undo, bulk, review (interactive), audit verify.

Every command that changes something acts as the moderator named by `--as`, `CANHGAC_MODERATOR` or the
OS user, who must be listed in `[review] moderators`. Conflicts (someone else holds the entry, a stale
version, already decided) exit 1 with a one-line Vietnamese message.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from review.cli.context import Context
from review.cli.entryview import copy_entries, flags_text, format_detail, row_priority
from review.cli.table import age, json_text, render
from review.decisions import BULK_MAX
from review.errors import AuditIntegrityError, ConflictError, UsageError
from review.filters import EntryFilter, check_category, check_status, parse_when, parse_where
from review.listing import SORTS, EntryRow
from review.models import VERDICTS
from review.vi import STATUS_VI, category_vi, hhmm, verdict_vi


def register(sub: Any) -> None:
    p = sub.add_parser("queue", help="list review entries, highest priority first",
                       description="List review entries (default: open ones, by priority; see docs/review.md).")
    _filter_args(p)
    p.add_argument("--sort", choices=SORTS, default="priority")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_queue)

    p = sub.add_parser("show", help="one entry: text with evidence, scores, copies, history")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("claim", help="claim an entry (or the next one) so nobody else decides it meanwhile")
    p.add_argument("id", type=int, nargs="?")
    p.add_argument("--next", action="store_true", help="the highest-priority claimable entry")
    p.add_argument("--category", help="with --next: only entries flagged for this category")
    p.set_defaults(handler=cmd_claim)

    p = sub.add_parser("release", help="give back an entry you claimed, undecided, to the queue")
    p.add_argument("id", type=int)
    p.set_defaults(handler=cmd_release)

    p = sub.add_parser("decide", help="record a verdict on an entry")
    p.add_argument("id", type=int)
    p.add_argument("--verdict", required=True, choices=VERDICTS)
    p.add_argument("--category", help="correct the category (violation/commend)")
    p.add_argument("--note", help="a note; required for escalate (to whom, why)")
    p.add_argument("--version", type=int, help="the version you saw; refused if the entry changed since")
    p.set_defaults(handler=cmd_decide)

    p = sub.add_parser("undo", help="reverse an entry's last decision (both stay in the history)")
    p.add_argument("id", type=int)
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_undo)

    p = sub.add_parser("bulk", help="one verdict for many entries (dry run unless --yes)")
    p.add_argument("--verdict", required=True, choices=VERDICTS)
    p.add_argument("--where", required=True, metavar="FILTERS",
                   help="e.g. 'category=offensive source=fb score<0.6 since=7d report=no'")
    p.add_argument("--limit", type=int, default=100, help=f"at most this many entries (≤ {BULK_MAX})")
    p.add_argument("--category")
    p.add_argument("--note")
    p.add_argument("--yes", action="store_true", help="really do it (otherwise only show what would change)")
    p.add_argument("--confirm", metavar="CODE",
                   help="with --yes: act only if the selection is still exactly what the dry run with this code "
                        "listed")
    p.set_defaults(handler=cmd_bulk)

    p = sub.add_parser("review", help="interactive review loop in the terminal")
    p.add_argument("--category", help="only entries flagged for this category")
    p.set_defaults(handler=cmd_review)

    p = sub.add_parser("audit", help="audit log tools")
    asub = p.add_subparsers(dest="audit_cmd", required=True, metavar="{verify}")
    v = asub.add_parser("verify", help="check the hash chain of the audit log")
    v.set_defaults(handler=cmd_audit_verify)


def _filter_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--category", help="flagged for this category")
    p.add_argument("--status", help="open (default), claimed or decided")
    p.add_argument("--source", help="source name")
    p.add_argument("--since", help="entered the queue since: YYYY-MM-DD or 7d/36h")


def filter_from(args: argparse.Namespace) -> EntryFilter:
    return EntryFilter(category=check_category(args.category), status=check_status(args.status),
                       source=args.source, since=parse_when(args.since) if args.since else None)


def row_json(r: EntryRow, now: datetime) -> dict[str, Any]:
    return {"id": r.id, "priority": round(float(row_priority(r, now)), 2), "status": r.status,
            "top_category": r.top_category, "top_score": r.top_score, "flags": r.flags, "source": r.source,
            "is_report": r.is_report, "claimant": r.claimant,
            "claim_expires_at": r.claim_expires_at.isoformat() if r.claim_expires_at else None,
            "verdict": r.verdict, "version": r.version, "created_at": r.created_at.isoformat(), "title": r.title}


def cmd_queue(args: argparse.Namespace, ctx: Context) -> int:
    if not 1 <= args.limit <= 10000:
        raise UsageError("--limit phải trong khoảng 1..10000")
    rows = ctx.store.list_entries(filter_from(args), sort=args.sort, limit=args.limit)
    now = datetime.now(UTC)
    if args.json:
        ctx.print(json_text([row_json(r, now) for r in rows]))
        return 0
    if not rows:
        ctx.print("Không có mục nào phù hợp.")
        return 0
    table = [(r.id, row_priority(r, now), flags_text(r) + (" [PA]" if r.is_report else ""), r.source or "-",
              age(r.created_at, now), _state(r), r.title) for r in rows]
    ctx.print(render(["mã", "ưu tiên", "nhóm (điểm)", "nguồn", "tuổi", "trạng thái", "dòng đầu"], table))
    ctx.print(f"{len(rows)} mục. [PA] = người dân phản ánh. Xem chi tiết: canhgac show MÃ")
    return 0


def _state(r: EntryRow) -> str:
    if r.status == "claimed":
        return f"{r.claimant} đến {hhmm(r.claim_expires_at)}"
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
            "decisions": [{"id": x.id, "moderator": x.moderator, "verdict": x.verdict, "category": x.category,
                           "note": x.note, "at": x.created_at.isoformat(),
                           "undone_at": x.undone_at.isoformat() if x.undone_at else None,
                           "undo_reason": x.undo_reason} for x in d.decisions]}
        ctx.print(json_text(out))
        return 0
    ctx.print(format_detail(d, color=_isatty(ctx), copies=queued))
    return 0


def _isatty(ctx: Context) -> bool:
    isatty = getattr(ctx.out, "isatty", None)
    return bool(isatty and isatty())


def cmd_claim(args: argparse.Namespace, ctx: Context) -> int:
    me, minutes = ctx.moderator(), ctx.config.review.claim_minutes
    if args.next == (args.id is not None):
        raise UsageError("dùng `claim MÃ` hoặc `claim --next`, không cả hai")
    if args.id is not None:
        if args.category:
            raise UsageError("--category chỉ dùng với --next")
        claim = ctx.store.claim(args.id, me, minutes)
    else:
        got = ctx.store.claim_next(me, minutes, EntryFilter(category=check_category(args.category)))
        if got is None:
            ctx.print("Không còn mục nào chờ duyệt.")
            return 0
        claim = got
    ctx.print(f"{me} đã nhận mục #{claim.entry_id} (phiên bản {claim.version}), giữ đến {hhmm(claim.expires_at)}. "
              f"Xem: canhgac show {claim.entry_id}")
    return 0


def cmd_release(args: argparse.Namespace, ctx: Context) -> int:
    me = ctx.moderator()
    if not ctx.store.release(args.id, me):  # audited by the store when it happens
        ctx.store.entry_detail(args.id)  # NotFound when there is no such entry
        raise ConflictError(f"mục #{args.id} không do {me} giữ nên không trả lại được")
    ctx.print(f"{me} đã trả mục #{args.id} về hàng chờ.")
    return 0


def cmd_decide(args: argparse.Namespace, ctx: Context) -> int:
    me = ctx.moderator()
    d = ctx.store.decide(args.id, me, args.verdict, category=check_category(args.category), note=args.note,
                         version=args.version)
    ctx.print(f"Đã ghi: mục #{d.entry_id} — {verdict_vi(d.verdict)}"
              + (f" ({category_vi(d.category)})" if d.category else "") + f" bởi {me}.")
    return 0


def cmd_undo(args: argparse.Namespace, ctx: Context) -> int:
    me = ctx.moderator()
    dec = ctx.store.undo(args.id, me, args.reason)
    ctx.print(f"Đã hoàn tác quyết định «{verdict_vi(dec.verdict)}» của {dec.moderator} trên mục #{args.id}; "
              "mục trở lại hàng chờ.")
    return 0


def cmd_bulk(args: argparse.Namespace, ctx: Context) -> int:
    me = ctx.moderator()
    flt = parse_where(args.where)
    if not 1 <= args.limit <= BULK_MAX:
        raise UsageError(f"--limit phải trong khoảng 1..{BULK_MAX}")
    if args.confirm and not args.yes:
        raise UsageError("--confirm chỉ dùng cùng --yes")
    res = ctx.store.bulk(flt, me, args.verdict, limit=args.limit, apply=args.yes,
                         category=check_category(args.category), note=args.note, confirm=args.confirm)
    what = verdict_vi(args.verdict)
    if not res.applied:
        ctx.print(f"CHẠY THỬ: {len(res.entry_ids)} mục sẽ được ghi «{what}».")
        shown = ctx.store.entries_by_id(res.entry_ids[:30])
        if shown:
            ctx.print(render(["mã", "nhóm (điểm)", "nguồn", "tuổi", "dòng đầu"],
                             [(r.id, flags_text(r), r.source or "-", age(r.created_at), r.title) for r in shown]))
            if len(res.entry_ids) > len(shown):
                ctx.print(f"… và {len(res.entry_ids) - len(shown)} mục khác")
        ctx.print(f"Chưa thay đổi gì. Mã xác nhận: {res.code}. Để thực hiện đúng các mục trên, chạy lại với "
                  f"--yes --confirm {res.code}")
        return 0
    ctx.print(f"Đã ghi «{what}» cho {len(res.entry_ids)} mục (hàng loạt, bởi {me}).")
    return 0


def cmd_review(args: argparse.Namespace, ctx: Context) -> int:
    from review.cli.interactive import run

    return run(ctx, EntryFilter(category=check_category(args.category)))


def cmd_audit_verify(args: argparse.Namespace, ctx: Context) -> int:
    report = ctx.store.verify_audit()
    if not report.ok:
        raise AuditIntegrityError(f"nhật ký kiểm toán KHÔNG toàn vẹn: dòng #{report.bad_id}: {report.reason} "
                                  f"(đã kiểm {report.rows} dòng)")
    ctx.print(f"Nhật ký kiểm toán toàn vẹn: {report.rows} dòng. Mã băm cuối: {report.head}")
    ctx.print("Ghi lại mã băm cuối ở nơi khác để phát hiện cả việc cắt bớt đuôi nhật ký.")
    return 0
