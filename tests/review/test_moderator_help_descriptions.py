"""`--help` of the moderators' commands says what each does beyond one line: the keys of `review`, what a claim
is for and how long it lasts, what `decide`'s verdicts and categories must fit, that `undo` keeps the history and
`bulk` only lists without --yes. A ward officer reads these before acting (in Vietnamese)."""

from __future__ import annotations

import pytest

from crawler.cli import main


def _help(capsys: pytest.CaptureFixture[str], command: str) -> str:
    assert main([command, "--help"]) == 0
    return capsys.readouterr().out


def test_review_help_lists_its_keys(capsys: pytest.CaptureFixture[str]) -> None:
    out = _help(capsys, "review")
    for key in ("v", "b", "e", "t", "s", "n", "u", "q"):
        assert f"[{key}]" in out, out
    assert "Ctrl-C" in out, out


@pytest.mark.parametrize(("command", "said"), [
    ("claim", "claim_minutes"), ("release", "hàng chờ"), ("decide", "tôn vinh"), ("undo", "lịch sử"),
    ("bulk", "--confirm"),
])
def test_moderator_commands_describe_themselves(capsys: pytest.CaptureFixture[str], command: str, said: str) -> None:
    out = _help(capsys, command)
    description = out.split("\n\n")[1]  # between the usage and the first section
    assert not description.startswith(("tham số", "tùy chọn")), out
    assert said in description.replace("\n", " "), description
