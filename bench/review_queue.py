"""How fast `canhgac queue` answers on a big backlog: target < 100 ms at 1,000,000 entries.

    python bench/review_queue.py [--entries 1000000] [--sqlite PATH] [--pg URL] [--repeat 7]

Fills a database (SQLite always; PostgreSQL when --pg or CANHGAC_TEST_DATABASE_URL is given) with
entries, items and flags through Core executemany, then times the queries `canhgac queue` runs —
default view, by category, by source, oldest first — next to a baseline in the same process
(`SELECT id ... ORDER BY id LIMIT 50`, a primary-key walk). Prints the median of `--repeat` runs in ms
and the ratio to the baseline. The filled database is reused when it already holds enough entries.
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

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402

from review.filters import EntryFilter  # noqa: E402
from review.models import Item, ReviewEntry, ReviewFlag  # noqa: E402
from review.priority import PriorityInputs, stored_priority  # noqa: E402
from review.store import Store  # noqa: E402
from review.types import utcnow  # noqa: E402

CATS = ("scam", "misinformation", "offensive", "hate", "illegal_ad", "harassment", "privacy", "child_safety")
STATUS_WEIGHTS = (("open", 0.3), ("decided", 0.69), ("claimed", 0.01))


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


def timed(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm caches and statement compilation
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def bench(url: str, n: int, repeat: int) -> list[tuple[str, str, float, float]]:
    store = Store.open(url, create=True)
    fill(store, n)

    def baseline() -> object:
        with store.session() as s:
            return s.scalars(select(ReviewEntry.id).order_by(ReviewEntry.id).limit(50)).all()

    cases: list[tuple[str, Callable[[], object]]] = [
        ("baseline: ORDER BY id LIMIT 50", baseline),
        ("queue (open, by priority)", lambda: store.list_entries()),
        ("queue --category privacy", lambda: store.list_entries(EntryFilter(category="privacy"))),
        ("queue --source src7", lambda: store.list_entries(EntryFilter(source="src7"))),
        ("queue --sort oldest", lambda: store.list_entries(sort="oldest")),
        ("queue --status claimed", lambda: store.list_entries(EntryFilter(status="claimed"))),
        ("queue --since 2d", lambda: store.list_entries(EntryFilter(since=utcnow() - timedelta(days=2)))),
    ]
    base = timed(cases[0][1], repeat)
    out = [(store.dialect, cases[0][0], base, 1.0)]
    for name, fn in cases[1:]:
        ms = timed(fn, repeat)
        out.append((store.dialect, name, ms, ms / base if base else float("nan")))
    store.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--sqlite", default="/tmp/canhgac-bench-queue.db")
    ap.add_argument("--pg", default=os.environ.get("CANHGAC_TEST_DATABASE_URL", ""))
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    rows = bench(f"sqlite:///{args.sqlite}", args.entries, args.repeat)
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
        rows += bench(args.pg, args.entries, args.repeat)
    print(f"\n{args.entries:,} review entries; median of {args.repeat} runs\n")
    print(f"{'database':<11}{'query':<36}{'ms':>9}{'× baseline':>12}  {'< 100 ms':>8}")
    for dialect, name, ms, ratio in rows:
        print(f"{dialect:<11}{name:<36}{ms:>9.2f}{ratio:>12.1f}  {'ok' if ms < 100 else 'SLOW':>8}")
    return 0 if all(ms < 100 for *_, ms, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
