"""`canhgac init`, `canhgac status`, `canhgac config check`: set up and look at the installation."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from classifier.categories import VI_LABELS
from review.below_threshold import below_threshold_clause
from review.cli.context import Context
from review.cli.digest import UNCERTAIN_HELP
from review.cli.entryview import BELOW_THRESHOLD_VI
from review.cli.status_table import sources_table
from review.cli.table import age, iso, printable, terminal_width, when, zone_vi
from review.config import no_config_file_vi, recipient_address, refuse_new_default_database
from review.database import make_engine, upgrade
from review.digest import week_bounds
from review.digest_log import FAILED, DigestDelivery
from review.errors import CanhgacError, UsageError
from review.models import DigestSent, ReviewEntry, Setting
from review.rescore_pending import other_model_line, waiting_scored_by_other_model
from review.stats import backlog_now
from review.types import utcnow
from review.url_secrets import url_shown


def register(sub: Any) -> None:
    p = sub.add_parser("init", help="tạo hoặc nâng cấp cơ sở dữ liệu",
                       description="Tạo cấu trúc cơ sở dữ liệu, hoặc nâng cấp lên phiên bản này (không mất dữ liệu). "
                                   "Không có tệp cấu hình (--config, CANHGAC_CONFIG, ./canhgac.toml) thì không tạo "
                                   "cơ sở dữ liệu mặc định mới, chỉ nâng cấp ./canhgac.db đã có.")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("status", help="tình trạng nguồn, lần thu thập gần nhất, hàng chờ, mô hình đang dùng",
                       description="Xem tình trạng từng nguồn, số mục chờ duyệt, bản tin tuần gửi gần nhất và mô hình "
                                   "đang dùng. Ngày giờ theo [digest] timezone (mặc định giờ Việt Nam). Mã trả về, để "
                                   "kịch bản giám sát báo động: 0 khi mọi thứ bình thường; 1 khi có điều cần xử lý, "
                                   "mỗi điều là một dòng CẢNH BÁO (nguồn còn trong cấu hình và đang bật bị lỗi liên "
                                   "tiếp từ [review] failure_alert lần, bản tin tuần chưa tới người nhận, không tìm "
                                   "thấy tệp mô hình, không tìm thấy tệp cấu hình, khoá còn giữ giá trị của tệp mẫu "
                                   "canhgac.example.toml; --json: warnings); 2 khi dòng lệnh hay tệp cấu hình sai; 3 khi không đọc "
                                   "được cơ sở dữ liệu nên chưa kiểm tra được gì (lỗi ghi ở stderr).")
    p.add_argument("--json", action="store_true", help="xuất dạng JSON cho máy đọc")
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser("copy-database", help="chép toàn bộ dữ liệu sang một cơ sở dữ liệu trống (SQLite → PostgreSQL)",
                       description="Chép mọi bảng (tin thu thập, hàng chờ, quyết định, nhật ký kiểm toán, kho mẫu, "
                                   "trạng thái nguồn tin, báo cáo, lượt chạy...) từ cơ sở dữ liệu nguồn sang cơ sở dữ "
                                   "liệu đích trống, giữ nguyên mã số, trong một giao dịch: lỗi giữa chừng thì đích vẫn "
                                   "trống và chỉ cần chạy lại. Dừng `canhgac run` và các lượt thu thập trước khi chép.")
    p.add_argument("--from", dest="source", metavar="URL",
                   help="cơ sở dữ liệu nguồn (mặc định: [database] url của tệp cấu hình)")
    p.add_argument("--to", dest="target", metavar="URL", required=True,
                   help="cơ sở dữ liệu đích, trống (ví dụ postgresql+psycopg://canhgac@localhost/canhgac)")
    p.set_defaults(handler=cmd_copy_database)

    p = sub.add_parser("config", help="công cụ cấu hình")
    csub = p.add_subparsers(title="lệnh", dest="config_cmd", required=True, metavar="{check}")
    c = csub.add_parser("check", help="kiểm tra tệp cấu hình và in tóm tắt")
    c.set_defaults(handler=cmd_config_check)


def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    cfg = ctx.config
    refuse_new_default_database(cfg, "init")  # no config file: upgrades an existing ./canhgac.db, creates none
    engine = make_engine(cfg.database.url)
    try:
        before, after = upgrade(engine)
    finally:
        engine.dispose()
    ctx.store.sync_sources(cfg.sources)
    if before == after:
        ctx.print(f"Cơ sở dữ liệu {_safe_url(cfg.database.url)} đã ở phiên bản mới nhất ({after}).")
    elif before is None:
        ctx.print(f"Đã tạo cơ sở dữ liệu {_safe_url(cfg.database.url)} (phiên bản {after}).")
    else:
        ctx.print(f"Đã nâng cấp cơ sở dữ liệu {_safe_url(cfg.database.url)} từ phiên bản {before} lên {after}.")
    return 0


def cmd_copy_database(args: argparse.Namespace, ctx: Context) -> int:
    from review.copy_database import CopiedTable, check_url, copy_database

    source = args.source or ctx.config.database.url
    check_url("--from", source)
    check_url("--to", args.target)
    ctx.print(f"Chép {_safe_url(source)} → {_safe_url(args.target)}")

    def copied(table: CopiedTable) -> None:
        nul = (f" (bỏ ký tự NUL (U+0000), PostgreSQL không nhận, khỏi {table.nul_removed} giá trị)"
               if table.nul_removed else "")
        ctx.print(f"  {table.name}: {table.rows} dòng" + ("" if table.finished else "…") + nul)
        ctx.out.flush()  # a long copy shows how far it got

    tables = copy_database(source, args.target, copied=copied)
    total = sum(t.rows for t in tables)
    ctx.print(f"Đã chép {total} dòng trong {len(tables)} bảng; số dòng từng bảng ở đích khớp với nguồn.")
    cleaned = [t for t in tables if t.nul_removed]
    if cleaned:
        ctx.print(f"Đã bỏ ký tự NUL (U+0000) khỏi {sum(t.nul_removed for t in cleaned)} giá trị (" +
                  ", ".join(f"{t.name}: {t.nul_removed}" for t in cleaned) + "); phần còn lại của các giá trị đó giữ "
                  "nguyên.")
    ctx.print("Tiếp theo: đặt [database] url trong canhgac.toml trỏ tới cơ sở dữ liệu đích rồi chạy `canhgac status`; "
              "giữ lại cơ sở dữ liệu nguồn làm bản sao lưu.")
    return 0


def _safe_url(url: str) -> str:
    """The URL without a password (`user:password@` or `?password=`), for printing."""
    return url_shown(url)


def active_model_description(ctx: Context) -> str:
    """The model in use: the one activated by `train --activate`, else the configured, else the default;
    a model file that is not there is said so (crawls then store items unscored)."""
    with ctx.store.session() as s:
        row = s.get(Setting, "active_model")
    if row is not None:
        path = row.value.get("path")
        name = str(row.value.get("version") or path)
        if path and not Path(str(path)).is_file():
            return f"{name} ({MISSING_MODEL_VI}; dùng {ctx.config.classifier.model or 'mô hình mặc định'})"
        return name
    configured = ctx.config.classifier.model
    if configured and not Path(configured).is_file():
        return f"{configured} ({MISSING_MODEL_VI})"
    return configured or "mô hình mặc định (kèm theo phần mềm)"


MISSING_MODEL_VI = "KHÔNG TÌM THẤY tệp mô hình: các lượt thu thập sẽ lưu tin mà không chấm điểm"


#: `status`'s exit code when it cannot read the database: apart from 1 (a CẢNH BÁO), so monitoring tells "something
#: needs attention" from "nothing could be checked" (Nagios reads 3 as UNKNOWN). Documented in --help, docs/deploy.md.
STATUS_UNREADABLE = 3


class DatabaseUnreadable(CanhgacError):
    exit_code = STATUS_UNREADABLE


def cmd_status(args: argparse.Namespace, ctx: Context) -> int:
    ctx.config  # noqa: B018 - a wrong configuration file stays exit 2, read before the database is
    try:
        return _status(args, ctx)
    except UsageError:
        raise
    except (CanhgacError, SQLAlchemyError) as exc:  # not reachable, not a database, schema too old...
        said = " ".join(str(exc.orig if isinstance(exc, DBAPIError) else exc).split())
        raise DatabaseUnreadable(f"không đọc được cơ sở dữ liệu, chưa kiểm tra được gì (mã trả về "
                                 f"{STATUS_UNREADABLE}): {said}") from None


def _status(args: argparse.Namespace, ctx: Context) -> int:
    cfg, store = ctx.config, ctx.store
    store.sync_sources(cfg.sources)
    health = store.source_health()
    configured = {s.name for s in cfg.sources}
    enabled = {s.name for s in cfg.sources if s.enabled}
    with store.session() as s:
        queue = backlog_now(s)  # entries below threshold after a re-score counted apart
        backlog, oldest = queue.waiting, queue.oldest_open
        by_category: dict[str, int] = {c: n for c, n in s.execute(
            select(ReviewEntry.top_category, func.count())
            .where(ReviewEntry.status != "decided", ~below_threshold_clause())
            .group_by(ReviewEntry.top_category).order_by(func.count().desc(), ReviewEntry.top_category))}
        last_digest = s.scalar(select(func.max(DigestSent.sent_at)).where(DigestSent.status == "sent"))
    model = active_model_description(ctx)
    # a note, not a warning: nothing is broken, and a person decides whether to rescore (the daemon never does)
    rescorable = waiting_scored_by_other_model(cfg.classifier, store)
    undelivered = _undelivered_digests(ctx)
    # a source taken out of the configuration or switched off is shown, but warns no more: nothing will run it
    failing = [h.name for h in health if h.consecutive_failures >= cfg.review.failure_alert and h.name in enabled]
    warnings = [code for code, present in (("source_failing", failing), ("digest_undelivered", undelivered),
                                           ("model_missing", MISSING_MODEL_VI in model),
                                           ("config_missing", not cfg.path),
                                           ("example_values", cfg.example_values)) if present]
    tz = cfg.digest.timezone
    if args.json:
        from review.housekeeping import lease_holder

        lease = lease_holder(store)
        ctx.print(json.dumps({
            "database": _safe_url(cfg.database.url),
            "sources": [{"name": h.name, "kind": h.kind, "configured": h.name in configured,
                         "enabled": h.name in enabled,
                         "last_run": iso(h.last_run_at), "result": h.last_status,
                         "last_success": iso(h.last_success_at),
                         "items_last_run": h.items_last_run, "items_total": h.items_total,
                         "consecutive_failures": h.consecutive_failures, "last_error": h.last_error,
                         "last_error_at": iso(h.last_error_at), "last_error_current": h.current_error is not None,
                         "next_run": iso(h.next_run_at)} for h in health],
            "backlog": backlog, "below_threshold": queue.below_threshold, "backlog_by_category": by_category, "oldest_open": iso(oldest), "last_digest": iso(last_digest),
            "digest_problems": [{"week": d.iso_week, "recipient": d.recipient,
                                 "state": "uncertain" if d.uncertain else "failed", "attempts": d.attempts,
                                 "error": d.last_error, "next_attempt": iso(d.next_attempt_at)} for d in undelivered],
            "model": model, "other_model_scores": None if rescorable is None else {
                "model_in_use": rescorable.in_use, "count": rescorable.count, "by_model": rescorable.by_model},
            "daemon": lease.holder if lease is not None else None,
            "daemon_since": iso(lease.acquired_at) if lease is not None else None,
            "failing": failing, "example_values": list(cfg.example_values), "warnings": warnings},
            ensure_ascii=False, indent=2))
        return 1 if warnings else 0
    daemon = _daemon_line(ctx, tz)
    ctx.print(f"Cơ sở dữ liệu: {_safe_url(cfg.database.url)}")
    ctx.print(f"Mô hình đang dùng: {model}")
    ctx.print(f"Tiến trình nền (canhgac run): {daemon or 'không chạy'}")
    if health:
        # fitted to a terminal like `queue`'s; piped, the full table as it always was (scripts may read it)
        table, legend = sources_table(health, configured, enabled, daemon is not None, tz, terminal_width(ctx.out))
        ctx.print(table)
        if legend:
            ctx.print(legend)
        # in full, below the table: the end of a reason is often how to fix it. Not an error a successful run
        # began after (fixed since), nor a source no longer configured (nothing will run it)
        errors = [h for h in health if h.current_error and h.name in configured]
        if errors:
            ctx.print("Lỗi gần nhất:")
            for h in errors:
                at = f" ({when(h.last_error_at, tz)})" if h.last_error_at is not None else ""
                ctx.print(f"  • {printable(h.name)}{at}: "
                          + printable(h.current_error or "").strip().replace("\n", "\n    "))
    else:
        ctx.print("Chưa cấu hình nguồn nào ([[sources]] trong canhgac.toml).")
    ctx.print(f"Hàng chờ duyệt: {backlog} mục; mục mở lâu nhất: {age(oldest)}"
              + (f"; ngoài ra {queue.below_threshold} mục {BELOW_THRESHOLD_VI} (xếp cuối hàng chờ)"
                 if queue.below_threshold else ""))
    if by_category:
        ctx.print("  theo nhóm chính: " + "; ".join(f"{VI_LABELS.get(c, c)}: {n}" for c, n in by_category.items()))
    note = other_model_line(rescorable) if rescorable is not None else None
    if note:
        ctx.print(note)
    ctx.print(f"Bản tin tuần gửi gần nhất: {when(last_digest, tz)}")
    for d in undelivered:
        said = printable(" ".join((d.last_error or "").split()))
        if d.uncertain:  # its error starts "chưa rõ đã gửi được hay chưa": `canhgac digest --send`'s own words follow
            ctx.print(f"CẢNH BÁO: bản tin tuần {d.iso_week} tới {printable(d.recipient)}: {said} — "
                      + UNCERTAIN_HELP.format(week=d.iso_week))
            continue
        state = (f"chưa gửi được sau {d.attempts} lần thử" + (", đã ngừng tự thử lại" if not d.next_attempt_at
                                                            else f", tự thử lại lúc {when(d.next_attempt_at, tz)}" if daemon
                                                            else ", tiến trình nền không chạy nên chưa tự thử lại"))
        ctx.print(f"CẢNH BÁO: bản tin tuần {d.iso_week} tới {printable(d.recipient)}: {state} ({said})")
    if undelivered:
        failed_weeks = sorted({d.iso_week for d in undelivered if not d.uncertain})
        ctx.print("  Xem: canhgac digest --log" + "".join(f"; gửi lại ngay: canhgac digest --week {w} --send"
                                                          for w in failed_weeks))
    ctx.print(f"Thời gian theo {zone_vi(tz)}.")
    if MISSING_MODEL_VI in model:
        ctx.print(f"CẢNH BÁO: mô hình đang dùng: {model}")
    if not cfg.path:
        ctx.print(f"CẢNH BÁO: {no_config_file_vi().removeprefix('cảnh báo: ')}")
    for line in cfg.example_values:
        ctx.print(f"CẢNH BÁO: {line}")
    if failing:
        ctx.print(f"CẢNH BÁO: nguồn lỗi {cfg.review.failure_alert} lần liên tiếp trở lên: {', '.join(failing)}")
    return 1 if warnings else 0  # documented in the command's help and docs/deploy.md: monitoring alerts on it


def _undelivered_digests(ctx: Context) -> list[DigestDelivery]:
    """Weekly digests that did not reach a recipient still on [digest] recipients: failed (the server refused
    the address, the server down ...) or uncertain (left `sending`, a person decides)."""
    configured = {recipient_address(r)[1].casefold() for r in ctx.config.digest.recipients}
    recent = utcnow() - UNDELIVERED_SHOWN  # an old week nobody re-sent is not warned about for ever
    return [d for d in ctx.store.digest_deliveries() if (d.status == FAILED or d.uncertain)
            and recipient_address(d.recipient)[1].casefold() in configured
            and week_bounds(d.iso_week, ctx.config.digest.timezone)[1] >= recent]


UNDELIVERED_SHOWN = timedelta(days=28)


def _daemon_line(ctx: Context, tz: str) -> str | None:
    """Who holds the daemon lease ("host:pid, từ ..."), or None when no daemon is running."""
    from review.housekeeping import lease_holder

    lease = lease_holder(ctx.store)
    return f"{lease.holder}, từ {when(lease.acquired_at, tz)}" if lease is not None else None


def cmd_config_check(args: argparse.Namespace, ctx: Context) -> int:
    from review.config import check_model_card, describe_origin

    cfg = ctx.config
    check_model_card(cfg)  # a model scoring categories canhgac does not know is an error, not a warning
    notes: list[str] = []
    if cfg.classifier.rules:  # read as the crawl's scorer reads it: a file it cannot load turns scoring off, so a
        # missing one (a typo, not copied to this worker, a folder) is refused here too, naming the file
        from classifier.rules import RulesError, RuleSet

        try:
            notes = [r.note for r in RuleSet.load(cfg.classifier.rules).rules if r.note]
        except RulesError as exc:
            raise UsageError(str(exc)) from None
    if not cfg.path:  # nothing was checked: not "hợp lệ" (stderr has the line saying how to point at the file)
        ctx.print(f"Chưa kiểm tra gì: {describe_origin(cfg)}")
        ctx.print(f"  cơ sở dữ liệu (mặc định): {_safe_url(cfg.database.url)}")
        return 1
    ctx.print(f"Cấu hình hợp lệ: {describe_origin(cfg)}")
    ctx.print(f"  cơ sở dữ liệu: {_safe_url(cfg.database.url)}")
    ctx.print(f"  nguồn: {len(cfg.sources)} ({', '.join(s.name for s in cfg.sources) or 'chưa có'})")
    ctx.print(f"  cán bộ duyệt: {', '.join(cfg.review.moderators) or 'chưa có'}")
    ctx.print(f"  người nhận bản tin tuần: {len(cfg.digest.recipients)}; SMTP: {cfg.smtp.host or 'chưa cấu hình'}")
    if cfg.classifier.thresholds:
        ctx.print("  ngưỡng tự đặt: " + ", ".join(f"{k}={v}" for k, v in cfg.classifier.thresholds.items()))
    for key in ("model", "rules"):
        value = getattr(cfg.classifier, key)
        if value and not Path(value).is_file():  # a warning, not an error: collection still works without it
            ctx.print(f"  cảnh báo: [classifier] {key} = {value!r}: không tìm thấy tệp; "
                      "các lượt thu thập sẽ lưu tin mà không chấm điểm")
    if cfg.digest.recipients and not cfg.smtp.host:  # the daemon skips the digest then, with only an info log line
        ctx.print(f"  cảnh báo: [digest] recipients có {len(cfg.digest.recipients)} người nhận nhưng [smtp] host chưa "
                  "cấu hình: bản tin tuần sẽ không được gửi cho ai; hãy điền [smtp] host (máy chủ gửi thư)")
    for line in cfg.example_values:  # loads (tests, the demo), but a ward's report would name the example's office
        ctx.print(f"  cảnh báo: {line}")
    for note in (*cfg.notes, *notes):  # loads and works; only what it matches may not be what the operator meant
        ctx.print(f"  lưu ý: {note}")
    return 0
