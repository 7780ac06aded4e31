"""Misinformation indicators beyond the text model, each returned as evidence.

- source credibility: the caller says whether the source is an official outlet (None: unknown);
- sensational cues: shouting in capitals, "chia sẻ gấp", "nóng", "khẩn", "!!!";
- coverage: whether official articles already collected report the same story.
Weights are small on purpose: they move a borderline model score, they never flag on their own. Models
built with the recipe's `cues` read the cues as features (cue_tokens) and weigh them themselves; the
scorer then still shows the cues as evidence but does not add these fixed weights on top.
"""

from __future__ import annotations

import re

from classifier.coverage import OfficialCoverage
from classifier.normalize import _nfc_with_map
from classifier.result import Evidence

MISINFO = "misinformation"
_CUES = [
    (re.compile(p, re.IGNORECASE), w, why, name) for p, w, why, name in (
        (r"\bchia\s*s[ẻe]\s*g[ấa]p\b|\bshare\s*g[ấa]p\b|\bhãy chia sẻ\b|\bchia sẻ ngay\b|\blan truyền\s+rộng rãi\b",
         0.08, "kêu gọi chia sẻ gấp", "share"),
        (r"\bn[óo]ng\b\s*[:!]|\btin n[óo]ng\b|\bnóng hổi\b", 0.05, "gắn nhãn 'nóng'", "hot"),
        (r"\bkh[ẩa]n\b(?:\s*c[ấa]p)?|\bcảnh báo khẩn\b|\bkhẩn cấp\b", 0.05, "gắn nhãn 'khẩn'", "urgent"),
        (r"\bsốc\b|\bchấn động\b|\bgiật mình\b|\bkhông thể tin\b|\bbí mật\b.{0,20}\b(?:che giấu|giấu kín)\b", 0.04,
         "ngôn từ giật gân", "shock"),
        (r"\bbáo chí không đưa tin\b|\bchính phủ giấu\b|\bbị xóa\b.{0,15}\bnhanh\b|\btrước khi bị xóa\b", 0.08,
         "'không ai đưa tin', 'trước khi bị xóa'", "suppressed"),
        (r"[!?]{3,}", 0.03, "nhiều dấu chấm than", "bangs"),
    )
]
_CAPS_WORD = re.compile(r"\b[^\W\d_a-zàáảãạăâđèéêìíòóôơùúưỳý]{3,}\b")


def sensational_cues(text: str) -> list[Evidence]:
    return named_cues(text)[0]


def cue_tokens(text: str) -> list[str]:
    """The sensational cues that fire in `text` as tokens ("cue_share", "cue_allcaps" ...), for models that
    learn the cues' weight as features (recipe `cues`) instead of adding them with fixed weights."""
    return ["cue_" + n for n in named_cues(text)[1]]


def named_cues(text: str) -> tuple[list[Evidence], list[str]]:
    """The cues as evidence, and the name of each (same order; the token is "cue_" + name)."""
    original = text
    names: list[str] = []
    text, pos = _nfc_with_map(text)

    def at(i: int) -> int:
        return pos[i] if pos is not None else i

    out: list[Evidence] = []
    for pattern, weight, why, name in _CUES:
        m = pattern.search(text)
        if m:
            a, b = at(m.start()), at(m.end())
            out.append(Evidence(MISINFO, "sensational", original[a:b], a, b, weight, why))
            names.append(name)
    letters = "".join(filter(str.isalpha, text))  # C-level loops: articles run to thousands of characters
    caps = _CAPS_WORD.findall(text)
    if len(letters) >= 20 and sum(map(str.isupper, letters)) / len(letters) > 0.6:
        out.append(Evidence(MISINFO, "sensational", original[: at(min(40, len(text)))], -1, -1, 0.05, "viết hoa toàn bộ"))
        names.append("allcaps")
    elif len(caps) >= 3:
        m = _CAPS_WORD.search(text)
        assert m is not None
        a, b = at(m.start()), at(m.end())
        out.append(Evidence(MISINFO, "sensational", original[a:b], a, b, 0.03, "nhiều từ viết hoa"))
        names.append("caps")
    return out, names


def source_evidence(official: bool | None) -> Evidence | None:
    if official is True:
        return Evidence(MISINFO, "source", "", -1, -1, -0.5, "nguồn chính thống (cơ quan báo chí/nhà nước)")
    if official is False:
        return Evidence(MISINFO, "source", "", -1, -1, 0.05, "nguồn không chính thống, chưa xác minh")
    return None


def coverage_evidence(coverage: OfficialCoverage, text: str, title: str = "") -> list[Evidence]:
    hits = coverage.find_similar(f"{title}\n{text}" if title else text, limit=3)
    if not hits:
        return [Evidence(MISINFO, "coverage", "", -1, -1, 0.1,
                         "không tìm thấy bài chính thống nào đưa tin tương tự")]
    best = hits[0]
    return [Evidence(MISINFO, "coverage", best.title, -1, -1, -min(0.6, best.similarity * 1.5),
                     f"có bài chính thống tương tự: {best.ref} {best.url} (độ giống {best.similarity:.2f})")]
