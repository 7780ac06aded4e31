"""`canhgac run` picks up an edited configuration file while it runs: a source added gets its job (and a next
run in `status`), a source removed loses it; an edit that does not load is reported with file, key and line and
the daemon keeps running with what it had."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from sqlalchemy import select, text

from crawler.cli import main
from review.models import Lease, Source
from review.store import Store
from tests.operate.daemon_process import start_daemon, wait_for
from tests.operate.smtp import free_port


def _source(name: str, port: int) -> str:
    # a closed port on this machine: a crawl started for it fails at once, which is not what is tested here
    return f'[[sources]]\nname = "{name}"\nkind = "rss"\nurls = ["http://127.0.0.1:{port}/rss.xml"]\n' \
           'schedule = "cron 0 3 1 1 *"\n'


def _config(tmp_path: Path, *sources: str, extra: str = "") -> str:
    return f"""[database]
url = "sqlite:///{tmp_path / 'canhgac.db'}"
[crawler]
crawl_timeout_s = 600
allow_private_hosts = true
[classifier]
model = "{tmp_path / 'khong-co-mo-hinh.skops'}"
[daemon]
jitter_s = 0
stop_grace_s = 5
{extra}""" + "".join(sources)


def _replace(path: Path, body: str) -> None:
    """Write the file as an editor saving it would, with a new modification time even on a coarse clock."""
    before = path.stat().st_mtime_ns
    path.write_text(body, encoding="utf-8")
    if path.stat().st_mtime_ns == before:
        import os

        os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


@pytest.mark.slow
def test_sources_added_and_removed_while_the_daemon_runs(tmp_path: Path) -> None:
    port = free_port()
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text(_config(tmp_path, _source("bao-tinh", port)), encoding="utf-8")
    assert main(["--config", str(cfg), "init"]) == 0
    store = Store.open(f"sqlite:///{tmp_path / 'canhgac.db'}")

    def jobs() -> set[str]:
        with store.session() as s:  # APScheduler's own table, created once the daemon started
            if not s.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'apscheduler_jobs'")):
                return set()
            return set(s.scalars(text("SELECT id FROM apscheduler_jobs")))

    def next_runs() -> dict[str, object]:
        with store.session() as s:
            return {src.name: src.next_run_at for src in s.scalars(select(Source))}

    log = tmp_path / "daemon.log"
    proc = start_daemon(cfg, log)
    try:
        wait_for("the first schedule", lambda: "crawl:bao-tinh" in jobs() and next_runs().get("bao-tinh") is not None,
                 proc, log, 300)
        # a typo in a nested key: reported with file, key and line; the daemon keeps its schedule
        _replace(cfg, _config(tmp_path, _source("bao-tinh", port), _source("cong-phuong", port)
                              .replace('kind = "rss"', 'kind = "rss"\nselectors = { lnk = "a" }')))
        wait_for("the error", lambda: "still running with the previous one" in log.read_text(), proc, log, 300)
        reported = next(line for line in log.read_text().splitlines() if "still running with the previous" in line)
        assert f"{cfg}:19, khoá 'sources[1].selectors.lnk': khoá không xác định" in reported
        assert jobs() >= {"crawl:bao-tinh"} and "crawl:cong-phuong" not in jobs()

        _replace(cfg, _config(tmp_path, _source("cong-phuong", port)))  # one added, one removed
        wait_for("the new schedule", lambda: "crawl:cong-phuong" in jobs() and "crawl:bao-tinh" not in jobs()
                 and next_runs().get("cong-phuong") is not None and next_runs().get("bao-tinh") is None, proc, log, 300)
        with store.session() as s:
            lease = s.get(Lease, "daemon")
        assert lease is not None  # the same daemon, still running
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        store.close()
    assert "Traceback" not in log.read_text()
