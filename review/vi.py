"""What moderators read: Vietnamese names of verdicts and statuses, and short time formats."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Final

from classifier.categories import VI_LABELS

#: The office works in Vietnam time; the database keeps UTC.
VN_TZ: Final = timezone(timedelta(hours=7), "ICT")

VERDICT_VI: Final[dict[str, str]] = {
    "violation": "vi phạm",
    "warn": "đã cảnh báo",  # a violation confirmed, and the poster or page warned
    "dismiss": "bỏ qua",
    "escalate": "chuyển cơ quan chức năng",
    "commend": "tôn vinh",
}

#: Category names short enough for a narrow terminal's table (`queue` on 80 columns); `category_vi` gives the full ones.
CATEGORY_SHORT_VI: Final[dict[str, str]] = {
    "misinformation": "Tin giả",
    "scam": "Lừa đảo",
    "illegal_ad": "QC sai phạm",
    "hate": "Thù hận",
    "offensive": "Phản cảm",
    "harassment": "Xúc phạm",
    "privacy": "Lộ thông tin",
    "child_safety": "Xâm hại trẻ em",
    "positive": "Tôn vinh",
}

STATUS_VI: Final[dict[str, str]] = {"open": "chờ duyệt", "claimed": "đang xử lý", "decided": "đã quyết định"}


def verdict_vi(verdict: str | None) -> str:
    return VERDICT_VI.get(verdict or "", verdict or "-")


def category_vi(category: str | None) -> str:
    return VI_LABELS.get(category or "", category or "-")


def hhmm(t: datetime | None, *, day_if_midnight: bool = False) -> str:
    """Clock time in Vietnam time, with the date when it is not today and the year when it is not this year
    (an old rumour posted again is judged by its year).

    `day_if_midnight`: for a published date, which a site may write without a time ("04/12/2026"), stored as
    00:00 Vietnam time (`crawler.extract.parse_date`): exactly 00:00:00 in Vietnam is shown as the date alone,
    dd/mm/yyyy, rather than a time the site never wrote."""
    if t is None:
        return "-"
    local = t.astimezone(VN_TZ)
    if day_if_midnight and (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return local.strftime("%d/%m/%Y")
    today = datetime.now(VN_TZ).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    return local.strftime("%d/%m %H:%M") if local.year == today.year else local.strftime("%d/%m/%Y %H:%M")
