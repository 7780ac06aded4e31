"""Recipe: everything that decides how a model is built, read from a TOML file with typed, named errors.

Stored in the model card, so a build can be repeated; a misspelled key or a value of the wrong type is a
ModelError naming the file and the key, never a silently ignored setting.
"""

from __future__ import annotations

import json
import tomllib
import typing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from classifier.model_errors import ModelError


@dataclass(frozen=True)
class Recipe:
    """Everything that decides how a model is built; stored in the card so a build can be repeated."""

    segment: bool = True
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    chars: bool = True
    char_accented: bool = False  # also character n-grams of the text WITH its accents
    char_analyzer: str = "char_wb"
    shape: bool = False  # a block of link/number/layout tokens and caller metadata (classifier.shape)
    cues: bool = False  # sensational-cue tokens as features: the model learns their weight (classifier.signals)
    url_parts: bool = False  # the words inside links ("url_dom:vietcombank") in the shape/metadata block
    raw_chars: bool = False  # character n-grams of the raw text (NFC + lowercased, not normalised)
    # word 1-2-grams of that raw text (default token pattern: link words, digit groups, spellings normalisation
    # rewrites); carries the raw text with or without raw_chars
    raw_words: bool = False
    # words and word pairs crossed with the caller's metadata ("meta_sender_type_brandname|vay"): the same words
    # weigh differently by, e.g., SMS sender type; needs `shape` (metadata is only read with it)
    meta_words: bool = False
    min_df: int = 2
    max_word_features: int = 60_000
    max_char_features: int = 80_000
    C: float = 4.0
    C_grid: tuple[float, ...] = ()  # exclusive labels: pick C from these by out-of-fold macro-F1 on the training data
    class_weight: str | None = "balanced"
    multinomial: bool = True  # exclusive labels: one softmax model (False: the older one-vs-rest calibrated models)
    calibration_folds: int = 3
    augment_strip: float = 0.3  # share of training texts also added without diacritics
    tune_label: bool = True  # exclusive labels: per-class weights for `label`, tuned on out-of-fold macro-F1
    # what that tuning (and C_grid) maximises: "macro_f1", or "positive_f1" (the F1 of the one category,
    # for binary data measured by that category's F1; needs exactly one category)
    tune_for: str = "macro_f1"
    label_folds: int = 3  # folds for those out-of-fold predictions when no cross-validation runs
    target_precision: float = 0.8
    # categories whose thresholds are tuned to `strict_precision` instead (e.g. `positive`: commendation
    # candidates are not harms, and the office wants a short list of strong ones)
    strict_categories: tuple[str, ...] = ()
    strict_precision: float = 0.9
    min_threshold: float = 0.3
    cv_folds: int = 5
    cv_repeats: int = 1  # repeat the cross-validation with other fold splits; thresholds etc. see the pooled predictions
    seed: int = 13
    data: tuple[str, ...] = field(default_factory=tuple)  # seed files (default recipe only), relative to the recipe

    @classmethod
    def from_toml(cls, path: str | Path) -> Recipe:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ModelError(f"không tìm thấy tệp công thức (recipe): {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ModelError(f"tệp công thức {path}: không phải TOML hợp lệ: {exc}") from exc
        raw = raw.get("recipe", raw)
        if not isinstance(raw, dict):
            raise ModelError(f"tệp công thức {path}: [recipe] phải là một bảng")
        known = set(cls.__dataclass_fields__)
        unknown = set(raw) - known
        if unknown:
            raise ModelError(f"tệp công thức {path}: khoá không xác định {', '.join(sorted(unknown))}")
        hints = typing.get_type_hints(cls)
        return cls(**{key: _recipe_value(path, key, value, hints[key]) for key, value in raw.items()})

    def precision_for(self, category: str) -> float:
        return self.strict_precision if category in self.strict_categories else self.target_precision

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


_TYPE_NAMES = {bool: ("true hoặc false", "giá trị true/false"), int: ("số nguyên", "số nguyên"), float: ("số", "số"),
               str: ("chuỗi", "chuỗi")}


def _type_text(tp: Any) -> str:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is tuple:
        plural = _TYPE_NAMES.get(args[0], (str(args[0]), str(args[0])))[1]
        if len(args) == 2 and args[1] is Ellipsis:
            return f"danh sách {plural}"
        return f"danh sách {len(args)} {plural}"
    if args and type(None) in args:  # X | None: TOML has no null, so only X
        return " hoặc ".join(_type_text(a) for a in args if a is not type(None))
    return _TYPE_NAMES.get(tp, (str(tp), ""))[0]


def _recipe_value(path: str | Path, key: str, value: Any, tp: Any) -> Any:
    """`value` from the TOML file as the Recipe field's type (lists → tuples, integers → floats where a
    float is expected), or ModelError naming the file, the key and the type expected."""

    def bad() -> ModelError:
        kind = {bool: "true/false", int: "số nguyên", float: "số thực", str: "chuỗi", list: "mảng", dict: "bảng"}.get(
            type(value), type(value).__name__)
        shown = json.dumps(value, ensure_ascii=False, default=str)
        return ModelError(f"tệp công thức {path}: {key} phải là {_type_text(tp)}, không phải {shown[:60]} ({kind})")

    def one(v: Any, t: Any) -> Any:
        args = typing.get_args(t)
        if typing.get_origin(t) is tuple:
            if not isinstance(v, list):
                raise bad()
            if len(args) == 2 and args[1] is Ellipsis:
                return tuple(one(x, args[0]) for x in v)
            if len(v) != len(args):
                raise bad()
            return tuple(one(x, a) for x, a in zip(v, args, strict=True))
        if args and type(None) in args:
            for a in args:
                if a is not type(None):
                    try:
                        return one(v, a)
                    except ModelError:
                        pass
            raise bad()
        if t is bool:
            if isinstance(v, bool):
                return v
        elif t is int:
            if isinstance(v, int) and not isinstance(v, bool):
                return v
        elif t is float:
            if isinstance(v, int | float) and not isinstance(v, bool):
                return float(v)
        elif t is str:
            if isinstance(v, str):
                return v
        else:
            return v
        raise bad()

    return one(value, tp)
