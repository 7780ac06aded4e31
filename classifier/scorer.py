"""Text in, scores and evidence out: the model, the rules, the known-item bank and the source signals.

Scores combine by noisy-OR, 1 - (1 - p)(1 - w), where p is the calibrated model probability and w the
weight of each matched rule, confirmed bank item, or misinformation indicator; dismissed bank items and
credible-source signals scale a score down. A category is flagged when its score reaches its threshold
(tuned on held-out data to a target precision, stored in the model card, overridable by config).

Invariants of every result:
- every flagged category has at least one piece of positive evidence of its own (a rule, a confirmed bank
  item, an indicator, or failing those its top n-gram contributions); a category with none is not flagged;
- text with fewer than MIN_CONTENT_TOKENS normalised syllables (title included; typed tokens such as
  `urltok` count, punctuation does not) is too short to judge by the ordinary thresholds: scores are still
  reported, but only categories supported by a matched rule, a confirmed bank item, or a model score at
  the category's short-text threshold (card `short_thresholds`: tuned on the short training texts'
  held-out predictions to the target precision; absent when that precision was not shown) can be flagged,
  and the label is "clean" unless something is flagged;
- text shorter than a category's `min_tokens` (card: for the recipe's strict categories, half the content
  syllables of the category's shortest training example, listed where above MIN_CONTENT_TOKENS) is flagged in that category only by a matched rule
  or a confirmed bank item, and not labelled with it: the model has not seen the category on text that short
  (the `positive` seeds are 17+-word stories; "Cảm ơn anh đã giúp" is no commendation candidate);
- a per-category model's label (multi-label, or exclusive with `multinomial = false`: the bundled default) is
  one of its flags, or "clean" when there is none; a joint exclusive model (one softmax over the classes) keeps
  its tuned argmax label, flagged or not: the benchmarks measure that label.

A title is read together with the text (the model, the rules and the cues see `title + ".\n" + text`).
Evidence offsets always index the string the evidence was found in: the text, or — for evidence found in
the title — the title, and then its detail starts with "title: ".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.multiclass import OneVsRestClassifier

from classifier import model as model_io
from classifier.analysis import MIN_CONTENT_TOKENS, Doc, analyze, content_tokens
from classifier.bank import CONFIRMED, Bank
from classifier.coverage import OfficialCoverage
from classifier.explain import ngram_evidence, shape_evidence
from classifier.features import model_input
from classifier.language import detect_language
from classifier.locality import localities_with_old
from classifier.result import Evidence, ScoreResult
from classifier.rules import RuleSet
from classifier.signals import MISINFO, coverage_evidence, named_cues, source_evidence

TITLE_SEP = ".\n"  # between title and text in what the model reads
TITLE_DETAIL = "title: "  # detail prefix of evidence found in the title (its offsets index the title)
COVERAGE_FLOOR = 0.15  # only ask the (database-backed) coverage index when misinformation is plausible


def feature_names(union: Any) -> np.ndarray:
    """"block__feature" names of a FeatureUnion whose blocks end in a vectorizer."""
    names: list[str] = []
    for block, trans in union.transformer_list:
        vec = trans.steps[-1][1] if hasattr(trans, "steps") else trans
        names.extend(f"{block}__{f}" for f in vec.get_feature_names_out())
    return np.asarray(names, dtype=object)


class SparseRow:
    """One row of a CSR matrix as its column indices and values (what evidence needs)."""

    __slots__ = ("indices", "data")

    def __init__(self, indices: np.ndarray, data: np.ndarray) -> None:
        self.indices, self.data = indices, data


class Scorer:
    def __init__(self, pipeline: Any, card: dict[str, Any], rules: RuleSet | None = None,
                 thresholds: Mapping[str, float] | None = None) -> None:
        self.pipeline = pipeline
        self.card = card
        self.rules = rules if rules is not None else RuleSet([])
        self.categories: tuple[str, ...] = tuple(card["categories"])
        self.exclusive = bool(card.get("exclusive", False))
        self.version: str = str(card.get("version", "unversioned"))
        self.thresholds: dict[str, float] = {c: float(card.get("thresholds", {}).get(c, 0.5)) for c in self.categories}
        for c, t in (thresholds or {}).items():
            if c in self.thresholds:
                self.thresholds[c] = float(t)
        # short texts: the model alone flags them only at these probabilities (tuned on short held-out texts)
        self.short_thresholds: dict[str, float] = {c: float(t) for c, t in (card.get("short_thresholds") or {}).items()
                                                   if c in self.categories}
        # per category, the content syllables a text needs before the model alone may flag it there (shorter than
        # half the category's shortest training example: extrapolation); cards from before it have none
        self.min_tokens: dict[str, int] = {c: int(n) for c, n in (card.get("min_tokens") or {}).items()
                                           if c in self.categories}
        # exclusive labels: `label` is the argmax of weight × score, weights tuned on out-of-fold macro-F1
        self.label_weights: dict[str, float] = {c: float(w) for c, w in (card.get("label_weights") or {}).items()}
        self.segment = bool(pipeline.named_steps["analyze"].segment)
        self.shape = bool(getattr(pipeline.named_steps["analyze"], "shape", False))
        # models built with `cues` weigh the sensational cues themselves (features "meta__cue_<name>")
        self.cues = bool(getattr(pipeline.named_steps["analyze"], "cues", False))
        self.url_parts = bool(getattr(pipeline.named_steps["analyze"], "url_parts", False))
        self.raw_chars = bool(getattr(pipeline.named_steps["analyze"], "raw_chars", False))
        self._features = pipeline.named_steps["features"]
        self._clf = pipeline.named_steps["clf"]
        # ONE model over the exclusive classes (softmax, clean included): `label` is its tuned argmax, what the
        # benchmarks measure, and may name a class under its threshold. Per-category models (multi-label, or
        # exclusive labels with `multinomial = false` such as the bundled default) score each category on its
        # own against a precision-tuned threshold: there `label` is read from the flags, never contradicting them.
        self.joint_label = self.exclusive and not isinstance(self._clf, OneVsRestClassifier)
        if not self.exclusive:  # multilabel: one column per category, in order
            self._columns, self._clean_column = list(range(len(self.categories))), -1
        else:
            classes = [str(c) for c in self._clf.classes_]
            self._columns = [classes.index(c) for c in self.categories]
            self._clean_column = classes.index(model_io.CLEAN) if model_io.CLEAN in classes else -1
        self._weights = model_io.linear_weights(pipeline, self.categories)
        self._names = feature_names(self._features)
        self._cue_columns = {str(n)[len("meta__cue_"):]: i for i, n in enumerate(self._names)
                             if str(n).startswith("meta__cue_")}

    @classmethod
    def load(cls, model_path: str | None = None, rules_path: str | None = None,
             thresholds: Mapping[str, float] | None = None) -> Scorer:
        """None → the bundled default model / default rules."""
        pipeline, card = model_io.load(Path(model_path) if model_path else model_io.DEFAULT_MODEL)
        return cls(pipeline, card, RuleSet.load(rules_path), thresholds)

    # ------------------------------------------------------------------------------------------ scoring
    def score(self, text: str, *, title: str = "", official: bool | None = None, bank: Bank | None = None,
              coverage: OfficialCoverage | None = None, meta: Mapping[str, object] | None = None) -> ScoreResult:
        return self.score_many([text], titles=[title], official=official, bank=bank, coverage=coverage,
                               meta=[meta])[0]

    def score_many(self, texts: Sequence[str], *, titles: Sequence[str] | None = None, title: str = "",
                   official: bool | None = None, bank: Bank | None = None,
                   coverage: OfficialCoverage | None = None,
                   meta: Sequence[Mapping[str, object] | None] | None = None) -> list[ScoreResult]:
        """One result per text. `titles`: one title per text; `title`: one title for all texts (the older
        form, kept for compatibility); give at most one of them. `meta`: light metadata per text (the keys
        the model was trained with, e.g. {"sender_type": "brandname"}); models without `shape` ignore it."""
        if titles is not None:
            if title:
                raise ValueError("score_many: pass titles= or title=, not both")
            if len(titles) != len(texts):
                raise ValueError(f"score_many: {len(titles)} titles for {len(texts)} texts")
            heads = [t or "" for t in titles]
        else:
            heads = [title] * len(texts)
        if meta is not None and len(meta) != len(texts):
            raise ValueError(f"score_many: {len(meta)} meta for {len(texts)} texts")
        metas = meta if meta is not None else [None] * len(texts)
        docs = [analyze(combine(h, t), segment=self.segment) for h, t in zip(heads, texts, strict=True)]
        X = self._features.transform([model_input(d.feature_string, d.original, shape=self.shape, meta=m, cues=self.cues,
                                                  url_parts=self.url_parts, raw_chars=self.raw_chars)
                                      for d, m in zip(docs, metas, strict=True)]).tocsr()
        P = self._clf.predict_proba(X)
        ptr, ind, val = X.indptr, X.indices, X.data  # row views without building a sparse matrix per text
        return [self._finish(doc, SparseRow(ind[ptr[i]:ptr[i + 1]], val[ptr[i]:ptr[i + 1]]), P[i], texts[i],
                             heads[i], official, bank, coverage) for i, doc in enumerate(docs)]

    def model_probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(n, n_categories) calibrated model probabilities only, for evaluation."""
        X = self._features.transform([model_input(analyze(t, segment=self.segment).feature_string, t, shape=self.shape,
                                                  cues=self.cues, url_parts=self.url_parts, raw_chars=self.raw_chars)
                                      for t in texts])
        return np.asarray(self._clf.predict_proba(X))[:, self._columns]

    def _finish(self, doc: Doc, row: Any, probs: np.ndarray, text: str, title: str, official: bool | None,
                bank: Bank | None, coverage: OfficialCoverage | None) -> ScoreResult:
        scores = {c: float(probs[col]) for c, col in zip(self.categories, self._columns, strict=True)}
        evidence: list[Evidence] = []
        for hit in self.rules.match(doc.norm_text, doc.plain_text, doc.original):
            if hit.rule.category in scores:
                a, b = doc.span_of(hit.start, hit.end)
                evidence.append(Evidence(hit.rule.category, "rule", doc.original[a:b], a, b, hit.rule.weight,
                                         f"{hit.rule.id}: {hit.rule.description}"))
        if bank is not None and len(bank):
            for m in bank.match(text if text.strip() else title):  # bank entries hold item texts
                entry = m.entry
                for c in sorted(entry.categories) if entry.categories else list(self.categories):
                    if c in scores:
                        if entry.polarity == CONFIRMED:
                            evidence.append(Evidence(c, "bank", entry.text[:200], -1, -1, m.similarity,
                                                     f"{entry.ref}: giống nội dung vi phạm đã xác nhận"))
                        else:
                            evidence.append(Evidence(c, "bank_negative", entry.text[:200], -1, -1, -m.similarity,
                                                     f"{entry.ref}: giống nội dung đã được bỏ qua (không vi phạm)"))
        if MISINFO in scores:
            signals, names = named_cues(doc.original)
            if self.cues:  # learned: shown with the model's own contribution, not added on top (see below)
                signals = self._learned_cues(signals, names, row)
            src = source_evidence(official)
            if src:
                signals.append(src)
            if coverage is not None and (scores[MISINFO] >= COVERAGE_FLOOR or signals):
                signals.extend(coverage_evidence(coverage, text, title))
            evidence.extend(signals)
        for e in evidence:
            if e.kind in ("rule", "bank", "sensational", "source", "coverage", "bank_negative"):
                if e.weight >= 0 and not (self.cues and e.kind == "sensational"):
                    scores[e.category] = 1 - (1 - scores[e.category]) * (1 - min(e.weight, 0.99))
        for e in evidence:  # down-weighting last, so a dismissed duplicate stays down whatever else matched
            if e.weight < 0 and not (self.cues and e.kind == "sensational"):
                scores[e.category] *= 1 + max(e.weight, -1.0)
        n_tokens = content_tokens(doc)
        short = n_tokens < MIN_CONTENT_TOKENS
        candidates = [c for c in self.categories if scores[c] >= self.thresholds[c]]
        ruled = {e.category for e in evidence if e.kind in ("rule", "bank") and e.weight > 0}
        if short:  # too little text to judge by the ordinary thresholds: a rule, a confirmed bank item, or the
            # model at its short-text threshold (where the card has one: precision shown on short held-out texts)
            backed = ruled | {c for c, t in self.short_thresholds.items() if scores[c] >= t}
            candidates = [c for c in candidates if c in backed]
        # shorter than anything the category was learnt from (card `min_tokens`): only a rule or a bank item flags it
        candidates = [c for c in candidates if n_tokens >= self.min_tokens.get(c, 0) or c in ruled]
        for c in candidates:
            w = self._weights[self.categories.index(c)]
            evidence.extend(ngram_evidence(doc, row, w, self._names, c))
            if self.shape or self.url_parts:  # the link/number/metadata tokens that pushed the score up
                evidence.extend(shape_evidence(doc.original, row, w, self._names, c))
        supported = {e.category for e in evidence if e.weight > 0}
        flags = tuple(c for c in candidates if c in supported)  # invariant: no flag without evidence
        label = self._label(scores, flags, probs)
        if self.joint_label:
            lifted = {e.category for e in evidence if e.kind in ("rule", "bank") and e.weight > 0} & set(flags)
            if label == model_io.CLEAN and lifted:  # the model alone said clean; a rule or confirmed item lifted
                label = max(lifted, key=lambda c: scores[c])  # a category over its threshold: not "clean"
            if label != model_io.CLEAN and label not in flags and (short or label in candidates
                                                                  or n_tokens < self.min_tokens.get(label, 0)):
                label = max(flags, key=lambda c: scores[c]) if flags else model_io.CLEAN
        locality, places = localities_with_old(doc.plain_text.split(), doc.original, original_syllables=doc.syllables)
        evidence.sort(key=lambda e: (e.category not in flags, e.category, -abs(e.weight)))
        evidence.extend(places)  # old province names: where the text named them, after the categories' evidence
        if title:
            evidence = [locate(e, title, text) for e in evidence]
        return ScoreResult(scores={c: round(v, 6) for c, v in scores.items()}, flags=flags, label=label,
                           evidence=tuple(evidence), locality=locality, language=detect_language(doc.original),
                           model_version=self.version)

    def _learned_cues(self, signals: list[Evidence], names: list[str], row: Any) -> list[Evidence]:
        """Cues of a `cues` model: weight = the cue feature's contribution to the misinformation log-odds
        (value × coefficient), already inside the model's probability, so never added to the score again."""
        coef = self._weights[self.categories.index(MISINFO)]
        values = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
        out = []
        for e, name in zip(signals, names, strict=True):
            col = self._cue_columns.get(name)
            w = float(values.get(col, 0.0) * coef[col]) if col is not None else 0.0
            out.append(replace(e, weight=round(w, 4), detail=f"{e.detail} (trọng số mô hình học)"))
        return out

    def _label(self, scores: dict[str, float], flags: tuple[str, ...], probs: np.ndarray) -> str:
        """Joint exclusive model: the class with the largest weight × score, flagged or not. Otherwise the
        flagged category with the largest weight × score (weights from the card, 1 where none; so the tuned
        label whenever it is flagged), "clean" when nothing is flagged."""
        w = self.label_weights
        if self.joint_label:
            best = model_io.CLEAN
            p_best = float(probs[self._clean_column]) * w.get(best, 1.0) if self._clean_column >= 0 else 0.0
            for c, v in scores.items():
                if v * w.get(c, 1.0) > p_best:
                    best, p_best = c, v * w.get(c, 1.0)
            return best
        if not flags:
            return model_io.CLEAN
        return max(flags, key=lambda c: scores[c] * w.get(c, 1.0))


def combine(title: str, text: str) -> str:
    """What the model reads for a titled text (see the module docstring)."""
    if not title:
        return text
    return f"{title}{TITLE_SEP}{text}" if text else title


def locate(e: Evidence, title: str, text: str) -> Evidence:
    """Evidence with offsets into `combine(title, text)` → offsets into the text, or into the title."""
    if e.start < 0:
        return e
    off = len(title) + len(TITLE_SEP)
    if e.start >= off:
        a, b = e.start - off, e.end - off
        return replace(e, text=text[a:b], start=a, end=b)
    if e.start >= len(title):  # in the separator (cannot happen for syllable spans): the text's start
        b = max(0, e.end - off)
        return replace(e, text=text[:b], start=0, end=b)
    b = min(e.end, len(title))
    return replace(e, text=title[e.start:b], end=b, detail=TITLE_DETAIL + e.detail)
