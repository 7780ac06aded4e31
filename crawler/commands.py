"""`canhgac crawl [NAME...]` and `canhgac report URL`: collect now, from the command line."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from crawler.runner import RunOutcome, run_source, shared_cores_settings
from review.cli.context import Context
from review.errors import UsageError


def register(sub: Any) -> None:
    p = sub.add_parser("crawl", help="thu thập ngay từ các nguồn đã cấu hình",
                       description="Thu thập ngay từ các nguồn được nêu tên (mặc định: mọi nguồn đang bật), mỗi "
                                   "nguồn một tiến trình riêng; mỗi nguồn in một dòng khi bắt đầu và khi xong. "
                                   "Trả mã 1 khi có nguồn lỗi.")
    p.add_argument("names", nargs="*", metavar="NAME", help="tên nguồn trong tệp cấu hình")
    p.add_argument("-j", "--jobs", type=int, default=4, help="số nguồn thu thập cùng lúc (mặc định 4)")
    p.add_argument("--timeout", type=int, metavar="SECONDS",
                   help="dừng hẳn một lượt thu thập sau chừng này giây (mặc định: [crawler] crawl_timeout_s)")
    p.add_argument("--log-dir", metavar="DIR", help="lưu nhật ký Scrapy của từng lượt thu thập vào thư mục này")
    p.set_defaults(handler=cmd_crawl)

    p = sub.add_parser("report", help="ghi nhận phản ánh của người dân (đường dẫn hoặc nội dung dán vào) để duyệt",
                       description="Tải trang bị phản ánh (hoặc lấy nội dung từ --text), trích nội dung, chấm điểm "
                                   "và đưa vào hàng chờ duyệt với mức ưu tiên của phản ánh.")
    p.add_argument("url", nargs="?", help="địa chỉ trang bị phản ánh (http/https)")
    p.add_argument("--text", help="nội dung bị phản ánh, dán vào (khi không tải được trang)")
    p.add_argument("--note", help="nội dung người phản ánh trình bày")
    p.add_argument("--reporter", help="người phản ánh (họ tên, số điện thoại, e-mail)")
    p.set_defaults(handler=cmd_report)


def cmd_crawl(args: argparse.Namespace, ctx: Context) -> int:
    cfg = ctx.config
    if args.jobs < 1:
        raise UsageError("--jobs phải từ 1 trở lên")
    names = list(dict.fromkeys(args.names)) or [s.name for s in cfg.sources if s.enabled]
    for name in names:
        cfg.source(name)  # unknown: ConfigError, exit 2
    if not names:
        ctx.print("Không có nguồn nào được bật ([[sources]] trong canhgac.toml).")
        return 0
    ctx.store.sync_sources(cfg.sources)  # also checks the schema is current
    # thresholds edited in the file are audited before any item is scored with them
    for ch in ctx.store.sync_thresholds(actor="config", thresholds=dict(cfg.classifier.thresholds)):
        ctx.print(f"Ngưỡng {ch.category}: {_fmt(ch.old)} → {_fmt(ch.new)} (theo cấu hình, đã ghi nhật ký kiểm toán)")
    timeout = args.timeout or cfg.crawler.crawl_timeout_s
    log_dir = Path(args.log_dir) if args.log_dir else Path(tempfile.mkdtemp(prefix="canhgac-crawl-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    width = max(len(n) for n in names)
    started = time.monotonic()
    outcomes: list[RunOutcome] = []
    settings = shared_cores_settings(min(args.jobs, len(names)))
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures: dict[Future[RunOutcome], str] = {}
        for name in names:
            futures[pool.submit(_run, ctx, cfg.path or None, name, timeout, log_dir / f"{name}.log", width,
                                settings)] = name
        for fut in futures:
            outcomes.append(fut.result())
    failed = [o for o in outcomes if not o.ok]
    total_new = sum(o.items_new for o in outcomes)
    ctx.print(f"Xong {len(outcomes)} nguồn trong {time.monotonic() - started:.1f}s: {total_new} mục mới, "
              f"{len(failed)} nguồn lỗi. Nhật ký: {log_dir}")
    return 1 if failed else 0


def _run(ctx: Context, config_path: str | None, name: str, timeout: int, log: Path, width: int,
         settings: dict[str, str]) -> RunOutcome:
    _line(ctx, f"  … {name:<{width}}  đang thu thập")
    out = run_source(config_path, name, timeout, log_path=log, settings=settings)
    mark = "✓" if out.ok else "✗"
    detail = f"{out.items_new} mục mới, {out.pages} trang, {out.errors} lỗi, {out.duration_s:.1f}s"
    if out.message:
        detail += f" — {out.message}"
    _line(ctx, f"  {mark} {name:<{width}}  {detail}")
    return out


def _fmt(threshold: float | None) -> str:
    return "mặc định của mô hình" if threshold is None else f"{threshold:g}"


def _line(ctx: Context, text: str) -> None:
    ctx.print(text)
    flush = getattr(ctx.out, "flush", None)
    if flush is not None and ctx.out is sys.stdout:
        flush()


def cmd_report(args: argparse.Namespace, ctx: Context) -> int:
    from crawler.report import submit_report  # pulls Scrapy, trafilatura and datasketch: only when reporting
    from review.citizen import ALREADY_DECIDED, JOINED
    from review.vi import category_vi, verdict_vi

    if not args.url and args.text is None:
        raise UsageError("cần địa chỉ trang bị phản ánh, hoặc --text kèm nội dung bị phản ánh")
    ctx.store.sync_sources(ctx.config.sources)
    result = submit_report(ctx.config, ctx.store, args.url, text=args.text, note=args.note, reporter=args.reporter,
                           actor=_reporting_user(ctx))
    title = result.title[:80] or "(không tiêu đề)"
    if result.outcome == JOINED:
        state = "đang có người xử lý" if result.status == "claimed" else "đang chờ duyệt"
        again = " (phản ánh này đã được ghi nhận trước đó)" if result.repeated else ""
        ctx.print(f"Nội dung này đã có trong hàng chờ: phản ánh được gộp vào mục #{result.entry_id} ({state}), "
                  f"không tạo mục mới; đã đánh dấu là người dân phản ánh và ghi nhận vào nhật ký{again}: {title}")
        return 0
    if result.outcome == ALREADY_DECIDED:
        verdict = verdict_vi(result.verdict)
        if result.verdict_category and result.verdict in ("violation", "escalate"):
            verdict += f", nhóm {category_vi(result.verdict_category)}"
        again = " (phản ánh này đã được ghi nhận trước đó)" if result.repeated else ""
        ctx.print(f"Nội dung này đã được xử lý: mục #{result.entry_id}, kết luận «{verdict}». Nội dung không thay "
                  f"đổi nên không tạo mục mới; phản ánh đã được ghi nhận vào nhật ký{again}: {title}")
        return 0
    state = "đã lưu" if result.created else "đã có từ trước"
    scored = "đã chấm điểm, vào hàng chờ duyệt" if result.scored else "chưa chấm điểm (bộ phân loại chưa sẵn sàng)"
    if result.entry_id is not None:  # the id show/claim/decide take
        ctx.print(f"Phản ánh #{result.entry_id} {state} (mục dữ liệu {result.item_id}): {title} — {scored}")
    else:
        ctx.print(f"Phản ánh (mục dữ liệu {result.item_id}, chưa vào hàng chờ) {state}: {title} — {scored}")
    return 0


def _reporting_user(ctx: Context) -> str:
    """Who entered the report, for the audit log: --as, CANHGAC_MODERATOR or the OS user. Entering a
    citizen's report is not a moderator's action, so the name is recorded as given, not checked."""
    import getpass
    import os

    if ctx.moderator_flag or os.environ.get("CANHGAC_MODERATOR"):
        return str(ctx.moderator_flag or os.environ.get("CANHGAC_MODERATOR"))
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
