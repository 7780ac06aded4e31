"""A NUL character (U+0000) never reaches the database: an RSS entry's `&#0;` (feedparser turns it into U+0000) in
its title, summary or author. PostgreSQL refuses NUL in text (the crawl's batch failed with it), SQLite stores it
(and `canhgac copy-database` into PostgreSQL had to remove it). The page the entry links to is gone (404), so the
feed's own title and summary are what is stored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from crawler.runner import PROJECT_DIR
from crawler.runner import crawl_env as process_env
from review.models import Item
from review.store import Store

FEED = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>'
        "<item><title>Tin &#0;nóng</title><link>{link}</link><author>Phóng &#0;viên</author>"
        "<description>Tóm &#0;tắt tin</description></item></channel></rss>")


def test_a_nul_in_a_feed_entry_is_not_stored(crawl_env, db_url: str) -> None:  # type: ignore[no-untyped-def]
    b = crawl_env.site.base_url
    crawl_env.site.set("/nul/feed.xml", FEED.format(link=f"{b}/nul/da-go.html"), "application/rss+xml")
    crawl_env.site.set("/nul/da-go.html", "<h1>Not Found</h1>", status=404)
    crawl_env.configure(f'\n[[sources]]\nname = "nul"\nkind = "rss"\nurls = ["{b}/nul/feed.xml"]\n', demo=False)

    out = crawl_env.run("nul")
    assert out.items_new == 1, out
    with crawl_env.store.session() as s:
        item = s.scalars(select(Item)).one()
        stored = (item.title, item.text, item.author)
    assert stored == ("Tin nóng", "Tóm tắt tin", "Phóng viên"), stored


def test_a_nul_in_a_pasted_report_is_not_stored(tmp_path: Path, db_url: str) -> None:
    """`canhgac report --text -`: a text copied from a broken page or file may hold NUL; so may the note and the
    reporter typed with it (those were already cleaned of control characters)."""
    Store.open(db_url, create=True).close()
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text(f'[database]\nurl = "{db_url}"\n[classifier]\nmodel = "models/khong-co.skops"\n', encoding="utf-8")
    pasted = "Nhận quà\x00 tri ân\nChuyển phí hồ sơ 500 nghìn đồng\x00 qua Zalo 0987654321 để nhận quà."
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "--config", str(cfg), "report", "--text", "-",
                           "--note", "ghi\x01chú", "--reporter", "Anh Minh"],
                          cwd=PROJECT_DIR, env=process_env(None), input=pasted.encode("utf-8"), capture_output=True,
                          timeout=120)
    assert proc.returncode == 0, proc
    store = Store.open(db_url)
    try:
        with store.session() as s:
            item = s.scalars(select(Item)).one()
            stored = (item.title, item.text)
    finally:
        store.close()
    assert stored == ("Nhận quà tri ân", pasted.replace("\x00", "")), stored
