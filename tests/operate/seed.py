"""Rows for the digest and housekeeping tests, written straight to the tables."""

from __future__ import annotations

from datetime import datetime, timedelta

from review.models import Decision, Item, ReviewEntry, ReviewFlag, Source, SourceRun
from review.store import Store


def add_flagged(store: Store, *, title: str, category: str, at: datetime, url: str = "",
                source: str = "bao-tinh", verdict: str | None = None, decided_at: datetime | None = None,
                score: float = 0.9) -> int:
    """An item with one review entry flagged for `category`; decided when `verdict` is given."""
    with store.session() as s:
        src = s.query(Source).filter_by(name=source).one_or_none()
        if src is None:
            src = Source(name=source, kind="html")
            s.add(src)
            s.flush()
        n = s.query(Item).count() + 1
        item = Item(source_id=src.id, url=url or f"https://{source}.example.vn/bai-{n}",
                    canonical_url=url or f"https://{source}.example.vn/bai-{n}", title=title, text=title,
                    fetched_at=at, content_hash=f"h{n}")
        s.add(item)
        s.flush()
        entry = ReviewEntry(item_id=item.id, status="decided" if verdict else "open", priority=score,
                            top_category=category, top_score=score, source_name=source, created_at=at,
                            updated_at=at, verdict=verdict, decided_at=decided_at if verdict else None)
        s.add(entry)
        s.flush()
        s.add(ReviewFlag(entry_id=entry.id, category=category, score=score))
        if verdict:
            s.add(Decision(entry_id=entry.id, moderator="lan", verdict=verdict,
                           created_at=decided_at or at + timedelta(hours=1)))
        return entry.id


def add_run(store: Store, source: str, at: datetime, *, ok: bool, items_new: int = 0) -> None:
    with store.session() as s:
        src = s.query(Source).filter_by(name=source).one()
        s.add(SourceRun(source_id=src.id, started_at=at, finished_at=at, status="ok" if ok else "failed",
                        items_new=items_new))
        if not ok:
            src.consecutive_failures += 1
            src.last_error = "HTTP 503"
