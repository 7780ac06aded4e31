"""Exports for people, their values: a sheet with Vietnamese headers says "vi phạm", not `violation`.

Ward officers read what the moderators' CLI shows (`review.vi`): in the officers' shape of an export
(`review.export_headers.for_officers`) each verdict, category and status is written with its Vietnamese name, and
a yes/no column as "có"/"không" (an empty cell stays empty: no verdict yet). The machine format keeps the codes.
Only these columns change; a value with no Vietnamese name (a category a newer model added) stays as it is, and
the audit log's actions and details, and an item's kind, stay as recorded. `read_export` maps the names back
(`values_read`), to the codes the machine format of the same file format reads as.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from classifier.categories import VI_LABELS
from review.vi import STATUS_VI, VERDICT_VI

YES_NO_VI: Final[dict[Any, str]] = {True: "có", False: "không"}

#: The Vietnamese name of each coded value, by export column (`review.export.COLUMNS`).
VALUES_VI: Final[dict[str, dict[Any, str]]] = {
    "verdict": dict(VERDICT_VI),
    "category": dict(VI_LABELS),
    "verdict_category": dict(VI_LABELS),
    "top_category": dict(VI_LABELS),
    "status": dict(STATUS_VI),
    "bulk": YES_NO_VI,
    "undone": YES_NO_VI,
    "is_report": YES_NO_VI,
}

_CODES: Final[dict[str, dict[str, Any]]] = {c: {name: code for code, name in names.items()}
                                            for c, names in VALUES_VI.items()}


def vi_values(columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """`rows` with each coded cell written by its Vietnamese name."""
    coded = [(i, VALUES_VI[c]) for i, c in enumerate(columns) if c in VALUES_VI]
    for row in rows:
        cells = list(row)
        for i, names in coded:
            if cells[i] is not None:
                cells[i] = names.get(cells[i], cells[i])
        yield tuple(cells)


def values_read(row: dict[str, Any], fmt: str) -> dict[str, Any]:
    """A row read from a file in the officers' shape, keyed by column, its Vietnamese names mapped back to the codes;
    a yes/no as the machine format of `fmt` reads it (CSV: the text "True"/"False"; XLSX: a boolean)."""
    out = dict(row)
    for column, value in row.items():
        codes = _CODES.get(column)
        if codes is not None and isinstance(value, str) and value in codes:
            code = codes[value]
            out[column] = str(code) if fmt == "csv" and isinstance(code, bool) else code
    return out
