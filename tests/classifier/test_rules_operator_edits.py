"""An operator editing a copy of the rules file, as docs/classifier.md says: each slip a person makes in a text
editor is one error naming the file, the line and the key (with the likely fix where one is clear), and what a
person means by a keyword is what it matches. The scorer reads the rules file when it is loaded, so a fixed file
takes effect at the next load without rebuilding the model."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from classifier.analysis import analyze
from classifier.rules import DEFAULT_RULES, RulesError, RuleSet

HEAD = '[[rule]]\nid = "scam.ok"\ncategory = "scam"\nkeywords = ["chuyển khoản trước"]\nweight = 0.4\n\n'
# the second rule starts on line 7


def _write(tmp_path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "rules.toml"
    path.write_bytes(text.encode(encoding))
    return path


def _error(tmp_path: Path, text: str) -> RulesError:
    path = _write(tmp_path, text)
    with pytest.raises(RulesError) as info:
        RuleSet.load(path)
    assert str(info.value).startswith(f"tệp quy tắc {path}, dòng {info.value.line}"), str(info.value)
    return info.value


def _hits(rules: RuleSet, text: str) -> list[str]:
    doc = analyze(text, segment=False)
    out = []
    for h in rules.match(doc.norm_text, doc.plain_text, doc.original):
        a, b = doc.span_of(h.start, h.end)
        out.append(text[a:b])
    return out


@pytest.mark.parametrize("key, value, hint", [
    ("keyword", '["lừa đảo"]', "(có phải 'keywords'?)"),
    ("wieght", "0.3", "(có phải 'weight'?)"),
    ("unless_keyword", '["không"]', "(có phải 'unless_keywords'?)"),
    ("catagory", '"scam"', "(có phải 'category'?)"),
])
def test_a_misspelt_key_names_its_line_and_the_key_meant(tmp_path: Path, key: str, value: str, hint: str) -> None:
    body = '[[rule]]\nid = "b"\ncategory = "scam"\nregex = "x"\n' if key == "catagory" else \
        '[[rule]]\nid = "b"\ncategory = "scam"\nkeywords = ["a"]\n'
    if key == "catagory":
        body = body.replace('category = "scam"\n', "")
    err = _error(tmp_path, HEAD + body + f"{key} = {value}\n")
    assert f"khoá không xác định: {key} {hint}" in str(err), str(err)
    assert err.line == HEAD.count("\n") + body.count("\n") + 1


@pytest.mark.parametrize("category, meant", [("scams", "scam"), ("Scam", "scam"), ("lừa đảo", "scam"),
                                             ("quảng cáo", "illegal_ad"), ("child-safety", "child_safety"),
                                             ("tin giả", "misinformation")])
def test_a_wrong_category_names_the_one_meant(tmp_path: Path, category: str, meant: str) -> None:
    err = _error(tmp_path, HEAD + f'[[rule]]\nid = "b"\ncategory = "{category}"\nkeywords = ["a"]\n')
    assert err.line == 9 and f"nhóm không xác định {category!r} (có phải {meant!r}?)" in str(err), str(err)


@pytest.mark.parametrize("weight, words", [("40", "có phải 0.4?"), ("75", "có phải 0.75?"), ("1.5", "(0, 1]"),
                                           ("-2", "[-1, 0)"), ("0", "(0, 1]")])
def test_a_weight_out_of_range_says_the_range_and_reads_a_percentage(tmp_path: Path, weight: str, words: str) -> None:
    err = _error(tmp_path, HEAD + f'[[rule]]\nid = "b"\ncategory = "scam"\nkeywords = ["a"]\nweight = {weight}\n')
    assert err.line == 11 and f"weight {weight}" in str(err) and words in str(err), str(err)


def test_a_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    err = _error(tmp_path, HEAD + '[[rule]]\nid = "scam.ok"\ncategory = "scam"\nkeywords = ["a"]\n')
    assert err.line == 8 and "trùng id 'scam.ok' với quy tắc #1 (dòng 2)" in str(err)


def test_an_id_written_in_nfd_is_the_same_id(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "lừa.đảo")
    err = _error(tmp_path, '[[rule]]\nid = "lừa.đảo"\ncategory = "scam"\nkeywords = ["a"]\n\n'
                           f'[[rule]]\nid = "{nfd}"\ncategory = "scam"\nkeywords = ["b"]\n')
    assert err.line == 7 and "trùng id 'lừa.đảo'" in str(err), str(err)


def test_a_regex_with_a_backslash_in_double_quotes_says_how_to_write_it(tmp_path: Path) -> None:
    err = _error(tmp_path, HEAD + '[[rule]]\nid = "b"\ncategory = "scam"\nregex = "nạp \\d+k"\n')
    assert err.line == 10 and "không phải TOML hợp lệ" in str(err)
    assert "regex = 'nạp \\d+k'" in str(err) or "nháy đơn" in str(err), str(err)


@pytest.mark.parametrize("line, words", [
    ('category = “scam”', "nháy thẳng"),  # a word processor's curly quotes
    ('category = "scam', "thiếu dấu \" đóng"),
    ('keywords = ["a"]\nkeywords = ["b"]', "viết hai lần"),
])
def test_common_toml_slips_are_explained(tmp_path: Path, line: str, words: str) -> None:
    err = _error(tmp_path, HEAD + f'[[rule]]\nid = "b"\n{line}\n')
    assert "không phải TOML hợp lệ" in str(err) and words in str(err), str(err)
    assert err.line is not None and err.line >= 9


def test_a_file_saved_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD, encoding="utf-8-sig")  # Windows Notepad's "UTF-8"
    assert [r.id for r in RuleSet.load(path).rules] == ["scam.ok"]


def test_a_file_saved_as_utf16_says_how_to_save_it(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD, encoding="utf-16")  # Notepad's "Unicode"
    with pytest.raises(RulesError) as info:
        RuleSet.load(path)
    assert "UTF-16" in str(info.value) and "UTF-8" in str(info.value)


def test_a_keyword_in_nfd_matches_nfc_text(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "chiếm đoạt tài sản")
    rules = RuleSet.load(_write(tmp_path, f'[[rule]]\nid = "b"\ncategory = "scam"\nkeywords = ["{nfd}"]\n'))
    assert _hits(rules, "Đối tượng chiếm đoạt tài sản của bà con") == ["chiếm đoạt tài sản"]


def test_a_vietnamese_keyword_written_without_diacritics_matches_as_written_with_a_note(tmp_path: Path) -> None:
    """Read with any diacritics, an operator's "lo de" (lô đề) matched news of an exam leaked ("lộ đề"), "ban sung"
    (bán súng) the sport ("bắn súng"), "so do" (sổ đỏ) a seating plan ("sơ đồ"): an existing file's unaccented
    keywords matched far more than before. They match as written; the rule carries a note for `config check`."""
    path = _write(tmp_path, '[[rule]]\nid = "b"\ncategory = "illegal_ad"\n\nkeywords = ["lo de", "ban sung", "so do", '
                            '"bán súng"]\n')
    rules = RuleSet.load(path)
    assert _hits(rules, "Bộ GD bác tin lộ đề thi tốt nghiệp THPT") == []
    assert _hits(rules, "Vận động viên bắn súng giành huy chương vàng") == []
    assert _hits(rules, "Xem sơ đồ phòng thi tại đây") == []
    assert _hits(rules, "choi lo de online uy tin") == ["lo de"]
    assert _hits(rules, "Shop bán súng hơi giá rẻ") == ["bán súng"]
    note = rules.rules[0].note
    assert note is not None and note.startswith(f"tệp quy tắc {path}, dòng 5, quy tắc #1 'b': "), note
    assert "'lo de', 'ban sung', 'so do'" in note and "'bán súng'" not in note, note


def test_a_single_word_or_a_loan_word_without_diacritics_matches_as_written(tmp_path: Path) -> None:
    rules = RuleSet.load(_write(tmp_path, '[[rule]]\nid = "b"\ncategory = "illegal_ad"\n'
                                          'keywords = ["ban", "vape", "casino online"]\n'))
    assert _hits(rules, "Bạn ơi, bán gấp") == []  # "ban" is not "bạn" nor "bán"
    assert _hits(rules, "ban gap vape xin") == ["ban"]
    assert _hits(rules, "Chơi casino online uy tín") == ["casino online"]


def test_a_fixed_rules_file_takes_effect_without_rebuilding_the_model(tmp_path: Path) -> None:
    from classifier.scorer import Scorer

    text = "Tuyển cộng tác viên đánh giá sản phẩm, thu nhập hấp dẫn, liên hệ ngay nhé"
    path = _write(tmp_path, DEFAULT_RULES.read_text(encoding="utf-8")
                  + '\n[[rule]]\nid = "scam.ctv"\ncategory = "scams"\nkeywords = ["tuyển cộng tác viên đánh giá"]\n'
                    'weight = 0.5\n')
    with pytest.raises(RulesError, match="có phải 'scam'"):
        Scorer.load(None, path)
    path.write_text(path.read_text(encoding="utf-8").replace('"scams"', '"scam"'), encoding="utf-8")
    result = Scorer.load(None, path).score(text)
    assert [e.detail.split(":")[0] for e in result.evidence if e.kind == "rule"] == ["scam.ctv"]
    assert "scam.ctv" not in {e.detail.split(":")[0] for e in Scorer.load(None, DEFAULT_RULES).score(text).evidence}


def test_the_default_rules_carry_no_note() -> None:
    """No keyword of the bundled rules is a Vietnamese phrase without diacritics."""
    rules = RuleSet.load(DEFAULT_RULES).rules
    assert len(rules) >= 10 and [r.id for r in rules if r.note] == []
