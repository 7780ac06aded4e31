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
    p = sub.add_parser("digest", help="preview or send the weekly summary e-mail",
                       description="Build the weekly summary (Vietnamese) for one ISO week. Without --preview "
                                   "or --send, prints the plain-text version. --send delivers it to [digest] "
                                   "recipients, at most once per week and recipient.")
    p.add_argument("--week", metavar="YYYY-Www", help="ISO week, e.g. 2026-W47 (default: the last complete week)")
    p.add_argument("--preview", metavar="FILE.html", help="write the HTML (chart embedded) to this file")
    p.add_argument("--send", action="store_true", help="send it to the configured recipients")
    p.add_argument("--retry-uncertain", action="store_true",
                   help="with --send: also resend rows left in 'sending' by a crash (may duplicate an e-mail)")
    p.add_argument("--log", action="store_true", help="show who was sent which week and when")
    p.set_defaults(handler=cmd_digest)


def cmd_digest(args: argparse.Namespace, ctx: Context) -> int:
    cfg = ctx.config
    if args.retry_uncertain and not args.send:
        raise UsageError("--retry-uncertain only makes sense with --send")
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
                raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
            ctx.print(f"Đã ghi bản xem trước tuần {week}: {path}")
        elif not args.send:
            ctx.print(printable(render_text(data, cfg.digest.timezone, cfg.digest.base_url)))
    if not args.send:
        return 0
    if not cfg.digest.recipients:
        raise UsageError("no recipients: set [digest] recipients in the configuration")
    if not cfg.smtp.host:
        raise UsageError("SMTP is not configured: set [smtp] host in the configuration")
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
        ctx.err.write(f"canhgac: sending to {r} failed: {error}\n")
    return 1 if report.failed else 0
