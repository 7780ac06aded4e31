"""Typos in nested keys are named with file, dotted key, line and the key probably meant, also when the table is
written as dotted keys at the top of the file or as an inline array of tables."""

from __future__ import annotations

import pytest

from crawler.cli import main
from review.config import parse_config
from review.errors import ConfigError


@pytest.mark.parametrize(("body", "key", "line", "meant"), [
    ('# canhgac\ncrawler.crawl_timeout = 60\n\n[database]\nurl = "sqlite:///x.db"\n', "crawler.crawl_timeout", 2,
     "crawl_timeout_s"),
    ('sources = [\n  { name = "a", kind = "rss", urls = ["https://a.vn"], shedule = "every 5m" },\n]\n',
     "sources[0].shedule", 2, "schedule"),
    ('[[sources]]\nname = "a"\nkind = "html"\nurls = ["https://a.vn"]\n[sources.selectors]\nitem = "div"\ntitel = "h1"\n',
     "sources[0].selectors.titel", 7, "title"),
    ('[crawler]\nredis.url = "redis://127.0.0.1:6379/0"\n', "crawler.redis", 2, "redis_url"),
    ('[digest]\nrecipient = ["a@so.example.vn"]\n', "digest.recipient", 2, "recipients"),
])
def test_nested_typo_is_located_and_the_meant_key_suggested(body: str, key: str, line: int, meant: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(body, "canhgac.toml")
    assert (info.value.key, info.value.line) == (key, line)
    assert f"khoá không xác định (có phải {meant!r}?)" in info.value.reason


def test_config_check_prints_the_location(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "canhgac.toml"
    cfg.write_text('daemon.log_json = true\ndaemon.jiter_s = 5\n[database]\nurl = "sqlite:///x.db"\n', encoding="utf-8")
    assert main(["--config", str(cfg), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert f"{cfg}:2, khoá 'daemon.jiter_s': khoá không xác định (có phải 'jitter_s'?)" in err
    assert "Traceback" not in err
