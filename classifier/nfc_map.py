"""NFC normalisation that remembers where each character came from, so evidence offsets point into the text as
it was given (NFD input from some keyboards and sites, legacy font text). Imports nothing else of canhgac."""

from __future__ import annotations

import unicodedata


def nfc_with_map(text: str) -> tuple[str, list[int] | None]:
    """NFC text plus, when it differs from the input, pos[i] = original offset of NFC char i (len+1 long).

    Each base character and the combining marks after it are composed together. Marks that do not compose
    (a stray tilde on "c", a second tone mark) stay in the NFC text as their own characters; they map to the
    cluster's last offsets, not its first, so a span that ends on the base letter ("c" of "c" + U+0303) still
    ends after it in the original, never on its start (an empty span)."""
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
        if piece == text[i:j]:
            pos.extend(range(i, j))
        else:  # composed: the first character stands for the base and the marks it took in; leftovers come last
            pos.append(i)
            pos.extend(max(i, j - (len(piece) - k)) for k in range(1, len(piece)))
        i = j
    pos.append(n)
    return "".join(out), pos
