"""Reading and checking an operator's rules file (the format: classifier.rules).

Every problem is a RulesError naming the file, the line of the key at fault and the rule; a file that reads is
a list of compiled rules, keywords normalised like the text and spelt both ways where i/y vary.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from classifier.categories import CATEGORIES, VI_LABELS
from classifier.fingerprint import fold
from classifier.language import detect_language
from classifier.normalize import EMAIL_TOKEN, PHONE_TOKEN, URL_TOKEN, normalize, strip_accents
from classifier.os_errors import reason_vi
from classifier.rule_file_text import RulesTextError, parse_rules_toml, read_rules_text
from classifier.toml_lines import TomlLines


class RulesError(Exception):
    """A rules file that cannot be used. The message names the file, the line and the rule (id, or its
    position when it has none); the same facts are attributes for callers that want them."""

    def __init__(self, message: str, *, file: str | Path | None = None, line: int | None = None,
                 rule: str | None = None) -> None:
        self.problem, self.file, self.line, self.rule = message, file, line, rule
        where = ", ".join(p for p in (f"tệp quy tắc {file}" if file else "", f"dòng {line}" if line else "",
                                      rule or "") if p)
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    weight: float
    description: str
    accented: re.Pattern[str]
    plain: re.Pattern[str] | None  # for text written without diacritics
    unless: tuple[re.Pattern[str], re.Pattern[str]] | None = None  # (accented, plain): where either matches, no hit
    # what the operator should know though nothing is wrong (`canhgac config check` prints it): keywords written
    # without diacritics, which match only text written without them
    note: str | None = None


_KEYS = ("id", "category", "keywords", "regex", "weight", "description", "unless_keywords", "unless_regex")


def _kind(value: object) -> str:
    """The TOML type of `value`, in words the user reads."""
    if isinstance(value, bool):
        return "true/false"
    for t, name in ((str, "chuỗi"), (int, "số nguyên"), (float, "số thực"), (list, "danh sách"),
                    (dict, "bảng")):
        if isinstance(value, t):
            return name
    return "ngày giờ"


# typed tokens a keyword must not be made of: each stands for every phone number / link / e-mail address
_IDENTIFIERS = {PHONE_TOKEN: "số điện thoại", URL_TOKEN: "đường link", EMAIL_TOKEN: "địa chỉ e-mail"}
_GLOBAL_FLAGS = re.compile(r"(?:\(\?[aiLmsux]+\))+")  # "(?i)" at a regex's start: flags for the whole pattern
_IY = re.compile(r"(?<!\w)(h|k|l|m|s|t|qu)([iíìỉĩịyýỳỷỹỵ])(?!\w)")
_SWAP_IY = str.maketrans("iíìỉĩịyýỳỷỹỵ", "yýỳỷỹỵiíìỉĩị")
_MAX_VARIANTS = 16


def spelling_variants(keyword: str) -> list[str]:
    """`keyword` (normalised) with each i/y-variant syllable spelt both ways ("bắc kỳ" → also "bắc kì")."""
    out = [keyword]
    for m in _IY.finditer(keyword):
        if len(out) * 2 > _MAX_VARIANTS:
            break
        swapped = m.group(2).translate(_SWAP_IY)
        out += [v[:m.start(2)] + swapped + v[m.end(2):] for v in out]
    return out


def _keyword_pattern(words: list[str]) -> str:
    return r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?!\w)"


def written_unaccented(keyword: str) -> bool:
    """A Vietnamese phrase written without diacritics ("lua dao", "tai xiu"): two words or more, each a Vietnamese
    syllable. It matches as written, only text without diacritics: read with any diacritics, "lo de" (lô đề) would
    also be "lộ đề" (an exam leaked), "ban sung" (bán súng) "bắn súng" (the sport), "so do" (sổ đỏ) "sơ đồ", and the
    operator's unaccented keywords of an existing file would match far more than they did. Such a rule gets a
    `Rule.note` instead, which `canhgac config check` prints. A single word ("ban") or a loan word ("vape", "casino
    online") gets none."""
    return " " in keyword and strip_accents(keyword) == keyword and detect_language(keyword) == "vi"


def _hint(name: str, choices: list[str] | tuple[str, ...]) -> str:
    """" (có phải 'x'?)" naming the closest of `choices`; "" when none is close."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (có phải {close[0]!r}?)" if close else ""


def _category_hint(name: str) -> str:
    """The category meant by `name`: the same name in other case or with "-" ("Scam", "child-safety"), the
    Vietnamese label's words ("lừa đảo", "quảng cáo", "tin giả"), or the closest spelling ("scams")."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key in CATEGORIES:
        return f" (có phải {key!r}?)"
    words = fold(name).strip()
    by_label = [c for c in CATEGORIES if words and re.search(rf"(?<!\w){re.escape(words)}(?!\w)", fold(VI_LABELS[c]))]
    if len(by_label) == 1:
        return f" (có phải {by_label[0]!r}?)"
    return _hint(key, CATEGORIES)


class _RuleReader:
    """Checks one `[[rule]]` table, raising RulesError with the file, the line of the key and the rule."""

    def __init__(self, path: Path, lines: TomlLines, n: int, table: dict[str, object]) -> None:
        self.path, self.lines, self.n, self.table = path, lines, n, table
        rid = table.get("id")
        self.name = f"quy tắc #{n}" + (f" {rid!r}" if isinstance(rid, str) and rid else " (không có id)")

    def error(self, message: str, key: str | None = None) -> RulesError:
        return RulesError(message, file=self.path, line=self.lines.rule(self.n, key), rule=self.name)

    def string(self, key: str, default: str = "") -> str:
        value = self.table.get(key, default)
        if not isinstance(value, str):
            raise self.error(f"{key} phải là chuỗi, không phải {_kind(value)} ({value!r})", key)
        return value

    def keywords(self, key: str) -> list[str]:
        value = self.table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.error(f"{key} phải là chuỗi hoặc danh sách chuỗi, không phải {_kind(value)} ({value!r})", key)
        out = []
        for k, word in enumerate(value, 1):
            if not isinstance(word, str):
                raise self.error(f"{key}: phần tử thứ {k} phải là chuỗi, không phải {_kind(word)} ({word!r})", key)
            norm = normalize(word)
            if not norm:
                raise self.error(f"{key}: phần tử thứ {k} ({word!r}) không có chữ cái hay chữ số nào để so khớp", key)
            typed = [_IDENTIFIERS[t] for t in norm.split() if t in _IDENTIFIERS]
            if typed:  # "0912345678" normalises to "phonetok": the rule would match every phone number
                raise self.error(f"{key}: phần tử thứ {k} ({word!r}) là {typed[0]}; từ khóa được chuẩn hóa như văn bản, "
                                 f"mọi {typed[0]} đều thành cùng một ký hiệu, nên quy tắc sẽ khớp MỌI {typed[0]} chứ "
                                 f"không riêng {word!r} (quy tắc chưa so khớp được một {typed[0]} cụ thể)", key)
            out.extend(spelling_variants(norm))
        return out

    def regex(self, key: str) -> str | None:
        """The regex as it will be used: inside a group, next to the keywords, so flags written at its start for
        the whole pattern ("(?i)…", valid on its own) are scoped to it ("(?i:…)") instead of being refused."""
        value = self.string(key) if key in self.table else None
        if not value:
            return None
        scoped = value
        flags = _GLOBAL_FLAGS.match(value)
        if flags:
            letters = "".join(dict.fromkeys(re.findall(r"[aiLmsux]", flags.group(0))))
            rest = value[flags.end():] + ("\n" if "x" in letters else "")  # a verbose comment ends before ")"
            scoped = f"(?{letters}:{rest})"
        for variant in (scoped, strip_accents(scoped)):  # the plain variant is matched on unaccented text
            try:
                re.compile(variant)  # alone first: an error's position is then the one in what the operator wrote
                re.compile(f"(?:{variant})")
            except re.error as exc:
                raise self.error(f"{key} không hợp lệ {value!r}: {exc}", key) from exc
            except (OverflowError, RecursionError, ValueError) as exc:  # "a{99999999999}", nesting too deep
                raise self.error(f"{key} không hợp lệ {value!r}: {type(exc).__name__}: {exc}", key) from exc
        return scoped

    def patterns(self, kw_key: str, re_key: str) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
        """(accented, plain) patterns of keywords and/or a regex; None when there are neither."""
        words, regex = self.keywords(kw_key), self.regex(re_key)
        parts, plain_parts = [], []
        if words:
            parts.append(_keyword_pattern(words))
            plain_parts.append(_keyword_pattern(sorted({strip_accents(k) for k in words})))
        if regex:
            parts.append(f"(?:{regex})")
            plain_parts.append(f"(?:{strip_accents(regex)})")
        if not parts:
            return None
        try:
            return re.compile("|".join(parts)), re.compile("|".join(plain_parts))
        except re.error as exc:  # each part compiled alone above; kept for safety
            raise self.error(f"{re_key} không hợp lệ: {exc}", re_key) from exc

    def rule(self) -> Rule:
        t = self.table
        unknown = [k for k in t if k not in _KEYS]
        if unknown:
            lines = {k: self.lines.rule(self.n, k) or 0 for k in unknown}
            first = min(unknown, key=lambda k: lines[k])
            named = ", ".join(k + _hint(k, _KEYS) for k in sorted(unknown, key=lambda k: lines[k]))
            raise self.error(f"khoá không xác định: {named} (các khoá hợp lệ của một quy tắc: {', '.join(_KEYS)})",
                             first)
        rid = unicodedata.normalize("NFC", self.string("id")) if "id" in t else None
        if rid is not None and not rid.strip():
            raise self.error("id không được để trống", "id")
        valid = ", ".join(CATEGORIES)
        if "category" not in t:
            raise self.error(f"thiếu khoá category (chọn một trong các nhóm: {valid})")
        cat = self.string("category")
        if cat not in CATEGORIES:
            raise self.error(f"nhóm không xác định {cat!r}{_category_hint(cat)} (các nhóm hợp lệ: {valid})", "category")
        weight = t.get("weight", 0.3)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            raise self.error(f"weight phải là số trong khoảng (0, 1] (hoặc trong [-1, 0) với quy tắc giảm điểm), "
                             f"không phải {_kind(weight)} ({weight!r})", "weight")
        weight = float(weight)
        if not (0 < weight <= 1 or -1 <= weight < 0):
            percent = (f" (có phải {weight / 100:g}? weight là một tỉ lệ, không phải phần trăm)"
                       if 1 < abs(weight) <= 100 else "")
            raise self.error(f"weight {weight:g}: phải nằm trong khoảng (0, 1], hoặc trong [-1, 0) với quy tắc giảm "
                             f"điểm{percent}", "weight")
        description = self.string("description")
        compiled = self.patterns("keywords", "regex")
        if compiled is None:
            raise self.error("cần có keywords hoặc regex")
        unless = self.patterns("unless_keywords", "unless_regex")
        return Rule(rid if rid is not None else f"{cat}.{self.n}", cat, weight, description, *compiled, unless,
                    self.unaccented_note())

    def unaccented_note(self) -> str | None:
        """A note naming the file, line and rule of the keywords written without diacritics, None if none is."""
        value = self.table.get("keywords", [])
        written = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        loose = [w for w in written if isinstance(w, str) and written_unaccented(" ".join(w.lower().split()))]
        if not loose:
            return None
        return str(RulesError(
            f"từ khóa viết không dấu {', '.join(map(repr, loose))} chỉ khớp văn bản cũng viết không dấu; muốn khớp cả "
            f"văn bản có dấu, hãy viết thêm từ khóa có dấu (vd. 'lừa đảo' bên cạnh 'lua dao')", file=self.path,
            line=self.lines.rule(self.n, "keywords"), rule=self.name))


def read_rules(path: Path) -> list[Rule]:
    """The rules of the file at `path`, in file order; RulesError for anything wrong with it."""
    try:
        text = read_rules_text(path)
        raw = parse_rules_toml(text)
    except FileNotFoundError as exc:
        raise RulesError("không tìm thấy tệp", file=path) from exc
    except OSError as exc:
        raise RulesError(f"không đọc được: {reason_vi(exc)}", file=path) from exc
    except RulesTextError as exc:
        raise RulesError(str(exc), file=path, line=exc.line) from exc
    lines = TomlLines(text)
    for key in raw:
        if key != "rule":
            hint = " (có lẽ là [[rule]] viết nhầm)" if key.lower().startswith("rule") else ""
            raise RulesError(f"khoá không xác định {key!r} ở cấp trên cùng{hint}: mỗi quy tắc phải viết trong "
                             "một bảng [[rule]]", file=path, line=lines.top_level(key))
    tables = raw.get("rule", [])
    if not isinstance(tables, list):
        raise RulesError(f"'rule' phải là các bảng viết dạng [[rule]] (mỗi quy tắc một bảng), không phải "
                         f"{_kind(tables)}" + (" viết dạng [rule]" if isinstance(tables, dict) else ""), file=path,
                         line=lines.top_level("rule"))
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for n, table in enumerate(tables, 1):
        if not isinstance(table, dict):
            raise RulesError(f"quy tắc #{n} phải là bảng ([[rule]] có các khoá), không phải {_kind(table)}", file=path,
                             line=lines.rule(n))
        reader = _RuleReader(path, lines, n, table)
        rule = reader.rule()
        if rule.id in seen:
            raise reader.error(f"trùng id {rule.id!r} với quy tắc #{seen[rule.id]} (dòng "
                               f"{lines.rule(seen[rule.id], 'id')})", "id")
        seen[rule.id] = n
        rules.append(rule)
    return rules
