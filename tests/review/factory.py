"""Test data for the review package: items and review entries, made the way the crawler makes them
(an Item row, then `record_score` with a classifier-shaped result), or in bulk through Core inserts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from review.models import Item, ReviewEntry, ReviewFlag, Source
from review.priority import PriorityInputs, stored_priority
from review.store import Store
from review.types import utcnow

CATS = ("scam", "misinformation", "offensive", "hate", "illegal_ad")


@dataclass(frozen=True)
class FakeEvidence:
    category: str
    kind: str
    text: str
    start: int
    end: int
    weight: float
    detail: str = ""


@dataclass(frozen=True)
class FakeResult:
    """Shaped like classifier.scorer.ScoreResult."""

    scores: dict[str, float]
    flags: tuple[str, ...]
    label: str = "scam"
    evidence: tuple[FakeEvidence, ...] = ()
    locality: tuple[str, ...] = ()
    language: str = "vi"
    model_version: str = "test-1"

    def to_json(self) -> dict[str, Any]:
        return {"scores": self.scores, "flags": list(self.flags)}


def add_item(store: Store, text: str, *, title: str = "", source: str | None = None, kind: str = "article",
             locality: list[str] | None = None, cluster_id: int | None = None) -> int:
    with store.session() as s:
        src = None
        if source is not None:
            src = s.scalar(select(Source).where(Source.name == source))
            if src is None:
                src = Source(name=source, kind="rss")
                s.add(src)
                s.flush()
        n = random.getrandbits(48)
        item = Item(url=f"https://example.vn/{n}", canonical_url=f"https://example.vn/{n}", kind=kind, title=title,
                    text=text, fetched_at=utcnow(), content_hash=f"{n:x}", locality=locality or [],
                    source_id=src.id if src else None, cluster_id=cluster_id)
        s.add(item)
        s.flush()
        return item.id


def flagged(store: Store, text: str, category: str = "scam", score: float = 0.9, **kw: Any) -> int:
    """An item flagged for `category`; returns the review entry id."""
    item_id = add_item(store, text, **kw)
    word = text.split()[0]
    result = FakeResult({category: score, "hate": 0.05}, (category,), label=category,
                        evidence=(FakeEvidence(category, "ngram", word, 0, len(word), 1.2),))
    entry_id = store.record_score(item_id, result)
    assert entry_id is not None
    return entry_id


def bulk_entries(store: Store, n: int, *, seed: int = 1, batch: int = 20000) -> None:
    """`n` open entries (with items and flags) through Core executemany: fast enough for a million."""
    rng = random.Random(seed)
    now = utcnow()
    with store.engine.begin() as conn:
        start = conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM items").scalar() or 0
    for lo in range(0, n, batch):
        items, entries, flags = [], [], []
        for k in range(lo, min(n, lo + batch)):
            i = start + k + 1
            cat, score = CATS[rng.randrange(len(CATS))], round(rng.uniform(0.5, 1.0), 3)
            created = now - timedelta(minutes=rng.randrange(60 * 24 * 60))
            items.append({"id": i, "url": f"https://x.vn/{i}", "canonical_url": f"https://x.vn/{i}", "kind": "post",
                          "title": f"Tin số {i}", "text": f"Nội dung thử nghiệm số {i}", "fetched_at": created,
                          "content_hash": f"h{i}", "locality": [], "revision": 1, "official": False, "extra": {}})
            entries.append({"id": i, "item_id": i, "status": "open", "top_category": cat, "top_score": score,
                            "priority": stored_priority(PriorityInputs(cat, score), created),
                            "source_name": f"src{i % 7}", "is_report": False, "version": 1,
                            "created_at": created, "updated_at": created})
            flags.append({"entry_id": i, "category": cat, "score": score})
        with store.engine.begin() as conn:
            conn.execute(insert(Item), items)
            conn.execute(insert(ReviewEntry), entries)
            conn.execute(insert(ReviewFlag), flags)


def config_file(tmp_path: Path, db_url: str, moderators: tuple[str, ...] = ("lan", "minh"),
                claim_minutes: int = 30) -> Path:
    path = tmp_path / "canhgac.toml"
    mods = ", ".join(f'"{m}"' for m in moderators)
    path.write_text(f'[database]\nurl = "{db_url}"\n\n[review]\nmoderators = [{mods}]\n'
                    f'claim_minutes = {claim_minutes}\nlocality = "Hà Nội"\n', encoding="utf-8")
    return path
