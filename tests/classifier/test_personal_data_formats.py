"""Personal data written in everyday formats: a phone right after "ĐT." or "Zalo,", an ID number grouped by dots,
is a person's; a date (dots or dashes) and an amount are not. A miss lets a dismissal hide a repost that adds
someone's number; a date taken for one keeps a dismissed rumour reposted with a new date from being hidden."""

from __future__ import annotations

import pytest

from classifier.personal_data import personal_data


@pytest.mark.parametrize(("text", "key"), [
    ("Liên hệ ĐT.0912345678 để nhận tiền", "number:0912345678"),
    ("Zalo,0912345678 inbox ngay", "number:0912345678"),
    ("CCCD số 001.203.004.567 của chị H.", "number:001203004567"),
    ("Ngày 05.12.2026 gọi 0912345678", "number:0912345678"),
])
def test_a_phone_or_id_number_is_personal_data(text: str, key: str) -> None:
    assert key in personal_data(text)


@pytest.mark.parametrize("text", ["Ngày 05.12.2026 tại xã Tân Lập", "Sự việc xảy ra 2026-12-05 tại xã",
                                  "Lúc 05.12.2026 14 giờ tại xã", "Giá 3.500.000 một suất", "Thu 100.000.000.000",
                                  "Tỷ lệ 1.234.567,891234 phần"])
def test_a_date_or_an_amount_is_no_personal_data(text: str) -> None:
    assert personal_data(text) == frozenset()
