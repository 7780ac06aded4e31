"""HTML character references left in text ("Vi&#7879;c nh&#7865; l&#432;&#417;ng cao", "chuyển&nbsp;khoản").

Text exported from a web form or a CMS, or pasted from page source, sometimes keeps its entities. A reader of
the page sees "Việc nhẹ lương cao"; the model read "vi 7879 c nh 7865 …" (a task offer scored 0.89 `scam` as
written, 0.14 entity-encoded). References are decoded here with a map back to the original offsets, so evidence
still slices the text as given. Only complete references (with their ";") are decoded: "?a=1&copy=2" in a link
stays as written, and so does a name that only begins with one ("&notit;", "&copyright;", "AT&T;"). Over the
64,700 distinct texts of the shared data sets and the seeds none holds one, so ordinary text reads exactly as
before. Imports nothing else of canhgac.
"""

from __future__ import annotations

import html
import re
from html.entities import html5

_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> tuple[str, list[int] | None]:
    """`text` with its HTML character references decoded, and pos[i] = offset in `text` of character i (one
    more entry: len(text)), or None when there was none. Unknown names ("&foo;", "&notit;", "&ltd;") stay as
    written: a name is decoded only when the whole of it, with its ";", is an HTML5 name (case counts)."""
    if "&" not in text:
        return text, None
    parts: list[str] = []
    pos: list[int] = []
    at = 0
    changed = False
    for m in _REFERENCE.finditer(text):
        a, b = m.span()
        ref = m.group(0)
        # a name counts only whole, as the HTML5 table spells it ("&GT;" yes, "&notit;" "&ltd;" "AT&T;" no):
        # html.unescape would decode the longest legacy prefix of an unknown name ("&notit;" -> "¬it;")
        decoded = html.unescape(ref) if ref[1] == "#" else html5.get(ref[1:], ref)
        if decoded == ref or not decoded:
            continue
        parts.append(text[at:a])
        pos.extend(range(at, a))
        parts.append(decoded)
        # the first character stands for the whole reference; any more (a few names decode to two) sit at its end
        pos.append(a)
        pos.extend(max(a, b - (len(decoded) - k)) for k in range(1, len(decoded)))
        at = b
        changed = True
    if not changed:
        return text, None
    parts.append(text[at:])
    pos.extend(range(at, len(text)))
    pos.append(len(text))
    return "".join(parts), pos
