"""Models built with `shape`/`url_parts` explain flags with the links, numbers and metadata that pushed the
score up, located in the original text (kind "shape") or named (kind "meta")."""

from __future__ import annotations

from dataclasses import replace

import pytest

from classifier.shape import describe, locate_token, shape_tokens, url_part_tokens
from classifier.train import TrainedModel, fit
from tests.classifier.conftest import SMALL

PHISH = ["Tai khoan cua quy khach da bi khoa, dang nhap https://{b}-xacthuc.top/kh de mo lai ngay",
         "Quy khach trung thuong 50 trieu, nhan tai http://{b}-quatang.vip/nhan truoc 24h",
         "The cua ban het han, cap nhat tai https://{b}-baomat.xyz/the hoac goi 0912345678"]
NOTICE = ["{B} thong bao: so du tai khoan thay doi +500,000 VND. Chi tiet goi 1800 1234",
          "{B}: lich bao tri he thong dem nay tu 23h, xin loi vi su bat tien. Tong dai 1800 5678",
          "{B} tran trong cam on quy khach da su dung dich vu. Moi thac mac lien he 1800 9999"]
BRANDS = ["vietcombank", "techcombank", "mbbank", "acb", "tpbank", "bidv", "agribank", "sacombank"]


@pytest.fixture(scope="module")
def sms_model() -> TrainedModel:
    texts, labels, meta = [], [], []
    for b in BRANDS:
        texts += [t.format(b=b) for t in PHISH] + [t.format(B=b.upper()) for t in NOTICE]
        labels += [["scam"]] * len(PHISH) + [[]] * len(NOTICE)
        meta += [{"sender": "personal_number"}] * len(PHISH) + [{"sender": "brandname"}] * len(NOTICE)
    return fit(texts, labels, recipe=replace(SMALL, shape=True, url_parts=True), meta=meta)


def test_flag_is_explained_by_the_link_it_contains(sms_model: TrainedModel) -> None:
    text = "Tai khoan bi tam khoa, vui long xac minh tai https://vpbank-xacthuc.top/kh ngay hom nay"
    res = sms_model.scorer().score(text, meta={"sender": "personal_number"})
    assert "scam" in res.flags
    shape = [e for e in res.evidence if e.kind == "shape" and e.category == "scam"]
    assert shape and all(e.weight > 0 for e in shape)
    link = "https://vpbank-xacthuc.top/kh"
    located = [e for e in shape if e.start >= 0]
    assert located and all(text[e.start:e.end] == e.text == link for e in located)
    assert any("(url_" in e.detail for e in located)
    meta = [e for e in res.evidence if e.kind == "meta"]
    assert meta and meta[0].start == -1 and "personal_number" in meta[0].text


def test_models_without_shape_give_no_shape_evidence() -> None:
    texts = [t.format(b=b) for b in BRANDS for t in PHISH] + [t.format(B=b.upper()) for b in BRANDS for t in NOTICE]
    labels = [["scam"]] * (len(BRANDS) * len(PHISH)) + [[]] * (len(BRANDS) * len(NOTICE))
    res = fit(texts, labels, recipe=SMALL).scorer().score("dang nhap https://vpbank-xacthuc.top/kh de mo khoa tai khoan")
    assert "scam" in res.flags
    assert not [e for e in res.evidence if e.kind in ("shape", "meta")]


@pytest.mark.parametrize(("text", "token", "found"), [
    ("Goi ngay 0912.345.678 de nhan qua", "phone_mobile", "0912.345.678"),
    ("Tong dai 1800 1234 ho tro 24/7", "phone_free", "1800 1234"),
    ("Lien he 1900 6789 (1.000d/phut)", "phone_paid", "1900 6789"),
    ("Soan DK gui 9029 de nhan uu dai", "shortcode", "9029"),
    ("[VNPT] Ma xac thuc cua ban la 482913", "head_tag", "[VNPT]"),
    ("[VNPT] Ma xac thuc cua ban la 482913", "digits_code", "482913"),
    ("Xem tai bit.ly/abc123 nhe", "url_short", "bit.ly/abc123"),
    ("Vao http://192.168.1.20/login ngay", "url_ip", "http://192.168.1.20"),
    ("Nhan qua tai shopee-quatang.vip/nhan", "url_dom:quatang", "shopee-quatang.vip/nhan"),
])
def test_every_located_token_points_at_what_produced_it(text: str, token: str, found: str) -> None:
    assert token in shape_tokens(text) + url_part_tokens(text)
    a, b = locate_token(token, text)
    assert text[a:b] == found
    assert describe(token) != token  # a moderator reads words, not the token


def test_whole_text_traits_have_no_span() -> None:
    text = "TAI KHOAN CUA QUY KHACH DA BI KHOA VINH VIEN"
    assert {"noaccent", "caps_most"} <= set(shape_tokens(text))
    assert locate_token("noaccent", text) == (-1, -1) and locate_token("caps_most", text) == (-1, -1)
    assert describe("meta_sender_type_personal_number").endswith("sender_type_personal_number")


@pytest.mark.parametrize("text", ["Tin nóng. Live stream tối nay lúc 8h", "Hẹn gặp lại. To be continued",
                                  "Xong rồi. Me đi ngủ đây"])
def test_a_sentence_break_is_not_a_spaced_link(text: str) -> None:
    assert not [t for t in shape_tokens(text) + url_part_tokens(text) if t.startswith("url")], shape_tokens(text)


@pytest.mark.parametrize("text", ["vao ngay vietcombank . com de nhan", "VAO NGAY VIETCOMBANK . COM DE NHAN"])
def test_a_spaced_link_in_one_case_is_still_a_link(text: str) -> None:
    assert "url_spaced" in shape_tokens(text)
