"""A citizen report and a crawl racing each other in two threads, each with a `Store` of its own as two
processes would have: the one that reads first stops inside its transaction after its read until the other
has committed (or `WAIT` seconds passed), so a missing lock shows as two entries for one content."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from review.store import Store

WAIT = 3.0  # how long the first writer waits for the second (which the lock keeps out) before committing
# how long it waits where the second is expected to get through meanwhile: generous (a loaded machine takes its time
# to open a Store and write), and it costs nothing when the second does get through (the wait ends then)
THROUGH_WAIT = 120.0
Read = tuple[Any, str]  # (module, function name): the read after which that side pauses


def race(db_url: str, monkeypatch: pytest.MonkeyPatch, first: str, jobs: dict[str, Callable[[Store], Any]],
         reads: dict[str, Read], *, wait: float = WAIT) -> dict[str, Any]:
    """Run `jobs["report"]` and `jobs["crawl"]`; `first` ("report" or "crawl") pauses after its read
    (`reads[first]`, wrapped for the race) for up to `wait` seconds (THROUGH_WAIT where the second is expected
    to get through). Returns each job's result and `timed_out`: [True] when the first one's wait ran out, i.e.
    the second was kept out until the first committed."""
    read = {"report": threading.Event(), "crawl": threading.Event()}
    done = {"report": threading.Event(), "crawl": threading.Event()}
    second = "crawl" if first == "report" else "report"
    timed_out: list[bool] = []

    def pausing(who: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kw: Any) -> Any:
            out = real(*args, **kw)
            if threading.current_thread().name == who == first and not read[who].is_set():
                read[who].set()
                timed_out.append(not done[second].wait(wait))
            return out
        return wrapper

    for who, (module, name) in reads.items():
        monkeypatch.setattr(module, name, pausing(who, getattr(module, name)))
    results: dict[str, Any] = {}

    def run(who: str) -> None:
        if who == second:
            assert read[first].wait(300), f"the {first} never got to its read"
        store = Store.open(db_url)
        try:
            results[who] = jobs[who](store)
        except Exception as exc:  # noqa: BLE001 - reported by the caller's assertions
            results[who] = exc
        finally:
            done[who].set()
            store.close()

    threads = [threading.Thread(target=run, name=who, args=(who,)) for who in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(wait + 300)
    assert not any(t.is_alive() for t in threads)
    for who in ("report", "crawl"):
        assert not isinstance(results.get(who), BaseException), results
    return {**results, "timed_out": timed_out}
