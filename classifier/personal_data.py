"""Personal data a text publishes: phone numbers, emails, long digit runs (ID, account and card numbers) and house
addresses ("số 15 ngõ 12", "12/3 đường ..."), as comparable keys. The known-item bank uses them so that a dismissal
never hides a repost that adds someone's details (see classifier.bank); read from the text as written, since the
model's normalisation folds every phone into one typed token."""

from __future__ import annotations

import re

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
