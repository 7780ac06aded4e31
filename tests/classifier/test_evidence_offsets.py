"""Evidence offsets on messy text, and dodges made of characters a reader never sees.

The invariant: every piece of textual evidence (start >= 0) slices exactly its `text` out of the string it was
found in, and that slice is not empty. Checked on seeded, generated texts mixing NFD input, CRLF, emoji and ZWJ
sequences, stray combining marks, zero-width characters, look-alike letters, dotted/spaced dodges, teencode,
HTML character references and very long texts.
"""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

import pytest

from classifier.bank import CONFIRMED, Bank, BankText
from classifier.entities import decode_entities
from classifier.invisible import drop_invisible, drop_stray_marks
from classifier.normalize import normalize, syllables
from classifier.result import Evidence
from classifier.scorer import Scorer

MESSAGES = [
    "Việc nhẹ lương cao, chuyển khoản trước 500k để nhận việc, liên hệ Zalo 0912345678",
    "Cảnh báo lừa đảo: đối tượng giả danh công an yêu cầu chuyển tiền",
    "Mày là đồ óc chó, cút đi thằng ngu",
    "Đm thằng này ngu vl, ko bik j hết",
    "Tin nóng!!! Chia sẻ gấp: nước sạch sắp hết, dân Hà Nội đổ xô mua",
    "Bán súng, ma túy giá rẻ ship toàn quốc",
    "Cô giáo tình nguyện dạy học miễn phí cho trẻ em nghèo ở Bình Dương",
    "số CCCD 012345678901 của chị Lan ở phường 5",
    "soi kèo nhà cái cá độ bóng đá uy tín https://abc.top",
]
JUNK = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060", "\u202e", "\r\n", "\r", "\n", "\t", "  ",
        "😀", "👨\u200d👩\u200d👧", "🇻🇳", "&amp;", "&#272;", "&#7879;", "&nbsp;", "&bogus;", "\u0301", "\u0323",
        "\u0303", "\u0334", "\u0300\u0301", ".", "!!!", "\u2028", "\u00a0", "𝐁𝐨𝐥𝐝", "ℓ", "а", "о", "\x00", "\ud800",
        "l.ừ.a đ.ả.o", "c h u y ể n k h o ả n", "l0a đ4o", "ck trước", "vcl", "đ.m", "ﬁ", "ǅ", "ß", "İ", "l.İ.a",
        "c h İ n h"]


def _mess(rng: random.Random, text: str) -> str:
    if rng.random() < 0.3:
        text = unicodedata.normalize("NFD", text)
    if rng.random() < 0.2:
        text = text.upper()
    out = []
    for ch in text:
        out.append(ch)
        if rng.random() < 0.08:
            out.append(rng.choice(JUNK))
    s = "".join(out)
    return s.replace(" ", ".") if rng.random() < 0.2 else s


def _messy_texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    texts = [" ".join(_mess(rng, rng.choice(MESSAGES)) for _ in range(rng.randint(1, 4))) for _ in range(n)]
    texts.append(" ".join(_mess(rng, rng.choice(MESSAGES)) for _ in range(300)))  # a very long one
    return texts


def _broken(text: str, title: str, evidence: list[Evidence]) -> list[tuple[str, Evidence]]:
    bad = []
    for e in evidence:
        if e.start < 0:
            continue
        where = title if e.detail.startswith("title: ") else text
        if not (0 <= e.start < e.end <= len(where)) or where[e.start:e.end] != e.text:
            bad.append((text[:80], e))
    return bad


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_evidence_offsets_slice_their_text_on_generated_messy_texts(default_scorer: Scorer, seed: int) -> None:
    texts = _messy_texts(seed, 150)
    bad = []
    for text, res in zip(texts, default_scorer.score_many(texts), strict=True):
        bad += _broken(text, "", list(res.evidence))
    assert not bad, bad[:5]


def test_evidence_offsets_slice_title_or_text_on_generated_messy_items(default_scorer: Scorer) -> None:
    texts = _messy_texts(7, 100)
    titles = _messy_texts(8, 100)
    bad = []
    for text, title, res in zip(texts, titles, default_scorer.score_many(texts, titles=titles), strict=True):
        bad += _broken(text, title, list(res.evidence))
    assert not bad, bad[:5]


def test_a_mark_left_over_by_nfc_gives_no_empty_span() -> None:
    # Cyrillic "е" + diaeresis + acute: NFC composes "ё" and leaves the acute; the NFD "lừa" elsewhere sends the
    # offsets through the NFC map, which used to put the leftover at the cluster's start: "ё" spanned nothing
    text = "xin е\u0308\u0301 chào " + unicodedata.normalize("NFD", "lừa đảo")
    sylls = syllables(text)
    assert all(s.start < s.end for s in sylls), sylls
    assert [text[s.start:s.end] for s in sylls][1] == "е\u0308\u0301"


def test_a_stray_mark_on_a_latin_letter_neither_splits_the_word_nor_is_cut_off() -> None:
    text = "nhà c\u0303á cá độ " + unicodedata.normalize("NFD", "lừa đảo")
    sylls = syllables(text)
    assert [s.text for s in sylls][:3] == ["nhà", "cá", "cá"]
    assert text[sylls[1].start:sylls[1].end] == "c\u0303á"


@pytest.mark.parametrize("text", ["l.İ.a đ.ả.o", "C H İ N H P H Ủ", "İ.İ.İ"])
def test_a_dotted_spelling_with_a_capital_dotted_i_does_not_crash(text: str) -> None:
    # "İ".lower() is two characters: the spelling's letters and their offsets used to go out of step (IndexError,
    # which stopped a whole `canhgac classify` run at that row)
    sylls = syllables(text)
    assert sylls and all(text[s.start:s.end].strip() for s in sylls)


SCAM = "Việc nhẹ lương cao, chuyển khoản trước 500k để nhận việc, liên hệ Zalo 0912345678"


def _between_letters(text: str, mark: str) -> str:
    return "".join(ch + (mark if ch.isalpha() else "") for ch in text)


@pytest.mark.parametrize("dodged", [
    _between_letters(SCAM, "\u200b"),  # zero-width space
    _between_letters(SCAM, "\u200c"),  # zero-width non-joiner
    _between_letters(SCAM, "\u00ad"),  # soft hyphen
    _between_letters(SCAM, "\u2060"),  # word joiner
    _between_letters(SCAM, "\ufeff"),  # BOM
    _between_letters(SCAM, "\u0334"),  # "Zalgo": a mark that composes with nothing
    "".join(f"&#{ord(ch)};" if not ch.isascii() else ch for ch in SCAM),  # HTML character references
    SCAM.replace(" ", "&nbsp;"),
])
def test_invisible_characters_and_entities_do_not_hide_a_scam(default_scorer: Scorer, dodged: str) -> None:
    plain = default_scorer.score(SCAM)
    assert "scam" in plain.flags
    assert normalize(dodged) == normalize(SCAM)
    res = default_scorer.score(dodged)
    assert "scam" in res.flags  # was 0.011 (invisible characters) / 0.14 (entities) against 0.89 as written
    assert not _broken(dodged, "", list(res.evidence))
    assert any(e.kind == "ngram" and e.category == "scam" for e in res.evidence)


@pytest.mark.parametrize("text", [
    "Gia đình 👨\u200d👩\u200d👧 đi chơi vui quá",  # the joiner inside an emoji sequence
    "xin chào \u200e bạn",  # a bidi mark between spaces
    "Привет мир, xin chào",  # other scripts keep what they have
    "ภาษาไทย xin chào",
])
def test_invisible_characters_outside_latin_words_are_kept(text: str) -> None:
    assert drop_invisible(text) == (text, None)
    assert drop_stray_marks(unicodedata.normalize("NFC", text))[0] == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("text", ["l.\u200bừ.a đ.ả.o", "l\u200b ừ\u200b a đ ả o", "l\u00ad-ừ-a đ-ả-\u2060o"])
def test_invisible_characters_inside_a_dotted_spelling_do_not_hide_it(text: str) -> None:
    assert normalize(text) == "lừa đảo"  # was "l ừa đảo", "l ừ anh đảo"


def test_bank_matches_a_repost_laced_with_zero_width_spaces() -> None:
    stored = "Tuyển cộng tác viên làm việc tại nhà, việc nhẹ lương cao, nạp tiền trước để nhận nhiệm vụ chốt đơn"
    bank = Bank([BankText(stored, "scam", CONFIRMED, "item:1")])
    repost = _between_letters(stored, "\u200b")
    matches = bank.match(repost)
    assert matches and matches[0].similarity > 0.9


def test_the_seed_texts_hold_nothing_the_new_steps_change() -> None:
    # the default model is trained on these: dropping invisibles/stray marks and decoding references must leave
    # every one of them as it was, so the model's features on ordinary text do not move
    seeds = sorted((Path(__file__).resolve().parents[2] / "classifier" / "data" / "seed").glob("*.jsonl"))
    texts = [json.loads(line)["text"] for p in seeds for line in p.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    assert len(texts) > 1000
    changed = [t for t in texts if decode_entities(t)[1] is not None or drop_invisible(t)[1] is not None
               or drop_stray_marks(unicodedata.normalize("NFC", t))[1] is not None]
    assert changed == []
