"""What retention already deleted from a period the yearly report covers.

`housekeeping.purge_retention` deletes items older than `[review] retention_days` that were never flagged, and
the crawl runs of that age (flagged entries, their decisions, citizen reports and the audit log stay). The
year-end report's review coverage (pages collected, sources reviewed) and story copies are counted from what is
still stored, so a purge reaching into the period shrinks them without a trace in the numbers. Each purge that
deleted anything leaves an audit row with its cutoff: the latest cutoff is what the workbook must own up to.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from review.models import AuditLog
from review.vi import VN_TZ

PURGE_ACTION = "retention_purge"  # the audit action of housekeeping.purge_retention


def retention_cut(s: Any) -> datetime | None:
    """The latest cutoff of any retention purge that deleted something: older uncounted data is gone."""
    latest: datetime | None = None
    for (details,) in s.execute(select(AuditLog.details).where(AuditLog.action == PURGE_ACTION)):
        try:
            cut = datetime.fromisoformat(str((details or {})["cutoff"]))
        except (KeyError, TypeError, ValueError):
            continue  # a row written by another version: nothing to go by
        cut = cut if cut.tzinfo is not None else cut.replace(tzinfo=UTC)  # written as UTC, with or without zone
        if latest is None or cut > latest:
            latest = cut
    return latest


def retention_notes(cut: datetime | None, since: datetime, retention_days: int | None) -> list[list[Any]]:
    """The Ghi chú row warning that the period's coverage is incomplete, when a purge reached into it."""
    if cut is None or cut <= since:
        return []
    setting = f" (retention_days = {retention_days})" if retention_days is not None else ""
    return [["Dữ liệu đã xóa theo chính sách lưu trữ",
             f"Dữ liệu trước {cut.astimezone(VN_TZ):%H:%M ngày %d/%m/%Y} đã được xóa theo chính sách lưu trữ{setting}: số tin, "
             "bài đã thu thập, số nguồn đã rà soát và số bản sao của một tin có thể thiếu. Các mục gắn cờ, phản ánh "
             "của người dân và quyết định xử lý được giữ lại, không bị ảnh hưởng."]]
