"""How two models' FLAGS do on the moderators' held-back decisions: what `train --from-decisions` judges by.

A page enters the review queue by its flags (a score over a category's threshold), not by its label, so a
retrained model is judged by them: per category, flags against the category of each held-back decision
(violation/escalate: the category recorded; commend: positive; dismiss: none). A flag on a dismissed text is a
false positive, the decision's category not flagged a miss; a flag in another category on a confirmed text is
neither (the page was rightly queued; `canhgac stats` counts it as confirmed). F1 is averaged over the categories
the decisions or either model count (a category one model flags falsely: F1 0 for it, 1 for the other), beside two
counts a moderator reads at once: dismissed texts the model would flag again (the false positives the office
already rejected) and confirmed texts it would not flag in their category (missed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def flag_summary(scorer: Any, texts: Sequence[str], labels: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Per category true/false positives and misses of `scorer`'s flags on the held-back decisions, with the
    dismissed texts flagged again and the confirmed ones missed."""
    results = scorer.score_many(list(texts)) if texts else []
    counts: dict[str, dict[str, int]] = {}
    dismissed_flagged = confirmed_missed = 0
    for row, res in zip(labels, results, strict=True):
        truth, flags = set(row), set(res.flags)
        for c in truth | flags:
            if c in flags and truth and c not in truth:
                continue  # the page was rightly queued, under another category: neither a hit nor a false flag
            n = counts.setdefault(c, {"tp": 0, "fp": 0, "fn": 0})
            n["tp" if c in truth and c in flags else "fp" if c in flags else "fn"] += 1
        dismissed_flagged += not truth and bool(flags)
        confirmed_missed += bool(truth) and not truth & flags
    dismissed = sum(1 for row in labels if not row)
    return {"counts": counts, "dismissed": dismissed, "dismissed_flagged": dismissed_flagged,
            "confirmed": len(labels) - dismissed, "confirmed_missed": confirmed_missed}


def _f1(n: dict[str, int] | None) -> float:
    """F1 of one category's flags; a category this model neither flagged nor missed (another model flagged it on
    texts the decisions do not put in it) is right: 1.0."""
    if not n:
        return 1.0
    return 2 * n["tp"] / (2 * n["tp"] + n["fp"] + n["fn"]) if n["tp"] else 0.0


def compared_categories(*summaries: dict[str, Any]) -> list[str]:
    """The categories named by the decisions or flagged by any of the models compared."""
    return sorted({c for s in summaries for c in s["counts"]})


def flags_macro_f1(summary: dict[str, Any], categories: Iterable[str]) -> float:
    """Mean F1 of the flags over `categories` (0.0 with none)."""
    cats = list(categories)
    return sum(_f1(summary["counts"].get(c)) for c in cats) / len(cats) if cats else 0.0


def comparison_rows(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[object, ...]]:
    """Table rows (Vietnamese) comparing two `flag_summary`s: the macro-F1 of the flags, the false positives and
    misses, then per category precision / recall of the flags."""
    cats = compared_categories(old, new)

    def pr(s: dict[str, Any], c: str) -> str:
        n = s["counts"].get(c, {"tp": 0, "fp": 0, "fn": 0})
        p = n["tp"] / (n["tp"] + n["fp"]) if n["tp"] + n["fp"] else 0.0
        r = n["tp"] / (n["tp"] + n["fn"]) if n["tp"] + n["fn"] else 0.0
        return f"{p:.2f} / {r:.2f}"

    rows: list[tuple[object, ...]] = [
        ("macro-F1 của cờ (căn cứ đưa vào hàng chờ)", f"{flags_macro_f1(old, cats):.3f}", f"{flags_macro_f1(new, cats):.3f}"),
        (f"bỏ qua mà vẫn gắn cờ (trên {old['dismissed']})", old["dismissed_flagged"], new["dismissed_flagged"]),
        (f"vi phạm bị bỏ sót (trên {old['confirmed']})", old["confirmed_missed"], new["confirmed_missed"]),
    ]
    rows += [(f"{c}: cờ đúng / cờ bắt được", pr(old, c), pr(new, c)) for c in cats]
    return rows
