"""Misinformation indicators beyond the text model, each returned as evidence.

- source credibility: the caller says whether the source is an official outlet (None: unknown);
- sensational cues: shouting in capitals, "chia sẻ gấp", "nóng" as a news label (not weather), "khẩn", "!!!";
  matched as written when the text has diacritics (so "khan hiếm" is not "khẩn"), accent-stripped only for
  text written without them;
- coverage: whether official articles already collected report the same story.
Weights are small on purpose: they move a borderline model score, they never flag on their own. Models
built with the recipe's `cues` read the cues as features (cue_tokens) and weigh them themselves; the
scorer then still shows the cues as evidence but does not add these fixed weights on top.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from classifier.coverage import OfficialCoverage
from classifier.normalize import _nfc_with_map, strip_accents
from classifier.result import Evidence

MISINFO = "misinformation"


@dataclass(frozen=True)
class _Cue:
    name: str
    weight: float
    why: str
    accented: re.Pattern[str]  # for text written with diacritics
    plain: re.Pattern[str]  # for text written without: run on the accent-stripped text
    check: Callable[[str, re.Match[str], bool], bool] | None = None  # (text, match, accented) → counts?


def _cue(name: str, weight: float, why: str, accented: str, plain: str | None = None,
         check: Callable[[str, re.Match[str], bool], bool] | None = None) -> _Cue:
    return _Cue(name, weight, why, re.compile(accented, re.IGNORECASE),
                re.compile(plain if plain is not None else strip_accents(accented), re.IGNORECASE), check)


# "nóng" is hype only as a news label ("Nóng:", "TIN NÓNG", "[Nóng]", "cực nóng" in a headline), never weather
# or temperature: "trời nắng nóng", "nắng nóng gay gắt", "nóng bức", "nước nóng", "sáng nay nóng quá".
_WEATHER_BEFORE = (r"(?:nắng|trời|thời tiết|oi|khí hậu|nhiệt độ|nhiệt|đợt|mùa|hè|nay|ngày|đêm|nước|lò|bếp|người|"
                   r"sốt|đang|bị)(?:\s+(?:cực|rất|quá|siêu|khá|hơi|đang|vẫn|sẽ|còn|càng|thêm|lên|nữa))*\s*$")
_WEATHER_AFTER = r"^\s*(?:bức|nực|gay gắt|ẩm|oi|kỷ lục|như|quá|lạnh|lên|trở lại|kéo dài|hầm|rát|\d)"
_WEATHER = {True: (re.compile(_WEATHER_BEFORE, re.IGNORECASE), re.compile(_WEATHER_AFTER, re.IGNORECASE)),
            False: (re.compile(strip_accents(_WEATHER_BEFORE), re.IGNORECASE),
                    re.compile(strip_accents(_WEATHER_AFTER), re.IGNORECASE))}
_NONG = {True: re.compile(r"nóng", re.IGNORECASE), False: re.compile(r"nong", re.IGNORECASE)}


def _hot_is_news(text: str, m: re.Match[str], accented: bool) -> bool:
    if m.lastgroup == "headline" and "\n" in text[: m.start()]:  # "cực nóng" counts in the first line only
        return False
    word = _NONG[accented].search(m.group(0))
    assert word is not None
    a, b = m.start() + word.start(), m.start() + word.end()
    before, after = _WEATHER[accented]
    return not before.search(text, max(0, a - 40), a) and not after.match(text, b)


_CUES = [
    _cue("share", 0.08, "kêu gọi chia sẻ gấp",
         r"\bchia\s*sẻ\s*gấp\b|\bshare\s*gấp\b|\bhãy chia sẻ\b|\bchia sẻ ngay\b|\blan truyền\s+rộng rãi\b"),
    _cue("hot", 0.05, "gắn nhãn 'nóng'",
         r"\bnóng\s*:|\btin\s+(?:cực\s+|siêu\s+)?nóng\b|[\[(]\s*nóng\s*[\])]|(?-i:\bNÓNG\b)"
         r"|(?P<headline>\bcực\s+nóng\b)",
         # without diacritics "NONG" may be "NÔNG" (farming): no shouted form
         r"\bnong\s*:|\btin\s+(?:cuc\s+|sieu\s+)?nong\b|[\[(]\s*nong\s*[\])]|(?P<headline>\bcuc\s+nong\b)",
         _hot_is_news),
    # without diacritics "khan" is mostly "khan hiếm" (scarce) or "khăn" (towel): only the label forms
    _cue("urgent", 0.05, "gắn nhãn 'khẩn'", r"\bkhẩn\b(?:\s*cấp\b)?",
         r"\bkhan\s*cap\b|\b(?:canh bao|thong bao|tin|lenh|hoa toc)\s+khan\b|\bkhan\s*[:!]"),
    _cue("shock", 0.04, "ngôn từ giật gân",
         r"\bsốc\b|\bchấn động\b|\bgiật mình\b|\bkhông thể tin\b|\bbí mật\b.{0,20}\b(?:che giấu|giấu kín)\b",
         r"(?<!con )\bsoc\b(?!\s*trang)|\bchan dong\b|\bgiat minh\b|\bkhong the tin\b"
         r"|\bbi mat\b.{0,20}\b(?:che giau|giau kin)\b"),
    _cue("suppressed", 0.08, "'không ai đưa tin', 'trước khi bị xóa'",
         r"\bbáo chí không đưa tin\b|\bchính phủ giấu\b|\bbị xóa\b.{0,15}\bnhanh\b|\btrước khi bị xóa\b"),
    _cue("bangs", 0.03, "nhiều dấu chấm than", r"[!?]{3,}"),
]
_CAPS_WORD = re.compile(r"\b[^\W\d_a-zàáảãạăâđèéêìíòóôơùúưỳý]{3,}\b")
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")


def written_with_diacritics(text: str) -> bool:
    """Whether `text` is written with Vietnamese diacritics (at least a quarter of its words carry one), so cues
    are matched as written; text without them is matched accent-stripped ("khan cap" for "khẩn cấp")."""
    words = _LETTER_WORD.findall(text)
    return sum(not w.isascii() for w in words) * 4 >= len(words) > 0


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
    accented = written_with_diacritics(text)
    haystack = text if accented else strip_accents(text)  # length-preserving on NFC text: offsets stay valid
    for cue in _CUES:
        for m in (cue.accented if accented else cue.plain).finditer(haystack):
            if cue.check is None or cue.check(haystack, m, accented):
                a, b = at(m.start()), at(m.end())
                out.append(Evidence(MISINFO, "sensational", original[a:b], a, b, cue.weight, cue.why))
                names.append(cue.name)
                break
    letters = "".join(filter(str.isalpha, text))  # C-level loops: articles run to thousands of characters
    caps = _CAPS_WORD.findall(text)
    if len(letters) >= 20 and sum(map(str.isupper, letters)) / len(letters) > 0.6:
        out.append(Evidence(MISINFO, "sensational", original[: at(min(40, len(text)))], -1, -1, 0.05, "viết hoa toàn bộ"))
        names.append("allcaps")
    elif len(caps) >= 3:
        first = _CAPS_WORD.search(text)
        assert first is not None
        a, b = at(first.start()), at(first.end())
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
