"""Cross-validation inside training keeps duplicate texts (same text after normalisation) in one fold, so the
out-of-fold scores that thresholds, label weights and the printed CV metrics come from are scores of unseen texts."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import replace

import numpy as np
import pytest

from classifier.folds import duplicate_groups, grouped_splits
from classifier.normalize import strip_accents
from classifier.train import TrainingDataError, check_trainable, cv_splits, fit
from tests.classifier.conftest import SMALL

SYLLABLES = ("nhà", "cửa", "đường", "phố", "xanh", "mưa", "gió", "biển", "núi", "sông", "lúa", "chợ", "bàn", "ghế",
             "trường", "lớp", "sách", "vở", "cây", "hoa", "lá", "mây", "trời", "đất", "nước", "lửa", "khói", "bụi",
             "thuyền", "cầu", "bến", "xe", "đèn", "hẻm", "quán", "phở", "bún", "chè", "trà", "bánh", "gạo", "muối")


def _copies(text: str) -> list[str]:
    """Five spellings of one text that normalise to the same syllables (case, spacing, NFD, no accents)."""
    return [text, text.upper(), "  " + re.sub(" ", "   ", text) + " ", unicodedata.normalize("NFD", text),
            strip_accents(text)]


def _data() -> tuple[list[str], list[list[str]]]:
    """8 `scam` texts, each five times (spelled differently), and 40 distinct clean texts: all random words of the
    same pool, so nothing but the duplicates tells a held-out scam text from a clean one."""
    rng = random.Random(7)
    texts: list[str] = []
    labels: list[list[str]] = []
    for _ in range(8):
        copies = _copies(" ".join(rng.choices(SYLLABLES, k=7)))
        texts += copies
        labels += [["scam"]] * len(copies)
    for _ in range(40):
        texts.append(" ".join(rng.choices(SYLLABLES, k=7)))
        labels.append([])
    return texts, labels


def test_spellings_of_one_text_are_one_group() -> None:
    groups = duplicate_groups(_copies("Chuyển khoản ngay để nhận quà") + ["chuyển khoản sau", "Chuyển khoản ngay"])
    assert groups.tolist() == [0, 0, 0, 0, 0, 1, 2]
    # teencode is its spelled-out form; amounts and links count as written (a template with another amount differs)
    assert duplicate_groups(["Vl", "Vãi lồn", "chuyển 5 triệu vào http://a.vn", "Chuyển 5 TRIỆU vào HTTP://A.VN",
                             "chuyển 6 triệu vào http://a.vn"]).tolist() == [0, 0, 1, 1, 2]


@pytest.mark.parametrize("exclusive", [True, False])
def test_no_duplicate_group_is_split_between_training_and_validation(exclusive: bool) -> None:
    texts, labels = _data()
    groups = duplicate_groups(texts)
    y = np.array([row[0] if row else "clean" for row in labels], dtype=object)
    recipe = replace(SMALL, cv_folds=5, cv_repeats=3)
    repeats = cv_splits(len(texts), y, exclusive, recipe, groups)
    assert len(repeats) == 3
    for folds in repeats:
        assert sorted(np.concatenate([te for _, te in folds]).tolist()) == list(range(len(texts)))
        for tr, te in folds:
            assert not set(groups[tr]) & set(groups[te])
    again = cv_splits(len(texts), y, exclusive, recipe, groups)  # the same seed: the same folds
    assert [[te.tolist() for _, te in f] for f in again] == [[te.tolist() for _, te in f] for f in repeats]
    assert [te.tolist() for _, te in repeats[0]] != [te.tolist() for _, te in repeats[1]]


def test_data_without_duplicates_keeps_the_row_wise_folds() -> None:
    from sklearn.model_selection import StratifiedKFold

    y = np.array(["scam", "clean", "clean"] * 10, dtype=object)
    mine = grouped_splits(5, y, duplicate_groups([f"văn bản số {i}" for i in range(30)]), stratified=True, seed=13)
    rows = list(StratifiedKFold(5, shuffle=True, random_state=13).split(np.zeros(30), y))
    assert [(a.tolist(), b.tolist()) for a, b in mine] == [(a.tolist(), b.tolist()) for a, b in rows]


def test_cross_validation_metrics_are_not_inflated_by_duplicates() -> None:
    texts, labels = _data()
    model = fit(texts, labels, recipe=replace(SMALL, cv_folds=5, tune_label=False))
    # a held-out scam text is random words the model never saw: no better than chance (leaking copies: ~1.0)
    assert model.metrics["per_category"]["scam"]["roc_auc"] < 0.8
    again = fit(texts, labels, recipe=replace(SMALL, cv_folds=5, tune_label=False))
    assert again.metrics == model.metrics and again.card["thresholds"] == model.card["thresholds"]


def test_label_weight_folds_without_cross_validation_keep_duplicates_together() -> None:
    texts, labels = _data()
    model = fit(texts, labels, recipe=replace(SMALL, cv_folds=0, label_folds=3), cv=False)
    before = float(re.search(r"there (\d\.\d+) ->", model.card["label_method"]).group(1))  # type: ignore[union-attr]
    assert before < 0.8  # out-of-fold macro-F1 of unseen random texts (leaking copies: 1.0)


def test_too_few_distinct_texts_are_refused_in_vietnamese() -> None:
    texts = ["lừa đảo chuyển khoản"] * 6 + ["LỪA ĐẢO chuyển khoản"] * 6 + [f"chào buổi sáng {i}" for i in range(12)]
    labels = [["scam"]] * 12 + [[]] * 12
    recipe = replace(SMALL, cv_folds=3)
    check_trainable(labels, recipe, cv=True)  # as rows, enough
    with pytest.raises(TrainingDataError, match="văn bản khác nhau sau chuẩn hoá: scam 1, clean 12"):
        check_trainable(labels, recipe, cv=True, texts=texts)
    with pytest.raises(TrainingDataError, match="văn bản khác nhau"):
        fit(texts, labels, recipe=recipe)


def test_texts_without_a_syllable_are_not_one_group() -> None:
    # emoji-only and punctuation-only comments all normalise to no syllables at all: one shared key would make
    # them one big group of mixed labels, all in one fold; each is its own text (identical copies stay together)
    texts = ["😡😡😡", "!!!", "👍", "chuyển khoản ngay", "👍", "...", "Chuyển khoản NGAY"]
    assert duplicate_groups(texts).tolist() == [0, 1, 2, 3, 2, 4, 3]


def test_integer_labels_are_stratified_by_group() -> None:
    # scikit-learn reads an object array of integers as an "unknown" target and refuses to stratify it
    y = np.array([1, 0, 0] * 10)
    groups = duplicate_groups([f"văn bản số {i // 2}" for i in range(30)])
    folds = grouped_splits(5, y, groups, stratified=True, seed=13)
    assert sorted(np.concatenate([te for _, te in folds]).tolist()) == list(range(30))
    for tr, te in folds:
        assert not set(groups[tr]) & set(groups[te])
