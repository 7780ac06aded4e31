"""Save and load a fitted Pipeline together with its model card, safely.

The Pipeline is stored with skops (no pickle code execution); loading accepts only the types in TRUSTED_TYPES and
only a file whose SHA-256 matches the card written next to it (`X.skops` → `X.card.json`; a model not named
`.skops`: its whole name + `.card.json`). A card from another scikit-learn minor version is refused too: rebuild
instead. Saving writes both files beside their targets first and renames them, so a stopped save never leaves a
mismatched pair that loads.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import sklearn
from sklearn.pipeline import Pipeline

from classifier.atomic_file import discard, sync, temp_beside
from classifier.card_values import CLEAN, check_card_values
from classifier.model_errors import ModelError
from classifier.os_errors import reason_vi

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
