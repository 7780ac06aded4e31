"""What a re-score of the queue changes and finds (`review.rescore`): one entry's `Change`, and the counts of a
batch or a whole run (`RescoreReport`), as `canhgac rescore` prints them and the audit row records them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SHOWN = 50  # entries listed by id in each list of the report (the counts are complete)
AUDIT_IDS = 1000  # ids of entries that fell below recorded in the audit row


@dataclass(frozen=True)
class Change:
    """What a re-score changes in one entry."""

    entry_id: int
    old_top: str
    old_score: float
    new_top: str
    new_score: float
    gained: tuple[str, ...] = ()  # categories flagged now and not before
    below: bool = False  # passes no threshold any more (and no citizen reported it)


@dataclass
class RescoreReport:
    model_version: str
    applied: bool
    scored: int = 0  # entries scored again
    unchanged: int = 0  # same score, same flags: nothing to write
    rose: int = 0
    fell: int = 0
    below: int = 0
    gained: int = 0
    skipped: int = 0  # decided or re-scored by someone else between the read and the write (apply only)
    failed: int = 0  # texts the scorer could not score
    below_listed: list[Change] = field(default_factory=list)  # the first SHOWN
    gained_listed: list[Change] = field(default_factory=list)
    below_ids: list[int] = field(default_factory=list)  # the first AUDIT_IDS

    def count(self, ch: Change) -> None:
        self.rose += ch.new_score > ch.old_score + 1e-9
        self.fell += ch.new_score < ch.old_score - 1e-9
        if ch.below:
            self.below += 1
            if len(self.below_listed) < SHOWN:
                self.below_listed.append(ch)
            if len(self.below_ids) < AUDIT_IDS:
                self.below_ids.append(ch.entry_id)
        if ch.gained:
            self.gained += 1
            if len(self.gained_listed) < SHOWN:
                self.gained_listed.append(ch)

    def add(self, part: RescoreReport) -> None:
        """Add the counts of one batch (`part`) to this run's."""
        for name in ("scored", "unchanged", "skipped", "failed", "rose", "fell", "gained"):
            setattr(self, name, getattr(self, name) + getattr(part, name))
        self.below += part.below
        self.below_listed += part.below_listed[:SHOWN - len(self.below_listed)]
        self.gained_listed += part.gained_listed[:SHOWN - len(self.gained_listed)]
        self.below_ids += part.below_ids[:AUDIT_IDS - len(self.below_ids)]

    def audit_details(self) -> dict[str, Any]:
        return {"model": self.model_version, "scored": self.scored, "unchanged": self.unchanged,
                "rose": self.rose, "fell": self.fell, "below_threshold": self.below,
                "below_threshold_ids": self.below_ids, "gained_category": self.gained, "skipped": self.skipped,
                "failed": self.failed}
