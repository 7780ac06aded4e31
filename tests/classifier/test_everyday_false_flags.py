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

import dataclasses
import json
import unicodedata
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
                                  "Hotline tuyển dụng 0901 234 567, gửi kèm ảnh CCCD hai mặt để được duyệt.",
                                  "Hotline phường 0236 3812 345 chẳng ai nghe, gọi thẳng số của bà phó chủ tịch Lê Thị "
                                  "Hạnh 0913 444 555 mà hỏi."])
def test_public_contact_counter_rule_spares_exposed_numbers(text: str) -> None:
    assert "privacy.public_contact" not in _rule_ids(text, "privacy"), text


# "anh" (brother, "anh chị") is not "ảnh" (a photo): a published number addressed to "anh chị", or a village head
# called "anh", keeps the counter-rule.
@pytest.mark.parametrize("text", ["Đường dây nóng của phường là 0236 3812 345, anh chị cần gì cứ gọi.",
                                  "Số điện thoại của trưởng thôn anh Nguyễn Văn Tư là 0912 345 678, bà con cứ gọi.",
                                  "duong day nong cua phuong la 0236 3812 345, anh chi can gi cu goi"])
def test_public_contact_counter_rule_is_not_switched_off_by_anh(text: str) -> None:
    assert _rule_ids(text, "privacy") == ["privacy.public_contact"], text


# Doxxing posts that also carry an office word (hotline, trực ban, tổng đài, đường dây nóng, "số điện thoại của
# công an/ủy ban/trưởng thôn"): the bundled model alone flags every one as privacy, and the counter-rule must not
# take that away. Written for this test (review of 6 December 2026 and after), none in the fixtures or the seed
# data. In OFFICE_WORD_NEXT_TO_NUMBER the office word is followed closely by a number, so the counter-rule's own
# pattern matches and only its `unless` lists keep the flag; the others rely on the pattern (the number belongs
# to "bà chủ trọ", "thằng ...", comes after a second "sđt", "tổng đài viên"/"công an viên" are people).
OFFICE_WORD_NEXT_TO_NUMBER = [
    "Số điện thoại của tổ trưởng tổ dân phố 7 Trần Thị Hoa là 0905 222 318, nhà ở số 14 kiệt 82 Hải Phòng, ae cứ "
    "gọi hỏi bà ấy vụ tiền quỹ cho ra lẽ.",
    "sdt cua to truong to dan pho 7 la 0905222318, nha o so 14 kiet 82 Hai Phong, moi nguoi goi hoi ba ay vu tien "
    "quy di",
    "Số điện thoại của ubnd xã đây 0210 3856 222, còn số của ông chủ tịch xã Nguyễn Văn Bình là 0913 556 781, hộ "
    "chiếu số C1234567, nhà ở thôn 3, anh em gọi cho ông ấy hỏi cho ra nhẽ.",
    "so dien thoai cua truong thon Dinh Van Hung 0987654321, nha canh dinh lang, con gai hoc lop 5A truong Kim Dong, "
    "ae tu xu di",
    "hotline cá nhân của bác sĩ Trần Minh Đức trực ban khoa sản đêm qua: 0916 203 448, vợ là giáo viên trường Lê "
    "Lợi, nhà ở Hòa Xuân. Chia sẻ mạnh.",
    "Hotline trực ban của phường 0236 3812 345 không ai nghe, còn đây số của ông phó chủ tịch Trần Văn Nam 0913 222 "
    "333, nhà ở tổ 4, anh em cứ gọi hỏi cho ra lẽ.",
    "Trực ban đêm qua là 0912 777 888, tên Hồ Văn Khải, biển số xe 92A-123.45, vợ là y tá bệnh viện huyện, ai biết "
    "mặt thì báo.",
    "Số điện thoại của trưởng thôn Lê Văn Tám 0987 111 222, CCCD 045080001234, ae réo cho ông ta biết.",
    "tong dai tiep nhan cua phuong 0236 3822 999 do thang Hung truc, sdt rieng cua no 0935 999 000, nha so 5 kiet "
    "12, ae khung bo di",
    "Số điện thoại của tổ trưởng khu phố 2 là 0905 333 444, lấy chồng ở Hòa Cường, con gái học lớp 3 trường Phù "
    "Đổng, cộng đồng mạng vào làm việc với bà ấy đi.",
    "Đường dây nóng của ban quản lý chợ 0236 3555 777 là máy của mụ Hoa, nhà ở số 8 Ông Ích Khiêm, ai bị ép giá "
    "thì cứ spam cho mụ ta.",
    "so dien thoai cua cong an xa 0210 3888 111 la cua thang Tuan, nha o doi 2, vo la co giao, ae tu xu",
    "Trực ban đêm nay là 0912 888 999, chạy xe biển số 43A-555.66, ở số 12 Lê Duẩn, mọi người để ý.",
    "Tổng đài 0236 3999 888 là của ông Võ Văn Bảy, hộ chiếu B7654321, nhà ở thôn 2 xã Hòa Tiến.",
]
OFFICE_WORD_ELSEWHERE = [
    "Số điện thoại của công an viên Lê Văn Tâm, người đánh dân hôm qua: 0912 448 201, vợ hắn bán tạp hóa ở chợ Cồn, "
    "biển số xe 43C1-234.56. Chia sẻ cho mọi người biết mặt.",
    "Hotline của bà chủ trọ lừa cọc: 0938 771 204, ở số 9 hẻm 45 Lê Văn Sỹ, số CMT 079185001234, ai bị lừa thì cứ "
    "gọi réo bà ta.",
    "hotline cua ba chu tro lua coc: 0938 771 204, o so 9 hem 45 Le Van Sy, so cmt 079185001234, ai bi lua thi cu "
    "goi reo ba ta",
    "Đây là số tài khoản và số điện thoại của cán bộ trực ban phường hôm đó: STK 0071000123456 Vietcombank, sđt "
    "0977 310 552, đề nghị cộng đồng mạng vào làm việc.",
    "tong dai vien Nguyen Thi Mai cua tong dai dien luc, sdt ca nhan 0935 114 887, nha o to 5 phuong Hoa Khanh, ae "
    "spam cho chet",
    "Đường dây nóng phường vừa nhận tố cáo của chị Nguyễn Thị Lan, sđt 0905 667 123, nhà ở tổ 12 phường Hòa Minh, tố "
    "cáo hàng xóm. Mọi người biết thì tránh bả ra.",
    "duong day nong phuong vua nhan to cao cua chi Nguyen Thi Lan sdt 0905 667 123 nha o to 12 Hoa Minh, to cao hang "
    "xom, moi nguoi biet thi tranh ba ra",
    "Truy tìm danh tính: gã trực ban đêm qua tên Phạm Quốc Huy, sđt 0903 112 909, nhà số 27 Nguyễn Trãi, ai quen thì "
    "báo.",
    "Sđt trực ban của thg cảnh sát khu vực Võ Văn Lực là 0914 552 877, đc nhà 21 Trần Phú, ae gọi hỏi thăm hắn ta đi.",
    "Số điện thoại của công an xã Hòa Phong đây nè, còn đây sđt của cậu Tuấn nhà kế bên đã báo công an: 0935 888 120, "
    "nhà ở đội 3, anh em biết rồi đó.",
    "Tổng đài viên Ngô Thị Thu ở tổng đài điện lực mắng khách, sđt cá nhân 0935 114 887, facebook Thu Ngô, quê Quảng "
    "Nam, lấy chồng ở Sơn Trà.",
    "hotline cua con mu ban hang online lua dao: 0967 321 654, dia chi 18 ngo 35 Cau Giay, cmt 001190023456, ae vao "
    "chui di",
    "Thông tin cá nhân của trưởng thôn Đinh Văn Hùng: sđt 0987 654 321, ở cạnh đình làng, con gái học lớp 5A trường "
    "Kim Đồng. Trực ban xã bao che, ae tự xử.",
    "truy tim danh tinh: ga truc ban dem qua ten Pham Quoc Huy, sdt 0903 112 909, nha so 27 Nguyen Trai, ai quen thi "
    "bao",
]
DOXXING_WITH_OFFICE_WORD = [*OFFICE_WORD_NEXT_TO_NUMBER, *OFFICE_WORD_ELSEWHERE,
                            *(unicodedata.normalize("NFD", t) for t in OFFICE_WORD_NEXT_TO_NUMBER[:3])]


def _public_contact_pattern_matches(text: str) -> bool:
    """Whether the counter-rule's own pattern matches, its `unless` lists left out."""
    rule = next(r for r in RuleSet.load().rules if r.id == "privacy.public_contact")
    d = analyze(text, segment=False)
    return bool(RuleSet([dataclasses.replace(rule, unless=None)]).match(d.norm_text, d.plain_text, text))


@pytest.mark.parametrize("text", OFFICE_WORD_NEXT_TO_NUMBER)
def test_doxxing_examples_do_reach_the_unless_lists(text: str) -> None:
    assert _public_contact_pattern_matches(text), text  # else the test below would not exercise `unless`


@pytest.mark.parametrize("text", DOXXING_WITH_OFFICE_WORD)
def test_doxxing_with_an_office_word_is_still_flagged_privacy(default_scorer: Scorer, text: str) -> None:
    res = default_scorer.score(text)
    rules = [e.detail.split(":")[0] for e in res.evidence if e.kind == "rule" and e.category == "privacy"]
    assert "privacy" in res.flags, (text, res.scores["privacy"], rules)
    assert "privacy.public_contact" not in rules, rules


# A counter-rule never vetoes another privacy rule: where identity_numbers, doxxing or phone_of_person fires, the
# counter-rule is off even with an office word right before a number.
@pytest.mark.parametrize(("text", "positive_rule"), [
    ("Hotline trực ban phường 0236 3812 345, còn STK 0071000123456 là của cán bộ trực hôm đó.",
     "privacy.identity_numbers"),
    ("Truy tìm danh tính người trực ban: hotline 0236 3812 345 gọi không ai nghe.", "privacy.doxxing"),
    ("Đường dây nóng của phường 0236 3812 345, còn zalo con kia là 0905 111 000.", "privacy.phone_of_person")])
def test_public_contact_counter_rule_never_vetoes_another_privacy_rule(text: str, positive_rule: str) -> None:
    assert _public_contact_pattern_matches(text), text
    assert _rule_ids(text, "privacy") == [positive_rule], text
