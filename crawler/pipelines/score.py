"""Stage 3: hand items to the classifier (`classifier.scorer.Scorer`), loaded once per crawl.

The scorer sees the item's text and title, whether the source is official, the known-item bank and
the official-coverage index (did an official source publish the same story?). The model is the one
moderators activated (`canhgac train --from-decisions --activate`, Setting `active_model`) when its
file exists, else `[classifier] model`, else the bundled default. When no scorer can be loaded (the
classifier package or its model missing), the stage says so once and passes items through unscored:
collection must not stop because scoring cannot run.

Items are scored in batches (`Scorer.score_many`) in a worker thread: the vectorizer and model cost
about the same for one text as for thirty, and the reactor keeps downloading meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from scrapy.crawler import Crawler

from classifier.categories import CATEGORIES
from classifier.fingerprint import band_keys, minhash, signature_bytes
from crawler.context import CrawlContext, crawl_context
from crawler.items import CollectedItem
from crawler.pipelines.batch import BatchedStage, process_one
from review.config import ClassifierConfig
from review.model_in_use import model_in_use
from review.store import Store

log = logging.getLogger(__name__)


def model_path(cfg: ClassifierConfig, store: Store) -> str | None:
    """The model in use (`review.model_in_use`): the one moderators activated when its file exists, else the
    configured one, else None (the bundled default); why the activated one is not used is logged."""
    found = model_in_use(cfg, store)
    if found.missing:
        log.warning("the activated model %s is missing; scoring with %s", found.missing,
                    cfg.model or "the bundled default")
    elif found.unreadable:
        log.warning("cannot read the activated model from the database (%s); scoring with %s", found.unreadable,
                    cfg.model or "the bundled default")
    return found.path


def load_scorer(cfg: ClassifierConfig, store: Store) -> tuple[Any, Any]:
    """(scorer, bank), or (None, None) with one log line saying why scoring is off."""
    try:
        from classifier.scorer import Scorer
    except ImportError as exc:
        log.warning("scoring is off: the classifier is not available (%s); items are stored unscored", exc)
        return None, None
    if not hasattr(store, "record_score"):
        log.warning("scoring is off: this store cannot record scores yet")
        return None, None
    try:
        scorer = Scorer.load(model_path=model_path(cfg, store), rules_path=cfg.rules or None,
                             thresholds=dict(cfg.thresholds) or None)
    except Exception as exc:  # noqa: BLE001 - any model problem (missing, corrupt) must not stop collection
        from classifier.rules import RulesError

        what = "the rules file" if isinstance(exc, RulesError) else "the model"  # the error names the file and line
        log.error("scoring is off: cannot load %s: %s", what, exc)
        return None, None
    unknown = [c for c in scorer.categories if c not in CATEGORIES]
    if unknown:  # a model trained on a typo'd label: its flags would land in a category nothing else knows
        log.error("scoring is off: the model has categories canhgac does not know (%s); run `canhgac config check`",
                  ", ".join(unknown))
        return None, None
    bank = store.load_bank() if hasattr(store, "load_bank") else None
    return scorer, bank


class BatchCoverage:
    """`OfficialCoverage` for one batch: asked about an item's text, it reuses the MinHash and band keys
    the dedupe stage computed from that item's title and text (what `coverage_evidence` would hash).

    `coverage_evidence` asks with `f"{title}\n{text}"` (or the bare text for an untitled item), so items
    are keyed by that string; the bare text is a key too. MinHash shingles only the words, so the
    dedupe stage's `f"{title}\n{text}"` hash equals the hash of either form."""

    def __init__(self, store: Store, items: Sequence[CollectedItem], *, threshold: float = 0.3) -> None:
        self.store, self.threshold = store, threshold
        self.by_text: dict[str, CollectedItem] = {}
        for it in items:
            self.by_text.setdefault(it.text, it)
            if it.title:
                self.by_text.setdefault(f"{it.title}\n{it.text}", it)
        self._items = list({id(it): it for it in items}.values())
        self._found: dict[int, list[Any]] | None = None

    def find_similar(self, text: str, limit: int = 3) -> list[Any]:
        if self._found is None:  # the whole batch in one transaction, on the first question
            known = [it for it in self._items if it.minhash is not None]
            found = self.store.similar_items_many([(it.minhash or b"", it.band_keys) for it in known],
                                                  official_only=True, limit=3, threshold=self.threshold)
            self._found = {id(it): hits for it, hits in zip(known, found, strict=True)}
        item = self.by_text.get(text)
        hits = self._found.get(id(item)) if item is not None and _same_words(item, text) else None
        if hits is None or limit > 3:
            m = minhash(text)
            hits = self.store.similar_items(signature_bytes(m), band_keys(m), official_only=True, limit=limit,
                                            threshold=self.threshold)
        hits = hits[:limit]
        from classifier.coverage import CoverageHit

        return [CoverageHit(ref=str(h.item_id), title=h.title, url=h.url, similarity=h.similarity) for h in hits]


def _same_words(item: CollectedItem, text: str) -> bool:
    """Whether `text` shingles like the dedupe stage's `f"{title}\n{text}"`: the combined form always;
    the bare text only for an untitled item."""
    return not item.title or text != item.text


class ScoreStage:
    def __init__(self, ctx: CrawlContext, scorer: Any, bank: Any) -> None:
        self.ctx, self.scorer, self.bank = ctx, scorer, bank
        ctx.scoring = scorer is not None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BatchedStage:
        ctx = crawl_context(crawler)
        options = BatchedStage.options(crawler.settings)
        if not crawler.settings.getbool("CANHGAC_SCORE_ENABLED", True):
            log.info("scoring switched off (CANHGAC_SCORE_ENABLED=0): items are stored unscored")
            return BatchedStage(cls(ctx, None, None), **options)
        scorer, bank = load_scorer(ctx.config.classifier, ctx.store)
        return BatchedStage(cls(ctx, scorer, bank), **options)

    def process_item(self, item: CollectedItem) -> CollectedItem:
        return process_one(self, item)

    def process_batch(self, items: Sequence[CollectedItem]) -> list[CollectedItem | BaseException]:
        if self.scorer is None:
            return list(items)
        out: list[CollectedItem | BaseException] = []
        for item, result in zip(items, self.score_batch(items), strict=True):
            if isinstance(result, BaseException):
                out.append(result)
            else:
                item.score = result
                out.append(item)
        return out

    def score_batch(self, items: Sequence[CollectedItem]) -> list[Any]:
        """One result (or exception) per item. `score_many` takes one `official` for all texts, so the
        batch is grouped by it; titles go per item."""
        out: list[Any] = [None] * len(items)
        groups: dict[bool, list[int]] = {}
        for i, item in enumerate(items):
            groups.setdefault(item.official, []).append(i)
        for official, idx in groups.items():
            batch = [items[i] for i in idx]
            try:
                results: list[Any] = self._score(batch, official)
            except Exception:  # noqa: BLE001 - score one by one so one bad text fails only its own item
                results = []
                for item in batch:
                    try:
                        results.extend(self._score([item], official))
                    except Exception as exc:  # noqa: BLE001 - this item's error, raised in its process_item
                        results.append(exc)
            for i, result in zip(idx, results, strict=True):
                out[i] = result
        return out

    def _score(self, batch: Sequence[CollectedItem], official: bool) -> list[Any]:
        if len(batch) == 1:
            item = batch[0]
            coverage = None if official else BatchCoverage(self.ctx.store, batch)
            return [self.scorer.score(item.text, title=item.title, official=official, bank=self.bank,
                                      coverage=coverage)]
        return list(self.scorer.score_many([it.text for it in batch], titles=[it.title for it in batch],
                                           official=official, bank=self.bank,
                                           coverage=None if official else BatchCoverage(self.ctx.store, batch)))
