"""The values of a model card that operators may edit by hand, checked before the scorer reads them.

A threshold typed as a string or NaN, a label weight of 0, a category name misspelled: ModelError naming the card
file and the key when the model is loaded, instead of a traceback while scoring or a flag that silently never fires.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from classifier.model_errors import ModelError

CLEAN = "clean"  # the class of rows in no category (exclusive models' extra class; label_weights' first key)


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
