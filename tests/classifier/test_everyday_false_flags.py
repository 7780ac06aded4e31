"""False flags of the bundled default model on ordinary everyday Vietnamese text: the measured level, kept.

A ward officer who sees "Đàn bà đi chợ đông lắm" in the queue as hate (0.88), a tenant's "chuyển khoản tiền cọc"
as a scam (0.78) or the ward's own hotline number as a privacy leak (0.69) stops trusting the tool.

fixtures/everyday_clean.jsonl: 172 everyday sentences written for this test (market, family, weather, work, school,
kindergarten, health visits, transfers between friends and to landlords, official hotlines and ward phone numbers,
gender, regional, religious and ethnic words used neutrally, teencode and no-diacritics chat, ads for legal goods).
fixtures/everyday_harmful.jsonl: 40 harmful texts using the same words, each with its category. Neither is
training data.

The bundled model flags 20 of the 172 with a harm category (listed below as known false positives) and 2 as
`positive` (21 before the rebuild of 6 December 2026, which no longer flags the Nghệ Tĩnh sentence).
Retraining with 270 everyday hard negatives brought that to 4, but made the externally labelled real sets worse
(ViCTSD clean comments flagged 5.3 % -> 6.8 %, ReINTEL reliable posts 6.9 % -> 10.1 %, SMS scam recall 56 % ->
53.5 %), and no trimmed or counterbalanced seed set tried kept the gain without that cost, so the model was
not changed. This test holds the level: it fails if any other everyday sentence becomes flagged.
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

# The four reported in the queue; all four are still flagged by the bundled model (known false positives).
REPORTED = [
    "Đàn bà đi chợ đông lắm",
    "mày đang làm gì đấy",
    "Em đã chuyển khoản tiền cọc phòng cho chị rồi nhé",
    "Số điện thoại đường dây nóng của phường là 0236 3812 345",
]

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
    "Số điện thoại đường dây nóng của Ủy ban phường là 0236 3821 456, tiếp nhận phản ánh 24/24.",
    "Số điện thoại của tổ trưởng tổ dân phố 5 là 0905 123 456, bà con cần xác nhận giấy tờ cứ gọi.",
    "Đàn bà xóm này ai cũng đảm đang, vừa làm ruộng vừa buôn bán.",
    "Đàn bà đi chợ đông lắm, mình đến muộn nên hết cả cá tươi.",
    "Chị dâu tôi là người Huế, nói giọng nhẹ nhàng mà nấu bún bò thì khỏi chê.",
    "Người Chăm theo đạo Hồi ở An Giang đang vào tháng chay Ramadan.",
    "Bạn mình là người dân tộc Mường, mời cả lớp về Hòa Bình ăn cơm lam.",
    "anh da chuyen tien coc phong cho chu nha roi, chu xac nhan giup anh nhe",
    "so dien thoai cua uy ban xa la 0210 3856 222, ai can thi goi gio hanh chinh",
    "may dang lam gi day, xong viec thi goi tao",
    "Mật ong nhà nuôi ở Đắk Lắk, đóng chai 1 lít, giá 250 nghìn, ship toàn quốc.",
}
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
    assert len(positive) <= MAX_POSITIVE_FLAGS, positive


@pytest.mark.xfail(strict=True, reason="known false positives of the bundled model (hate 0.88, harassment 0.55, "
                   "scam 0.78, privacy 0.69); the retrain that removed them made the real sets worse")
@pytest.mark.parametrize("text", REPORTED)
def test_reported_false_flags_are_gone(default_scorer: Scorer, text: str) -> None:
    res = default_scorer.score(text)
    assert res.flags == (), (text, res.scores)
    assert res.label == "clean"


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
