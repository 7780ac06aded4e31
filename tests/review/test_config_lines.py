"""Errors point at the line where the wrong value is written, also for tables written inline: a threshold given
as `thresholds = { scam = 2 }` or `thresholds.scam = 2` in `[classifier]`, and an entry of an inline array of
tables (`sources = [ {...}, {...} ]`), which is on a line of its own, not on the line that opens the array."""

from __future__ import annotations

import pytest

from review.config import parse_config
from review.errors import ConfigError


@pytest.mark.parametrize("body", [
    '[classifier]\nmodel = ""\nthresholds = { offensive = 0.7, scam = 2 }\n',
    '[classifier]\nmodel = ""\nthresholds.offensive = 0.7\nthresholds.scam = 2\n',
])
def test_a_threshold_out_of_range_written_in_the_classifier_table_has_its_line(body: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(body, "canhgac.toml")
    line = 3 if "{" in body else 4
    assert (info.value.key, info.value.line) == ("classifier.thresholds.scam", line)
    assert "cần một số trong khoảng (0, 1]" in info.value.reason and f"canhgac.toml:{line}" in str(info.value)


INLINE = ('# canhgac\nsources = [\n'
          '  # { name = "z" }: a { in a comment is not an entry\n'
          '  { name = "a", kind = "rss", urls = ["https://a.vn"] },\n'
          '  { name = "b", kind = "rss", urls = [\n      "https://b.vn/{x}",\n    ] },\n'
          '  { name = "c", kind = "html", urls = ["https://c.vn"], selectors = { link = "a", titel = "h1" } },\n'
          ']\n\n[database]\nurl = "sqlite:///x.db"\n')


@pytest.mark.parametrize(("replace", "key", "line"), [
    (('name = "b"', 'name = "B"'), "sources[1].name", 5),
    (('"https://b.vn/{x}"', '"ftp://b.vn/{x}"'), "sources[1].urls", 6),  # the URL's own line
    (('kind = "rss", urls = [\n', 'kind = "rss", shedule = "every 5m", urls = [\n'), "sources[1].shedule", 5),
    (("", ""), "sources[2].selectors.titel", 8),
    (('name = "c"', 'name = "a"'), "sources[2].name", 8),
    (('kind = "html"', 'kind = "ftp"'), "sources[2].kind", 8),
])
def test_an_entry_of_an_inline_array_of_tables_has_its_own_line(replace: tuple[str, str], key: str,
                                                                line: int) -> None:
    body = INLINE.replace(*replace) if replace[0] else INLINE
    with pytest.raises(ConfigError) as info:
        parse_config(body, "canhgac.toml")
    assert (info.value.key, info.value.line) == (key, line)


def test_a_missing_key_of_an_inline_entry_names_the_entrys_line() -> None:
    body = 'sources = [\n  { name = "a", kind = "rss", urls = ["https://a.vn"] },\n  { name = "b", kind = "rss" },\n]\n'
    with pytest.raises(ConfigError) as info:
        parse_config(body, "canhgac.toml")
    assert (info.value.key, info.value.line) == ("sources[1].urls", 3)


@pytest.mark.parametrize("odd", ["\u2028", "\u0085", "\u2029"])
def test_characters_python_counts_as_line_breaks_do_not_shift_the_line(odd: str) -> None:
    """TOML breaks lines at "\\n" only: a U+2028 pasted into a comment or a string is no new line (Python's
    str.splitlines would count one, and every later error would point a line too far)."""
    body = (f'# Nguồn tin của tỉnh{odd} (bản sửa)\n[[sources]]\nname = "bao-tinh"\nkind = "rss"\n'
            f'urls = ["https://bao.vn/rss"]\nlocality = "Phường{odd}1"\nshedule = "every 5m"\n')
    with pytest.raises(ConfigError) as info:
        parse_config(body, "canhgac.toml")
    assert (info.value.key, info.value.line) == ("sources[0].shedule", 7)
