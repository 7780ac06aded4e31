"""Operator-written rule regexes: what Python accepts on its own is accepted in a rule, what cannot compile is one
error naming the file and line (never a traceback), and a regex that can match nothing still finds its text."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier.analysis import analyze
from classifier.rules import RulesError, RuleSet


def _rules(tmp_path: Path, regex: str) -> RuleSet:
    path = tmp_path / "rules.toml"
    # a TOML literal string: the regex exactly as written, backslashes included
    path.write_text(f"[[rule]]\nid = \"r\"\ncategory = \"scam\"\nregex = '{regex}'\nweight = 0.4\n", encoding="utf-8")
    return RuleSet.load(path)


def _hits(rules: RuleSet, text: str) -> list[str]:
    doc = analyze(text, segment=False)
    out = []
    for h in rules.match(doc.norm_text, doc.plain_text, doc.original):
        a, b = doc.span_of(h.start, h.end)
        out.append(text[a:b])
    return out


@pytest.mark.parametrize("regex", ["a{99999999999}", "(?:x{4294967296})"])
def test_a_repeat_count_too_large_is_a_rules_error_with_its_line(tmp_path: Path, regex: str) -> None:
    with pytest.raises(RulesError) as err:  # was OverflowError: a traceback instead of the file and line
        _rules(tmp_path, regex)
    assert err.value.line == 4 and "rules.toml" in str(err.value) and regex in str(err.value)


@pytest.mark.parametrize("regex", ["(?i)LỪA ĐẢO", "(?i)(?s)lừa.đảo", "(?x) lừa \\s đảo   # a comment"])
def test_flags_written_at_the_start_of_a_regex_apply_to_it(tmp_path: Path, regex: str) -> None:
    # valid for Python on their own; refused before ("global flags not at the start") once wrapped with keywords
    rules = _rules(tmp_path, regex)
    assert _hits(rules, "Cảnh giác lừa đảo qua mạng") == ["lừa đảo"]


def test_flags_in_the_middle_of_a_regex_are_refused_at_their_position(tmp_path: Path) -> None:
    with pytest.raises(RulesError) as err:
        _rules(tmp_path, "abc(?i)")
    assert err.value.line == 4 and "position 3" in str(err.value)


def test_a_regex_that_can_match_empty_text_still_finds_its_words(tmp_path: Path) -> None:
    # "(lừa )?đảo"-style optional parts: the first match may be empty (at offset 0); a later one has the text
    rules = _rules(tmp_path, "(lừa)?")
    assert _hits(rules, "Cảnh giác lừa đảo qua mạng") == ["lừa"]
    assert _hits(rules, "Hôm nay trời đẹp") == []


@pytest.mark.parametrize(("keyword", "what"), [("0912345678", "số điện thoại"), ("lua-dao.top", "đường link"),
                                               ("https://vneid-gov.top/login", "đường link"),
                                               ("hotro@nganhang-vn.xyz", "địa chỉ e-mail"),
                                               ("gọi 0912 345 678", "số điện thoại")])
def test_a_keyword_that_is_a_phone_number_or_link_is_refused(tmp_path: Path, keyword: str, what: str) -> None:
    # normalised like the text, "0912345678" was "phonetok": the rule flagged every text with any phone number
    # ("Gọi cho tôi số 0987654321 nhé" scam 0.9 from a rule meant for one scam number)
    path = tmp_path / "rules.toml"
    path.write_text(f'[[rule]]\nid = "scam.known"\ncategory = "scam"\n\nkeywords = ["lừa đảo", "{keyword}"]\n'
                    "weight = 0.9\n", encoding="utf-8")
    with pytest.raises(RulesError) as err:
        RuleSet.load(path)
    assert err.value.line == 5 and what in str(err.value) and "scam.known" in str(err.value)


def test_a_money_keyword_still_loads(tmp_path: Path) -> None:
    # an amount standing for any amount is what "nạp 500k" in a rule means (the shipped rules use moneytok too)
    path = tmp_path / "rules.toml"
    path.write_text('[[rule]]\ncategory = "scam"\nkeywords = ["nạp 500k"]\nweight = 0.4\n', encoding="utf-8")
    rules = RuleSet.load(path)
    assert _hits(rules, "Bạn chỉ cần nạp 200k là nhận thưởng") == ["nạp 200k"]
