"""The links citizens reported, for `export items`: the address each citizen sent (a short link as sent, not only
the page it led to), read as `canhgac show` reads them (`review.listing._reports_of`): the report stored as the
entry's item, then every report that joined the entry (audit rows `report`) — of any entry, a crawled page decided
before a citizen reported it too (outcome already_decided: `is_report` stays false). A report pasted as text has
no link.

Read per batch of exported rows (one query for the batch's reported entries), so an export of a year of items
does not read the audit log once per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from review.models import AuditLog
from review.report_match import REPORT_KIND, TEXT_REPORT_PREFIX

#: Several links in one cell, one a line (an address holds no newline).
SEPARATOR = "\n"


def _link(url: Any) -> str | None:
    return None if not url or str(url).startswith(TEXT_REPORT_PREFIX) else str(url)


def reported_links(s: Session, rows: Iterable[tuple[int, str, str, dict[str, Any] | None]]) -> dict[int, str]:
    """Entry id -> its reported links, `SEPARATOR`-joined in the order received, each once; for `rows` of
    (entry id, item kind, item URL, item extra). Entries without one are left out. Every entry is looked up, not
    only those with `is_report`: a report may join any entry (see above)."""
    links: dict[int, list[str]] = {}
    reported = []
    for entry_id, kind, url, extra in rows:
        reported.append(entry_id)
        if kind == REPORT_KIND:
            link = _link((extra or {}).get("reported_url") or url)
            if link:
                links.setdefault(entry_id, []).append(link)
    if reported:
        for entry_id, details in s.execute(select(AuditLog.entry_id, AuditLog.details)
                                           .where(AuditLog.action == "report", AuditLog.entry_id.in_(reported))
                                           .order_by(AuditLog.id)):
            d = details or {}
            link = _link(d.get("reported_url") or d.get("url"))
            if link and entry_id is not None:
                links.setdefault(entry_id, []).append(link)
    return {entry_id: SEPARATOR.join(dict.fromkeys(found)) for entry_id, found in links.items()}
