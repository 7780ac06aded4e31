"""`canhgac init`, `canhgac status`, `canhgac config check`: set up and look at the installation."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from review.cli.context import Context
from review.cli.table import age, iso, printable, render, when
from review.database import make_engine, upgrade
from review.models import OPEN, DigestSent, ReviewEntry, Setting


def register(sub: Any) -> None:
    p = sub.add_parser("init", help="tạo hoặc nâng cấp cơ sở dữ liệu",
                       description="Tạo cấu trúc cơ sở dữ liệu, hoặc nâng cấp lên phiên bản này (không mất dữ liệu).")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("status", help="tình trạng nguồn, lần thu thập gần nhất, hàng chờ, mô hình đang dùng",
                       description="Xem tình trạng từng nguồn, số mục chờ duyệt, bản tin tuần gửi gần nhất và mô hình "
                                   "đang dùng. Trả mã 1 khi có nguồn lỗi liên tiếp từ [review] failure_alert lần.")
    p.add_argument("--json", action="store_true", help="xuất dạng JSON cho máy đọc")
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser("config", help="công cụ cấu hình")
    csub = p.add_subparsers(title="lệnh", dest="config_cmd", required=True, metavar="{check}")
    c = csub.add_parser("check", help="kiểm tra tệp cấu hình và in tóm tắt")
    c.set_defaults(handler=cmd_config_check)


def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    cfg = ctx.config
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


def _safe_url(url: str) -> str:
    """The URL without a password, for printing."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}" if ":" in creds else url
    return url


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


def cmd_status(args: argparse.Namespace, ctx: Context) -> int:
    cfg, store = ctx.config, ctx.store
    store.sync_sources(cfg.sources)
    health = store.source_health()
    configured = {s.name for s in cfg.sources}
    with store.session() as s:
        backlog = s.scalar(select(func.count()).select_from(ReviewEntry).where(ReviewEntry.status != "decided")) or 0
        oldest = s.scalar(select(func.min(ReviewEntry.created_at)).where(ReviewEntry.status == OPEN))
        last_digest = s.scalar(select(func.max(DigestSent.sent_at)).where(DigestSent.status == "sent"))
    model = active_model_description(ctx)
    failing = [h.name for h in health if h.consecutive_failures >= cfg.review.failure_alert]
    if args.json:
        from review.housekeeping import lease_holder

        lease = lease_holder(store)
        ctx.print(json.dumps({
            "database": _safe_url(cfg.database.url),
            "sources": [{"name": h.name, "kind": h.kind, "configured": h.name in configured,
                         "last_run": iso(h.last_run_at), "result": h.last_status,
                         "items_last_run": h.items_last_run, "items_total": h.items_total,
                         "consecutive_failures": h.consecutive_failures, "last_error": h.last_error,
                         "next_run": iso(h.next_run_at)} for h in health],
            "backlog": backlog, "oldest_open": iso(oldest), "last_digest": iso(last_digest),
            "model": model, "daemon": lease.holder if lease is not None else None,
            "daemon_since": iso(lease.acquired_at) if lease is not None else None,
            "failing": failing}, ensure_ascii=False, indent=2))
        return 1 if failing else 0
    daemon = _daemon_line(ctx)
    ctx.print(f"Cơ sở dữ liệu: {_safe_url(cfg.database.url)}")
    ctx.print(f"Mô hình đang dùng: {model}")
    ctx.print(f"Tiến trình nền (canhgac run): {daemon or 'không chạy'}")
    rows = [(h.name + ("" if h.name in configured else " (bỏ cấu hình)"), h.kind, h.last_run_at,
             RUN_STATUS_VI.get(h.last_status or "", h.last_status or "-"), h.items_last_run, h.items_total, h.consecutive_failures, h.next_run_at)
            for h in health]
    if rows:
        ctx.print(render(["nguồn", "loại", "lần chạy cuối", "kết quả", "mục mới", "tổng", "lỗi liên tiếp",
                          "lần chạy tới"], rows))
        errors = [h for h in health if h.last_error]
        if errors:  # in full, below the table: the end of a reason is often how to fix it
            ctx.print("Lỗi gần nhất:")
            for h in errors:
                ctx.print(f"  • {printable(h.name)}: " + printable(h.last_error or "").strip().replace("\n", "\n    "))
    else:
        ctx.print("Chưa cấu hình nguồn nào ([[sources]] trong canhgac.toml).")
    ctx.print(f"Hàng chờ duyệt: {backlog} mục; mục mở lâu nhất: {age(oldest)}")
    ctx.print(f"Bản tin tuần gửi gần nhất: {when(last_digest)}")
    ctx.print("Thời gian theo giờ Việt Nam (UTC+7).")
    if failing:
        ctx.print(f"CẢNH BÁO: nguồn lỗi {cfg.review.failure_alert} lần liên tiếp trở lên: {', '.join(failing)}")
        return 1
    return 0


# a run's status (SourceRun.status; `status --json` keeps these codes) as the status table shows it
RUN_STATUS_VI = {"ok": "thành công", "failed": "lỗi", "killed": "bị ngắt (tiến trình bị dừng từ bên ngoài hoặc chết)",
                 "running": "đang chạy", "stopped": "đã dừng theo yêu cầu"}


def _daemon_line(ctx: Context) -> str | None:
    """Who holds the daemon lease ("host:pid, từ ..."), or None when no daemon is running."""
    from review.housekeeping import lease_holder

    lease = lease_holder(ctx.store)
    return f"{lease.holder}, từ {when(lease.acquired_at)}" if lease is not None else None


def cmd_config_check(args: argparse.Namespace, ctx: Context) -> int:
    from review.config import check_model_card, describe_origin

    cfg = ctx.config
    check_model_card(cfg)  # a model scoring categories canhgac does not know is an error, not a warning
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
    return 0
