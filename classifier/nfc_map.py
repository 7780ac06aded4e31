"""NFC normalisation that remembers where each character came from, so evidence offsets point into the text as
it was given (NFD input from some keyboards and sites, legacy font text). Imports nothing else of canhgac."""

from __future__ import annotations

import unicodedata


def nfc_with_map(text: str) -> tuple[str, list[int] | None]:
    """NFC text plus, when it differs from the input, pos[i] = original offset of NFC char i (len+1 long)."""
    if unicodedata.is_normalized("NFC", text):
        return text, None
    out: list[str] = []
    pos: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = unicodedata.normalize("NFC", text[i:j])
        out.append(piece)
        pos.extend([i] * len(piece))
        i = j
    pos.append(n)
    return "".join(out), pos
