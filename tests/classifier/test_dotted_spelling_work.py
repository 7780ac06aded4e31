"""A long spelling of dotted capitals with a space after each stop ("O.K. O.K. O.K. …", what a spam page or a
hostile post can hold by the thousand) is undone in work linear in its length: deciding whether the letters
after each gap go on the word before looked at the whole word joined so far, so 8,000 "O.K. " took minutes of
one core. Counted in letters handed to the syllabifier, not in seconds."""

from __future__ import annotations

import pytest

from classifier import dodges
from classifier.normalize import normalize


def _letters_syllabified(text: str, monkeypatch: pytest.MonkeyPatch) -> int:
    seen = [0]
    real = dodges.syllabify

    def counting(letters: str) -> list[str]:
        seen[0] += len(letters)
        return real(letters)

    monkeypatch.setattr(dodges, "syllabify", counting)
    normalize(text)
    return seen[0]


@pytest.mark.parametrize("unit", ["O.K. ", "c.h.u. ", "N.G.U. "])
def test_work_grows_linearly_with_a_long_dotted_spelling(unit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    short = _letters_syllabified(unit * 200, monkeypatch)
    long = _letters_syllabified(unit * 800, monkeypatch)
    assert long <= 5 * short, (short, long)  # 4x the text: about 4x the letters, never 16x


def test_a_dotted_word_over_a_gap_still_reads_as_one() -> None:
    assert normalize("l.ừ. a đ.ả. o") == "lừa đảo"
    assert normalize("c.h.u.y. ể.n k.h.o. ả.n") == "chuyển khoản"
