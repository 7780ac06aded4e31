"""Build the model's Pipeline, and save/load it together with its model card.

The fitted Pipeline is stored with skops (no pickle code execution); loading accepts only the types in
TRUSTED_TYPES and only a file whose SHA-256 matches the card written next to it (`X.skops` →
`X.card.json`; a model not named `.skops`: its whole name + `.card.json`). A card from another scikit-learn minor version is refused too: rebuild instead.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tomllib
import typing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline

from classifier.atomic_file import discard, sync, temp_beside
from classifier.features import TextAnalyzer, build_features
from classifier.os_errors import reason_vi

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_MODEL = DATA_DIR / "default_model.skops"
DEFAULT_RECIPE = DATA_DIR / "default_recipe.toml"
CLEAN = "clean"
CARD_FORMAT = 1

TRUSTED_TYPES: tuple[str, ...] = (
    "classifier.features.TextAnalyzer",
    "classifier.features.AccentStripper",
    "classifier.features.CompactTfidfVectorizer",
    "classifier.features.MetaPart",
    "classifier.features.MetaWords",
    "classifier.features.TextPart",
    "classifier.features.RawPart",
    "numpy.float32",
    "numpy.float64",
    "numpy.int64",
    "numpy.dtype",
    "builtins.slice",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.calibration._TemperatureScaling",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.preprocessing._label.LabelEncoder",
)


class ModelError(Exception):
    """The model file or its card is missing, tampered with, or from an incompatible version."""


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


def build_pipeline(recipe: Recipe, *, exclusive: bool, min_positives: int) -> Pipeline:
    """Multi-label: one-vs-rest liblinear LogisticRegression, each category sigmoid-calibrated on its own
    (fast on wide sparse features; the categories are not exclusive). Mutually exclusive labels (the
    classes include "clean"): ONE multinomial LogisticRegression (softmax over the classes, lbfgs; two
    classes: the binary model) calibrated jointly by temperature scaling, so the probabilities and their
    argmax come from the same model instead of per-class calibrations normalised afterwards. Recipe
    `multinomial = false` keeps exclusive labels on the one-vs-rest models (the bundled default model)."""
    if recipe.meta_words and not recipe.shape:
        raise ValueError("công thức: meta_words cần shape = true (siêu dữ liệu chỉ được đọc khi có shape)")
    folds = min(recipe.calibration_folds, max(2, min_positives))
    clf: Any
    if exclusive and recipe.multinomial:
        lr = LogisticRegression(C=recipe.C, class_weight=recipe.class_weight, max_iter=3000, solver="lbfgs",
                                random_state=recipe.seed)
        clf = CalibratedClassifierCV(lr, method="temperature", cv=folds, ensemble=False)
    else:
        lr = LogisticRegression(C=recipe.C, class_weight=recipe.class_weight, max_iter=3000, solver="liblinear",
                                dual=True, random_state=recipe.seed)
        clf = OneVsRestClassifier(CalibratedClassifierCV(lr, method="sigmoid", cv=folds, ensemble=False))
    features = build_features(word_ngrams=recipe.word_ngrams, char_ngrams=recipe.char_ngrams, min_df=recipe.min_df,
                              max_word_features=recipe.max_word_features,
                              max_char_features=recipe.max_char_features, chars=recipe.chars,
                              char_accented=recipe.char_accented, char_analyzer=recipe.char_analyzer,
                              shape=recipe.shape, cues=recipe.cues, url_parts=recipe.url_parts,
                              raw_chars=recipe.raw_chars, raw_words=recipe.raw_words,
                              meta_words=recipe.meta_words)
    # the analyzer's `raw_chars` = "append the raw text": also for `raw_words` (the Scorer reads that attribute)
    analyzer = TextAnalyzer(segment=recipe.segment, shape=recipe.shape, cues=recipe.cues, url_parts=recipe.url_parts,
                            raw_chars=recipe.raw_chars or recipe.raw_words)
    return Pipeline([("analyze", analyzer), ("features", features),
                     ("clf", clf)])


def set_C(clf: Any, C: float) -> None:
    """Set the LogisticRegression's C inside either kind of classifier step (unfitted)."""
    if isinstance(clf, OneVsRestClassifier):
        clf.set_params(estimator__estimator__C=C)
    else:
        clf.set_params(estimator__C=C)


def linear_weights(pipeline: Pipeline, categories: tuple[str, ...]) -> np.ndarray:
    """(n_categories, n_features) coefficients of the underlying linear models, for explanations.

    Multinomial model: a category's row is its coefficients minus clean's (the log-odds of the category
    against clean), or minus the mean row when there is no clean class."""
    clf = pipeline.named_steps["clf"]
    classes = [str(c) for c in clf.classes_]
    if isinstance(clf, OneVsRestClassifier):
        rows = [est.calibrated_classifiers_[0].estimator.coef_[0] for est in clf.estimators_]
        if not set(categories) <= set(classes):  # multilabel: estimators in category order
            return np.vstack(rows)
        W = np.vstack(rows)
        if len(rows) == 1:  # binary: the single estimator scores classes_[1]
            return np.vstack([W[0] if classes.index(c) == 1 else -W[0] for c in categories])
        return np.vstack([W[classes.index(c)] for c in categories])
    W = np.asarray(clf.calibrated_classifiers_[0].estimator.coef_)
    if W.shape[0] == 1:  # binary: the single row scores classes_[1] against classes_[0]
        return np.vstack([W[0] if classes.index(c) == 1 else -W[0] for c in categories])
    ref = W[classes.index(CLEAN)] if CLEAN in classes else W.mean(axis=0)
    return np.vstack([W[classes.index(c)] - ref for c in categories])


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


CARD_SUFFIX = ".card.json"


def card_target(model_path: str | Path) -> Path:
    """Where save() writes the card: `X.skops` → `X.card.json` (as always); any other name → the whole name +
    `.card.json` (`mv.1` → `mv.1.card.json`), so `mv.1` and `mv.2` do not share `mv.card.json`."""
    p = Path(model_path)
    if p.suffix.lower() == ".skops":
        return p.with_suffix(CARD_SUFFIX)
    return p.with_name(p.name + CARD_SUFFIX)


def card_path(model_path: str | Path) -> Path:
    """The card of a model: card_target(); for a model not named `.skops` that was saved while cards were named
    `with_suffix(".card.json")` (`mv.1` → `mv.card.json`), that older card when only it exists. Either way load()
    accepts a card only when its SHA-256 is the model file's, so a card another model wrote is refused."""
    p = Path(model_path)
    target = card_target(p)
    try:
        older = p.with_suffix(CARD_SUFFIX)
    except ValueError:  # a name with no stem ("" or "/")
        return target
    if older != target and not target.exists() and older.is_file():
        return older
    return target


def _cannot_write(path: Path, why: str) -> ModelError:
    return ModelError(f"không ghi được mô hình {path}: {why}")


def check_out(path: str | Path) -> None:
    """Before any training: ModelError (one Vietnamese line) when a model and its card could not be written at
    `path`: its folder must already exist (it is not created) and be writable, and neither the model's nor the
    card's name may be a folder or another non-file."""
    path = Path(path)
    if not path.name or path.name.lower().endswith(CARD_SUFFIX):
        raise _cannot_write(path, f"tên tệp mô hình không được kết thúc bằng {CARD_SUFFIX} (đó là tên của thẻ mô hình); "
                                  "hãy đặt tên dạng TÊN.skops")
    folder = path.parent
    if not folder.exists():
        raise _cannot_write(path, f"thư mục {folder} không tồn tại (hãy tạo thư mục trước)")
    if not folder.is_dir():
        raise _cannot_write(path, f"{folder} không phải thư mục")
    for p, what in ((path, "tệp mô hình"), (card_target(path), "thẻ mô hình")):
        if p.is_dir():
            raise _cannot_write(path, f"{what} {p} đã có và là một thư mục, không phải tệp")
        if p.exists() and not p.is_file():
            raise _cannot_write(path, f"{what} {p} đã có và không phải tệp thường")
    try:
        discard(temp_beside(path))  # a real write: permissions, a read-only file system, root or not
    except OSError as exc:
        raise _cannot_write(path, f"thư mục {folder}: {reason_vi(exc)}") from None


def save(pipeline: Pipeline, card: dict[str, Any], path: str | Path) -> dict[str, Any]:
    """Write the model and its card as a pair: both to temporary files beside them, then rename the model, then
    the card. Stopped before the renames, the previous pair stays; stopped between them, the new model sits next
    to the previous card, whose SHA-256 no longer matches, so load() refuses it (never a mismatched pair
    accepted). The folder is not created. ModelError (Vietnamese) when something cannot be written."""
    import skops.io as sio

    path = Path(path)
    check_out(path)
    cpath = card_target(path)
    temps: list[Path] = []
    try:
        tmp_model = temp_beside(path)
        temps.append(tmp_model)
        with open(tmp_model, "wb") as fh:
            sio.dump(pipeline, fh, compression=8)  # ZIP_DEFLATED
            sync(fh)
        card = dict(card, format=CARD_FORMAT, model_file=path.name, model_sha256=file_sha256(tmp_model),
                    model_bytes=tmp_model.stat().st_size)
        tmp_card = temp_beside(cpath)
        temps.append(tmp_card)
        with open(tmp_card, "w", encoding="utf-8") as text:
            text.write(json.dumps(card, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
            sync(text)
        os.replace(tmp_model, path)
        os.replace(tmp_card, cpath)
    except OSError as exc:
        raise _cannot_write(path, reason_vi(exc)) from None
    finally:
        discard(*temps)  # renamed ones are gone already
    return card


def load(path: str | Path) -> tuple[Pipeline, dict[str, Any]]:
    """The Pipeline and its card, after checking the card matches the file and every stored type is trusted."""
    import skops.io as sio

    path = Path(path)
    if not path.exists():
        raise ModelError(f"không tìm thấy mô hình: {path}")
    cpath = card_path(path)
    try:
        card = json.loads(cpath.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"không tìm thấy thẻ mô hình (model card): {cpath} (mô hình không có thẻ bị từ chối)") from exc
    except json.JSONDecodeError as exc:
        raise ModelError(f"thẻ mô hình {cpath} không phải JSON hợp lệ: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        why = reason_vi(exc) if isinstance(exc, OSError) else "không phải văn bản UTF-8"
        raise ModelError(f"không đọc được thẻ mô hình {cpath}: {why}") from None
    if not isinstance(card, dict):
        raise ModelError(f"thẻ mô hình {cpath}: phải là một đối tượng JSON")
    if card.get("format") != CARD_FORMAT:
        raise ModelError(f"thẻ mô hình {cpath}: định dạng không xác định {card.get('format')!r}")
    try:
        digest = file_sha256(path)
    except OSError as exc:
        raise ModelError(f"không đọc được mô hình {path}: {reason_vi(exc)}") from None
    if card.get("model_sha256") != digest:
        hint = (f" (thẻ {cpath} mang tên cũ, có thể là của một mô hình khác cùng tên gốc: hãy huấn luyện lại)"
                if cpath != card_target(path) else "")
        raise ModelError(f"mô hình {path} không khớp với thẻ của nó (SHA-256 khác): từ chối nạp{hint}")
    want = ".".join(str(card.get("sklearn_version", "")).split(".")[:2])
    have = ".".join(sklearn.__version__.split(".")[:2])
    if want != have:
        raise ModelError(f"mô hình {path} được xây bằng scikit-learn {want}, máy này có {have}: hãy xây lại "
                         "(python -m classifier.train --default, hoặc canhgac train)")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # a corrupt zip or a foreign format: skops raises many kinds
        raise ModelError(f"mô hình {path} không phải tệp skops đọc được: {exc}") from exc
    extra = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if extra:
        raise ModelError(f"mô hình {path} chứa kiểu dữ liệu không tin cậy (untrusted): {', '.join(extra)}")
    pipeline = sio.load(path, trusted=[t for t in untrusted])
    if not isinstance(pipeline, Pipeline):
        raise ModelError(f"mô hình {path} không chứa một Pipeline")
    _check_categories(path, pipeline, card)
    check_card_values(cpath, card)
    return pipeline, card


def _check_categories(path: Path, pipeline: Pipeline, card: dict[str, Any]) -> None:
    """The card's categories must be the model's outputs: a card edited by hand (a category renamed, removed
    or added) would otherwise put scores under the wrong names."""
    cats = card.get("categories")
    if not isinstance(cats, list) or not cats or not all(isinstance(c, str) and c for c in cats) \
            or len(set(cats)) != len(cats):
        raise ModelError(f"thẻ mô hình {card_path(path)}: 'categories' phải là danh sách tên không rỗng, không trùng nhau")
    classes = [str(c) for c in getattr(pipeline.steps[-1][1], "classes_", [])]
    names = getattr(pipeline.steps[-1][1], "category_names_", None)  # models built before it was stored: none
    if names is not None and list(names) != cats:
        raise ModelError(f"thẻ mô hình {card_path(path)} không khớp với mô hình: nhóm {', '.join(cats)} "
                         f"so với của mô hình {', '.join(map(str, names))} (đúng thứ tự này)")
    if card.get("exclusive", False):
        missing = [c for c in cats if c not in classes]
        if missing or len(cats) != len([c for c in classes if c != CLEAN]):
            raise ModelError(f"thẻ mô hình {card_path(path)} không khớp với mô hình: nhóm "
                             f"{', '.join(cats)} so với các lớp của mô hình {', '.join(classes)}")
    elif classes and len(classes) != len(cats):
        raise ModelError(f"thẻ mô hình {card_path(path)} không khớp với mô hình: {len(cats)} nhóm, "
                         f"mô hình có {len(classes)} đầu ra")


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)[:60]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_card_values(cpath: Path, card: dict[str, Any]) -> None:
    """The values operators edit by hand in a card (thresholds, label weights, minimum lengths, version) must be
    of the kind the scorer reads: ModelError naming the card file and the key otherwise, instead of a traceback
    while scoring, or a NaN threshold that silently never flags. Categories themselves: _check_categories."""

    def bad(key: str, what: str, value: Any) -> ModelError:
        return ModelError(f"thẻ mô hình {cpath}: '{key}' {what}, không phải {_shown(value)}")

    if "version" in card and not (isinstance(card["version"], str) and card["version"].strip()):
        raise bad("version", "phải là chuỗi không rỗng (tên phiên bản ghi vào mỗi kết quả)", card["version"])
    if "exclusive" in card and not isinstance(card["exclusive"], bool):
        raise bad("exclusive", "phải là true hoặc false", card["exclusive"])
    cats = card.get("categories")
    known = [c for c in cats if isinstance(c, str)] if isinstance(cats, list) else []
    tables = (("thresholds", False, known), ("short_thresholds", True, known), ("min_tokens", True, known),
              ("label_weights", True, [CLEAN, *known]))
    for key, may_be_null, names in tables:
        if key not in card or (may_be_null and card[key] is None):
            continue
        table = card[key]
        if not isinstance(table, dict):
            raise bad(key, "phải là một bảng (nhóm → giá trị)", table)
        for name, value in table.items():
            where = f"{key}.{name}"
            if known and name not in names:
                raise bad(where, f"'{name}' không phải nhóm của mô hình (các nhóm: {', '.join(names)})", value)
            if key == "min_tokens":
                if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
                    raise bad(where, "phải là số nguyên không âm (số âm tiết)", value)
            elif key == "label_weights":
                if not (_number(value) and value > 0):
                    raise bad(where, "phải là một số dương", value)
            elif not (_number(value) and 0 < value <= 1):
                raise bad(where, "phải là một số trong khoảng (0, 1]", value)
