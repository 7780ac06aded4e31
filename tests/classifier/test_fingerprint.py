"""MinHash fingerprints: the vectorised signature equals the per-shingle one, so stored signatures stay comparable."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash

from classifier import fingerprint
from classifier.fingerprint import (
    NUM_PERM,
    band_keys,
    from_signature_bytes,
    minhash,
    shingles,
    signature_bytes,
    similarity,
)

TEXTS = [
    "",
    "một",
    "hai từ",
    "Ủy ban nhân dân tỉnh vừa tổ chức hội nghị triển khai nhiệm vụ phát triển văn hóa, thể thao và du lịch.",
    "Cơ quan chức năng bác bỏ thông tin sai sự thật lan truyền trên mạng xã hội thời gian qua. " * 40,
    " ".join(f"từ{i}" for i in range(3000)),
]


def per_shingle(text: str, num_perm: int = NUM_PERM) -> MinHash:
    """The original implementation: one `update` per shingle."""
    m = MinHash(num_perm=num_perm, seed=1, scheme="affine32")
    for sh in shingles(text):
        m.update(sh.encode("utf-8"))
    return m


@pytest.mark.parametrize("text", TEXTS)
def test_minhash_equals_per_shingle_updates(text: str) -> None:
    fast, slow = minhash(text), per_shingle(text)
    assert np.array_equal(fast.hashvalues, slow.hashvalues)
    assert signature_bytes(fast) == signature_bytes(slow)
    assert band_keys(fast) == band_keys(slow)


def test_minhash_equal_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    text = TEXTS[-1]
    monkeypatch.setattr(fingerprint, "_CHUNK", 7)
    assert signature_bytes(minhash(text)) == signature_bytes(per_shingle(text))


def test_signature_round_trip_and_similarity() -> None:
    a, b = minhash(TEXTS[4]), minhash("Chia sẻ lại: " + TEXTS[4])
    back = from_signature_bytes(signature_bytes(a))
    assert signature_bytes(back) == signature_bytes(a)
    assert similarity(back, b) > 0.5
    assert similarity(a, minhash(TEXTS[3])) < 0.2
