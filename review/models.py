"""The database schema: SQLAlchemy 2.0 typed models. `review` owns the database.

Portable SQL only (SQLite for a ward, PostgreSQL for a province): JSON columns via `sqlalchemy.JSON`,
no SQLite-only constructs. Every state change that a crawler or moderator makes is a row, so several
processes on several machines can share one database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from review.types import UTCDateTime

# Status values of a review entry.
OPEN, CLAIMED, DECIDED = "open", "claimed", "decided"
ENTRY_STATUSES = (OPEN, CLAIMED, DECIDED)
# `warn`: a violation confirmed and a warning issued (Decision 423/QĐ-BVHTTDL: detect, warn about, handle). It counts
# as a violation wherever one counts; the year-end report and `stats` also count it apart (what the office did).
VERDICTS = ("violation", "warn", "dismiss", "escalate", "commend")
#: The verdicts that confirm a harm (a violation of the Code of Cultural Conduct, a scam, ...): never `positive`.
HARM_VERDICTS = ("violation", "warn", "escalate")
#: The verdicts whose text joins the known-item bank as confirmed (the rest, `dismiss`, as dismissed).
CONFIRMING_VERDICTS = (*HARM_VERDICTS, "commend")
ITEM_KINDS = ("article", "post", "ad", "report")

# The longest URL an item may have (items.url, items.canonical_url; the crawler's own limit, see
# crawler.spiders.base). Above Scrapy's and old browsers' 2083, which real percent-encoded Vietnamese slugs
# exceed, and below what PostgreSQL's btree indexes on (canonical_url, content_hash) can hold (an index
# entry is at most 2704 bytes; URLs are percent-encoded ASCII, one byte a character).
MAX_URL_LENGTH = 2500
FEED_STATE_KEY_LENGTH = 2048  # feed_state.url: longer keys are stored as a hash (review.items.feed_state_key)
ETAG_LENGTH = 512  # feed_state.etag: a longer ETag is not stored (the feed is then fetched unconditionally)
LAST_MODIFIED_LENGTH = 128


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


def made_on(obj: object, dialect: str) -> bool:
    """Whether the schema on `dialect` holds `obj` (a table, column, index...): all do but an index made on other
    databases only (`Index(...).ddl_if(dialect=...)`), which Alembic's autogenerate must not compare there
    (`review/migrations/env.py`: it does not read `ddl_if` itself)."""
    only = getattr(getattr(obj, "_ddl_if", None), "dialect", None)
    return only is None or dialect == only or (not isinstance(only, str) and dialect in only)


class Source(Base):
    """A configured source and its health, as last seen by any crawler process."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    official: Mapped[bool] = mapped_column(Boolean, default=False)
    locality: Mapped[str] = mapped_column(String(128), default="")
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    items_last_run: Mapped[int] = mapped_column(Integer, default=0)
    items_total: Mapped[int] = mapped_column(Integer, default=0)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SourceRun(Base):
    """One crawl of one source: started, finished, how it went."""

    __tablename__ = "source_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="running")  # running|ok|failed|killed
    items_new: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)


class FeedState(Base):
    """Conditional-GET validators (keyed by feed URL) and "already seen" markers of listed entries (keyed
    "entry:<source>|<canonical URL>": per source, see SourceSpider.entry_key), so unchanged feeds and entries
    are not re-fetched. A key longer than the column is stored as its hash (review.items.feed_state_key)."""

    __tablename__ = "feed_state"
    url: Mapped[str] = mapped_column(String(FEED_STATE_KEY_LENGTH), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(ETAG_LENGTH))
    last_modified: Mapped[str | None] = mapped_column(String(LAST_MODIFIED_LENGTH))
    entry_hash: Mapped[str | None] = mapped_column(String(64))  # for feed entries: hash of the entry as listed
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Cluster(Base):
    """Copies of one story: near-duplicates across sources. `size` is the spread, a reach signal."""

    __tablename__ = "clusters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    representative_item_id: Mapped[int | None] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer, default=1)
    sources: Mapped[int] = mapped_column(Integer, default=1)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Item(Base):
    """One collected text. A changed article becomes a new revision row (same canonical URL)."""

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("canonical_url", "content_hash", name="uq_items_url_content"),
        Index("uq_items_url_revision", "canonical_url", "revision", unique=True),  # one writer per revision
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    url: Mapped[str] = mapped_column(String(MAX_URL_LENGTH))
    canonical_url: Mapped[str] = mapped_column(String(MAX_URL_LENGTH))
    kind: Mapped[str] = mapped_column(String(16), default="article")
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str | None] = mapped_column(String(256))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    raw_hash: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    locality: Mapped[list[Any]] = mapped_column(JSON, default=list)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(Integer)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id", ondelete="SET NULL"), index=True)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    official: Mapped[bool] = mapped_column(Boolean, default=False)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # price, contact, reporter, note ...

    source: Mapped[Source | None] = relationship()
    scores: Mapped[list[Score]] = relationship(back_populates="item", order_by="Score.id")


class ItemBand(Base):
    """LSH band keys of an item's MinHash, so near-duplicate lookup is a SQL query, not process memory."""

    __tablename__ = "item_bands"
    __table_args__ = (Index("ix_item_bands_key", "band_key"),)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    band_key: Mapped[str] = mapped_column(String(24), primary_key=True)


class Score(Base):
    """What one model version said about one item, with its evidence."""

    __tablename__ = "scores"
    # review.rescore_pending; SQLite only (migration 0008): PostgreSQL's count does not use it
    __table_args__ = (Index("ix_scores_id_model_version", "id", "model_version").ddl_if(dialect="sqlite"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    model_version: Mapped[str] = mapped_column(String(64))
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    flags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    label: Mapped[str] = mapped_column(String(32), default="clean")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    item: Mapped[Item] = relationship(back_populates="scores")


class ReviewEntry(Base):
    """An item waiting for (or having had) a moderator's decision. `version` guards concurrent edits."""

    __tablename__ = "review_entries"
    __table_args__ = (
        Index("ix_review_status_priority", "status", "priority"),
        Index("ix_review_status_created", "status", "created_at"),
        Index("ix_review_status_source_priority", "status", "source_name", "priority"),  # queue --source
        Index("ix_review_status_score", "status", "score_id").ddl_if(dialect="sqlite"),  # as ix_scores_id_model_version
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), unique=True)
    score_id: Mapped[int | None] = mapped_column(ForeignKey("scores.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=OPEN)
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    top_category: Mapped[str] = mapped_column(String(32), index=True)
    top_score: Mapped[float] = mapped_column(Float, default=0.0)
    source_name: Mapped[str | None] = mapped_column(String(64), index=True)
    is_report: Mapped[bool] = mapped_column(Boolean, default=False)
    claimant: Mapped[str | None] = mapped_column(String(64))
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verdict: Mapped[str | None] = mapped_column(String(16))
    verdict_category: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)  # bumped by every change; stale writes refused
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    item: Mapped[Item] = relationship()
    flags: Mapped[list[ReviewFlag]] = relationship(back_populates="entry", cascade="all, delete-orphan")
    decisions: Mapped[list[Decision]] = relationship(back_populates="entry", order_by="Decision.id")


class ReviewFlag(Base):
    """One flagged category of a review entry (an entry may be flagged for several)."""

    __tablename__ = "review_flags"
    __table_args__ = (Index("ix_review_flags_category", "category", "entry_id"),)
    entry_id: Mapped[int] = mapped_column(ForeignKey("review_entries.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    score: Mapped[float] = mapped_column(Float)

    entry: Mapped[ReviewEntry] = relationship(back_populates="flags")


class Decision(Base):
    """A moderator's verdict. Undo does not delete: it marks the decision undone and keeps both."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("review_entries.id", ondelete="CASCADE"), index=True)
    moderator: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_by: Mapped[str | None] = mapped_column(String(64))
    undo_reason: Mapped[str | None] = mapped_column(Text)
    bulk: Mapped[bool] = mapped_column(Boolean, default=False)

    entry: Mapped[ReviewEntry] = relationship(back_populates="decisions")


class BankEntry(Base):
    """Known items: confirmed violations (raise scores) and dismissed false positives (suppress them)."""

    __tablename__ = "bank_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    polarity: Mapped[str] = mapped_column(String(16))  # confirmed | dismissed
    category: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    item_id: Mapped[int | None] = mapped_column(Integer)
    decision_id: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditLog(Base):
    """Append-only, hash-chained. No code path updates or deletes these rows."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_action_entry", "action", "entry_id"),)  # queue --source: crawl_join rows
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entry_id: Mapped[int | None] = mapped_column(Integer, index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class DigestSent(Base):
    """One weekly summary to one recipient: at most one delivered row per ISO week and recipient."""

    __tablename__ = "digests_sent"
    __table_args__ = (UniqueConstraint("iso_week", "recipient", name="uq_digest_week_recipient"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    iso_week: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Lease(Base):
    """A named lease with heartbeat: one daemon per database, one holder of a job at a time."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(256))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Setting(Base):
    """Small persisted key/values: the active model path, thresholds last applied, ..."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
