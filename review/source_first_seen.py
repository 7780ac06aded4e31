"""When each source was first configured: the weekly digest tells a source added after a week from one that was
configured during it but did not run (the daemon was stopped, the source's schedule broken).

The `sources` table has no creation time, so the time its row is created (`SourcesMixin.sync_sources`, the first
time a configuration naming it is loaded) is kept as a setting of its own, `source_first_seen:<source id>`:
{"name": ..., "at": ISO 8601 UTC}. One row per source, written in the transaction that creates the source's row,
so two processes cannot overwrite each other's. A source created before canhgac kept this has no such row
(`first_seen` leaves it out): the digest then goes by its runs alone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from review.models import Setting, Source

PREFIX = "source_first_seen:"


def record_first_seen(s: Session, source: Source, at: datetime) -> None:
    """Note in `s` (the transaction adding `source`) that `source` was first configured at `at`."""
    if source.id is None:
        s.flush()
    s.add(Setting(key=f"{PREFIX}{source.id}", value={"name": source.name, "at": at.isoformat()}, updated_at=at))


def first_seen(s: Session) -> dict[str, datetime]:
    """Source name -> when it was first configured, for the sources whose row records it."""
    names: dict[int, str] = {sid: name for sid, name in s.execute(select(Source.id, Source.name))}
    out: dict[str, datetime] = {}
    for key, value in s.execute(select(Setting.key, Setting.value).where(Setting.key.startswith(PREFIX))):
        source_id = key[len(PREFIX):]
        name = names.get(int(source_id)) if source_id.isdigit() else None
        if name is not None and isinstance(value, dict) and value.get("name") == name \
                and isinstance(value.get("at"), str):  # the name too: SQLite may give a deleted source's id again
            out[name] = datetime.fromisoformat(value["at"])
    return out
