"""Which words and n-grams pushed a category's score up, with offsets into the original text.

The model is linear on top of its features, so a feature's contribution is its value times the
category's coefficient. Features of the same stretch of text (the word with accents, without, and its
character n-grams) are summed into one piece of evidence.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from classifier.analysis import Doc
from classifier.normalize import strip_accents
from classifier.result import Evidence
from classifier.shape import describe, locate_token


def _find_ngram(tokens: list[str], gram: list[str]) -> int:
    n = len(gram)
    for i in range(len(tokens) - n + 1):
        if tokens[i : i + n] == gram:
            return i
    return -1


def _find_char_gram(words: list[str], feat: str) -> int:
    """The first word a character n-gram comes from. char_wb pads each word with a space, so a gram with a
    leading space is a word's start, with a trailing one its end (" kh" is from "khoản", "k " from a word
    ending in k, not from "khoản")."""
    piece = feat.strip()
    if not piece:
        return -1
    start, end = feat.startswith(" "), feat.endswith(" ")
    for k, w in enumerate(words):
        if (w == piece if start and end else w.startswith(piece) if start else w.endswith(piece) if end
                else piece in w):
            return k
    return -1


def ngram_evidence(doc: Doc, row: Any, weights: np.ndarray, names: np.ndarray, category: str,
                   top: int = 5) -> list[Evidence]:
    """Top positive contributions of `row` (anything with the `.indices`/`.data` of a CSR row) under `weights`."""
    idx = row.indices
    if len(idx) == 0:
        return []
    contrib = row.data * weights[idx]
    positive = np.flatnonzero(contrib > 0)
    if len(positive) == 0:
        return []
    keep = positive[np.argsort(-contrib[positive], kind="stable")[: top * 8]]
    plain_words: list[str] | None = None
    spans: dict[tuple[int, int], float] = defaultdict(float)
    detail: dict[tuple[int, int], list[tuple[bool, str]]] = defaultdict(list)
    for c, f in zip(contrib[keep].tolist(), idx[keep].tolist(), strict=True):
        block, _, feat = str(names[f]).partition("__")
        if block in ("meta", "raw"):  # shape/metadata tokens and raw-text grams: no word of the text to point at
            continue
        if block != "words" and plain_words is None:
            plain_words = [strip_accents(w) for w in doc.words]
        words = doc.words if block in ("words", "chars_acc") else plain_words
        assert words is not None
        if block in ("chars", "chars_acc"):
            i = _find_char_gram(words, feat)
            j = i
        else:
            gram = feat.split(" ")
            i = _find_ngram(words, gram)
            j = i + len(gram) - 1
        if i < 0:
            continue
        span = (doc.word_spans[i][0], doc.word_spans[j][1])
        spans[span] += c
        detail[span].append((block in ("chars", "chars_acc"), feat))
    best = sorted(spans.items(), key=lambda kv: -kv[1])[:top]
    return [Evidence(category, "ngram", doc.original[a:b], a, b, w, _detail(detail[(a, b)], doc.original[a:b]))
            for (a, b), w in best]


FUNCTION_WORDS_PATH = Path(__file__).resolve().parent / "data" / "function_words.txt"
_WORDS = re.compile(r"[^\W\d_]+")
WEAK = "từ thông dụng, căn cứ yếu"  # appended to the detail of evidence made only of grammatical words


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Vietnamese grammatical words (classifier/data/function_words.txt): "sẽ", "bị", "không", "của" ..."""
    lines = FUNCTION_WORDS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def _detail(features: list[tuple[bool, str]], text: str) -> str:
    """What a moderator reads about one piece of n-gram evidence: the word forms the model weighed (with and
    without accents), how many character n-grams of it counted too, and, when `text` is only grammatical words,
    that it is weak evidence: "sẽ / se (+2 đoạn ký tự; từ thông dụng, căn cứ yếu)"."""
    words = list(dict.fromkeys(f for is_chars, f in features if not is_chars))
    chars = sum(is_chars for is_chars, _ in features)
    notes = [f"+{chars} đoạn ký tự"] if chars else []
    syllables = _WORDS.findall(unicodedata.normalize("NFC", text).lower())  # "sẽ," is "sẽ"
    if syllables and all(w in function_words() for w in syllables):
        notes.append(WEAK)
    head = " / ".join(words[:3])
    tail = "; ".join(notes)
    return f"{head} ({tail})" if head and tail else head or tail


def shape_evidence(original: str, row: Any, weights: np.ndarray, names: np.ndarray, category: str,
                   top: int = 3) -> list[Evidence]:
    """Top positive contributions of the shape/link/metadata block ("meta__…" features of models built with
    `shape` or `url_parts`): kind "shape" with the offsets of the link, number or tag that produced the token
    (-1 for whole-text properties such as "no diacritics"), kind "meta" for caller metadata (never textual).
    Sensational cues (`cue_…`, shown by the scorer) and the block's constant are left out."""
    idx = row.indices
    if len(idx) == 0:
        return []
    contrib = row.data * weights[idx]
    out: list[Evidence] = []
    for k in np.argsort(-contrib, kind="stable"):
        if contrib[k] <= 0 or len(out) >= top:
            break
        block, _, token = str(names[idx[k]]).partition("__")
        if block != "meta" or token.startswith("cue_") or token == "shape":
            continue
        what = describe(token)
        if token.startswith("meta_"):
            out.append(Evidence(category, "meta", what, -1, -1, float(contrib[k]), token))
            continue
        a, b = locate_token(token, original)
        out.append(Evidence(category, "shape", original[a:b] if a >= 0 else what, a, b, float(contrib[k]),
                            f"{what} ({token})"))
    return out
