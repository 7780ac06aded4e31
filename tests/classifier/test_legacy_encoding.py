"""Legacy font encodings (TCVN3, VNI-Windows) back to Unicode: round trips, real-world phrases, negatives.

The encoders here are built in the test, from the published layout of each table, independently of the tables
in classifier/legacy_encoding.py, so a wrong entry in either shows up as a failed round trip.
"""

from __future__ import annotations

import unicodedata

import pytest

from classifier.legacy_encoding import TCVN3, VNI, detect, font_hint, to_unicode, to_unicode_with_map
from classifier.normalize import normalize, syllables

# Real sentences that together hold all 134 precomposed Vietnamese letters (with their upper-case versions).
SENTENCES = [
 "Cộng hòa xã hội chủ nghĩa Việt Nam, Độc lập - Tự do - Hạnh phúc.",
 "Ủy ban nhân dân tỉnh Đắk Lắk thông báo lịch tiếp công dân tháng Mười.",
 "Người dân ở huyện miền núi đã được hỗ trợ gạo, muối và nước sạch.",
 "Trường học mới khánh thành, các em học sinh vui vẻ đến lớp sớm.",
 "Thuở ấy ông bà kể chuyện cổ tích bên bếp lửa hồng mỗi tối mùa đông.",
 "Khuya rồi, chị ngủ đi; sáng mai còn phải dậy sớm ra chợ bán rổ rá.",
 "Quỹ khuyến học trao học bổng cho những học sinh nghèo vượt khó, học giỏi.",
 "Bão số năm gây mưa lớn, nhiều tuyến đường bị ngập sâu, cây đổ ngổn ngang.",
 "Anh ấy ưỡn ngực, mỉm cười, rồi nói: “Tôi sẽ cố gắng hết sức mình.”",
 "Ẩm thực Huế nổi tiếng với bún bò, bánh bèo, chè và những món ăn cung đình.",
 "Ổn định đời sống, ưu tiên ứng dụng khoa học kỹ thuật vào sản xuất nông nghiệp.",
 "Ông Ất ẵm cháu đi lễ hội, ồn ào cả xóm; chiếc xe ì ạch leo dốc.",
 "Nhân kỷ niệm ngày thành lập huyện lỵ, mẹ tôi vẫn cẩn thận dặn dò: từ nay chẳng ai được quên ơn những người đã hy sinh vì Tổ quốc.",
 "Em bé xé giấy, ngõ nhỏ rõ ràng, ý kiến của chúng tôi cũng vậy; anh Huỳnh đi Mỹ lần đầu, về hẳn quê hương, bằng lòng với cơm vừa chín.",
]
TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, acute, grave, hook, tilde, dot


def _letters() -> set[str]:
    out = set()
    for base in "aăâeêioôơuưy":
        for tone in TONES:
            letter = unicodedata.normalize("NFC", base + tone)
            if letter not in "aeiouy":
                out |= {letter, letter.upper()}
    return out | {"đ", "Đ"}


# --------------------------------------------------------------------------- TCVN3, from the published table
# Per letter, in the order base, acute, grave, hook above, tilde, dot below: the character each byte shows as
# in Windows-1252 (lower case), or the byte (capitals; None: no code of its own, the lower-case one is used).
TCVN3_LOWER = {
    "a": "a¸µ¶·¹", "ă": "¨¾»¼½Æ", "â": "©ÊÇÈÉË", "e": "eÐÌÎÏÑ", "ê": "ªÕÒÓÔÖ", "i": "iÝ×ØÜÞ",
    "o": "oãßáâä", "ô": "«èåæçé", "ơ": "¬íêëìî", "u": "uóïñòô", "ư": "\xadøõö÷ù", "y": "yýúûüþ", "đ": "®",
}
TCVN3_UPPER = {
    "A": (0x41, 0x83, 0x80, 0x81, 0x82, 0x84), "Ă": (0xA1, 0xC0, 0xAF, 0xBA, 0xBF, 0x85),
    "Â": (0xA2, 0xC4, 0xC1, 0xC2, 0xC3, 0x86), "E": (0x45, 0x8A, 0x87, 0x88, 0x89, 0x8B),
    "Ê": (0xA3, 0xDA, 0xC5, 0xCD, 0xD9, 0x8C), "I": (0x49, 0x90, 0x8D, 0x8E, 0x8F, 0x91),
    "O": (0x4F, 0x95, 0x92, 0x93, 0x94, 0x96), "Ô": (0xA4, 0xFF, 0xDB, 0xE0, 0xF0, 0x97),
    "Ơ": (0xA5, 0x9B, 0x98, 0x99, 0x9A, 0x9C), "U": (0x55, None, 0x9D, 0x9E, 0x9F, None),
    "Ư": (0xA6, None, None, None, None, None), "Y": (0x59, None, None, None, None, None), "Đ": (0xA7,),
}


def _shown(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


def _tcvn3_inverse() -> dict[str, str]:
    inverse: dict[str, str] = {}
    for base, row in TCVN3_LOWER.items():
        for tone, shown in zip(TONES, row, strict=False):
            inverse[unicodedata.normalize("NFC", base + tone)] = shown
    for base, codes in TCVN3_UPPER.items():
        for tone, code in zip(TONES, codes, strict=False):
            letter = unicodedata.normalize("NFC", base + tone)
            inverse[letter] = _shown(code) if code is not None else inverse[letter.lower()]
    return inverse


TCVN3_INVERSE = _tcvn3_inverse()
TCVN3_SHARED = {u for u, shown in TCVN3_INVERSE.items() if u.isupper() and shown == TCVN3_INVERSE[u.lower()]}


def encode_tcvn3(text: str) -> str:
    """Unicode → TCVN3 as read in Windows-1252."""
    return "".join(TCVN3_INVERSE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


# --------------------------------------------------------------------------- VNI, from the published table
VNI_TONE = dict(zip(TONES[1:], "ùøûõï", strict=True))  # after a vowel
VNI_CIRCUMFLEX = dict(zip(TONES, "âáàåãä", strict=True))  # â ê ô, with each tone
VNI_BREVE = dict(zip(TONES, "êéèúüë", strict=True))  # ă, with each tone
VNI_I = dict(zip(TONES, "iíìæóò", strict=True))  # i is one byte with each tone
VNI_ONE_BYTE = {"ơ": "ô", "ư": "ö", "đ": "ñ", "ỵ": "î"}


def _vni_letter(ch: str) -> str:
    upper = ch.isupper()
    ch = ch.lower()
    decomposed = unicodedata.normalize("NFD", ch)
    tone = next((c for c in decomposed if c in TONES[1:]), "")
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES[1:]))
    if ch in VNI_ONE_BYTE:
        out = VNI_ONE_BYTE[ch]
    elif bare == "i":
        out = VNI_I[tone]
    elif bare in VNI_ONE_BYTE:  # ơ, ư + tone
        out = VNI_ONE_BYTE[bare] + VNI_TONE.get(tone, "")
    elif bare in "âêô":
        out = unicodedata.normalize("NFD", bare)[0] + VNI_CIRCUMFLEX[tone]
    elif bare == "ă":
        out = "a" + VNI_BREVE[tone]
    elif bare in "aeouy" and tone:
        out = bare + VNI_TONE[tone]
    else:
        out = ch
    return out.upper() if upper else out


def encode_vni(text: str) -> str:
    """Unicode → VNI-Windows as read in Windows-1252."""
    return "".join(_vni_letter(ch) for ch in unicodedata.normalize("NFC", text))


# --------------------------------------------------------------------------- round trips
def test_the_sentences_hold_all_134_letters() -> None:
    text = " ".join(SENTENCES)
    assert len(_letters()) == 134
    assert _letters() <= set(text + text.upper())


def test_the_test_tables_encode_every_letter() -> None:
    for letter in _letters():
        assert encode_tcvn3(letter) != letter or letter == "ý", letter  # 0xFD is "ý" in both
        assert encode_vni(letter) != letter or letter in "íìÍÌ", letter
    assert TCVN3_SHARED == set("ÚỤỪỬỮỨỰỲỶỸÝỴ")  # TCVN3 has no code of its own for these capitals


@pytest.mark.parametrize("sentence", SENTENCES + [s.upper() for s in SENTENCES])
def test_tcvn3_round_trip(sentence: str) -> None:
    encoded = encode_tcvn3(sentence)
    assert detect(encoded) == TCVN3, encoded
    if sentence.isupper():  # capitals TCVN3 writes with the lower-case code: upper-cased again in a line in capitals
        assert to_unicode(encoded) == sentence
        return
    # in a mixed-case line, a word with two or more ASCII capitals ("THø") is upper-cased; a lone capital is not
    expected = "".join(ch.lower() if ch in TCVN3_SHARED and not _in_caps_word(sentence, i) else ch
                       for i, ch in enumerate(sentence))
    assert to_unicode(encoded) == expected


def _in_caps_word(text: str, i: int) -> bool:
    """Whether text[i] sits in a word whose ASCII letters are two or more, all capitals."""
    start = max(text.rfind(" ", 0, i) + 1, 0)
    end = text.find(" ", i)
    word = text[start:] if end < 0 else text[start:end]
    ascii_letters = [c for c in word if "a" <= c.lower() <= "z"]
    return len(ascii_letters) >= 2 and all(c.isupper() for c in ascii_letters)


def encode_tcvn3_h(text: str) -> str:
    """Unicode → TCVN3 typed for an all-caps ".VnTimeH" font: every letter with its lower-case code, the ASCII
    ones shifted where the text has a capital."""
    return "".join(e.upper() if ch.isupper() and e.isascii() else e
                   for ch, e in zip(text, encode_tcvn3(text.lower()), strict=True))


@pytest.mark.parametrize("unicode", [
    "THỨ HAI, NGÀY HỘI ĐẠI ĐOÀN KẾT TOÀN DÂN TỘC",  # Ứ has no TCVN3 code of its own
    "HÀ NỘI TỔ CHỨC LỄ HỘI, Ý KIẾN CỦA NGƯỜI DÂN",  # a line in capitals: one-letter words too
    "Thông báo ý kiến của người dân về THỨ tự ưu tiên ở Hà Nội",  # mixed case: the lone "ý" stays
])
def test_tcvn3_capitals_typed_with_lower_case_codes(unicode: str) -> None:
    legacy = encode_tcvn3_h(unicode)
    assert to_unicode(legacy, hint=TCVN3) == unicode
    converted, offsets = to_unicode_with_map(legacy, hint=TCVN3) or ("", [])
    assert len(converted) == len(legacy) and offsets == list(range(len(legacy) + 1))  # one character for one


@pytest.mark.parametrize(("unicode", "expected"), [
    # a sentence start in a text whose sentences start with capitals: "ý" typed for "Ý", "ø" for "Ứ"
    ("Người dân đã về quê. Ý kiến của họ là bảo vệ rừng. Ủy ban nhân dân huyện quyết định.", None),
    ("Ý kiến của người dân về quy hoạch. Quyết định của huyện đã ban hành.", None),
    ("Quyết định thành lập Ban chỉ đạo.\nỨng dụng khoa học kỹ thuật vào sản xuất nông nghiệp!", None),
    # not a sentence start, or a text that does not start its sentences with capitals: as typed
    ("Thông báo ý kiến của người dân về việc quy hoạch. Người dân đồng ý.", None),
    ("người dân đã về quê. Ý kiến của họ là bảo vệ rừng. ủy ban nhân dân huyện quyết định.",
     "người dân đã về quê. ý kiến của họ là bảo vệ rừng. ủy ban nhân dân huyện quyết định."),
    # a line that does not follow a sentence end: a heading's next line or a hard-wrapped one, left as typed
    ("Ủy ban nhân dân tỉnh thông báo việc lấy\nÝ kiến nhân dân về quy hoạch. Người dân đồng tình.",
     "Ủy ban nhân dân tỉnh thông báo việc lấy\ný kiến nhân dân về quy hoạch. Người dân đồng tình."),
])
def test_tcvn3_capitals_without_codes_at_a_sentence_start(unicode: str, expected: str | None) -> None:
    legacy = encode_tcvn3(unicode)
    assert to_unicode(legacy, hint=TCVN3) == (expected or unicode), legacy
    converted, offsets = to_unicode_with_map(legacy, hint=TCVN3) or ("", [])
    assert len(converted) == len(legacy) and offsets == list(range(len(legacy) + 1))  # one character for one


@pytest.mark.parametrize("sentence", SENTENCES + [s.upper() for s in SENTENCES])
def test_vni_round_trip(sentence: str) -> None:
    encoded = encode_vni(sentence)
    assert detect(encoded) == VNI, encoded
    assert to_unicode(encoded) == sentence


def test_the_whole_text_round_trips_and_conversion_is_idempotent() -> None:
    text = "\n".join(SENTENCES)
    for encode in (encode_tcvn3, encode_vni):
        out = to_unicode(encode(text))
        assert unicodedata.is_normalized("NFC", out)
        assert out.lower() == text.lower()
        assert to_unicode(out) == out and detect(out) is None


# --------------------------------------------------------------------------- real-world phrases, typed by hand
@pytest.mark.parametrize(("legacy", "unicode", "encoding"), [
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam", TCVN3),
    ("§éc lËp - Tù do - H¹nh phóc\nQuyÕt ®Þnh vÒ viÖc thµnh lËp Ban chØ ®¹o",
     "Độc lập - Tự do - Hạnh phúc\nQuyết định về việc thành lập Ban chỉ đạo", TCVN3),
    ("Uû ban nh©n d©n tØnh Qu¶ng Nam th«ng b¸o kÕt qu¶ tuyÓn dông c«ng chøc n¨m 2009",
     "Uỷ ban nhân dân tỉnh Quảng Nam thông báo kết quả tuyển dụng công chức năm 2009", TCVN3),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam", VNI),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc", VNI),
    ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", VNI),
    ("UÛy ban nhaân daân thaønh phoá Hoà Chí Minh toå chöùc hoäi nghò ngöôøi lao ñoäng",
     "Ủy ban nhân dân thành phố Hồ Chí Minh tổ chức hội nghị người lao động", VNI),
])
def test_hand_typed_phrases(legacy: str, unicode: str, encoding: str) -> None:
    assert detect(legacy) == encoding
    assert to_unicode(legacy) == unicode


def test_unicode_lines_around_a_legacy_article_are_kept() -> None:
    page = "Trang chủ | Tin tức | Liên hệ\nCéng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc\n" \
           "QuyÕt ®Þnh cña Uû ban nh©n d©n huyÖn vÒ viÖc giao chØ tiªu kÕ ho¹ch"
    assert to_unicode(page) == ("Trang chủ | Tin tức | Liên hệ\nCộng hoà xã hội chủ nghĩa Việt Nam\n"
                                "Độc lập - Tự do - Hạnh phúc\nQuyết định của Uỷ ban nhân dân huyện về việc giao chỉ "
                                "tiêu kế hoạch")


@pytest.mark.parametrize("encode", [encode_tcvn3, encode_vni], ids=["tcvn3", "vni"])
def test_unicode_lines_without_unicode_only_letters_are_kept(encode: object) -> None:
    """Template lines in Unicode that use only letters Windows-1252 also has (ê, á, é ...): TCVN3 would read
    "thêm" as "thờm" and "Café" as "Cafộ"; they are not converted with the article they surround."""
    article = "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc. Ủy ban nhân dân huyện quyết định"
    page = "Xem thêm\n" + encode(article) + "\nCó phải bác là ông Tâm?\nCafé sáng"  # type: ignore[operator]
    assert to_unicode(page) == f"Xem thêm\n{article}\nCó phải bác là ông Tâm?\nCafé sáng"


def test_decomposed_vni_is_converted_with_offsets_into_the_original() -> None:
    """VNI pasted in NFD ("a" + U+0308 for "ä", as some keyboards and macOS give it) converts like NFC VNI."""
    motto = "Cộng hòa xã hội chủ nghĩa Việt Nam, Độc lập Tự do Hạnh phúc"
    typed = unicodedata.normalize("NFD", encode_vni(motto))
    assert typed != encode_vni(motto) and detect(typed) == VNI
    assert to_unicode(typed) == motto
    converted = to_unicode_with_map(typed)
    assert converted is not None
    text, pos = converted
    start = text.index("Việt")
    assert typed[pos[start]:pos[start + len("Việt")]] == unicodedata.normalize("NFD", "Vieät")


def test_quotes_and_dashes_stay_punctuation_in_tcvn3() -> None:
    assert to_unicode("“Hµ Néi” — thñ ®« ngh×n n¨m v¨n hiÕn") == "“Hà Nội” — thủ đô nghìn năm văn hiến"


def test_a_font_hint_lowers_the_bar() -> None:
    assert detect("Hµ Néi") is None  # two words: too little to say on its own
    assert detect("Hµ Néi", hint=TCVN3) == TCVN3
    assert to_unicode("Hµ Néi", hint=TCVN3) == "Hà Nội"
    assert font_hint('<p style="font-family: .VnTime">') == TCVN3
    assert font_hint("<font face='VNI-Times'>") == VNI
    assert font_hint("<p style='font-family: Arial'>Vnexpress .vn VNI</p>") is None


# --------------------------------------------------------------------------- negatives: unchanged
NOT_LEGACY = [
    *SENTENCES,
    "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc",
    unicodedata.normalize("NFD", "Ủy ban nhân dân tỉnh thông báo lịch tiếp công dân"),
    "Cong hoa xa hoi chu nghia Viet Nam, doc lap tu do hanh phuc",
    "The quick brown fox jumps over the lazy dog. Nothing to convert here at all.",
    "Café crème brûlée à la française, déjà vu; où est la gare? Noël, naïve, élève, « Bonjour » dit-il.",
    "Österreich und die Schweiz: Müller fährt über die Brücke, schöne Grüße aus Göttingen. Straße, Mädchen.",
    "¿Dónde está el niño? Señor, mañana España y Perú; aún así, Raúl lo sabe. Años de pequeños sueños.",
    "Liều dùng 500 µg mỗi ngày, 2 µm, 3 µl; © 2024 Công ty ABC®. Giá 1½ triệu, ¼ kg, ¾ lít.",
    "Copyright © 2009-2024 Sở Thông tin và Truyền thông. Bản quyền ® thuộc về UBND tỉnh. µ ½ · ¸",
    "Giá chỉ 1½ triệu đồng, bảo hành © chính hãng, tặng kèm µSD 32GB",
    "Kiem 6OOk-3OOOk chi cän 20 phut möi ngay. Chung töi cö nhung G.V chuyen nghiep huong dän ban.",
    "Täng 888K, 888K! 888K Nhän ngay 88K, thuöng them tong ngan 1O8k",
    "“Smart quotes” – dashes — and… ellipses™ in ordinary English ‘text’ • bullets",
    "x · y · z, a ¸ b, 5 × 3 ÷ 2, § 12 ¶ 3, ¡Hola!",
    "",
]


@pytest.mark.parametrize("text", NOT_LEGACY)
def test_other_text_is_left_alone(text: str) -> None:
    assert detect(text) is None
    assert to_unicode(text) == text
    assert to_unicode_with_map(text) is None


# --------------------------------------------------------------------------- the classifier's normalisation
def test_the_classifier_reads_legacy_text_as_unicode_with_offsets_into_the_original() -> None:
    for legacy in ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"):
        assert normalize(legacy) == "cộng hòa xã hội chủ nghĩa việt nam"
        spans = [legacy[s.start:s.end] for s in syllables(legacy)]
        assert spans == legacy.split()
