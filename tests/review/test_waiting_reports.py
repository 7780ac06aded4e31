"""Citizen reports stored unscored (the model could not be loaded) wait for the next crawl; one that joined
another entry meanwhile is marked and never taken up again — and never hides the ones after it."""

from __future__ import annotations

from review.store import Store
from tests.review.factory import add_item


def test_a_joined_waiting_report_does_not_hide_later_ones(store: Store) -> None:
    first = add_item(store, "Tin nhắn báo trúng thưởng, yêu cầu chuyển phí nhận quà", kind="report")
    second = add_item(store, "Trang rao vặt bán thuốc chữa bách bệnh", kind="report")
    third = add_item(store, "Nhóm chat lan truyền số căn cước của người khác", kind="report")
    assert [i for i, _ in store.waiting_reports()] == [first, second, third]
    store.mark_report_filed(first, 7)  # joined entry 7
    store.mark_report_filed(second, None)  # joined an entry whose id was not known: still marked
    assert [i for i, _ in store.waiting_reports(limit=1)] == [third]
    assert [i for i, _ in store.waiting_reports()] == [third]
