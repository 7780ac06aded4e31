"""Personal data a text publishes: phone numbers, emails, long digit runs (ID, account and card numbers) and house
addresses ("số 15 ngõ 12", "12/3 đường ..."), as comparable keys. The known-item bank uses them so that a dismissal
never hides a repost that adds someone's details (see classifier.bank); read from the text as written, since the
model's normalisation folds every phone into one typed token."""

from __future__ import annotations

import re
import unicodedata

from classifier.fingerprint import fold

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 8 to 19 digits, single spaces, dots or dashes between groups: phones, CCCD/CMND, bank accounts, cards; right
# after a word's "." or "," too ("ĐT.0912345678", "Zalo,0912345678"), not after a number's (decimals)
_DIGITS = re.compile(r"(?<!\w)(?<!\d[.,])\+?\d(?:[ .\-]?\d){7,18}(?!\w)")
# 3.500.000 (an amount, not a number of a person's); an amount has no leading zero, a CCCD does (001.203.004.567)
_MONEY = re.compile(r"[1-9]\d{0,2}(?:[.,]\d{3})+")
_DAY, _MONTH, _YEAR = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])", r"(?:19|20)\d\d"
# 05.12.2026, 2026-12-05: a date, no one's number (left out before the digit runs are read)
_DATE = re.compile(rf"(?<!\w)(?<!\d[.,\-])(?:{_DAY}([.\-]){_MONTH}\1{_YEAR}|{_YEAR}([.\-]){_MONTH}\2{_DAY})"
                   r"(?!\w)(?![.,\-]\d)")
_MONEY_UNIT = re.compile(r"\s?(?:đ|đồng|dong|vnd|vnđ|k|tr|triệu|trieu|usd)\b", re.IGNORECASE)
_STREET = r"(?P<street>ngo|ngach|hem|kiet|duong|pho|to|thon|xom|ap|khu pho|kp)"
_ADDRESS = re.compile(rf"\b(?:(?:so|nha)\s+(?P<no>\d+[a-z]?(?:/\d+[a-z]?)*)|(?P<slash>\d+[a-z]?(?:/\d+[a-z]?)+))"
                      rf"\s*,?\s+{_STREET}\s+(?P<name>\w+)")


def personal_data(text: str) -> frozenset[str]:
    """Keys of the personal data in `text` ("phone:0912345678", "email:...", "addr:15 ngo 12")."""
    keys = {"email:" + m.group().lower().strip(".") for m in _EMAIL.finditer(text)}
    no_email = _EMAIL.sub(" ", text)
    no_date = _DATE.sub(" ", no_email)
    for m in _DIGITS.finditer(no_date):
        raw = m.group()
        if _MONEY.fullmatch(raw) or _MONEY_UNIT.match(no_date, m.end()):
            continue
        digits = re.sub(r"\D", "", raw)
        if digits[:4] in ("1800", "1900") and len(digits) <= 10:  # a hotline: an organisation's, not a person's
            continue
        if digits.startswith("84") and raw.startswith("+"):
            digits = "0" + digits[2:]
        keys.add("number:" + digits)
    for m in _ADDRESS.finditer(fold(no_email)):
        keys.add(f"addr:{m['no'] or m['slash']} {m['street']} {m['name']}")
    return frozenset(keys)


# Full names, for the bank only: a repost naming someone the dismissed text did not name is no longer quite the
# text the moderator judged harmless (classifier.bank). Never personal data by itself: news and notices name people.
# Surnames that start no common word or place when capitalised count before one given name or more; those that
# also start places or capitalised words (Hà Nội, Hồ Gươm, Cao Bằng, Lâm Đồng, Phan Thiết, Châu Âu, Thái Bình, Mai
# = tomorrow ...) only before two ("Hà Thị Lan", "Phan Văn Khải"). With their tone marks: "Đảng Cộng sản" is no
# "Đặng".
_SURNAMES = frozenset("""nguyễn trần lê phạm hoàng huỳnh vũ võ đặng bùi đỗ ngô dương trương đinh trịnh vương phùng
lưu quách tôn mạc khổng tạ kiều triệu diệp đàm lục""".split())
_SURNAMES_BEFORE_TWO = frozenset("hồ hà cao lâm phan châu thái mai đào đoàn lương tăng la chu tô thân".split())
# written without diacritics, only the surnames that are no everyday word so ("do" = because, "phan" = phần, "lam"
# = làm, "ta" = we, "mai" = tomorrow: "Phan Qua Gom" is "phần quà gồm" in a Title Case SMS)
_SURNAMES_UNACCENTED = frozenset("nguyen tran le pham hoang huynh vu vo bui dang dinh trinh vuong phung luu quach ngo "
                                 "duong truong".split())
_NOT_NAMES = frozenset({"ho chi minh", "vu han"})
# a surname and the syllable after it that make a common word, capitalised in Title Case headings, SMS and amounts
# ("Lưu Ý Quan Trọng:", "Nhận 5 Triệu Đồng", "Vũ Khí", "Dương Tính"): no name starts so. Written with tone marks
# (compared so, and folded for text written without any); pairs that also start common names ("Hoàng Gia Bảo",
# "Đoàn Thanh Tùng", "Hoàng Kim", "Vũ Công") are left out.
_WORD_PAIRS = frozenset(f"{head} {tail}" for head, tails in (
    ("lưu", "ý trữ hành lượng niệm manh luyến vong trú giữ vực"),
    ("triệu", "đồng phú chứng tập hồi lượt người năm tấn liều"),
    ("vương", "quốc miện giả vấn triều"), ("hoàng", "hôn tử đế hậu cung tộc thượng"),
    ("dương", "tính lịch vật cầm gian"), ("vũ", "khí trụ điệu trường lực nữ bão khúc"),
    ("võ", "thuật sĩ đài đường tướng"), ("phạm", "vi tội nhân pháp lỗi luật quy"),
    ("tôn", "giáo trọng vinh kính tạo chỉ thờ sùng nghiêm"), ("đàm", "phán thoại luận tiếu"),
    ("kiều", "hối bào"), ("đỗ", "xe quyên đạt"), ("bùi", "ngùi"), ("lục", "địa soát lọi quân đục"),
    ("khổng", "lồ tước"), ("diệp", "lục"), ("trần", "nhà truồng gian trụi thuật"), ("ngô", "nghê"),
    ("đinh", "tai ninh"), ("trương", "mục"), ("tạ", "ơn"), ("phùng", "mang"), ("huỳnh", "quang"),
    ("trịnh", "trọng"), ("hồ", "sơ bơi nước"), ("hà", "nội giang tĩnh lan"),
    ("cao", "tốc điểm cấp đẳng học su lãnh thủ"), ("lâm", "nghiệp sản thời bệnh"), ("phan", "rang"),
    ("châu", "âu á phi mỹ đốc thổ báu"), ("thái", "độ cực"), ("mai", "táng mối sau này"),
    ("đào", "tạo tẩu thải thoát"), ("đoàn", "kết viên thể trưởng xe tàu"), ("lương", "thực tâm hưu bổng thiện"),
    ("tăng", "cường trưởng giá ca tốc"), ("la", "mã hét"), ("chu", "kỳ đáo toàn"), ("tô", "màu điểm"),
    ("thân", "thiện phận mật thể thương")) for tail in tails.split())
_WORD_PAIRS_FOLDED = frozenset(fold(p) for p in _WORD_PAIRS)
# a name right after these is a street, a school or a place named after a person
_NAMED_AFTER = frozenset("""duong pho ngo hem kiet dai lo lo cau cho ben truong thpt thcs th quan phuong xa tp
tinh huyen khu""".split())
_TITLES = frozenset("""anh chi em ong ba co chu bac cau di thim mo be chau con nan nhan ban thay""".split())
_NAME_TOKEN = re.compile(r"\w+|[^\w\s]+|\n")


def _case(word: str) -> str:
    """"title" (Hoa), "upper" (HOA, and a one-letter capital), or "" (anything else: hoa, hOa, 12)."""
    if not word[:1].isupper() or not word.isalpha():
        return ""
    if len(word) == 1:
        return "title"  # an initial ("Nguyễn Văn A", "Nguyễn Thị H."): goes with either, never ends a full name
    return "upper" if word.isupper() else "title" if word[1:].islower() else ""


def _neighbour(tokens: list[str], i: int, step: int) -> str | None:
    """The nearest word before (step -1) or after (step 1) token i, punctuation skipped."""
    i += step
    while 0 <= i < len(tokens):
        if tokens[i][:1].isalnum():
            return tokens[i]
        i += step
    return None


def _surname(word: str, length: int) -> bool:
    """`word` (lower case) starts a full name of `length` words: written with its tone marks, or without any when
    it is one of `_SURNAMES_UNACCENTED`."""
    if word in _SURNAMES or (word in _SURNAMES_BEFORE_TWO and length >= 3):
        return True
    return fold(word) == word and word in _SURNAMES_UNACCENTED


def _word_pair(surname: str, second: str) -> bool:
    """The two syllables (lower case) make a common word, not the start of a name (`_WORD_PAIRS`)."""
    pair = f"{surname} {second}"
    return pair in _WORD_PAIRS or (fold(pair) == pair and pair in _WORD_PAIRS_FOLDED)


def full_names(text: str) -> frozenset[str]:
    """Full names `text` writes (a surname and one given name or more, each capitalised), folded ("nguyen thi hoa"):
    not a given name alone, not "Nguyễn Văn A" (the placeholder of forms), not a street or school named after someone
    ("đường Nguyễn Trãi"), not a run of five capitalised words or more (a Title Case heading), and in capitals only
    between words that are not (a text in capitals has "TRẦN NHÀ", the ceiling). Without diacritics too, so a repost
    that drops them names the same person."""
    text = unicodedata.normalize("NFC", text).replace("_", " ")  # word-segmented text: "Nguyễn_Thị_Hoa"
    tokens = _NAME_TOKEN.findall(text)
    out: set[str] = set()
    i = 0
    while i < len(tokens):
        case = _case(tokens[i])
        if not case:
            i += 1
            continue
        j = i
        while j < len(tokens) and _case(tokens[j]) == case:
            j += 1
        run = [fold(t) for t in tokens[i:j]]
        before = fold(tokens[i - 1]) if i else ""
        k = 0
        while k < len(run) and run[k] in _TITLES:  # "Anh Trần Văn Nam", "Nạn Nhân ..." at a sentence start
            k += 1
        name = run[k:]
        if k:
            before = run[k - 1]
        near = [w for w in (_neighbour(tokens, i, -1), _neighbour(tokens, j - 1, 1)) if w is not None]
        caps_ok = case == "title" or (near != [] and not any(len(w) > 1 and w.isupper() for w in near))
        if (2 <= len(name) <= 4 and len(run) <= 4 + k and caps_ok and before not in _NAMED_AFTER
                and _surname(tokens[i + k].lower(), len(name))
                and len(name[-1]) > 1 and " ".join(name) not in _NOT_NAMES
                and not _word_pair(tokens[i + k].lower(), tokens[i + k + 1].lower())):
            out.add(" ".join(name))
        i = j
    return frozenset(out)
