"""A mistyped command is told the command it probably meant: two letters swapped name the command with the same
letters, not one that merely looks closer ("stauts" is `status`, though difflib finds 'stats' nearer); a plain
misspelling still gets the nearest one. Nothing runs (exit 2)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

CLI = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize(("typed", "meant"), [("stauts", "status"), ("stast", "stats"), ("sttas", "stats"),
                                              ("staus", "status"), ("exprot", "export"), ("qeueu", "queue"),
                                              ("dgiest", "digest")])
def test_a_mistyped_command_names_the_one_meant(cli: CLI, typed: str, meant: str) -> None:
    code, out, err = cli(typed)
    assert code == 2 and not out, err
    assert f"có phải {meant!r}?" in err, err
