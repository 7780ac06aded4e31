"""DataError, the one exception of reading data files, and the words its messages share.

Every reader (CSV, JSONL, text decoding, label cells) raises it with one line of Vietnamese naming file and line.
"""

from __future__ import annotations


class DataError(Exception):
    """A data file is missing or malformed; the message is one line naming file and row."""


def _where(path: str, line: int) -> str:
    return f"{path}:{line}"


def _type_name(value: object) -> str:
    """The JSON type of `value`, in words the user reads."""
    return {dict: "đối tượng", list: "mảng", bool: "true/false", int: "số", float: "số",
            type(None): "null"}.get(type(value), type(value).__name__)
