"""Which CSV header name or JSONL key is the column the user typed.

The same name first; else the names that are the same once both are NFC and stripped of surrounding whitespace:
Excel keeps a header "Nội dung " with its stray space, and files from macOS tools may spell "Nội" with decomposed
marks, while the name typed on the command line is NFC without spaces. To the eye they are the same name, and the
"missing column" error listing it was a riddle. Letter case still counts ("Text" is not "text").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def column_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip()


def find_column(name: str, names: Sequence[str]) -> list[int]:
    """The positions in `names` of the column `name`: its exact matches, else those equal to it by column_key
    ([] when none; two or more: the name is ambiguous, which the caller refuses)."""
    exact = [i for i, n in enumerate(names) if n == name]
    if exact:
        return exact
    key = column_key(name)
    return [i for i, n in enumerate(names) if column_key(n) == key] if key else []
