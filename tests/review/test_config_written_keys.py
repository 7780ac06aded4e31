"""Errors name the line where the key or the wrong value is written, also when a value spans several lines (a
multi-line array, a multi-line string that holds text looking like `key = ...`) and when a key is quoted
(`"download_timeout_s" = ...`, `'x' = ...`, a quoted dotted key `"a.b" = ...`, a quoted table header)."""

from __future__ import annotations

import pytest

from review.config import parse_config
from review.errors import ConfigError


def _error(body: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_config(body, "canhgac.toml")
    return info.value


@pytest.mark.parametrize(("body", "key", "line"), [
    ('[review]\nmoderators = [\n  "lan",\n  3,\n]\n', "review.moderators", 4),
    ('[[sources]]\nname = "a"\nkind = "rss"\nurls = [\n  "https://a.vn",\n  "ftp://b.vn",\n]\n',
     "sources[0].urls", 6),
    ('sources = [\n  { name = "a", kind = "rss", urls = [\n    "https://a.vn",\n    "ftp://b.vn",\n  ] },\n]\n',
     "sources[0].urls", 4),
    ('[crawler]\nuser_agent = """\ncanhgac\nobey_robots = 1\n"""\nobey_robots = 3\n', "crawler.obey_robots", 6),
    ("[crawler]\nuser_agent = '''\nobey_robots = 1'''\nobey_robots = 3\n", "crawler.obey_robots", 4),
])
def test_a_value_over_several_lines_does_not_move_the_line(body: str, key: str, line: int) -> None:
    err = _error(body)
    assert (err.key, err.line) == (key, line)
    assert f"canhgac.toml:{line}" in str(err) and key in str(err)


@pytest.mark.parametrize(("body", "key", "line"), [
    ('[crawler]\n# lưu ý\n"download_timeout_s" = "x"\n', "crawler.download_timeout_s", 3),
    ("[crawler]\nobey_robots = true\n'user_agentt' = 'x'\n", "crawler.user_agentt", 3),
    ('[crawler]\nobey_robots = true\n"a.b" = 1\n', "crawler.a.b", 3),
    ('[database]\nurl = "sqlite:///x.db"\n\n["crawler"]\ndownload_timeout_s = "x"\n',
     "crawler.download_timeout_s", 5),
    ('[[sources]]\nname = "a"\n"kind" = "rss"\nurls = ["https://a.vn"]\n\'shedule\' = "x"\n',
     "sources[0].shedule", 5),
    ('[classifier]\nmodel = ""\n\n"thresholds".scam = 2\n', "classifier.thresholds.scam", 4),
    ('sources = [\n  { name = "a", kind = "rss", urls = ["https://a.vn"] },\n'
     '  { "name" = "b", kind = "rss", urls = ["https://b.vn"], "shedule" = "x" },\n]\n', "sources[1].shedule", 3),
])
def test_a_quoted_key_has_its_own_line(body: str, key: str, line: int) -> None:
    err = _error(body)
    assert (err.key, err.line) == (key, line)
    assert f"canhgac.toml:{line}" in str(err) and f"khoá '{key}'" in str(err)
