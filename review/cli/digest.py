"""`canhgac digest`: preview or send the weekly summary e-mail for one ISO week."""

from __future__ import annotations

import argparse
import base64
from pathlib import Path
from typing import Any

from review.cli.context import Context
from review.cli.table import printable, render, when
from review.digest import collect_digest, last_complete_week, parse_week
from review.digest_render import render_html, render_text
from review.errors import UsageError
from review.mailer import deliver_week


def register(sub: Any) -> None:
    p = sub.add_parser("digest", help="xem trước hoặc gửi thư bản tin tuần",
                       description="Lập bản tin tổng hợp của một tuần (theo tuần ISO). Không có --preview hay "
                                   "--send thì in bản văn bản thuần. --send gửi tới những người nhận trong [digest] "
                                   "recipients, mỗi người nhận tối đa một lần cho mỗi tuần.")
    p.add_argument("--week", metavar="YYYY-Www",
                   help="tuần ISO, ví dụ 2026-W47 (mặc định: tuần trọn vẹn gần nhất)")
    p.add_argument("--preview", metavar="FILE.html", help="ghi bản HTML (kèm biểu đồ) vào tệp này")
    p.add_argument("--send", action="store_true", help="gửi tới những người nhận đã cấu hình")
    p.add_argument("--retry-uncertain", action="store_true",
                   help="dùng với --send: gửi lại cả những thư bị gián đoạn ở trạng thái 'sending' "
                        "(người nhận có thể nhận trùng)")
    p.add_argument("--log", action="store_true", help="xem đã gửi tuần nào cho ai, lúc nào")
    p.set_defaults(handler=cmd_digest)


def cmd_digest(args: argparse.Namespace, ctx: Context) -> int:
    cfg = ctx.config
    if args.retry_uncertain and not args.send:
        raise UsageError("--retry-uncertain chỉ dùng cùng --send")
    week = args.week or last_complete_week(cfg.digest.timezone)
    parse_week(week)
    if args.log:
        rows = ctx.store.digest_deliveries(args.week)
        ctx.print(render(["tuần", "người nhận", "trạng thái", "lần thử", "gửi lúc", "thử lại lúc", "lỗi"],
                         [(d.iso_week, d.recipient, d.status, d.attempts, when(d.sent_at),
                           when(d.next_attempt_at), (d.last_error or "-")[:60]) for d in rows]))
        return 0
    store = ctx.store
    if args.preview or not args.send:
        data = collect_digest(store, cfg, week)
        if args.preview:
            from review.digest_chart import flags_chart_png  # matplotlib only when drawing
            chart = base64.b64encode(flags_chart_png(data)).decode("ascii")
            html = render_html(data, cfg.digest.timezone, f"data:image/png;base64,{chart}", cfg.digest.base_url)
            path = Path(args.preview)
            try:
                path.write_text(html, encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"không ghi được tệp {path}: {exc.strerror or exc}") from None
            ctx.print(f"Đã ghi bản xem trước tuần {week}: {path}")
        elif not args.send:
            ctx.print(printable(render_text(data, cfg.digest.timezone, cfg.digest.base_url)))
    if not args.send:
        return 0
    if not cfg.digest.recipients:
        raise UsageError("chưa có người nhận: khai báo [digest] recipients trong tệp cấu hình")
    if not cfg.smtp.host:
        raise UsageError("chưa cấu hình máy chủ thư: khai báo [smtp] host trong tệp cấu hình")
    report = deliver_week(store, cfg, week, retry_uncertain=args.retry_uncertain)
    for r in report.sent:
        ctx.print(f"Đã gửi bản tin tuần {week} tới {r}")
    for r in report.skipped:
        row = next(d for d in store.digest_deliveries(week) if d.recipient == r)
        reason = {"sent": f"đã gửi lúc {when(row.sent_at)}",
                  "sending": "đang gửi ở tiến trình khác hoặc bị gián đoạn (xem --retry-uncertain)"}.get(
            row.status, f"chờ thử lại lúc {when(row.next_attempt_at)}")
        ctx.print(f"Bỏ qua {r}: {reason}")
    for r, error in report.failed:
        ctx.err.write(f"canhgac: gửi tới {r} không thành công: {error}\n")
    return 1 if report.failed else 0
