"""Near-duplicate fingerprints shared by story clustering and the known-item bank.

MinHash over word 3-shingles of the normalised, accent-stripped text, and LSH band keys that can be
stored in a database table, so that several crawler processes find each other's items without any
in-memory index.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
from datasketch import MinHash

NUM_PERM = 128
_SCHEME = "affine32"  # pinned: stored signatures must stay comparable across datasketch upgrades
BANDS = 32  # 32 bands x 4 rows: pairs with Jaccard >= ~0.5 collide with probability > 0.87

_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case, no diacritics, "đ" read "d": how every fingerprint reads a text."""
    text = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    return "".join(ch for ch in text if not unicodedata.combining(ch))


_fold = fold


def folded_words(text: str) -> list[str]:
    """The words of the folded text, as the shingles below see them."""
    return _WORD.findall(fold(text))


def shingles(text: str, size: int = 3) -> set[str]:
    """Word shingles of the case- and accent-folded text (so a copy without diacritics still matches)."""
    words = _WORD.findall(_fold(text))
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def char_shingles(text: str, size: int = 5) -> set[str]:
    """Character shingles of the case- and accent-folded words joined by single spaces. A word changed
    ("tài khoản" → "tk") breaks the few shingles around it, where it breaks three word shingles and every
    word shingle in a short text: the known-item bank's fingerprint for long texts (not stored, unlike story
    clusters'). On short texts a few shared letters make most of the shingles ("do cho" / "do choi": 0.72), so the
    bank compares those by word shingles (classifier.bank)."""
    joined = " ".join(_WORD.findall(_fold(text)))
    if len(joined) < size:
        return {joined} if joined else set()
    return {joined[i : i + size] for i in range(len(joined) - size + 1)}


_CHUNK = 4096  # shingles hashed per vectorised step: bounds the (shingles x num_perm) matrix to a few MB


def minhash(text: str, num_perm: int = NUM_PERM) -> MinHash:
    """MinHash of the text's shingles, hashed in vectorised chunks (`update_batch`): the same hash
    values as one `update` per shingle, so stored signatures stay comparable."""
    return minhash_of(shingles(text), num_perm)


def minhash_of(items: set[str], num_perm: int = NUM_PERM) -> MinHash:
    """MinHash of a set of shingles (`minhash` for word shingles; the bank's character shingles)."""
    m = MinHash(num_perm=num_perm, seed=1, scheme=_SCHEME)
    encoded = [sh.encode("utf-8") for sh in items]
    for i in range(0, len(encoded), _CHUNK):
        m.update_batch(encoded[i : i + _CHUNK])
    return m


def signature_bytes(m: MinHash) -> bytes:
    return np.asarray(m.hashvalues, dtype=np.uint64).tobytes()


def from_signature_bytes(data: bytes) -> MinHash:
    values = np.frombuffer(data, dtype=np.uint64)
    return MinHash(num_perm=len(values), seed=1, hashvalues=values, scheme=_SCHEME)


def band_keys(m: MinHash, bands: int = BANDS) -> list[str]:
    """One short key per LSH band: equal keys in any band make two texts candidate duplicates."""
    values = np.asarray(m.hashvalues, dtype=np.uint64)
    rows = len(values) // bands
    keys = []
    for b in range(bands):
        digest = hashlib.blake2b(values[b * rows : (b + 1) * rows].tobytes(), digest_size=8).hexdigest()
        keys.append(f"{b:02d}:{digest}")
    return keys


def similarity(a: MinHash, b: MinHash) -> float:
    return float(a.jaccard(b))
