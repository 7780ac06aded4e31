import unicodedata
from pathlib import Path

import pytest

from classifier.bank import Bank, BankText
from classifier.coverage import InMemoryCoverage
from classifier.rules import RulesError, RuleSet
from classifier.scorer import Scorer
from classifier.signals import sensational_cues, source_evidence
from classifier.train import TrainedModel

SCAM = "Chuyển khoản trước 500k phí giữ chỗ, liên hệ 0912345678 để nhận hàng"


def _scorer(model: TrainedModel, **kw: object) -> Scorer:
    return Scorer(model.pipeline, model.card, RuleSet.load(), **kw)  # type: ignore[arg-type]


def test_default_rules_cover_required_categories() -> None:
    cats = {r.category for r in RuleSet.load().rules}
    assert {"scam", "illegal_ad", "privacy", "child_safety"} <= cats


def test_rule_matches_accented_unaccented_and_dodged(tmp_path: Path) -> None:
    from classifier.analysis import analyze

    rules = RuleSet.load()
    for text in ("Chuyển khoản trước nhé", "chuyen khoan truoc nhe", "c.h.u.y.ể.n k.h.o.ả.n trước"):
        d = analyze(text)
        assert [h.rule.id for h in rules.match(d.norm_text, d.plain_text)] == ["scam.pay_first"], text


def test_unaccented_keyword_does_not_match_different_accented_word(tmp_path: Path) -> None:
    from classifier.analysis import analyze

    p = tmp_path / "r.toml"
    p.write_text('[[rule]]\ncategory = "scam"\nkeywords = ["bán"]\nweight = 0.5\n', encoding="utf-8")
    rules = RuleSet.load(p)
    d = analyze("bạn ơi")
    assert rules.match(d.norm_text, d.plain_text) == []
    d = analyze("ban gap")
    assert len(rules.match(d.norm_text, d.plain_text)) == 1


def test_unless_switches_a_rule_off_where_it_matches(tmp_path: Path) -> None:
    from classifier.analysis import analyze

    p = tmp_path / "r.toml"
    p.write_text('[[rule]]\nid = "x"\ncategory = "scam"\nkeywords = ["trúng thưởng"]\nweight = 0.5\n'
                 'unless_keywords = ["xổ số kiến thiết"]\nunless_regex = "kết quả (quay|mở) thưởng"\n', encoding="utf-8")
    rules = RuleSet.load(p)

    def ids(text: str) -> list[str]:
        d = analyze(text)
        return [h.rule.id for h in rules.match(d.norm_text, d.plain_text)]

    assert ids("Chúc mừng bạn đã trúng thưởng xe SH") == ["x"]
    assert ids("Chuc mung ban da trung thuong xe SH") == ["x"]
    assert ids("Vé trúng thưởng xổ số kiến thiết miền Bắc hôm nay") == []
    assert ids("Ve trung thuong xo so kien thiet mien Bac") == []  # unless matches unaccented text too
    assert ids("Kết quả quay thưởng: 3 vé trúng thưởng giải nhất") == []
    p.write_text('[[rule]]\ncategory = "scam"\nkeywords = ["a"]\nunless_regex = "(("\n', encoding="utf-8")
    with pytest.raises(RulesError, match="unless_regex không hợp lệ '\\(\\('"):
        RuleSet.load(p)


def test_bad_rules_file_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "r.toml"
    p.write_text('[[rule]]\ncategory = "politics"\nkeywords = ["x"]\n', encoding="utf-8")
    with pytest.raises(RulesError, match=r"r\.toml, dòng 2, quy tắc #1 \(không có id\): nhóm không xác định 'politics'"):
        RuleSet.load(p)


def test_evidence_offsets_point_at_original_text_even_nfd(mini_model: TrainedModel) -> None:
    scorer = _scorer(mini_model)
    text = unicodedata.normalize("NFD", "Ê, " + SCAM)
    res = scorer.score(text)
    assert "scam" in res.flags
    textual = [e for e in res.evidence if e.start >= 0]
    assert any(e.kind == "rule" for e in textual) and any(e.kind == "ngram" for e in textual)
    for e in textual:
        assert text[e.start:e.end] == e.text
    rule = next(e for e in textual if e.kind == "rule")
    assert unicodedata.normalize("NFC", rule.text) == "Chuyển khoản trước"


def test_result_is_json_ready(mini_model: TrainedModel) -> None:
    import json

    res = _scorer(mini_model).score(SCAM)
    obj = res.to_json()
    json.dumps(obj)
    assert set(obj) >= {"label", "scores", "flags", "evidence", "locality", "language", "model"}


def test_bank_confirmed_raises_and_dismissed_suppresses(mini_model: TrainedModel) -> None:
    scorer = _scorer(mini_model, thresholds={"scam": 0.99})
    text = "Cô giáo lớp 3 dặn các em mang áo mưa vì chiều nay trời sẽ mưa rất to ở khu vực trường"
    base = scorer.score(text).scores["scam"]
    bank = Bank([BankText(text.upper() + "!!", "scam", "confirmed", "item:42")])
    res = scorer.score(text, bank=bank)
    assert res.scores["scam"] > base
    assert any(e.kind == "bank" and "item:42" in e.detail for e in res.evidence)

    scorer = _scorer(mini_model)
    assert "scam" in scorer.score(SCAM).flags
    neg = Bank([BankText(SCAM, None, "dismissed", "item:7")])
    res = scorer.score(SCAM, bank=neg)
    assert "scam" not in res.flags
    assert any(e.kind == "bank_negative" and e.weight < 0 for e in res.evidence)


def test_bank_rejects_bad_entries() -> None:
    with pytest.raises(ValueError):
        Bank([BankText("x", None, "confirmed", "item:1")])
    with pytest.raises(ValueError):
        Bank([BankText("x", "scam", "maybe", "item:1")])


def test_sensational_cues_and_source() -> None:
    ev = sensational_cues("NÓNG: chia sẻ gấp!!! Uống nước chanh chữa khỏi covid")
    kinds = {e.detail for e in ev}
    assert "kêu gọi chia sẻ gấp" in kinds and "nhiều dấu chấm than" in kinds
    for e in ev:
        if e.start >= 0:
            assert e.text == "NÓNG: chia sẻ gấp!!! Uống nước chanh chữa khỏi covid"[e.start:e.end]
    assert any(e.detail == "viết hoa toàn bộ" for e in sensational_cues("KHẨN CẤP TOÀN DÂN PHẢI BIẾT NGAY ĐIỀU NÀY"))
    official = source_evidence(True)
    assert official is not None and official.weight < 0
    assert source_evidence(None) is None


def test_misinformation_indicators_in_scoring(default_scorer: Scorer) -> None:
    claim = "CHIA SẺ GẤP!!! Bộ Y tế xác nhận uống nước lá ổi chữa khỏi ung thư giai đoạn cuối"
    cov = InMemoryCoverage([("article:1", "Bộ Y tế cảnh báo tin đồn nước lá ổi chữa ung thư", "https://moh.gov.vn/1",
                             "Bộ Y tế xác nhận uống nước lá ổi chữa khỏi ung thư giai đoạn cuối là tin sai")])
    unverified = default_scorer.score(claim, official=False, coverage=InMemoryCoverage())
    kinds = {e.kind for e in unverified.evidence if e.category == "misinformation"}
    assert {"sensational", "source", "coverage"} <= kinds
    covered = default_scorer.score(claim, official=True, coverage=cov)
    assert covered.scores["misinformation"] < unverified.scores["misinformation"]
    assert any(e.kind == "coverage" and "article:1" in e.detail for e in covered.evidence)


def test_default_model_has_all_categories_and_flags_obvious_cases(default_scorer: Scorer) -> None:
    from classifier.categories import CATEGORIES

    assert default_scorer.categories == CATEGORIES
    res = default_scorer.score("Bạn đã trúng thưởng 50 triệu, chuyển khoản trước phí nhận thưởng 500k vào stk sau")
    assert res.label == "scam"
    assert default_scorer.score("Hôm nay trời đẹp, cả nhà đi công viên").flags == ()


def test_score_many_matches_score(mini_model: TrainedModel) -> None:
    scorer = _scorer(mini_model)
    texts = [SCAM, "Quán phở ngon", "Đồ ngu như chó"]
    many = scorer.score_many(texts)
    assert [r.scores for r in many] == [scorer.score(t).scores for t in texts]
    assert many[0].language == "vi"


@pytest.mark.parametrize("unit", ["a", "1", "中文", "a.", "1.", "-a", "a@", "ab.c-"])
def test_long_unbroken_runs_score_like_any_text(default_scorer, unit: str) -> None:  # type: ignore[no-untyped-def]
    """A 60,000-character run with no space (a pasted blob, a spam wall) once took minutes: regex alternatives
    that could start at every character of the run. Each now starts only at a token boundary."""
    text = "Chuyển khoản trước 500k vào tk 0123456789 " + unit * (60_000 // len(unit))
    result = default_scorer.score(text)
    assert set(result.scores) == set(default_scorer.categories)
    assert all(0 <= e.start <= e.end <= len(text) for e in result.evidence)


def test_wordless_texts_match_no_bank_entry(default_scorer) -> None:  # type: ignore[no-untyped-def]
    """Texts without words have no shingles: they are like nothing, not like each other."""
    bank = Bank([BankText("🔥🔥", "offensive", "confirmed", "item:3"), BankText("👍👍👍", None, "dismissed", "item:4"),
                 BankText("Đồ lừa đảo, chuyển khoản trước rồi mới giao hàng", "scam", "confirmed", "item:5")])
    for text in ("", "...", "😡😡😡", "❤️ ❤️"):
        assert bank.match(text) == []
        assert not [e for e in default_scorer.score(text, bank=bank).evidence if e.kind.startswith("bank")]
    assert [m.entry.ref for m in bank.match("Đồ lừa đảo, chuyển khoản trước rồi mới giao hàng!")] == ["item:5"]


def test_repeated_letter_abbreviations_in_the_dictionary_are_kept() -> None:
    from classifier.normalize import normalize_word

    assert normalize_word("cccd") == ("căn", "cước", "công", "dân")
    assert normalize_word("kooo") == ("không",)  # a stretched letter is still collapsed


def test_scorer_weather_is_no_cue_and_old_province_is_tagged_new(default_scorer: Scorer) -> None:
    res = default_scorer.score("Trời nắng nóng! Nước sạch đang khan hiếm ở Bình Dương")
    assert not [e for e in res.evidence if e.kind == "sensational"]
    assert res.locality == ("Thành phố Hồ Chí Minh",)
    res = default_scorer.score("hn đi chơi không, cc: anh Nam, lol")
    assert res.locality == () and "offensive" not in res.flags


def test_shape_tokens_read_nfd_like_nfc() -> None:
    from classifier.shape import shape_tokens

    text = "Quý khách vui lòng gửi mã xác nhận tới số 0912345678 trong hôm nay, xem tại https://vietcombank-xacthuc.top"
    nfd = unicodedata.normalize("NFD", text)
    assert shape_tokens(nfd) == shape_tokens(text)
    assert "noaccent" not in shape_tokens(nfd)


def test_char_gram_evidence_respects_word_edges() -> None:
    from classifier.explain import _find_char_gram

    words = ["chuyển", "khoản", "moneytok", "ngay"]
    assert _find_char_gram(words, "k ") == 2  # a word ending in k, not "khoản"
    assert _find_char_gram(words, " kh") == 1
    assert _find_char_gram(words, " ngay ") == 3
    assert _find_char_gram(words, "oả") == 1
    assert _find_char_gram(words, " oả") == -1
