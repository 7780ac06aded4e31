"""canhgac's classifier: Vietnamese text (+ light metadata) in, a probability per category and the
evidence behind every flag out. Imports nothing else of canhgac.

    Scorer.load(model, rules, thresholds) → Scorer;  scorer.score(text, ...) → ScoreResult

The public names are imported lazily: `classifier.categories` is read by every `canhgac` command, and
importing scikit-learn/underthesea for that would cost seconds per command and per crawl process.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from classifier.bank import Bank, BankText
    from classifier.categories import CATEGORIES, SEVERITY, VI_LABELS
    from classifier.coverage import CoverageHit, OfficialCoverage
    from classifier.result import Evidence, ScoreResult
    from classifier.scorer import Scorer

_WHERE = {
    "Bank": "classifier.bank", "BankText": "classifier.bank",
    "CATEGORIES": "classifier.categories", "SEVERITY": "classifier.categories", "VI_LABELS": "classifier.categories",
    "CoverageHit": "classifier.coverage", "OfficialCoverage": "classifier.coverage",
    "Evidence": "classifier.result", "ScoreResult": "classifier.result",
    "Scorer": "classifier.scorer",
}

__all__ = ["CATEGORIES", "SEVERITY", "VI_LABELS", "Bank", "BankText", "CoverageHit", "Evidence",
           "OfficialCoverage", "ScoreResult", "Scorer"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'classifier' has no attribute {name!r}")
