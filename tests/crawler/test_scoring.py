"""The score and store stages: the moderator-activated model is the one a crawl loads, and batched
scoring and storing give what one-by-one would."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from classifier import model as model_io
from crawler.context import CrawlContext
from crawler.items import CollectedItem
from crawler.pipelines.dedupe import DedupeStage
from crawler.pipelines.normalize import NormalizeStage
from crawler.pipelines.score import BatchCoverage, ScoreStage, load_scorer, model_path
from crawler.pipelines.store import StoreStage
from review.config import parse_config
from review.models import Score, Setting
from review.store import Store
from review.types import utcnow


@pytest.fixture
def ctx(db_url: str):  # type: ignore[no-untyped-def]
    store = Store.open(db_url, create=True)
    cfg = parse_config(f'[database]\nurl = "{db_url}"\n')
    yield CrawlContext(config=cfg, store=store)
    store.close()


def _activate(store: Store, path: Path, version: str) -> None:
    with store.session() as s:
        s.add(Setting(key="active_model", value={"path": str(path), "version": version}, updated_at=utcnow()))


def test_crawl_scores_with_the_activated_model(ctx: CrawlContext, tmp_path: Path) -> None:
    assert model_path(ctx.config.classifier, ctx.store) is None  # nothing activated, nothing configured
    default = load_scorer(ctx.config.classifier, ctx.store)[0]
    src = Path(model_io.DEFAULT_MODEL)
    copy = tmp_path / "retrained.skops"
    shutil.copy(src, copy)
    card = json.loads(model_io.card_path(src).read_text(encoding="utf-8"))
    model_io.card_path(copy).write_text(json.dumps(dict(card, version="retrained-1")), encoding="utf-8")
    _activate(ctx.store, copy, "retrained-1")
    assert model_path(ctx.config.classifier, ctx.store) == str(copy)
    scorer = load_scorer(ctx.config.classifier, ctx.store)[0]
    assert scorer is not None and scorer.version == "retrained-1" != default.version

    copy.unlink()  # the activated file is gone: back to the configured (here: bundled default) model
    assert model_path(ctx.config.classifier, ctx.store) is None
    assert load_scorer(ctx.config.classifier, ctx.store)[0].version == default.version


def test_batched_scoring_and_storing_match_one_by_one(ctx: CrawlContext) -> None:
    scorer, bank = load_scorer(ctx.config.classifier, ctx.store)
    stages = [NormalizeStage(ctx), DedupeStage(ctx), ScoreStage(ctx, scorer, bank)]
    texts = ["Chuyển khoản 5 triệu để nhận quà tri ân, liên hệ Zalo 0912345678 ngay hôm nay.",
             "Ủy ban nhân dân phường tổ chức ngày hội đọc sách cho học sinh trên địa bàn.",
             "Chuyển khoản 5 triệu để nhận quà tri ân, liên hệ Zalo 0912345678 ngay hôm nay."]
    items = []
    for n, text in enumerate(texts):
        item = CollectedItem(url=f"http://x.vn/{n}", title=f"Tin {n}", text=text, source_name=None)
        for stage in stages[:2]:
            item = stage.process_item(item)
        items.append(item)
    one_by_one = [scorer.score(it.text, title=it.title, official=False, bank=bank,
                               coverage=BatchCoverage(ctx.store, [it])) for it in items]
    batched = ScoreStage(ctx, scorer, bank).process_batch(items)
    for item, expected in zip(batched, one_by_one, strict=True):
        assert isinstance(item, CollectedItem)
        assert item.score.scores == expected.scores and item.score.flags == expected.flags
    stored = StoreStage(ctx).process_batch(items)
    assert all(isinstance(it, CollectedItem) and it.item_id for it in stored)
    assert ctx.items_new == 3 and ctx.store.item_count() == 3
    with ctx.store.session() as s:
        assert s.query(Score).count() == 3
    # stored again (a re-run): nothing new, nothing scored twice
    again = StoreStage(ctx).process_batch(items)
    assert [it.item_id for it in again] == [it.item_id for it in stored]  # type: ignore[union-attr]
    assert ctx.items_new == 3
    with ctx.store.session() as s:
        assert s.query(Score).count() == 3


def test_batch_coverage_answers_titled_items_from_the_batch_query(ctx: CrawlContext) -> None:
    """`coverage_evidence` asks with "title\\ntext": that must reuse the batch lookup, not re-hash and
    re-query the item on its own."""
    item = DedupeStage(ctx).process_item(NormalizeStage(ctx).process_item(
        CollectedItem(url="http://x.vn/t", title="Tin nóng", text="Ủy ban nhân dân phường tổ chức ngày hội.")))
    cov = BatchCoverage(ctx.store, [item])
    calls: list[int] = []
    single = ctx.store.similar_items

    def counted(*a: Any, **kw: Any) -> Any:
        calls.append(1)
        return single(*a, **kw)

    ctx.store.similar_items = counted  # type: ignore[method-assign]
    try:
        assert cov.find_similar(f"{item.title}\n{item.text}") == []
        assert calls == []
        cov.find_similar(item.text)  # the bare text of a titled item hashes differently: asked on its own
        assert calls == [1]
    finally:
        del ctx.store.similar_items


def test_a_model_with_categories_canhgac_does_not_know_turns_scoring_off(db_url: str, tmp_path: Path,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    """A model trained on a typo'd label ("sacm") would put flags in a category the queue, digest and statistics
    do not know: the crawler stores items unscored instead, and says why (config check refuses it too)."""
    from dataclasses import replace

    from classifier.model import Recipe
    from classifier.train import fit

    scams = [f"Chuyển khoản {n} triệu vào tài khoản lạ để nhận quà trúng thưởng số {n}" for n in range(12)]
    typos = [f"Bán hàng xách tay giá rẻ số {n}, liên hệ ngay kẻo hết hàng" for n in range(12)]
    clean = [f"Phường tổ chức họp dân lần thứ {n} về vệ sinh môi trường" for n in range(12)]
    recipe = replace(Recipe(), segment=False, cv_folds=0, min_df=1)
    fitted = fit(scams + typos + clean, [["scam"]] * 12 + [["sacm"]] * 12 + [[]] * 12, recipe=recipe, cv=False)
    fitted.save(tmp_path / "m.skops")
    cfg = parse_config(f'[database]\nurl = "{db_url}"\n\n[classifier]\nmodel = "{tmp_path / "m.skops"}"\n')
    store = Store.open(db_url, create=True)
    try:
        with caplog.at_level("ERROR"):
            assert load_scorer(cfg.classifier, store) == (None, None)
        assert "sacm" in caplog.text
    finally:
        store.close()
