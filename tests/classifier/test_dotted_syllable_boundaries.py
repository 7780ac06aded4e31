"""Dotted letters cut into syllables where one syllable ends in the letter the next begins with.

A letter repeated for emphasis counts once ("khựaaa", "êêêê"), but a first consonant is never such a repeat:
"n.ạ.p.p.h.í" is "nạp phí", not "nạ pphí" (both cuts have two syllables in use, and the stretched one used
to win the tie). And the cut is linear in the length: a long letter-spaced page once its spaces are gone is
cut without keeping a copy of the cut at every position (quadratic memory and time).
"""

from __future__ import annotations

import tracemalloc

import pytest

from classifier.dodges import syllabify
from classifier.normalize import normalize


@pytest.mark.parametrize(
    ("dodged", "reading"),
    [
        ("n.ạ.p.p.h.í", "nạp phí"),
        ("k.h.ô.n.g.g.ọ.i", "không gọi"),
        ("đ.a.n.g.g.ọ.i", "đang gọi"),
        ("c.á.c.c.ô", "các cô"),
        ("t.ố.t.t.í.n.h", "tốt tính"),
        ("v.a.y.t.i.e.n.n.h.a.n.h", "vay tien nhanh"),
        ("k.h.o.n.g.g.i.o.i", "khong gioi"),
    ],
)
def test_letter_doubled_across_a_syllable_boundary(dodged: str, reading: str) -> None:
    assert normalize(dodged) == reading


@pytest.mark.parametrize(
    ("letters", "cut"),
    [
        ("khựaaaađi", ["khựaaaa", "đi"]),  # a repeated vowel at the end: still one syllable
        ("êêêê", ["êêêê"]),  # a repeated first vowel too
        ("ơơơi", ["ơơơi"]),
        ("cácccô", ["cácc", "cô"]),  # the repeat goes with the syllable before, never starts the next
    ],
)
def test_repeated_letters_stay_with_their_syllable(letters: str, cut: list[str]) -> None:
    assert syllabify(letters) == cut


def _peak_bytes(letters: str) -> int:
    tracemalloc.start()
    try:
        syllabify(letters)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_cut_of_a_long_run_grows_linearly() -> None:
    syllabify("chuyểnkhoản")  # the lexicon loaded before measuring
    assert syllabify("chuyểnkhoản" * 3) == ["chuyển", "khoản"] * 3
    small = _peak_bytes("chuyểnkhoản" * 250)
    large = _peak_bytes("chuyểnkhoản" * 1000)
    # 4x the letters: about 4x the memory when linear (3.8x measured); the cut copied at every position took
    # 14x (5.3 MB -> 75 MB)
    assert large < 6 * small
