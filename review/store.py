"""The database behind a class whose methods say what they do.

`Store` is assembled from one mixin per concern so each file stays small: sources and their health
(`review.sources`), collected items and story clusters (`review.items`), the review queue and decisions
(`review.queue`), the audit chain (`review.audit`), digests (`review.digest_log`). Every method opens its
own short transaction; nothing is cached in process memory, so many processes can share one database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from review.audit import AuditMixin
from review.database import ensure_schema_current, make_engine, upgrade
from review.digest_log import DigestLogMixin
from review.errors import CanhgacError
from review.items import ItemsMixin
from review.queue import QueueMixin
from review.sources import SourcesMixin


class StoreBase:
    """Engine and transactions; the mixins build on `session()`."""

    def __init__(self, engine: Engine, *, zone: str | None = None) -> None:
        self.engine = engine
        self.zone = zone  # the time zone messages give times in (`[digest] timezone`); None: Vietnam time
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any exception."""
        with self._sessions.begin() as s:
            yield s

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()


class Store(SourcesMixin, ItemsMixin, QueueMixin, AuditMixin, DigestLogMixin, StoreBase):
    @classmethod
    def open(cls, url: str, *, create: bool = False, zone: str | None = None) -> Store:
        """Open the database at `url`; with `create`, create or upgrade the schema first. `zone`: the time zone
        its messages give times in (a held entry's "giữ đến HH:MM"), `[digest] timezone`; None: Vietnam time."""
        if not create and url.startswith("sqlite"):
            parsed = make_url(url)
            path = parsed.database or ""
            # Connecting would create an empty file (a stray ./canhgac.db after a read-only command).
            if path and path != ":memory:" and "uri" not in parsed.query and not Path(path).exists():
                raise CanhgacError(f"chưa có cơ sở dữ liệu {path}: hãy chạy `canhgac init` trước")
        engine = make_engine(url)
        if create:
            upgrade(engine)
        else:
            ensure_schema_current(engine)
        return cls(engine, zone=zone)
