"""Officers type a category by its Vietnamese name: `decide 3 --verdict violation --category "lừa đảo"` was refused
("không có nhóm 'lừa đảo' (có phải 'scam'?)", exit 2) although the tool knew what was meant. Its label
(`VI_LABELS`), its short name (the compact queue's "Lừa đảo", "QC sai phạm") or two or more words of either in a row
name it, in any case, with or without diacritics, NFC or NFD, with extra spaces and commas; wherever a person types a
category (decide/bulk --category, bulk --where category=, queue/review/claim --next/export --category). A typo, a
wrong diacritic, one word ("tin": tin giả? thông tin?) is still refused with the suggestion, and the refusal lists
the codes with their Vietnamese names. A code always names its own category. Real CLI, real databases."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from classifier.categories import CATEGORIES, VI_LABELS
from review.errors import UsageError
from review.export import read_export
from review.filters import category_named, check_category
from review.models import Decision, ReviewEntry
from review.store import Store
from review.vi import CATEGORY_SHORT_VI
from tests.review.factory import flagged

CLI = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize(("typed", "meant"), [
    ("lừa đảo", "scam"), ("lua dao", "scam"), ("Lừa đảo", "scam"), ("LỪA ĐẢO", "scam"),
    ("Lừa đảo, chiếm đoạt tài sản", "scam"), ("lua dao chiem doat tai san", "scam"), (" lừa  đảo , ", "scam"),
    (unicodedata.normalize("NFD", "Lừa đảo"), "scam"),
    ("Quảng cáo sai phạm", "illegal_ad"), ("quảng cáo", "illegal_ad"), ("QC sai phạm", "illegal_ad"),
    (unicodedata.normalize("NFD", "quảng cáo sai phạm"), "illegal_ad"),
    ("tin gia", "misinformation"), ("Tin giả", "misinformation"), ("tin sai sự thật", "misinformation"),
    ("xúc phạm", "harassment"), ("xâm hại trẻ em", "child_safety"), ("thù hận", "hate"),
])
def test_decide_takes_the_vietnamese_name(store: Store, cli: CLI, typed: str, meant: str) -> None:
    entry = flagged(store, "Bài đăng cần xem xét", "offensive", 0.9)
    code, out, err = cli("--as", "lan", "decide", str(entry), "--verdict", "violation", "--category", typed)
    assert code == 0, err
    assert f"({VI_LABELS[meant]})" in out, out
    with store.session() as s:
        assert [(d.entry_id, d.verdict, d.category) for d in s.scalars(select(Decision))] == [
            (entry, "violation", meant)]


def test_commend_takes_tich_cuc(store: Store, cli: CLI) -> None:
    entry = flagged(store, "Anh xe ôm trả lại 50 triệu đồng nhặt được", "positive", 0.8)
    code, _, err = cli("--as", "lan", "decide", str(entry), "--verdict", "commend", "--category", "tích cực")
    assert code == 0, err
    with store.session() as s:
        assert s.scalar(select(Decision.category)) == "positive"


@pytest.mark.parametrize(("typed", "meant"), [("tin", "misinformation"), ("scma", "scam"), ("lừa", "scam"),
                                              ("lừa đào", "scam"), ("quảng", "illegal_ad")])
def test_a_typo_or_one_word_is_still_refused(store: Store, cli: CLI, typed: str, meant: str) -> None:
    entry = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    code, out, err = cli("--as", "lan", "decide", str(entry), "--verdict", "violation", "--category", typed)
    assert code == 2 and out == "", err
    assert f"không có nhóm {typed!r} (có phải {meant!r}?)" in err, err
    assert "scam (Lừa đảo), illegal_ad (Quảng cáo sai phạm)" in err, err  # the codes with their Vietnamese names
    with store.session() as s:
        assert s.scalars(select(Decision)).first() is None


def test_queue_claim_and_bulk_take_it(store: Store, cli: CLI) -> None:
    scam = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    ad = flagged(store, "Thuốc chữa bách bệnh giá rẻ", "illegal_ad", 0.6)
    rude = flagged(store, "Lời lẽ thô tục", "offensive", 0.8)
    code, out, err = cli("queue", "--category", "Lừa đảo")
    assert code == 0 and f"\n{scam} " in out and f"\n{ad} " not in out and f"\n{rude} " not in out, err
    code, out, err = cli("--as", "lan", "claim", "--next", "--category", "ngôn ngữ phản cảm")
    assert code == 0 and f"#{rude}" in out, (out, err)
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "violation", "--where", "category=quảng cáo sai phạm",
                         "--yes")
    assert code == 0, err
    code, out, err = cli("--as", "lan", "bulk", "--verdict", "violation", "--where", "category=scam",
                         "--category", "tin gia", "--yes")
    assert code == 0, err
    with store.session() as s:
        assert {d.entry_id: d.category for d in s.scalars(select(Decision))} == {ad: "illegal_ad",
                                                                                 scam: "misinformation"}
        assert s.scalar(select(ReviewEntry.claimant).where(ReviewEntry.id == rude)) == "lan"


def test_bulk_where_refuses_one_word(store: Store, cli: CLI) -> None:
    flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    code, _, err = cli("--as", "lan", "bulk", "--verdict", "violation", "--where", "category=lừa", "--yes")
    assert code == 2 and "không có nhóm 'lừa' (có phải 'scam'?)" in err, err
    with store.session() as s:
        assert s.scalars(select(Decision)).first() is None


def test_export_takes_names_that_hold_a_comma(store: Store, cli: CLI, tmp_path: Path) -> None:
    """`--category` of export is a comma list; a label holding a comma ("Lừa đảo, chiếm đoạt tài sản") is one
    category, not "Lừa đảo" and an unknown "chiếm đoạt tài sản"."""
    scam = flagged(store, "Chuyển khoản trước để nhận quà tri ân", "scam", 0.9)
    hate = flagged(store, "Lời lẽ kích động thù hận vùng miền", "hate", 0.8)
    fake = flagged(store, "Tin đồn đóng cửa trường học", "misinformation", 0.85)
    flagged(store, "Thuốc chữa bách bệnh giá rẻ", "illegal_ad", 0.6)
    path = tmp_path / "x.csv"
    code, _, err = cli("export", "items", "--category",
                       "Lừa đảo, chiếm đoạt tài sản,Kích động thù hận, phân biệt đối xử,tin gia", "-o", str(path))
    assert code == 0, err
    assert sorted(int(r["entry_id"]) for r in read_export(path)) == sorted([scam, hate, fake])
    code, _, err = cli("export", "items", "--category", "Lừa đảo,tin", "-o", str(path))
    assert code == 2 and "không có nhóm 'tin'" in err, err


def test_a_code_names_its_own_category_and_each_name_one() -> None:
    """Codes first; every label and short name names its own category; no two or more words in a row of one
    category's names are words of another's (else they would name neither)."""
    for code in CATEGORIES:
        assert check_category(code) == code and check_category(f" {code.upper()} ") == code
        for name in (VI_LABELS[code], CATEGORY_SHORT_VI[code]):
            assert check_category(name) == code, name
            words = name.replace(",", " ").split()
            for i in range(len(words)):
                for j in range(i + 2, len(words) + 1):
                    run = " ".join(words[i:j])
                    generic = j - i == 2 and all(w.lower() in GENERIC_WORDS for w in words[i:j])
                    assert category_named(run) == (None if generic else code), words[i:j]
    assert category_named("scam") is None and category_named("tin") is None


#: Two words found in one label only, yet no category's name: an officer typing them means something else.
GENERIC_WORDS = set("tin sai sự thật nội dung thông cá nhân tài sản phạm ngôn ngữ đối xử đáng".split())
GENERIC_PAIRS = {"nội dung", "thông tin", "sai phạm", "tài sản", "cá nhân", "sự thật", "tin sai", "sai sự",
                 "ngôn ngữ", "đối xử"}


@pytest.mark.parametrize("typed", [*sorted(GENERIC_PAIRS), "noi dung", "thong tin", "Sai phạm"])
def test_two_generic_words_name_no_category(typed: str) -> None:
    assert category_named(typed) is None
    with pytest.raises(UsageError):
        check_category(typed)


def test_more_words_around_generic_ones_still_name_it() -> None:
    assert category_named("thông tin cá nhân") == "privacy" and category_named("nội dung tích cực") == "positive"
    assert category_named("tin sai sự thật") == "misinformation" and category_named("qc sai phạm") == "illegal_ad"
