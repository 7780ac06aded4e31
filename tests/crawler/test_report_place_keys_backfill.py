"""A text pasted with a short link before canhgac stored place keys, then a citizen reporting the page that link
leads to: the next `canhgac report` gives the old report its key first (`review.report_place_keys`), so the new
report joins its entry (`same_place`) instead of opening a second one. A real HTTP server on 127.0.0.1, the real
CLI, a real database (SQLite, and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set)."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from review.models import ItemBand, ReviewEntry, Setting
from review.report_place_keys import PLACE_KEYS_SETTING
from tests.crawler.test_report_pasted_shortlink import MESSAGE, _matches, _report, _setup


def test_the_next_report_finds_a_text_pasted_before_the_keys(crawl_env, capsys) -> None:  # type: ignore[no-untyped-def]
    cfg, short = _setup(crawl_env)
    _report(cfg, capsys, short, "--text", MESSAGE, "--reporter", "Chị Hoa")
    with crawl_env.store.session() as s:  # as the version without place keys left the database
        s.execute(delete(ItemBand).where(ItemBand.band_key.startswith("pl:")))
        s.execute(delete(Setting).where(Setting.key == PLACE_KEYS_SETTING))
    out = _report(cfg, capsys, crawl_env.site.base_url + "/nhan-qua", "--reporter", "Anh Nam")
    assert "dẫn tới cùng trang với mục #1" in out, out
    assert _matches(crawl_env) == ["same_place"]
    with crawl_env.store.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewEntry)) == 1
        assert s.scalar(select(func.count()).select_from(ItemBand).where(ItemBand.band_key.startswith("pl:"))) == 1
        assert s.get(Setting, PLACE_KEYS_SETTING) is not None
