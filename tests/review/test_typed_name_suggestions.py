"""What a mistyped category or status probably meant is suggested only when it is really close: one letter
("--category l") no longer 'means' the first category whose Vietnamese name starts with it, and a status typed
short, in another form or in Vietnamese ("claim", "opened", "đang", "chờ") is told the status it names."""

from __future__ import annotations

from collections.abc import Callable

import pytest

CLI = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize("typed", ["l", "q", "t", "xyz"])
def test_a_letter_or_a_stray_word_suggests_no_category(cli: CLI, typed: str) -> None:
    code, _, err = cli("queue", "--category", typed)
    assert code == 2 and "có phải" not in err and "các nhóm:" in err, err


@pytest.mark.parametrize(("typed", "meant"), [("lừa", "scam"), ("sca", "scam"), ("offensiv", "offensive")])
def test_a_start_of_three_letters_or_a_close_spelling_suggests_the_category(cli: CLI, typed: str,
                                                                             meant: str) -> None:
    code, _, err = cli("queue", "--category", typed)
    assert code == 2 and f"có phải {meant!r}?" in err, err


@pytest.mark.parametrize(("typed", "meant"), [("claim", "claimed"), ("opened", "open"), ("đang", "claimed"),
                                              ("chờ", "open"), ("decide", "decided")])
def test_a_mistyped_status_suggests_the_status(cli: CLI, typed: str, meant: str) -> None:
    code, _, err = cli("queue", "--status", typed)
    assert code == 2 and f"có phải {meant!r}?" in err, err
