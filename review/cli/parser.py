"""The `canhgac` argument parser, speaking Vietnamese to moderators when a command line is wrong.

argparse words its errors and its help in English ("the following arguments are required: --reason",
"options:", "show this help message and exit"); `Parser` translates the common errors, the "usage:"
prefix, the section titles and the `-h` help. Option names, choices and values are kept as typed, so
the message still says exactly what to change. A message we do not know passes unchanged.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import Any, NoReturn

USAGE_VI = "cách dùng: "
POSITIONALS_VI = "tham số"
OPTIONALS_VI = "tùy chọn"
HELP_VI = "xem hướng dẫn này rồi thoát"


class ArgError(Exception):
    """A command line argparse rejected; the message is already in Vietnamese."""


class Parser(argparse.ArgumentParser):
    """Errors raise `ArgError` (after printing the usage line) instead of exiting, in Vietnamese; help
    sections and the `-h` line are Vietnamese too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._positionals.title = POSITIONALS_VI
        self._optionals.title = OPTIONALS_VI
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = HELP_VI

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise ArgError(argparse_vi(message))

    def format_usage(self) -> str:
        return _usage_vi(super().format_usage())

    def format_help(self) -> str:
        return _usage_vi(super().format_help())


def _usage_vi(text: str) -> str:
    return USAGE_VI + text[len("usage: "):] if text.startswith("usage: ") else text


def _int(m: re.Match[str]) -> str:
    return f"không phải số nguyên: {m['value']}"


def _float(m: re.Match[str]) -> str:
    return f"không phải số: {m['value']}"


_INNER: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)", re.S),
     lambda m: f"giá trị không hợp lệ: {m['value']} (chọn một trong: {m['choices']})"),
    (re.compile(r"invalid int value: (?P<value>.*)", re.S), _int),
    (re.compile(r"invalid float value: (?P<value>.*)", re.S), _float),
    (re.compile(r"invalid (?P<type>\S+) value: (?P<value>.*)", re.S),
     lambda m: f"giá trị không hợp lệ ({m['type']}): {m['value']}"),
    (re.compile(r"expected one argument"), lambda m: "cần một giá trị đi kèm"),
    (re.compile(r"expected at most one argument"), lambda m: "chỉ nhận tối đa một giá trị"),
    (re.compile(r"expected at least one argument"), lambda m: "cần ít nhất một giá trị"),
    (re.compile(r"expected (?P<n>\d+) arguments?"), lambda m: f"cần {m['n']} giá trị"),
    (re.compile(r"not allowed with argument (?P<other>.*)", re.S), lambda m: f"không dùng cùng với {m['other']}"),
    (re.compile(r"ignored explicit argument (?P<value>.*)", re.S), lambda m: f"không nhận giá trị {m['value']}"),
]

_WHOLE: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"the following arguments are required: (?P<args>.*)", re.S),
     lambda m: f"thiếu tham số bắt buộc: {m['args']}"),
    (re.compile(r"unrecognized arguments: (?P<args>.*)", re.S), lambda m: f"không nhận ra tham số: {m['args']}"),
    (re.compile(r"one of the arguments (?P<args>.*) is required", re.S),
     lambda m: f"cần một trong các tham số: {m['args']}"),
    (re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.*)", re.S),
     lambda m: f"tùy chọn {m['option']} chưa rõ, có thể là: {m['matches']}"),
    (re.compile(r"argument (?P<arg>[^:]+): (?P<inner>.*)", re.S),
     lambda m: f"tham số {m['arg']}: {_choice_vi(m['arg'], m['inner']) or _translate(m['inner'], _INNER)}"),
]

_CHOICE = re.compile(r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)", re.S)


def _unquote(text: str) -> str:
    """A value as argparse quoted it (`'vi pham'`; Python 3.12.8+ leaves choices bare)."""
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" else text


def _choice_labels(arg: str) -> dict[str, str]:
    """The Vietnamese names of an option's choices, when moderators know the choices by them."""
    if arg.split("/")[0].strip() == "--verdict":
        from review.vi import VERDICT_VI

        return dict(VERDICT_VI)
    return {}


def _choice_vi(arg: str, inner: str) -> str | None:
    """A value that is none of the option's choices, in Vietnamese, with the choice it probably meant (its code or
    Vietnamese name mistyped, or typed without diacritics: "violaton", "vi pham" -> 'violation'), as a mistyped
    category or status is told (`review.filters`). The choices are argparse's, so they are the option's own
    (`--verdict`: `review.models.VERDICTS`)."""
    from review.filters import _meant

    m = _CHOICE.fullmatch(inner)
    if m is None:
        return None
    choices = [_unquote(c) for c in m["choices"].split(", ")]
    labels = _choice_labels(arg)
    hint = _meant(_unquote(m["value"]).strip().lower(), labels, choices)
    listed = (", ".join(f"{c!r} ({labels[c]})" if c in labels else repr(c) for c in choices) if labels
              else m["choices"])
    return f"giá trị không hợp lệ: {m['value']}{hint} (chọn một trong: {listed})"


def _translate(message: str, table: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]) -> str:
    for pattern, render in table:
        m = pattern.fullmatch(message)
        if m:
            return render(m)
    return message


def argparse_vi(message: str) -> str:
    """argparse's English error message in Vietnamese; option names, choices and values unchanged."""
    return _translate(message, _WHOLE)
