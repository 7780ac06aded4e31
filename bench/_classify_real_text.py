"""Real-text section of bench/classify.py: the BUNDLED default model (seed examples only) on real text it never
saw, against the baseline trained on the same seed data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from _classify_common import DATA, baseline_pipeline, print_table


def _csv_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def real_text_sets() -> list[tuple[str, list[str], list[str], list[bool], set[str]]]:
    """Real text from outside the seed data: (name, titles, texts, harmful?, categories that count as a hit on a
    harmful row). Clean rows measure false flags (any category flagged), harmful rows recall."""
    import re

    import feedparser

    sets: list[tuple[str, list[str], list[str], list[bool], set[str]]] = []
    titles, texts = [], []
    for f in sorted((DATA / "rss").glob("*.xml")):
        for e in feedparser.parse(str(f)).entries:
            titles.append(e.get("title", ""))
            texts.append(re.sub(r"<[^>]+>", " ", e.get("summary", "")))
    sets.append(("VnExpress RSS items (news)", titles, texts, [False] * len(texts), set()))
    abuse = {"offensive", "hate", "harassment"}
    for name, path, col, lab, harmful, cats in (
            ("ViHSD dev comments", DATA / "vihsd" / "dev.csv", "free_text", "label_id", {"1", "2"}, abuse),
            ("ViCTSD valid comments", DATA / "victsd" / "valid.csv", "Comment", "Toxicity", {"1"}, abuse),
            ("ViSpamReviews dev reviews", DATA / "vispamreviews" / "dev.csv", "Comment", "Label", set(), set()),
            ("SMS (smishing data)", DATA / "vi_sms_smishing" / "train.csv", "content", "label", {"1"},
             {"scam", "illegal_ad"}),
            ("ReINTEL dev posts", DATA / "reintel" / "dev.csv", "post_message", "label", {"1"}, {"misinformation"})):
        rows = [r for r in _csv_rows(path) if harmful or r[lab] == "0"]  # no category of ours: clean rows only
        sets.append((name, [""] * len(rows), [r[col] for r in rows], [r[lab] in harmful for r in rows], cats))
    return sets


def default_model_on_real_text(scorer: Any = None) -> list[list[Any]]:
    """The BUNDLED default model (trained on the seed examples in the repo only) on real text it never saw: the
    share of clean rows it flags (what lands in moderators' queue for nothing) and the share of harmful rows it
    flags with a matching category. Baseline: the plain TF-IDF + balanced LogisticRegression, one per category,
    trained on the same seed data, flagging at p >= 0.5."""
    from classifier.model import DEFAULT_RECIPE, Recipe
    from classifier.scorer import Scorer
    from classifier.train import load_recipe_data

    scorer = scorer or Scorer.load()
    seed = load_recipe_data(Recipe.from_toml(DEFAULT_RECIPE), DEFAULT_RECIPE)
    seed_x = [t for d in seed for t in d.texts]
    seed_y = [set(lab) for d in seed for lab in d.labels]
    base = {c: baseline_pipeline().fit(seed_x, [c in y for y in seed_y]) for c in scorer.categories}
    rows = []
    for name, titles, texts, harmful, cats in real_text_sets():
        res = scorer.score_many(texts, titles=titles)
        joined = [f"{t}. {x}" if t else x for t, x in zip(titles, texts, strict=True)]
        bflags: list[set[str]] = [set() for _ in texts]
        for c, m in base.items():
            for i, p in enumerate(m.predict_proba(joined)[:, 1]):
                if p >= 0.5:
                    bflags[i].add(c)
        clean = [i for i, h in enumerate(harmful) if not h]
        bad = [i for i, h in enumerate(harmful) if h]
        row: list[Any] = [name, len(clean), sum(bool(res[i].flags) for i in clean) / max(len(clean), 1),
                          sum(bool(bflags[i]) for i in clean) / max(len(clean), 1)]
        if bad:
            hit = sum(bool(set(res[i].flags) & cats) for i in bad)
            bhit = sum(bool(bflags[i] & cats) for i in bad)
            false = sum(bool(res[i].flags) for i in clean)
            bfalse = sum(bool(bflags[i]) for i in clean)
            # precision at this data set's own share of harmful rows: of the rows flagged, how many were harmful
            row += [len(bad), hit / len(bad), bhit / len(bad), hit / max(hit + false, 1), bhit / max(bhit + bfalse, 1)]
        else:
            row += ["", "", "", "", ""]
        top: dict[str, int] = {}
        for i in clean:
            for f in res[i].flags:
                top[f] = top.get(f, 0) + 1
        row.append(", ".join(f"{c} {n}" for c, n in sorted(top.items(), key=lambda kv: -kv[1])[:3]))
        rows.append(row)
    return rows


def report_real_text() -> None:
    """Print the bundled model's real-text table."""
    print("Bundled default model on real text it never saw (trained on the repo's seed examples only)")
    print_table(["data", "clean rows", "ours: flagged", "base: flagged", "harmful rows", "ours: caught",
                 "base: caught", "ours: precision", "base: precision", "ours' flags on clean rows"],
                default_model_on_real_text())
