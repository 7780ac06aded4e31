"""`queue --source S` (and bulk's `source=S`, `claim_next` with a source): which entries, and how they are found.

An entry is listed for S when its own source is S, or when it is a citizen report's entry that a crawled page of
S joined (audit `crawl_join` naming S). The listing is checked against a reference computed in Python from the
rows, for every sort, status, category, time window and a limit that cuts across both kinds of entry; and the
query's plan is checked to reach entries only through an index on the source (or the primary key) and the
audit log only through its index on the action, never walking the whole queue (SQLite's EXPLAIN QUERY PLAN,
PostgreSQL's EXPLAIN with sequential scans discouraged, so that a plan that has no index path shows one).

Real database file (SQLite), and PostgreSQL when CANHGAC_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update

from review.audit import append_audit
from review.citizen import CRAWL_ACTOR, CRAWL_JOIN, SAME_TEXT
from review.filters import EntryFilter
from review.listing import SORTS
from review.models import CLAIMED, DECIDED, OPEN, AuditLog, ReviewEntry, ReviewFlag
from review.store import Store
from review.types import utcnow
from tests.review.factory import add_item, bulk_entries, flagged

CLI = Callable[..., tuple[int, str, str]]
SOURCE = "tin-nhanh"
OTHER = "bao-khac"
UNKNOWN = "khong-co"


def _join(store: Store, entry_id: int, source: str | None) -> None:
    """A crawled page (of `source`; None: a source canhgac does not know) joined the entry, as
    review.citizen.record_joins records it."""
    page = add_item(store, f"Trang sao chép phản ánh {entry_id}", source=source)
    with store.session() as s:
        append_audit(s, CRAWL_ACTOR, CRAWL_JOIN, entry_id,
                     {"item_id": page, "url": f"https://trang.vn/{page}", "source": source, "report_item_id": None,
                      "match": SAME_TEXT, "outcome": "joined"})


def _set(store: Store, entry_id: int, **values: Any) -> None:
    with store.session() as s:
        s.execute(update(ReviewEntry).where(ReviewEntry.id == entry_id).values(**values)
                  .execution_options(synchronize_session=False))


@pytest.fixture
def queue(store: Store) -> dict[str, int]:
    """Entries of every kind the source filter tells apart; name → entry id."""
    now = utcnow()
    e: dict[str, int] = {}
    e["own"] = flagged(store, "Lừa đảo trúng thưởng qua Zalo", "scam", 0.95, source=SOURCE)
    e["own_misinfo"] = flagged(store, "Tin đồn sai sự thật về dịch bệnh", "misinformation", 0.88, source=SOURCE)
    e["own_decided"] = flagged(store, "Quảng cáo vay tiền nhanh", "scam", 0.9, source=SOURCE)
    e["own_held_by_lan"] = flagged(store, "Chuyển khoản nhận quà tri ân", "scam", 0.55, source=SOURCE)
    e["other"] = flagged(store, "Lừa đảo việc nhẹ lương cao", "scam", 0.99, source=OTHER)
    e["report_joined"] = flagged(store, "Phản ánh tin nhắn trúng thưởng", "scam", 0.7, kind="report")
    e["report_joined_twice"] = flagged(store, "Phản ánh cuộc gọi giả công an", "scam", 0.75, kind="report")
    e["report_misinfo_joined"] = flagged(store, "Phản ánh tin đồn thất thiệt", "misinformation", 0.72, kind="report")
    e["report_joined_other"] = flagged(store, "Phản ánh quảng cáo thuốc giả", "scam", 0.8, kind="report")
    e["report_own_and_joined"] = flagged(store, "Phản ánh trang lừa đảo", "scam", 0.85, kind="report", source=SOURCE)
    e["report_join_unknown_source"] = flagged(store, "Phản ánh tin nhắn rác", "scam", 0.65, kind="report")
    e["report_not_joined"] = flagged(store, "Phản ánh lời mời đầu tư", "scam", 0.97, kind="report")
    e["report_claimed"] = flagged(store, "Phản ánh tài khoản giả", "scam", 0.92, kind="report")
    e["report_lapsed"] = flagged(store, "Phản ánh đường dây cho vay", "scam", 0.5, kind="report")
    e["report_decided"] = flagged(store, "Phản ánh bán hàng giả", "scam", 0.6, kind="report")
    # not a report's entry: a crawl_join row on it (none is written so) does not make it a page of SOURCE
    e["crawled_with_join_row"] = flagged(store, "Bài viết về lừa đảo", "scam", 0.62, source=OTHER)
    for key in ("report_joined", "report_joined_twice", "report_joined_twice", "report_misinfo_joined",
                "report_own_and_joined", "report_claimed", "report_lapsed", "report_decided", "crawled_with_join_row"):
        _join(store, e[key], SOURCE)
    _join(store, e["report_joined_other"], OTHER)
    _join(store, e["report_join_unknown_source"], None)
    for k, entry_id in enumerate(sorted(e.values())):  # one hour apart, the first one the oldest
        _set(store, entry_id, created_at=now - timedelta(hours=len(e) - k))
    _set(store, e["own_decided"], status=DECIDED, verdict="dismiss")
    _set(store, e["report_decided"], status=DECIDED, verdict="violation")
    _set(store, e["own_held_by_lan"], status=CLAIMED, claimant="lan", claim_expires_at=now + timedelta(minutes=30))
    _set(store, e["report_claimed"], status=CLAIMED, claimant="minh", claim_expires_at=now + timedelta(minutes=30))
    _set(store, e["report_lapsed"], status=CLAIMED, claimant="minh", claim_expires_at=now - timedelta(minutes=5))
    return e


@dataclass(frozen=True)
class Row:
    id: int
    status: str
    source: str | None
    is_report: bool
    priority: float
    created_at: datetime
    claimant: str | None
    claim_expires_at: datetime | None
    categories: frozenset[str]
    joined_sources: frozenset[str | None]


def _rows(store: Store) -> list[Row]:
    with store.session() as s:
        cats: dict[int, set[str]] = {}
        for entry_id, cat in s.execute(select(ReviewFlag.entry_id, ReviewFlag.category)):
            cats.setdefault(entry_id, set()).add(cat)
        joined: dict[int, set[str | None]] = {}
        for entry_id, details in s.execute(select(AuditLog.entry_id, AuditLog.details)
                                           .where(AuditLog.action == CRAWL_JOIN)):
            joined.setdefault(entry_id, set()).add(details.get("source"))
        return [Row(e.id, e.status, e.source_name, e.is_report, e.priority, e.created_at, e.claimant,
                    e.claim_expires_at, frozenset(cats.get(e.id, ())), frozenset(joined.get(e.id, ())))
                for e in s.scalars(select(ReviewEntry))]


def _of_source(r: Row, source: str) -> bool:
    return r.source == source or (r.is_report and source in r.joined_sources)


def _expected(rows: list[Row], source: str, *, status: str = OPEN, category: str | None = None,
              since: datetime | None = None, sort: str = "priority", limit: int = 50) -> list[int]:
    hits = [r for r in rows if _of_source(r, source) and r.status == status
            and (category is None or category in r.categories) and (since is None or r.created_at >= since)]
    if sort == "priority":
        hits.sort(key=lambda r: (-r.priority, r.id))
    elif sort == "oldest":
        hits.sort(key=lambda r: (r.created_at, r.id))
    else:
        hits.sort(key=lambda r: (r.created_at, r.id), reverse=True)
    return [r.id for r in hits[:limit]]


def test_source_lists_its_own_entries_and_the_report_entries_its_pages_joined(store: Store,
                                                                             queue: dict[str, int]) -> None:
    rows = _rows(store)
    listed = [e.id for e in store.list_entries(EntryFilter(source=SOURCE), limit=50)]
    names = {v: k for k, v in queue.items()}
    assert sorted(names[i] for i in listed) == sorted([
        "own", "own_misinfo", "report_joined", "report_joined_twice", "report_misinfo_joined",
        "report_own_and_joined"])
    assert listed == _expected(rows, SOURCE)  # each once, best first
    since = utcnow() - timedelta(hours=8)
    for source in (SOURCE, OTHER, UNKNOWN):
        for status in (OPEN, CLAIMED, DECIDED):
            for sort in SORTS:
                for limit in (1, 2, 3, 50):
                    for category in (None, "scam", "misinformation"):
                        for when in (None, since):
                            flt = EntryFilter(source=source, status=status, category=category, since=when)
                            got = [e.id for e in store.list_entries(flt, sort=sort, limit=limit)]
                            assert got == _expected(rows, source, status=status, category=category, since=when,
                                                    sort=sort, limit=limit), (flt, sort, limit)


def test_bulk_and_claim_next_by_source_find_joined_report_entries(store: Store, queue: dict[str, int]) -> None:
    """bulk's `source=S` and claim_next with a source share the filter: claimable entries of S, best first."""
    rows = _rows(store)
    now = utcnow()

    def claimable(r: Row, me: str) -> bool:
        return r.status == OPEN or (r.status == CLAIMED and r.claim_expires_at is not None
                                    and (r.claim_expires_at < now or r.claimant == me))

    expected = [r.id for r in sorted(rows, key=lambda r: (-r.priority, r.id))
                if _of_source(r, SOURCE) and claimable(r, "lan")]
    assert queue["report_lapsed"] in expected and queue["own_held_by_lan"] in expected
    for limit in (1, 2, len(expected), 100):
        assert store.bulk_candidates(EntryFilter(source=SOURCE), "lan", limit) == expected[:limit]
    assert store.bulk_candidates(EntryFilter(source=UNKNOWN), "lan", 100) == []
    got = store.claim_next("minh", 30, EntryFilter(source=SOURCE))
    assert got is not None and got.entry_id == next(i for i in expected if i != queue["own_held_by_lan"])


def test_queue_source_cli_lists_joined_entries_once_and_names_an_unknown_source(store: Store, cli: CLI,
                                                                                queue: dict[str, int]) -> None:
    code, out, err = cli("queue", "--source", SOURCE, "--json", "--limit", "3")
    assert code == 0 and err == ""
    assert [r["id"] for r in json.loads(out)] == _expected(_rows(store), SOURCE, limit=3)
    code, out, err = cli("queue", "--source", SOURCE, "--sort", "oldest")
    assert code == 0 and "Không có nguồn" not in out
    code, out, err = cli("queue", "--source", UNKNOWN, "--json")
    assert code == 0 and json.loads(out) == [] and f"Không có nguồn '{UNKNOWN}'" in err


# ---------------------------------------------------------------------------------------------- how they are found
@pytest.fixture
def big_queue(store: Store, queue: dict[str, int]) -> dict[str, int]:
    """The entries above among 3,000 of other sources; PostgreSQL plans with statistics (it is analysed), SQLite
    without (as canhgac leaves it)."""
    bulk_entries(store, 3000)
    if store.dialect == "postgresql":
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return queue


def _statements(store: Store, run: Callable[[], object]) -> list[tuple[str, Any]]:
    """The statements `run` sends that read the audit log (the source filter's), with their parameters."""
    seen: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "audit_log" in statement:
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", grab)
    try:
        run()
    finally:
        event.remove(store.engine, "before_cursor_execute", grab)
    assert seen, "the source filter read no audit rows"
    return seen


# how a step reaches its rows: review_entries by the source (or the primary key), the audit log by the action
_KEYED = {"review_entries": re.compile(r"source_name[)\w:]*\s*=|\bid\s*=|PRIMARY KEY|rowid"),
          "audit_log": re.compile(r"\baction[)\w:]*\s*=")}


def _steps(store: Store, statement: str, parameters: Any) -> list[tuple[str, str, str]]:
    """(table, how, condition) of each step of the plan that reads review_entries or the audit log. `how` is
    "scan" (every row), "index" or "per-row" (a lookup repeated for each row of an outer step)."""
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            out = []
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters):
                detail = str(row[-1])
                if "CORRELATED" in detail:
                    out.append(("?", "per-row", detail))
                m = re.match(r"(SCAN|SEARCH) (review_entries|audit_log)\b", detail)
                if m is not None:
                    out.append((m.group(2), "scan" if m.group(1) == "SCAN" else "index", detail))
            return out
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # small tables: a scan only where no index serves
        plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
        conn.rollback()
    out = []
    for node in _plan_nodes((plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]):
        if "SubPlan" in str(node.get("Filter", "")) and "hashed" not in str(node.get("Filter", "")):
            out.append(("?", "per-row", str(node["Filter"])))
        table = node.get("Relation Name")
        if table in _KEYED:
            cond = str(node.get("Index Cond") or node.get("Recheck Cond") or "")
            out.append((table, "scan" if node["Node Type"] == "Seq Scan" else "index", cond))
    return out


def _plan_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _plan_nodes(child)


@pytest.mark.parametrize("status", [OPEN, DECIDED])
@pytest.mark.parametrize("source", [SOURCE, UNKNOWN])
def test_queue_by_source_reaches_entries_through_the_source_and_audit_indexes(
        store: Store, big_queue: dict[str, int], status: str, source: str) -> None:
    """The default listing (by priority) of a source: its entries through the source index, the joined ones
    from the audit log's crawl_join rows by primary key. Walking every entry of the status and testing each
    (the OR / EXISTS plan) is what made `queue --source` slow on a large queue."""
    for statement, parameters in _statements(store, lambda: store.list_entries(EntryFilter(source=source,
                                                                                           status=status))):
        steps = _steps(store, statement, parameters)
        assert [s for s in steps if s[1] != "index" or not _KEYED[s[0]].search(s[2])] == [], (statement, steps)


def _audit_read_by_action_only(steps: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return [s for s in steps if s[1] != "index" and s[0] != "review_entries"
            or s[0] == "audit_log" and not _KEYED["audit_log"].search(s[2])
            or s[0] == "review_entries" and s[1] == "scan"]


@pytest.mark.parametrize("sort", SORTS)
def test_queue_by_source_in_any_order_never_looks_up_the_audit_log_entry_by_entry(
        store: Store, big_queue: dict[str, int], sort: str) -> None:
    """Oldest/newest first and a time window may walk the (status, created_at) index for the source's own
    entries, as before pages could join reports (it stops after `limit`); the joined entries still come from
    the crawl_join rows, never from testing each entry against the audit log."""
    for flt in (EntryFilter(source=SOURCE), EntryFilter(source=UNKNOWN, since=utcnow() - timedelta(days=2))):
        for statement, parameters in _statements(store, lambda f=flt: store.list_entries(f, sort=sort, limit=20)):
            steps = _steps(store, statement, parameters)
            assert _audit_read_by_action_only(steps) == [], (statement, steps)


def test_bulk_by_source_never_looks_up_the_audit_log_entry_by_entry(store: Store, big_queue: dict[str, int]) -> None:
    for statement, parameters in _statements(store, lambda: store.bulk_candidates(EntryFilter(source=SOURCE),
                                                                                 "lan", 100)):
        steps = _steps(store, statement, parameters)
        assert _audit_read_by_action_only(steps) == [], (statement, steps)
