"""The moderators' commands: queue, show, claim, release, decide, undo, bulk, review (interactive), audit verify.

Every command that changes something acts as the moderator named by `--as`, `CANHGAC_MODERATOR` or the
OS user, who must be listed in `[review] moderators`. Conflicts (someone else holds the entry, a stale
version, already decided) exit 1 with a one-line Vietnamese message.

This module holds the group's arguments and the commands that act on entries; `queue` and `show`, which
only look, are review.cli.queue_view.
"""

from __future__ import annotations

import argparse
from typing import Any

from classifier.categories import POSITIVE
from review.cli.context import Context
from review.cli.entryview import flags_text, short_category_vi
from review.cli.queue_view import cmd_queue, cmd_show, empty_category_note, unknown_source
from review.cli.table import age, hhmm_in, printable, render, terminal_width
from review.decision_history import learnt_note
from review.decisions import BULK_MAX, bulk_category, recorded_category
from review.errors import AuditIntegrityError, ConflictError, UsageError
from review.filters import EntryFilter, check_category, parse_where
from review.listing import SORTS
from review.models import VERDICTS
from review.report_marks import entry_mark
from review.types import utcnow
from review.vi import category_vi, verdict_vi

__all__ = ["ENTRY_ID_MAX", "cmd_audit_verify", "cmd_bulk", "cmd_claim", "cmd_decide", "cmd_queue", "cmd_release",
           "cmd_review", "cmd_show", "cmd_undo", "entry_id", "register"]

#: The largest queue number there can be: review entry ids are 32-bit integers on PostgreSQL (SQLite's reach 2**63).
ENTRY_ID_MAX = 2**31 - 1


def entry_id(value: str) -> int:
    """A queue number as typed (`show 60000000000`): beyond what an id can be, no query is made (the database would
    refuse the number with a traceback rather than find no entry). "#12", as every screen writes it, is 12."""
    digits = value.strip()
    digits = digits[1:] if digits.startswith("#") else digits
    try:
        number = int(digits) if digits.isdigit() else int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"không phải số nguyên: {value!r}") from None
    if not 1 <= number <= ENTRY_ID_MAX:
        raise argparse.ArgumentTypeError(f"không có mục #{number} (mã mục là số nguyên từ 1 đến {ENTRY_ID_MAX})")
    return number


def register(sub: Any) -> None:
    p = sub.add_parser("queue", help="xem hàng chờ duyệt, mục ưu tiên cao nhất trước",
                       description="Liệt kê các mục trong hàng chờ duyệt (mặc định: các mục chờ duyệt, theo mức "
                                   "ưu tiên; xem docs/review.md).")
    _filter_args(p)
    p.add_argument("--sort", choices=SORTS, default="priority", help="cách sắp xếp (mặc định: priority)")
    p.add_argument("--limit", type=int, default=50, help="số mục tối đa (mặc định 50)")
    p.add_argument("--json", action="store_true", help="xuất dạng JSON cho máy đọc")
    p.set_defaults(handler=cmd_queue)

    p = sub.add_parser("show", help="xem một mục: nội dung kèm căn cứ, điểm, bản sao, lịch sử")
    p.add_argument("id", type=entry_id, help="mã mục")
    p.add_argument("--json", action="store_true", help="xuất dạng JSON cho máy đọc")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("claim", help="nhận xử lý một mục (hoặc mục kế tiếp) để người khác không quyết định trùng",
                       description="Nhận một mục để xem và quyết định; trong thời gian giữ ([review] claim_minutes "
                                   "phút) người khác không nhận hay quyết định được mục đó. Hết thời gian mà chưa "
                                   "quyết định thì ai cũng nhận được. Nhận lại mục mình đang giữ là gia hạn.")
    p.add_argument("id", type=entry_id, nargs="?", help="mã mục")
    p.add_argument("--next", action="store_true", help="nhận mục ưu tiên cao nhất còn nhận được")
    p.add_argument("--category", help="dùng với --next: chỉ các mục bị gắn cờ nhóm này")
    _acting_as(p)
    p.set_defaults(handler=cmd_claim)

    p = sub.add_parser("release", help="trả mục đang nhận (chưa quyết định) về hàng chờ",
                       description="Trả mục mình đang giữ về hàng chờ, chưa quyết định, để người khác nhận được "
                                   "ngay (không phải chờ hết thời gian giữ). Việc trả mục được ghi nhật ký.")
    p.add_argument("id", type=entry_id, help="mã mục")
    _acting_as(p)
    p.set_defaults(handler=cmd_release)

    p = sub.add_parser("decide", help="ghi kết luận cho một mục",
                       description="Ghi kết luận cho một mục (chưa nhận thì nhận luôn): violation (vi phạm), "
                                   "warn (vi phạm, đã cảnh báo người đăng hoặc trang; ghi cách cảnh báo vào --note), "
                                   "dismiss (bỏ qua, không vi phạm), escalate (chuyển cơ quan chức năng, cần "
                                   "--note: chuyển cho ai, vì sao), commend (tôn vinh, chỉ với nhóm positive). "
                                   "--category sửa lại nhóm. Mục đang do người khác giữ, hoặc đã có quyết định, "
                                   "thì không ghi được; sửa quyết định bằng `canhgac undo`.")
    p.add_argument("id", type=entry_id, help="mã mục")
    p.add_argument("--verdict", required=True, choices=VERDICTS,
                   help="kết luận: violation (vi phạm), warn (vi phạm, đã cảnh báo), dismiss (bỏ qua), "
                        "escalate (chuyển cơ quan chức năng), commend (tôn vinh)")
    p.add_argument("--category", help="sửa lại nhóm (khi vi phạm/tôn vinh): mã hoặc tên tiếng Việt, ví dụ scam "
                                      "hoặc \"lừa đảo\"")
    p.add_argument("--note", help="ghi chú; bắt buộc khi escalate (chuyển cho ai, vì sao)")
    p.add_argument("--version", type=int,
                   help="phiên bản mục bạn đã xem; bị từ chối nếu mục đã thay đổi từ đó")
    _acting_as(p)
    p.set_defaults(handler=cmd_decide)

    p = sub.add_parser("undo", help="hoàn tác quyết định gần nhất của một mục (lịch sử vẫn giữ cả hai)",
                       description="Hoàn tác quyết định gần nhất của một mục (của mình hay của cán bộ khác), cần "
                                   "--reason; mục trở lại hàng chờ. Quyết định cũ vẫn nằm trong lịch sử của mục "
                                   "(`canhgac show`) và nhật ký kiểm toán.")
    p.add_argument("id", type=entry_id, help="mã mục")
    p.add_argument("--reason", required=True, help="lý do hoàn tác")
    _acting_as(p)
    p.set_defaults(handler=cmd_undo)

    p = sub.add_parser("bulk", help="một kết luận cho nhiều mục (chỉ chạy thử nếu không có --yes)",
                       description="Một kết luận cho nhiều mục chọn theo --where. Không có --yes thì chỉ chạy thử: "
                                   "liệt kê các mục sẽ được ghi và in mã xác nhận; chạy lại với --yes --confirm "
                                   "MÃ để ghi đúng các mục đó. Mục người khác đang giữ không bị động đến; [PA] là "
                                   "phản ánh của người dân (loại ra bằng report=no).")
    p.add_argument("--verdict", required=True, choices=VERDICTS,
                   help="kết luận ghi cho các mục (warn: vi phạm, đã cảnh báo)")
    p.add_argument("--where", required=True, metavar="FILTERS",
                   help="điều kiện chọn mục, ví dụ 'category=offensive source=fb score<0.6 since=7d report=no'")
    p.add_argument("--limit", type=int, default=100, help=f"số mục tối đa (≤ {BULK_MAX})")
    p.add_argument("--category",
                   help="ghi quyết định vào nhóm này cho mọi mục (mặc định: nhóm trong --where category=..., nếu "
                        "không có thì nhóm chính của từng mục)")
    p.add_argument("--note", help="ghi chú kèm quyết định")
    p.add_argument("--yes", action="store_true", help="thực hiện thật (nếu không chỉ hiện những gì sẽ thay đổi)")
    p.add_argument("--confirm", metavar="CODE",
                   help="dùng với --yes: chỉ thực hiện nếu danh sách mục vẫn đúng như lần chạy thử có mã này")
    _acting_as(p)
    p.set_defaults(handler=cmd_bulk)

    p = sub.add_parser("review", help="duyệt lần lượt từng mục ngay trên màn hình",
                       description="Duyệt lần lượt: mỗi mục ưu tiên cao nhất được nhận cho bạn và hiện ra; bấm một "
                                   "phím: [v] vi phạm, [c] vi phạm, đã cảnh báo, [b] bỏ qua, [e] chuyển cơ quan "
                                   "chức năng (hỏi ghi chú), [t] tôn vinh, [s] để sau (trả mục về hàng chờ), [n] ghi chú cho quyết định sắp "
                                   "tới, [u] hoàn tác quyết định trước của bạn, [q] thoát. Mỗi quyết định được ghi "
                                   "ngay khi bấm; Ctrl-C dừng mà không mất quyết định nào, mục đang xem được trả "
                                   "về hàng chờ.")
    p.add_argument("--category", help="chỉ các mục bị gắn cờ nhóm này")
    _acting_as(p)
    p.set_defaults(handler=cmd_review)

    p = sub.add_parser("audit", help="công cụ nhật ký kiểm toán")
    asub = p.add_subparsers(title="lệnh", dest="audit_cmd", required=True, metavar="{verify}")
    v = asub.add_parser("verify", help="kiểm tra chuỗi mã băm của nhật ký kiểm toán")
    v.set_defaults(handler=cmd_audit_verify)


def _acting_as(p: argparse.ArgumentParser) -> None:
    """`--as NAME` after the command too (`canhgac decide 12 --verdict dismiss --as lan`), as before it; given in
    both places, the one after the command counts."""
    p.add_argument("--as", dest="moderator", metavar="NAME", default=argparse.SUPPRESS,
                   help="thực hiện với tư cách cán bộ duyệt này (như --as đặt trước lệnh)")


def _filter_args(p: argparse.ArgumentParser) -> None:
    """`queue`'s filters; read back by `review.cli.queue_view.filter_from`."""
    p.add_argument("--category", help="mục chưa quyết định (hoặc bỏ qua) bị gắn cờ nhóm này; mục đã quyết định: nhóm "
                                         "ghi trong quyết định (mã hoặc tên tiếng Việt, ví dụ scam hoặc \"lừa đảo\")")
    p.add_argument("--status", help="open (chờ duyệt, mặc định), claimed (đang xử lý) hoặc decided (đã quyết định)")
    p.add_argument("--source", help="tên nguồn")
    p.add_argument("--since", help="vào hàng chờ từ: DD/MM/YYYY, YYYY-MM-DD (giờ Việt Nam) hoặc 7d/36h")



def cmd_claim(args: argparse.Namespace, ctx: Context) -> int:
    me, minutes = ctx.moderator(), ctx.config.review.claim_minutes
    if args.next and args.id is not None:
        raise UsageError("dùng `claim MÃ` hoặc `claim --next`, không cả hai")
    if not args.next and args.id is None:
        raise UsageError("cần cho biết mục nào: `claim MÃ` hoặc `claim --next` (mục ưu tiên cao nhất)")
    if args.id is not None:
        if args.category:
            raise UsageError("--category chỉ dùng với --next")
        claim = ctx.store.claim(args.id, me, minutes)
    else:
        flt = EntryFilter(category=check_category(args.category))
        got = ctx.store.claim_next(me, minutes, flt)
        if got is None:
            ctx.print(empty_category_note(ctx.store, flt) or "Không còn mục nào chờ duyệt.")
            return 0
        claim = got
    ctx.print(f"{me} đã nhận mục #{claim.entry_id} (phiên bản {claim.version}), giữ đến {hhmm_in(claim.expires_at, ctx.config.digest.timezone)}. "
              f"Xem: canhgac show {claim.entry_id}")
    return 0


def cmd_release(args: argparse.Namespace, ctx: Context) -> int:
    me = ctx.moderator()
    if not ctx.store.release(args.id, me):  # audited by the store when it happens
        row = ctx.store.entry_detail(args.id).row  # NotFound when there is no such entry
        tz = ctx.config.digest.timezone  # as `claim` and `show` say the hold
        if row.status == "decided":  # e.g. my claim lapsed and a colleague decided it
            now = f"đã được {printable(row.claimant or 'người khác')} quyết định ({verdict_vi(row.verdict)})"
        elif row.claim_lapsed(utcnow()):  # as `show` and `queue` say it: no one holds it any more
            now = (f"đã hết hạn giữ ({printable(row.claimant or '')} nhận, hết hạn lúc {hhmm_in(row.claim_expires_at, tz)}; "
                   f"ai cũng nhận được: canhgac claim {args.id})")
        elif row.status == "claimed":
            now = f"đang do {printable(row.claimant or '')} giữ (đến {hhmm_in(row.claim_expires_at, tz)})"
        else:
            now = "chưa ai nhận, vẫn trong hàng chờ"
        raise ConflictError(f"mục #{args.id} không do {me} giữ nên không trả lại được: mục {now}")
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
    if dec.moderator != me:  # allowed (any listed moderator may undo), and audited: say so plainly
        ctx.print(f"Lưu ý: {me} đã hoàn tác quyết định của người khác ({dec.moderator}) trên mục #{args.id}; "
                  "việc này đã được ghi vào nhật ký kiểm toán.")
    note = learnt_note(ctx.config.classifier, ctx.store, dec.id)
    if note:  # the bank forgot it at once; an activated retrain did not
        ctx.print(note)
    return 0


def cmd_bulk(args: argparse.Namespace, ctx: Context) -> int:
    me = ctx.moderator()
    flt = parse_where(args.where)
    if not 1 <= args.limit <= BULK_MAX:
        raise UsageError(f"--limit phải trong khoảng 1..{BULK_MAX}")
    if args.confirm and not args.yes:
        raise UsageError("--confirm chỉ dùng cùng --yes")
    category = check_category(args.category)
    res = None
    if args.yes and not args.confirm:  # checked and selected as the real run would: an empty one acts on nothing,
        # so it writes no "bulk" audit row for 0 entries (a --confirm code is never printed for an empty selection)
        res = ctx.store.bulk(flt, me, args.verdict, limit=args.limit, apply=False, category=category, note=args.note)
    if res is None or res.entry_ids:
        res = ctx.store.bulk(flt, me, args.verdict, limit=args.limit, apply=args.yes,
                             category=category, note=args.note, confirm=args.confirm)
    what = verdict_vi(args.verdict)
    into = bulk_category(args.verdict, category, flt.category) or (POSITIVE if args.verdict == "commend" else None)
    unknown = unknown_source(ctx, flt.source)
    if unknown:
        ctx.print(unknown)
    if not res.applied and not res.entry_ids:  # nothing to confirm: no code for an empty selection
        ctx.print(f"Không có mục nào chưa quyết định phù hợp với --where {args.where!r} (mục người khác đang giữ "
                  "không tính). " + ("Không thay đổi gì." if args.yes else "Chạy thử, chưa thay đổi gì."))
        return 0
    if not res.applied:
        ctx.print(f"CHẠY THỬ: {len(res.entry_ids)} mục sẽ được ghi «{what}».")
        selected = ctx.store.entries_by_id(res.entry_ids)
        shown = selected[:30]
        if shown:
            marks = ctx.store.reporters_by_entry([r.id for r in shown])  # pasted or not, as `queue` marks them
            ctx.print(render(["mã", "nhóm (điểm)", "ghi vào nhóm", "nguồn", "tuổi", "dòng đầu"],
                             [(r.id, flags_text(r) + entry_mark(r, marks),
                               short_category_vi(recorded_category(args.verdict, category, flt.category,
                                                                   r.top_category)),
                               r.source or "-", age(r.created_at), r.title) for r in shown],
                             width=terminal_width(ctx.out)))
            if len(res.entry_ids) > len(shown):
                ctx.print(f"… và {len(res.entry_ids) - len(shown)} mục khác")
        reports = sum(1 for r in selected if r.is_report)
        if reports:  # a person asked the office to look at these: never swept away unnoticed
            ctx.print(f"Lưu ý: {reports} mục là phản ánh của người dân ([PA]); để loại ra, thêm report=no vào --where.")
        ctx.print(f"Chưa thay đổi gì. Mã xác nhận: {res.code}. Để thực hiện đúng các mục trên, chạy lại với "
                  f"--yes --confirm {res.code}")
        return 0
    ctx.print(f"Đã ghi «{what}» cho {len(res.entry_ids)} mục (hàng loạt, bởi {me})"
              + (f", vào nhóm «{category_vi(into)}»." if into else ", mỗi mục vào nhóm chính của nó."))
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
