"""`canhgac run` (the daemon) and `canhgac demo` (the whole system, end to end, in one command)."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from crawler.demo_site.server import demo_sources_toml, serve
from crawler.runner import (
    CTRL_C_GRACE_S,
    CrawlInterrupted,
    CrawlStop,
    RunOutcome,
    run_source,
    run_sources,
    shared_cores_settings,
    stop_reason_vi,
)
from review.cli.context import Context
from review.config import Config, refuse_new_default_database
from review.database import make_engine, upgrade
from review.digest import current_week
from review.errors import UsageError


def register(sub: Any) -> None:
    p = sub.add_parser("run", help="chạy tiến trình nền: thu thập, dọn dẹp và gửi bản tin tuần theo lịch",
                       description="Thu thập từng nguồn theo lịch (mỗi lượt một tiến trình con, có giới hạn thời "
                                   "gian), thu hồi các mục nhận quá hạn, xoá dữ liệu cũ, phát hiện nguồn lâu không "
                                   "có tin và gửi bản tin tuần. Mỗi cơ sở dữ liệu chỉ một tiến trình nền. Dừng bằng "
                                   "SIGTERM hoặc Ctrl-C.")
    p.add_argument("--log-json", action="store_true", help="ghi nhật ký dạng dòng JSON (hoặc [daemon] log_json)")
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("demo", help="chạy thử toàn bộ hệ thống: trang mẫu, thu thập, chấm điểm, hàng chờ, bản tin",
                       description="Bật trang mẫu kèm theo phần mềm trên 127.0.0.1, tạo cơ sở dữ liệu SQLite mới, "
                                   "thu thập mọi nguồn mẫu, chấm điểm, in các mục đầu hàng chờ duyệt và bảng tình "
                                   "trạng, rồi ghi bản xem trước bản tin tuần. Không cần mạng Internet.")
    p.add_argument("--dir", metavar="DIR",
                   help="lưu cơ sở dữ liệu, cấu hình và bản xem trước tại đây (mặc định: thư mục tạm)")
    p.add_argument("--top", type=int, default=10, metavar="N", help="số mục hàng chờ cần hiện (mặc định 10)")
    p.set_defaults(handler=cmd_demo)


def cmd_run(args: argparse.Namespace, ctx: Context) -> int:
    from crawler.daemon import Daemon, configure_logging

    cfg = ctx.config
    refuse_new_default_database(cfg, "run")  # no config file: not into a new stray database
    cfg.require_digest_sendable()  # the weekly digest could never be sent: refuse now (file, line, key)
    configure_logging(args.log_json or cfg.daemon.log_json)
    return Daemon(cfg, ctx.store).run()


DEMO_MARKER = "# Written by `canhgac demo`"  # the first line of every config the demo writes
DEMO_DB = "canhgac-demo.db"


def _demo_config(base_url: str, workdir: Path) -> str:
    db = (workdir.resolve() / DEMO_DB).as_posix()
    return f"""{DEMO_MARKER}: the bundled demo site on {base_url}, a fresh SQLite database.
[database]
url = "sqlite:///{db}"

[crawler]
crawl_timeout_s = 300  # generous: a slow first model load must not fail the demo
allow_private_hosts = true  # the demo site is on 127.0.0.1

[review]
moderators = ["demo"]
locality = "Nghệ An"
""" + demo_sources_toml(base_url)


def _fresh_dir(path: str | None) -> Path:
    """The demo's folder: a new temporary one, or DIR. The demo rewrites only what an earlier demo wrote there (its
    canhgac.toml starts with DEMO_MARKER; its database is DEMO_DB beside that config): a folder holding the
    office's own canhgac.toml, or a DEMO_DB with no demo config beside it, is refused before anything is written."""
    if not path:
        return Path(tempfile.mkdtemp(prefix="canhgac-demo-"))
    workdir = Path(path)
    config = workdir / "canhgac.toml"
    other = " Hãy chọn thư mục khác cho --dir, hoặc bỏ --dir để chạy thử trong một thư mục tạm."
    if config.exists() or config.is_symlink():
        if not _written_by_demo(config):
            raise UsageError(f"thư mục {workdir} đã có canhgac.toml không do `canhgac demo` ghi (có thể là cấu hình "
                             f"thật của đơn vị): bản chạy thử không ghi đè lên tệp này.{other}")
    elif old := sorted(p.name for p in workdir.glob(f"{DEMO_DB}*")):
        raise UsageError(f"thư mục {workdir} đã có {', '.join(old)} mà bên cạnh không có canhgac.toml do `canhgac "
                         f"demo` ghi: bản chạy thử không xoá cơ sở dữ liệu không biết của ai.{other}")
    try:
        workdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from classifier.os_errors import reason_vi

        raise UsageError(f"không tạo được thư mục {workdir}: {reason_vi(exc)}") from None
    for old_db in workdir.glob(f"{DEMO_DB}*"):  # the earlier demo's: a fresh database every time
        old_db.unlink()
    return workdir


def _written_by_demo(config: Path) -> bool:
    marker = DEMO_MARKER.encode("utf-8")
    try:
        with open(config, "rb") as fh:
            return fh.read(len(marker)) == marker
    except OSError:  # a folder, unreadable: not the demo's
        return False


def _crawl_all(cfg_path: Path, cfg: Config, logs: Path, ctx: Context) -> list[RunOutcome]:
    """Official sources first (the others are compared against them), each group all at once: the
    crawls are mostly model loading and CPU-bound, so running them together keeps every core busy.
    Ctrl-C (SIGTERM, SIGHUP): CrawlInterrupted once the running crawls stopped (`run_sources`), the later group
    counted as not started."""
    timeout = cfg.crawler.crawl_timeout_s
    outcomes: list[RunOutcome] = []

    def show(outcome: RunOutcome) -> None:
        mark = "OK " if outcome.ok else "LỖI"
        ctx.print(f"  [{mark}] {outcome.name}: {outcome.items_new} mục mới, {outcome.pages} trang, "
                  f"{outcome.duration_s:.1f}s" + ("" if outcome.ok else f" - {outcome.message}"))

    groups = [[s.name for s in cfg.sources if s.official], [s.name for s in cfg.sources if not s.official]]
    for i, group in enumerate(groups):
        if not group:
            continue
        settings = shared_cores_settings(len(group))

        def one(name: str, stop: CrawlStop, extra: dict[str, str] = settings) -> RunOutcome:
            return run_source(str(cfg_path), name, timeout, logs / f"{name}.log", settings=extra, stop=stop)

        try:
            outcomes.extend(run_sources(group, len(group), one, grace_s=min(cfg.daemon.stop_grace_s, CTRL_C_GRACE_S),
                                        on_outcome=show))
        except CrawlInterrupted as stop:
            stop.finished = outcomes + stop.finished
            stop.not_started += [n for later in groups[i + 1:] for n in later]
            raise
    return outcomes


def cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    """Everything a newcomer needs to see, offline: collect, score, queue, status, digest."""
    from crawler.cli import build_parser

    started = time.monotonic()
    workdir = _fresh_dir(args.dir)
    logs = workdir / "logs"
    logs.mkdir(exist_ok=True)
    site = serve()
    demo = Context(config_path=str(workdir / "canhgac.toml"), out=ctx.out, err=ctx.err)
    try:
        cfg_path = workdir / "canhgac.toml"
        cfg_path.write_text(_demo_config(site.base_url, workdir), encoding="utf-8")
        cfg = demo.config
        ctx.print(f"== canhgac demo: trang mẫu {site.base_url}, thư mục {workdir}")
        upgrade_engine = make_engine(cfg.database.url)
        try:
            upgrade(upgrade_engine)
        finally:
            upgrade_engine.dispose()
        demo.store.sync_sources(cfg.sources)
        ctx.print(f"== Thu thập {len(cfg.sources)} nguồn (mỗi nguồn một tiến trình, nhật ký trong {logs})")
        try:
            outcomes = _crawl_all(cfg_path, cfg, logs, ctx)
        except CrawlInterrupted as stop:
            parts = [f"Đã dừng bản chạy thử ({stop_reason_vi(stop.signum)})"]
            if stop.stopped:
                parts.append(f"dừng giữa chừng: {', '.join(stop.stopped)}")
            if stop.not_started:
                parts.append(f"chưa bắt đầu: {', '.join(stop.not_started)}")
            parts += [f"lỗi ở {out.name}: {out.message}" for out in stop.errors]
            try:
                print("; ".join(parts) + f". Thư mục: {workdir}", file=ctx.err, flush=True)
            except OSError:  # the terminal is gone (SIGHUP)
                pass
            return 128 + stop.signum

        parser = build_parser()
        ctx.print(f"\n== Hàng chờ duyệt ({args.top} mục ưu tiên cao nhất)")
        q = parser.parse_args(["queue", "--limit", str(args.top)])
        q.handler(q, demo)
        ctx.print("\n== Tình trạng nguồn")
        st = parser.parse_args(["status"])
        st.handler(st, demo)

        week = current_week(cfg.digest.timezone)
        preview = workdir / f"ban-tin-{week}.html"
        d = parser.parse_args(["digest", "--week", week, "--preview", str(preview)])
        ctx.print("\n== Bản tin tuần (xem trước, không gửi thư)")
        d.handler(d, demo)
    finally:
        demo.close()
        site.close()
    ok = sum(1 for o in outcomes if o.ok)
    ctx.print(f"\nXong sau {time.monotonic() - started:.1f}s: {ok}/{len(outcomes)} nguồn thu thập thành công.")
    ctx.print(f"Thử tiếp: canhgac --config {cfg_path} --as demo review")
    return 0 if ok == len(outcomes) else 1
