"""`canhgac digest`: preview or send the weekly summary e-mail for one ISO week."""

from __future__ import annotations

import argparse
import base64
from datetime import timedelta
from pathlib import Path
from typing import Any

from classifier.os_errors import reason_vi
from review.cli.context import Context
from review.cli.table import printable, render, terminal_width, when, zone_vi
from review.digest import WeekProgress, collect_digest, last_complete_week, parse_week, week_progress
from review.digest_log import FAILED, PENDING, SENDING, SENT, DigestDelivery
from review.digest_render import render_html, render_text
from review.errors import UsageError
from review.filters import YEAR_MIN
from review.mailer import deliver_week


def register(sub: Any) -> None:
    p = sub.add_parser("digest", help="xem trước hoặc gửi thư bản tin tuần",
                       description="Lập bản tin tổng hợp của một tuần (theo tuần ISO). Không có --preview hay "
                                   "--send thì in bản văn bản thuần. --send gửi tới những người nhận trong [digest] "
                                   "recipients, mỗi người nhận tối đa một lần cho mỗi tuần; "
                                   "thư gửi lỗi trước đó được gửi lại ngay, không chờ lượt tự thử lại. Tuần chưa "
                                   "kết thúc thì chỉ xem trước được (số liệu chưa đầy đủ), không gửi được.")
    p.add_argument("--week", metavar="YYYY-Www",
                   help=f"tuần ISO, ví dụ 2026-W47, năm từ {YEAR_MIN} đến năm sau (mặc định: tuần trọn vẹn gần nhất)")
    p.add_argument("--preview", metavar="FILE.html", help="ghi bản HTML (kèm biểu đồ) vào tệp này")
    p.add_argument("--send", action="store_true",
                   help="gửi tới những người nhận chưa nhận bản tin tuần này (thư lỗi trước đó được gửi lại ngay); "
                        "chỉ gửi được tuần đã kết thúc theo giờ Việt Nam")
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
    tz = cfg.digest.timezone
    if args.log:
        rows = ctx.store.digest_deliveries(args.week)
        ctx.print(render(["tuần", "người nhận", "trạng thái", "lần thử", "gửi lúc"],
                         [(d.iso_week, d.recipient, status_vi(d, tz), d.attempts, when(d.sent_at, tz)) for d in rows],
                         max_col=80))
        failed = [d for d in rows if d.last_error and d.last_error.strip()]
        if failed:  # below the table, whole: the end of a reason is often how to fix it
            ctx.print("Lỗi:")
            width = terminal_width(ctx.out)
            for d in failed:
                for line in error_lines(f"{d.iso_week} {printable(d.recipient)}", d.last_error or "", width):
                    ctx.print(line)
        ctx.print(f"Thời gian theo {zone_vi(tz)}. Thư lỗi được tiến trình nền tự gửi lại; "
                  "`canhgac digest --week TUẦN --send` gửi lại ngay.")
        if any(d.uncertain for d in rows):
            ctx.print("Thư chưa rõ đã tới người nhận chưa: " + UNCERTAIN_HELP.format(week="TUẦN"))
        return 0
    progress = week_progress(week, cfg.digest.timezone)
    if args.send and not progress.over:
        raise UsageError(unfinished_send(week, progress))
    store = ctx.store
    if args.preview or not args.send:
        data = collect_digest(store, cfg, week)
        if not progress.over:  # a preview records nothing: allowed, but its numbers are not the week's
            ctx.print(partial_note(week, progress))
        if args.preview:
            from review.digest_chart import flags_chart_png  # matplotlib only when drawing
            chart = base64.b64encode(flags_chart_png(data)).decode("ascii")
            html = render_html(data, cfg.digest.timezone, f"data:image/png;base64,{chart}", cfg.digest.base_url)
            path = Path(args.preview)
            try:
                path.write_text(html, encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"không ghi được tệp {path}: {reason_vi(exc)}") from None
            ctx.print(f"Đã ghi bản xem trước tuần {week}: {path}")
        elif not args.send:
            ctx.print(printable(render_text(data, cfg.digest.timezone, cfg.digest.base_url)))
    if not args.send:
        return 0
    if not cfg.digest.recipients:
        raise UsageError("chưa có người nhận: khai báo [digest] recipients trong tệp cấu hình")
    if not cfg.smtp.host:
        raise UsageError("chưa cấu hình máy chủ thư: khai báo [smtp] host trong tệp cấu hình")
    # A person asked for it: a failed delivery is retried now (the backoff paces the daemon only); one
    # already sent, or being sent by another process, is still never sent again (`review.digest_log`).
    report = deliver_week(store, cfg, week, retry_uncertain=args.retry_uncertain, manual=True)
    deliveries = {d.recipient: d for d in store.digest_deliveries(week)}
    for r in report.sent:
        ctx.print(f"Đã gửi bản tin tuần {week} tới {r}")
    for r in report.skipped:
        row = deliveries[r]
        reason = {SENT: f"đã gửi lúc {when(row.sent_at, tz)}",
                  SENDING: "đang gửi ở tiến trình khác hoặc bị gián đoạn (xem --retry-uncertain)"}.get(
            row.status, status_vi(row, tz))
        if row.uncertain:
            reason = f"{printable(row.last_error or '')} — {UNCERTAIN_HELP.format(week=week)}"
        ctx.print(f"Bỏ qua {r}: {reason}")
    for r, error in report.failed:
        row = deliveries[r]
        later = (f"Tiến trình nền sẽ tự gửi lại lúc {when(row.next_attempt_at, tz)} ({zone_vi(tz)})"
                 if row.next_attempt_at is not None else "Đã hết lượt tự gửi lại")
        ctx.err.write(f"canhgac: gửi bản tin tuần {week} tới {r} không thành công (lần thử {row.attempts}): "
                      f"{error}. {later}; chạy lại lệnh này để gửi ngay.\n")
    for r, why in report.uncertain:
        ctx.err.write(f"canhgac: bản tin tuần {week} tới {r}: {why} — {UNCERTAIN_HELP.format(week=week)}\n")
    return 1 if report.failed or report.uncertain else 0


def unfinished_send(week: str, progress: WeekProgress) -> str:
    """Why `--send` refuses a week that has not ended, and what to run instead."""
    last_day = (progress.end - timedelta(days=1)).strftime("%d/%m/%Y")
    if progress.started:
        why = f"tuần {week} chưa kết thúc (hết Chủ nhật {last_day}, giờ Việt Nam)"
    else:
        why = f"tuần {week} chưa bắt đầu (từ thứ Hai {progress.start:%d/%m/%Y} đến hết Chủ nhật {last_day})"
    data = "Số liệu của tuần chưa đầy đủ" if progress.started else "Tuần chưa có số liệu"
    return (f"{why}: không gửi được. {data}, mà mỗi người nhận chỉ nhận bản tin mỗi tuần một lần: gửi bây giờ "
            f"thì bản tin đủ cả tuần sẽ không bao giờ được gửi. Bản tin được gửi tự động sau khi "
            f"tuần kết thúc. Muốn xem trước (không gửi, không ghi nhận gì): chạy `canhgac digest --week {week}` "
            f"(không có --send), hoặc thêm --preview TỆP.html.")


def partial_note(week: str, progress: WeekProgress) -> str:
    """The line a preview of a week that has not ended starts with."""
    if not progress.started:
        return f"Lưu ý: tuần {week} chưa bắt đầu: chưa có số liệu, bản xem trước này chưa đầy đủ."
    return (f"Lưu ý: tuần {week} chưa kết thúc: số liệu mới tính đến {progress.now:%d/%m/%Y %H:%M} (giờ Việt Nam), "
            f"chưa đầy đủ. Đây chỉ là bản xem trước, không gửi cho ai.")


# after why a delivery is uncertain (`review.mailer.describe_uncertain`): what it means and what to do
UNCERTAIN_HELP = ("có thể người nhận đã nhận được, cũng có thể chưa; thư này không tự gửi lại để người nhận không "
                  "nhận trùng. Hãy hỏi người nhận; nếu chưa nhận được, chạy "
                  "`canhgac digest --week {week} --send --retry-uncertain` để gửi lại.")


def status_vi(d: DigestDelivery, tz: str | None = None) -> str:
    """A delivery's state as `digest --log` shows it, times in `tz` (`[digest] timezone`; default Vietnam time)."""
    if d.status == SENT:
        return "đã gửi"
    if d.uncertain:
        return "chưa rõ đã tới người nhận chưa, không tự gửi lại (xem --retry-uncertain)"
    if d.status == SENDING:
        return "đang gửi hoặc bị gián đoạn (xem --retry-uncertain)"
    if d.status == PENDING:
        return "chờ gửi"
    if d.status == FAILED:
        if d.next_attempt_at is None:
            return "lỗi, hết lượt tự gửi lại"
        return f"lỗi, thử lại lúc {when(d.next_attempt_at, tz)}"
    return d.status


def error_lines(label: str, error: str, width: int | None) -> list[str]:
    """`  • label: ` and the first line of `error`, whole. On a terminal of `width` columns it is wrapped at spaces
    (a word, a Vietnamese syllable, an address is never cut), the lines after the first indented; elsewhere
    (`width` None: a pipe, a file) it stays one line."""
    import textwrap

    first = next((line for line in printable(error).splitlines() if line.strip()), "")
    text = f"  • {label}: {' '.join(first.split())}"
    if width is None or len(text) <= width:
        return [text]
    return textwrap.wrap(text, width=max(width, 20), subsequent_indent="    ", break_long_words=False,
                         break_on_hyphens=False)
