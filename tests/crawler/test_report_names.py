"""`canhgac report` records who entered the report (--as, CANHGAC_MODERATOR) in the configured spelling when the
name is a configured moderator's, however it was typed (NFD from Unikey's "Unicode tổ hợp" or a macOS terminal,
other case, stray spaces), else NFC and stripped: one person, one spelling in the audit log. A real crawl of the
demo site (scored) into a real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import select

from crawler.cli import main
from review.models import AuditLog, Item, ReviewEntry

PAGE = "/dien-dan/bai/dau-tu-tien-ao-lai-30.html"
MODERATORS = '\n[review]\nmoderators = ["lan", "Hùng"]\n'


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_reporting_user_is_recorded_in_one_spelling(crawl_env, capsys, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    cfg = str(crawl_env.configure(MODERATORS))
    out = crawl_env.run("dien-dan-pho-phuong", score=True)
    assert out.ok and out.items_new > 0, out
    with crawl_env.store.session() as s:
        entry_id = s.scalars(select(ReviewEntry.id).join(Item, Item.id == ReviewEntry.item_id)
                             .where(Item.canonical_url.endswith(PAGE))).one()
    url = crawl_env.site.base_url + PAGE
    assert _nfd("Hùng") != "Hùng"

    monkeypatch.delenv("CANHGAC_MODERATOR", raising=False)
    assert main(["--config", cfg, "--as", _nfd(" hùng "), "report", url, "--note", "lần 1"]) == 0, capsys.readouterr()
    monkeypatch.setenv("CANHGAC_MODERATOR", _nfd("Hùng"))
    assert main(["--config", cfg, "report", url, "--note", "lần 2"]) == 0, capsys.readouterr()
    monkeypatch.setenv("CANHGAC_MODERATOR", _nfd(" Trần Thị Mai "))  # not a configured moderator
    assert main(["--config", cfg, "report", url, "--note", "lần 3"]) == 0, capsys.readouterr()

    with crawl_env.store.session() as s:
        actors = list(s.scalars(select(AuditLog.actor).where(AuditLog.action == "report", AuditLog.entry_id == entry_id)
                                .order_by(AuditLog.id)))
    assert actors == ["Hùng", "Hùng", "Trần Thị Mai"]
    assert all(unicodedata.is_normalized("NFC", a) for a in actors)
