"""Sources and their health: what `canhgac status` and the stale-source check read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from review.config import SourceConfig
from review.models import Source, SourceRun
from review.types import utcnow

if TYPE_CHECKING:
    from review.store import StoreBase

    _Base = StoreBase
else:
    _Base = object


@dataclass(frozen=True)
class SourceHealth:
    name: str
    kind: str
    official: bool
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    items_last_run: int
    items_total: int
    next_run_at: datetime | None
    last_status: str | None


class SourcesMixin(_Base):
    def sync_sources(self, configs: Iterable[SourceConfig]) -> None:
        """Make the sources table know every configured source (health rows are kept across restarts)."""
        with self.session() as s:
            existing = {src.name: src for src in s.scalars(select(Source))}
            for cfg in configs:
                src = existing.get(cfg.name)
                if src is None:
                    s.add(Source(name=cfg.name, kind=cfg.kind, official=cfg.official, locality=cfg.locality))
                else:
                    src.kind, src.official, src.locality = cfg.kind, cfg.official, cfg.locality

    def ensure_source(self, cfg: SourceConfig) -> None:
        """Make sure `cfg` has a row; safe when several crawl processes start at the same moment."""
        for attempt in range(2):
            try:
                with self.session() as s:
                    src = s.scalars(select(Source).where(Source.name == cfg.name)).one_or_none()
                    if src is None:
                        s.add(Source(name=cfg.name, kind=cfg.kind, official=cfg.official, locality=cfg.locality))
                    else:
                        src.kind, src.official, src.locality = cfg.kind, cfg.official, cfg.locality
                return
            except IntegrityError:  # another process inserted it between our read and insert
                if attempt:
                    raise

    def source_id(self, name: str) -> int:
        with self.session() as s:
            sid = s.scalar(select(Source.id).where(Source.name == name))
        if sid is None:
            raise KeyError(name)
        return sid

    def start_run(self, name: str) -> int:
        """Record that a crawl of `name` started; returns the run id."""
        now = utcnow()
        with self.session() as s:
            src = s.scalars(select(Source).where(Source.name == name)).one()
            src.last_run_at = now
            run = SourceRun(source_id=src.id, started_at=now, status="running")
            s.add(run)
            s.flush()
            return run.id

    def finish_run(self, run_id: int, *, ok: bool, items_new: int, pages: int = 0, errors: int = 0,
                   message: str | None = None, stopped: bool = False) -> None:
        """Close a run and update the source's health: success resets the failure streak. A run `stopped` on
        request (Ctrl-C, the daemon shutting down) that did not finish is "stopped": not a failure of the source,
        so neither its failure streak nor its last error changes (the next run resumes it)."""
        now = utcnow()
        with self.session() as s:
            run = s.get_one(SourceRun, run_id)
            run.finished_at, run.status = now, "ok" if ok else "stopped" if stopped else "failed"
            run.items_new, run.pages, run.errors, run.message = items_new, pages, errors, message
            src = s.get_one(Source, run.source_id)
            src.items_last_run = items_new
            src.items_total = (src.items_total or 0) + items_new
            if ok:
                src.last_success_at, src.consecutive_failures = now, 0
            elif stopped:
                pass
            else:
                src.consecutive_failures = (src.consecutive_failures or 0) + 1
                src.last_error, src.last_error_at = (message or "thất bại")[:2000], now

    def record_source_error(self, name: str, message: str) -> None:
        """Note an error seen mid-run (a dead URL, a malformed feed) without ending the run."""
        with self.session() as s:
            src = s.scalars(select(Source).where(Source.name == name)).one()
            src.last_error, src.last_error_at = message[:2000], utcnow()

    def set_next_run(self, name: str, when: datetime | None) -> None:
        with self.session() as s:
            src = s.scalars(select(Source).where(Source.name == name)).one_or_none()
            if src is not None:
                src.next_run_at = when

    def source_health(self) -> list[SourceHealth]:
        with self.session() as s:
            out = []
            for src in s.scalars(select(Source).order_by(Source.name)):
                last = s.scalar(select(SourceRun.status).where(SourceRun.source_id == src.id)
                                .order_by(SourceRun.id.desc()).limit(1))
                out.append(SourceHealth(src.name, src.kind, src.official, src.last_run_at, src.last_success_at,
                                        src.last_error, src.consecutive_failures, src.items_last_run,
                                        src.items_total, src.next_run_at, last))
            return out

    def close_stale_runs(self, name: str, message: str = "bị dừng: tiến trình thu thập kết thúc khi chưa xong lượt chạy") -> int:
        """Mark runs of `name` still 'running' as killed (their process died); returns how many."""
        now = utcnow()
        with self.session() as s:
            src = s.scalars(select(Source).where(Source.name == name)).one_or_none()
            if src is None:
                return 0
            runs = list(s.scalars(select(SourceRun).where(SourceRun.source_id == src.id,
                                                          SourceRun.status == "running")))
            for run in runs:
                run.status, run.finished_at, run.message = "killed", now, message
            return len(runs)

    def last_run(self, name: str) -> SourceRun | None:
        """The newest run of `name` (detached), or None."""
        with self.session() as s:
            return s.scalars(select(SourceRun).join(Source, Source.id == SourceRun.source_id)
                             .where(Source.name == name).order_by(SourceRun.id.desc()).limit(1)).first()
