"""How long `canhgac export` takes on a year's data: items, decisions and the audit log, in each shape.

    python bench/export.py [--entries 50000] [--sqlite PATH] [--pg URL] [--repeat 3]

Fills a database the way `bench/review_queue.py` does (entries, items, flags and the audit log to match),
adds a decision per decided entry (a tenth of them with a note, every twentieth undone), then runs
`canhgac export KIND` through its entry point, as an officer would, for each kind and shape: the machine
format (CSV, English headers), the officers' CSV (`--headers vi`) and the officers' XLSX (the default of
xlsx). Prints the median of `--repeat` runs in seconds, the rows per second, the ratio of each shape to the
machine CSV of the same kind (the baseline, in the same process) and, for XLSX, to the officers' CSV of the same
kind: what writing the workbook costs beyond the Vietnamese names and local times both have. The filled database
is reused when it already holds enough entries.

Measured on a loaded two-core machine, 20,000 entries on SQLite (`--repeat 2`), `xlsx vi`: items 29.8 s (7.0 ×
csv en), decisions 13.4 s (11.9 ×), audit 30.4 s (9.7 ×) with the sheet written through openpyxl's cell objects;
items 7.5 s (2.5 ×), decisions 5.1 s (2.2-3.3 × over two runs), audit 6.0 s (2.1-2.5 ×) with its rows written
by `review.export.write_xlsx` itself, 1.2-1.6 × the officers' CSV.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from review_queue import fill, fill_audit  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from crawler.cli import main as canhgac  # noqa: E402
from review.models import Decision, ReviewEntry  # noqa: E402
from review.store import Store  # noqa: E402

SHAPES = (("csv en", ["--format", "csv"]), ("csv vi", ["--format", "csv", "--headers", "vi"]),
          ("xlsx vi", ["--format", "xlsx"]))
KINDS = ("items", "decisions", "audit")


def fill_decisions(store: Store) -> None:
    """A decision row per decided entry (the queue bench's fill writes none)."""
    with store.session() as s:
        if s.scalar(select(func.count()).select_from(Decision)):
            return
        decided = s.execute(select(ReviewEntry.id, ReviewEntry.top_category, ReviewEntry.created_at)
                            .where(ReviewEntry.status == "decided").order_by(ReviewEntry.id)).all()
    rng = random.Random(44)
    rows = []
    for n, (entry_id, category, created) in enumerate(decided):
        at = created + timedelta(hours=rng.randrange(1, 72))
        undone = n % 20 == 0
        rows.append({"entry_id": entry_id, "moderator": rng.choice(("lan", "minh", "Nguyễn Thu Hà")),
                     "verdict": "dismiss", "category": category,
                     "note": "Đã xác minh với Công an phường" if n % 10 == 0 else None, "created_at": at,
                     "undone_at": at + timedelta(hours=1) if undone else None,
                     "undone_by": "minh" if undone else None, "undo_reason": "quyết định nhầm" if undone else None,
                     "bulk": n % 7 == 0})
    with store.engine.begin() as conn:
        for lo in range(0, len(rows), 20000):
            conn.execute(insert(Decision), rows[lo:lo + 20000])


def _config(folder: Path, url: str) -> Path:
    path = folder / "canhgac.toml"
    path.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    return path


def _time(config: Path, kind: str, argv: list[str], out: Path, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with contextlib.redirect_stderr(io.StringIO()):
            code = canhgac(["--config", str(config), "export", kind, *argv, "-o", str(out)])
        runs.append(time.perf_counter() - t0)
        if code != 0:
            raise SystemExit(f"export {kind} {' '.join(argv)} failed: exit {code}")
    return statistics.median(runs)


def bench(url: str, entries: int, repeat: int) -> None:
    store = Store.open(url, create=True)
    fill(store, entries)
    fill_audit(store)
    fill_decisions(store)
    with store.session() as s:
        counts = {"items": s.scalar(select(func.count()).select_from(ReviewEntry)),
                  "decisions": s.scalar(select(func.count()).select_from(Decision)
                                        .where(Decision.undone_at.is_(None))),
                  "audit": s.scalar(select(func.count()).select_from(Decision.__table__.metadata.tables["audit_log"]))}
    store.close()
    print(f"\n{url.split('://')[0]}: {entries:,} entries")
    print(f"{'kind':<10} {'rows':>7}  {'shape':<8} {'median s':>9} {'rows/s':>9} {'× csv en':>9} {'× csv vi':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        config = _config(Path(tmp), url)
        for kind in KINDS:
            took_by: dict[str, float] = {}
            for name, argv in SHAPES:
                out = Path(tmp) / f"{kind}.{argv[1]}"
                took = took_by[name] = _time(config, kind, argv, out, repeat)
                rows = counts[kind] or 0
                vi = f"{took / took_by['csv vi']:>9.2f}" if name == "xlsx vi" else f"{'':>9}"
                print(f"{kind:<10} {rows:>7,}  {name:<8} {took:>9.2f} {rows / took:>9,.0f} "
                      f"{took / took_by['csv en']:>9.2f} {vi}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, default=50_000)
    ap.add_argument("--sqlite", default="/tmp/canhgac-bench-export.db")
    ap.add_argument("--pg", default=os.environ.get("CANHGAC_TEST_DATABASE_URL", ""))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    bench(f"sqlite:///{args.sqlite}", args.entries, args.repeat)
    if args.pg:
        bench(args.pg, args.entries, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
