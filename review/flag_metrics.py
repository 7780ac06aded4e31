"""How two models' FLAGS do on the moderators' held-back decisions: what `train --from-decisions` judges by.

A page enters the review queue by its flags (a score over a category's threshold), not by its label, so a
retrained model is judged by them: per category, flags against the category of each held-back decision
(violation/warn/escalate: the category recorded; commend: positive; dismiss: none). A flag on a dismissed text is a
false positive, the decision's category not flagged a miss; a flag in another category on a confirmed text is
neither (the page was rightly queued; `canhgac stats` counts it as confirmed). F1 is averaged over the categories
the held-back decisions name only: a category no moderator decided on says nothing of how well a model flags it
(averaged in at 1.0 for the model that did not flag it, a model missing 5 of 6 confirmed scams beat one that
re-flagged a single dismissed text as hate, 0.643 to 0.500). Flags on dismissed texts count beside it: dismissed
texts the model would flag again (the false positives the office already rejected) and confirmed texts it would
not flag in their category (missed); `activation_refusal` judges by these two counts first.
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
    """F1 of one category's flags; a category this model neither flagged nor missed is right: 1.0 (never the case
    for `compared_categories`, where every model has the decisions' confirmed texts flagged or missed)."""
    if not n:
        return 1.0
    return 2 * n["tp"] / (2 * n["tp"] + n["fp"] + n["fn"]) if n["tp"] else 0.0


def compared_categories(*summaries: dict[str, Any]) -> list[str]:
    """The categories the held-back decisions name (a confirmed text in them: flagged or missed), the same for
    every model compared; categories only flagged count among the dismissed texts flagged again."""
    return sorted({c for s in summaries for c, n in s["counts"].items() if n["tp"] + n["fn"]})


def _all_categories(*summaries: dict[str, Any]) -> list[str]:
    return sorted({c for s in summaries for c in s["counts"]})


def activation_refusal(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """Why the new model must not replace the old one on these held-back decisions (Vietnamese), or None: it
    misses more violations the moderators confirmed, flags again more texts they dismissed than the extra
    violations it catches, or its flags' macro-F1 over the decided categories is lower."""
    if new["confirmed_missed"] > old["confirmed_missed"]:
        return (f"mô hình mới bỏ sót {new['confirmed_missed']} trên {new['confirmed']} mục cán bộ đã xác nhận (vi phạm, tôn vinh), "
                f"mô hình cũ bỏ sót {old['confirmed_missed']}")
    gained = old["confirmed_missed"] - new["confirmed_missed"]
    extra = new["dismissed_flagged"] - old["dismissed_flagged"]
    if extra > gained:
        return (f"mô hình mới gắn cờ lại {new['dismissed_flagged']} trên {new['dismissed']} bài đã bỏ qua "
                f"(cũ: {old['dismissed_flagged']}), nhiều hơn số vi phạm bắt thêm được ({gained})")
    cats = compared_categories(old, new)
    old_f1, new_f1 = flags_macro_f1(old, cats), flags_macro_f1(new, cats)
    if new_f1 < old_f1:
        return f"macro-F1 của cờ mới {new_f1:.3f} < cũ {old_f1:.3f}"
    return None


def flags_macro_f1(summary: dict[str, Any], categories: Iterable[str]) -> float:
    """Mean F1 of the flags over `categories` (0.0 with none)."""
    cats = list(categories)
    return sum(_f1(summary["counts"].get(c)) for c in cats) / len(cats) if cats else 0.0


def comparison_rows(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[object, ...]]:
    """Table rows (Vietnamese) comparing two `flag_summary`s: the macro-F1 of the flags over the decided
    categories, the dismissed texts flagged again and the violations missed, then per category (flagged by either
    model or decided) the counts themselves: right flags, false flags, misses."""
    cats = compared_categories(old, new)

    def pr(s: dict[str, Any], c: str) -> str:
        n = s["counts"].get(c, {"tp": 0, "fp": 0, "fn": 0})
        return f"{n['tp']} đúng, {n['fp']} sai, {n['fn']} sót"

    rows: list[tuple[object, ...]] = [
        (f"macro-F1 của cờ trên {len(cats)} nhóm có quyết định", f"{flags_macro_f1(old, cats):.3f}",
         f"{flags_macro_f1(new, cats):.3f}"),
        (f"bỏ qua mà vẫn gắn cờ (trên {old['dismissed']})", old["dismissed_flagged"], new["dismissed_flagged"]),
        (f"mục đã xác nhận bị bỏ sót (vi phạm, tôn vinh; trên {old['confirmed']})", old["confirmed_missed"], new["confirmed_missed"]),
    ]
    rows += [(f"{c}: cờ đúng, cờ sai, bỏ sót", pr(old, c), pr(new, c)) for c in _all_categories(old, new)]
    return rows
