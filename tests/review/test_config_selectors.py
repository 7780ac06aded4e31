"""A selector cssselect can parse but not translate (a misspelt pseudo-element such as `h1::tetx`, an unknown
pseudo-class, `:nth-child(x)`) is a config error naming the source's selector and line, not a traceback from
`config check`: cssselect raises those as ExpressionError, which is neither a SyntaxError nor a ValueError."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.cli import main
from review.config import parse_config
from review.errors import ConfigError

HTML = '[[sources]]\nname = "p"\nkind = "html"\nurls = ["https://p.vn"]\n'


@pytest.mark.parametrize(("selectors", "key", "words"), [
    ('link = "a::attr(href)", title = "h1::tetx"', "sources[0].selectors.title", "::tetx"),
    ('link = "a::att(href)"', "sources[0].selectors.link", "::att()"),
    ('item = "div:frist-child", link = "a"', "sources[0].selectors.item", ":frist-child"),
    ('link = "li:nth-child(x) a"', "sources[0].selectors.link", "bộ chọn không hợp lệ"),
])
def test_a_selector_cssselect_cannot_translate_is_a_config_error(selectors: str, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(HTML + f"selectors = {{ {selectors} }}\n", "canhgac.toml")
    assert (info.value.key, info.value.line) == (key, 5)
    assert "bộ chọn không hợp lệ" in info.value.reason and words in info.value.reason


def test_config_check_says_it_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "canhgac.toml"
    path.write_text(HTML + 'selectors = { link = "a::attr(href)", title = "h1::tetx" }\n', encoding="utf-8")
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert f"{path}:5" in err and "sources[0].selectors.title" in err


@pytest.mark.parametrize(("query", "name"), [
    ("//a[contians(@class,'x')]", "contians"),
    ("//div[@id='tin-moi']//a[lower-case(text())='xem']/@href", "lower-case"),  # XPath 2.0: lxml has 1.0
    ("//article[1]/h1[matches(., 'Lừa')]", "matches"),
    ("(//a)[str:replace(., 'a', 'b')]", "str:replace"),  # EXSLT strings: parsel registers re: and set: only
])
def test_an_unknown_xpath_function_is_a_config_error_not_a_crawl_time_error(query: str, name: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(HTML + f'selectors = {{ link = "{query}" }}\n', "canhgac.toml")
    assert (info.value.key, info.value.line) == ("sources[0].selectors.link", 5)
    assert "bộ chọn không hợp lệ" in info.value.reason and name in info.value.reason


@pytest.mark.parametrize("query", [
    "//a[contains(@class, 'tin') and not(starts-with(@href, '#'))]/@href",
    "//div[has-class('bai-viet')]//a[re:test(@href, '/tin-[0-9]+')]/@href",
    "//li[position() <= last() - 1]/a[normalize-space(text()) != '']/@href",
    "//a[set:distinct(.)][string-length(concat(@title, 'contians(')) > 0]/@href",  # a name in a string is no call
    "//comment()/following-sibling::node()/text()",
    "//a[@href and(@title or(@rel))][count(../a)div(2)>=1]/@href",  # operators before a parenthesis
])
def test_xpath_10_exslt_and_parsel_functions_are_accepted(query: str) -> None:
    parse_config(HTML + f'selectors = {{ link = "{query}" }}\n', "canhgac.toml")
