"""No Viet74K word list in the installed underthesea (another version moved or dropped it).

The lexicon is read lazily, so the scorer loads either way; without the file every dotted or spaced dodge (the
scam texts) used to raise FileNotFoundError at scoring time, text after text. Now the missing file is looked
for once, one warning is logged, and letters are cut by the syllable grammar alone, as before the lexicon.
"""

from __future__ import annotations

import logging
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from classifier import lexicon, normalize


@pytest.fixture
def no_viet74k(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    # an underthesea whose package folder has no corpus/data/Viet74K.txt
    monkeypatch.setattr(lexicon, "resources", types.SimpleNamespace(files=lambda pkg: tmp_path))
    lexicon._lexicon.cache_clear()
    lexicon._plain.cache_clear()
    normalize._cached_syllables.cache_clear()
    yield
    lexicon._lexicon.cache_clear()
    lexicon._plain.cache_clear()
    normalize._cached_syllables.cache_clear()


def test_scorer_loads_then_dodged_text_does_not_crash(no_viet74k: None, default_scorer) -> None:  # type: ignore[no-untyped-def]
    assert default_scorer.score("Xin chào bà con, hôm nay trời đẹp") is not None
    result = default_scorer.score("Liên hệ n.h.à.c.á.i uy tín, c.h.u.y.ể.n k.h.o.ả.n ngay")
    assert result is not None


def test_normalize_dodge_without_lexicon(no_viet74k: None) -> None:
    assert "nhà cái" in normalize.normalize("vào n.h.à.c.á.i 8 8")
    assert "chuyển khoản" in normalize.normalize("c.h.u.y.ể.n k.h.o.ả.n ngay")


def test_missing_word_list_is_looked_for_once_and_warned_once(
    no_viet74k: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="classifier.lexicon"):
        for text in ("n.ạ.p t.i.ề.n", "c.h.u.y.ể.n k.h.o.ả.n", "l.ừ.a đ.ả.o"):
            normalize.normalize(text)
    warnings = [r for r in caplog.records if r.name == "classifier.lexicon"]
    assert len(warnings) == 1
    assert "Viet74K" in warnings[0].getMessage()
    assert lexicon.available() is False
    assert lexicon._lexicon.cache_info().misses == 1


def test_the_installed_word_list_is_read() -> None:
    assert lexicon.available()
    assert lexicon.is_attested("nhận") and not lexicon.is_attested("đển")
