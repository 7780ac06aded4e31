"""Whether labelled data is large enough for fit(): refused before any fitting, in Vietnamese.

scikit-learn's own errors for too few examples name no category and no remedy; these checks follow fit()'s own
splits (duplicate texts grouped, the same seeded copies) and say which step lacks which examples.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from classifier.card_values import CLEAN
from classifier.folds import cv_splits, duplicate_groups, grouped_splits
from classifier.recipe import Recipe
from classifier.training_rows import _augment_picks, _categories, _targets


class TrainingDataError(ValueError):
    """Too few examples for what fit() does with this recipe: one Vietnamese line, raised before any fitting."""


def _fold_min(k: int, need: int) -> int:
    """The smallest class size c whose training part in every one of k stratified folds (c - ceil(c / k)) still
    holds `need` examples."""
    c = need
    while c - -(-c // k) < need:
        c += 1
    return c


def _uses_label_folds(recipe: Recipe, cv: bool) -> bool:
    """fit() of exclusive labels refits the classifier on `label_folds` folds: for label weights when no
    cross-validation gives out-of-fold predictions, and to choose C from a C_grid."""
    crossval = cv and recipe.cv_folds >= 2
    return recipe.label_folds >= 2 and ((recipe.tune_label and not crossval) or len(recipe.C_grid) > 1)


def min_examples(recipe: Recipe, cv: bool) -> int:
    """Exclusive labels: examples per class (each category, and clean when some rows are clean) that are always
    enough for fit(..., cv=cv) with this recipe (with fewer it may still fit, thanks to the accent-stripped
    copies; check_trainable says exactly). Every fit calibrates on min(calibration_folds, max(2, smallest
    class)) stratified folds, so 2 per class; cross-validation fits on all but one fold; label weights without
    cross-validation, or a C_grid, refit the calibrated classifier on all but one of `label_folds` folds with up
    to `calibration_folds` calibration folds."""
    need = 2
    if cv and recipe.cv_folds >= 2:
        need = max(need, _fold_min(recipe.cv_folds, 2))
    if _uses_label_folds(recipe, cv):
        need = max(need, _fold_min(recipe.label_folds, max(2, recipe.calibration_folds)))
    return need


def _calibration_folds(recipe: Recipe, smallest: int) -> int:
    return min(recipe.calibration_folds, max(2, smallest))  # as build_pipeline, from _fit_step's min_positives


def _trainable_problem(labels: Sequence[Sequence[str]], recipe: Recipe, cv: bool,
                       groups: np.ndarray | None = None) -> str | None:
    """Why fit(labels, recipe=recipe, cv=cv) would fail for lack of examples (Vietnamese), or None. Follows fit's
    own splits and accent-stripped copies (same seed), so it neither refuses data fit takes nor passes data on
    which a calibration would fail."""
    cats = tuple(c for c in _categories(labels, None) if any(c in row for row in labels))
    if not cats:
        return None  # fit() says there is no category
    n = len(labels)
    exclusive = all(len(row) <= 1 for row in labels)
    y = _targets(labels, cats, exclusive)

    def rows(idx: np.ndarray) -> np.ndarray:  # the training rows fit() uses for `idx`, copies included
        return np.concatenate([idx, _augment_picks(idx, recipe)]) if recipe.augment_strip > 0 else idx

    def short(idx: np.ndarray, folds: int | None = None) -> str | None:
        """The first class with too few rows among idx (+ copies) for a calibrated fit, as "scam 1 (cần 2)"."""
        if exclusive:
            names, counts = np.unique(y[idx], return_counts=True)
            have = dict(zip([str(c) for c in names], counts.tolist(), strict=True))
            classes = [*cats, CLEAN] if any(not row for row in labels) else list(cats)
            f = folds or _calibration_folds(recipe, min(have.values()))
            for c in classes:
                if c == CLEAN and c not in have:
                    continue  # a fit without clean rows still gives every category's column
                if have.get(c, 0) < f:
                    return f"{c} {have.get(c, 0)} (cần {f})"
            return None
        pos = y[idx].sum(axis=0)
        f = folds or _calibration_folds(recipe, int(pos.min()))
        for j, c in enumerate(cats):
            for what, k in (("thuộc", int(pos[j])), ("không thuộc", len(idx) - int(pos[j]))):
                if 0 < k < f:
                    return f"{c}: {k} dòng {what} nhóm (cần {f})"
        return None

    everything = rows(np.arange(n))
    if exclusive and len(np.unique(y)) < 2:
        return "cần ít nhất hai lớp (một nhóm và các dòng clean, hoặc hai nhóm)"
    if (bad := short(everything)) is not None:
        return f"hiệu chỉnh xác suất cần ít nhất 2 ví dụ mỗi lớp: {bad}"
    if cv and recipe.cv_folds >= 2:
        try:
            repeats = cv_splits(n, y, exclusive, recipe, groups)
        except ValueError:
            return (f"kiểm định chéo {recipe.cv_folds} phần (cv_folds) cần ít nhất một lớp có từ {recipe.cv_folds} ví dụ"
                    + _distinct(groups))
        for splits in repeats:
            for tr, _ in splits:
                if (bad := short(rows(tr))) is not None:
                    return f"kiểm định chéo {recipe.cv_folds} phần: phần huấn luyện của một lượt chỉ còn {bad}"
    if exclusive and _uses_label_folds(recipe, cv):
        src = everything
        folds = _calibration_folds(recipe, int(np.unique(y[src], return_counts=True)[1].min()))
        try:
            label_splits = grouped_splits(recipe.label_folds, y, groups, stratified=True, seed=recipe.seed)
        except ValueError:
            return (f"{recipe.label_folds} phần (label_folds) cần ít nhất một lớp có từ {recipe.label_folds} ví dụ"
                    + _distinct(groups))
        what = "tinh chỉnh trọng số nhãn" if recipe.tune_label else "chọn C theo C_grid"
        for tr, _ in label_splits:
            if (bad := short(src[np.isin(src, tr)], folds)) is not None:
                return (f"{what} trên {recipe.label_folds} phần (label_folds), mỗi phần hiệu chỉnh {folds} phần: phần "
                        f"huấn luyện của một lượt chỉ còn {bad}")
    return None


def _distinct(groups: np.ndarray | None) -> str:
    """The note that duplicate texts count once, when `groups` has duplicates."""
    if groups is None or len(np.unique(groups)) == len(groups):
        return ""
    return " khác nhau (các văn bản trùng nhau sau chuẩn hoá chỉ tính là một, vì luôn nằm cùng một phần)"


def check_trainable(labels: Sequence[Sequence[str]], recipe: Recipe, *, cv: bool = True,
                    texts: Sequence[str] | None = None) -> None:
    """Refuse, before any fitting and in Vietnamese, labelled data too small for fit(labels, recipe=recipe, cv=cv):
    which step lacks examples, how many each category has and how many are always enough (scikit-learn's own
    errors name no category and no remedy). `texts`: the rows' texts, so the check splits duplicate texts as fit()
    does (classifier.folds); without them every row counts as a distinct text."""
    _check_trainable(labels, recipe, cv, None if texts is None else duplicate_groups(texts))


def _check_trainable(labels: Sequence[Sequence[str]], recipe: Recipe, cv: bool, groups: np.ndarray | None) -> None:
    with warnings.catch_warnings():  # the splitters' "least populated class" warnings: we say it ourselves
        warnings.simplefilter("ignore", UserWarning)
        problem = _trainable_problem(labels, recipe, cv, groups)
        other = _trainable_problem(labels, recipe, False, groups) if problem and cv and recipe.cv_folds >= 2 else None
    if problem is None:
        return
    counts = {c: sum(c in row for row in labels) for c in _categories(labels, None)}
    have = ", ".join(f"{c} {k}" for c, k in [*counts.items(), (CLEAN, sum(not row for row in labels))])
    if groups is not None and _distinct(groups):
        distinct = {c: len({g for g, row in zip(groups, labels, strict=True) if (c in row if c != CLEAN else not row)})
                    for c in [*counts, CLEAN]}
        have += (f"; văn bản khác nhau sau chuẩn hoá: {', '.join(f'{c} {k}' for c, k in distinct.items())} — các "
                 "văn bản trùng nhau luôn nằm cùng một phần kiểm định chéo")
    exclusive = all(len(row) <= 1 for row in labels)
    enough = (f"; với công thức này, mỗi nhóm (kể cả clean) có từ {min_examples(recipe, cv)} ví dụ"
              + (f" và nhóm đông nhất từ {recipe.cv_folds} ví dụ" if cv and recipe.cv_folds >= 2 else "")
              + " là đủ" if exclusive else "")
    hint = ""
    if cv and recipe.cv_folds >= 2:
        hint = (", hoặc dùng --no-cv (bỏ kiểm định chéo, ngưỡng mặc định 0,5)" if other is None else
                f"; --no-cv cũng chưa đủ ({other}"
                + (f"; đủ chắc chắn: {min_examples(recipe, False)} ví dụ mỗi nhóm" if exclusive else "") + ")")
    raise TrainingDataError(f"quá ít ví dụ để huấn luyện: {problem} (dữ liệu có: {have}){enough}; hãy thêm ví dụ"
                            f"{hint}")
