""" "cao bằng nhau" (as tall as each other) is no Cao Bằng, even after a word that otherwise leads to the
province ("Hai đứa ở cao bằng nhau", "đi cao bằng nhau"); capitalised, or with its province word, it is the
province."""

from __future__ import annotations

import pytest

from classifier.analysis import analyze
from classifier.locality import find_localities, match_localities


def _both_ways(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    d = analyze(text)
    return find_localities(text), match_localities(d.plain_text.split(), d.original)


@pytest.mark.parametrize(
    "text",
    [
        "ở cao bằng nhau",
        "Hai cây ở cao bằng nhau",
        "hai đứa đứng từ cao bằng nhau",
        "Hai đứa ra cao bằng nhau rồi",
    ],
)
def test_as_tall_as_each_other(text: str) -> None:
    assert _both_ways(text) == ((), ()), text


@pytest.mark.parametrize("text", ["ở Cao Bằng nhau nhảy", "ở cao bằng cả tuần", "tỉnh cao bằng nhau"])
def test_province_still_found(text: str) -> None:
    assert _both_ways(text) == (("Cao Bằng",),) * 2, text
