"""A scorer of fixed results for `review.rescore.rescore_queue` (the scorer is its argument, as the CLI passes the
model in use): it stands in for a retrained model activated later, scoring the same pages anew."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from review.store import Store
from tests.review.factory import add_item


@dataclass
class Result:
    scores: dict[str, float]
    flags: list[str]
    model_version: str = "v2"
    label: str = "flag"
    evidence: list[Any] = field(default_factory=list)


class FixedScorer:
    """Every text scored as `by_text` says; the `interrupt_on_call`-th batch raises KeyboardInterrupt (Ctrl-C)."""

    version = "v2"

    def __init__(self, by_text: dict[str, Result], interrupt_on_call: int | None = None) -> None:
        self.by_text, self.calls, self.interrupt_on_call = by_text, 0, interrupt_on_call

    def score_many(self, texts: list[str], **_: Any) -> list[Result]:
        self.calls += 1
        if self.calls == self.interrupt_on_call:
            raise KeyboardInterrupt  # the moderator presses Ctrl-C during a long run
        return [self.by_text[t] for t in texts]


def queue(store: Store, text: str, result: Result, source: str = "bao-a", *, is_report: bool = False) -> int:
    """Queue a page titled and worded `text`, scored `result` when collected (or a citizen's report of it)."""
    item_id = add_item(store, text, title=text, source=source, kind="report" if is_report else "article")
    entry_id = store.record_score(item_id, result, is_report=is_report)
    assert entry_id is not None
    return entry_id
