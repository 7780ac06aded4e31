"""Offline language detection: is this Vietnamese (with or without diacritics)?

underthesea's lang_detect downloads a model at run time, which canhgac must never do. Vietnamese is easy
to recognise: letters only it uses (ă, ơ, ư, đ, tone-marked vowels) or, without diacritics, its very
frequent function words. Returns "vi", "en", "other", or "und" (too little text to say).
"""

from __future__ import annotations

import re

from classifier.normalize import nfc, strip_accents

_VI_ONLY = set("ăâđêôơưĂÂĐÊÔƠƯ") | {c for c in map(chr, range(0x1EA0, 0x1EFA))} | set("àáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ")
_VI_WORDS = set("""và là của có không được cho người những các một này đã với trong khi thì mà để ra đi làm
như vì nhưng rồi nếu bị từ lại cũng nên sẽ đang còn ở tôi bạn anh em chị mình nó họ chúng ta rất quá nhiều
thế nào gì sao ai đâu vậy nhé nha ạ ơi đây đó năm ngày tiền việc hay""".split())
_VI_PLAIN = {strip_accents(w) for w in _VI_WORDS} - {"a", "i", "o", "to", "an", "ten", "can", "hay", "me", "do", "the", "con"}
_EN_WORDS = set("""the a an and or of to in is are was were be been it this that for on with as at by from you i we
they he she not but have has had do does did will would can could should my your our their what which who""".split())
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str:
    text = nfc(text)
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 2 and sum(len(w) for w in words) < 4:
        return "und"
    letters = sum(len(w) for w in words)
    vi_chars = sum(1 for w in words for c in w if c in _VI_ONLY)
    if vi_chars / max(letters, 1) > 0.05:
        return "vi"
    n = len(words)
    vi = sum(1 for w in words if w in _VI_PLAIN) / n
    en = sum(1 for w in words if w in _EN_WORDS) / n
    if vi >= 0.15 and vi > en:
        return "vi"
    if en >= 0.15:
        return "en"
    # short Vietnamese without diacritics: syllables are short and mostly CV(C)
    if n >= 3 and vi > 0 and sum(len(w) for w in words) / n <= 4.2:
        return "vi"
    return "other"
