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
("... khuyến cáo người dân ... bấm vào link sau để cập nhật"): a scam dressed as a warning. Given the original
text, a text that ends in a question mark is also tried as its normalised text + " ?" (the normalised text
itself has no punctuation): `unless_regex = "\\?$"` switches a rule off for a question ("Cá độ?").

Keywords are normalised like the text (teencode expanded, tone marks unified) and match on word
boundaries; a keyword also matches where the text was written without diacritics (the matched stretch
itself has none), so "chuyen khoan truoc" is caught without "ban" matching "bạn". A keyword written without
diacritics matches as written, only text without them: "lo de" (lô đề) is also "lộ đề" (an exam leaked), "ban
sung" (bán súng) "bắn súng"; `canhgac config check` notes every Vietnamese phrase so written (`Rule.note`).
A keyword matches both spellings of the i/y variant ("bắc kỳ" / "bắc kì", "lý" / "lí", "mỹ" / "mĩ": i or y,
same tone, alone after h, k, l, m, s, t or qu); a regex matches as written (write "k[ìỳ]" there). Given the original text, rules also
match the second reading of ambiguous abbreviations (classifier/data/teencode_alternatives.tsv: "ck trước"
is "chồng trước" and also "chuyển khoản trước").

Every problem in the file (not TOML, a key other than `rule` at the top, `[rule]` written for `[[rule]]`, an
unknown key, a value of the wrong type, an unknown category, a weight out of range, a regex that does not
compile, a keyword with no letters, a keyword that is a phone number, link or e-mail address (normalised to
`phonetok`/`urltok`/`emailtok` like the text, it would match every one), a duplicate id) is a RulesError naming
the file, the line of the key at fault and the rule (its id, or its position when it has none), with the likely
fix where one is clear (the key or category meant, a weight written as a percentage, curly quotes, a regex's
backslash between double quotes: classifier.rule_file_text). Flags written at the start of a regex ("(?i)…") apply
to that regex only. A file with a byte order mark reads; ids are compared in NFC.

Reading and checking the file is classifier.rule_file (its line numbers: classifier.toml_lines); this module
holds the loaded rule set and the matching.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from classifier.normalize import Syllable, alternative_reading, strip_accents, syllables
from classifier.rule_file import Rule, RulesError, read_rules, spelling_variants

__all__ = ["DEFAULT_RULES", "Rule", "RuleHit", "RuleSet", "RulesError", "spelling_variants"]

DEFAULT_RULES = Path(__file__).parent / "data" / "rules.toml"


@dataclass(frozen=True)
class RuleHit:
    rule: Rule
    start: int  # in the normalised text
    end: int


class RuleSet:
    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules

    def __len__(self) -> int:
        return len(self.rules)

    @classmethod
    def load(cls, path: str | Path | None = None) -> RuleSet:
        return cls(read_rules(Path(path) if path else DEFAULT_RULES))

    def match(self, norm_text: str, plain_text: str, original: str | None = None) -> list[RuleHit]:
        """First hit of each rule: accented match, else an accent-stripped match on unaccented text; none for a
        rule whose `unless` patterns match the text (the same way). With `original` (the text `norm_text` was
        normalised from), a rule that does not match also tries the second reading of ambiguous abbreviations
        ("ck" = "chồng" / "chuyển khoản"); such a hit's offsets are still offsets into `norm_text`."""
        hits = []
        missed = []
        # normalisation drops punctuation; `unless` patterns also see a text that ends in a question mark as its
        # normalised text + " ?" ("Cá độ?" asks, it does not sell: "cá độ ?")
        question = original is not None and original.rstrip().endswith(("?", "？"))
        for rule in self.rules:
            if rule.unless is not None and (
                _search(*rule.unless, norm_text, plain_text) is not None
                or (question and _search(*rule.unless, norm_text + " ?", plain_text + " ?") is not None)
            ):
                continue
            span = _search(rule.accented, rule.plain, norm_text, plain_text)
            if span is not None:
                hits.append(RuleHit(rule, *span))
            else:
                missed.append(rule)
        if missed and original:
            hits += _alternative_hits(missed, original)
            hits.sort(key=lambda h: self.rules.index(h.rule))
        return hits


def _alternative_hits(rules: list[Rule], original: str) -> list[RuleHit]:
    """Hits of `rules` on the second reading of `original`, as offsets into its first reading's norm_text."""
    first = syllables(original)
    second = alternative_reading(original, first)
    if second is None:
        return []
    alt_text = " ".join(s.text for s in second)
    alt_plain = strip_accents(alt_text)
    alt_starts = _starts(second)
    norm_at = dict(zip(((s.start, s.end) for s in first), _starts(first), strict=True))  # span → first-reading offset
    norm_end = {}
    for s, at in zip(first, _starts(first), strict=True):
        norm_end[s.end] = at + len(s.text)
    hits = []
    for rule in rules:
        if rule.unless is not None and _search(*rule.unless, alt_text, alt_plain) is not None:
            continue
        span = _search(rule.accented, rule.plain, alt_text, alt_plain)
        if span is None:
            continue
        i = _index_at(alt_starts, span[0])
        j = _index_at(alt_starts, max(span[0], span[1] - 1))
        a = norm_at.get((second[i].start, second[i].end))
        b = norm_end.get(second[j].end)
        if a is not None and b is not None and b > a:
            hits.append(RuleHit(rule, a, b))
    return hits


def _starts(sylls: list[Syllable]) -> list[int]:
    out, pos = [], 0
    for s in sylls:
        out.append(pos)
        pos += len(s.text) + 1
    return out


def _index_at(starts: list[int], offset: int) -> int:
    return max(0, bisect_right(starts, offset) - 1)


def _search(accented: re.Pattern[str], plain: re.Pattern[str] | None, norm_text: str, plain_text: str
            ) -> tuple[int, int] | None:
    """Span of the first accented match, else of an accent-stripped match whose stretch of the text itself has
    no diacritics (so "ban" does not match "bạn")."""
    for m in accented.finditer(norm_text):  # the first match that takes in some text: "(lừa)?" matches "" first
        if m.end() > m.start():
            return m.start(), m.end()
    if plain is None:
        return None
    for m in plain.finditer(plain_text):
        if m.end() > m.start() and norm_text[m.start():m.end()] == plain_text[m.start():m.end()]:
            return m.start(), m.end()
    return None
