"""`canhgac --help` and every subcommand's `--help` read in Vietnamese: our descriptions and option help,
and argparse's own words (usage, section titles, the `-h` line). Option names, metavars, choices and
other technical tokens stay as they are."""

from __future__ import annotations

import argparse
import re

import pytest

from crawler.cli import build_parser, main


def _commands() -> list[tuple[str, ...]]:
    """Every command path: (), ("init",), ..., ("config", "check"), ("audit", "verify")."""
    paths: list[tuple[str, ...]] = []

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        paths.append(path)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, (*path, name))

    walk(build_parser(), ())
    return paths


COMMANDS = _commands()

# What the help said before it was translated; none of it may come back.
OLD_ENGLISH = [
    "collect, score and review online content", "configuration file (default", "act as this moderator",
    "create or upgrade the database schema", "sources, last crawls, backlog", "configuration tools",
    "validate the configuration file", "train a classifier model", "score texts: one JSON object",
    "claim an entry (or the next one) so nobody else decides it meanwhile", "give back an entry you claimed",
    "record a verdict on an entry", "reverse an entry's last decision", "one verdict for many entries",
    "interactive review loop", "audit log tools", "check the hash chain", "export decisions, flagged items",
    "preview or send the weekly summary", "crawl configured sources now", "store a citizen report",
    "run the daemon", "see the whole system work", "machine-readable output",
    # argparse's own words
    "usage:", "positional arguments", "options:", "show this help message and exit",
]

# English words that never occur in Vietnamese text; a help line using them was written in English.
# Lowercase only: metavars (FILE, NAME) are upper case; command names (show, run) are not in the list.
_ENGLISH_WORDS = re.compile(r"\b(the|and|with|when|this|that|from|for|each|every|only|into|per|or|of|is|are|"
                            r"not|list|default|file|entry|entries|write|give|if|than|else|e\.g)\b")
# Tokens kept as typed: options, keys, paths, [sections], 'values', `commands`, e.g. sender_type, 0=clean.
_TECHNICAL = re.compile(r"\S*[-_./=$\[\]`'{}|<>():0-9]\S*")


def _help(capsys: pytest.CaptureFixture[str], path: tuple[str, ...]) -> str:
    assert main([*path, "--help"]) == 0
    return capsys.readouterr().out


def test_commands_cover_every_subcommand() -> None:
    names = {p[0] for p in COMMANDS if p}
    assert {"init", "status", "config", "train", "classify", "evaluate", "queue", "claim", "decide", "bulk",
            "audit", "export", "digest", "crawl", "report", "run", "demo"} <= names
    assert ("config", "check") in COMMANDS and ("audit", "verify") in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "canhgac")
def test_help_is_vietnamese(capsys: pytest.CaptureFixture[str], path: tuple[str, ...]) -> None:
    text = _help(capsys, path)
    assert text.startswith("cách dùng: canhgac"), text
    assert "xem hướng dẫn này rồi thoát" in text and "tùy chọn:" in text
    for old in OLD_ENGLISH:
        assert old not in text, (old, text)
    body = text.split("\n\n", 1)[1]  # the usage lines name options and metavars only
    english = [line for line in body.splitlines() if _ENGLISH_WORDS.search(_TECHNICAL.sub(" ", line))]
    assert not english, english


def test_every_help_string_is_vietnamese() -> None:
    """Each description and option help says something in Vietnamese, not only technical tokens."""
    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        if parser.description:
            assert re.search(r"[à-ỹđ]", parser.description, re.I), (path, parser.description)
        for action in parser._actions:
            if action.help and action.help is not argparse.SUPPRESS:
                assert re.search(r"[à-ỹđ]", action.help, re.I), (path, action.option_strings, action.help)
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{path} {name}")

    walk(build_parser(), "canhgac")


def test_top_level_help_lists_commands_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys, ())
    assert "lệnh:" in text and "--config PATH" in text and "--as NAME" in text
    assert "tạo hoặc nâng cấp cơ sở dữ liệu" in text
    assert "nhận xử lý một mục" in text
