"""How fast `canhgac queue` answers on a big backlog: target < 100 ms at 1,000,000 entries.

    python bench/review_queue.py [--entries 1000000] [--sqlite PATH] [--pg URL] [--repeat 7]

Fills a database (SQLite always; PostgreSQL when --pg or CANHGAC_TEST_DATABASE_URL is given) with
entries, items and flags through Core executemany, then times the queries `canhgac queue` runs —
default view, by category, by source, oldest first — next to a baseline in the same process
(`SELECT id ... ORDER BY id LIMIT 50`, a primary-key walk). Prints the median of `--repeat` runs in ms
and the ratio to the baseline. The filled database is reused when it already holds enough entries.

`--source` also lists the citizen-report entries that a crawled page of that source joined (audit
`crawl_join` rows). The fill writes an audit log to match (a decision row per decided entry, a claim row per
claimed one, a report row per report entry, and a crawl_join row for half the report entries, a third of those
naming `tin-nhanh`, a source with no entry of its own). The `--source` cases run twice: "(before)" is the
filter as it was (`source_name = S OR (is_report AND EXISTS crawl_join row of S)`, which walks every entry
of the status), kept here to compare; its rows do not count for the exit status. The plans of both
(EXPLAIN QUERY PLAN / EXPLAIN) are printed after the table.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import and_, create_engine, event, exists, func, insert, or_, select, text  # noqa: E402

from review.citizen import CRAWL_JOIN  # noqa: E402
from review.filters import EntryFilter, apply_filter  # noqa: E402
from review.listing import _ordered  # noqa: E402
from review.models import AuditLog, Item, ReviewEntry, ReviewFlag  # noqa: E402
from review.priority import PriorityInputs, stored_priority  # noqa: E402
from review.store import Store  # noqa: E402
from review.types import utcnow  # noqa: E402

CATS = ("scam", "misinformation", "offensive", "hate", "illegal_ad", "harassment", "privacy", "child_safety")
STATUS_WEIGHTS = (("open", 0.3), ("decided", 0.69), ("claimed", 0.01))
JOINED_ONLY = "tin-nhanh"  # a source whose pages all joined citizen reports: no entry of its own


def fill(store: Store, n: int, batch: int = 20000) -> None:
    with store.session() as s:
        have = s.scalar(select(func.count()).select_from(ReviewEntry)) or 0
    if have >= n:
        return
    rng = random.Random(42)
    now = utcnow()
    statuses = [st for st, _ in STATUS_WEIGHTS]
    weights = [w for _, w in STATUS_WEIGHTS]
    t0 = time.perf_counter()
    for lo in range(have, n, batch):
        items, entries, flags = [], [], []
        for i in range(lo + 1, min(n, lo + batch) + 1):
            cat, score = rng.choice(CATS), round(rng.uniform(0.5, 1.0), 3)
            created = now - timedelta(minutes=rng.randrange(60 * 24 * 365))
            status = rng.choices(statuses, weights)[0]
            items.append({"id": i, "url": f"https://x.vn/{i}", "canonical_url": f"https://x.vn/{i}", "kind": "post",
                          "title": f"Tin số {i}", "text": f"Nội dung số {i}\nđoạn hai", "fetched_at": created,
                          "content_hash": f"h{i}", "locality": [], "revision": 1, "official": False, "extra": {}})
            entries.append({"id": i, "item_id": i, "status": status, "top_category": cat, "top_score": score,
                            "priority": stored_priority(PriorityInputs(cat, score, rng.choice((1, 1, 1, 2, 5))),
                                                        created),
                            "source_name": f"src{i % 40}", "is_report": rng.random() < 0.02, "version": 1,
                            "claimant": "lan" if status == "claimed" else None,
                            "claim_expires_at": now + timedelta(minutes=30) if status == "claimed" else None,
                            "verdict": "dismiss" if status == "decided" else None,
                            "created_at": created, "updated_at": created})
            flags.append({"entry_id": i, "category": cat, "score": score})
            if rng.random() < 0.2:
                other = rng.choice([c for c in CATS if c != cat])
                flags.append({"entry_id": i, "category": other, "score": round(score * 0.8, 3)})
        with store.engine.begin() as conn:
            conn.execute(insert(Item), items)
            conn.execute(insert(ReviewEntry), entries)
            conn.execute(insert(ReviewFlag), flags)
        done = min(n, lo + batch)
        print(f"  filled {done:,}/{n:,} ({time.perf_counter() - t0:.0f}s)", end="\r", file=sys.stderr)
    print(file=sys.stderr)
    with store.engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def fill_audit(store: Store, batch: int = 50000) -> None:
    """The audit rows of the entries (see the module's doc); skipped when crawl_join rows exist already."""
    with store.session() as s:
        if s.scalar(select(AuditLog.id).where(AuditLog.action == CRAWL_JOIN).limit(1)) is not None:
            return
        top = s.scalar(select(func.max(ReviewEntry.id))) or 0
    rng = random.Random(43)
    now = utcnow()
    t0 = time.perf_counter()
    for lo in range(0, top, batch):
        with store.session() as s:
            entries = s.execute(select(ReviewEntry.id, ReviewEntry.status, ReviewEntry.is_report, ReviewEntry.claimant)
                                .where(ReviewEntry.id > lo, ReviewEntry.id <= lo + batch)).all()
        made: list[tuple[int, str, str, dict[str, object]]] = []  # entry id, action, actor, details
        for entry_id, status, is_report, claimant in entries:
            if is_report:
                made.append((entry_id, "report", "nguoi-dan", {"reporter": "Nguyễn Văn A", "note": "", "url": None}))
                if rng.random() < 0.5:
                    source = JOINED_ONLY if rng.random() < 0.3 else f"src{rng.randrange(40)}"
                    made.append((entry_id, CRAWL_JOIN, "canhgac-crawler",
                                 {"item_id": 10_000_000 + entry_id, "source": source,
                                  "url": f"https://{source}.vn/{entry_id}", "match": "same_text"}))
            if status == "decided":
                made.append((entry_id, "decide", "lan", {"verdict": "dismiss", "version": 2}))
            elif status == "claimed":
                made.append((entry_id, "claim", claimant or "lan", {"minutes": 30}))
        rows = [{"at": now, "actor": actor, "action": action, "entry_id": entry_id, "details": details,
                 "prev_hash": "bench", "hash": f"bench-{action}-{entry_id}"} for entry_id, action, actor, details in made]
        with store.engine.begin() as conn:
            conn.execute(insert(AuditLog), rows)
        print(f"  audit rows for {min(top, lo + batch):,}/{top:,} entries ({time.perf_counter() - t0:.0f}s)",
              end="\r", file=sys.stderr)
    print(file=sys.stderr)
    with store.engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def before_list(store: Store, flt: EntryFilter, sort: str = "priority", limit: int = 50) -> object:
    """`list_entries` with the source filter as it was before (an OR with a correlated EXISTS)."""
    e, source = ReviewEntry, flt.source
    assert source is not None
    joined = exists().where(AuditLog.entry_id == e.id, AuditLog.action == CRAWL_JOIN,
                            AuditLog.details["source"].as_string() == source)
    flt = flt.with_(source=None, status=flt.status or "open")
    q = apply_filter(select(e.id), flt).where(or_(e.source_name == source, and_(e.is_report.is_(True), joined)))
    with store.session() as s:
        ids = list(s.scalars(_ordered(q, sort, narrow_by_time=flt.since is not None).limit(limit)))
    return store.entries_by_id(ids)


def plans(store: Store, run: Callable[[], object]) -> list[str]:
    """The plan of each statement `run` sends that reads the audit log (the source filter's)."""
    seen: list[tuple[str, object]] = []

    def grab(_conn: object, _cur: object, statement: str, params: object, _ctx: object, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "audit_log" in statement:
            seen.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", grab)
    try:
        run()
    finally:
        event.remove(store.engine, "before_cursor_execute", grab)
    out = []
    with store.engine.connect() as conn:
        for statement, params in seen:
            if store.dialect == "sqlite":
                out += [f"{row[0]:>3} {row[1]:>3}  {row[-1]}" for row in
                        conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]  # type: ignore[arg-type]
            else:
                out += [str(row[0]) for row in
                        conn.exec_driver_sql("EXPLAIN (ANALYZE, COSTS OFF) " + statement, params)]  # type: ignore[arg-type]
    return out


def timed(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm caches and statement compilation
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def bench(url: str, n: int, repeat: int) -> tuple[list[tuple[str, str, float, float]], list[str]]:
    store = Store.open(url, create=True)
    fill(store, n)
    fill_audit(store)

    def baseline() -> object:
        with store.session() as s:
            return s.scalars(select(ReviewEntry.id).order_by(ReviewEntry.id).limit(50)).all()

    since = utcnow() - timedelta(days=2)
    by_source: list[tuple[str, EntryFilter, str]] = [
        ("src7", EntryFilter(source="src7"), "priority"),
        (f"{JOINED_ONLY} (joined pages only)", EntryFilter(source=JOINED_ONLY), "priority"),
        ("khong-co (no such source)", EntryFilter(source="khong-co"), "priority"),
        ("src7 --status decided", EntryFilter(source="src7", status="decided"), "priority"),
        (f"{JOINED_ONLY} --sort oldest", EntryFilter(source=JOINED_ONLY), "oldest"),
        ("src7 --since 2d", EntryFilter(source="src7", since=since), "priority"),
    ]
    cases: list[tuple[str, Callable[[], object]]] = [
        ("baseline: ORDER BY id LIMIT 50", baseline),
        ("queue (open, by priority)", lambda: store.list_entries()),
        ("queue --category privacy", lambda: store.list_entries(EntryFilter(category="privacy"))),
        ("queue --sort oldest", lambda: store.list_entries(sort="oldest")),
        ("queue --status claimed", lambda: store.list_entries(EntryFilter(status="claimed"))),
        ("queue --since 2d", lambda: store.list_entries(EntryFilter(since=since))),
    ]
    for name, flt, sort in by_source:
        cases.append((f"queue --source {name} (before)", lambda f=flt, o=sort: before_list(store, f, o)))
        cases.append((f"queue --source {name}", lambda f=flt, o=sort: store.list_entries(f, sort=o)))
    cases.append((f"bulk --where source={JOINED_ONLY} (dry run)",
                  lambda: store.bulk_candidates(EntryFilter(source=JOINED_ONLY), "lan", 100)))
    base = timed(cases[0][1], repeat)
    out = [(store.dialect, cases[0][0], base, 1.0)]
    for name, fn in cases[1:]:
        ms = timed(fn, repeat)
        out.append((store.dialect, name, ms, ms / base if base else float("nan")))
    shown = []
    for name, run in ((f"queue --source {JOINED_ONLY} (before)", lambda: before_list(store, EntryFilter(source=JOINED_ONLY))),
                      (f"queue --source {JOINED_ONLY}", lambda: store.list_entries(EntryFilter(source=JOINED_ONLY))),
                      ("queue --source src7", lambda: store.list_entries(EntryFilter(source="src7")))):
        shown += [f"-- {store.dialect}: {name}", *plans(store, run), ""]
    store.close()
    return out, shown


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--sqlite", default="/tmp/canhgac-bench-queue.db")
    ap.add_argument("--pg", default=os.environ.get("CANHGAC_TEST_DATABASE_URL", ""))
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    rows, shown = bench(f"sqlite:///{args.sqlite}", args.entries, args.repeat)
    if args.pg:
        engine = create_engine(args.pg)
        with engine.begin() as conn:  # a bench database of its own shape: start clean unless already filled
            tables = conn.execute(text("SELECT count(*) FROM information_schema.tables "
                                       "WHERE table_name = 'review_entries'")).scalar()
            if tables:
                have = conn.execute(text("SELECT count(*) FROM review_entries")).scalar() or 0
                if have > args.entries:
                    conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        pg_rows, pg_shown = bench(args.pg, args.entries, args.repeat)
        rows, shown = rows + pg_rows, shown + pg_shown
    print(f"\n{args.entries:,} review entries; median of {args.repeat} runs\n")
    print(f"{'database':<11}{'query':<58}{'ms':>9}{'× baseline':>12}  {'< 100 ms':>8}")
    for dialect, name, ms, ratio in rows:
        print(f"{dialect:<11}{name:<58}{ms:>9.2f}{ratio:>12.1f}  {'ok' if ms < 100 else 'SLOW':>8}")
    print("\nplans of the --source listing (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN ANALYZE)\n")
    print("\n".join(shown))
    return 0 if all(ms < 100 for _, name, ms, _ in rows if not name.endswith("(before)")) else 1


if __name__ == "__main__":
    sys.exit(main())
