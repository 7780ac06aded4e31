"""Two false positives of the bundled default model, kept fixed.

(a) An official article WARNING citizens about a scam quotes the scam's words ("việc nhẹ lương cao", "mã
    OTP"); it used to be flagged `scam` at 0.58 by the rules alone. Reporting on a scam is not a scam.
(b) A three-word greeting ("Chào bạn nhé") used to be flagged `scam`: in the seed data "chào" only
    opened scam scripts.
Real scam messages written for this test (not in the seed data) must still be flagged.
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

GREETINGS = ["Chào bạn nhé", "Chào anh chị", "Chào bạn nha", "Chào em nhé", "Chào chị ạ", "Chào mọi người nhé",
             "hello cả nhà", "chúc ngủ ngon"]
SCAMS = [
    "Chào bạn, bên mình tuyển cộng tác viên làm nhiệm vụ thả tim TikTok, hoa hồng 300k mỗi ngày, chỉ cần nạp "
    "trước 500k để nhận nhiệm vụ VIP.",
    "Tài khoản của quý khách bị khóa do chưa cập nhật sinh trắc học. Truy cập https://vcb-mokhoa.top ngay trong "
    "24h để tránh bị đình chỉ.",
    "Chúc mừng bạn đã trúng thưởng xe SH, vui lòng chuyển khoản phí nhận quà 2 triệu vào STK 0123456789 trước "
    "17h hôm nay.",
]


def _seed_texts() -> set[str]:
    return {json.loads(line)["text"] for f in SEED.glob("*.jsonl") for line in f.read_text("utf-8").splitlines()
            if line.strip()}


def test_examples_here_are_not_training_examples() -> None:
    seed = _seed_texts()
    article = json.loads((FIXTURES / "official_scam_warning.json").read_text("utf-8"))
    assert not seed & {*GREETINGS, *SCAMS, article["text"]}
    assert not any(article["title"].split("“")[0] in s for s in seed)  # not even a paraphrase with its headline


def test_official_scam_warning_is_not_flagged(default_scorer: Scorer) -> None:
    article = json.loads((FIXTURES / "official_scam_warning.json").read_text("utf-8"))
    for official in (None, True):
        res = default_scorer.score(article["text"], title=article["title"], official=official)
        assert "scam" not in res.flags, res.scores
        assert res.label == "clean"
        assert res.scores["scam"] < 0.3, res.scores
        assert any(e.kind == "rule" and e.category == "scam" and e.weight < 0 for e in res.evidence)


@pytest.mark.parametrize("text", GREETINGS)
def test_short_greeting_is_not_flagged(default_scorer: Scorer, text: str) -> None:
    res = default_scorer.score(text)
    assert res.flags == (), (text, res.scores)
    assert res.label == "clean"


@pytest.mark.parametrize("text", SCAMS)
def test_real_scam_messages_still_flag(default_scorer: Scorer, text: str) -> None:
    res = default_scorer.score(text)
    assert "scam" in res.flags and res.label == "scam", res.scores


def test_reporting_counter_rule_spares_scam_scripts() -> None:
    """The counter-rule must not fire on the seed scam scripts (it would halve their scores)."""
    rules = RuleSet.load()
    for f in ("scam.jsonl", "illegal_ad.jsonl"):
        for line in (SEED / f).read_text("utf-8").splitlines():
            d = analyze(json.loads(line)["text"], segment=False)
            assert "scam.reporting" not in [h.rule.id for h in rules.match(d.norm_text, d.plain_text)], line


DRESSED_UP = [  # scams written in a warning's words: the counter-rule must not lower them
    "Công an phường khuyến cáo người dân cập nhật tài khoản định danh mức 2 bằng cách bấm vào link "
    "https://dichvucong-vneid.top trước 17h hôm nay để tránh bị khóa tài khoản.",
    "Ngân hàng Nhà nước cảnh báo về thủ đoạn lừa đảo mới. Để bảo vệ tài khoản, quý khách vui lòng đăng nhập tại "
    "http://sbv-baomat.vip và xác thực mã OTP.",
    "Cơ quan chức năng khuyến cáo người dân nộp phí 500.000đ vào tài khoản 0123456789 để được xóa tên khỏi danh "
    "sách điều tra.",
    "Công an khuyến cáo người dân đã bị lừa đảo qua mạng hãy nhắn Zalo 0912.345.678 để được hỗ trợ lấy lại tiền "
    "trong 24 giờ, cam kết hoàn tiền 100%.",
]
REAL_WARNINGS = [
    "Công an phường khuyến cáo người dân tuyệt đối không bấm vào link lạ, không chuyển khoản cho người không quen "
    "biết và không cung cấp mã OTP cho bất kỳ ai.",
    "Công an tỉnh cảnh báo về thủ đoạn lừa đảo mạo danh cơ quan thuế, đề nghị người dân không truy cập "
    "các đường link lạ, đừng chuyển tiền vào tài khoản của người lạ.",
    "Người dân bị lừa đảo cần trình báo công an nơi gần nhất, không kết bạn Zalo với người lạ và không nhắn Zalo "
    "số 0912345678 tự xưng là luật sư lấy lại tiền.",
]


@pytest.mark.parametrize("text", DRESSED_UP)
def test_counter_rule_is_off_for_a_scam_dressed_as_a_warning(default_scorer: Scorer, text: str) -> None:
    res = default_scorer.score(text)
    assert not any(e.kind == "rule" and e.weight < 0 for e in res.evidence), res.evidence
    without = Scorer(default_scorer.pipeline, default_scorer.card,
                     RuleSet([r for r in default_scorer.rules.rules if r.weight > 0]))
    assert res.scores["scam"] == pytest.approx(without.score(text).scores["scam"])  # not scaled down
    assert "scam" in res.flags and res.label == "scam", res.scores


@pytest.mark.parametrize("text", REAL_WARNINGS)
def test_counter_rule_still_lowers_real_warnings(default_scorer: Scorer, text: str) -> None:
    res = default_scorer.score(text)
    assert any(e.kind == "rule" and e.category == "scam" and e.weight < 0 for e in res.evidence), res.evidence
    assert "scam" not in res.flags, res.scores


@pytest.mark.parametrize("text", [
    "Công an khuyến cáo người dân không nên bấm vào link https://abc-xyz.top khi nhận tin nhắn lạ.",
    "Công an cảnh báo về thủ đoạn lừa đảo: các đối tượng yêu cầu bị hại chuyển tiền vào tài khoản để xác minh.",
    "Công an khuyến cáo người dân tránh chuyển tiền vào tài khoản lạ, không được nhắn Zalo số 0912345678.",
    "Cảnh báo thủ đoạn lừa đảo: đối tượng dụ nạp tiền vào tài khoản rồi chiếm đoạt.",
])
def test_counter_rule_holds_for_warnings_that_describe_the_scam(default_scorer: Scorer, text: str) -> None:
    res = default_scorer.score(text)
    assert any(e.kind == "rule" and e.category == "scam" and e.weight < 0 for e in res.evidence), (text, res.evidence)


# Ordinary words the seed data had only in one harmful category (feature-weight audit, ordinary_words_clean.jsonl):
# "khan hiếm" only in a panic-buying hoax (misinformation 0.68-0.90 on a plain shortage remark), "mày ... đâu
# đấy" mostly in insults (harassment 0.43 on a friend's question). Phrasings here are not seed texts.
ORDINARY_WORDS = [
    "Nước sạch đang khan hiếm",
    "Gạo đang khan hiếm ở chợ",
    "Giáo viên mầm non đang khan hiếm ở các tỉnh Tây Nguyên",
    "Mấy hôm nay xăng khan hiếm ở vài cây xăng ngoại thành",
    "Cuối năm vé máy bay về Tết khan hiếm quá",
    "mày đi đâu đấy",
    "mày đi học về chưa",
    "ê mày ở đâu thế",
]
SAME_WORDS_HARMFUL = [  # the same words in real harm: still flagged, with the right category
    ("Tin nội bộ: xăng sắp khan hiếm trên toàn quốc, từ tối nay các cây xăng đóng cửa hết, ai cần thì đổ đầy "
     "bình ngay kẻo không kịp", "misinformation"),
    ("KHẨN: gạo sắp khan hiếm vì Nhà nước cấm xuất bán từ tuần sau, bà con mua tích trữ ngay vài bao kẻo hết, "
     "share cho người thân", "misinformation"),
    ("mày đi đâu đấy thằng ngu, cút về cái xó nhà mày đi", "harassment"),
]


def test_ordinary_word_examples_are_not_training_examples() -> None:
    seed = _seed_texts()
    texts = [*ORDINARY_WORDS, *(t for t, _ in SAME_WORDS_HARMFUL)]
    assert not any(t in s for t in texts for s in seed)


@pytest.mark.parametrize("text", ORDINARY_WORDS)
def test_ordinary_words_are_not_flagged(default_scorer: Scorer, text: str) -> None:
    res = default_scorer.score(text)
    assert res.flags == (), (text, res.scores)
    assert res.label == "clean"


@pytest.mark.parametrize(("text", "category"), SAME_WORDS_HARMFUL)
def test_same_words_in_harmful_text_still_flag(default_scorer: Scorer, text: str, category: str) -> None:
    res = default_scorer.score(text)
    assert category in res.flags and res.label == category, res.scores


@pytest.mark.xfail(strict=True, reason="still flagged harassment (0.55 at threshold 0.30): 'mày' + 'làm gì' "
                   "stays an insult pattern after ordinary_words_clean.jsonl; a known false positive")
def test_friendly_question_with_lam_gi_is_not_flagged(default_scorer: Scorer) -> None:
    assert default_scorer.score("mày đang làm gì đấy").flags == ()
