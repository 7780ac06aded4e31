"""False flags of the bundled default model on ordinary everyday Vietnamese text: the measured level, kept.

A ward officer who sees "Đàn bà đi chợ đông lắm" in the queue as hate (0.88), a tenant's "chuyển khoản tiền cọc"
as a scam (0.78) or the ward's own hotline number as a privacy leak (0.69) stops trusting the tool.

fixtures/everyday_clean.jsonl: 172 everyday sentences written for this test (market, family, weather, work, school,
kindergarten, health visits, transfers between friends and to landlords, official hotlines and ward phone numbers,
gender, regional, religious and ethnic words used neutrally, teencode and no-diacritics chat, ads for legal goods).
fixtures/everyday_harmful.jsonl: 40 harmful texts using the same words, each with its category. Neither is
training data.

The bundled model flags 17 of the 172 with a harm category (listed below as known false positives) and 2 as
`positive`. It flagged 20 (21 before the rebuild of 6 December 2026, which no longer flags the Nghệ Tĩnh
sentence); the counter-rule `privacy.public_contact` (classifier/data/rules.toml) took away the three published
office/community-role numbers, with no change on the real-text sets (bench/classify.py section "real").
Retraining with everyday hard negatives (270 rows earlier; 75 and 50 rows on 6 December 2026, written for the
seed data, not paraphrases of these) brought the flags down to 4-16, but each time moved the tuned thresholds
(hate 0.39 -> 0.33-0.36, misinformation 0.48 -> 0.40-0.45) and made the externally labelled real sets worse
(ViCTSD clean comments flagged 7.2 % -> 8.4-8.6 %, ReINTEL reliable posts 13.6 % -> 16.3-18.1 %, SMS scams caught
55.0 % -> 53.5-54.0 %), so the model was not changed (docs/classifier.md, "Everyday false flags"). This test
holds the level: it fails if any other everyday sentence becomes flagged, or more than MAX_HARM_FLAGS are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifier.analysis import analyze
from classifier.rules import RuleSet
from classifier.scorer import Scorer

FIXTURES = Path(__file__).parent / "fixtures"
SEED = Path(__file__).resolve().parents[2] / "classifier" / "data" / "seed"

CLEAN = [json.loads(line) for line in (FIXTURES / "everyday_clean.jsonl").read_text("utf-8").splitlines()
         if line.strip()]
HARMFUL = [json.loads(line) for line in (FIXTURES / "everyday_harmful.jsonl").read_text("utf-8").splitlines()
           if line.strip()]

# The four reported in the queue. Three are still flagged by the bundled model (known false positives); the
# ward's hotline no longer is (the counter-rule `privacy.public_contact`).
REPORTED_STILL_FLAGGED = [
    "Đàn bà đi chợ đông lắm",
    "mày đang làm gì đấy",
    "Em đã chuyển khoản tiền cọc phòng cho chị rồi nhé",
]
REPORTED_FIXED = ["Số điện thoại đường dây nóng của phường là 0236 3812 345"]
REPORTED = [*REPORTED_STILL_FLAGGED, *REPORTED_FIXED]

# Known false positives of the bundled model (measured): the everyday sentences it flags with a harm category.
KNOWN_HARM_FLAGS = {
    "Anh cả đang sửa lại mái nhà cho bố mẹ trước mùa mưa bão.",
    "Bên em đang tuyển nhân viên bán hàng làm ca sáng tại cửa hàng, lương cứng 6 triệu, có bảo hiểm đầy đủ.",
    "Cô giáo gửi ảnh các bé ngủ trưa vào nhóm Zalo lớp cho bố mẹ yên tâm.",
    "Bé gái 4 tuổi nhà em thích nhất là giờ kể chuyện ở lớp.",
    "Bác sĩ dặn uống thuốc sau ăn, mỗi ngày hai lần, tái khám sau hai tuần.",
    "Mình chia tiền ăn tối qua mỗi người 120 nghìn, chuyển vào tài khoản của Lan nhé.",
    "Con gửi mẹ 2 triệu tiêu Tết, mẹ xem tài khoản có chưa.",
    "Bạn chuyển khoản nhầm cho mình 200 nghìn à, để mình chuyển lại ngay.",
    "Tháng sau tiền thuê nhà tăng thêm 300 nghìn, chị báo trước để em chuẩn bị.",
    "Đàn bà xóm này ai cũng đảm đang, vừa làm ruộng vừa buôn bán.",
    "Đàn bà đi chợ đông lắm, mình đến muộn nên hết cả cá tươi.",
    "Chị dâu tôi là người Huế, nói giọng nhẹ nhàng mà nấu bún bò thì khỏi chê.",
    "Người Chăm theo đạo Hồi ở An Giang đang vào tháng chay Ramadan.",
    "Bạn mình là người dân tộc Mường, mời cả lớp về Hòa Bình ăn cơm lam.",
    "anh da chuyen tien coc phong cho chu nha roi, chu xac nhan giup anh nhe",
    "may dang lam gi day, xong viec thi goi tao",
    "Mật ong nhà nuôi ở Đắk Lắk, đóng chai 1 lít, giá 250 nghìn, ship toàn quốc.",
}
# the measured ceiling: a regression past it fails
MAX_HARM_FLAGS = 17
# `positive` is not a harm; "Cô giáo người Ê Đê dạy song ngữ" is arguably worth commending.
MAX_POSITIVE_FLAGS = 2


def _seed_texts() -> list[str]:
    return [json.loads(line)["text"] for f in sorted(SEED.glob("*.jsonl"))
            for line in f.read_text("utf-8").splitlines() if line.strip()]


def test_fixture_sizes_and_categories() -> None:
    assert len(CLEAN) >= 150 and len({r["text"] for r in CLEAN}) == len(CLEAN)
    assert len(HARMFUL) >= 40 and len({r["text"] for r in HARMFUL}) == len(HARMFUL)
    assert {r["category"] for r in HARMFUL} == {"hate", "harassment", "scam", "privacy", "child_safety",
                                               "illegal_ad", "offensive", "misinformation"}
    assert KNOWN_HARM_FLAGS <= {r["text"] for r in CLEAN}


def test_examples_here_are_not_training_examples() -> None:
    seed = _seed_texts()
    texts = [*(r["text"] for r in CLEAN), *(r["text"] for r in HARMFUL), *REPORTED]
    assert not [t for t in texts if any(t in s for s in seed)]  # not a seed text, nor inside one
    assert not [s for s in seed if len(s) >= 20 and any(s in t for t in texts)]  # no seed sentence inside one


def test_everyday_text_is_flagged_no_more_than_measured(default_scorer: Scorer) -> None:
    results = default_scorer.score_many([r["text"] for r in CLEAN])
    harm = {r["text"] for r, res in zip(CLEAN, results, strict=True) if set(res.flags) - {"positive"}}
    positive = [r["text"] for r, res in zip(CLEAN, results, strict=True) if "positive" in res.flags]
    assert harm <= KNOWN_HARM_FLAGS, sorted(harm - KNOWN_HARM_FLAGS)  # no new false flag
    assert len(harm) <= MAX_HARM_FLAGS, sorted(harm)
    assert len(positive) <= MAX_POSITIVE_FLAGS, positive


@pytest.mark.xfail(strict=True, reason="known false positives of the bundled model (hate 0.88, harassment 0.55, "
                   "scam 0.78); the retrains that removed them made the real sets worse")
@pytest.mark.parametrize("text", REPORTED_STILL_FLAGGED)
def test_reported_false_flags_are_gone(default_scorer: Scorer, text: str) -> None:
    res = default_scorer.score(text)
    assert res.flags == (), (text, res.scores)
    assert res.label == "clean"


@pytest.mark.parametrize("text", REPORTED_FIXED)
def test_reported_hotline_is_not_flagged(default_scorer: Scorer, text: str) -> None:
    res = default_scorer.score(text)
    assert res.flags == () and res.label == "clean", (text, res.scores)
    assert any(e.kind == "rule" and e.category == "privacy" and e.weight < 0 for e in res.evidence), res.evidence


@pytest.mark.parametrize(("text", "category"), [(r["text"], r["category"]) for r in HARMFUL])
def test_same_words_in_harmful_text_still_flag(default_scorer: Scorer, text: str, category: str) -> None:
    res = default_scorer.score(text)
    assert category in res.flags and res.label == category, res.scores


def _harassment_rules(text: str) -> list[str]:
    d = analyze(text, segment=False)
    return [h.rule.id for h in RuleSet.load().match(d.norm_text, d.plain_text) if h.rule.category == "harassment"]


@pytest.mark.parametrize("text", ["may dang o dau day, tao gap may ngoai duong la may an dao",
                                  "Tao biết nhà mày ở đâu rồi, tối nay mày ăn đòn.",
                                  "t biết nhà m ở đâu r, liệu hồn m đấy"])
def test_threat_rule_matches_threats(text: str) -> None:
    assert _harassment_rules(text) == ["harassment.threat"], text


@pytest.mark.parametrize("text", ["mày đi chợ về chưa, mua giúp tao bó rau", "hôm nay ăn đào ngon quá",
                                  "Đội bóng lại ăn đòn đau trên sân khách", "may dang lam gi day, an dao khong"])
def test_threat_rule_spares_ordinary_words(text: str) -> None:
    assert _harassment_rules(text) == [], text


def _rule_ids(text: str, category: str) -> list[str]:
    d = analyze(text, segment=False)
    return [h.rule.id for h in RuleSet.load().match(d.norm_text, d.plain_text) if h.rule.category == category]


# An office's or a community role's published number (hotline, duty desk, ward committee, village head) is how
# residents reach the office, not a private number exposed: the counter-rule `privacy.public_contact` scales the
# privacy score down there. Texts written for this test, none of them in the fixtures or the seed data.
@pytest.mark.parametrize("text", ["Đường dây nóng của trạm y tế xã: 0219 3855 115, trực cả ban đêm.",
                                  "Sđt trực ban công an phường là 069 2198 334 nhé mọi người.",
                                  "so dien thoai cua ubnd phuong la 0236 3700 112, goi trong gio hanh chinh",
                                  "Tổng đài chăm sóc khách hàng của điện lực: 1900 1006.",
                                  "Số điện thoại của trưởng ấp 3 là 0918 220 441, có việc gì bà con báo ấp."])
def test_public_contact_counter_rule_matches_published_numbers(text: str) -> None:
    assert _rule_ids(text, "privacy") == ["privacy.public_contact"], text


# ... but never where the number is someone's own, aimed at, or comes with what identifies a person.
@pytest.mark.parametrize("text", [*(r["text"] for r in HARMFUL if r["category"] == "privacy"),
                                  "Số điện thoại của thằng tổ trưởng tổ dân phố này 0905 111 222, anh em gọi khủng bố nó.",
                                  "Đây là sđt riêng của cán bộ trực ban hôm đó 0912 333 444 kèm địa chỉ nhà, ai muốn "
                                  "thì tới.",
                                  "Hotline tuyển dụng 0901 234 567, gửi kèm ảnh CCCD hai mặt để được duyệt."])
def test_public_contact_counter_rule_spares_exposed_numbers(text: str) -> None:
    assert "privacy.public_contact" not in _rule_ids(text, "privacy"), text
