"""`[crawler] redis_url` is checked as redis-py reads it: a database number that is not a number (which redis-py
silently reads as database 0, so two installations would share their rounds' keys) or a port out of range is a
config error naming file, line and key, with the password hidden; good URLs still load."""

from __future__ import annotations

import pytest

from crawler.cli import main
from review.config import parse_config
from review.errors import ConfigError


@pytest.mark.parametrize(("url", "words"), [
    ("redis://10.0.0.5:6379/l", "số cơ sở dữ liệu 'l' không phải số"),
    ("redis://10.0.0.5:6379/abc", "số cơ sở dữ liệu 'abc' không phải số"),
    ("redis://:mat@khau@10.0.0.5:6379/1x", "số cơ sở dữ liệu '1x' không phải số"),
    ("redis://10.0.0.5:637900/0", "cổng là số 1-65535"),
    ("redis://10.0.0.5:63a9/0", "cổng là số 1-65535"),
    ("redis://10.0.0.5:0/0", "cổng phải là số 1-65535"),
    ("redis:///0", "thiếu tên máy"),
    ("redis//10.0.0.5:6379/0", "cần dạng redis://HOST:PORT/DB"),
    ("redis://:mat/khau@10.0.0.5:6379/0", "phải viết là %2F"),
])
def test_bad_redis_url_names_file_key_and_line(url: str, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(f'[database]\nurl = "sqlite:///x.db"\n\n[crawler]\nredis_url = "{url}"\n', "canhgac.toml")
    err = info.value
    assert (err.file, err.key, err.line) == ("canhgac.toml", "crawler.redis_url", 5)
    assert words in str(err)
    assert "khau" not in str(err) and "\n" not in str(err)


@pytest.mark.parametrize(("url", "words"), [
    # generated passwords hold '#' and '?': a URL parser ends the host part there ("Port could not be cast to
    # integer value as 'S3cr'" quoted the password's start, and the URL was shown up to the '#' in clear)
    ("redis://:S3cr#tPw@10.0.0.5:6379/1", "'#' phải viết là %23"),
    ("redis://canhgac:S3cr?tPw@10.0.0.5:6379/1", "'?' phải viết là %3F"),
    ("redis://canhgac:S3cr#t?P/w@10.0.0.5:6379/1", "'/' phải viết là %2F, '?' phải viết là %3F, '#' phải viết là %23"),
    ("redis://canhgac:S3cr@t#Pw@10.0.0.5:6379/1", "'#' phải viết là %23"),  # the LAST '@' ends the password
])
def test_a_password_with_hash_or_question_mark_is_never_shown(url: str, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(f'[crawler]\nredis_url = "{url}"\n', "canhgac.toml")
    err = str(info.value)
    assert (info.value.key, info.value.line) == ("crawler.redis_url", 2)
    assert words in err, err
    assert "S3cr" not in err and "Pw" not in err and "Port" not in err, err
    assert "@10.0.0.5:6379/1" in err  # which Redis, without its password


@pytest.mark.parametrize("url", ["redis://10.0.0.5:6379/0", "redis://:p%40ss@10.0.0.5:6379/15",
                                 "rediss://canhgac:pw@redis.so.gov.vn:6380/1", "redis://127.0.0.1:6379",
                                 "redis://127.0.0.1"])
def test_good_redis_urls_load(url: str) -> None:
    cfg = parse_config(f'[crawler]\nredis_url = "{url}"\n', "canhgac.toml")
    assert cfg.crawler.redis_url == url


def test_config_check_refuses_a_letter_for_the_database_number(write_config,  # type: ignore[no-untyped-def]
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config('[crawler]\nredis_url = "redis://10.0.0.5:6379/l"\n')
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert f"{path}:2, khoá 'crawler.redis_url'" in err and len(err.splitlines()) == 1
