"""Cross-validation folds that keep duplicate texts together.

Training data repeats itself (the same SMS sent to many people, a comment copied under several posts). When
one copy sits in the training folds and another in the validation fold, the out-of-fold score of that text is a
score of something the model has seen: cross-validation metrics look better than they are, and thresholds tuned on
them to a target precision come out too low. So every split here is a split of duplicate GROUPS: texts with the same
group_key (normalised syllables, accents stripped) are always on the same side of a fold.

Stratification and shuffling act on the groups (one per distinct text, labelled by its most common label), in the
order the groups first appear; data without duplicates therefore gets exactly the folds the row-wise splitters give.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold

from classifier.normalize import TYPED_TOKENS, strip_accents, syllables
from classifier.recipe import Recipe

Folds = list[tuple[np.ndarray, np.ndarray]]


def group_key(text: str) -> str:
    """What makes two texts the same for cross-validation: their normalised syllables (NFC, lowercase, spacing,
    teencode and look-alike spellings; see classifier.normalize) without accents, because training adds
    accent-stripped copies of texts (Recipe.augment_strip), so a text and its unaccented twin are one text to the
    model. Links, phone numbers, e-mail addresses and amounts count as written (lowercased), not as the typed token
    the model reads: messages of one template with other amounts or numbers stay distinct texts."""
    parts = []
    for syl in syllables(text):
        parts.append(" ".join(text[syl.start:syl.end].lower().split()) if syl.text in TYPED_TOKENS else syl.text)
    return strip_accents(" ".join(parts))


def duplicate_groups(texts: Sequence[str]) -> np.ndarray:
    """Per text, the number of its duplicate group (0, 1, ... in the order groups first appear). A text without a
    syllable (only emoji, only punctuation) has the empty group_key: it is grouped by its own characters (spacing
    aside) instead, so that all such texts, whatever their labels, do not become one group in one fold."""
    ids: dict[str | tuple[str], int] = {}
    return np.array([ids.setdefault(_key(t), len(ids)) for t in texts], dtype=int)


def _key(text: str) -> str | tuple[str]:
    # a tuple: never equal to a group_key (a str)
    return group_key(text) or (" ".join(text.split()),)


def _group_labels(y: Any, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Each group's most common class (ties: the one seen first), for stratifying the groups."""
    counts: list[Counter[Any]] = [Counter() for _ in range(n_groups)]
    for label, g in zip(y, groups, strict=True):
        counts[g][label] += 1
    # a plain array: scikit-learn reads an object array of integers as an "unknown" target, not as classes
    return np.array([c.most_common(1)[0][0] for c in counts])


def grouped_splits(n_splits: int, y: Any, groups: np.ndarray | None, *, stratified: bool, seed: int) -> Folds:
    """(train rows, test rows) per fold: a shuffled (seeded) k-fold split of the duplicate groups, stratified by
    each group's class when `stratified` (exclusive labels; `y` one class per row), expanded to their rows.
    `groups` None: every row is its own group. Raises scikit-learn's ValueError when there are fewer groups
    than folds (or, stratified, no class with that many groups)."""
    n = len(y)
    if groups is None:
        groups = np.arange(n)
    groups = np.asarray(groups)
    n_groups = int(groups.max()) + 1 if n else 0
    splitter: Any
    if stratified:
        splitter = StratifiedKFold(n_splits, shuffle=True, random_state=seed)
        target: Any = _group_labels(y, groups, n_groups)
    else:
        splitter = KFold(n_splits, shuffle=True, random_state=seed)
        target = None
    out: Folds = []
    for _, te_g in splitter.split(np.zeros(n_groups), target):
        test = np.isin(groups, te_g)
        out.append((np.flatnonzero(~test), np.flatnonzero(test)))
    return out


def cv_splits(n: int, y: Any, exclusive: bool, recipe: Recipe, groups: np.ndarray | None = None) -> list[Folds]:
    """One list of (train, test) index folds per cross-validation repeat; repeat r shuffles with seed + r, so
    every repeat splits differently (stratified by class for exclusive labels). `groups` (duplicate_groups of the
    texts): duplicates stay in one fold; None: every row is its own group."""
    target = y if exclusive else np.zeros(n)
    return [grouped_splits(recipe.cv_folds, target, groups, stratified=exclusive, seed=recipe.seed + r)
            for r in range(max(1, recipe.cv_repeats))]
