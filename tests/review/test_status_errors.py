"""`status`'s "Lỗi gần nhất": each error with when it happened (local time, as the table's), and only while it is
current: an error a successful run began after (the URL fixed, the site back) is no longer listed, though kept in
the database (`--json` last_error, the digest), and a source taken out of the configuration is not listed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from review.cli.table import when
from review.models import Source
from review.store import Store

CLI = Callable[..., tuple[int, str, str]]
DNS = "https://cong-cu.example.vn/tin-tuc: không phân giải được tên miền (DNS)"
SOURCES = "".join(f'\n[[sources]]\nname = "{n}"\nkind = "rss"\nurls = ["https://{n}.vn/rss"]\n'
                  for n in ("cong-phuong", "bao-tinh"))


def _errors(out: str) -> str:
    return out.split("Lỗi gần nhất:", 1)[1].split("Hàng chờ duyệt:", 1)[0] if "Lỗi gần nhất:" in out else ""


def _error_at(store: Store, name: str) -> str:
    with store.session() as s:
        return when(s.query(Source).filter_by(name=name).one().last_error_at)


def test_an_error_fixed_since_is_not_listed(store: Store, cli: CLI, cfg: Path) -> None:
    with cfg.open("a", encoding="utf-8") as fh:
        fh.write(SOURCES)
    cli("status")  # the configured sources recorded
    store.finish_run(store.start_run("cong-phuong"), ok=False, items_new=0, message=DNS)
    code, out, _ = cli("status")
    assert code == 0, out
    assert f"• cong-phuong ({_error_at(store, 'cong-phuong')}): {DNS}" in _errors(out), out

    store.finish_run(store.start_run("cong-phuong"), ok=True, items_new=4)  # the URL fixed
    code, out, _ = cli("status")
    assert "cong-phuong" not in _errors(out) and DNS not in out, out
    code, out, _ = cli("status", "--json")
    fixed = next(s for s in json.loads(out)["sources"] if s["name"] == "cong-phuong")
    assert fixed["last_error"] == DNS and fixed["last_error_current"] is False and fixed["last_error_at"], fixed

    run = store.start_run("cong-phuong")  # a successful run with a 404 article: its own error, listed
    store.record_source_error("cong-phuong", "https://cong-phuong.vn/bai-1.html: HTTP 404")
    store.finish_run(run, ok=True, items_new=1, errors=1)
    code, out, _ = cli("status")
    assert "cong-phuong" in _errors(out) and "HTTP 404" in out, out


def test_a_removed_source_error_is_not_listed(store: Store, cli: CLI, cfg: Path) -> None:
    original = cfg.read_text(encoding="utf-8")
    cfg.write_text(original + SOURCES, encoding="utf-8")
    cli("status")
    store.finish_run(store.start_run("bao-tinh"), ok=False, items_new=0, message=DNS)
    code, out, _ = cli("status")
    assert "bao-tinh" in _errors(out), out
    cfg.write_text(original, encoding="utf-8")  # bao-tinh taken out of the configuration
    code, out, _ = cli("status")
    assert code == 0 and "bao-tinh (bỏ cấu hình)" in out, out
    assert "bao-tinh" not in _errors(out) and DNS not in out, out
