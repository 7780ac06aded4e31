"""Official coverage: has an official source published a story like this one?

Implements the classifier's `OfficialCoverage` protocol over the store's LSH band keys, so the
question is a SQL lookup shared by every crawler process, not an in-memory index.
"""

from __future__ import annotations

from typing import Any

from classifier.fingerprint import band_keys, minhash, signature_bytes
from review.store import Store


class StoreCoverage:
    def __init__(self, store: Store, *, threshold: float = 0.3) -> None:
        self.store, self.threshold = store, threshold

    def find_similar(self, text: str, limit: int = 3) -> list[Any]:
        m = minhash(text)
        hits = self.store.similar_items(signature_bytes(m), band_keys(m), official_only=True, limit=limit,
                                        threshold=self.threshold)
        try:
            from classifier.coverage import CoverageHit
        except ImportError:
            return list(hits)
        return [CoverageHit(ref=str(h.item_id), title=h.title, url=h.url, similarity=h.similarity) for h in hits]
