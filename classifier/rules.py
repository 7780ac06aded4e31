"""Operator-editable rules: keywords or regular expressions per category, each with a weight.

The rules file is TOML:

    [[rule]]
    id = "scam.transfer_first"        # optional; defaults to category + position
    category = "scam"
    keywords = ["chuyển khoản trước", "phí giữ chỗ"]   # and/or
    regex = "nạp (tiền|moneytok) .{0,20} nhận"         # against the normalised text (lowercase, typed tokens)
    weight = 0.4                      # 0..1; combined with the model score by noisy-OR
    description = "asks for a transfer before delivering"

A negative weight (-1..0) makes a counter-rule: where it matches, the category's score is multiplied by
1 + weight after everything else (like a dismissed bank item), e.g. for text that REPORTS on scams
("công an khuyến cáo ... thủ đoạn lừa đảo") rather than running one. A counter-rule is evidence against
the category; it never flags anything.

`unless_keywords` / `unless_regex` (same forms as keywords/regex) switch a rule off for a text where they
match anywhere, e.g. a warning-worded message that nevertheless tells the reader to open a link or pay
("... khuyến cáo người dân ... bấm vào link sau để cập nhật"): a scam dressed as a warning.

Keywords are normalised like the text (teencode expanded, tone marks unified) and match on word
boundaries; a keyword also matches where the text was written without diacritics (the matched stretch
itself has none), so "chuyen khoan truoc" is caught without "ban" matching "bạn".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from classifier.categories import CATEGORIES
from classifier.normalize import normalize, strip_accents

DEFAULT_RULES = Path(__file__).parent / "data" / "rules.toml"


class RulesError(Exception):
    pass


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    weight: float
    description: str
    accented: re.Pattern[str]
    plain: re.Pattern[str] | None  # for text written without diacritics
    unless: tuple[re.Pattern[str], re.Pattern[str]] | None = None  # (accented, plain): where either matches, no hit


@dataclass(frozen=True)
class RuleHit:
    rule: Rule
    start: int  # in the normalised text
    end: int


def _keyword_pattern(words: list[str]) -> str:
    return r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?!\w)"


def _patterns(keywords: str | list[str], regex: str | None, where: str, key: str
              ) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """(accented, plain) patterns of keywords and/or a regex; None when there are neither."""
    if isinstance(keywords, str):
        keywords = [keywords]
    parts, plain_parts = [], []
    if keywords:
        norm = [normalize(k) for k in keywords if normalize(k)]
        parts.append(_keyword_pattern(norm))
        plain_parts.append(_keyword_pattern(sorted({strip_accents(k) for k in norm})))
    if regex:
        parts.append(f"(?:{regex})")
        plain_parts.append(f"(?:{strip_accents(regex)})")
    if not parts:
        return None
    try:
        return re.compile("|".join(parts)), re.compile("|".join(plain_parts))
    except re.error as exc:
        raise RulesError(f"{where}: bad {key}: {exc}") from exc


class RuleSet:
    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules

    def __len__(self) -> int:
        return len(self.rules)

    @classmethod
    def load(cls, path: str | Path | None = None) -> RuleSet:
        path = Path(path) if path else DEFAULT_RULES
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise RulesError(f"rules file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise RulesError(f"rules file {path}: {exc}") from exc
        rules = []
        for n, r in enumerate(raw.get("rule", []), 1):
            where = f"rules file {path}, rule #{n}"
            unknown = set(r) - {"id", "category", "keywords", "regex", "weight", "description", "unless_keywords",
                                "unless_regex"}
            if unknown:
                raise RulesError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
            cat = r.get("category", "")
            if cat not in CATEGORIES:
                raise RulesError(f"{where}: unknown category {cat!r}")
            weight = float(r.get("weight", 0.3))
            if not (0 < weight <= 1 or -1 <= weight < 0):
                raise RulesError(f"{where}: weight must be in (0, 1], or in [-1, 0) for a counter-rule")
            compiled = _patterns(r.get("keywords", []), r.get("regex"), where, "regex")
            if compiled is None:
                raise RulesError(f"{where}: needs keywords or regex")
            unless = _patterns(r.get("unless_keywords", []), r.get("unless_regex"), where, "unless_regex")
            rules.append(Rule(str(r.get("id", f"{cat}.{n}")), cat, weight, str(r.get("description", "")),
                              *compiled, unless))
        return cls(rules)

    def match(self, norm_text: str, plain_text: str) -> list[RuleHit]:
        """First hit of each rule: accented match, else an accent-stripped match on unaccented text; none for a
        rule whose `unless` patterns match the text (the same way)."""
        hits = []
        for rule in self.rules:
            if rule.unless is not None and _search(*rule.unless, norm_text, plain_text) is not None:
                continue
            span = _search(rule.accented, rule.plain, norm_text, plain_text)
            if span is not None:
                hits.append(RuleHit(rule, *span))
        return hits


def _search(accented: re.Pattern[str], plain: re.Pattern[str] | None, norm_text: str, plain_text: str
            ) -> tuple[int, int] | None:
    """Span of the first accented match, else of an accent-stripped match whose stretch of the text itself has
    no diacritics (so "ban" does not match "bạn")."""
    m = accented.search(norm_text)
    if m and m.end() > m.start():
        return m.start(), m.end()
    if plain is None:
        return None
    for m in plain.finditer(plain_text):
        if m.end() > m.start() and norm_text[m.start():m.end()] == plain_text[m.start():m.end()]:
            return m.start(), m.end()
    return None
