"""The `[classifier]` section checked against the categories: canhgac's own when the file is read, and the
configured model's card (`check_model_card`) where a command is about to score with it.

A threshold for a category nobody scores, or a model trained on a misspelt label, would silently do nothing or
flag items in a category the queue and the digest do not know; both are ConfigErrors naming the key's line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from classifier.categories import CATEGORIES
from review.config_files import read_config_text
from review.config_sections import Config
from review.config_toml import ConfigReader, closest_hint
from review.errors import ConfigError


def check_thresholds(reader: ConfigReader, classifier: dict[str, Any]) -> None:
    """`classifier.thresholds`: canhgac's categories, each a number in (0, 1]; made floats in place."""
    for cat, thr in classifier.get("thresholds", {}).items():
        if cat not in CATEGORIES:
            raise _threshold_error(reader, f"nhóm không xác định{closest_hint(cat, CATEGORIES)} (các nhóm: "
                                            f"{', '.join(CATEGORIES)})", cat)
        if isinstance(thr, bool) or not isinstance(thr, int | float) or not 0.0 < float(thr) <= 1.0:
            raise _threshold_error(reader, f"cần một số trong khoảng (0, 1], nhận được {thr!r}", cat)
    if "thresholds" in classifier:
        classifier["thresholds"] = {k: float(v) for k, v in classifier["thresholds"].items()}


def check_model_card(cfg: Config) -> None:
    """The configured model's card must list only canhgac's categories: a model trained on a typo'd label
    (`sacm`) would flag items in a category the queue, the digest and the statistics do not know. ConfigError
    naming the file, `classifier.model` and its line; a missing model file is only a warning elsewhere. A threshold
    override (`classifier.thresholds.X`) must name a category of the card too: one for a category the model does
    not score would silently do nothing."""
    import json

    from classifier.model import card_path

    model = cfg.classifier.model
    if not model or not Path(model).is_file():
        return
    reader = ConfigReader(cfg.path or "<mặc định>", read_config_text(Path(cfg.path)) if cfg.path else "")
    card = card_path(model)
    try:
        cats = json.loads(card.read_text(encoding="utf-8")).get("categories")
    except (OSError, ValueError, AttributeError):
        raise reader.error(f"không đọc được thẻ mô hình {card} của {model} (mô hình không có thẻ hợp lệ bị từ chối)",
                           "classifier", "model") from None
    if not isinstance(cats, list):
        raise reader.error(f"thẻ mô hình {card} không có danh sách 'categories'", "classifier", "model")
    unknown = [str(c) for c in cats if c not in CATEGORIES]
    if unknown:
        shown = ", ".join(repr(c) + closest_hint(c, CATEGORIES) for c in unknown)
        raise reader.error(f"mô hình {model} có nhóm không thuộc canhgac: {shown} (các nhóm hợp lệ: "
                           f"{', '.join(CATEGORIES)}); hãy huấn luyện lại bằng `canhgac train` với nhãn hợp lệ "
                           "hoặc bỏ khoá này để dùng mô hình mặc định", "classifier", "model")
    for cat in cfg.classifier.thresholds:  # parse_config allowed canhgac's categories: this model may score fewer
        if cat not in cats:
            raise _threshold_error(reader, f"mô hình {model} không chấm nhóm {cat!r}"
                                    f"{closest_hint(cat, [str(c) for c in cats])} (các nhóm của mô hình: "
                                    f"{', '.join(map(str, cats))}); hãy bỏ ngưỡng này hoặc dùng mô hình có nhóm đó", cat)


def _threshold_error(reader: ConfigReader, message: str, cat: str) -> ConfigError:
    """The error of `classifier.thresholds.<cat>` at its line: under a `[classifier.thresholds]` table, or written
    `thresholds.<cat> = ...` / `thresholds = { <cat> = ... }` in `[classifier]`."""
    if reader.line_of("classifier.thresholds", cat) is not None:
        return reader.error(message, "classifier.thresholds", cat)
    return reader.error(message, "classifier", f"thresholds.{cat}")

