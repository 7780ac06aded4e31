"""The cross-check of a claim against official articles already collected.

classifier only defines the interface; the crawler/review side implements it over its database (LSH
band keys from classifier.fingerprint). `InMemoryCoverage` serves tests and small deployments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from datasketch import MinHash

from classifier.fingerprint import minhash, similarity


@dataclass(frozen=True)
class CoverageHit:
    ref: str
    title: str
    url: str
    similarity: float


class OfficialCoverage(Protocol):
    def find_similar(self, text: str, limit: int = 3) -> list[CoverageHit]: ...


class InMemoryCoverage:
    """Official articles held in memory; a linear scan of MinHash similarities."""

    def __init__(self, articles: Iterable[tuple[str, str, str, str]] = (), min_similarity: float = 0.15) -> None:
        self.min_similarity = min_similarity
        self._items: list[tuple[CoverageHit, MinHash]] = []
        for ref, title, url, text in articles:
            self.add(ref, title, url, text)

    def add(self, ref: str, title: str, url: str, text: str) -> None:
        self._items.append((CoverageHit(ref, title, url, 0.0), minhash(f"{title} {text}")))

    def find_similar(self, text: str, limit: int = 3) -> list[CoverageHit]:
        m = minhash(text)
        hits = [CoverageHit(h.ref, h.title, h.url, similarity(m, hm)) for h, hm in self._items]
        hits = [h for h in hits if h.similarity >= self.min_similarity]
        return sorted(hits, key=lambda h: -h.similarity)[:limit]
