"""What scoring returns: small frozen dataclasses, JSON-ready."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

# A lone surrogate (an invalid byte read from stdin, a "\ud800" escape in JSONL cut from an emoji pair) cannot be
# written as UTF-8: one in an evidence text stopped `canhgac classify` with a traceback. JSON gets U+FFFD in its
# place, one code point for one, so the offsets still count the same characters.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Evidence:
    """Why a category scored: one contributing piece. start/end index the ORIGINAL text (-1: not textual).

    kind: "ngram" | "rule" | "bank" | "bank_negative" | "source" | "sensational" | "coverage" | "locality" |
          "shape" (a link, number or layout trait; models built with `shape`/`url_parts`) | "meta" (caller metadata)
    """

    category: str
    kind: str
    text: str
    start: int
    end: int
    weight: float
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["weight"] = round(float(self.weight), 4)
        d["text"], d["detail"] = _SURROGATE.sub("\ufffd", self.text), _SURROGATE.sub("\ufffd", self.detail)
        return d


@dataclass(frozen=True)
class ScoreResult:
    scores: dict[str, float]
    flags: tuple[str, ...]
    label: str
    evidence: tuple[Evidence, ...]
    locality: tuple[str, ...]
    language: str
    model_version: str

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "scores": {k: round(float(v), 4) for k, v in self.scores.items()},
            "flags": list(self.flags),
            "evidence": [e.to_json() for e in self.evidence],
            "locality": list(self.locality),
            "language": self.language,
            "model": self.model_version,
        }
