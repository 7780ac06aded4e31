"""The categories canhgac scores, their Vietnamese labels and review severities.

One place, so the model, the review queue and the digest agree on names. There is deliberately no
category for political opinion: canhgac is a moderation aid for concrete harms.
"""

from __future__ import annotations

from typing import Final

CATEGORIES: Final[tuple[str, ...]] = (
    "misinformation",
    "scam",
    "illegal_ad",
    "hate",
    "offensive",
    "harassment",
    "privacy",
    "child_safety",
    "positive",
)

#: What moderators and e-mail recipients read.
VI_LABELS: Final[dict[str, str]] = {
    "misinformation": "Tin giả, tin sai sự thật",
    "scam": "Lừa đảo, chiếm đoạt tài sản",
    "illegal_ad": "Quảng cáo sai phạm",
    "hate": "Kích động thù hận, phân biệt đối xử",
    "offensive": "Ngôn ngữ phản cảm, tục tĩu",
    "harassment": "Xúc phạm danh dự, bắt nạt",
    "privacy": "Lộ lọt thông tin cá nhân",
    "child_safety": "Xâm hại trẻ em",
    "positive": "Nội dung tích cực đáng tôn vinh",
    "clean": "Không vi phạm",
}

#: Review severity weight (0..1) used by the queue's priority formula. Harm to people and money first.
SEVERITY: Final[dict[str, float]] = {
    "child_safety": 1.0,
    "scam": 0.9,
    "privacy": 0.8,
    "hate": 0.8,
    "misinformation": 0.75,
    "harassment": 0.7,
    "illegal_ad": 0.6,
    "offensive": 0.4,
    "positive": 0.2,
}

#: The non-harm category: flags in it are commendation candidates, not violations.
POSITIVE: Final[str] = "positive"


def is_category(name: str) -> bool:
    return name in CATEGORIES
