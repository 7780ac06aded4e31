"""A bad rules file (operator-edited TOML) is a RulesError naming the file, the rule and the LINE of the key at
fault — never a ValueError/TypeError/AttributeError traceback, and never a silently empty rule set."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from classifier.categories import CATEGORIES
from classifier.rules import DEFAULT_RULES, RulesError, RuleSet

GOOD = '# my rules\n[[rule]]\nid = "scam.ok"\ncategory = "scam"\nkeywords = ["chuyển khoản trước"]\nweight = 0.4\n\n'
# the second rule starts on line 8


def _error(tmp_path: Path, text: str) -> RulesError:
    p = tmp_path / "rules.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as info:
        RuleSet.load(p)
    msg = str(info.value)
    assert str(p) in msg and info.value.file == p
    assert msg.startswith(f"tệp quy tắc {p}, ") and re.search(rf"\bdòng {info.value.line}\b", msg), msg
    return info.value


@pytest.mark.parametrize("body,line,words", [
    ('[[rule]]\nid = "b"\ncategory = "scam"\nkeywords = ["abc"]\nweight = "high"\n', 12, "weight phải là số"),
    ('[[rule]]\nid = "b"\ncategory = "scam"\nkeywords = 5\n', 11, "keywords phải là chuỗi hoặc danh sách chuỗi"),
    ('[[rule]]\nid = "b"\ncategory = "scam"\nkeywords = ["abc",\n    5]\n', 11, "keywords: phần tử thứ 2 phải là chuỗi"),
    ('[[rule]]\nid = "b"\ncategory = "scam"\nregex = 5\n', 11, "regex phải là chuỗi"),
    ('[[rule]]\nid = "b"\ncategory = "scam"\nkeywords = ["a"]\nunless_regex = ["x"]\n', 12, "unless_regex phải là chuỗi"),
    ('[[rule]]\nid = "b"\ncategory = "scam"\nkeywords = ["a"]\ndescription = 3\n', 12, "description phải là chuỗi"),
    ('[[rule]]\nid = "b"\ncategory = "scam"\nkeywords = ["a"]\nweight = true\n', 12, "weight phải là số"),
    ('[[rule]]\nid = "b"\ncategory = "scam"\nkeywords = ["a"]\nweight = 2\n', 12, "weight 2: phải nằm trong khoảng (0, 1]"),
    ('[[rule]]\nid = "b"\n\ncategory = "scam"\nregex = "chuyển (khoản"\n', 12, "regex không hợp lệ 'chuyển (khoản'"),
    ('[[rule]]\nid = "b"\ncategory = "scam"\nkeywords = ["a"]\nunless_regex = "[a-"\n', 12, "unless_regex không hợp lệ '[a-'"),
    ('[[rule]]\nid = "b"\ncategory = "scam"\nkeywords = ["a"]\nweigth = 0.3\n', 12, "khoá không xác định: weigth"),
    ('[[rule]]\nid = "b"\ncategory = "scam"\n', 8, "cần có keywords hoặc regex"),
    ('[[rule]]\nid = "scam.ok"\ncategory = "scam"\nkeywords = ["a"]\n', 9, "trùng id 'scam.ok' với quy tắc #1 (dòng 3)"),
    ('[[rule]]\nid = "b"\ncategory = "scam"\nkeywords = ["!!!"]\n', 11, "keywords: phần tử thứ 1 ('!!!') không có chữ cái hay chữ số"),
])
def test_each_bad_value_names_file_rule_and_line(tmp_path: Path, body: str, line: int, words: str) -> None:
    err = _error(tmp_path, GOOD + body)
    assert err.line == line, str(err)
    assert words in str(err), str(err)
    rid = re.search(r'id = "([^"]+)"', body)
    assert rid is not None and f"'{rid.group(1)}'" in str(err)  # the rule's id
    assert "quy tắc #2" in str(err)


def test_rule_without_id_is_named_by_position(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD + '[[rule]]\ncategory = "scam"\nkeywords = ["abc", 5]\n')
    assert err.line == 10 and "quy tắc #2 (không có id)" in str(err)


def test_unknown_category_lists_the_valid_ones(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD + '[[rule]]\nid = "p"\ncategory = "politics"\nkeywords = ["x"]\n')
    assert err.line == 10 and "nhóm không xác định 'politics'" in str(err)
    assert all(c in str(err) for c in CATEGORIES)
    err = _error(tmp_path, GOOD + '[[rule]]\nid = "p"\nkeywords = ["x"]\n')
    assert err.line == 8 and "thiếu khoá category" in str(err) and "scam" in str(err)


def test_a_single_rule_table_is_not_read_as_its_keys(tmp_path: Path) -> None:
    """`[rule]` (a table) used to give "unknown key(s) a, c, e, g, o, r, t, y" (the letters of its keys)."""
    err = _error(tmp_path, '# one rule\n[rule]\nid = "b"\ncategory = "scam"\nkeywords = ["a"]\n')
    assert err.line == 2 and "[[rule]]" in str(err) and "a, c, e" not in str(err)


@pytest.mark.parametrize("text,line", [
    ('[[rules]]\nid = "b"\ncategory = "scam"\nkeywords = ["a"]\n', 1),
    (GOOD + '[[rules]]\nid = "b"\ncategory = "scam"\nkeywords = ["a"]\n', 8),
    ('weight = 0.3\n' + GOOD, 1),
    (GOOD + '[settings]\nx = 1\n', 8),
])
def test_an_unknown_top_level_key_is_an_error_not_zero_rules(tmp_path: Path, text: str, line: int) -> None:
    err = _error(tmp_path, text)
    assert err.line == line and "khoá không xác định" in str(err) and "ở cấp trên cùng" in str(err)


def test_a_rule_that_is_not_a_table(tmp_path: Path) -> None:
    err = _error(tmp_path, 'rule = ["scam"]\n')
    assert err.line == 1 and "quy tắc #1 phải là bảng" in str(err)


def test_line_lookup_skips_multiline_strings_and_inline_rules(tmp_path: Path) -> None:
    text = GOOD + '[[rule]]\nid = "b"\ncategory = "scam"\ndescription = """\n[[rule]]\nweight = 3\n"""\n' \
                  'keywords = ["a"]\nweight = 3\n'
    assert _error(tmp_path, text).line == 16
    err = _error(tmp_path, 'rule = [{category = "scam", keywords = ["a"]},\n        {category = "x", keywords = ["a"]}]\n')
    assert err.line == 1 and "quy tắc #2" in str(err)  # inline tables: the line of `rule =`


def test_invalid_toml_gives_its_line(tmp_path: Path) -> None:
    err = _error(tmp_path, GOOD + '[[rule]]\nid = "b"\ncategory = scam\n')
    assert err.line == 10 and "không phải TOML hợp lệ" in str(err)


def test_the_default_rules_still_load(tmp_path: Path) -> None:
    rules = RuleSet.load(DEFAULT_RULES)
    assert len(rules) >= 10 and len({r.id for r in rules.rules}) == len(rules)
    p = tmp_path / "one.toml"
    p.write_text('[[rule]]\ncategory = "scam"\nkeywords = "phí giữ chỗ"\nweight = 1\n', encoding="utf-8")
    (rule,) = RuleSet.load(p).rules
    assert rule.id == "scam.1" and rule.weight == 1.0
