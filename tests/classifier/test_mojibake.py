"""UTF-8 Vietnamese that was read as Windows-1252 / Windows-1258 / Latin-1 before it reached us is repaired
(classifier.mojibake): in the classifier's normalisation, with evidence offsets into the damaged text, and in the
crawler's text cleaning, so what is stored and shown to moderators is readable. Text that is not damaged is never
touched (checked here on hand-picked hard cases, and on every text of ../shared/data when it is present)."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest

from classifier import mojibake
from classifier.mojibake import repair, repair_with_map
from classifier.normalize import normalize, syllables
from crawler.extract import clean_text
from tests.classifier.test_legacy_encoding import NOT_LEGACY, SENTENCES

CODE_PAGES = ("cp1252", "cp1258", "latin-1")


def damage(text: str, code_page: str, *, lossy: bool = True) -> str:
    """What a system that read UTF-8 with `code_page` saved: U+FFFD for the bytes the code page leaves
    undefined, or (lossy=False, as browsers decode Windows-1252) the C1 control character of the same number."""
    data = unicodedata.normalize("NFC", text).encode("utf-8")
    if lossy:
        return data.decode(code_page, errors="replace")
    return "".join(_byte(b, code_page) for b in data) if not data.isascii() else data.decode()


def _byte(b: int, code_page: str) -> str:
    try:
        return bytes([b]).decode(code_page)
    except UnicodeDecodeError:
        return chr(b)


@pytest.mark.parametrize("code_page", CODE_PAGES)
@pytest.mark.parametrize("sentence", SENTENCES + [s.upper() for s in SENTENCES])
def test_every_letter_comes_back_when_no_byte_was_lost(sentence: str, code_page: str) -> None:
    broken = damage(sentence, code_page, lossy=False)
    assert broken != sentence
    assert repair(broken) == sentence


# Real ways the damage loses bytes on the way, each with what it does to the text.
LOSSES = {
    "undefined byte became U+FFFD": lambda t: t,
    "no-break space became a space": lambda t: t.replace("\xa0", " "),
    "spaces collapsed (an HTML cleaner)": lambda t: " ".join(t.replace("\xa0", " ").split()),
    "undefined byte became ?": lambda t: t.replace("\ufffd", "?"),
    "undefined byte dropped": lambda t: t.replace("\ufffd", ""),
}
# Sentences whose lost bytes have one likely reading: the syllable that is a word and the more frequent word
# ("về", not "vờ"; "bào", not "bà o"; "và các", not "vàcác").
LOSSY = [
    "Người dân đã về quê, họ bảo vệ rừng và các con suối ở Đồng Tháp.",
    "ĐẠI HỘI ĐẠI BIỂU NHÂN DÂN Ở ĐỒNG BẰNG SÔNG CỬU LONG",
    "Cảnh báo lừa đảo: chuyển khoản cho người lạ là mất tiền, đồng bào cần cẩn thận.",
    "Mọi người ơi, đây là tin nhắn giả mạo ngân hàng, đừng bấm vào đường link.",
]


@pytest.mark.parametrize("code_page", CODE_PAGES)
@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("sentence", LOSSY)
def test_lost_bytes_are_restored_where_one_reading_is_likely(sentence: str, loss: str, code_page: str) -> None:
    broken = LOSSES[loss](damage(sentence, code_page))
    expected = " ".join(sentence.split()) if "collapsed" in loss else sentence
    assert repair(broken) == expected, broken


def test_letters_come_back_in_most_of_a_text_that_lost_bytes() -> None:
    """Where a lost byte has several readings ("Ý" or "à" for "Ã " before a word; in capitals under
    Windows-1258 "BÊN" or "BÁN") the repair can pick the wrong one: measured over all the test sentences, in
    capitals too, every damage and loss, it is rare (at the time of writing 99.9 % of the characters right;
    99.3 % for capitals read as Windows-1258)."""
    right = total = 0
    for code_page in CODE_PAGES:
        for loss in LOSSES.values():
            for sentence in SENTENCES + [s.upper() for s in SENTENCES]:
                got = repair(loss(damage(sentence, code_page)))
                want = " ".join(sentence.split())
                total += len(want)
                right += sum(a == b for a, b in zip(got, want, strict=False)) if len(got) == len(want) else 0
    assert right / total >= 0.99


@pytest.mark.parametrize("text", [
    *NOT_LEGACY,
    "Giá vàng hôm nay… tăng mạnh; “cơn sốt” — ai hưởng lợi?",  # à/ơ/ư next to typographic punctuation
    "Ảnh: Hà Nội ©2024 · Đà Nẵng ®",
    "Ã, Ä, Å, Æ: tiếng Thụy Điển và tiếng Đức — Ägypten, Århus, Ærø",
    "Tôi yêu Hà Nội! À ừ, ở đây có bán phở không?",
    # capitals "Ã"/"Ă" before a space or a letter look like a damaged "à" that lost its no-break space, and a
    # vowel before a curly quote like a damaged run: guesses, never taken without complete damaged runs
    "ÔNG NÓI “CÓ”, XÃ ĐÃ BÁO CÁO",
    "TĂNG GIÁ XĂNG TỪ HÔM NAY, “KHÔNG CÓ” CHUYỆN GIẢM",
    "Anh ấy nói quá” rồi bỏ đi. XÃ ĐÃ họp.",
    "XÃ ĐÃ HỌP BÀN VIỆC ĐÀO AO\nSáng nay XÃ Tân Hiệp họp dân",
])
def test_text_that_is_not_damaged_is_left_alone(text: str) -> None:
    assert repair_with_map(text) is None
    assert repair(text) == text


def test_genuine_lines_around_damaged_ones_keep_their_capitals() -> None:
    """A page with a damaged paragraph and a genuine one in capitals: only the damaged line is repaired."""
    genuine = "XÃ ĐÃ HỌP BÀN VIỆC ĐÀO AO"
    broken = damage("Người dân đã về quê, họ bảo vệ rừng và các con suối", "cp1252").replace("\ufffd", "?")
    assert repair(f"{genuine}\n{broken}") == f"{genuine}\nNgười dân đã về quê, họ bảo vệ rừng và các con suối"


def test_the_classifier_reads_damaged_text_with_offsets_into_it() -> None:
    text = "Cảnh báo lừa đảo chuyển khoản qua Zalo tại Hà Nội"
    broken = damage(text, "cp1252")
    assert normalize(broken) == normalize(text)
    spans = [broken[s.start:s.end] for s in syllables(broken)]
    # each syllable's offsets cover its damaged spelling, no more, no less ("Hà" is "HÃ" + a no-break space)
    assert spans == broken.split(" ")


def test_the_crawler_stores_repaired_text() -> None:
    page = "Người dân phản ánh:  " + damage("Cảnh báo lừa đảo chuyển khoản qua Zalo", "cp1252")
    assert clean_text(page) == "Người dân phản ánh: Cảnh báo lừa đảo chuyển khoản qua Zalo"


SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
TEXT_COLUMNS = {"vihsd": "free_text", "victsd": "Comment", "vispamreviews": "Comment",
                "vi_sms_smishing": "content", "reintel": "post_message"}


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared research data not found at {SHARED}")
def test_real_texts_are_repaired_only_where_damaged() -> None:
    """Every text of the shared data sets: the only one repaired is a ViCTSD comment that really is damaged
    (a Facebook-style condolence, "Xin chia buá»“n")."""
    repaired = []
    for folder, column in TEXT_COLUMNS.items():
        for path in sorted((SHARED / folder).glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    text = row.get(column) or ""
                    if repair_with_map(text) is not None:
                        repaired.append(repair(text))
    assert repaired == ["Xin chia buồn"]


@pytest.mark.parametrize("code_page", ["cp1252", "cp1258"])
@pytest.mark.parametrize(("sentence", "loss"), [
    # "Ý" is C3 9D: with the 9D dropped, "Ã kiáº¿n" reads as "Ý kiến" or as "à kiến" (C3 A0, the no-break space
    # turned into a space); at a sentence start, in a text that writes its sentences with capitals, "Ý"
    ("Người dân đã về quê. Ý kiến của họ là bảo vệ rừng.", "undefined byte dropped"),
    # "Ở" is E1 BB 9E, 9E undefined in Windows-1258: "á»?" is "Ở", "ờ", "ọ" ... the capital starts the text
    ("Ở Huế mưa nhiều. Người dân đã về quê.", "undefined byte became ?"),
    ("Cảnh báo lừa đảo\nỞ đây người dân đã về quê", "undefined byte became U+FFFD"),
])
def test_a_lost_byte_that_decides_case_is_a_capital_at_a_sentence_start(sentence: str, loss: str,
                                                                         code_page: str) -> None:
    broken = LOSSES[loss](damage(sentence, code_page))
    assert repair(broken) == sentence, broken


@pytest.mark.parametrize("sentence", [
    "Người dân đã về quê, à mà họ bảo vệ rừng.",  # inside a sentence: the lower-case reading
    "người dân đã về quê rồi. à mà thôi, ở đây cũng vui",  # a text that does not capitalise its sentences
])
def test_a_lost_byte_that_decides_case_stays_lower_case_elsewhere(sentence: str) -> None:
    broken = damage(sentence, "cp1252").replace("\xa0", " ")
    assert repair(broken) == sentence, broken


def test_a_text_its_complete_runs_do_not_make_damaged_is_not_read_run_by_run(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Runs that lost a byte ("á»" with no third byte) are guesses, and a text is repaired only on complete runs:
    a page made of nothing but such runs (1 MB of them took ~20 s) is decided without visiting them."""
    calls = []
    real = mojibake._repair
    monkeypatch.setattr(mojibake, "_repair", lambda *a: calls.append(a) or real(*a))
    assert repair_with_map("á»" * 50_000) is None
    assert repair_with_map("Xin chia buá»“n") is not None
    assert len(calls) == 1


def test_each_kind_of_lost_byte_run_is_read_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A damaged page repeating the same runs costs one reading per kind of run, not one per run (the lost
    bytes ranked by their words are MAX_RANKED at most, the rest take the likeliest letter)."""
    reads = []
    real = mojibake._run_at
    monkeypatch.setattr(mojibake, "_run_at", lambda *a: reads.append(a[0][:4]) or real(*a))
    for cached in (getattr(mojibake, "_lost_run", None), mojibake._lost):
        if cached is not None:
            cached.cache_clear()
    fixed = repair("Ä‘á»" * 20_000)
    assert fixed.startswith("đ") and len(fixed) == 40_000
    assert len(reads) <= 4
