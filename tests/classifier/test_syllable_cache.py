"""`syllables` keeps recent results (the scorer asks for one text's syllables up to three times): each call still
gets its own list, and long texts give the same result uncached."""

from __future__ import annotations

from classifier.normalize import _CACHED_CHARS, Syllable, _syllables, syllables


def test_a_caller_changing_its_list_does_not_change_the_next_callers() -> None:
    text = "Chuyển khoản ngay 5tr vào stk 0123456789 để nhận quà"
    first = syllables(text)
    first.append(Syllable("lạ", 0, 1))
    first[0] = Syllable("khác", 0, 1)
    assert syllables(text) == _syllables(text) != first


def test_long_texts_are_the_same_cached_or_not() -> None:
    text = "l.ừ.a đ.ả.o chuyển khoản " * (_CACHED_CHARS // 20)
    assert len(text) > _CACHED_CHARS
    assert syllables(text) == _syllables(text)
    short = text[:500]
    assert syllables(short) == syllables(short) == _syllables(short)
