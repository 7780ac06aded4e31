"""Filter dodges found by a tester: look-alike Unicode letters (mathematical bold, fullwidth, circled, small caps,
Cyrillic/Greek homoglyphs inside Latin words), dotted money amounts, dotted/look-alike reposts of a known bank
item, the i/y spelling variant ("kì"/"kỳ") and the two readings of "ck" in rules. Evidence offsets must keep
pointing into the text as written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifier.analysis import analyze
from classifier.bank import Bank, BankText
from classifier.normalize import MONEY_TOKEN, normalize, syllables
from classifier.rules import RuleSet
from classifier.scorer import Scorer

PLAIN = "Chuyển khoản nhận thưởng 500k lừa đảo"
BOLD = "𝐂𝐡𝐮𝐲ể𝐧 𝐤𝐡𝐨ả𝐧 nhận thưởng 𝟓𝟎𝟎𝐤 lừa đảo"  # as the tester wrote it (precomposed ể, ả)
BOLD_COMBINING = "𝐂𝐡𝐮𝐲\U0001d41e\u0302\u0309𝐧 𝐤𝐡𝐨\U0001d41a\u0309𝐧 nhận thưởng 𝟓𝟎𝟎𝐤 lừa đảo"  # 𝐞 + ̂ + ̉
FULLWIDTH = "ＣＨＵＹỂＮ ＫＨＯẢＮ nhận thưởng ５００ｋ lừa đảo"
SEED_DIR = Path(__file__).resolve().parents[2] / "classifier" / "data" / "seed"


@pytest.mark.parametrize("text", [BOLD, BOLD_COMBINING, FULLWIDTH,
                                  "ⓒⓗⓤⓨểⓝ ⓚⓗⓞảⓝ nhận thưởng ⑸⓪⓪ⓚ lừa đảo".replace("⑸", "5"),
                                  "ᴄʜᴜʏểɴ ᴋʜᴏảɴ nhận thưởng 500ᵏ lừa đảo",
                                  "Сhuyển khоản nhận thưởng 500k lừа đảо",  # Cyrillic С, о, а, о
                                  "🅒🅗🅤🅨ể🅝 khoản nhận thưởng 500k lừa đảo"])
def test_lookalike_letters_normalise_like_plain_letters(text: str) -> None:
    assert normalize(text) == normalize(PLAIN)


@pytest.mark.parametrize("text,first,money", [
    (BOLD, (0, 6), (25, 29)),
    (BOLD_COMBINING, (0, 8), (28, 32)),
    (FULLWIDTH, (0, 6), (25, 29)),
])
def test_lookalike_offsets_index_the_text_as_written(text: str, first: tuple[int, int],
                                                     money: tuple[int, int]) -> None:
    sylls = syllables(text)
    assert (sylls[0].text, sylls[0].start, sylls[0].end) == ("chuyển", *first)
    tok = next(s for s in sylls if s.text == MONEY_TOKEN)
    assert (tok.start, tok.end) == money
    assert all(text[s.start:s.end].strip() for s in sylls)


def test_genuine_cyrillic_and_greek_words_are_left_alone() -> None:
    assert normalize("Москва и Ελλάδα") == "москва и ελλάδα"
    assert normalize("Сом") == "сом"  # all Cyrillic: a Cyrillic word, even if every letter has a Latin twin
    assert normalize("50 m² đất… x³") == "50 m² đất x³"  # superscript digits, ellipsis: as before


def test_ordinary_seed_texts_are_not_touched_by_the_fold() -> None:
    from classifier.normalize import fold_lookalikes

    n = 0
    for path in sorted(SEED_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line)["text"]
                assert fold_lookalikes(text) == text, (path.name, text)
                n += 1
    assert n > 1000


@pytest.mark.parametrize("text", [BOLD, FULLWIDTH])
def test_scorer_flags_lookalike_scam_with_evidence_in_the_original(default_scorer: Scorer, text: str) -> None:
    plain = default_scorer.score(PLAIN)
    res = default_scorer.score(text)
    assert "scam" in plain.flags and "scam" in res.flags
    assert res.scores["scam"] == pytest.approx(plain.scores["scam"], abs=0.1)
    ev = [e for e in res.evidence if e.category == "scam" and e.start >= 0]
    assert ev and all(e.text == text[e.start:e.end] for e in ev)
    assert any(e.start < 14 for e in ev)  # something inside the look-alike words themselves


# ------------------------------------------------------------------------------------------ dotted money
@pytest.mark.parametrize("text,span", [
    ("Chuyển 85 t.r.i.ệ.u vào tài khoản ngay", (7, 19)),
    ("Chuyển 85 T-R-I-Ệ-U vào tài khoản ngay", (7, 19)),
    ("Chuyển 8 5 t r i ệ u vào tài khoản ngay", (7, 20)),
])
def test_dotted_money_unit_becomes_a_money_token(text: str, span: tuple[int, int]) -> None:
    assert normalize(text) == normalize("Chuyển 85 triệu vào tài khoản ngay") == \
        "chuyển moneytok vào tài khoản ngay"
    tok = next(s for s in syllables(text) if s.text == MONEY_TOKEN)
    assert (tok.start, tok.end) == span


def test_dotted_words_without_an_amount_are_unchanged() -> None:
    assert normalize("N.g.h.e máy đi, bạn c.ủ.a Tiến") == "nghe máy đi bạn của tiến"
    assert normalize("có 3 c.h.ị em") == "có 3 chị em"
    sylls = syllables("có 3 c.h.ị em")
    assert [(s.text, s.start, s.end) for s in sylls] == [("có", 0, 2), ("3", 3, 4), ("chị", 5, 10), ("em", 11, 13)]


def test_scorer_flags_dotted_money_like_plain(default_scorer: Scorer) -> None:
    text = "Chuyển 85 t.r.i.ệ.u vào tài khoản ngay"
    plain = default_scorer.score("Chuyển 85 triệu vào tài khoản ngay")
    res = default_scorer.score(text)
    assert "scam" in plain.flags and "scam" in res.flags
    money = [e for e in res.evidence if e.category == "scam" and "85" in e.text]
    assert money and all(text[e.start:e.end] == e.text for e in money)


# ------------------------------------------------------------------------------------------ bank
BANK_SCAM = ("Chúc mừng quý khách đã trúng thưởng chiếc xe SH 150i từ chương trình tri ân khách hàng của Shopee. "
             "Vui lòng nộp phí 2.500.000đ vào tài khoản 0123456789 Vietcombank để nhận giải trước ngày 30/6.")


@pytest.mark.parametrize("repost", [
    BANK_SCAM.replace("trúng thưởng", "t.r.ú.n.g t.h.ư.ở.n.g").replace("tài khoản", "t.à.i k.h.o.ả.n"),
    BANK_SCAM.replace("trúng thưởng", "𝐭𝐫ú𝐧𝐠 𝐭𝐡ưở𝐧𝐠").replace("tài khoản", "ｔàｉ ｋｈｏảｎ"),
    BANK_SCAM.replace("trúng thưởng", "trung thuong").replace("tài khoản", "tk").replace("không", "ko"),
    BANK_SCAM.replace("chương trình", "c h ư ơ n g trình").replace("khách hàng", "kh4ch hàng"),
])
def test_bank_matches_dodged_reposts(default_scorer: Scorer, repost: str) -> None:
    bank = Bank([BankText(BANK_SCAM, "scam", "confirmed", "item:1")])
    assert [m.entry.ref for m in bank.match(repost)] == ["item:1"]
    assert any(e.kind == "bank" for e in default_scorer.score(repost, bank=bank).evidence)
    stored_dodged = Bank([BankText(repost, "scam", "confirmed", "item:2")])  # stored text dodged, incoming plain
    assert [m.entry.ref for m in stored_dodged.match(BANK_SCAM)] == ["item:2"]


def test_bank_still_tells_different_texts_apart() -> None:
    bank = Bank([BankText(BANK_SCAM, "scam", "confirmed", "item:1")])
    assert bank.match("Cô giáo lớp 3 dặn các em mang áo mưa vì chiều nay trời sẽ mưa rất to ở khu vực trường") == []


# ------------------------------------------------------------------------------------------ rules
def _rules(tmp_path: Path, keywords: list[str], regex: str | None = None) -> RuleSet:
    p = tmp_path / "r.toml"
    body = f'[[rule]]\nid = "x"\ncategory = "hate"\nkeywords = {json.dumps(keywords, ensure_ascii=False)}\nweight = 0.5\n'
    if regex:
        body += f"regex = {json.dumps(regex, ensure_ascii=False)}\n"
    p.write_text(body, encoding="utf-8")
    return RuleSet.load(p)


def _hits(rules: RuleSet, text: str, *, with_original: bool = False) -> list[str]:
    d = analyze(text, segment=False)
    out = []
    hits = rules.match(d.norm_text, d.plain_text, d.original) if with_original else rules.match(d.norm_text, d.plain_text)
    for h in hits:
        a, b = d.span_of(h.start, h.end)
        out.append(text[a:b])
    return out


@pytest.mark.parametrize("keyword,text,found", [
    ("bắc kỳ", "bọn bắc kì này", "bắc kì"),
    ("bắc kì", "bọn bắc kỳ này", "bắc kỳ"),
    ("bắc kỳ", "bon bac ki nay", "bac ki"),
    ("lý lịch", "khai lí lịch đi", "lí lịch"),
    ("đế quốc mỹ", "đế quốc mĩ", "đế quốc mĩ"),
    ("bắc kì", "b.ắ.c k.ỳ", "b.ắ.c k.ỳ"),
])
def test_rules_fold_i_y_spelling_variants(tmp_path: Path, keyword: str, text: str, found: str) -> None:
    assert _hits(_rules(tmp_path, [keyword]), text) == [found]


def test_i_y_fold_does_not_join_different_words(tmp_path: Path) -> None:
    rules = _rules(tmp_path, ["bắc kỳ"])
    assert _hits(rules, "bắc kịp") == []
    assert _hits(rules, "bắc kỷ") == []  # another tone is another word


def test_rules_try_both_readings_of_ck(tmp_path: Path) -> None:
    rules = _rules(tmp_path, ["chuyển khoản trước"])
    assert _hits(rules, "ck trước nhé", with_original=True) == ["ck trước"]
    assert _hits(rules, "Anh CK trước 500k", with_original=True) == ["CK trước"]
    assert _hits(rules, "Anh ＣＫ trước 500k", with_original=True) == ["ＣＫ trước"]
    assert _hits(rules, "chồng trước của chị ấy", with_original=True) == []  # a written "chồng" is a husband
    husband = _rules(tmp_path, ["chồng trước"])
    assert _hits(husband, "ck trước của chị ấy", with_original=True) == ["ck trước"]  # the first reading still
    privacy = _rules(tmp_path, ["gửi mật khẩu"])
    assert _hits(privacy, "gửi mk cho mình nhé", with_original=True) == ["gửi mk"]


def test_default_rules_catch_ck_truoc_in_the_scorer(default_scorer: Scorer) -> None:
    text = "Shop bảo ck trước 500k rồi mới giao hàng"
    res = default_scorer.score(text)
    rule = [e for e in res.evidence if e.kind == "rule" and e.detail.startswith("scam.pay_first")]
    assert rule and rule[0].text == text[rule[0].start:rule[0].end] == "ck trước"
