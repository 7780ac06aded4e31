"""A source that failed all week: the digest says since when it has not worked (its last successful crawl, or
that it never worked), so the head of the office sees "down since Monday", not only a count of failures."""

from __future__ import annotations

from datetime import timedelta

from review.digest import collect_digest
from review.digest_render import render_html, render_text
from review.models import Source
from review.store import Store
from tests.operate.seed import add_run
from tests.operate.test_digest_mail import MONDAY, WEEK, config


def test_the_digest_says_since_when_a_source_is_down(store: Store, db_url: str) -> None:
    cfg = config(2525, db_url)  # bao-tinh and cho-rao; nothing is sent
    store.sync_sources(cfg.sources)
    with store.session() as s:  # bao-tinh last worked on the Sunday before the week, cho-rao never
        s.query(Source).filter_by(name="bao-tinh").one().last_success_at = MONDAY - timedelta(days=1)
    for day in range(7):
        add_run(store, "bao-tinh", MONDAY + timedelta(days=day), ok=False)
        add_run(store, "cho-rao", MONDAY + timedelta(days=day), ok=False)

    data = collect_digest(store, cfg, WEEK)
    text = render_text(data, cfg.digest.timezone)
    html = render_html(data, cfg.digest.timezone, "cid:chart")
    for body in (text, html):
        section = body.split("5. Nguồn có vấn đề")[1].split("6. ")[0]
        assert "thành công gần nhất 15/11/2026" in section, section
        assert "chưa thu thập thành công lần nào" in section, section
