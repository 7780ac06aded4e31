"""Hồ Chí Minh City's numbered districts: "quận 1" … "quận 12" (no other city had numbered districts; since 2025
they are wards with other names), as people still write them: "quận 12", "quan 5", "Q.12", "Q. 4", and after
a word leading to a place "ở q1", "tại Q 7". They count as the city wherever the text is, also beside another
province ("huyện Vĩnh Cửu, Đồng Nai và Quận 2": the city's Quận 2). A "Q" and a number are often other things:
"Audi Q5", "soạn Q5 gửi 999", "Q2/2023" (a quarter), "Q7/Q8" (car models), "XT-Q 1.5AT", "IE403.Q11" (a course
code), "câu q1" (question 1): written so, away from a place word or next to "-", ".", "/" and more digits, they
are no district."""

from __future__ import annotations

import re

from classifier.locality_text import SPACES, WrittenText

CITY = "Thành phố Hồ Chí Minh"
_NUMBERS = range(1, 13)  # Quận 1 … Quận 12 (Quận 2 and 9 became Thủ Đức in 2021; people still name them)
_ATTACHED = re.compile(r"q(\d{1,2})")  # "q1", "Q12"
NUMBERED_STARTS = frozenset({"quan", "q", *(f"q{n}" for n in _NUMBERS)})
_DISTRICT_WORD = ("quận",)
_DOT = re.compile(r"\.[ \t\u00a0]*")  # "Q.12", "Q. 4"
_GLUED_BEFORE = re.compile(r"[\w.\-/]")  # "XT-Q 1.5", "IE403.Q11"
_GLUED_AFTER = re.compile(r"[.,/\-][\w]|[^\W\d_]")  # "1.5AT", "Q2/2023", "Q7/Q8"


def numbered_district(t: WrittenText, i: int, place_before: frozenset[tuple[str, ...]]) -> int:
    """The number of syllables of a numbered district starting at syllable i ("quận 12": 2, "q1": 1), or 0.
    `place_before`: the words that lead to a place, after which "Q 7" and "q1" count."""
    tok, n = t.toks[i], len(t.toks)
    attached = _ATTACHED.fullmatch(tok)
    if attached:
        return (
            1 if (_number(attached.group(1)) and _stands_alone(t, i, i) and t.before(i, place_before)) else 0
        )
    if i + 1 >= n or not _number(t.toks[i + 1]) or not _stands_alone(t, i, i + 1):
        return 0
    if tok == "quan":  # "quận 12", "quan 5"; "quán 5" is a shop's number
        return 2 if t.fit(i, i + 1, [_DISTRICT_WORD]) and t.joined(i, i + 2) else 0
    if tok != "q" or t.spans is None:
        return 0
    written = t.written(i, i + 1)
    gap = t.original[t.spans[i][1] : t.spans[i + 1][0]]
    if written not in ("Q", "q"):
        return 0
    if _DOT.fullmatch(gap):  # "Q.12", "Q. 4", "q.7"
        return 2
    return 2 if SPACES.fullmatch(gap) and t.before(i, place_before) else 0  # "tại Q 7"


def _number(text: str) -> bool:
    return text.isdigit() and not text.startswith("0") and int(text) in _NUMBERS


def _stands_alone(t: WrittenText, i: int, j: int) -> bool:
    """Syllables i..j are not glued to letters, digits or a "-", ".", "/" on either side ("XT-Q 1.5AT",
    "Q2/2023"); with no offsets known, as far as the syllables show."""
    if t.spans is None:
        return True
    start, end = t.spans[i][0], t.spans[j][1]
    before, after = t.original[max(start - 1, 0) : start], t.original[end : end + 2]
    return not (start > 0 and _GLUED_BEFORE.fullmatch(before)) and not _GLUED_AFTER.match(after)
