"""Which review entries a command is about: one filter type for `queue`, `claim --next` and `bulk`.

`parse_where` reads bulk's `--where` expression: space- or comma-separated terms such as
`category=offensive source=fb-groups score<0.7 since=2025-01-01 report=no status=open`. With `category=`, `score`
bounds that category's score; without, the entry's top score.

A category means what the entry is about now (`category_matches`): for an undecided entry its flags, for a decided
one the category its standing decision recorded, which the moderator may have corrected (a flag for `scam` decided
as `illegal_ad` is listed under `illegal_ad`, no longer under `scam`); a dismissed one (the flags were wrong) its
flags, so that each category's false positives are listed under it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, union_all
from sqlalchemy.orm import aliased

from classifier.categories import CATEGORIES, VI_LABELS
from review.citizen import CRAWL_JOIN
from review.errors import UsageError
from review.models import CLAIMED, DECIDED, ENTRY_STATUSES, OPEN, VERDICTS, AuditLog, ReviewEntry, ReviewFlag
from review.vi import CATEGORY_SHORT_VI, STATUS_VI, VERDICT_VI, VN_TZ

SelectT = TypeVar("SelectT", bound=Select)  # type: ignore[type-arg]
_TERM = re.compile(r"^([a-z_]+)\s*(<=|>=|=|<|>)\s*(.+)$")
_REL = re.compile(r"^(\d+)\s*([hdw])$")
_VN_DATE = re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2}))?$")
#: The first year a date, week or report may be about: canhgac holds nothing older.
YEAR_MIN = 2000
#: The last year the end of a window (`--until`) may name: far enough to mean "no end", and clear of year 9999,
#: which overflows once moved between zones.
END_YEAR_MAX = 9000


@dataclass(frozen=True)
class EntryFilter:
    category: str | None = None  # flagged for it (any flag, not only the top one); decided: recorded under it
    status: str | None = None
    source: str | None = None
    since: datetime | None = None  # entered the queue at or after
    until: datetime | None = None  # entered the queue before
    min_score: float | None = None  # top score; with `category`, that category's score
    max_score: float | None = None
    is_report: bool | None = None

    def with_(self, **changes: Any) -> EntryFilter:
        return replace(self, **changes)

    def describe(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, datetime) else v)
                for k, v in self.__dict__.items() if v is not None}


def apply_filter(q: SelectT, f: EntryFilter, *, undecided: bool = False) -> SelectT:
    """`q` narrowed to `f`. `undecided`: the caller takes only undecided entries (`claim_next`, `bulk`), so a
    category is matched on the flags alone — one EXISTS PostgreSQL answers from the flags index, not the OR with the
    decided entries' recorded category, which made it walk every open entry (0.05 ms → 630 ms at 300,000 entries
    for a category with nothing left)."""
    e = ReviewEntry
    if f.status is not None:
        q = q.where(e.status == f.status)
    if f.category is not None:
        # with a category, a score bound is about that category's flag ("category=offensive score<0.6": the weak
        # offensive flags), which need not be the entry's top one
        flag = exists().where(ReviewFlag.entry_id == e.id, ReviewFlag.category == f.category)
        if f.min_score is not None:
            flag = flag.where(ReviewFlag.score >= f.min_score)
        if f.max_score is not None:
            flag = flag.where(ReviewFlag.score <= f.max_score)
        q = q.where(category_matches(f.category, OPEN if undecided else f.status, flag,
                                     bounded=f.min_score is not None or f.max_score is not None))
    if f.source is not None:
        # its own source, or a report's entry a page of that source joined: one IN over the union of two indexed
        # selects, never an audit lookup per entry (the EXISTS this replaced). PostgreSQL drives the query from the
        # union; SQLite, given the caller's `status = ?` terms, may still walk those statuses and test each entry
        # against the list. `queue` itself reads through review.listing._ids_query, which avoids that walk.
        own, joined = aliased(ReviewEntry), aliased(ReviewEntry)
        own_ids = select(own.id).where(own.source_name == f.source)
        if f.status is not None:  # then the (status, source_name, priority) index answers it alone
            own_ids = own_ids.where(own.status == f.status)
        joined_ids = select(joined.id).where(joined.is_report.is_(True), joined.id.in_(joined_report_ids(f.source)))
        q = q.where(e.id.in_(union_all(own_ids, joined_ids)))
    if f.since is not None:
        q = q.where(e.created_at >= f.since)
    if f.until is not None:
        q = q.where(e.created_at < f.until)
    if f.min_score is not None and f.category is None:
        q = q.where(e.top_score >= f.min_score)
    if f.max_score is not None and f.category is None:
        q = q.where(e.top_score <= f.max_score)
    if f.is_report is not None:
        q = q.where(e.is_report.is_(f.is_report))
    return q


def category_matches(category: str, status: str | None, flagged: ColumnElement[bool], *,
                     bounded: bool = False) -> ColumnElement[bool]:
    """Whether an entry is about `category`: an undecided one when it is flagged for it (`flagged`, the EXISTS over
    its flags), a decided one when its standing decision recorded it (`ReviewEntry.verdict_category`, which `decide`
    sets and `undo` clears with the decision in one transaction: the category of the latest decision not undone),
    whatever it was flagged for; a dismissed entry, or one with no recorded category, by its flags. `status`: the filter's, so
    a list of one status gets only its own half of the test (no OR the indexes cannot answer). `bounded`: a score
    bound is about the category's flag, so a decided entry must also have that flag within it."""
    e = ReviewEntry
    if status in (OPEN, CLAIMED):
        return flagged
    recorded: ColumnElement[bool] = and_(e.verdict_category == category, e.verdict != "dismiss")
    if bounded:
        recorded = and_(recorded, flagged)
    # a dismissal says the flags were wrong: listed under what it was flagged for (false positives per category),
    # as is a decision with no recorded category
    unrecorded = and_(or_(e.verdict_category.is_(None), e.verdict == "dismiss"), flagged)
    if status == DECIDED:
        return or_(recorded, unrecorded)
    return or_(and_(e.status == DECIDED, or_(recorded, unrecorded)), and_(e.status != DECIDED, flagged))


def joined_report_ids(source: str) -> Select[Any]:
    """Ids of the entries that a crawled page of `source` joined (audit `crawl_join` rows: a citizen report's
    entry, whose content the page had; it opened no entry of its own, review.citizen.record_joins). Read through
    `ix_audit_log_action_entry`: such rows are few, however long the log. May name an entry more than once."""
    return select(AuditLog.entry_id).where(AuditLog.action == CRAWL_JOIN,
                                           AuditLog.details["source"].as_string() == source)


def entry_ids_query(f: EntryFilter) -> Select[Any]:
    return apply_filter(select(ReviewEntry.id), f)


def parse_when(value: str, *, now: datetime | None = None, end: bool = False) -> datetime:
    """`2025-03-01`, `2025-03-01T08:00`, the Vietnamese `01/03/2025` (`01/03/2025 08:00`), or relative `36h`,
    `7d`, `2w` (that long ago), as a UTC instant. A date or time without a zone is Vietnam time, where the
    office works: `2026-11-22` and `22/11/2026` are local midnight.

    Years before `YEAR_MIN` are a usage error (canhgac holds nothing older; year 1 overflows once moved to
    UTC), and so are years after next year (`max_year`), except for the end of a window (`end`, an
    `--until`), which may be as late as `END_YEAR_MAX`: `--until 2100-01-01` means "no end"."""
    value = value.strip()
    now = now or datetime.now(UTC)
    m = _REL.match(value)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        try:
            delta = {"h": timedelta(hours=n), "d": timedelta(days=n), "w": timedelta(weeks=n)}[unit]
            instant = now - delta
        except OverflowError:
            raise _out_of_range(value, max_year(now)) from None
        if instant.astimezone(VN_TZ).year < YEAR_MIN:
            raise _out_of_range(value, max_year(now))
        return instant
    parsed = _parse_date(value)
    last = END_YEAR_MAX if end else max_year(now)
    # the written year first: moving year 1 or 9999 to another zone overflows
    if not YEAR_MIN <= parsed.year <= last or (
            parsed.tzinfo is not None and not YEAR_MIN <= parsed.astimezone(VN_TZ).year <= last):
        raise _out_of_range(value, last)
    return (parsed.replace(tzinfo=VN_TZ) if parsed.tzinfo is None else parsed).astimezone(UTC)


def _parse_date(value: str) -> datetime:
    m = _VN_DATE.match(value)
    try:
        if m:
            day, month, year = int(m["d"]), int(m["m"]), int(m["y"])
            hour, minute = (int(m["H"]), int(m["M"])) if m["H"] else (0, 0)
            return datetime(year, month, day, hour, minute)
        return datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"ngày không hợp lệ {value!r}: dùng DD/MM/YYYY (ví dụ 04/12/2026), YYYY-MM-DD, "
                         "YYYY-MM-DDTHH:MM hoặc 7d/36h/2w") from None


def max_year(now: datetime | None = None) -> int:
    """The last year a date may fall in: next year, Vietnam time."""
    return (now or datetime.now(UTC)).astimezone(VN_TZ).year + 1


def check_year(year: int, *, now: datetime | None = None) -> int:
    """`year` itself when within `YEAR_MIN` .. next year, else a usage error (`--year 0` is no "this year")."""
    if not YEAR_MIN <= year <= max_year(now):
        raise UsageError(f"năm {year} không hợp lệ: cần một năm từ {YEAR_MIN} đến {max_year(now)}")
    return year


def check_window(since: datetime | None, until: datetime | None,
                 names: tuple[str, str] = ("--since", "--until")) -> None:
    """A window that holds nothing (since at or after until, until being excluded) is a usage error: an
    empty export that looks like a quiet period would mislead whoever reads it."""
    if since is not None and until is not None and since >= until:
        raise UsageError(f"{names[0]} ({_local(since)}) phải trước {names[1]} ({_local(until)}): không có ngày nào "
                         f"từ {names[0]} đến trước {names[1]} ({names[1]} không tính chính ngày đó)")


def _local(t: datetime) -> str:
    local = t.astimezone(VN_TZ)
    return local.strftime("%d/%m/%Y") if (local.hour, local.minute) == (0, 0) else local.strftime("%d/%m/%Y %H:%M")


def _out_of_range(value: str, last: int) -> UsageError:
    return UsageError(f"ngày {value!r} nằm ngoài khoảng cho phép: cần một ngày từ năm {YEAR_MIN} đến {last}")


def check_category(category: str | None) -> str | None:
    """A category as typed: its code (another case or spaces around are the same one) or its name in Vietnamese
    (`category_named`: "lừa đảo", "Tin gia"); anything else (a typo, one word, a name that fits two categories) is
    refused naming the category it probably meant and listing the codes with their Vietnamese names."""
    if category is None:
        return None
    name = category.strip(_AROUND).lower()
    if name in CATEGORIES:  # a code first: a Vietnamese name never changes what a code names
        return name
    named = category_named(category)
    if named is not None:
        return named
    known = ", ".join(f"{code} ({_HEAD_VI[code]})" for code in CATEGORIES)
    raise UsageError(f"không có nhóm {category!r}{_meant(name)} (các nhóm: {known})")


_AROUND = " \t,;."
_PUNCT = re.compile(r"[\s,;.:/_\-–—]+")
#: The start of each category's Vietnamese label, up to its first comma ("Lừa đảo"), as the list of known
#: categories in a refusal shows it next to the code.
_HEAD_VI: Final[dict[str, str]] = {code: VI_LABELS[code].split(",")[0] for code in CATEGORIES}


#: Words of the labels that say nothing of a category on their own: two of them ("nội dung", "thông tin", "sai
#: phạm", "tài sản", "cá nhân") are no category's name, though each pair is found in one label only.
_GENERIC: Final[frozenset[str]] = frozenset(
    "tin sai su that noi dung thong ca nhan tai san pham ngon ngu doi xu dang".split())


def _name_words(text: str) -> list[str]:
    """The words of a name as typed: composed (NFC; Unikey's "Unicode tổ hợp" sends NFD), lower case, split at
    spaces and punctuation ("Lừa đảo, chiếm đoạt" -> lừa, đảo, chiếm, đoạt)."""
    return [w for w in _PUNCT.split(unicodedata.normalize("NFC", text).lower()) if w]


def _same_word(typed: str, word: str) -> bool:
    """A word typed with its diacritics, or without any ("dao" is "đảo"); wrong ones ("đào") are another word."""
    return typed == word or (typed.isascii() and typed == _fold(word))


def _names_vi(code: str) -> tuple[list[str], ...]:
    return _name_words(VI_LABELS[code]), _name_words(CATEGORY_SHORT_VI[code])


def category_named(typed: str) -> str | None:
    """The category whose Vietnamese name `typed` is: the words of its label (`VI_LABELS`, "Lừa đảo, chiếm đoạt
    tài sản") or of its short name (`CATEGORY_SHORT_VI`, "QC sai phạm") or at least two of them in a row ("lừa
    đảo", "quảng cáo", "tích cực", "trẻ em"), in any case, with or without diacritics, NFC or NFD, commas and spaces
    as typed; None when no category or more than one has them, and for a single word ("tin": tin giả? thông
    tin?)."""
    words = _name_words(typed)
    if len(words) < 2 or (len(words) == 2 and all(_fold(w) in _GENERIC for w in words)):
        return None
    found = {code for code in CATEGORIES for name in _names_vi(code)
             if any(all(_same_word(t, w) for t, w in zip(words, name[i:i + len(words)], strict=True))
                    for i in range(len(name) - len(words) + 1))}
    return found.pop() if len(found) == 1 else None


def _fold(text: str) -> str:
    """Lower case without diacritics ("Lừa đảo" -> "lua dao"), as people type without Unikey."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("-", " ").replace("_", " "))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def _meant(name: str, labels: Mapping[str, str] = VI_LABELS, codes: Sequence[str] = CATEGORIES) -> str:
    """" (có phải 'scam'?)": the one of `codes` that what was typed names (its code or its Vietnamese name in
    `labels`, typed with or without diacritics): the whole name, a start of at least 3 letters ("lừa đảo", "claim",
    "chờ"), or a close spelling (difflib ratio 0.6: "scma", "opened"), one with the same letters first (two
    letters swapped: "stauts" is 'status', not the closer-looking 'stats'); "" when none is that close ("l")."""
    import difflib

    typed = _fold(name)
    if not typed:
        return ""
    names = [(code, _fold(text)) for code in codes for text in (code, labels.get(code, code))]
    found = next((code for code, text in names if text == typed), None)
    if found is None and len(typed) >= 3:
        found = next((code for code, text in names if text.startswith(typed)), None)
    if found is None:
        letters = sorted(typed)
        close = [(sorted(text) == letters, ratio, code) for code, text in names
                 if (ratio := difflib.SequenceMatcher(None, typed, text).ratio()) >= 0.6]
        found = max(close)[2] if close else None
    return f" (có phải {found!r}?)" if found else ""


def check_status(status: str | None) -> str | None:
    """A status as typed: any case; the Vietnamese name the table prints is refused naming the status it is."""
    if status is None:
        return None
    name = status.strip().lower()
    if name in ENTRY_STATUSES:
        return name
    hint = _meant(name, STATUS_VI, ENTRY_STATUSES)
    raise UsageError(f"trạng thái {status!r} không hợp lệ{hint} (dùng: {', '.join(ENTRY_STATUSES)})")


def check_verdict(verdict: str) -> str:
    """A verdict as typed: any case; its Vietnamese name ("vi phạm") is refused naming the verdict it is."""
    name = verdict.strip().lower()
    if name in VERDICTS:
        return name
    hint = _meant(name, VERDICT_VI, VERDICTS)
    raise UsageError(f"kết luận {verdict!r} không hợp lệ{hint} (dùng: {', '.join(VERDICTS)})")


def check_each(values: str | None, check: Callable[[str], str | None]) -> tuple[str, ...]:
    """Comma-separated values (`scam,misinformation`), each checked by `check` (`check_category`, `check_status`,
    `check_verdict`), in the order typed, once each; () for None. A name that holds a comma itself ("Lừa đảo, chiếm
    đoạt tài sản") is one value: the longest run of pieces `check` takes is read as one."""
    if values is None:
        return ()
    pieces, checked, i = values.split(","), [], 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            if j > i + 1 and not all(p.strip() for p in pieces[i:j]):
                continue  # "scam," names an empty category: refused as typed, never joined away
            try:
                checked.append(check(",".join(pieces[i:j])))
            except UsageError:
                if j == i + 1:  # the piece alone: refused, saying why
                    raise
                continue
            i = j
            break
    return tuple(dict.fromkeys(v for v in checked if v is not None))


def parse_where(expr: str) -> EntryFilter:
    """Parse bulk's `--where` terms into a filter; unknown keys or operators are a usage error."""
    f = EntryFilter()
    terms = [t for t in re.split(r"[,\s]+(?=[a-z_]+\s*(?:<=|>=|=|<|>))", expr.strip()) if t.strip()]
    if not terms:
        raise UsageError("--where cần ít nhất một điều kiện, ví dụ: category=offensive score<0.7")
    for term in terms:
        m = _TERM.match(term.strip().rstrip(","))
        if not m:
            raise UsageError(f"điều kiện không hiểu được: {term!r} (dạng khoá=giá trị, ví dụ source=fb)")
        key, op, value = m.group(1), m.group(2), m.group(3).strip()
        if key == "score" and op in ("<", "<="):
            f = f.with_(max_score=_float(value, term))
        elif key == "score" and op in (">", ">="):
            f = f.with_(min_score=_float(value, term))
        elif op != "=":
            raise UsageError(f"toán tử {op!r} chỉ dùng được với score: {term!r}")
        elif key == "category":
            f = f.with_(category=check_category(value))
        elif key == "status":
            f = f.with_(status=check_status(value))
            if f.status == DECIDED:  # bulk acts on undecided entries only: this would select nothing, ever
                raise UsageError("status=decided: bulk chỉ ghi cho mục chưa quyết định (status=open hoặc claimed); "
                                 "sửa một quyết định đã có bằng `canhgac undo MÃ --reason \"…\"`")
        elif key == "source":
            f = f.with_(source=value)
        elif key == "since":
            f = f.with_(since=parse_when(value))
        elif key == "until":
            f = f.with_(until=parse_when(value, end=True))
        elif key == "report":
            if value not in ("yes", "no"):
                raise UsageError(f"report=yes hoặc report=no, không phải {value!r}")
            f = f.with_(is_report=value == "yes")
        else:
            raise UsageError(f"khoá không hỗ trợ {key!r} (dùng: category, status, source, since, until, score, report)")
    check_window(f.since, f.until, ("since", "until"))
    return f


def _float(value: str, term: str) -> float:
    """A score bound as typed: "0.6", or "0,6" as Vietnamese write a decimal; between 0 and 1."""
    typed = value.strip()
    if re.fullmatch(r"\d*,\d+", typed):  # the decimal comma (0,6), never a thousands separator in a score
        typed = typed.replace(",", ".")
    try:
        number = float(typed)
    except ValueError:
        raise UsageError(f"cần một số từ 0 đến 1 (ví dụ score<0.6 hoặc score<0,6): {term!r}") from None
    if not 0 <= number <= 1:  # also nan, inf
        raise UsageError(f"điểm là số từ 0 đến 1 (ví dụ score<0.6): {term!r}")
    return number
